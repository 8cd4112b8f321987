import { afterAll, describe, expect, it } from "vitest";
import { defaultRenderLimits, InvalidTemplateError, PythonFloat, renderTemplate, resolveRenderLimits, TemplateLimitError, type CompletionTemplate } from "@promptline/core";
import { RenderPool } from "./render-pool.js";

const completion = (text: string, format: "jinja2" | "f-string" = "jinja2"): CompletionTemplate => ({
  type: "completion",
  template_format: format,
  content: [{ type: "text", text }],
});

/** Loops that run until a limit stops them: 10⁴ × 10⁴ × 10⁴ iterations. */
const endless = "{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}x{% endfor %}{% endfor %}{% endfor %}";

describe("RenderPool", () => {
  const pool = new RenderPool({ size: 1 });
  afterAll(() => pool.close());

  it("renders in a worker exactly as in the process", { timeout: 30_000 }, async () => {
    const template = completion("{% for x in xs %}{{ x | upper }}{% endfor %} {{ n * 2 }}");
    const variables = { xs: ["a", "b"], n: 21 };
    const rendered = await pool.render(template, variables, "compatible", defaultRenderLimits);
    expect(rendered).toEqual(renderTemplate(template, variables, { mode: "compatible" }));
    expect((rendered as CompletionTemplate).content[0]).toEqual({ type: "text", text: "AB 42" });
  });

  it("carries a Python client's 10.0 (PythonFloat) to the worker and back as a float", { timeout: 30_000 }, async () => {
    const template = completion("{{ x }} {{ xs[0] }} {{ o.y }} {{ n }}");
    const variables = { x: new PythonFloat(10), xs: [new PythonFloat(2)], o: { y: new PythonFloat(3) }, n: 4 };
    const rendered = await pool.render(template, variables, "compatible", defaultRenderLimits);
    expect((rendered as CompletionTemplate).content[0]).toEqual({ type: "text", text: "10.0 2.0 3.0 4" });
    expect(rendered).toEqual(renderTemplate(template, variables, { mode: "compatible" }));
  });

  it("rejects with the render's own error classes and fields", { timeout: 30_000 }, async () => {
    const limited = await pool.render(completion("{% for i in range(100000) %}{% endfor %}"), {}, "compatible", defaultRenderLimits).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(TemplateLimitError);
    expect((limited as TemplateLimitError).limit).toBe("maxRangeLength");
    expect((limited as TemplateLimitError).location).toBe("content[0]");
    const invalid = await pool.render(completion("{% if %}"), {}, "compatible", defaultRenderLimits).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(InvalidTemplateError);
    expect(invalid).not.toBeInstanceOf(TemplateLimitError);
  });

  it("applies the limits it is given (the cooperative wall time stops a render in the worker)", { timeout: 30_000 }, async () => {
    const limits = resolveRenderLimits({ maxSteps: 1e12, maxBuiltLength: 1e12, maxOutputLength: 1e9, maxTimeMs: 200 });
    const error = await pool.render(completion(endless), {}, "compatible", limits).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TemplateLimitError);
    expect((error as TemplateLimitError).limit).toBe("maxTimeMs");
  });

  it("keeps the event loop free while it renders: a timer set after the render started fires before it ends", { timeout: 30_000 }, async () => {
    const limits = resolveRenderLimits({ maxSteps: 1e12, maxBuiltLength: 1e12, maxOutputLength: 1e9, maxTimeMs: 1500 });
    const order: string[] = [];
    const rendering = pool.render(completion(endless), {}, "compatible", limits).catch(() => order.push("render ended"));
    await new Promise((resolve) => setTimeout(resolve, 10));
    order.push("timer fired");
    await rendering;
    expect(order).toEqual(["timer fired", "render ended"]);
  });
});

describe("RenderPool hard timeout", () => {
  it("terminates a worker still busy past the hard timeout, answers TemplateLimitError, and renders again after", { timeout: 30_000 }, async () => {
    // The cooperative limit is far away (60 s): only the hard timeout can stop this render.
    const pool = new RenderPool({ size: 1, hardTimeoutMs: () => 300 });
    try {
      // Warm the worker first, so its start-up is out of the picture.
      await pool.render(completion("ok"), {}, "compatible", defaultRenderLimits);
      const limits = resolveRenderLimits({ maxSteps: 1e12, maxBuiltLength: 1e12, maxOutputLength: 1e9, maxTimeMs: 60_000 });
      const error = await pool.render(completion(endless), {}, "compatible", limits).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TemplateLimitError);
      expect((error as TemplateLimitError).message).toMatch(/stopped after 300 ms/);
      const again = await pool.render(completion("{x}", "f-string"), { x: "still here" }, "compatible", defaultRenderLimits);
      expect((again as CompletionTemplate).content[0]).toEqual({ type: "text", text: "still here" });
    } finally {
      await pool.close();
    }
  });
});
