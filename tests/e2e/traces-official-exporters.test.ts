import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SpanKind, context, trace } from "@opentelemetry/api";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { OTLPTraceExporter as OtlpJsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OtlpProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { startServer, type RunningServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import { PromptLayer } from "promptlayer";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Issue 21, end to end: the official `promptlayer@1.3.6` SDK with
// `enableTracing: true` (its exporter posts to /spans-bulk) and OpenTelemetry's
// own OTLP/HTTP exporters from npm, protobuf and JSON (standing in for
// PromptLayer's Python SDK, which exports OTLP protobuf to /v1/traces),
// against a real server on a SQLite file.

const apiKey = "pl_e2e_traces_key_0123456789abcdef";
const envNames = ["OPENAI_API_KEY", "OPENAI_BASE_URL", "PROMPTLAYER_API_KEY", "PROMPTLAYER_BASE_URL"];

let fakes: FakeProviders;
let server: RunningServer;
let directory: string;
const savedEnv = new Map<string, string | undefined>();

interface TraceView {
  trace_id: string;
  spans: { span_id: string; parent_span_id: string | null; name: string; kind: string; status: { code: string; message: string | null }; attributes: Record<string, unknown> }[];
  requests: { id: number; request_id: string; span_id: string | null }[];
}

async function getTrace(traceId: string, key = apiKey): Promise<{ status: number; body: TraceView }> {
  const response = await fetch(`${server.url}/api/v1/traces/${traceId}`, { headers: { "x-api-key": key } });
  return { status: response.status, body: (await response.json()) as TraceView };
}

/** The trace once it holds `count` spans (exporters send each span when it ends, in the background). */
async function traceWith(traceId: string, count: number): Promise<TraceView> {
  return vi.waitFor(
    async () => {
      const { status, body } = await getTrace(traceId);
      expect(status).toBe(200);
      expect(body.spans).toHaveLength(count);
      return body;
    },
    { timeout: 5000, interval: 50 },
  );
}

beforeAll(async () => {
  fakes = await startFakeProviders();
  directory = mkdtempSync(join(tmpdir(), "promptline-traces-"));
  server = await startServer({ database: `sqlite:${join(directory, "promptline.db")}`, port: 0, apiKey, logError: () => undefined });
  for (const name of envNames) savedEnv.set(name, process.env[name]);
  process.env.OPENAI_API_KEY = fakes.env.OPENAI_API_KEY;
  process.env.OPENAI_BASE_URL = fakes.env.OPENAI_BASE_URL;
  delete process.env.PROMPTLAYER_API_KEY;
  delete process.env.PROMPTLAYER_BASE_URL;
});

afterAll(async () => {
  for (const [name, value] of savedEnv) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  trace.disable();
  context.disable();
  await server?.close();
  await fakes?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe("promptlayer@1.3.6 with enableTracing: true", () => {
  it("stores its spans, links the tracked request to its run span, and the trace endpoint returns the whole tree", async () => {
    const pl = new PromptLayer({ apiKey, baseURL: server.url, enableTracing: true });
    await pl.templates.publish({
      prompt_name: "traced-poem",
      prompt_template: { type: "chat", input_variables: ["topic"], messages: [{ role: "user", content: [{ type: "text", text: "Write about {topic}" }] }] },
      metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 1 }, api_type: "chat-completions" } },
    });
    let traceId = "";
    const handler = pl.wrapWithSpan(
      "handle request",
      async (topic: string) => {
        traceId = trace.getActiveSpan()!.spanContext().traceId;
        return (await pl.run({ promptName: "traced-poem", inputVariables: { topic } })) as { request_id: number };
      },
      { route: "/poems" },
    );
    const result = await handler("owls");
    expect(result.request_id).toEqual(expect.any(Number));
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const stored = await traceWith(traceId, 2);
    const wrapper = stored.spans.find((span) => span.name === "handle request")!;
    const run = stored.spans.find((span) => span.name === "PromptLayer Run")!;
    expect(wrapper).toMatchObject({ parent_span_id: null, kind: "INTERNAL", status: { code: "OK" }, attributes: { route: "/poems", function_input: '["owls"]' } });
    // PromptLayer leaves its run span's status unset on success.
    expect(run).toMatchObject({ parent_span_id: wrapper.span_id, status: { code: "UNSET" } });
    expect(JSON.parse(run.attributes.function_input as string)).toMatchObject({ promptName: "traced-poem", inputVariables: { topic: "owls" } });
    // The tracked request names the run span, and through it the trace.
    expect(stored.requests).toEqual([{ id: result.request_id, request_id: expect.any(String), span_id: run.span_id }]);
    const request = await fetch(`${server.url}/api/v1/requests/${result.request_id}`, { headers: { "x-api-key": apiKey } });
    expect(await request.json()).toMatchObject({ trace_id: traceId, span_id: run.span_id, prompt_name: "traced-poem" });
  });
});

/** A parent and a child span, recorded (not exported yet) by OpenTelemetry's SDK. */
function recordTrace(name: string): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer("python-stand-in");
  const parent = tracer.startSpan(`${name} agent`, { kind: SpanKind.SERVER });
  const child = tracer.startSpan(`${name} step`, { attributes: { "gen_ai.request.model": "gpt-4o-mini" } }, trace.setSpan(context.active(), parent));
  child.end();
  parent.end();
  return memory.getFinishedSpans();
}

const exportWith = (exporter: SpanExporter, spans: ReadableSpan[]) => new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));

describe("OpenTelemetry's OTLP/HTTP exporters (standing in for PromptLayer's Python SDK)", () => {
  const exporters: [string, (key: string, compression?: "gzip") => SpanExporter][] = [
    ["protobuf", (key, compression) => new OtlpProtoExporter({ url: `${server.url}/v1/traces`, headers: { "X-API-KEY": key }, ...(compression && { compression: compression as never }) })],
    ["JSON", (key, compression) => new OtlpJsonExporter({ url: `${server.url}/v1/traces`, headers: { "X-API-KEY": key }, ...(compression && { compression: compression as never }) })],
  ];

  for (const [encoding, make] of exporters) {
    it(`stores a ${encoding} export (plain and gzip) as one tree, and a request tracked with its span id links to it`, async () => {
      for (const compression of [undefined, "gzip"] as const) {
        const spans = recordTrace(`${encoding}-${compression ?? "plain"}`);
        const exporter = make(apiKey, compression);
        const result = await exportWith(exporter, spans);
        expect(result.code, String(result.error)).toBe(ExportResultCode.SUCCESS);
        await exporter.shutdown();
        const [child, parent] = spans;
        const stored = await traceWith(parent!.spanContext().traceId, 2);
        expect(stored.spans.find((span) => span.span_id === child!.spanContext().spanId)).toMatchObject({
          parent_span_id: parent!.spanContext().spanId,
          attributes: { "gen_ai.request.model": "gpt-4o-mini" },
        });
        expect(stored.spans.find((span) => span.span_id === parent!.spanContext().spanId)).toMatchObject({ kind: "SERVER", parent_span_id: null });

        // As PromptLayer's Python SDK does: /track-request with the span id of the run.
        const tracked = await fetch(`${server.url}/track-request`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": apiKey },
          body: JSON.stringify({ function_name: "openai.chat.completions.create", kwargs: { model: "gpt-4o-mini", messages: [] }, request_response: {}, span_id: child!.spanContext().spanId }),
        });
        const { request_id } = (await tracked.json()) as { request_id: number };
        const linked = await getTrace(parent!.spanContext().traceId);
        expect(linked.body.requests).toEqual([{ id: request_id, request_id: expect.any(String), span_id: child!.spanContext().spanId }]);
      }
    });

    it(`a ${encoding} export with a wrong key fails, and stores nothing`, async () => {
      const spans = recordTrace(`${encoding}-wrong-key`);
      const exporter = make("pl_wrong_key");
      const result = await exportWith(exporter, spans);
      expect(result.code).toBe(ExportResultCode.FAILED);
      await exporter.shutdown();
      expect((await getTrace(spans[0]!.spanContext().traceId)).status).toBe(404);
    });
  }
});
