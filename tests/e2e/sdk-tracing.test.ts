import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { RunChunk } from "promptline";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { collect, startHarness, textTemplate, type Harness } from "./sdk-harness.js";

// Issue 21: each run() is an OpenTelemetry span following the GenAI semantic
// conventions, a child of the caller's span, and its log record names the
// trace. Spans go to an in-memory exporter of OpenTelemetry's own SDK.

let harness: Harness;
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer("app");

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  harness = await startHarness();
  await harness.client.templates.publish({
    prompt_name: "traced",
    prompt_template: textTemplate("Say hi to {name}"),
    metadata: { model: { provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions", parameters: { temperature: 0.3, max_tokens: 50, top_p: 0.9, stop: ["END"] } } },
    release_labels: ["prod"],
  });
});

afterAll(async () => {
  await harness?.close();
  trace.disable();
  context.disable();
});

beforeEach(() => {
  exporter.reset();
  harness.fakes.reset();
});

const runSpans = () => exporter.getFinishedSpans().filter((span) => span.instrumentationScope.name === "promptline");

describe("run() spans (OpenTelemetry GenAI conventions)", () => {
  it("a run is a CLIENT span named after operation and model, with the GenAI attributes, under the caller's span; its log record names the trace", async () => {
    const result = await tracer.startActiveSpan("handle request", async (parent) => {
      try {
        return await harness.client.run({ promptName: "traced", promptReleaseLabel: "prod", inputVariables: { name: "Ada" } });
      } finally {
        parent.end();
      }
    });
    const [span] = runSpans();
    const parent = exporter.getFinishedSpans().find((each) => each.name === "handle request")!;
    expect(span).toBeDefined();
    expect(span!.name).toBe("chat gpt-4o-mini");
    expect(span!.kind).toBe(SpanKind.CLIENT);
    expect(span!.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(span!.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    const response = result.raw_response as { model: string; id: string; usage: { prompt_tokens: number; completion_tokens: number } };
    expect(span!.attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.system": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.temperature": 0.3,
      "gen_ai.request.max_tokens": 50,
      "gen_ai.request.top_p": 0.9,
      "gen_ai.request.stop_sequences": ["END"],
      "gen_ai.response.model": response.model,
      "gen_ai.response.id": response.id,
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": response.usage.prompt_tokens,
      "gen_ai.usage.output_tokens": response.usage.completion_tokens,
      "promptline.prompt.name": "traced",
      "promptline.prompt.version": 1,
      "promptline.prompt.label": "prod",
      "promptline.request_id": result.request_id,
    });
    // No prompt text on the span unless asked for.
    expect(JSON.stringify(span!.attributes)).not.toContain("Ada");

    await harness.client.flush();
    const record = await harness.record(result.request_id);
    expect(record).toMatchObject({ trace_id: parent.spanContext().traceId, span_id: span!.spanContext().spanId });
  });

  it("a failed run ends its span with status ERROR and error.type", async () => {
    harness.fakes.fault("openai", { status: 401 });
    await expect(harness.client.run({ promptName: "traced", inputVariables: { name: "Ada" } })).rejects.toThrow();
    const [span] = runSpans();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.status.message).toEqual(expect.any(String));
    expect(span!.attributes["error.type"]).toBe("PROVIDER_AUTH_ERROR");
    expect(span!.parentSpanContext).toBeUndefined();
  });

  it("a streamed run's span ends with the stream, with its usage", async () => {
    const chunks = await collect<RunChunk>(await harness.client.run({ promptName: "traced", inputVariables: { name: "Ada" }, stream: true }));
    expect(chunks.at(-1)?.done).toBe(true);
    const [span] = runSpans();
    expect(span!.attributes["gen_ai.response.finish_reasons"]).toEqual(["stop"]);
    expect(span!.attributes["gen_ai.usage.output_tokens"]).toEqual(expect.any(Number));
  });

  it("captureContent puts the input and the answer on the span", async () => {
    const client = harness.makeClient({ tracing: { captureContent: true } });
    await client.run({ promptName: "traced", inputVariables: { name: "Ada" } });
    const [span] = runSpans();
    expect(span!.attributes["gen_ai.input.messages"]).toContain("Say hi to Ada");
    expect(JSON.parse(span!.attributes["gen_ai.output.messages"] as string)).toMatchObject({ role: "assistant" });
  });

  it("tracing: {enabled: false} makes no span, and the record still names the caller's trace", async () => {
    const client = harness.makeClient({ tracing: { enabled: false } });
    const result = await client.run({ promptName: "traced", inputVariables: { name: "Ada" } });
    expect(runSpans()).toEqual([]);
    await client.flush();
    expect(await harness.record(result.request_id)).toMatchObject({ trace_id: null, span_id: null });
  });
});
