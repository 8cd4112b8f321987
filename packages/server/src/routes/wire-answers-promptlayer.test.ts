import { promptLayerOperations, readAnswer } from "@promptline/core/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTemplate, createRouteHarness, type RouteHarness } from "./route-harness.contract.js";

/**
 * PromptLayer's routes answer in the shapes of the wire contract our SDK reads
 * them with (decision 0015): every PromptLayer operation that declares an
 * answer is called here on the real server and its body read through that schema.
 */

let h: RouteHarness;
let key: string;
beforeAll(async () => {
  h = await createRouteHarness();
  key = h.a.adminKey;
});
afterAll(() => h.close());

/** What earlier answers told us, for the calls after them. */
const seen = { promptId: 0, labelId: 0, requestId: 0, groupId: 0 };
const started = Date.now() - 1000;
const { prompt_template, metadata } = chatTemplate("Hi {name}");
const chat = (role: "user" | "assistant", text: string) => ({ type: "chat", messages: [{ role, content: [{ type: "text", text }] }] });
const version = { prompt_name: "pl-wired", prompt_template, metadata, tags: ["t"], commit_message: "first" };

/** One call per operation, in an order where each finds what it needs. */
const calls: Record<string, () => { path: string; body?: unknown }> = {
  "POST /rest/prompt-templates": () => ({ path: "/rest/prompt-templates", body: { prompt_template: version, prompt_version: version, release_labels: ["prod"] } }),
  "POST /prompt-templates/{identifier}": () => ({ path: "/prompt-templates/pl-wired", body: { label: "prod", input_variables: { name: "Ada" } } }),
  "GET /prompt-templates/{identifier}/labels": () => ({ path: "/prompt-templates/pl-wired/labels" }),
  "GET /prompt-templates": () => ({ path: "/prompt-templates?per_page=10" }),
  "POST /prompts/{promptId}/label": () => ({ path: `/prompts/${seen.promptId}/label`, body: { prompt_version_number: 1, name: "staging" } }),
  "PATCH /prompt-labels/{labelId}": () => ({ path: `/prompt-labels/${seen.labelId}`, body: { prompt_version_number: 1 } }),
  "POST /track-request": () => ({
    path: "/track-request",
    body: {
      function_name: "openai.chat.completions.create",
      kwargs: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] },
      request_response: { id: "c1", model: "gpt-4o-mini", choices: [{ index: 0, message: { role: "assistant", content: "Hello" }, finish_reason: "stop" }] },
      request_start_time: started / 1000,
      request_end_time: Date.now() / 1000,
      return_prompt_blueprint: true,
    },
  }),
  "POST /log-request": () => ({
    path: "/log-request",
    body: { provider: "openai", model: "gpt-4o-mini", input: chat("user", "Hi"), output: chat("assistant", "Hello"), request_start_time: started, request_end_time: Date.now() },
  }),
  "POST /library-track-metadata": () => ({ path: "/library-track-metadata", body: { request_id: seen.requestId, metadata: { user: "ada" } } }),
  "POST /rest/track-metadata": () => ({ path: "/rest/track-metadata", body: { request_id: seen.requestId, metadata: { user: "bob" } } }),
  "POST /library-track-score": () => ({ path: "/library-track-score", body: { request_id: seen.requestId, score: 80 } }),
  "POST /rest/track-score": () => ({ path: "/rest/track-score", body: { request_id: seen.requestId, score: 90, name: "rest" } }),
  "POST /library-track-prompt": () => ({ path: "/library-track-prompt", body: { request_id: seen.requestId, prompt_name: "pl-wired", version: 1 } }),
  "POST /rest/track-prompt": () => ({ path: "/rest/track-prompt", body: { request_id: seen.requestId, prompt_name: "pl-wired", label: "prod" } }),
  "POST /create-group": () => ({ path: "/create-group", body: {} }),
  "POST /track-group": () => ({ path: "/track-group", body: { request_id: seen.requestId, group_id: seen.groupId } }),
  "POST /rest/track-group": () => ({ path: "/rest/track-group", body: { request_id: seen.requestId, group_id: seen.groupId } }),
};

describe("PromptLayer's answers read through the wire contract", () => {
  it("has a call here for every PromptLayer operation that declares an answer", () => {
    const declared = promptLayerOperations.filter((op) => op.answer).map((op) => `${op.method.toUpperCase()} ${op.path}`);
    expect(Object.keys(calls).sort()).toEqual(declared.sort());
  });

  it("every declared answer parses, with the fields our SDK reads", async () => {
    const operations = new Map(promptLayerOperations.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op]));
    for (const [route, call] of Object.entries(calls)) {
      const op = operations.get(route)!;
      const { path, body } = call();
      const result = await h.call(op.method.toUpperCase(), path, { key, ...(body !== undefined && { body }) });
      expect(result.status, `${route}: ${result.text}`).toBe(op.status ?? 200);
      const answer = readAnswer(op.answer!, route, result.json) as Record<string, unknown>;
      if (route === "POST /rest/prompt-templates") seen.promptId = answer.id as number;
      if (route === "POST /prompts/{promptId}/label") seen.labelId = answer.release_label_id as number;
      if (route === "POST /track-request") seen.requestId = answer.request_id as number;
      if (route === "POST /create-group") seen.groupId = answer.id as number;
      if (route.startsWith("POST /library-track") || route.includes("track-group") || route.startsWith("POST /rest/track")) expect(answer.success).toBe(true);
    }
    // The rendered fetch and the list are what templates.get / templates.all hand back.
    const fetched = await h.call("POST", "/prompt-templates/pl-wired", { key, body: { input_variables: { name: "Ada" } } });
    const template = readAnswer(operations.get("POST /prompt-templates/{identifier}")!.answer!, "POST /prompt-templates/{identifier}", fetched.json);
    expect(template).toMatchObject({ prompt_name: "pl-wired", version: 1, release_labels: ["prod", "staging"], llm_kwargs: { model: "gpt-4o-mini" } });
  });
});
