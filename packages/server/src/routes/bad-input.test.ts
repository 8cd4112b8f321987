import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import type { Storage } from "../storage/index.js";
import {
  appRoutes,
  callApp,
  chatTemplate,
  createRouteHarness,
  fillPath,
  logRecord,
  publish,
  snapshotWorkspace,
  type RouteHarness,
} from "./route-harness.contract.js";

/**
 * Bad input gets a 4xx whose JSON `message` says what is wrong, and changes
 * nothing (asserted by snapshotting the workspace before and after). Every
 * error body is JSON with `message`: PromptLayer's SDK calls
 * `response.json()` before it looks at the status.
 */

let h: RouteHarness;
let key: string;
const ids = { promptId: 0, labelId: 0, requestId: "req-1", requestIntId: 0, groupId: 0 };

beforeAll(async () => {
  h = await createRouteHarness();
  key = h.a.adminKey;
  const published = await publish(h, key, { prompt_name: "poem", ...chatTemplate("Write about {topic}"), release_labels: ["prod"] });
  ids.promptId = published.id;
  ids.labelId = (await h.call("GET", "/prompt-templates/poem/labels", { key })).body.release_labels[0].release_label_id;
  ids.groupId = (await h.call("POST", "/api/v1/groups", { key })).body.id;
  ids.requestIntId = (await h.call("POST", "/api/v1/requests:batch", { key, body: { records: [logRecord(ids.requestId)] } })).body.results[0].id;
});
afterAll(() => h.close());

const params = () => ({
  name: "poem",
  label: "prod",
  request_id: ids.requestId,
  id: h.a.userKeyId,
  identifier: "poem",
  promptId: ids.promptId,
  labelId: ids.labelId,
  trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
});

/** Routes that take a body (POST, PUT, PATCH), read from the app. */
const writeRoutes = () => appRoutes(h.app).filter((route) => ["POST", "PUT", "PATCH"].includes(route.method));

/** The next group id, without creating one through the routes under test. */
const nextGroupId = async () => {
  const group = await h.storage.groups.create(h.a.id);
  return group.id + 1;
};

async function expectUnchanged(work: () => Promise<void>) {
  const before = await snapshotWorkspace(h.storage, h.a.id);
  const groupBefore = await nextGroupId();
  await work();
  expect(await snapshotWorkspace(h.storage, h.a.id)).toEqual(before);
  // nextGroupId itself created one group.
  expect(await nextGroupId()).toBe(groupBefore + 1);
}

describe("malformed JSON", () => {
  it("every route that takes a body answers 400 'not valid JSON' and changes nothing", async () => {
    await expectUnchanged(async () => {
      for (const route of writeRoutes()) {
        for (const raw of ["{bad", '{"a":', "[1,2", "nul", "{'single': 1}"]) {
          const result = await h.call(route.method, fillPath(route.path, params()), { key, raw, headers: { "x-promptline-csrf": "1" } });
          expect(result.status, `${route.method} ${route.path} ${raw}`).toBe(400);
          expect(result.body.message).toMatch(/not valid JSON/);
        }
      }
    });
  });
});

describe("wrong types and missing fields", () => {
  const cases: [string, string, unknown, RegExp][] = [
    ["POST", "/prompt-templates/poem", { version: "two" }, /version/],
    ["POST", "/prompt-templates/poem", { version: 0 }, /version/],
    ["POST", "/prompt-templates/poem", { input_variables: ["topic"] }, /input_variables/],
    ["POST", "/prompt-templates/poem", { model_parameter_overrides: "hot" }, /model_parameter_overrides/],
    ["POST", "/prompt-templates/poem", { skip_input_variable_rendering: "yes" }, /skip_input_variable_rendering/],
    ["POST", "/prompt-templates/poem", [], /body/],
    ["POST", "/rest/prompt-templates", {}, /prompt_template/],
    ["POST", "/rest/prompt-templates", { prompt_template: { prompt_name: 7 } }, /prompt_name/],
    ["POST", "/rest/prompt-templates", { prompt_template: { prompt_name: "x" } }, /prompt_template/],
    ["POST", "/rest/prompt-templates", { prompt_template: { prompt_name: "..", ...chatTemplate("x") } }, /cannot be/],
    ["POST", "/api/v1/prompts", { prompt_name: ".", ...chatTemplate("x") }, /cannot be/],
    ["POST", "/rest/prompt-templates", { prompt_template: { prompt_name: "x", ...chatTemplate("x") }, release_labels: "prod" }, /release_labels/],
    ["POST", "/track-request", { function_name: "x", tags: "one" }, /tags/],
    ["POST", "/track-request", { function_name: "x", request_start_time: "yesterday" }, /request_start_time/],
    ["POST", "/track-request", { function_name: "x", status: "FINE" }, /status/],
    ["POST", "/log-request", { provider: "openai" }, /model/],
    ["POST", "/log-request", { provider: "openai", model: "m", input: { type: "chat", messages: [] }, output: "hi" }, /output/],
    ["POST", "/library-track-metadata", { request_id: 1, metadata: { k: 1 } }, /metadata/],
    ["POST", "/library-track-score", { request_id: 1, score: "high" }, /score/],
    ["POST", "/library-track-prompt", { request_id: 1 }, /prompt_name/],
    ["POST", "/track-group", { request_id: 1, group_id: "g" }, /group_id/],
    ["POST", "/prompts/1/label", { prompt_version_number: "1", name: "x" }, /prompt_version_number/],
    ["PATCH", "/prompt-labels/1", {}, /prompt_version_number/],
    ["POST", "/api/v1/prompts", { prompt_name: "", ...chatTemplate("x") }, /prompt_name/],
    ["POST", "/api/v1/prompts", { prompt_name: "x", prompt_template: { type: "chat" } }, /messages/],
    ["POST", "/api/v1/prompts", { prompt_name: "x", prompt_template: { type: "sonnet", content: [] } }, /prompt_template/],
    ["POST", "/api/v1/prompts", { prompt_name: "x", ...chatTemplate("x"), release_label: ["prod"] }, /release_label/],
    ["POST", "/api/v1/requests:batch", { records: [] }, /records/],
    ["POST", "/api/v1/requests:batch", { records: "all" }, /records/],
    ["POST", "/api/v1/requests:batch", { records: [{ request_id: "x" }] }, /status|provider/],
    ["POST", "/api/v1/requests:batch", { records: [logRecord("ok-1"), logRecord("bad", { usage: { input_tokens: -1, output_tokens: 0 } })] }, /input_tokens/],
    ["PUT", "/api/v1/prompts/poem/labels/prod", { version: "1" }, /version/],
    ["POST", "/api/v1/requests/req-1/metadata", { metadata: "x" }, /metadata/],
    ["POST", "/api/v1/requests/req-1/score", { score: 101 }, /score/],
    ["POST", "/api/v1/requests/req-1/prompt", { version: 1 }, /prompt_name/],
    ["POST", "/api/v1/keys", { admin: "yes" }, /admin/],
    ["POST", "/api/v1/keys", { name: "x", scopes: ["all"] }, /scopes/],
  ];

  it.each(cases)("%s %s %j → 400 naming the problem, nothing changed", async (method, path, body, named) => {
    await expectUnchanged(async () => {
      const result = await h.call(method, path, { key, body });
      expect(result.status, result.text).toBe(400);
      expect(result.body).toMatchObject({ success: false, message: expect.stringMatching(named) });
    });
  });

  it("GET query strings of the wrong type get 400 naming the parameter", async () => {
    for (const [path, named] of [
      ["/prompt-templates?page=zero", /page/],
      ["/api/v1/prompts?per_page=1000", /per_page/],
      ["/api/v1/prompts/poem/template?version=x", /version/],
      ["/api/v1/prompts/poem/diff?from=1&to=x", /to/],
    ] as const) {
      const result = await h.call("GET", path, { key });
      expect(result.status, path).toBe(400);
      expect(result.body.message).toMatch(named);
    }
  });
});

describe("unknown prompt, version, label", () => {
  it.each([
    ["POST", "/prompt-templates/ghost", {}],
    ["POST", "/prompt-templates/poem", { version: 42 }],
    ["POST", "/prompt-templates/poem", { label: "nope" }],
    ["POST", "/prompt-templates/999999", {}],
    ["GET", "/prompt-templates/ghost/labels", undefined],
    ["GET", "/api/v1/prompts/ghost/template", undefined],
    ["GET", "/api/v1/prompts/poem/template?version=42", undefined],
    ["GET", "/api/v1/prompts/poem/template?label=nope", undefined],
    ["PUT", "/api/v1/prompts/poem/labels/prod", { version: 42 }],
    ["PUT", "/api/v1/prompts/ghost/labels/prod", { version: 1 }],
    ["POST", "/api/v1/requests/req-1/prompt", { prompt_name: "ghost" }],
    ["POST", "/api/v1/requests/req-1/prompt", { prompt_name: "poem", version: 42 }],
    ["POST", "/api/v1/requests/req-1/prompt", { prompt_name: "poem", label: "nope" }],
    ["POST", "/library-track-prompt", { request_id: 1, prompt_name: "ghost" }],
    ["POST", "/prompts/999999/label", { prompt_version_number: 1, name: "x" }],
  ] as const)("%s %s %j → 404 with a message, nothing changed", async (method, path, body) => {
    await expectUnchanged(async () => {
      const payload = path === "/library-track-prompt" ? { ...body, request_id: ids.requestIntId } : body;
      const result = await h.call(method, path, { key, body: payload });
      expect(result.status, result.text).toBe(404);
      expect(result.body).toMatchObject({ success: false, message: expect.stringMatching(/not found|No /) });
    });
  });
});

describe("templates that don't parse", () => {
  it("a jinja2 template with a syntax error is stored, but fetching it through the template route is a 400 naming the problem", async () => {
    const template = chatTemplate("Hello {% if name %}{{ name }");
    (template.prompt_template.messages[0] as Record<string, unknown>).template_format = "jinja2";
    const published = await h.call("POST", "/rest/prompt-templates", { key, body: { prompt_template: { prompt_name: "broken", ...template } } });
    if (published.status === 201) {
      const result = await h.call("POST", "/prompt-templates/broken", { key, body: { input_variables: { name: "x" } } });
      expect(result.status).toBe(400);
      expect(result.body.message).toMatch(/template/i);
      expect(result.body.error.code).toBe("invalid_template");
    } else {
      // Refusing it at publish is as good: the caller hears of it at once.
      expect(published.status).toBe(400);
      expect(published.body.message).toMatch(/template/i);
    }
  });

  it("an f-string with an unmatched brace is a 400 when rendered", async () => {
    await publish(h, key, { prompt_name: "brace", ...chatTemplate("Hello {name") });
    const result = await h.call("POST", "/prompt-templates/brace", { key, body: { input_variables: { name: "x" } } });
    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/template/i);
  });
});

describe("keys", () => {
  it("every route behind a key answers 401 JSON without one, naming no key, and changes nothing", async () => {
    const open = new Set(["GET /healthz", "GET /api/v1/openapi.json", "POST /api/session", "GET /api/session", "DELETE /api/session"]);
    await expectUnchanged(async () => {
      for (const route of appRoutes(h.app)) {
        if (open.has(`${route.method} ${route.path}`)) continue;
        const body = ["POST", "PUT", "PATCH"].includes(route.method) ? {} : undefined;
        for (const presented of [undefined, "pl_not_a_real_key_0000000000"]) {
          const result = await h.call(route.method, fillPath(route.path, params()), { ...(presented && { key: presented }), body });
          expect(result.status, `${route.method} ${route.path}`).toBe(401);
          expect(result.body.message).toMatch(/API key/);
          expect(result.text).not.toContain("pl_not_a_real_key");
        }
      }
    });
  });
});

describe("body size", () => {
  it("a body over maxBodyBytes is a 413 with a JSON message, and nothing is stored", async () => {
    const small = await createRouteHarness({ maxBodyBytes: 1024 });
    try {
      const k = small.a.adminKey;
      const big = "x".repeat(2000);
      const cases: [string, string, Record<string, unknown>, "header" | "body"][] = [
        ["POST", "/rest/prompt-templates", { prompt_template: { prompt_name: "big", ...chatTemplate(big) } }, "header"],
        ["POST", "/api/v1/prompts", { prompt_name: "big", ...chatTemplate(big) }, "header"],
        ["POST", "/track-request", { function_name: "openai.chat.completions.create", kwargs: { model: big } }, "body"],
        ["POST", "/api/v1/requests:batch", { records: [logRecord("big", { model: big })] }, "header"],
      ];
      const before = await snapshotWorkspace(small.storage, small.a.id);
      for (const [method, path, body, auth] of cases) {
        const result = await small.call(method, path, { key: k, auth, body });
        expect(result.status, path).toBe(413);
        expect(result.body.message).toMatch(/too large.*1024/);
      }
      expect(await snapshotWorkspace(small.storage, small.a.id)).toEqual(before);
      // Just under the limit is fine.
      expect((await small.call("POST", "/api/v1/prompts", { key: k, body: { prompt_name: "ok", ...chatTemplate("y".repeat(500)) } })).status).toBe(201);
    } finally {
      await small.close();
    }
  });
});

describe("unknown routes", () => {
  it("answer 404 JSON with a message, with or without a key", async () => {
    for (const [method, path] of [
      ["GET", "/nope"],
      ["POST", "/v1/chat/completions"],
      ["GET", "/track-request"],
      ["GET", "/api/v1/nope"],
      ["DELETE", "/api/v1/prompts"],
      ["POST", "/api/v1/requests:explode"],
    ] as const) {
      for (const presented of [undefined, key]) {
        const result = await h.call(method, path, { ...(presented && { key: presented }), ...(method !== "GET" && method !== "DELETE" && { raw: "{bad" }) });
        expect(result.status, `${method} ${path}`).toBe(404);
        expect(result.headers.get("content-type")).toMatch(/application\/json/);
        expect(result.body.message).toContain(path);
      }
    }
  });
});

describe("trouble on our side", () => {
  it("a 500 carries a generic JSON message: no internal error text or stack", async () => {
    const logged: unknown[] = [];
    const secret = "SQLITE_CORRUPT at /var/lib/promptline/secret.db line 42";
    const broken = new Proxy(h.storage, {
      get(target, property, receiver) {
        if (property === "prompts") {
          return { ...target.prompts, list: () => Promise.reject(new Error(secret)), getVersion: () => Promise.reject(new TypeError(secret)) };
        }
        return Reflect.get(target, property, receiver) as unknown;
      },
    }) as Storage;
    const app = createApp({ storage: broken, logError: (error) => logged.push(error) });
    for (const [method, path] of [
      ["GET", "/prompt-templates"],
      ["POST", "/prompt-templates/poem"],
      ["GET", "/api/v1/prompts"],
    ] as const) {
      const result = await callApp(app, method, path, { key });
      expect(result.status).toBe(500);
      expect(result.body).toMatchObject({ success: false, message: "Internal server error." });
      expect(result.text).not.toContain("SQLITE");
      expect(result.text).not.toContain("/var/lib");
      expect(result.text).not.toMatch(/at .*\.ts:\d+/);
    }
    expect(logged).toHaveLength(3);
  });
});

describe("properties", () => {
  const json = fc.jsonValue({ maxDepth: 3 });

  it("arbitrary JSON bodies to every write route never give a 5xx, and errors are JSON with a message", async () => {
    // The playground answers 501 by design when the server runs without a runner (dashboard-routes.ts).
    const routes = writeRoutes().filter((route) => route.path !== "/api/v1/playground/run");
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: routes.length - 1 }), json, async (index, body) => {
        const route = routes[index]!;
        const result = await h.call(route.method, fillPath(route.path, params()), { key, body, headers: { "x-promptline-csrf": "1" } });
        expect(result.status, `${route.method} ${route.path} ${JSON.stringify(body)}`).toBeLessThan(500);
        if (result.status >= 400) expect(result.body.message).toEqual(expect.any(String));
      }),
      { numRuns: 300 },
    );
  });

  it("arbitrary template-route bodies built from its own fields never give a 5xx", async () => {
    const field = fc.record(
      {
        version: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.string(), fc.constant(null)),
        label: fc.oneof(fc.constantFrom("prod", "nope", ""), fc.constant(null)),
        provider: fc.oneof(fc.constantFrom("openai", "anthropic", "google", "mistral", "openai.azure", "amazon.bedrock", "vertexai", "nope"), fc.string()),
        model: fc.oneof(fc.constantFrom("gpt-4o", "claude-sonnet-4-5", "gemini-2.5-flash"), fc.string()),
        input_variables: fc.dictionary(fc.string(), json),
        model_parameter_overrides: fc.dictionary(fc.string(), json),
        skip_input_variable_rendering: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(field, async (body) => {
        const result = await h.call("POST", "/prompt-templates/poem", { key, body });
        expect(result.status, JSON.stringify(body)).toBeLessThan(500);
        if (result.status !== 200) expect(result.body.message).toEqual(expect.any(String));
      }),
      { numRuns: 200 },
    );
  });

  it("unicode prompt names, tags, commit messages and metadata round-trip through publish → get", async () => {
    const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).filter((value) => value.trim() !== "");
    // A metadata key named `__proto__` does not survive zod's object parsing (it is dropped, never
    // turned into a prototype); that is a known limit, not what this property is about.
    const metadataKey = text.filter((value) => value !== "__proto__");
    let counter = 0;
    await fc.assert(
      fc.asyncProperty(text, fc.array(text, { maxLength: 4 }), text, fc.dictionary(metadataKey, text, { maxKeys: 3 }), async (name, tags, commit, extra) => {
        const promptName = `${name}#${counter++}`;
        const metadata = { ...extra, model: chatTemplate("x").metadata.model };
        const published = await h.call("POST", "/rest/prompt-templates", {
          key,
          body: { prompt_template: { prompt_name: promptName, ...chatTemplate(name), tags, commit_message: commit, metadata } },
        });
        expect(published.status, published.text).toBe(201);
        const fetched = await h.call("POST", `/prompt-templates/${encodeURIComponent(promptName)}`, { key, body: { skip_input_variable_rendering: true } });
        expect(fetched.status, fetched.text).toBe(200);
        expect(fetched.body).toMatchObject({ prompt_name: promptName, tags: [...new Set(tags)], commit_message: commit });
        expect(fetched.body.prompt_template.messages[0].content[0].text).toBe(name);
        for (const [metaKey, value] of Object.entries(extra)) if (metaKey !== "model") expect(fetched.body.metadata[metaKey]).toEqual(value);
        const v1 = await h.call("GET", `/api/v1/prompts/${encodeURIComponent(promptName)}`, { key });
        expect(v1.body.prompt.name).toBe(promptName);
      }),
      { numRuns: 60 },
    );
  });
});
