/**
 * Fallback chains and the circuit breaker, end to end against fakes with
 * scripted faults: fake providers + a real server on SQLite + the SDK. The
 * fakes count what they received, so "not called" is measured, not assumed.
 */
import { ProviderError, type RunChunk } from "promptline";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { collect, startHarness, textTemplate, type Harness, type StoredRecord } from "./sdk-harness.js";

let h: Harness;
const primary = {
  provider: "openai",
  name: "gpt-4o-mini",
  api_type: "chat-completions",
  parameters: { temperature: 0.4, max_tokens: 120, stop: ["END"], frequency_penalty: 0.3 },
  fallbacks: [{ provider: "anthropic", name: "claude-3-5-haiku-latest", parameters: { top_k: 5 } }],
};
const chainedLongText = Array.from({ length: 40 }, (_, index) => `w${index}`).join(" ");

beforeAll(async () => {
  h = await startHarness({ providerOptions: { maxRetries: 1, retryBudgetMs: 5_000 } });
  await h.client.templates.publish({ prompt_name: "chain", prompt_template: textTemplate("Hello {name}"), metadata: { model: primary } });
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  h.fakes.reset();
});

type StoredAttempt = { provider: string; model: string; status: string; error_type: string | null; latency_ms: number };
type Message = { role: string; content: { type: string; text?: string }[] };
const answerOf = (result: { prompt_blueprint: unknown }) =>
  ((result.prompt_blueprint as { prompt_template: { messages: Message[] } }).prompt_template.messages.at(-1)?.content ?? [])
    .map((block) => block.text ?? "")
    .join("");

async function caught(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection");
}

async function stored(requestId: string): Promise<StoredRecord & { attempts: { provider: string; model: string; status: string; error_type: string | null; latency_ms: number }[] }> {
  await h.client.flush();
  return (await h.record(requestId)) as never;
}

describe("fallbacks", () => {
  it("primary down (500 on every try): the fallback answers with translated parameters; one request_id, two attempts logged", async () => {
    h.fakes.fault("openai", { status: 500 }, { status: 500 }, { status: 500 });
    h.fakes.queue("anthropic", { text: "From Claude.", usage: { input_tokens: 10, output_tokens: 4 } });
    const result = await h.client.run({ promptName: "chain", inputVariables: { name: "Ada" } });

    expect(answerOf(result)).toBe("From Claude.");
    // The primary was tried with its own retry (maxRetries 1), then never again.
    expect(h.fakes.requestsFor("openai")).toHaveLength(2);
    const sent = h.fakes.requestsFor("anthropic");
    expect(sent).toHaveLength(1);
    // Translated as for a provider/model override: names mapped, what Anthropic lacks dropped, the entry's own parameters merged last.
    expect(sent[0]!.body).toMatchObject({ model: "claude-3-5-haiku-latest", temperature: 0.4, max_tokens: 120, stop_sequences: ["END"], top_k: 5 });
    expect(sent[0]!.body).not.toHaveProperty("frequency_penalty");
    expect(JSON.stringify(sent[0]!.body)).toContain("Hello Ada");

    const record = await stored(result.request_id);
    expect(record).toMatchObject({ request_id: result.request_id, status: "SUCCESS", provider: "anthropic", model: "claude-3-5-haiku-latest", error_type: null });
    expect(record.cost_usd).toBeGreaterThan(0);
    expect(record.attempts).toEqual([
      { provider: "openai", model: "gpt-4o-mini", status: "ERROR", error_type: "PROVIDER_ERROR", latency_ms: expect.any(Number) },
      { provider: "anthropic", model: "claude-3-5-haiku-latest", status: "SUCCESS", error_type: null, latency_ms: expect.any(Number) },
    ]);
    expect(record.request).toMatchObject({ model: "claude-3-5-haiku-latest" });
  });

  it("429 with retry-after: the primary's own retry honours it, then run({ fallbacks }) wins over the template's", async () => {
    h.fakes.fault("openai", { status: 429, retryAfterSeconds: 0 }, { status: 429, retryAfterSeconds: 0 });
    h.fakes.queue("mistral", { text: "From Mistral." });
    const result = await h.client.run({ promptName: "chain", inputVariables: { name: "Ada" }, fallbacks: [{ provider: "mistral", model: "mistral-small-latest" }] });
    expect(answerOf(result)).toBe("From Mistral.");
    expect(h.fakes.requestsFor("openai")).toHaveLength(2);
    expect(h.fakes.requestsFor("anthropic")).toHaveLength(0);
    expect(h.fakes.requestsFor("mistral")[0]!.body).toMatchObject({ model: "mistral-small-latest", temperature: 0.4, max_tokens: 120, frequency_penalty: 0.3 });
    const record = await stored(result.request_id);
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.status, attempt.error_type])).toEqual([
      ["openai", "ERROR", "PROVIDER_RATE_LIMIT"],
      ["mistral", "SUCCESS", null],
    ]);
  });

  it("a hung first byte (timeout) falls back, streamed too", async () => {
    const impatient = h.makeClient({ providerOptions: { maxRetries: 0, timeoutMs: 300 } });
    h.fakes.fault("openai", { hang: true });
    h.fakes.queue("anthropic", { text: "Streamed from Claude." });
    const chunks: RunChunk[] = await collect(await impatient.run({ promptName: "chain", inputVariables: { name: "Ada" }, stream: true }));
    expect(answerOf(chunks.at(-1)!)).toBe("Streamed from Claude.");
    expect(new Set(chunks.map((chunk) => chunk.request_id)).size).toBe(1);
    await impatient.flush();
    const record = (await h.record(chunks.at(-1)!.request_id)) as Awaited<ReturnType<typeof stored>>;
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.status, attempt.error_type])).toEqual([
      ["openai", "ERROR", "PROVIDER_TIMEOUT"],
      ["anthropic", "SUCCESS", null],
    ]);
  });

  it("a connection reset falls back", async () => {
    h.fakes.fault("openai", { resetConnection: true }, { resetConnection: true });
    const result = await h.client.run({ promptName: "chain", inputVariables: { name: "Ada" } });
    expect(answerOf(result)).toBe("Echo: Hello Ada");
    expect(h.fakes.requestsFor("anthropic")).toHaveLength(1);
  });

  it.each([400, 401, 403])("%s is the caller's mistake: no fallback, the error is thrown and logged with one attempt", async (status) => {
    h.fakes.fault("openai", { status });
    const error = await caught(h.client.run({ promptName: "chain", inputVariables: { name: "Ada" } }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.status).toBe(status);
    expect(h.fakes.requestsFor("openai")).toHaveLength(1);
    expect(h.fakes.requestsFor("anthropic")).toHaveLength(0);
    const [record] = await h.client.flush().then(() => h.records(`provider=openai&status=ERROR&limit=1`));
    expect(record!.attempts).toEqual([{ provider: "openai", model: "gpt-4o-mini", status: "ERROR", error_type: expect.any(String), latency_ms: expect.any(Number) }]);
  });

  it("a stream cut after its first chunk fails without falling back; cut before it, it falls back", async () => {
    h.fakes.queue("openai", { text: chainedLongText, cutAfterEvents: 2 });
    const stream = await h.client.run({ promptName: "chain", inputVariables: { name: "Ada" }, stream: true });
    const received: RunChunk[] = [];
    const error = await caught(
      (async () => {
        for await (const chunk of stream) received.push(chunk);
      })(),
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(received.length).toBeGreaterThan(0);
    expect(h.fakes.requestsFor("anthropic")).toHaveLength(0);
    const record = await stored(received[0]!.request_id);
    expect(record).toMatchObject({ status: "ERROR", provider: "openai" });
    expect(record.attempts.map((attempt) => attempt.status)).toEqual(["ERROR"]);

    // Cut before any event, on the try and on its retry: nothing has reached the caller, so the fallback answers.
    h.fakes.queue("openai", { text: chainedLongText, cutAfterEvents: 0 }, { text: chainedLongText, cutAfterEvents: 0 });
    const chunks = await collect(await h.client.run({ promptName: "chain", inputVariables: { name: "Ada" }, stream: true }));
    expect(answerOf(chunks.at(-1)!)).toBe("Echo: Hello Ada");
    expect(h.fakes.requestsFor("anthropic")).toHaveLength(1);
  });

  it("a stream whose body starts (a keep-alive comment) but breaks before its first event still falls back", async () => {
    const encoder = new TextEncoder();
    const breakingFetch: typeof fetch = async (input, init) => {
      if (!String(input).startsWith(h.fakes.baseURLs.openai)) return fetch(input, init);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(": keep-alive\n\n"));
          setTimeout(() => controller.error(new Error("socket hang up")), 10);
        },
      });
      return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
    };
    const client = h.makeClient({ fetch: breakingFetch, providerOptions: { maxRetries: 0 } });
    h.fakes.queue("anthropic", { text: "Claude took over." });
    const chunks = await collect(await client.run({ promptName: "chain", inputVariables: { name: "Ada" }, stream: true }));
    expect(answerOf(chunks.at(-1)!)).toBe("Claude took over.");
    expect(chunks.every((chunk) => (chunk.raw_response as { type?: string }).type !== undefined || chunk.done)).toBe(true);
    await client.flush();
    const record = (await h.record(chunks.at(-1)!.request_id)) as Awaited<ReturnType<typeof stored>>;
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.status])).toEqual([
      ["openai", "ERROR"],
      ["anthropic", "SUCCESS"],
    ]);
  });

  it("the last entry's failure is the error thrown, with every attempt logged", async () => {
    h.fakes.fault("openai", { status: 503 }, { status: 503 });
    h.fakes.fault("anthropic", { status: 529 }, { status: 529 });
    const error = await caught(h.client.run({ promptName: "chain", inputVariables: { name: "Ada" } }));
    expect(error).toMatchObject({ provider: "anthropic", status: 529 });
    const [record] = await h.client.flush().then(() => h.records(`provider=anthropic&status=ERROR&limit=1`));
    expect((record!.attempts as StoredAttempt[]).map((attempt) => [attempt.provider, attempt.status])).toEqual([
      ["openai", "ERROR"],
      ["anthropic", "ERROR"],
    ]);
  });
});

describe("circuit breaker", () => {
  it("after N failures in a row the primary is skipped (not called) until the cool-down, then one probe closes it", async () => {
    let clock = Date.now();
    const client = h.makeClient({ now: () => clock, providerOptions: { maxRetries: 0 }, circuitBreaker: { failureThreshold: 2, cooldownMs: 60_000 } });
    const run = () => client.run({ promptName: "chain", inputVariables: { name: "Ada" } });

    h.fakes.fault("openai", { status: 500 }, { status: 500 });
    await run();
    expect(client.stats().circuits).toEqual([{ provider: "openai", baseURL: h.fakes.baseURLs.openai, state: "closed", consecutiveFailures: 1, reopensAt: null }]);
    await run();
    expect(client.stats().circuits).toEqual([{ provider: "openai", baseURL: h.fakes.baseURLs.openai, state: "open", consecutiveFailures: 2, reopensAt: clock + 60_000 }]);
    expect(h.fakes.requestsFor("openai")).toHaveLength(2);

    // Open: the primary is not called at all.
    const skipped = await run();
    expect(h.fakes.requestsFor("openai")).toHaveLength(2);
    expect(h.fakes.requestsFor("anthropic")).toHaveLength(3);
    await client.flush();
    expect(((await h.record(skipped.request_id)) as Awaited<ReturnType<typeof stored>>).attempts).toEqual([
      { provider: "openai", model: "gpt-4o-mini", status: "SKIPPED", error_type: "CIRCUIT_OPEN", latency_ms: 0 },
      { provider: "anthropic", model: "claude-3-5-haiku-latest", status: "SUCCESS", error_type: null, latency_ms: expect.any(Number) },
    ]);

    // A run without fallbacks still tries it: the breaker never fails a call on its own.
    const alone = await client.run({ promptName: "chain", inputVariables: { name: "Ada" }, fallbacks: [] });
    expect(answerOf(alone)).toBe("Echo: Hello Ada");
    expect(h.fakes.requestsFor("openai")).toHaveLength(3);
    expect(client.stats().circuits).toEqual([]);

    // Open it again, wait out the cool-down: one probe goes to the primary, succeeds, and closes it.
    h.fakes.fault("openai", { status: 500 }, { status: 500 });
    await run();
    await run();
    expect(client.stats().circuits[0]?.state).toBe("open");
    clock += 60_000;
    expect(client.stats().circuits[0]?.state).toBe("half-open");
    const probe = await run();
    expect(h.fakes.requestsFor("openai")).toHaveLength(6);
    expect(answerOf(probe)).toBe("Echo: Hello Ada");
    expect(client.stats().circuits).toEqual([]);
  });

  it("a failed probe opens the circuit for another cool-down", async () => {
    let clock = Date.now();
    const client = h.makeClient({ now: () => clock, providerOptions: { maxRetries: 0 }, circuitBreaker: { failureThreshold: 1, cooldownMs: 1_000 } });
    h.fakes.fault("openai", { status: 500 }, { status: 500 });
    await client.run({ promptName: "chain", inputVariables: { name: "Ada" } });
    clock += 1_000;
    await client.run({ promptName: "chain", inputVariables: { name: "Ada" } });
    expect(h.fakes.requestsFor("openai")).toHaveLength(2);
    expect(client.stats().circuits).toEqual([{ provider: "openai", baseURL: h.fakes.baseURLs.openai, state: "open", consecutiveFailures: 2, reopensAt: clock + 1_000 }]);
    await client.run({ promptName: "chain", inputVariables: { name: "Ada" } });
    expect(h.fakes.requestsFor("openai")).toHaveLength(2);
  });
});
