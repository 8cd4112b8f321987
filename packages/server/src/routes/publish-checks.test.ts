import { knownProviders } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTemplate, createRouteHarness, type RouteHarness } from "./route-harness.contract.js";

/** Issue 19: a version that could never run is refused at publish, on both publish routes, and nothing is stored. */

let h: RouteHarness;
beforeAll(async () => {
  h = await createRouteHarness();
});
afterAll(() => h.close());

const unrunnable: [string, Record<string, unknown>, string][] = [
  ["an unknown provider", { provider: "openia", name: "gpt-4o-mini" }, `"openia" is not a provider Promptline can call: use one of ${knownProviders.join(", ")}`],
  ["no model name", { provider: "openai", name: "" }, "name"],
  ["a provider/model pair the codecs can't build", { provider: "vertexai", name: "llama-3.1" }, 'provider "vertexai" cannot call model "llama-3.1"'],
  ["an unknown fallback provider", { provider: "openai", name: "gpt-4o", fallbacks: [{ provider: "antropic", name: "claude-haiku-4-5" }] }, 'fallbacks[0].provider "antropic"'],
];

describe("publishing a prompt that can never run", () => {
  it.each(unrunnable)("POST /api/v1/prompts refuses %s with a 400 that says why", async (_, model, message) => {
    const result = await h.call("POST", "/api/v1/prompts", { key: h.a.adminKey, body: { prompt_name: "never", ...chatTemplate("x"), metadata: { model } } });
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe("invalid_request");
    expect(result.body.error.message).toContain(message);
    expect((await h.call("GET", "/api/v1/prompts/never", { key: h.a.adminKey })).status).toBe(404);
  });

  it.each(unrunnable)("POST /rest/prompt-templates (PromptLayer's publish) refuses %s with a 400", async (_, model, message) => {
    const result = await h.call("POST", "/rest/prompt-templates", {
      key: h.a.adminKey,
      body: { prompt_template: { prompt_name: "never-pl", ...chatTemplate("x") }, prompt_version: { ...chatTemplate("x"), metadata: { model } } },
    });
    expect(result.status).toBe(400);
    expect(result.body.error.message).toContain(message);
    expect((await h.call("GET", "/api/v1/prompts/never-pl", { key: h.a.adminKey })).status).toBe(404);
  });

  it("still publishes runnable settings and a version without a model", async () => {
    const ok = await h.call("POST", "/api/v1/prompts", {
      key: h.a.adminKey,
      body: { prompt_name: "fine", ...chatTemplate("x"), metadata: { model: { provider: "vertexai", name: "gemini-2.5-flash", parameters: {} } } },
    });
    expect(ok.status).toBe(201);
    expect((await h.call("POST", "/api/v1/prompts", { key: h.a.adminKey, body: { prompt_name: "no-model", ...chatTemplate("x") } })).status).toBe(201);
  });
});
