import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { costUsd } from "@promptline/core";
import { startServer, type RunningServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import { PromptLayer } from "promptlayer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The acceptance test of the PromptLayer-compatible API: the official
// `promptlayer@1.3.6` package, unchanged, against a real server on a SQLite
// file, calling the fake OpenAI and Anthropic servers through the official
// provider SDKs it creates itself. After each step the stored record is read
// back through `GET /api/v1/requests/{id}` and checked field by field.

const apiKey = "pl_e2e_promptlayer_sdk_key_0123456789";

/** Keys and base URLs the official provider SDKs read from `process.env`. */
const providerEnvNames = ["OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "PROMPTLAYER_API_KEY", "PROMPTLAYER_BASE_URL"];

interface StoredRequest {
  id: number;
  request_id: string;
  prompt_id: number | null;
  prompt_name: string | null;
  prompt_version: number | null;
  tags: string[];
  metadata: Record<string, string>;
  group_id: number | null;
  input_variables: Record<string, unknown>;
  status: string;
  provider: string;
  model: string;
  function_name: string | null;
  usage: { input_tokens: number; output_tokens: number } | null;
  cost_usd: number | null;
  latency_ms: number | null;
  request: Record<string, unknown>;
  response: unknown;
  prompt_blueprint: Blueprint | null;
  error_type: string | null;
  error_message: string | null;
}

interface Blueprint {
  prompt_template: { type: string; messages: { role: string; content: { type: string; text?: string }[] }[] };
  metadata?: { model?: { provider?: string; name?: string; parameters?: Record<string, unknown>; api_type?: string } };
}

type PublishBody = Parameters<PromptLayer["templates"]["publish"]>[0];

const poemTemplate: PublishBody["prompt_template"] = {
  type: "chat",
  input_variables: ["topic", "style"],
  messages: [
    { role: "system", content: [{ type: "text", text: "You are a {style} poet." }] },
    { role: "user", content: [{ type: "text", text: "Write about {topic}" }] },
  ],
};

const claudeTemplate: PublishBody["prompt_template"] = {
  type: "chat",
  input_variables: ["question"],
  messages: [
    { role: "system", content: [{ type: "text", text: "Answer in one sentence." }] },
    { role: "user", content: [{ type: "text", text: "{question}" }] },
  ],
};

let fakes: FakeProviders;
let server: RunningServer;
let directory: string;
let pl: PromptLayer;
const savedEnv = new Map<string, string | undefined>();

async function stored(id: number | string | undefined): Promise<StoredRequest> {
  expect(id, "PromptLayer got no request_id").toBeDefined();
  const response = await fetch(`${server.url}/api/v1/requests/${String(id)}`, { headers: { "x-api-key": apiKey } });
  expect(response.status).toBe(200);
  return (await response.json()) as StoredRequest;
}

/** The text of the last block of the last message: PromptLayer's documented way to read the answer. */
function answerOf(blueprint: Blueprint | null | undefined): string | undefined {
  return blueprint?.prompt_template.messages.at(-1)?.content.at(-1)?.text;
}

function rolesOf(blueprint: Blueprint | null | undefined): string[] {
  return blueprint?.prompt_template.messages.map((message) => message.role) ?? [];
}

type RunParams = Parameters<PromptLayer["run"]>[0];
interface RunResult {
  request_id: number | undefined;
  raw_response: unknown;
  prompt_blueprint: Blueprint;
}
interface StreamChunk {
  request_id: number | null;
  raw_response: unknown;
  prompt_blueprint: Blueprint;
}

/** `run()` returns a union of the two shapes; these pick the one asked for. */
async function runOnce(client: PromptLayer, params: Omit<RunParams, "stream">): Promise<RunResult> {
  return (await client.run({ ...params, stream: false })) as RunResult;
}
async function runStream(client: PromptLayer, params: Omit<RunParams, "stream">): Promise<AsyncIterable<StreamChunk>> {
  return (await client.run({ ...params, stream: true })) as AsyncIterable<StreamChunk>;
}

/** No credential the client may leave in `kwargs` reaches the log. */
function expectNoSecrets(row: StoredRequest) {
  const text = JSON.stringify(row);
  for (const secret of [fakes.env.OPENAI_API_KEY, fakes.env.ANTHROPIC_API_KEY, apiKey]) expect(text).not.toContain(secret);
  expect(row.request).not.toHaveProperty("apiKey");
  expect(row.request).not.toHaveProperty("api_key");
  expect(row.request).not.toHaveProperty("baseURL");
}

describe("the official promptlayer@1.3.6 SDK against Promptline", () => {
  beforeAll(async () => {
    fakes = await startFakeProviders();
    directory = mkdtempSync(join(tmpdir(), "promptline-pl-sdk-"));
    server = await startServer({ database: `sqlite:${join(directory, "promptline.db")}`, port: 0, apiKey, logError: () => undefined });
    for (const name of providerEnvNames) savedEnv.set(name, process.env[name]);
    for (const name of providerEnvNames.slice(0, 4)) process.env[name] = fakes.env[name];
    delete process.env.PROMPTLAYER_API_KEY;
    delete process.env.PROMPTLAYER_BASE_URL;
    pl = new PromptLayer({ apiKey, baseURL: server.url });
  });

  afterAll(async () => {
    for (const [name, value] of savedEnv) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await server?.close();
    await fakes?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  describe("templates", () => {
    it("publishes versions with release labels (201)", async () => {
      const first = await pl.templates.publish({
        prompt_name: "poem",
        prompt_template: poemTemplate,
        tags: ["e2e"],
        commit_message: "first",
        metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 1, max_tokens: 256 }, api_type: "chat-completions" } },
        release_labels: ["prod"],
      });
      expect(first).toMatchObject({ prompt_name: "poem", release_labels: ["prod"], version_number: 1 });
      const second = await pl.templates.publish({
        prompt_name: "poem",
        prompt_template: poemTemplate,
        commit_message: "warmer",
        metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.5, max_tokens: 128 }, api_type: "chat-completions" } },
        release_labels: ["staging"],
      });
      expect(second).toMatchObject({ prompt_name: "poem", release_labels: ["staging"], version_number: 2 });
      const claude = await pl.templates.publish({
        prompt_name: "claude-answer",
        prompt_template: claudeTemplate,
        metadata: { model: { provider: "anthropic", name: "claude-3-5-haiku-latest", parameters: { max_tokens: 200, temperature: 0.2 } } },
        release_labels: ["prod"],
      });
      expect(claude).toMatchObject({ prompt_name: "claude-answer", version_number: 1 });
    });

    it("gets the latest version by name, rendering input_variables into llm_kwargs", async () => {
      const template = await pl.templates.get("poem", { input_variables: { topic: "cats", style: "gloomy" } });
      expect(template).toMatchObject({ prompt_name: "poem", version: 2 });
      expect(template?.metadata?.model).toMatchObject({ provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions" });
      expect(template?.llm_kwargs).toMatchObject({ model: "gpt-4o-mini", temperature: 0.5, max_tokens: 128 });
      expect(JSON.stringify(template?.llm_kwargs)).toContain("You are a gloomy poet.");
      expect(JSON.stringify(template?.llm_kwargs)).toContain("Write about cats");
      expect(JSON.stringify(template?.prompt_template)).toContain("Write about cats");
    });

    it("gets a version by number and by release label", async () => {
      const byVersion = await pl.templates.get("poem", { version: 1 });
      expect(byVersion).toMatchObject({ version: 1, llm_kwargs: { temperature: 1, max_tokens: 256 } });
      const byLabel = await pl.templates.get("poem", { label: "staging" });
      expect(byLabel).toMatchObject({ version: 2, llm_kwargs: { temperature: 0.5 } });
      const prod = await pl.templates.get("poem", { label: "prod", input_variables: { topic: "dogs", style: "happy" } });
      expect(prod).toMatchObject({ version: 1 });
      expect(JSON.stringify(prod?.llm_kwargs)).toContain("Write about dogs");
    });

    it("rebuilds llm_kwargs for a provider and model override", async () => {
      const template = await pl.templates.get("poem", {
        provider: "anthropic",
        model: "claude-3-5-haiku-latest",
        input_variables: { topic: "owls", style: "terse" },
      });
      expect(template?.metadata?.model).toMatchObject({ provider: "anthropic", name: "claude-3-5-haiku-latest" });
      const kwargs = template?.llm_kwargs as Record<string, unknown>;
      expect(kwargs.model).toBe("claude-3-5-haiku-latest");
      expect(JSON.stringify(kwargs.system)).toContain("You are a terse poet.");
      expect(kwargs.max_tokens).toEqual(expect.any(Number));
      expect(JSON.stringify(kwargs.messages)).toContain("Write about owls");
    });

    it("answers an unknown prompt with PromptLayer's 404 message", async () => {
      await expect(pl.templates.get("no-such-prompt")).rejects.toThrow(/no-such-prompt/);
    });

    it("lists templates, filtered by label", async () => {
      const all = await pl.templates.all();
      expect(all.map((item) => item.prompt_name).sort()).toEqual(["claude-answer", "poem"]);
      const staging = await pl.templates.all({ label: "staging" });
      expect(staging.map((item) => item.prompt_name)).toEqual(["poem"]);
      const paged = await pl.templates.all({ page: 1, per_page: 1 });
      expect(paged).toHaveLength(1);
    });
  });

  describe("run()", () => {
    it("runs an OpenAI chat prompt and logs a complete record", async () => {
      const group = await pl.group.create();
      expect(Number.isInteger(group)).toBe(true);
      fakes.queue("openai", { text: "Cats nap in sunbeams.", usage: { input_tokens: 31, output_tokens: 6 } });
      const result = await runOnce(pl, {
        promptName: "poem",
        promptReleaseLabel: "prod",
        inputVariables: { topic: "cats", style: "gloomy" },
        tags: ["t1", "e2e"],
        metadata: { user: "u1" },
        groupId: group as number,
      });
      expect(result.request_id).toEqual(expect.any(Number));
      expect(answerOf(result.prompt_blueprint)).toBe("Cats nap in sunbeams.");
      expect(rolesOf(result.prompt_blueprint)).toEqual(["system", "user", "assistant"]);
      // The SDK sent what the server rendered to the provider.
      const sent = fakes.lastRequest("openai")?.body as Record<string, unknown>;
      expect(sent).toMatchObject({ model: "gpt-4o-mini", temperature: 1, max_tokens: 256, stream: false });
      expect(JSON.stringify(sent.messages)).toContain("Write about cats");

      const row = await stored(result.request_id);
      expect(row).toMatchObject({
        id: result.request_id,
        prompt_name: "poem",
        prompt_version: 1,
        tags: ["t1", "e2e"],
        metadata: { user: "u1" },
        group_id: group,
        input_variables: { topic: "cats", style: "gloomy" },
        status: "SUCCESS",
        provider: "openai",
        model: "gpt-4o-mini",
        function_name: "openai.chat.completions.create",
        usage: { input_tokens: 31, output_tokens: 6 },
        error_type: null,
        error_message: null,
      });
      expect(row.cost_usd).toBeCloseTo(costUsd("openai", "gpt-4o-mini", { input_tokens: 31, output_tokens: 6 }) ?? Number.NaN, 12);
      expect(row.latency_ms).toEqual(expect.any(Number));
      expect(row.latency_ms).toBeGreaterThanOrEqual(0);
      expect(row.request).toMatchObject({ model: "gpt-4o-mini", temperature: 1, stream: false });
      expect(row.response).toMatchObject({ object: "chat.completion", choices: [{ message: { content: "Cats nap in sunbeams." } }] });
      expect(row.prompt_blueprint).toEqual(result.prompt_blueprint);
      expect(row.prompt_blueprint?.metadata?.model).toMatchObject({ provider: "openai", name: "gpt-4o-mini" });
      expectNoSecrets(row);
    });

    it("runs an Anthropic prompt by version, with a null cost for an unpriced model override", async () => {
      fakes.queue("anthropic", { text: "Paris is the capital of France.", usage: { input_tokens: 17, output_tokens: 9 } });
      const result = await runOnce(pl, {
        promptName: "claude-answer",
        promptVersion: 1,
        inputVariables: { question: "What is the capital of France?" },
        tags: ["anthropic"],
        metadata: { tenant: "acme" },
      });
      expect(answerOf(result.prompt_blueprint)).toBe("Paris is the capital of France.");
      expect(rolesOf(result.prompt_blueprint)).toEqual(["system", "user", "assistant"]);
      const sent = fakes.lastRequest("anthropic")?.body as Record<string, unknown>;
      expect(sent).toMatchObject({ model: "claude-3-5-haiku-latest", max_tokens: 200, temperature: 0.2 });

      const row = await stored(result.request_id);
      expect(row).toMatchObject({
        prompt_name: "claude-answer",
        prompt_version: 1,
        tags: ["anthropic"],
        metadata: { tenant: "acme" },
        group_id: null,
        input_variables: { question: "What is the capital of France?" },
        status: "SUCCESS",
        provider: "anthropic",
        model: "claude-3-5-haiku-latest",
        function_name: "anthropic.messages.create",
        usage: { input_tokens: 17, output_tokens: 9 },
        error_type: null,
      });
      expect(row.cost_usd).toBeCloseTo(costUsd("anthropic", "claude-3-5-haiku-latest", { input_tokens: 17, output_tokens: 9 }) ?? Number.NaN, 12);
      expect(row.response).toMatchObject({ type: "message", content: [{ type: "text", text: "Paris is the capital of France." }] });
      expect(row.prompt_blueprint).toEqual(result.prompt_blueprint);
      expectNoSecrets(row);

      // The same prompt on a model nobody prices: logged, with cost null (not 0).
      fakes.queue("anthropic", { text: "Rome.", usage: { input_tokens: 5, output_tokens: 2 } });
      const unpriced = await runOnce(pl, { promptName: "claude-answer", model: "claude-private-finetune", inputVariables: { question: "Italy?" } });
      const unpricedRow = await stored(unpriced.request_id);
      expect(unpricedRow).toMatchObject({ model: "claude-private-finetune", usage: { input_tokens: 5, output_tokens: 2 }, cost_usd: null });
    });

    it("runs with a provider and model override", async () => {
      fakes.queue("anthropic", { text: "Owls hoot.", usage: { input_tokens: 12, output_tokens: 3 } });
      const result = await runOnce(pl, {
        promptName: "poem",
        provider: "anthropic",
        model: "claude-3-5-haiku-latest",
        inputVariables: { topic: "owls", style: "terse" },
      });
      expect(answerOf(result.prompt_blueprint)).toBe("Owls hoot.");
      expect(fakes.lastRequest("anthropic")?.body).toMatchObject({ model: "claude-3-5-haiku-latest" });
      const row = await stored(result.request_id);
      expect(row).toMatchObject({ prompt_name: "poem", prompt_version: 2, provider: "anthropic", model: "claude-3-5-haiku-latest", usage: { input_tokens: 12, output_tokens: 3 } });
    });

    it("streams an OpenAI prompt: per-event chunks, the assembled chunk, then the server's request_id and blueprint", async () => {
      fakes.queue("openai", { text: "Dogs chase bright balls.", usage: { input_tokens: 20, output_tokens: 5 } });
      const stream = await runStream(pl, { promptName: "poem", inputVariables: { topic: "dogs", style: "happy" }, tags: ["stream"] });
      const seen: { request_id: unknown; answer: string | undefined }[] = [];
      let last: StreamChunk | undefined;
      for await (const chunk of stream) {
        // The SDK yields one mutable object: copy what we check now.
        seen.push({ request_id: chunk.request_id, answer: answerOf(chunk.prompt_blueprint) });
        last = chunk;
      }
      expect(seen.length).toBeGreaterThan(3);
      expect(seen.slice(0, -1).every((chunk) => chunk.request_id === null)).toBe(true);
      // One chunk per provider event carrying that event's delta, then the assembled response, then the server's answer.
      expect(seen.slice(0, -2).map((chunk) => chunk.answer ?? "").join("")).toBe("Dogs chase bright balls.");
      expect(last?.request_id).toEqual(expect.any(Number));
      expect(fakes.lastRequest("openai")?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
      // The final blueprint is the whole conversation with the answer last.
      expect(rolesOf(last?.prompt_blueprint)).toEqual(["system", "user", "assistant"]);
      expect(answerOf(last?.prompt_blueprint)).toBe("Dogs chase bright balls.");
      expect(last?.raw_response).toMatchObject({ choices: [{ message: { content: "Dogs chase bright balls." } }] });

      const row = await stored(last?.request_id ?? undefined);
      expect(row).toMatchObject({
        prompt_name: "poem",
        prompt_version: 2,
        tags: ["stream"],
        input_variables: { topic: "dogs", style: "happy" },
        status: "SUCCESS",
        provider: "openai",
        model: "gpt-4o-mini",
        usage: { input_tokens: 20, output_tokens: 5 },
      });
      expect(row.cost_usd).toEqual(expect.any(Number));
      expect(row.request).toMatchObject({ stream: true });
      expect(row.prompt_blueprint).toEqual(last?.prompt_blueprint);
      expectNoSecrets(row);
    });

    it("streams an Anthropic prompt, with a group", async () => {
      const group = (await pl.group.create()) as number;
      fakes.queue("anthropic", { text: "Berlin is the capital of Germany.", usage: { input_tokens: 14, output_tokens: 8 } });
      const stream = await runStream(pl, {
        promptName: "claude-answer",
        promptReleaseLabel: "prod",
        inputVariables: { question: "Capital of Germany?" },
        groupId: group,
      });
      let count = 0;
      let last: StreamChunk | undefined;
      for await (const chunk of stream) {
        count++;
        last = chunk;
      }
      expect(count).toBeGreaterThan(3);
      expect(last?.request_id).toEqual(expect.any(Number));
      expect(rolesOf(last?.prompt_blueprint)).toEqual(["system", "user", "assistant"]);
      expect(answerOf(last?.prompt_blueprint)).toBe("Berlin is the capital of Germany.");

      const row = await stored(last?.request_id ?? undefined);
      expect(row).toMatchObject({
        prompt_name: "claude-answer",
        prompt_version: 1,
        group_id: group,
        input_variables: { question: "Capital of Germany?" },
        status: "SUCCESS",
        provider: "anthropic",
        model: "claude-3-5-haiku-latest",
        usage: { input_tokens: 14, output_tokens: 8 },
      });
      expect(row.cost_usd).toEqual(expect.any(Number));
      expect(row.prompt_blueprint).toEqual(last?.prompt_blueprint);
      expectNoSecrets(row);
    });

    it("known upstream bug B2: the Anthropic path leaves baseURL in kwargs; the server keeps it out of the log", async () => {
      // With a provider base URL on the prompt, promptlayer@1.3.6 passes
      // `baseURL` to the Anthropic client *and* leaves it in the kwargs it
      // sends to the provider and to /track-request.
      await pl.templates.publish({
        prompt_name: "claude-based",
        prompt_template: claudeTemplate,
        // `base_url` is Promptline's: PromptLayer names a stored provider base URL instead.
        metadata: { model: { provider: "anthropic", name: "claude-3-5-haiku-latest", parameters: { max_tokens: 64 }, base_url: fakes.baseURLs.anthropic } },
      } as PublishBody);
      const template = await pl.templates.get("claude-based");
      expect(template?.provider_base_url).toMatchObject({ url: fakes.baseURLs.anthropic });
      fakes.queue("anthropic", { text: "Based.", usage: { input_tokens: 4, output_tokens: 1 } });
      const result = await runOnce(pl, { promptName: "claude-based", inputVariables: { question: "Where?" } });
      expect(fakes.lastRequest("anthropic")?.body).toHaveProperty("baseURL", fakes.baseURLs.anthropic);
      const row = await stored(result.request_id);
      expect(row).toMatchObject({ status: "SUCCESS", provider: "anthropic", usage: { input_tokens: 4, output_tokens: 1 } });
      expect(row.request).toMatchObject({ model: "claude-3-5-haiku-latest", max_tokens: 64 });
      expectNoSecrets(row);
    });

    it("works with the SDK's template cache (unrendered fetch, local rendering)", async () => {
      const cached = new PromptLayer({ apiKey, baseURL: server.url, cacheTtlSeconds: 60 });
      for (const topic of ["rain", "snow"]) {
        const result = await runOnce(cached, { promptName: "poem", inputVariables: { topic, style: "calm" } });
        const sent = fakes.lastRequest("openai")?.body as { messages: unknown };
        expect(JSON.stringify(sent.messages)).toContain(`Write about ${topic}`);
        expect(JSON.stringify(sent.messages)).toContain("You are a calm poet.");
        expect(answerOf(result.prompt_blueprint)).toBe(`Echo: Write about ${topic}`);
        expect(await stored(result.request_id)).toMatchObject({ prompt_name: "poem", prompt_version: 2, input_variables: { topic, style: "calm" } });
      }
    });

    it("known upstream bug B1: streaming with metadata throws inside the SDK, before anything is tracked", async () => {
      // promptlayer@1.3.6 passes the caller's `metadata` (no `model`) to its
      // per-event blueprint builder. Not ours to work around; this test
      // fails when a fixed SDK is installed, as a reminder to drop it.
      const before = fakes.requestsFor("openai").length;
      const stream = await runStream(pl, { promptName: "poem", inputVariables: { topic: "x", style: "y" }, metadata: { user: "u1" } });
      const drain = async () => {
        for await (const _chunk of stream) void _chunk;
      };
      await expect(drain()).rejects.toThrow(/provider/);
      expect(fakes.requestsFor("openai").length).toBe(before + 1);
    });

    it("logs a provider error as ERROR with PROVIDER_AUTH_ERROR, and the SDK rethrows it", async () => {
      fakes.fault("openai", { status: 401 });
      const group = (await pl.group.create()) as number;
      const error = await runOnce(pl, {
        promptName: "poem",
        inputVariables: { topic: "bees", style: "dry" },
        tags: ["fails"],
        metadata: { user: "u2" },
        groupId: group,
      }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as { status?: number }).status).toBe(401);

      const page = await fetch(`${server.url}/api/v1/requests?status=ERROR&tag=fails`, { headers: { "x-api-key": apiKey } });
      const { items } = (await page.json()) as { items: StoredRequest[] };
      expect(items).toHaveLength(1);
      const row = await stored(items[0]?.id);
      expect(row).toMatchObject({
        prompt_name: "poem",
        prompt_version: 2,
        tags: ["fails"],
        metadata: { user: "u2" },
        group_id: group,
        input_variables: { topic: "bees", style: "dry" },
        status: "ERROR",
        provider: "openai",
        model: "gpt-4o-mini",
        error_type: "PROVIDER_AUTH_ERROR",
        usage: null,
        cost_usd: null,
      });
      expect(row.error_message).toContain("401");
      // An error log's blueprint holds the input conversation only.
      expect(rolesOf(row.prompt_blueprint)).toEqual(["system", "user"]);
      expectNoSecrets(row);
    });
  });

  describe("track, group and logRequest", () => {
    it("tracks metadata, score, prompt and group on a logged request", async () => {
      const result = await runOnce(pl, { promptName: "claude-answer", inputVariables: { question: "Hi?" } });
      const id = result.request_id as number;
      expect(await pl.track.metadata({ request_id: id, metadata: { session: "s-1", user: "u9" } })).toBe(true);
      expect(await pl.track.score({ request_id: id, score: 87 })).toBe(true);
      expect(await pl.track.score({ request_id: id, score: 12, name: "relevance" })).toBe(true);
      expect(await pl.track.prompt({ request_id: id, prompt_name: "poem", prompt_input_variables: { topic: "t", style: "s" }, version: 1 })).toBe(true);
      const group = await pl.group.create();
      expect(group).toEqual(expect.any(Number));
      expect(await pl.track.group({ request_id: id, group_id: group as number })).toBe(true);

      const row = await stored(id);
      expect(row).toMatchObject({
        prompt_name: "poem",
        prompt_version: 1,
        metadata: { session: "s-1", user: "u9" },
        group_id: group,
        input_variables: { topic: "t", style: "s" },
        status: "SUCCESS",
        provider: "anthropic",
      });
    });

    it("returns false (with a warning) when tracking an unknown request, when throwOnError is off", async () => {
      const lenient = new PromptLayer({ apiKey, baseURL: server.url, throwOnError: false });
      const warn = console.warn;
      console.warn = () => undefined;
      try {
        expect(await lenient.track.metadata({ request_id: 987654321, metadata: { a: "b" } })).toBe(false);
      } finally {
        console.warn = warn;
      }
    });

    it("logRequest stores a request made outside run() (201)", async () => {
      const start = Date.now() - 1500;
      const logged = (await pl.logRequest({
        provider: "openai",
        model: "gpt-4o",
        input: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Say {word}" }] }] },
        output: { type: "chat", messages: [{ role: "assistant", content: [{ type: "text", text: "Hello" }] }] },
        request_start_time: start,
        request_end_time: start + 1200,
        parameters: { temperature: 0.3 },
        tags: ["manual"],
        metadata: { source: "batch-job" },
        prompt_name: "poem",
        prompt_version_number: 2,
        prompt_input_variables: { word: "hello" },
        input_tokens: 11,
        output_tokens: 2,
        function_name: "openai.chat.completions.create",
        api_type: "chat-completions",
      }) as unknown) as { id: number; prompt_version: Blueprint } | null;
      expect(logged?.id).toEqual(expect.any(Number));
      expect(answerOf(logged?.prompt_version)).toBe("Hello");

      const row = await stored(logged?.id);
      expect(row).toMatchObject({
        prompt_name: "poem",
        prompt_version: 2,
        tags: ["manual"],
        metadata: { source: "batch-job" },
        input_variables: { word: "hello" },
        status: "SUCCESS",
        provider: "openai",
        model: "gpt-4o",
        usage: { input_tokens: 11, output_tokens: 2 },
        latency_ms: 1200,
        error_type: null,
      });
      expect(row.cost_usd).toBeCloseTo(costUsd("openai", "gpt-4o", { input_tokens: 11, output_tokens: 2 }) ?? Number.NaN, 12);
      expect(rolesOf(row.prompt_blueprint)).toEqual(["user", "assistant"]);
    });

    it("logRequest stores a failed request with its error fields (ISO timestamps)", async () => {
      const logged = (await pl.logRequest({
        provider: "anthropic",
        model: "claude-3-5-haiku-latest",
        input: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hello?" }] }] },
        output: { type: "chat", messages: [] },
        request_start_time: "2026-01-02T03:04:05.000Z",
        request_end_time: "2026-01-02T03:04:05.250Z",
        tags: ["manual-error"],
        status: "ERROR",
        error_type: "PROVIDER_RATE_LIMIT",
        error_message: "429 rate limited",
      } as unknown as Parameters<PromptLayer["logRequest"]>[0])) as { id: number } | null;
      const row = await stored(logged?.id);
      expect(row).toMatchObject({
        tags: ["manual-error"],
        status: "ERROR",
        provider: "anthropic",
        model: "claude-3-5-haiku-latest",
        usage: null,
        cost_usd: null,
        latency_ms: 250,
        error_type: "PROVIDER_RATE_LIMIT",
        error_message: "429 rate limited",
      });
    });
  });

  it("finds the server through PROMPTLAYER_BASE_URL and PROMPTLAYER_API_KEY alone", async () => {
    process.env.PROMPTLAYER_BASE_URL = server.url;
    process.env.PROMPTLAYER_API_KEY = apiKey;
    try {
      const fromEnv = new PromptLayer();
      fakes.queue("openai", { text: "From the environment." });
      const result = await runOnce(fromEnv, { promptName: "poem", inputVariables: { topic: "env", style: "plain" } });
      expect(answerOf(result.prompt_blueprint)).toBe("From the environment.");
      expect((await stored(result.request_id)).prompt_name).toBe("poem");
    } finally {
      delete process.env.PROMPTLAYER_BASE_URL;
      delete process.env.PROMPTLAYER_API_KEY;
    }
  });
});
