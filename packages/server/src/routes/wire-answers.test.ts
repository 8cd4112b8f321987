import { apiV1Operations, readAnswer, sessionAnswer } from "@promptline/core/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTemplate, createRouteHarness, logRecord, type RouteHarness } from "./route-harness.contract.js";

/**
 * The server's real answers have the shapes of the wire contract the clients
 * read them with (decision 0015): every `/api/v1` operation that declares an
 * answer is called here and its body read through that schema.
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
  "POST /api/v1/requests/{request_id}/group": () => ({ path: "/api/v1/requests/wired-1/group" }),
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

describe("the server's answers read through the wire contract", () => {
  it("has a call here for every operation that declares an answer", () => {
    const declared = apiV1Operations.filter((op) => op.answer).map((op) => `${op.method.toUpperCase()} ${op.path}`);
    expect(Object.keys(calls).sort()).toEqual(declared.sort());
  });

  it("every declared answer parses, with the fields the clients read", async () => {
    const operations = new Map(apiV1Operations.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op]));
    let groupId = 0;
    for (const [route, call] of Object.entries(calls)) {
      const op = operations.get(route)!;
      const { path, body } = call();
      // The group route takes the group the groups route just made.
      const sent = route.endsWith("/group") ? { group_id: groupId } : body;
      const result = await h.call(op.method.toUpperCase(), path, { key, ...(sent !== undefined && { body: sent }) });
      expect(result.status, `${route}: ${result.text}`).toBe(op.status ?? 200);
      const answer = readAnswer(op.answer!, route, result.json);
      if (route === "POST /api/v1/groups") groupId = (answer as { id: number }).id;
      // The split label's fetch carries its definition and every version it names.
      if (route.endsWith("/template")) expect(answer).toMatchObject({ label: { name: "prod" }, versions: [{ version: expect.any(Number) }, { version: expect.any(Number) }] });
    }
  });

  it("the dashboard's session answer parses too", async () => {
    const signedIn = await h.call("POST", "/api/session", { body: { api_key: key }, headers: { "x-promptline-csrf": "1" } });
    expect(signedIn.status).toBe(200);
    expect(readAnswer(sessionAnswer, "POST /api/session", signedIn.json).key.role).toBe("admin");
  });
});
