import { apiV1Operations, promptLayerOperations, readAnswer, sessionAnswer, templateResponseAnswer, type OperationSpec } from "@promptline/core/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTemplate, createRouteHarness, logRecord, type RouteHarness } from "./route-harness.contract.js";

/**
 * The server's real answers have the shapes of the wire contract the clients
 * read them with (decision 0015): every `/api/v1` operation and every
 * PromptLayer route (`promptLayerOperations`) that declares an answer is
 * called here and its body read through that schema.
 */

let h: RouteHarness;
let key: string;
const traceId = "4c".repeat(16);

beforeAll(async () => {
  h = await createRouteHarness();
  key = h.a.adminKey;
  const publish = (text: string, extra: Record<string, unknown> = {}) =>
    h.call("POST", "/api/v1/prompts", { key, body: { prompt_name: "wired", ...chatTemplate(text), ...extra } });
  expect((await publish("One {name}", { release_labels: ["prod"], tags: ["t"] })).status).toBe(201);
  expect((await publish("Two {name}")).status).toBe(201);
  const spans = [{ traceId, spanId: "4c00000000000001", name: "wired span", startTimeUnixNano: "1735689600000000000", endTimeUnixNano: "1735689601000000000" }];
  expect((await h.call("POST", "/v1/traces", { key, body: { resourceSpans: [{ scopeSpans: [{ spans }] }] } })).status).toBe(200);
});
afterAll(() => h.close());

/** What earlier answers told us, for the calls after them. */
const seen = { groupId: 0, promptId: 0, labelId: 0, requestId: 0 };

/** One call per documented operation, in an order where each finds what it needs. */
const calls: Record<string, () => { path: string; body?: unknown }> = {
  "GET /api/v1/prompts": () => ({ path: "/api/v1/prompts" }),
  "POST /api/v1/prompts": () => ({ path: "/api/v1/prompts", body: { prompt_name: "wired", ...chatTemplate("Three {name}"), skip_if_unchanged: true } }),
  "GET /api/v1/prompts/{name}": () => ({ path: "/api/v1/prompts/wired" }),
  "GET /api/v1/prompts/{name}/versions": () => ({ path: "/api/v1/prompts/wired/versions" }),
  "PUT /api/v1/prompts/{name}/labels/{label}": () => ({ path: "/api/v1/prompts/wired/labels/prod", body: { split: [{ version: 1, weight: 1 }, { version: 2, weight: 1 }], sticky_by: "user" } }),
  "GET /api/v1/prompts/{name}/template": () => ({ path: "/api/v1/prompts/wired/template?label=prod&expand_snippets=true" }),
  "GET /api/v1/prompts/{name}/diff": () => ({ path: "/api/v1/prompts/wired/diff?from=1&to=2" }),
  "GET /api/v1/prompts/{name}/labels": () => ({ path: "/api/v1/prompts/wired/labels" }),
  "GET /api/v1/prompts/{name}/labels/history": () => ({ path: "/api/v1/prompts/wired/labels/history" }),
  "POST /api/v1/prompts/{name}/labels/{label}/rollback": () => ({ path: "/api/v1/prompts/wired/labels/prod/rollback", body: {} }),
  "GET /api/v1/prompts/{name}/labels/{label}/compare": () => ({ path: "/api/v1/prompts/wired/labels/prod/compare" }),
  "POST /api/v1/prompts/{name}/archive": () => ({ path: "/api/v1/prompts/wired/archive" }),
  "POST /api/v1/prompts/{name}/unarchive": () => ({ path: "/api/v1/prompts/wired/unarchive" }),
  "GET /api/v1/registry/revision": () => ({ path: "/api/v1/registry/revision" }),
  "POST /api/v1/requests:batch": () => ({
    path: "/api/v1/requests:batch",
    body: { records: [logRecord("wired-1", { prompt_name: "wired", prompt_version: 1, prompt_label: "prod", usage: { input_tokens: 3, output_tokens: 4 }, trace_id: traceId, span_id: "4c00000000000001" })] },
  }),
  "GET /api/v1/requests": () => ({ path: "/api/v1/requests" }),
  "GET /api/v1/requests/{request_id}": () => ({ path: "/api/v1/requests/wired-1" }),
  "POST /api/v1/requests/{request_id}/metadata": () => ({ path: "/api/v1/requests/wired-1/metadata", body: { metadata: { user: "ada" } } }),
  "POST /api/v1/requests/{request_id}/score": () => ({ path: "/api/v1/requests/wired-1/score", body: { score: 80 } }),
  "POST /api/v1/requests/{request_id}/prompt": () => ({ path: "/api/v1/requests/wired-1/prompt", body: { prompt_name: "wired", version: 2 } }),
  "POST /api/v1/groups": () => ({ path: "/api/v1/groups" }),
  "POST /api/v1/requests/{request_id}/group": () => ({ path: "/api/v1/requests/wired-1/group", body: { group_id: seen.groupId } }),
  "GET /api/v1/requests/stats": () => ({ path: "/api/v1/requests/stats?bucket=day" }),
  "GET /api/v1/traces": () => ({ path: "/api/v1/traces" }),
  "GET /api/v1/traces/{trace_id}": () => ({ path: `/api/v1/traces/${traceId}` }),
  "PUT /api/v1/protected-labels/{label}": () => ({ path: "/api/v1/protected-labels/stable" }),
  "GET /api/v1/protected-labels": () => ({ path: "/api/v1/protected-labels" }),
  "DELETE /api/v1/protected-labels/{label}": () => ({ path: "/api/v1/protected-labels/stable" }),
  "PUT /api/v1/workspace/retention": () => ({ path: "/api/v1/workspace/retention", body: { days: 30 } }),
  "GET /api/v1/workspace/retention": () => ({ path: "/api/v1/workspace/retention" }),
  "POST /api/v1/keys": () => ({ path: "/api/v1/keys", body: { name: "wired", role: "runner" } }),
  "GET /api/v1/keys": () => ({ path: "/api/v1/keys" }),
};

type Calls = Record<string, () => { path: string; body?: unknown }>;
const routeOf = (op: OperationSpec) => `${op.method.toUpperCase()} ${op.path}`;

/** Calls each route of `calls` on the real server, in order, and reads its answer through the operation's schema. */
async function readEachAnswer(operations: OperationSpec[], calls: Calls, answered: (route: string, answer: Record<string, unknown>) => void) {
  const byRoute = new Map(operations.map((op) => [routeOf(op), op]));
  for (const [route, call] of Object.entries(calls)) {
    const op = byRoute.get(route)!;
    const { path, body } = call();
    const result = await h.call(op.method.toUpperCase(), path, { key, ...(body !== undefined && { body }) });
    expect(result.status, `${route}: ${result.text}`).toBe(op.status ?? 200);
    answered(route, readAnswer(op.answer!, route, result.json) as Record<string, unknown>);
  }
}

describe("the server's answers read through the wire contract", () => {
  it("has a call here for every operation that declares an answer", () => {
    expect(Object.keys(calls).sort()).toEqual(apiV1Operations.filter((op) => op.answer).map(routeOf).sort());
  });

  it("every declared answer parses, with the fields the clients read", async () => {
    await readEachAnswer(apiV1Operations, calls, (route, answer) => {
      if (route === "POST /api/v1/groups") seen.groupId = answer.id as number;
      // The split label's fetch carries its definition and every version it names.
      if (route.endsWith("/template")) expect(answer).toMatchObject({ label: { name: "prod" }, versions: [{ version: expect.any(Number) }, { version: expect.any(Number) }] });
    });
  });

  it("the dashboard's session answer parses too", async () => {
    const signedIn = await h.call("POST", "/api/session", { body: { api_key: key }, headers: { "x-promptline-csrf": "1" } });
    expect(signedIn.status).toBe(200);
    expect(readAnswer(sessionAnswer, "POST /api/session", signedIn.json).key.role).toBe("admin");
  });
});

const started = Date.now() - 1000;
const { prompt_template, metadata } = chatTemplate("Hi {name}");
const chat = (role: "user" | "assistant", text: string) => ({ type: "chat", messages: [{ role, content: [{ type: "text", text }] }] });
const version = { prompt_name: "pl-wired", prompt_template, metadata, tags: ["t"], commit_message: "first" };

/** One call per PromptLayer operation, in an order where each finds what it needs. */
const promptLayerCalls: Calls = {
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
    expect(Object.keys(promptLayerCalls).sort()).toEqual(promptLayerOperations.filter((op) => op.answer).map(routeOf).sort());
  });

  it("every declared answer parses, with the fields our SDK reads", async () => {
    await readEachAnswer(promptLayerOperations, promptLayerCalls, (route, answer) => {
      if (route === "POST /rest/prompt-templates") seen.promptId = answer.id as number;
      if (route === "POST /prompts/{promptId}/label") seen.labelId = answer.release_label_id as number;
      if (route === "POST /track-request") seen.requestId = answer.request_id as number;
      if (route === "POST /create-group") seen.groupId = answer.id as number;
      if (/track-(metadata|score|prompt|group)$/.test(route)) expect(answer.success).toBe(true);
    });
    // What templates.get hands back: rendered, with both labels and the provider request.
    const fetched = await h.call("POST", "/prompt-templates/pl-wired", { key, body: { input_variables: { name: "Ada" } } });
    expect(readAnswer(templateResponseAnswer, "POST /prompt-templates/{identifier}", fetched.json)).toMatchObject({
      prompt_name: "pl-wired",
      version: 1,
      release_labels: ["prod", "staging"],
      llm_kwargs: { model: "gpt-4o-mini" },
    });
  });
});
