import { gzipSync } from "node:zlib";
import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spanLimits } from "@promptline/core";
import { createRouteHarness, snapshotWorkspace, type Loose, type RouteHarness } from "./route-harness.contract.js";

// Span ingestion (issue 21): OTLP/HTTP bodies made by OpenTelemetry's own
// serializers (the ones its exporters use), PromptLayer's /spans-bulk body as
// promptlayer@1.3.6's exporter builds it, and every way such a body can be wrong.

let h: RouteHarness;
const logged: unknown[] = [];
beforeAll(async () => {
  h = await createRouteHarness({ maxBodyBytes: 256 * 1024, logError: (error) => logged.push(error) });
});
afterAll(() => h.close());

/** A root span with a child, ended, as an application's tracer makes them. */
function recordSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ "service.name": "checkout" }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer("test-scope", "1.2.3");
  const root = tracer.startSpan("handle order", { kind: SpanKind.SERVER, attributes: { "http.route": "/orders", retries: 2, ok: true, ratio: 0.5, tags: ["a", "b"] } });
  const child = tracer.startSpan("chat gpt-4o-mini", { kind: SpanKind.CLIENT, attributes: { "gen_ai.request.model": "gpt-4o-mini" } }, trace.setSpan(context.active(), root));
  child.addEvent("retry", { attempt: 1 });
  child.setStatus({ code: SpanStatusCode.ERROR, message: "rate limited" });
  child.end();
  root.end();
  return exporter.getFinishedSpans();
}

/** `key: null` sends none. */
async function post(path: string, body: Uint8Array | string, headers: Record<string, string>, key: string | null = h.a.adminKey) {
  return h.app.request(path, { method: "POST", headers: { ...(key && { "x-api-key": key }), ...headers }, body: typeof body === "string" ? body : new Uint8Array(body) });
}

const getTrace = (traceId: string, key = h.a.adminKey) => h.call("GET", `/api/v1/traces/${traceId}`, { key });

describe("POST /v1/traces (OTLP/HTTP)", () => {
  it("stores a protobuf export and answers an empty ExportTraceServiceResponse; the trace endpoint returns the tree", async () => {
    const spans = recordSpans();
    const body = ProtobufTraceSerializer.serializeRequest(spans)!;
    const response = await post("/v1/traces", body, { "content-type": "application/x-protobuf" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-protobuf");
    expect(ProtobufTraceSerializer.deserializeResponse(new Uint8Array(await response.arrayBuffer()))).toEqual({});

    const [child, root] = spans;
    const traceId = root!.spanContext().traceId;
    const result = await getTrace(traceId);
    expect(result.status, result.text).toBe(200);
    expect(result.body.trace_id).toBe(traceId);
    const byName = Object.fromEntries((result.body.spans as Loose[]).map((span) => [span.name, span]));
    expect(byName["handle order"]).toMatchObject({
      span_id: root!.spanContext().spanId,
      parent_span_id: null,
      kind: "SERVER",
      status: { code: "UNSET", message: null },
      attributes: { "http.route": "/orders", retries: 2, ok: true, ratio: 0.5, tags: ["a", "b"] },
      resource: { "service.name": "checkout" },
      scope: { name: "test-scope", version: "1.2.3" },
    });
    expect(byName["chat gpt-4o-mini"]).toMatchObject({
      span_id: child!.spanContext().spanId,
      parent_span_id: root!.spanContext().spanId,
      kind: "CLIENT",
      status: { code: "ERROR", message: "rate limited" },
      events: [{ name: "retry", attributes: { attempt: 1 } }],
    });
    const rootSpan = byName["handle order"];
    const nanos = BigInt(root!.startTime[0]) * 1_000_000_000n + BigInt(root!.startTime[1]);
    expect(rootSpan.start_time_unix_nano).toBe(String(nanos));
    expect(rootSpan.start_time).toBe(new Date(Number(nanos / 1_000_000n)).toISOString());
    expect(Date.parse(rootSpan.end_time)).toBeGreaterThanOrEqual(Date.parse(rootSpan.start_time));
  });

  it("stores an OTLP/JSON export, gzipped or not, and snake_case field names too", async () => {
    const spans = recordSpans();
    const json = JsonTraceSerializer.serializeRequest(spans)!;
    const plain = await post("/v1/traces", json, { "content-type": "application/json" });
    expect(plain.status).toBe(200);
    expect(await plain.json()).toEqual({});
    const traceId = spans[0]!.spanContext().traceId;
    expect((await getTrace(traceId)).body.spans).toHaveLength(2);

    const gzipped = recordSpans();
    const zipped = await post("/v1/traces", gzipSync(JsonTraceSerializer.serializeRequest(gzipped)!), { "content-type": "application/json; charset=utf-8", "content-encoding": "gzip" });
    expect(zipped.status).toBe(200);
    expect((await getTrace(gzipped[0]!.spanContext().traceId)).body.spans).toHaveLength(2);

    const protoZipped = recordSpans();
    const zippedProto = await post("/v1/traces", gzipSync(ProtobufTraceSerializer.serializeRequest(protoZipped)!), { "content-type": "application/x-protobuf", "content-encoding": "gzip" });
    expect(zippedProto.status).toBe(200);
    expect((await getTrace(protoZipped[0]!.spanContext().traceId)).body.spans).toHaveLength(2);

    const snake = {
      resource_spans: [
        {
          resource: { attributes: [{ key: "service.name", value: { string_value: "py" } }] },
          scope_spans: [
            {
              scope: { name: "opentelemetry.instrumentation" },
              spans: [
                {
                  trace_id: "5B8EFFF798038103D269B633813FC60C",
                  span_id: "EEE19B7EC3C1B174",
                  name: "snake",
                  kind: 1,
                  start_time_unix_nano: "1544712660000000000",
                  end_time_unix_nano: 1544712661000000000,
                  attributes: [{ key: "big", value: { int_value: "9007199254740993" } }],
                },
              ],
            },
          ],
        },
      ],
    };
    const snakeResult = await h.call("POST", "/v1/traces", { key: h.a.adminKey, body: snake });
    expect(snakeResult.status, snakeResult.text).toBe(200);
    const stored = await getTrace("5b8efff798038103d269b633813fc60c");
    expect(stored.body.spans[0]).toMatchObject({ name: "snake", span_id: "eee19b7ec3c1b174", kind: "INTERNAL", attributes: { big: "9007199254740993" }, resource: { "service.name": "py" } });
  });

  it("is idempotent: the same export twice stores each span once", async () => {
    const spans = recordSpans();
    const body = ProtobufTraceSerializer.serializeRequest(spans)!;
    for (let attempt = 0; attempt < 2; attempt += 1) expect((await post("/v1/traces", body, { "content-type": "application/x-protobuf" })).status).toBe(200);
    expect((await getTrace(spans[0]!.spanContext().traceId)).body.spans).toHaveLength(2);
  });

  it("rejects bad spans in partial_success (count and reasons) and stores the good ones", async () => {
    const good = { traceId: "0123456789abcdef0123456789abcdef", spanId: "0123456789abcdef", name: "good", startTimeUnixNano: "1700000000000000000", endTimeUnixNano: "1700000000500000000" };
    const bad = [
      { ...good, traceId: "abc", name: "short trace id" },
      { ...good, spanId: "0000000000000000", name: "zero span id" },
      { ...good, spanId: "1111111111111111", name: "backwards", endTimeUnixNano: "1600000000000000000" },
      { ...good, spanId: "2222222222222222", name: "no start", startTimeUnixNano: undefined },
      { ...good, spanId: "3333333333333333", name: "x".repeat(spanLimits.nameLength + 1) },
      { ...good, spanId: "4444444444444444", name: "many attributes", attributes: Array.from({ length: spanLimits.attributes + 1 }, (_, i) => ({ key: `k${i}`, value: { intValue: i } })) },
      { ...good, spanId: "5555555555555555", name: "odd kind", kind: 9 },
    ];
    const body = { resourceSpans: [{ scopeSpans: [{ spans: [good, ...bad, { ...good, spanId: "6666666666666666", name: "nul\u0000in name", attributes: [{ key: "k", value: { stringValue: "a\u0000b\ud800" } }] }] }] }] };
    const result = await h.call("POST", "/v1/traces", { key: h.a.adminKey, body });
    expect(result.status, result.text).toBe(200);
    expect(result.body.partialSuccess.rejectedSpans).toBe(String(bad.length));
    const message: string = result.body.partialSuccess.errorMessage;
    expect(message).toContain("span 1 (short trace id): trace id must be 16 bytes (32 hex digits)");
    expect(message).toContain("span id is all zeros");
    expect(message).toContain("end time is before start time");
    expect(message).toContain("start time must be nanoseconds");
    expect(message).toContain(`longer than ${spanLimits.nameLength} characters`);
    expect(message).toContain(`more than ${spanLimits.attributes} attributes`);
    expect(message).toContain("kind 9 is not a SpanKind");
    const stored = await getTrace(good.traceId);
    expect((stored.body.spans as Loose[]).map((span) => span.name)).toEqual(["good", "nul\ufffdin name"]);
    expect(stored.body.spans[1].attributes).toEqual({ k: "a\ufffdb\ufffd" });

    // In protobuf the answer is a protobuf ExportTraceServiceResponse with the partial success.
    const [child, root] = recordSpans();
    const zeroId = Object.create(child!, { spanContext: { value: () => ({ ...child!.spanContext(), spanId: "0000000000000000" }) } }) as ReadableSpan;
    const response = await post("/v1/traces", ProtobufTraceSerializer.serializeRequest([zeroId, root!])!, { "content-type": "application/x-protobuf" });
    expect(response.status).toBe(200);
    const answer = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(await response.arrayBuffer()));
    expect(answer.partialSuccess).toMatchObject({ errorMessage: "span 0 (chat gpt-4o-mini): span id is all zeros (an invalid id)" });
    expect(Number(answer.partialSuccess?.rejectedSpans)).toBe(1);
    expect((await getTrace(root!.spanContext().traceId)).body.spans.map((span: Loose) => span.name)).toEqual(["handle order"]);
  });

  it("answers bad requests with a clear 4xx and stores nothing", async () => {
    const before = await snapshotWorkspace(h.storage, h.a.id);
    const spans = recordSpans();
    const traceId = spans[0]!.spanContext().traceId;
    const protobuf = ProtobufTraceSerializer.serializeRequest(spans)!;
    const cases: [string, Promise<Response>, number, RegExp][] = [
      ["malformed protobuf", post("/v1/traces", new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), { "content-type": "application/x-protobuf" }), 400, /not an OTLP ExportTraceServiceRequest in protobuf/],
      ["protobuf sent as JSON", post("/v1/traces", protobuf, { "content-type": "application/json" }), 400, /not valid JSON/],
      ["wrong content type", post("/v1/traces", "resourceSpans", { "content-type": "text/plain" }), 415, /application\/x-protobuf or application\/json/],
      ["no content type", post("/v1/traces", protobuf, {}), 415, /without Content-Type/],
      ["unknown encoding", post("/v1/traces", protobuf, { "content-type": "application/x-protobuf", "content-encoding": "br" }), 415, /Content-Encoding br/],
      ["not gzip", post("/v1/traces", protobuf, { "content-type": "application/x-protobuf", "content-encoding": "gzip" }), 400, /not valid gzip/],
      ["oversized body", post("/v1/traces", new Uint8Array(300 * 1024), { "content-type": "application/x-protobuf" }), 413, /too large/],
      ["gzip bomb", post("/v1/traces", gzipSync(Buffer.alloc(10 * 1024 * 1024)), { "content-type": "application/x-protobuf", "content-encoding": "gzip" }), 413, /once decompressed/],
      ["not an export", post("/v1/traces", "[1, 2]", { "content-type": "application/json" }), 400, /not an OTLP ExportTraceServiceRequest/],
      ["no key", post("/v1/traces", protobuf, { "content-type": "application/x-protobuf" }, null), 401, /./],
      ["wrong key", post("/v1/traces", protobuf, { "content-type": "application/x-protobuf" }, "pl_wrong"), 401, /./],
      ["spans-bulk without spans", post("/spans-bulk", JSON.stringify({ span: [] }), { "content-type": "application/json" }), 400, /spans/],
      ["spans-bulk not JSON", post("/spans-bulk", "{", { "content-type": "application/json" }), 400, /not valid JSON/],
    ];
    for (const [what, pending, status, message] of cases) {
      const response = await pending;
      const text = await response.text();
      const body = (text.startsWith("{") ? JSON.parse(text) : { message: text }) as Loose;
      expect(response.status, `${what}: ${JSON.stringify(body)}`).toBe(status);
      expect(body.message, what).toMatch(message);
    }
    expect((await getTrace(traceId)).status).toBe(404);
    expect(await snapshotWorkspace(h.storage, h.a.id)).toEqual(before);
    expect(logged).toEqual([]);
  });

  it("refuses more spans than the per-request limit with a 400", async () => {
    const span = { traceId: "0123456789abcdef0123456789abcde0", name: "s", startTimeUnixNano: "1", endTimeUnixNano: "2" };
    const spans = Array.from({ length: spanLimits.spansPerRequest + 1 }, (_, i) => ({ ...span, spanId: (i + 1).toString(16).padStart(16, "0") }));
    const harness = await createRouteHarness();
    try {
      const result = await harness.call("POST", "/v1/traces", { key: harness.a.adminKey, body: { resourceSpans: [{ scopeSpans: [{ spans }] }] } });
      expect(result.status).toBe(400);
      expect(result.body.message).toMatch(`at most ${spanLimits.spansPerRequest}`);
      expect((await harness.call("GET", `/api/v1/traces/${span.traceId}`, { key: harness.a.adminKey })).status).toBe(404);
    } finally {
      await harness.close();
    }
  });
});

/** A span as promptlayer@1.3.6's exporter posts it (its `export()`: dist/index.js). */
function promptLayerSpan(fields: Record<string, unknown> = {}) {
  return {
    name: "PromptLayer Run",
    context: { trace_id: "9f2c1d6a4b3e5f708192a3b4c5d6e7f8", span_id: "1a2b3c4d5e6f7081", trace_state: "" },
    kind: "SpanKind.INTERNAL",
    parent_id: null,
    start_time: "1700000000000000000",
    end_time: "1700000001250000000",
    status: { status_code: "StatusCode.OK", description: undefined },
    attributes: { function_input: '{"prompt_name":"poem"}', function_output: '{"request_id":1}' },
    events: [{ name: "note", timestamp: "1700000000100000000", attributes: { k: "v" } }],
    links: [{ context: { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 }, attributes: {} }],
    resource: { attributes: { "telemetry.sdk.language": "nodejs", "service.name": "prompt-layer-js" }, schema_url: "" },
    ...fields,
  };
}

describe("POST /spans-bulk (PromptLayer's JS exporter)", () => {
  it("stores its spans, reports bad ones, and links a tracked request to its span whichever comes first", async () => {
    const key = h.b.adminKey;
    const traceId = "9f2c1d6a4b3e5f708192a3b4c5d6e7f8";
    // PromptLayer tracks the request inside its run span, which is exported when it ends: the request comes first.
    const tracked = await h.call("POST", "/track-request", {
      key,
      body: { function_name: "openai.chat.completions.create", kwargs: { model: "gpt-4o-mini", messages: [] }, request_response: {}, span_id: "1A2B3C4D5E6F7081" },
    });
    expect(tracked.status, tracked.text).toBe(200);
    const requestId = tracked.body.request_id;
    expect((await h.call("GET", `/api/v1/requests/${requestId}`, { key })).body).toMatchObject({ span_id: "1a2b3c4d5e6f7081", trace_id: null });

    const child = promptLayerSpan({ name: "tool", context: { trace_id: traceId, span_id: "2a2b3c4d5e6f7081" }, parent_id: "1a2b3c4d5e6f7081", kind: "SpanKind.CLIENT", status: { status_code: "StatusCode.ERROR", description: "failed" } });
    const badKind = promptLayerSpan({ name: "bad", context: { trace_id: traceId, span_id: "3a2b3c4d5e6f7081" }, kind: "SpanKind.SIDEWAYS" });
    const result = await h.call("POST", "/spans-bulk", { key, body: { spans: [promptLayerSpan(), child, badKind] } });
    expect(result.status, result.text).toBe(200);
    expect(result.body).toMatchObject({ success: true, accepted: 2, duplicates: 0, rejected_spans: 1 });
    expect(result.body.error_message).toMatch(/span 2 \(bad\): kind -1 is not a SpanKind|span 2 \(bad\): kind/);

    expect((await h.call("GET", `/api/v1/requests/${requestId}`, { key })).body).toMatchObject({ span_id: "1a2b3c4d5e6f7081", trace_id: traceId });
    const stored = await getTrace(traceId, key);
    expect(stored.status).toBe(200);
    expect(stored.body.requests).toEqual([{ id: requestId, request_id: expect.any(String), span_id: "1a2b3c4d5e6f7081" }]);
    const [run, tool] = stored.body.spans as Loose[];
    expect(run).toMatchObject({
      span_id: "1a2b3c4d5e6f7081",
      parent_span_id: null,
      name: "PromptLayer Run",
      kind: "INTERNAL",
      start_time: "2023-11-14T22:13:20.000Z",
      end_time: "2023-11-14T22:13:21.250Z",
      duration_ms: 1250,
      status: { code: "OK", message: null },
      attributes: { function_input: '{"prompt_name":"poem"}' },
      events: [{ name: "note", time_unix_nano: "1700000000100000000", attributes: { k: "v" } }],
      links: [{ trace_id: "0af7651916cd43dd8448eb211c80319c", span_id: "b7ad6b7169203331", attributes: {} }],
      resource: { "service.name": "prompt-layer-js" },
    });
    expect(tool).toMatchObject({ parent_span_id: "1a2b3c4d5e6f7081", kind: "CLIENT", status: { code: "ERROR", message: "failed" } });

    // Re-sent: nothing new.
    expect((await h.call("POST", "/spans-bulk", { key, body: { spans: [promptLayerSpan()] } })).body).toMatchObject({ accepted: 0, duplicates: 1, rejected_spans: 0 });
    // The span first, then the request: linked at once.
    const later = await h.call("POST", "/track-request", { key, body: { function_name: "openai.chat.completions.create", kwargs: { model: "m" }, request_response: {}, span_id: "2a2b3c4d5e6f7081" } });
    expect((await h.call("GET", `/api/v1/requests/${later.body.request_id}`, { key })).body).toMatchObject({ trace_id: traceId, span_id: "2a2b3c4d5e6f7081" });
    // PromptLayer without tracing sends an all-zero span id: no span.
    const untraced = await h.call("POST", "/track-request", { key, body: { function_name: "openai.chat.completions.create", kwargs: { model: "m" }, request_response: {}, span_id: "0000000000000000" } });
    expect((await h.call("GET", `/api/v1/requests/${untraced.body.request_id}`, { key })).body).toMatchObject({ trace_id: null, span_id: null });
  });
});

describe("GET /api/v1/traces/{trace_id}", () => {
  it("is scoped to the workspace: another workspace's trace id is a 404; a malformed id is a 400", async () => {
    const traceId = "9f2c1d6a4b3e5f708192a3b4c5d6e7f8";
    expect((await getTrace(traceId, h.b.adminKey)).status).toBe(200);
    const other = await getTrace(traceId, h.a.adminKey);
    expect(other.status).toBe(404);
    expect(other.body.message).toMatch(/No trace/);
    expect((await getTrace(traceId.toUpperCase(), h.b.userKey)).status).toBe(200);
    expect((await getTrace("not-a-trace", h.b.adminKey)).status).toBe(400);
    expect((await h.call("GET", `/api/v1/traces/${traceId}`)).status).toBe(401);
  });
});

describe("GET /api/v1/traces", () => {
  /** One span per trace, OTLP JSON; `startSecond` past 2025-01-01. */
  const otlpSpan = (traceId: string, spanId: string, name: string, startSecond: number, parentSpanId?: string) => ({
    traceId,
    spanId,
    ...(parentSpanId && { parentSpanId }),
    name,
    startTimeUnixNano: `${1735689600 + startSecond}000000000`,
    endTimeUnixNano: `${1735689600 + startSecond + 1}000000000`,
  });
  const send = async (key: string, spans: object[]) => {
    const result = await h.call("POST", "/v1/traces", { key, body: { resourceSpans: [{ scopeSpans: [{ spans }] }] } });
    expect(result.status).toBe(200);
  };
  const list = (query: string, key = h.a.adminKey) => h.call("GET", `/api/v1/traces?${query}`, { key });
  type Listed = { trace_id: string; root_span_name: string; start_time: string; end_time: string; span_count: number; request_count: number };

  it("lists the caller's workspace's traces only, newest first, filtered by name and time, paged", async () => {
    const mine = ["1a".repeat(16), "2a".repeat(16)];
    await send(h.a.adminKey, [
      otlpSpan(mine[0]!, "1a00000000000001", "listing-probe older", 100),
      otlpSpan(mine[0]!, "1a00000000000002", "child of older", 101, "1a00000000000001"),
      otlpSpan(mine[1]!, "2a00000000000001", "listing-probe newer", 200),
    ]);
    // The same name in the other workspace, newer still: never listed to workspace a.
    await send(h.b.adminKey, [otlpSpan("3b".repeat(16), "3b00000000000001", "listing-probe theirs", 300)]);

    const all = await list("name=listing-probe");
    expect(all.status).toBe(200);
    expect(all.body.next_cursor).toBeNull();
    expect(all.body.traces).toEqual([
      expect.objectContaining({ trace_id: mine[1], root_span_name: "listing-probe newer", start_time: "2025-01-01T00:03:20.000Z", end_time: "2025-01-01T00:03:21.000Z", span_count: 1, request_count: 0 }),
      expect.objectContaining({ trace_id: mine[0], root_span_name: "listing-probe older", end_time: "2025-01-01T00:01:42.000Z", span_count: 2 }),
    ]);
    // A child's name finds its trace; the root's name is what is shown.
    expect((await list("name=CHILD%20OF")).body.traces.map((trace: Listed) => trace.root_span_name)).toEqual(["listing-probe older"]);
    expect((await list("name=listing-probe&since=2025-01-01T00:02:00Z")).body.traces.map((trace: Listed) => trace.trace_id)).toEqual([mine[1]]);
    expect((await list("name=listing-probe&until=2025-01-01T00:02:00Z")).body.traces.map((trace: Listed) => trace.trace_id)).toEqual([mine[0]]);
    const first = await list("name=listing-probe&limit=1");
    expect(first.body.traces.map((trace: Listed) => trace.trace_id)).toEqual([mine[1]]);
    const second = await list(`name=listing-probe&limit=1&cursor=${encodeURIComponent(first.body.next_cursor)}`);
    expect(second.body).toMatchObject({ traces: [{ trace_id: mine[0] }], next_cursor: null });
    // Workspace b sees its own trace only; a plain (runner) key may list.
    expect((await list("name=listing-probe", h.b.userKey)).body.traces.map((trace: Listed) => trace.trace_id)).toEqual(["3b".repeat(16)]);
  });

  it("answers 400 to bad query values and 401 without a key", async () => {
    for (const query of ["since=yesterday", "until=2025-13-01", "limit=0", "limit=501", "limit=x", "cursor=bogus", "name="]) {
      const result = await list(query);
      expect(result.status, query).toBe(400);
      expect(result.body.message, query).toEqual(expect.any(String));
    }
    expect((await h.call("GET", "/api/v1/traces")).status).toBe(401);
  });
});
