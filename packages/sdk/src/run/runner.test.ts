import { MissingVariablesError, ProviderError, type LogRecordInput, type PromptTemplate } from "@promptline/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { LogShipper, QueuedRecord } from "../logging/log-shipper.js";
import { fetchHttpClient } from "../transport/http-client.js";
import { ProviderAbortError } from "../transport/provider-abort-error.js";
import { CircuitBreakers } from "./circuit-breaker.js";
import { normalizeRunParams, type RunParams } from "./run-params.js";
import type { RunChunk, RunResult } from "./run-result.js";
import { Runner, type CachedPrompt, type RunnerDependencies } from "./runner.js";

// The runner against an in-process `fetch`: what it sends, returns, and logs, with no network.

const env = {
  OPENAI_API_KEY: "sk-runner-unit-key",
  OPENAI_BASE_URL: "http://openai.test/v1",
  ANTHROPIC_API_KEY: "sk-ant-runner-unit-key",
  ANTHROPIC_BASE_URL: "http://anthropic.test",
};

const template: PromptTemplate = { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hi {name}" }] }] } as PromptTemplate;

function prompt(model: Record<string, unknown> = { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0 } }): CachedPrompt {
  return { name: "welcome", version: 3, template, metadata: { model } as CachedPrompt["metadata"], snippets: [] };
}

const chatAnswer = (text: string) => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1,
  model: "gpt-4o-mini",
  choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: text } }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
});

const anthropicAnswer = {
  id: "msg_1",
  type: "message",
  role: "assistant",
  model: "claude-3-5-haiku-latest",
  content: [{ type: "text", text: "From Claude" }],
  stop_reason: "end_turn",
  usage: { input_tokens: 4, output_tokens: 3 },
};

/** An SSE body of OpenAI chat chunks; held open after `held` events when given (a stream nobody finishes). */
function sseResponse(texts: string[], options: { held?: boolean } = {}): Response {
  const encoder = new TextEncoder();
  const events = texts.map((text, index) => ({ id: "c", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta: index === 0 ? { role: "assistant", content: text } : { content: text }, finish_reason: null }] }));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const event of events) controller.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\n\n`));
      if (options.held) return;
      controller.enqueue(encoder.encode(`data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: { prompt_tokens: 3, completion_tokens: texts.length, total_tokens: 3 + texts.length } })}\n\n`));
      controller.enqueue(encoder.encode("data: [DONE]\n\n"));
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

interface Sent {
  url: string;
  body: Record<string, unknown>;
  signal: AbortSignal | undefined;
}

function setup(options: { prompt?: CachedPrompt; reply?: (sent: Sent) => Response | Promise<Response>; deps?: Partial<RunnerDependencies> } = {}) {
  const records: LogRecordInput[] = [];
  const sent: Sent[] = [];
  const warnings: string[] = [];
  let clock = 1_000_000;
  const now = () => (clock += 10);
  const reply = options.reply ?? (() => Response.json(chatAnswer("Hello Ada")));
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const entry = { url: String(input), body: JSON.parse(String(init?.body)) as Record<string, unknown>, signal: init?.signal ?? undefined };
    sent.push(entry);
    return reply(entry);
  }) as typeof fetch;
  const runner = new Runner({
    getPrompt: async () => options.prompt ?? prompt(),
    // The runner queues a builder of its record (built when its batch is taken): build it at once here.
    shipper: { enqueue: (record: QueuedRecord) => records.push(typeof record === "function" ? record() : record) } as unknown as LogShipper,
    env,
    fetch: fetchImpl,
    http: fetchHttpClient(fetchImpl),
    now,
    mintRequestId: () => `req-${sent.length}-${records.length}`,
    strictVariables: true,
    provider: { maxRetries: 0 },
    onWarning: (warning) => warnings.push(warning),
    circuits: new CircuitBreakers({ failureThreshold: 1, cooldownMs: 60_000 }, now),
    ...options.deps,
  });
  const run = (params: RunParams) => runner.run(normalizeRunParams({ promptName: "welcome", inputVariables: { name: "Ada" }, ...params }));
  return { runner, run, records, sent, warnings };
}

async function caught(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection");
}

afterEach(() => {
  vi.useRealTimers();
});

describe("Runner: a plain run", () => {
  it("queues how to build its record, not the record: it is assembled after run() has answered", async () => {
    const queued: QueuedRecord[] = [];
    const { run } = setup({ deps: { shipper: { enqueue: (record: QueuedRecord) => queued.push(record) } as unknown as LogShipper } });
    const result = (await run({ tags: ["t"] })) as RunResult;
    expect(queued).toHaveLength(1);
    const build = queued[0]!;
    expect(typeof build).toBe("function");
    expect((build as () => LogRecordInput)()).toMatchObject({ request_id: result.request_id, status: "SUCCESS", tags: ["t"], cost_usd: result.cost_usd, latency_ms: result.latency_ms });
  });

  it("logs the input variables as the run used them, though the caller changes their nested values before the record is built", async () => {
    const queued: QueuedRecord[] = [];
    const { run } = setup({ deps: { shipper: { enqueue: (record: QueuedRecord) => queued.push(record) } as unknown as LogShipper } });
    // A chat history kept by the caller across turns: the assistant's answer is pushed once run() has returned.
    const history = [{ role: "user", content: "Hi" }];
    const profile = { plan: "free", limits: { daily: 5 } };
    await run({ inputVariables: { name: "Ada", history, profile } });
    history.push({ role: "assistant", content: "Hello Ada" });
    profile.limits.daily = 0;
    const record = (queued[0] as () => LogRecordInput)();
    expect(JSON.parse(JSON.stringify(record.input_variables))).toEqual({ name: "Ada", history: [{ role: "user", content: "Hi" }], profile: { plan: "free", limits: { daily: 5 } } });
  });

  it("renders, sends to the provider, returns the answer and logs one SUCCESS record", async () => {
    const { run, records, sent } = setup();
    const result = (await run({ tags: ["t"], metadata: { user: "ada" }, groupId: 7 })) as RunResult;
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe("http://openai.test/v1/chat/completions");
    expect(sent[0]!.body).toMatchObject({ model: "gpt-4o-mini", temperature: 0, messages: [{ role: "user", content: [{ type: "text", text: "Hi Ada" }] }] });
    expect(result).toMatchObject({ text: "Hello Ada", provider: "openai", model: "gpt-4o-mini", prompt_version: 3, usage: { input_tokens: 3, output_tokens: 2 }, tool_calls: [] });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      request_id: result.request_id,
      status: "SUCCESS",
      prompt_name: "welcome",
      prompt_version: 3,
      tags: ["t"],
      metadata: { user: "ada" },
      group_id: 7,
      input_variables: { name: "Ada" },
      error_type: null,
      error_message: null,
      attempts: [{ provider: "openai", model: "gpt-4o-mini", status: "SUCCESS", error_type: null }],
    });
    expect(records[0]!.latency_ms).toBe(result.latency_ms);
    expect(result.latency_ms).toBeGreaterThan(0);
    expect(JSON.stringify(records[0])).not.toContain("sk-runner-unit-key");
  });

  it("a render error (a missing variable) throws before anything is sent or logged", async () => {
    const { runner, records, sent } = setup();
    const error = await caught(runner.run(normalizeRunParams({ promptName: "welcome" })));
    expect(error).toBeInstanceOf(MissingVariablesError);
    expect(sent).toHaveLength(0);
    expect(records).toHaveLength(0);
  });

  it("a provider error is logged ERROR with its type and the provider's body, and the thrown error carries the request id", async () => {
    const { run, records } = setup({ reply: () => Response.json({ error: { message: "bad temperature" } }, { status: 400 }) });
    const error = await caught(run({}));
    expect(error).toBeInstanceOf(ProviderError);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: "ERROR", error_type: "PROVIDER_ERROR", response: { error: { message: "bad temperature" } } });
    expect(records[0]!.error_message).toContain("bad temperature");
    expect(error.requestId).toBe(records[0]!.request_id);
  });
});

describe("Runner: fallbacks and circuits", () => {
  const fallbacks = [{ provider: "anthropic", model: "claude-3-5-haiku-latest", parameters: { max_tokens: 100 } }];

  it("a 500 falls back to the next entry; one record, every attempt in it", async () => {
    const { run, records, sent } = setup({ reply: ({ url }) => (url.startsWith("http://openai.test") ? new Response("down", { status: 500 }) : Response.json(anthropicAnswer)) });
    const result = (await run({ fallbacks })) as RunResult;
    expect(sent.map((entry) => new URL(entry.url).host)).toEqual(["openai.test", "anthropic.test"]);
    expect(sent[1]!.body).toMatchObject({ model: "claude-3-5-haiku-latest", max_tokens: 100 });
    expect(result).toMatchObject({ provider: "anthropic", text: "From Claude" });
    expect(records).toHaveLength(1);
    expect(records[0]!.attempts).toEqual([
      expect.objectContaining({ provider: "openai", status: "ERROR", error_type: "PROVIDER_ERROR" }),
      expect.objectContaining({ provider: "anthropic", status: "SUCCESS" }),
    ]);
  });

  it("a 400 is the caller's mistake: no fallback", async () => {
    const { run, sent } = setup({ reply: () => new Response("bad", { status: 400 }) });
    await caught(run({ fallbacks }));
    expect(sent).toHaveLength(1);
  });

  it("an open circuit is skipped while a fallback exists, and recorded as SKIPPED", async () => {
    const { run, records, sent } = setup({ reply: ({ url }) => (url.startsWith("http://openai.test") ? new Response("down", { status: 503 }) : Response.json(anthropicAnswer)) });
    await run({ fallbacks });
    // failureThreshold 1: openai's circuit is open now.
    await run({ fallbacks });
    expect(sent.map((entry) => new URL(entry.url).host)).toEqual(["openai.test", "anthropic.test", "anthropic.test"]);
    expect(records[1]!.attempts?.[0]).toMatchObject({ provider: "openai", status: "SKIPPED", error_type: "CIRCUIT_OPEN" });
  });

  it("the last entry is tried even when its circuit is open", async () => {
    const { run, sent } = setup({ reply: () => new Response("down", { status: 503 }) });
    await caught(run({}));
    await caught(run({}));
    expect(sent).toHaveLength(2);
  });
});

describe("Runner: streams", () => {
  it("yields a chunk per event then a last one with the whole answer, and logs SUCCESS once", async () => {
    const { run, records } = setup({ reply: () => sseResponse(["Hel", "lo"]) });
    const chunks: RunChunk[] = [];
    for await (const chunk of (await run({ stream: true })) as AsyncIterable<RunChunk>) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.text_delta)).toEqual(["Hel", "lo", "", ""]);
    const last = chunks.at(-1)!;
    expect(last.done).toBe(true);
    if (last.done) expect(last.text).toBe("Hello");
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: "SUCCESS", request_id: last.request_id });
  });

  it("break aborts the request and logs CANCELLED once", async () => {
    const { run, records, sent } = setup({ reply: () => sseResponse(["a", "b", "c"], { held: true }) });
    for await (const chunk of (await run({ stream: true })) as AsyncIterable<RunChunk>) if (chunk.text_delta === "a") break;
    expect(sent[0]!.signal?.aborted).toBe(true);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: "CANCELLED", error_type: "CANCELLED", error_message: "The caller stopped reading the stream." });
  });

  it("a stream never read is aborted and logged CANCELLED when its unread bound passes (fake timers)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { run, records, sent } = setup({ reply: () => sseResponse(["a", "b"], { held: true }), deps: { provider: { maxRetries: 0, unreadStreamTimeoutMs: 5000 } } });
    const stream = (await run({ stream: true })) as AsyncIterable<RunChunk>;
    vi.advanceTimersByTime(4999);
    expect(records).toHaveLength(0);
    expect(sent[0]!.signal?.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(sent[0]!.signal?.aborted).toBe(true);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: "CANCELLED", error_type: "CANCELLED", error_message: "The caller did not read the stream for 5000 ms: it was cancelled." });
    expect(records[0]!.attempts?.[0]).toMatchObject({ status: "CANCELLED", error_type: "CANCELLED" });
    const error = await caught((async () => { for await (const _chunk of stream); })());
    expect(error).toBeInstanceOf(ProviderAbortError);
    expect(records).toHaveLength(1);
  });

  it("a stream abandoned after its first chunk is cancelled with the usage so far, once", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { run, records, sent } = setup({ reply: () => sseResponse(["a", "b"], { held: true }), deps: { provider: { maxRetries: 0, unreadStreamTimeoutMs: 100 } } });
    const iterator = ((await run({ stream: true })) as AsyncIterable<RunChunk>)[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ text_delta: "a" });
    await vi.advanceTimersByTimeAsync(100);
    expect(sent[0]!.signal?.aborted).toBe(true);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: "CANCELLED", error_message: "The caller did not read the stream for 100 ms: it was cancelled." });
  });

  it("cancelStreams() (client.close()) cancels the streams still open, and only those", async () => {
    const { runner, run, records, sent } = setup({ reply: () => sseResponse(["a"], { held: true }) });
    await run({ stream: true });
    await run({ stream: true });
    runner.cancelStreams("closing");
    runner.cancelStreams("closing again");
    expect(sent.map((entry) => entry.signal?.aborted)).toEqual([true, true]);
    expect(records.map((record) => record.error_message)).toEqual(["closing", "closing"]);
  });

  it("the caller's signal cancels a stream it never reads", async () => {
    const { run, records, sent } = setup({ reply: () => sseResponse(["a"], { held: true }) });
    const controller = new AbortController();
    await run({ stream: true, signal: controller.signal });
    controller.abort();
    expect(sent[0]!.signal?.aborted).toBe(true);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: "CANCELLED", error_type: "CANCELLED" });
  });
});
