/**
 * Structured output end to end: a template's `response_format` (OpenAI's
 * json_schema) run on every provider that can enforce it reaches the fake
 * provider as that provider's enforcement, and the blueprint's answer holds
 * the JSON text, as an OpenAI answer would; streamed too. Where the schema
 * can't be enforced, run() refuses unless the caller opts into dropping it.
 * The official promptlayer SDK gets the same enforcement in `llm_kwargs`.
 */
import { ResponseFormatUnsupportedError, type RunChunk, type RunResult } from "promptline";
import { PromptLayer } from "promptlayer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKey, collect, startHarness, textTemplate, type Harness } from "./sdk-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const schema = {
  type: "object",
  properties: { city: { type: "string" }, celsius: { type: "number" } },
  required: ["city", "celsius"],
  additionalProperties: false,
};
const responseFormat = { type: "json_schema", json_schema: { name: "weather", schema, strict: true } };
const answer = { city: "Paris", celsius: 21 };

type Message = { role: string; content: { type: string; text?: string }[]; tool_calls?: unknown[] | null };
const messagesOf = (result: { prompt_blueprint: unknown }) => (result.prompt_blueprint as { prompt_template: { messages: Message[] } }).prompt_template.messages;
/** PromptLayer's documented way to read an answer: the last block of the last message. */
const answerText = (result: { prompt_blueprint: unknown }) => messagesOf(result).at(-1)?.content.at(-1)?.text;

interface Case {
  fake: "anthropic" | "bedrock" | "google" | "mistral" | "openai";
  model: { provider: string; name: string; parameters: Record<string, unknown> };
  /** The enforcement as the provider's wire request carries it. */
  enforcement: Record<string, unknown>;
}

const cases: Record<string, Case> = {
  anthropic: {
    fake: "anthropic",
    model: { provider: "anthropic", name: "claude-haiku-4-5", parameters: { max_tokens: 300, response_format: responseFormat } },
    enforcement: { tools: [expect.objectContaining({ name: "json_response", input_schema: schema })], tool_choice: { type: "tool", name: "json_response" } },
  },
  bedrock: {
    fake: "bedrock",
    model: { provider: "amazon.bedrock", name: "anthropic.claude-3-5-haiku-20241022-v1:0", parameters: { max_tokens: 300, response_format: responseFormat } },
    enforcement: {
      toolConfig: { tools: [{ toolSpec: expect.objectContaining({ name: "json_response", inputSchema: { json: schema } }) }], toolChoice: { tool: { name: "json_response" } } },
    },
  },
  google: {
    fake: "google",
    model: { provider: "google", name: "gemini-2.5-flash", parameters: { response_format: responseFormat } },
    enforcement: { generationConfig: expect.objectContaining({ responseMimeType: "application/json", responseJsonSchema: schema }) },
  },
  mistral: {
    fake: "mistral",
    model: { provider: "mistral", name: "mistral-small-latest", parameters: { response_format: responseFormat } },
    enforcement: { response_format: responseFormat },
  },
  openai: {
    fake: "openai",
    model: { provider: "openai", name: "gpt-4o-mini", parameters: { response_format: responseFormat } },
    enforcement: { response_format: responseFormat },
  },
};

async function publish(name: string, model: Case["model"], template = textTemplate("Weather in {city}?")) {
  await h.client.templates.publish({ prompt_name: name, prompt_template: template, metadata: { model } });
}

describe.each([false, true])("run() with response_format, stream: %s", (stream) => {
  it.each(Object.keys(cases))("%s: the request carries the provider's enforcement and the blueprint holds the JSON text", async (id) => {
    const testCase = cases[id]!;
    const name = `structured-${id}-${stream}`;
    await publish(name, testCase.model);
    h.fakes.queue(testCase.fake, { json: answer });
    const before = h.fakes.requestsFor(testCase.fake).length;

    const params = { promptName: name, inputVariables: { city: "Paris" } };
    let result: RunResult;
    let chunks: RunChunk[] = [];
    if (stream) {
      chunks = await collect(await h.client.run({ ...params, stream: true }));
      const last = chunks.at(-1);
      if (!last?.done) throw new Error("the stream ended without its final chunk");
      result = last;
    } else {
      result = await h.client.run(params);
    }

    const requests = h.fakes.requestsFor(testCase.fake);
    expect(requests).toHaveLength(before + 1);
    expect(requests.at(-1)!.body).toMatchObject(testCase.enforcement);
    expect(JSON.stringify(requests.at(-1)!.body)).not.toMatch(/"response_format".*"response_format"/);

    const text = answerText(result);
    expect(text).toBeDefined();
    expect(JSON.parse(text!)).toEqual(answer);
    expect(messagesOf(result).at(-1)!.tool_calls ?? null).toBeNull();
    if (stream) {
      // The deltas, concatenated, are the same JSON text.
      const deltas = chunks.slice(0, -1).flatMap((chunk) => messagesOf(chunk).flatMap((message) => message.content));
      expect(deltas.map((block) => (block.type === "text" ? (block.text ?? "") : "")).join("")).toBe(text);
      expect(chunks.slice(0, -1).every((chunk) => messagesOf(chunk).every((message) => !message.tool_calls || message.tool_calls.length === 0))).toBe(true);
    }

    // The stored record has the same blueprint.
    await h.client.flush();
    const record = await h.record(result.request_id);
    expect(JSON.parse((record.prompt_blueprint as { prompt_template: { messages: Message[] } }).prompt_template.messages.at(-1)!.content.at(-1)!.text!)).toEqual(answer);
  });
});

describe("run() with Anthropic's own output_format", () => {
  it("sends it with the structured-outputs beta header, and the blueprint holds the JSON text", async () => {
    const outputFormat = { type: "json_schema", schema };
    await publish("structured-native", { provider: "anthropic", name: "claude-sonnet-4-5", parameters: { max_tokens: 300, output_format: outputFormat } });
    h.fakes.queue("anthropic", { json: answer });
    const result = await h.client.run({ promptName: "structured-native", inputVariables: { city: "Paris" } });
    const sent = h.fakes.lastRequest("anthropic")!;
    expect(sent.headers["anthropic-beta"]).toBe("structured-outputs-2025-11-13");
    expect(sent.body).toMatchObject({ output_format: outputFormat });
    expect(JSON.parse(answerText(result)!)).toEqual(answer);
  });
});

describe("run() with response_format through a provider override", () => {
  it.each([
    ["anthropic", "claude-haiku-4-5", "anthropic"],
    ["amazon.bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0", "bedrock"],
  ] as const)("an OpenAI template run on %s keeps its schema", async (provider, model, fake) => {
    await publish(`structured-override-${fake}`, cases.openai!.model);
    h.fakes.queue(fake, { json: answer });
    const result = await h.client.run({ promptName: `structured-override-${fake}`, inputVariables: { city: "Paris" }, provider, model });
    expect(h.fakes.lastRequest(fake)!.body).toMatchObject(cases[fake]!.enforcement);
    expect(JSON.parse(answerText(result)!)).toEqual(answer);
  });
});

describe("run() where the schema can't be enforced", () => {
  const completion = { type: "completion" as const, content: [{ type: "text" as const, text: "Weather in {city}?" }] };
  const instruct = { provider: "openai", name: "gpt-3.5-turbo-instruct", parameters: { response_format: responseFormat } };

  it("fails with ResponseFormatUnsupportedError before any request is sent, saying how to opt out", async () => {
    await publish("structured-unenforceable", instruct, completion);
    const before = h.fakes.requestsFor("openai").length;
    const error = await h.client.run({ promptName: "structured-unenforceable", inputVariables: { city: "Paris" } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseFormatUnsupportedError);
    expect(error).toMatchObject({ code: "response_format_unsupported", provider: "openai", model: "gpt-3.5-turbo-instruct" });
    expect((error as Error).message).toMatch(/allowDroppedResponseFormat: true/);
    expect(h.fakes.requestsFor("openai")).toHaveLength(before);
  });

  it("extended thinking on Claude is refused the same way", async () => {
    const thinking = { provider: "anthropic", name: "claude-sonnet-4-5", parameters: { max_tokens: 4000, thinking: { type: "enabled", budget_tokens: 1024 }, response_format: responseFormat } };
    await publish("structured-thinking", thinking);
    await expect(h.client.run({ promptName: "structured-thinking", inputVariables: { city: "Paris" } })).rejects.toThrow(/anthropic claude-sonnet-4-5 can't enforce.*thinking/s);
  });

  it.each(["allowDroppedResponseFormat", "allow_dropped_response_format"])("with %s: true the request goes without the schema", async (option) => {
    await publish("structured-unenforceable", instruct, completion);
    h.fakes.queue("openai", { text: "Sunny." });
    const result = (await h.client.run({ promptName: "structured-unenforceable", inputVariables: { city: "Paris" }, [option]: true })) as RunResult;
    const sent = h.fakes.lastRequest("openai")!;
    expect(sent.path).toBe("/v1/completions");
    expect(sent.body).not.toHaveProperty("response_format");
    expect(answerText(result)).toBe("Sunny.");
    expect(result.warnings).toEqual([expect.stringMatching(/^Dropped "response_format": openai gpt-3\.5-turbo-instruct can't enforce it/)]);
    await h.client.flush();
    expect((await h.record(result.request_id)).warnings).toEqual(result.warnings);
  });
});

describe("the PromptLayer-compatible path", () => {
  const envNames = ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"];
  const saved = new Map<string, string | undefined>();
  beforeAll(() => {
    for (const name of envNames) {
      saved.set(name, process.env[name]);
      process.env[name] = h.fakes.env[name];
    }
  });
  afterAll(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("POST /prompt-templates/{name} answers llm_kwargs with the forced tool, so the official SDK enforces the schema, and /track-request reads the JSON text back", async () => {
    await publish("structured-official", cases.anthropic!.model);
    const template = await fetch(`${h.server.url}/prompt-templates/structured-official`, {
      method: "POST",
      headers: { "x-api-key": apiKey, "content-type": "application/json" },
      body: JSON.stringify({ input_variables: { city: "Paris" } }),
    });
    const body = (await template.json()) as { llm_kwargs: Record<string, unknown>; warning: string | null };
    expect(body.llm_kwargs).toMatchObject(cases.anthropic!.enforcement);
    expect(body.llm_kwargs).not.toHaveProperty("response_format");
    expect(body.warning).toBeNull();

    const pl = new PromptLayer({ apiKey, baseURL: h.server.url });
    h.fakes.queue("anthropic", { json: answer });
    const result = (await pl.run({ promptName: "structured-official", inputVariables: { city: "Paris" } })) as { request_id: number; prompt_blueprint: unknown };
    expect(h.fakes.lastRequest("anthropic")!.body).toMatchObject(cases.anthropic!.enforcement);
    expect(JSON.parse(answerText(result)!)).toEqual(answer);

    const record = await h.record(String(result.request_id));
    expect(JSON.parse(answerText(record)!)).toEqual(answer);
    expect((record.prompt_blueprint as { metadata: { model: { parameters: Record<string, unknown> } } }).metadata.model.parameters.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "weather", schema },
    });
  });

  it("Bedrock: llm_kwargs carry the forced tool in toolConfig, and /track-request of a Converse answer stores the JSON text", async () => {
    await publish("structured-official-bedrock", cases.bedrock!.model);
    const headers = { "x-api-key": apiKey, "content-type": "application/json" };
    const template = (await (
      await fetch(`${h.server.url}/prompt-templates/structured-official-bedrock`, { method: "POST", headers, body: JSON.stringify({ input_variables: { city: "Paris" } }) })
    ).json()) as { id: number; version: number; llm_kwargs: Record<string, unknown> };
    expect(template.llm_kwargs).toMatchObject(cases.bedrock!.enforcement);
    const converseAnswer = {
      output: { message: { role: "assistant", content: [{ toolUse: { toolUseId: "tooluse_1", name: "json_response", input: answer } }] } },
      stopReason: "tool_use",
      usage: { inputTokens: 12, outputTokens: 9, totalTokens: 21 },
    };
    const tracked = await fetch(`${h.server.url}/track-request`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        function_name: "boto3.bedrock-runtime.converse",
        provider_type: "amazon.bedrock",
        args: [],
        kwargs: template.llm_kwargs,
        tags: [],
        request_start_time: "2026-12-05T12:00:00.000Z",
        request_end_time: "2026-12-05T12:00:01.000Z",
        prompt_id: template.id,
        prompt_version: template.version,
        request_response: converseAnswer,
        return_prompt_blueprint: true,
      }),
    });
    expect(tracked.status).toBe(200);
    const { request_id: requestId, prompt_blueprint: blueprint } = (await tracked.json()) as { request_id: number; prompt_blueprint: unknown };
    expect(JSON.parse(answerText({ prompt_blueprint: blueprint })!)).toEqual(answer);
    const record = await h.record(String(requestId));
    expect(JSON.parse(answerText(record)!)).toEqual(answer);
  });
});
