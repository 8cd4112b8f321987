import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { logRecordSchema, type PromptBlueprint } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfHeaderName } from "../http/session.js";
import type { KeyRole } from "../storage/index.js";
import type { PlaygroundChunk, PlaygroundRunner } from "./dashboard-routes.js";
import { bodyKeyRoutePaths } from "./promptlayer-routes.js";
import {
  appRoutes,
  chatTemplate,
  createRouteHarness,
  fillPath,
  logRecord,
  snapshotWorkspace,
  type CallOptions,
  type RouteHarness,
} from "./route-harness.contract.js";

/**
 * Every route of the app (read from `app.routes`: a new route fails this file
 * until it has a row) is called by a key of every role, through every way a
 * key is presented (the header, the dashboard's session cookie, and
 * PromptLayer's `api_key` in the body on the routes that take it there). A role at or above the row's is answered with
 * the route's success status; a role below it gets 403 `forbidden` naming the
 * role needed, and the workspace is unchanged. The rows are this test's own,
 * written from the role model of decision 0007, not read from the server's
 * permission table.
 */

const roles: KeyRole[] = ["runner", "editor", "deployer", "admin"];
const rank = (role: KeyRole) => roles.indexOf(role);

let h: RouteHarness;
let dashboardDir: string;
const keys = {} as Record<KeyRole, string>;
let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}`;

/** Shared, never-changed resources for routes that only read or log. */
const shared = { prompt: "shared", promptId: 0, request: "shared-request", requestIntId: 0, groupId: 0 };

const playground: PlaygroundRunner = {
  async run() {
    const blueprint: PromptBlueprint = { prompt_template: { type: "chat", messages: [{ role: "assistant", content: [{ type: "text", text: "ok" }] }] }, metadata: {} };
    async function* chunks(): AsyncGenerator<PlaygroundChunk> {
      yield { request_id: "playground-1", prompt_blueprint: blueprint, done: true };
    }
    return chunks();
  },
};

/** A prompt of its own (two versions, `staging` on version 1, which nobody protects), for a route that changes it. */
async function freshPrompt() {
  const name = unique("fresh");
  const ws = h.a.id;
  await h.storage.prompts.publish(ws, { name, ...chatTemplate("one"), release_labels: ["staging"] });
  const second = await h.storage.prompts.publish(ws, { name, ...chatTemplate("two") });
  const label = second.labels.find((candidate) => candidate.name === "staging")!;
  return { name, id: second.prompt.id, labelId: label.id };
}

interface Call {
  params?: Record<string, string | number>;
  query?: string;
  body?: unknown;
}

interface Row {
  /** The least role the route answers; `public` needs no key at all. */
  least: KeyRole | "public";
  /** The success status. */
  status: number;
  /** Builds the call (fresh resources for routes that change or delete them). */
  call?: () => Promise<Call> | Call;
  /** Public routes: the path to call. */
  path?: string;
}

const trackBody = () => ({
  function_name: "openai.chat.completions.create",
  kwargs: { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] },
  request_response: {},
  request_start_time: 1_700_000_000,
  request_end_time: 1_700_000_001,
});

const logRequestBody = () => ({ provider: "openai", model: "gpt-4o", input: { type: "chat", messages: [] }, output: { type: "chat", messages: [] } });

/** The expected table: one row per route, `METHOD path` as Hono registered it. */
const rows = (): Record<string, Row> => ({
  // Public: health, the API description, the dashboard's sign-in and files.
  "GET /healthz": { least: "public", status: 200, path: "/healthz" },
  "GET /api/v1/openapi.json": { least: "public", status: 200, path: "/api/v1/openapi.json" },
  "POST /api/session": { least: "public", status: 401, path: "/api/session" },
  "GET /api/session": { least: "public", status: 401, path: "/api/session" },
  "DELETE /api/session": { least: "public", status: 204, path: "/api/session" },
  "GET /assets/*": { least: "public", status: 200, path: "/assets/index-abc.js" },
  "GET /:file{[A-Za-z0-9_-]+\\.(?:svg|ico|png|txt)}": { least: "public", status: 200, path: "/favicon.svg" },
  "GET /*": { least: "public", status: 200, path: "/prompts" },

  // Reading prompts and templates, both APIs: runner.
  "GET /api/v1/prompts": { least: "runner", status: 200 },
  "GET /api/v1/prompts/:name": { least: "runner", status: 200, call: () => ({ params: { name: shared.prompt } }) },
  "GET /api/v1/prompts/:name/versions": { least: "runner", status: 200, call: () => ({ params: { name: shared.prompt } }) },
  "GET /api/v1/prompts/:name/template": { least: "runner", status: 200, call: () => ({ params: { name: shared.prompt }, query: "?label=staging" }) },
  "GET /api/v1/prompts/:name/diff": { least: "runner", status: 200, call: () => ({ params: { name: shared.prompt }, query: "?from=1&to=2" }) },
  "GET /api/v1/prompts/:name/labels": { least: "runner", status: 200, call: () => ({ params: { name: shared.prompt } }) },
  "GET /api/v1/prompts/:name/labels/history": { least: "runner", status: 200, call: () => ({ params: { name: shared.prompt } }) },
  "POST /prompt-templates/:identifier{.+}": { least: "runner", status: 200, call: () => ({ params: { identifier: shared.prompt }, body: { input_variables: {} } }) },
  "GET /prompt-templates/:identifier{.+}/labels": { least: "runner", status: 200, call: () => ({ params: { identifier: shared.prompt } }) },
  "GET /prompt-templates": { least: "runner", status: 200 },
  "GET /api/v1/protected-labels": { least: "runner", status: 200 },
  "GET /api/v1/workspace/retention": { least: "runner", status: 200 },

  // Running, the request log, the track helpers and groups: runner.
  "POST /api/v1/playground/run": { least: "runner", status: 200, call: () => ({ body: { prompt_name: shared.prompt } }) },
  "GET /api/v1/requests": { least: "runner", status: 200 },
  "GET /api/v1/requests/stats": { least: "runner", status: 200 },
  "GET /api/v1/requests/:request_id": { least: "runner", status: 200, call: () => ({ params: { request_id: shared.request } }) },
  "POST /api/v1/:segment{requests:batch}": { least: "runner", status: 200, call: () => ({ body: { records: [logRecord(unique("batch"))] } }) },
  "POST /api/v1/requests/:request_id/metadata": { least: "runner", status: 200, call: () => ({ params: { request_id: shared.request }, body: { metadata: { k: "v" } } }) },
  "POST /api/v1/requests/:request_id/score": { least: "runner", status: 200, call: () => ({ params: { request_id: shared.request }, body: { score: 50 } }) },
  "POST /api/v1/requests/:request_id/prompt": { least: "runner", status: 200, call: () => ({ params: { request_id: shared.request }, body: { prompt_name: shared.prompt } }) },
  "POST /api/v1/requests/:request_id/group": { least: "runner", status: 200, call: () => ({ params: { request_id: shared.request }, body: { group_id: shared.groupId } }) },
  "POST /api/v1/groups": { least: "runner", status: 201 },
  "POST /track-request": { least: "runner", status: 200, call: () => ({ body: trackBody() }) },
  "POST /log-request": { least: "runner", status: 201, call: () => ({ body: logRequestBody() }) },
  ...Object.fromEntries(
    ["/library-track-metadata", "/rest/track-metadata"].map((path) => [
      `POST ${path}`,
      { least: "runner", status: 200, call: () => ({ body: { request_id: shared.requestIntId, metadata: { k: "v" } } }) } satisfies Row,
    ]),
  ),
  ...Object.fromEntries(
    ["/library-track-score", "/rest/track-score"].map((path) => [
      `POST ${path}`,
      { least: "runner", status: 200, call: () => ({ body: { request_id: shared.requestIntId, score: 10 } }) } satisfies Row,
    ]),
  ),
  ...Object.fromEntries(
    ["/library-track-prompt", "/rest/track-prompt"].map((path) => [
      `POST ${path}`,
      { least: "runner", status: 200, call: () => ({ body: { request_id: shared.requestIntId, prompt_name: shared.prompt } }) } satisfies Row,
    ]),
  ),
  ...Object.fromEntries(
    ["/track-group", "/rest/track-group"].map((path) => [
      `POST ${path}`,
      { least: "runner", status: 200, call: () => ({ body: { request_id: shared.requestIntId, group_id: shared.groupId } }) } satisfies Row,
    ]),
  ),
  "POST /create-group": { least: "runner", status: 200 },
  // Traces: sending spans is like logging; reading a trace like reading the log.
  "POST /v1/traces": {
    least: "runner",
    status: 200,
    call: () => ({ body: { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", name: "s", startTimeUnixNano: "1", endTimeUnixNano: "2" }] }] }] } }),
  },
  "POST /spans-bulk": {
    least: "runner",
    status: 200,
    call: () => ({ body: { spans: [{ name: "s", context: { trace_id: "4bf92f3577b34da6a3ce929d0e0e4736", span_id: "00f067aa0ba902b8" }, start_time: "1", end_time: "2" }] } }),
  },
  "GET /api/v1/traces": { least: "runner", status: 200 },
  "GET /api/v1/traces/:trace_id": { least: "runner", status: 200, call: () => ({ params: { trace_id: "4bf92f3577b34da6a3ce929d0e0e4736" } }) },

  // Publishing and labels that are not protected: editor.
  "POST /api/v1/prompts": { least: "editor", status: 201, call: () => ({ body: { prompt_name: unique("published"), ...chatTemplate("new"), release_labels: ["staging"] } }) },
  "POST /rest/prompt-templates": {
    least: "editor",
    status: 201,
    call: () => {
      const version = { prompt_name: unique("rest-published"), ...chatTemplate("new") };
      return { body: { prompt_template: version, prompt_version: version, release_labels: ["staging"] } };
    },
  },
  "PUT /api/v1/prompts/:name/labels/:label": { least: "editor", status: 200, call: async () => ({ params: { name: (await freshPrompt()).name, label: "staging" }, body: { version: 2 } }) },
  "POST /api/v1/prompts/:name/labels/:label/rollback": {
    least: "editor",
    status: 200,
    call: async () => {
      const prompt = await freshPrompt();
      await h.storage.labels.set(h.a.id, { prompt: { name: prompt.name }, name: "staging", version: 2 });
      return { params: { name: prompt.name, label: "staging" } };
    },
  },
  "GET /api/v1/prompts/:name/labels/:label/compare": { least: "runner", status: 200, call: () => ({ params: { name: shared.prompt, label: "staging" } }) },
  "POST /api/v1/prompts/:name/archive": { least: "editor", status: 200, call: async () => ({ params: { name: (await freshPrompt()).name } }) },
  "POST /api/v1/prompts/:name/unarchive": {
    least: "editor",
    status: 200,
    call: async () => {
      const { name } = await freshPrompt();
      await h.storage.prompts.setArchived(h.a.id, { name }, true);
      return { params: { name } };
    },
  },
  "GET /api/v1/registry/revision": { least: "runner", status: 200 },
  "DELETE /api/v1/prompts/:name/labels/:label": { least: "editor", status: 204, call: async () => ({ params: { name: (await freshPrompt()).name, label: "staging" } }) },
  "POST /prompts/:promptId{[0-9]+}/label": {
    least: "editor",
    status: 201,
    call: async () => ({ params: { promptId: (await freshPrompt()).id }, body: { name: "staging", prompt_version_number: 2 } }),
  },
  "PATCH /prompt-labels/:labelId{[0-9]+}": { least: "editor", status: 200, call: async () => ({ params: { labelId: (await freshPrompt()).labelId }, body: { prompt_version_number: 2 } }) },
  "DELETE /prompt-labels/:labelId{[0-9]+}": { least: "editor", status: 204, call: async () => ({ params: { labelId: (await freshPrompt()).labelId } }) },

  // Keys and label protection: admin.
  "PUT /api/v1/protected-labels/:label": { least: "admin", status: 200, call: () => ({ params: { label: unique("guarded") } }) },
  "DELETE /api/v1/protected-labels/:label": {
    least: "admin",
    status: 200,
    call: async () => {
      const label = unique("unguarded");
      await h.storage.protectedLabels.protect(h.a.id, label);
      return { params: { label } };
    },
  },
  "PUT /api/v1/workspace/retention": { least: "admin", status: 200, call: () => ({ body: { days: 90 } }) },
  "GET /api/v1/keys": { least: "admin", status: 200 },
  "POST /api/v1/keys": { least: "admin", status: 201, call: () => ({ body: { name: unique("key"), role: "runner" } }) },
  "DELETE /api/v1/keys/:id{[0-9]+}": { least: "admin", status: 204, call: async () => ({ params: { id: (await h.storage.apiKeys.create(h.a.id, { role: "runner" })).key.id } }) },
});

/** How a key reaches the server: each must meet the same table. */
type Presentation = "header" | "body" | "cookie";
const cookies = {} as Record<KeyRole, string>;

async function signIn(role: KeyRole): Promise<string> {
  const response = await h.app.request("/api/session", {
    method: "POST",
    headers: { "content-type": "application/json", [csrfHeaderName]: "1" },
    body: JSON.stringify({ api_key: keys[role] }),
  });
  expect(response.status).toBe(200);
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error("sign-in set no cookie");
  return cookie;
}

function present(how: Presentation, role: KeyRole, body: unknown): CallOptions {
  if (how === "cookie") return { auth: "none", headers: { cookie: cookies[role], [csrfHeaderName]: "1" }, ...(body !== undefined && { body }) };
  if (how === "body") return { key: keys[role], auth: "body", body: body ?? {} };
  return { key: keys[role], ...(body !== undefined && { body }) };
}

beforeAll(async () => {
  dashboardDir = mkdtempSync(join(tmpdir(), "promptline-roles-dist-"));
  mkdirSync(join(dashboardDir, "assets"));
  writeFileSync(join(dashboardDir, "index.html"), "<!doctype html><div id=root></div>");
  writeFileSync(join(dashboardDir, "assets", "index-abc.js"), "console.log(1)");
  writeFileSync(join(dashboardDir, "favicon.svg"), "<svg/>");
  h = await createRouteHarness({ dashboardDir, playground, sessionSecret: "roles-test" });
  for (const role of roles) keys[role] = (await h.storage.apiKeys.create(h.a.id, { name: role, role })).plaintext;
  for (const role of roles) cookies[role] = await signIn(role);

  const ws = h.a.id;
  await h.storage.prompts.publish(ws, { name: shared.prompt, ...chatTemplate("one {x}"), release_labels: ["staging"] });
  shared.promptId = (await h.storage.prompts.publish(ws, { name: shared.prompt, ...chatTemplate("two {x}") })).prompt.id;
  shared.groupId = (await h.storage.groups.create(ws)).id;
  shared.requestIntId = (await h.storage.requests.insertMany(ws, [logRecordSchema.parse(logRecord(shared.request))]))[0]!.id;
});
afterAll(async () => {
  await h.close();
  rmSync(dashboardDir, { recursive: true, force: true });
});

describe("roles on every route", () => {
  it("has a row for every route of the app, and no row for a route that doesn't exist", () => {
    const table = rows();
    const routes = appRoutes(h.app).map((route) => `${route.method} ${route.path}`);
    expect(routes.filter((route) => !(route in table)), "routes without a row").toEqual([]);
    expect(Object.keys(table).filter((route) => !routes.includes(route)), "rows without a route").toEqual([]);
  });

  it("public routes answer without a key", async () => {
    for (const [route, row] of Object.entries(rows())) {
      if (row.least !== "public") continue;
      const method = route.slice(0, route.indexOf(" "));
      const result = await h.call(method, row.path!, method === "POST" ? { headers: { [csrfHeaderName]: "1" }, body: { api_key: "not-a-key" } } : {});
      expect(result.status, `${route}: ${result.text}`).toBe(row.status);
    }
  });

  it("a public route with nothing to serve (a dashboard file that doesn't exist) is the JSON 404 for a key of any role", async () => {
    for (const role of roles) {
      const result = await h.call("GET", "/missing-file.txt", { key: keys[role] });
      expect(result.status, `${role}: ${result.text}`).toBe(404);
      expect(result.body.message).toContain("No route");
    }
  });

  for (const how of ["header", "body", "cookie"] as const) {
    it(`every role gets the route's answer at or above its row and 403 forbidden below it, changing nothing (key in the ${how})`, async () => {
      let refusals = 0;
      for (const route of appRoutes(h.app)) {
        const label = `${route.method} ${route.path}`;
        const row = rows()[label];
        if (!row || row.least === "public") continue;
        // Only the routes where PromptLayer's SDKs put the key in the body take it there (all of them runner routes).
        if (how === "body" && !(route.method === "POST" && bodyKeyRoutePaths.has(route.path))) continue;
        for (const role of roles) {
          const call = (await row.call?.()) ?? {};
          const path = fillPath(route.path, call.params ?? {}) + (call.query ?? "");
          const where = `${role} (${how}) ${route.method} ${path}`;
          const allowed = rank(role) >= rank(row.least);
          const before = allowed ? undefined : await snapshotWorkspace(h.storage, h.a.id);
          const result = await h.call(route.method, path, present(how, role, call.body));
          if (allowed) {
            expect(result.status, `${where}: ${result.text}`).toBe(row.status);
            continue;
          }
          refusals++;
          expect(result.status, `${where}: ${result.text}`).toBe(403);
          expect(result.body.error, where).toMatchObject({ code: "forbidden", required_role: row.least, role });
          expect(result.body.message, where).toContain(`needs the ${row.least} role`);
          expect(await snapshotWorkspace(h.storage, h.a.id), `${where} changed the workspace`).toEqual(before);
        }
      }
      if (how !== "body") expect(refusals).toBeGreaterThan(0);
    });
  }
});
