/**
 * Templates and variables as an attack surface, end to end (server rendering
 * for PromptLayer's route, local rendering in our SDK): jinja2 that reaches
 * for JavaScript objects or loops without end, f-strings with attribute or
 * index access, huge variable values, and prompt names with `/`, `?` and `#`.
 * Each is a clear 4xx or a typed error, sends nothing to a provider, and
 * changes nothing stored.
 */
import { startServer, type RunningServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import { InvalidTemplateError, MissingVariablesError, Promptline, TemplateLimitError, type PublishBody } from "promptline";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const apiKey = "pl_test_key_security_templates_0123";

let fakes: FakeProviders;
let server: RunningServer;
let sdk: Promptline;
/** Printed by a template only if it escaped the sandbox. */
const canary = "CANARY_SECRET_VALUE_123";

async function call(method: string, path: string, body?: unknown, target: RunningServer = server): Promise<{ status: number; text: string; json: Record<string, unknown> }> {
  const response = await fetch(`${target.url}${path}`, {
    method,
    headers: { "x-api-key": apiKey, ...(body !== undefined && { "content-type": "application/json" }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function template(name: string, text: string, format: "f-string" | "jinja2"): PublishBody {
  return {
    prompt_name: name,
    prompt_template: { type: "chat", input_variables: [], messages: [{ role: "user", content: [{ type: "text", text }], template_format: format }] } as PublishBody["prompt_template"],
    metadata: { model: { provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions", parameters: {} } },
  };
}

/** What the server holds for the workspace, to show a refusal changed nothing. */
async function snapshot(target: RunningServer = server): Promise<string> {
  const prompts = await call("GET", "/api/v1/prompts?per_page=100", undefined, target);
  const requests = await call("GET", "/api/v1/requests?limit=500", undefined, target);
  return JSON.stringify([prompts.json, requests.json]);
}

beforeAll(async () => {
  fakes = await startFakeProviders();
  // The canary sits in the server's and the client's environment: a template that reached `process.env` would print it.
  process.env.PROMPTLINE_TEST_CANARY = canary;
  server = await startServer({ database: "sqlite::memory:", port: 0, apiKey, logError: () => undefined });
  sdk = new Promptline({ apiKey, baseURL: server.url, env: { ...fakes.env, PROMPTLINE_TEST_CANARY: canary }, flushOnExit: false, onError: () => {} });
});
afterEach(() => fakes.reset());
afterAll(async () => {
  delete process.env.PROMPTLINE_TEST_CANARY;
  await sdk?.close();
  await server?.close();
  await fakes?.close();
});

describe("jinja2 that reaches for JavaScript", () => {
  const escapes = [
    "{{ ''.constructor.constructor('return process.env.PROMPTLINE_TEST_CANARY')() }}",
    "{{ x.constructor.constructor('return process')().env.PROMPTLINE_TEST_CANARY }}",
    "{{ [].constructor.constructor('return globalThis')().process.env.PROMPTLINE_TEST_CANARY }}",
    "{{ x.__proto__.constructor }}",
    "{{ x.__proto__.__proto__ }}",
    "{{ x.toString.call(x) }}",
    "{{ x.valueOf }}",
    "{{ x.prototype }}",
    "{{ range.constructor('return process.env')() }}",
    "{{ cycler.__init__.__globals__.os.environ }}",
    "{{ self.__init__.__globals__ }}",
    "{{ lipsum.__globals__ }}",
    "{{ namespace.__init__ }}",
    "{% set f = x.constructor %}{{ f('return process')() }}",
    "{{ x|attr('constructor') }}",
    "{{ x['constructor']['constructor']('return process')() }}",
    "{{ x.__class__.__mro__[1].__subclasses__() }}",
  ];

  it.each(escapes)("%s: a 400 from the template route, a typed error from run(), or harmless text; never the environment", async (text) => {
    const name = `escape-${escapes.indexOf(text)}`;
    await sdk.templates.publish(template(name, text, "jinja2"));
    const before = await snapshot();

    const served = await call("POST", `/prompt-templates/${name}`, { input_variables: { x: "hello" } });
    expect(served.status, served.text).not.toBeGreaterThanOrEqual(500);
    expect(served.text).not.toContain(canary);
    if (served.status !== 200) {
      expect(served.status).toBe(400);
      expect(served.json.message).toEqual(expect.any(String));
    } else {
      // Rendered to plain text: nothing of a function's source or of the process.
      expect(served.text).not.toMatch(/function |\[native code\]|process|globalThis/);
    }

    const ran = await sdk.run({ promptName: name, inputVariables: { x: "hello" } }).catch((error: unknown) => error);
    if (ran instanceof Error) {
      // `self`, `cycler`… are just unknown names: a missing variable in strict mode.
      expect([InvalidTemplateError, MissingVariablesError].some((type) => ran instanceof type), String(ran)).toBe(true);
      expect(ran.message).not.toContain(canary);
      expect(fakes.requests).toHaveLength(0);
    } else {
      const sent = JSON.stringify(fakes.lastRequest("openai")?.body);
      expect(sent).not.toContain(canary);
      expect(sent).not.toMatch(/function |\[native code\]/);
    }
    await sdk.flush();
    // A refused render stored nothing; a harmless one stored its own log record only.
    if (ran instanceof Error) expect(await snapshot()).toBe(before);
  });
});

describe("templates that would run for ever or blow up", () => {
  const bombs = [
    ["nested loops", "{% for a in range(10000) %}{% for b in range(10000) %}x{% endfor %}{% endfor %}"],
    ["a range too long", "{% for a in range(100000000) %}x{% endfor %}"],
    ["recursion", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"],
    ["a string doubled to gigabytes", "{% set s = namespace(v='x') %}{% for i in range(40) %}{% set s.v = s.v ~ s.v %}{% endfor %}{{ s.v|length }}"],
    ["a huge repeat", "{{ 'x' * 1000000000 }}"],
  ] as const;

  it.each(bombs)("%s: a 400 (or InvalidTemplateError) naming the limit, from both renderers, with nothing stored", { timeout: 15_000 }, async (label, text) => {
    const name = `bomb-${bombs.findIndex(([each]) => each === label)}`;
    await sdk.templates.publish(template(name, text, "jinja2"));
    const before = await snapshot();
    const started = performance.now();
    const served = await call("POST", `/prompt-templates/${name}`, {});
    const serverMs = performance.now() - started;
    expect(served.status, served.text.slice(0, 300)).toBe(400);
    expect(served.json.message).toMatch(/template/i);
    const local = performance.now();
    const ran = await sdk.run({ promptName: name }).catch((error: unknown) => error);
    const clientMs = performance.now() - local;
    expect(ran).toBeInstanceOf(InvalidTemplateError);
    expect(fakes.requests).toHaveLength(0);
    await sdk.flush();
    expect(await snapshot()).toBe(before);
    // The server still answers at once after it.
    expect((await call("GET", "/healthz")).status).toBe(200);
    console.info(`${label}: server refused in ${serverMs.toFixed(0)} ms (${String(served.json.message).slice(0, 120)}), client in ${clientMs.toFixed(0)} ms`);
  });
});

describe("issue 13's reproductions through run(): a TemplateLimitError before anything is sent", () => {
  const splitBomb =
    "{% set ns = namespace(s='x', l=[]) %}{% for i in range(22) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{% for i in range(12) %}{% set ns.l = ns.l + [ns.s.split('x')] %}{% endfor %}{{ ns.l|length }}";
  const cases: [string, string, "jinja2" | "f-string", Record<string, unknown>, string][] = [
    ["a method call building an 4M-item list", splitBomb, "jinja2", {}, "maxListLength"],
    ["an f-string width from an input variable", "{x:>{w}}", "f-string", { x: "a", w: 100_000_000 }, "maxFormatWidth"],
    ["not × 5,000", `{{ ${"not ".repeat(5000)}1 }}`, "jinja2", {}, "maxNestingDepth"],
  ];
  it.each(cases)("%s", { timeout: 20_000 }, async (label, text, format, inputVariables, limit) => {
    const name = `repro-${cases.findIndex(([each]) => each === label)}`;
    await sdk.templates.publish(template(name, text, format));
    const ran = await sdk.run({ promptName: name, inputVariables }).catch((error: unknown) => error);
    expect(ran).toBeInstanceOf(TemplateLimitError);
    expect((ran as TemplateLimitError).code).toBe("template_limit");
    expect((ran as TemplateLimitError).limit).toBe(limit);
    expect(fakes.requests).toHaveLength(0);
  });

  it("renderLimits raises a limit for one client", { timeout: 20_000 }, async () => {
    await sdk.templates.publish(template("long-range", "{{ range(15000) | length }}", "jinja2"));
    const refused = await sdk.run({ promptName: "long-range" }).catch((error: unknown) => error);
    expect((refused as TemplateLimitError).limit).toBe("maxRangeLength");
    const raised = new Promptline({ apiKey, baseURL: server.url, env: fakes.env, flushOnExit: false, onError: () => {}, renderLimits: { maxRangeLength: 20_000 } });
    try {
      const result = await raised.run({ promptName: "long-range" });
      expect(JSON.stringify(result.prompt_blueprint)).toContain("15000");
    } finally {
      await raised.close();
    }
  });
});

describe("f-strings with attribute or index access", () => {
  it.each(["{a.b}", "{a[0]}", "{a.__class__}", "{a.constructor}", "{0}", "{}", "{a!r:{b}}"])("%s: a 400 and an InvalidTemplateError, nothing sent", async (text) => {
    const name = `fstring-${encodeURIComponent(text)}`;
    const published = await call("POST", "/api/v1/prompts", template(name, `Hello ${text}`, "f-string"));
    if (published.status === 400) {
      // Refused at publish: as good, the author hears of it at once.
      expect(published.json.message).toMatch(/template|format|field/i);
      return;
    }
    expect(published.status).toBe(201);
    const served = await call("POST", `/prompt-templates/${encodeURIComponent(name)}`, { input_variables: { a: "x", b: "y" } });
    expect(served.status, served.text).toBe(400);
    expect(served.json.message).toMatch(/template|format|field/i);
    const ran = await sdk.run({ promptName: name, inputVariables: { a: "x", b: "y" } }).catch((error: unknown) => error);
    expect(ran).toBeInstanceOf(InvalidTemplateError);
    expect(fakes.requests).toHaveLength(0);
  });
});

describe("huge variable values", () => {
  it("a 1 MB value renders and runs; the template route refuses a body over the server's limit with a 413", { timeout: 20_000 }, async () => {
    await sdk.templates.publish(template("echo-big", "Say {big}", "f-string"));
    const big = "y".repeat(1024 * 1024);
    const result = await sdk.run({ promptName: "echo-big", inputVariables: { big }, tags: ["big-value"] });
    expect(JSON.stringify(fakes.lastRequest("openai")?.body)).toContain(big);
    expect(await sdk.flush()).toEqual({ pending: 0, dropped: 0 });
    const stored = await call("GET", `/api/v1/requests/${result.request_id}`);
    expect((stored.json.input_variables as { big: string }).big).toHaveLength(big.length);

    const small = await startServer({ database: "sqlite::memory:", port: 0, apiKey, maxBodyBytes: 64 * 1024, logError: () => undefined });
    try {
      const client = new Promptline({ apiKey, baseURL: small.url, env: fakes.env, flushOnExit: false, onError: () => {} });
      await client.templates.publish(template("echo-big", "Say {big}", "f-string"));
      const before = await snapshot(small);
      const refused = await call("POST", "/prompt-templates/echo-big", { input_variables: { big: "z".repeat(100 * 1024) } }, small);
      expect(refused.status).toBe(413);
      expect(refused.json.message).toMatch(/too large/);
      expect(await snapshot(small)).toBe(before);

      // run() still works; the one log record too big for this server is dropped and counted, the others are delivered.
      const tooBig = await client.run({ promptName: "echo-big", inputVariables: { big: "z".repeat(100 * 1024) }, tags: ["too-big"] });
      const fine = await client.run({ promptName: "echo-big", inputVariables: { big: "small" }, tags: ["fine"] });
      expect(await client.flush()).toEqual({ pending: 0, dropped: 1 });
      expect((await call("GET", `/api/v1/requests/${fine.request_id}`, undefined, small)).status).toBe(200);
      expect((await call("GET", `/api/v1/requests/${tooBig.request_id}`, undefined, small)).status).toBe(404);
      expect(client.stats()).toMatchObject({ dropped: 1 });
      await client.close();
    } finally {
      await small.close();
    }
  });
});

describe("prompt names with '/', '?' and '#'", () => {
  const names = ["team/support/reply", "what?", "issue#42", "a/b?c=d#e", "100% sure", "../escape", "with space", "trailing/"];

  it.each(names)("%j: published, fetched and run through our SDK, and logged under its name", async (name) => {
    await sdk.templates.publish(template(name, "Name is {who}", "f-string"));
    const fetched = await sdk.templates.get(name, { input_variables: { who: "x" } });
    expect(fetched.prompt_name).toBe(name);
    const result = await sdk.run({ promptName: name, inputVariables: { who: "Ada" }, tags: ["odd-names"] });
    expect(JSON.stringify(fakes.lastRequest("openai")?.body)).toContain("Name is Ada");
    await sdk.flush();
    const stored = await call("GET", `/api/v1/requests/${result.request_id}`);
    expect(stored.json.prompt_name).toBe(name);
  });

  it("raw HTTP with the name unencoded finds another prompt or none, never a wrong one, and never a 5xx", async () => {
    await sdk.templates.publish(template("a", "This is prompt a", "f-string"));
    for (const path of ["/prompt-templates/a/b?c=d#e", "/prompt-templates/what?", "/prompt-templates/issue#42", "/prompt-templates/a#b", "/prompt-templates/a?x=1"]) {
      const answer = await call("POST", path, {});
      expect(answer.status, `${path}: ${answer.text}`).toBeLessThan(500);
      if (answer.status === 200) {
        // The URL's path really named this prompt (what follows ? or # is not part of it).
        const named = decodeURIComponent(new URL(path, server.url).pathname.slice("/prompt-templates/".length));
        expect(answer.json.prompt_name, path).toBe(named);
      } else {
        expect(answer.status).toBe(404);
        expect(answer.json.message).toEqual(expect.any(String));
      }
    }
  });
});
