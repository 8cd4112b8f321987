/**
 * Issue 13's reproductions through `POST /prompt-templates/{name}`: each
 * answers 400 with `error.code` `template_limit` (or `invalid_template`)
 * naming the limit, and the server keeps answering. Before the render budget,
 * reproductions 1 and 2 killed the process ("JavaScript heap out of memory"),
 * 3 held the event loop for 53.8 s, and 4 and 6 were 500s.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTemplateRenderer } from "../render/template-renderer.js";
import { chatTemplate, createRouteHarness, publish, type RouteHarness } from "./route-harness.contract.js";

let h: RouteHarness;
let key: string;

beforeAll(async () => {
  h = await createRouteHarness();
  key = h.a.adminKey;
});
afterAll(() => h.close());

function template(text: string, format: "jinja2" | "f-string") {
  const body = chatTemplate(text);
  (body.prompt_template.messages[0] as Record<string, unknown>).template_format = format;
  return body;
}

let counter = 0;
async function served(text: string, format: "jinja2" | "f-string", inputVariables: Record<string, unknown> = {}) {
  const name = `bomb-${++counter}`;
  await publish(h, key, { prompt_name: name, ...template(text, format) });
  return h.call("POST", `/prompt-templates/${name}`, { key, body: { input_variables: inputVariables } });
}

const splitBomb =
  "{% set ns = namespace(s='x', l=[]) %}{% for i in range(23) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{% for i in range(12) %}{% set ns.l = ns.l + [ns.s.split('x')] %}{% endfor %}{{ ns.l|length }}";

const reproductions: [label: string, text: string, format: "jinja2" | "f-string", variables: Record<string, unknown>][] = [
  ["1: split() of a doubled string", splitBomb, "jinja2", {}],
  ["1, one doubling fewer (split() itself is refused)", splitBomb.replace("range(23)", "range(22)"), "jinja2", {}],
  [
    "3: upper() of an 8.4M-character string, 10,000 times",
    "{% set ns = namespace(s='x') %}{% for i in range(22) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{% for i in range(10000) %}{% set t = ns.s.upper() %}{% endfor %}",
    "jinja2",
    {},
  ],
  ["4: {x:>100000000}", "{x:>100000000}", "f-string", { x: "a" }],
  ["4: {x:.100000000f}", "{x:.100000000f}", "f-string", { x: 1.5 }],
  ["4: {x:>99999999999999999999}", "{x:>99999999999999999999}", "f-string", { x: "a" }],
  ["4: {x:>{w}} with the width from an input variable", "{x:>{w}}", "f-string", { x: "a", w: 100_000_000 }],
  ["6: not × 5,000", `{{ ${"not ".repeat(5000)}1 }}`, "jinja2", {}],
  ["6: 1|string × 5,000", `{{ 1${"|string".repeat(5000)} }}`, "jinja2", {}],
];

describe("the issue's reproductions through POST /prompt-templates/{name}", () => {
  it.each(reproductions)("%s: a 400 naming the limit, and the server answers after", { timeout: 30_000 }, async (_label, text, format, variables) => {
    const result = await served(text, format, variables);
    expect(result.status, result.text.slice(0, 300)).toBe(400);
    expect(result.body.error.code).toBe("template_limit");
    expect(result.body.error.limit).toMatch(/^max/);
    expect(result.body.message).toContain(result.body.error.limit);
    expect((await h.call("GET", "/healthz")).status).toBe(200);
  });

  it.each([700, 300])("2: a snippet bomb (fan-out %i, 1,000-character s0): a 400 naming maxSnippetExpansionLength", { timeout: 30_000 }, async (fanOut) => {
    await publish(h, key, { prompt_name: `s0-${fanOut}`, ...template("x".repeat(1000), "f-string") });
    await publish(h, key, { prompt_name: `s1-${fanOut}`, ...template(`@@@s0-${fanOut}@@@`.repeat(fanOut), "f-string") });
    await publish(h, key, { prompt_name: `s2-${fanOut}`, ...template(`@@@s1-${fanOut}@@@`.repeat(fanOut), "f-string") });
    await publish(h, key, { prompt_name: `laughs-${fanOut}`, ...template(`@@@s2-${fanOut}@@@`, "f-string") });
    const result = await h.call("POST", `/prompt-templates/laughs-${fanOut}`, { key, body: {} });
    expect(result.status, result.text.slice(0, 300)).toBe(400);
    expect(result.body.error.code).toBe("template_limit");
    expect(result.body.error.limit).toBe("maxSnippetExpansionLength");
    expect((await h.call("GET", "/healthz")).status).toBe(200);
  });

  it("still renders a normal template after all of them", async () => {
    await publish(h, key, { prompt_name: "normal", ...template("{% for x in xs %}{{ x }} {% endfor %}", "jinja2") });
    const result = await h.call("POST", "/prompt-templates/normal", { key, body: { input_variables: { xs: ["a", "b"] } } });
    expect(result.status).toBe(200);
    expect(result.body.prompt_template.messages[0].content[0].text).toBe("a b ");
  });
});

describe("render limits set by the operator", () => {
  it("raised limits let a bigger template render; lowered ones refuse a smaller one", async () => {
    const renderer = createTemplateRenderer({ limits: { maxRangeLength: 20_000 }, workers: 0 });
    const raised = await createRouteHarness({ renderer });
    try {
      const text = "{{ range(15000) | length }}";
      await publish(raised, raised.a.adminKey, { prompt_name: "range", ...template(text, "jinja2") });
      const result = await raised.call("POST", "/prompt-templates/range", { key: raised.a.adminKey, body: {} });
      expect(result.status).toBe(200);
      expect(result.body.prompt_template.messages[0].content[0].text).toBe("15000");
      // The same template on a server with the defaults (10,000).
      expect((await served(text, "jinja2")).body.error.limit).toBe("maxRangeLength");
    } finally {
      await raised.close();
    }
  });
});

describe("rendering off the event loop", () => {
  it("answers /healthz while a long render is still in progress in a worker", { timeout: 60_000 }, async () => {
    let offLoop!: () => void;
    const movedOffLoop = new Promise<void>((resolve) => (offLoop = resolve));
    // A render that only the wall-time limit (2 s) stops: far longer than the 25 ms the event loop gives it.
    const renderer = createTemplateRenderer({
      limits: { maxSteps: 1e12, maxBuiltLength: 1e12, maxOutputLength: 1e9, maxTimeMs: 2000 },
      workers: 1,
      onOffLoop: () => offLoop(),
    });
    const slow = await createRouteHarness({ renderer });
    try {
      const endless = "{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}x{% endfor %}{% endfor %}{% endfor %}";
      await publish(slow, slow.a.adminKey, { prompt_name: "endless", ...template(endless, "jinja2") });
      let renderDone = false;
      const rendering = slow.call("POST", "/prompt-templates/endless", { key: slow.a.adminKey, body: {} }).then((result) => {
        renderDone = true;
        return result;
      });
      await movedOffLoop;
      const health = await slow.call("GET", "/healthz");
      expect(health.status).toBe(200);
      // Answered while the render is still running.
      expect(renderDone).toBe(false);
      const result = await rendering;
      expect(result.status).toBe(400);
      expect(result.body.error.limit).toBe("maxTimeMs");
    } finally {
      await renderer.close();
      await slow.close();
    }
  });
});
