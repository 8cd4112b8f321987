/**
 * Replays the Python ground truth of __fixtures__/ (see its README). Every
 * case must match character for character, except the ones listed below,
 * each with the reason and what we assert instead.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InvalidTemplateError, MissingVariablesError } from "../errors/promptline-error.js";
import { renderText } from "./index.js";

interface Case {
  template: string;
  variables: Record<string, unknown>;
  output?: string;
  error?: string;
  message?: string;
}

function loadCases(file: string): Case[] {
  const parsed = JSON.parse(readFileSync(new URL(`./__fixtures__/${file}`, import.meta.url), "utf8")) as { cases: Case[] };
  return parsed.cases;
}

/** What we assert for a case that deliberately or unavoidably differs from Python. */
interface Divergence {
  reason: string;
  check: (testCase: Case) => void;
}

const renderFString = (testCase: Case, mode: "strict" | "compatible" = "strict") =>
  renderText(testCase.template, "f-string", testCase.variables, { mode });
const renderJinja = (testCase: Case) => renderText(testCase.template, "jinja2", testCase.variables, { mode: "compatible" });

const fstringDivergences: Record<string, Divergence> = {
  // Unavoidable: JSON.parse turns 3.0 into 3, and JavaScript has one number type.
  "{n} → 3.0": {
    reason: "JavaScript cannot tell 3.0 from 3 after JSON.parse; it prints as the int 3",
    check: (testCase) => expect(renderFString(testCase)).toBe("3"),
  },
  // Deliberate (the rule): index and attribute fields are rejected with a clear error.
  "{items[0]} → 1": {
    reason: "index fields are rejected: use a plain {name} or jinja2",
    check: (testCase) => expect(() => renderFString(testCase)).toThrow(/index field "\{items\[0\]\}".*plain \{name\}/),
  },
  // Deliberate: a missing variable is an error listing it (strict) or "" (compatible), not a KeyError.
  "{a} {b} → KeyError": {
    reason: "missing variables follow the render mode",
    check: (testCase) => {
      expect(() => renderFString(testCase)).toThrow(MissingVariablesError);
      expect(renderFString(testCase, "compatible")).toBe("only a ");
    },
  },
};

const jinjaDivergences: Record<string, Divergence> = {
  "{{ flag }} {{ none_val }} {{ num }} → True None 3.0": {
    reason: "3.0 arrives as 3 (JSON.parse); None renders as \"\" (PromptLayer renders None as empty)",
    check: (testCase) => expect(renderJinja(testCase)).toBe("True  3"),
  },
  "{{ '%s-%s' | format(1, 2) }} → 1-2": {
    reason: "@huggingface/jinja has no printf-style `format` filter",
    check: (testCase) => expect(() => renderJinja(testCase)).toThrow(InvalidTemplateError),
  },
  "{{ items.pop() }} → 2": {
    reason:
      "the engine has no list methods, so this is an error; note the fixture itself is wrong: jinja2 3.1.6 renders [1].pop() as 1, not 2",
    check: (testCase) => expect(() => renderJinja(testCase)).toThrow(InvalidTemplateError),
  },
};

const keyOf = (testCase: Case) => `${testCase.template} → ${testCase.output ?? testCase.error}`;

describe("f-string fixture cases (Python str.format)", () => {
  const cases = loadCases("fstring-cases.json");
  for (const testCase of cases) {
    const divergence = fstringDivergences[keyOf(testCase)];
    if (divergence) {
      it(`${JSON.stringify(testCase.template)} differs on purpose: ${divergence.reason}`, () => divergence.check(testCase));
    } else if (testCase.output !== undefined) {
      it(`renders ${JSON.stringify(testCase.template)}`, () => expect(renderFString(testCase)).toBe(testCase.output));
    } else {
      it(`rejects ${JSON.stringify(testCase.template)} as Python does (${testCase.error})`, () => {
        expect(() => renderFString(testCase)).toThrow(InvalidTemplateError);
      });
    }
  }

  it("lists only divergences that exist in the fixture", () => {
    const keys = new Set(cases.map(keyOf));
    expect(Object.keys(fstringDivergences).filter((key) => !keys.has(key))).toEqual([]);
  });
});

describe("f-string format-spec cases (generated with Python 3.11)", () => {
  for (const testCase of loadCases("fstring-format-spec-cases.json")) {
    if (testCase.output !== undefined) {
      it(`renders ${testCase.template} of ${JSON.stringify(testCase.variables)}`, () => {
        expect(renderFString(testCase)).toBe(testCase.output);
      });
    } else {
      it(`rejects ${testCase.template} of ${JSON.stringify(testCase.variables)} (${testCase.error}: ${testCase.message})`, () => {
        expect(() => renderFString(testCase)).toThrow(InvalidTemplateError);
      });
    }
  }
});

describe("jinja2 fixture cases (SandboxedEnvironment + ChainableUndefined)", () => {
  const cases = loadCases("jinja2-cases.json");
  for (const testCase of cases) {
    const divergence = jinjaDivergences[keyOf(testCase)];
    if (divergence) {
      it(`${JSON.stringify(testCase.template)} differs: ${divergence.reason}`, () => divergence.check(testCase));
    } else if (testCase.output !== undefined) {
      it(`renders ${JSON.stringify(testCase.template)}`, () => expect(renderJinja(testCase)).toBe(testCase.output));
    } else {
      it(`rejects ${JSON.stringify(testCase.template)} as jinja2 does (${testCase.error})`, () => {
        expect(() => renderJinja(testCase)).toThrow(InvalidTemplateError);
      });
    }
  }

  it("lists only divergences that exist in the fixture", () => {
    const keys = new Set(cases.map(keyOf));
    expect(Object.keys(jinjaDivergences).filter((key) => !keys.has(key))).toEqual([]);
  });
});
