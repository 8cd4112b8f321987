import { listInputVariables } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { segments, templateVariables, variablesOf } from "./variables.js";

describe("template variables", () => {
  it("paints f-string fields as core reads them, skipping doubled braces; a field core refuses is not a variable", () => {
    expect(segments("Hi {name}, {{literal}} {score:.2f} {user.email}", "f-string").filter((s) => s.variable).map((s) => s.variable)).toEqual(["name", "score"]);
  });

  it("paints jinja2 names, not loop variables or keywords", () => {
    const found = segments("{% for item in items %}{{ item }}{% endfor %}{% if vip %}{{ greeting | upper }}{% endif %}", "jinja2");
    expect(found.filter((s) => s.variable).map((s) => s.variable)).toEqual(["items", "vip", "greeting"]);
  });

  it("lists a chat template's variables in order of first use, placeholders included, as core does", () => {
    const template = {
      type: "chat" as const,
      messages: [
        { role: "system" as const, content: [{ type: "text" as const, text: "You help {company}." }] },
        { role: "placeholder" as const, name: "history" },
        { role: "user" as const, content: [{ type: "text" as const, text: "{question} ({company})" }] },
      ],
    };
    expect(templateVariables(template)).toEqual(["company", "history", "question"]);
    expect(templateVariables(template)).toEqual(listInputVariables(template));
  });

  it("says why a template core can't read has no variable list ({user.email} in an f-string)", () => {
    const result = variablesOf({ type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Mail {user.email}" }] }] });
    expect(result.names).toEqual([]);
    expect(result.error).toMatch(/user\.email/);
  });
});
