import { prepareRequest, promptTemplateSchema } from "@promptline/core";
import { afterEach, describe, expect, it, vi } from "vitest";

// Without @opentelemetry/api, or with it but no tracer provider, run() makes
// no span and computes nothing for one (the SDK must load with nothing extra).

const prepared = () =>
  prepareRequest({
    template: promptTemplateSchema.parse({ type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] }),
    metadata: { model: { provider: "anthropic", name: "claude-3-5-haiku-latest", parameters: { max_tokens: 10 } } },
    variables: {},
    mode: "strict",
  });
const prompt = { name: "p", version: 1, label: null };

afterEach(() => {
  vi.doUnmock("@opentelemetry/api");
  vi.resetModules();
});

describe("RunSpan", () => {
  it("is a no-op when @opentelemetry/api can't be loaded", async () => {
    vi.doMock("@opentelemetry/api", () => {
      throw new Error("Cannot find package '@opentelemetry/api'");
    });
    const { RunSpan, loadOpenTelemetry } = await import("./run-span.js");
    expect(await loadOpenTelemetry()).toBeUndefined();
    const span = await RunSpan.start({}, prepared(), prompt, "r1");
    expect(span).toBe(RunSpan.none);
    expect(span.traceIds()).toBeUndefined();
    expect(span.activate(() => 42)).toBe(42);
    span.succeed({}, null);
    span.fail("X", "y");
  });

  it("with the API but no tracer provider: a span that records nothing and names no trace", async () => {
    const { RunSpan } = await import("./run-span.js");
    const span = await RunSpan.start(undefined, prepared(), prompt, "r1");
    expect(span).not.toBe(RunSpan.none);
    expect(span.traceIds()).toBeUndefined();
    span.succeed({ model: "m" }, { input_tokens: 1, output_tokens: 2 });
  });

  it("with the API but no tracer provider: starts no span, activates nothing, and names the caller's trace", async () => {
    const api = await import("@opentelemetry/api");
    const { RunSpan } = await import("./run-span.js");
    const getTracer = vi.spyOn(api.trace, "getTracer");
    const setSpan = vi.spyOn(api.trace, "setSpan");
    try {
      const span = await RunSpan.start(undefined, prepared(), prompt, "r1");
      expect(span.activate(() => 42)).toBe(42);
      expect(getTracer).not.toHaveBeenCalled();
      expect(setSpan).not.toHaveBeenCalled();
      const caller = api.trace.wrapSpanContext({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 });
      const active = vi.spyOn(api.trace, "getActiveSpan").mockReturnValue(caller);
      expect(span.traceIds()).toEqual({ trace_id: "0af7651916cd43dd8448eb211c80319c", span_id: "b7ad6b7169203331" });
      active.mockRestore();
    } finally {
      getTracer.mockRestore();
      setSpan.mockRestore();
    }
  });

  it("reads model, id and finish reasons from each provider's answer", async () => {
    const { responseAttributes } = await import("./run-span.js");
    expect(responseAttributes({ id: "msg_1", model: "claude-3-5-haiku-20241022", stop_reason: "end_turn" })).toEqual({
      "gen_ai.response.id": "msg_1",
      "gen_ai.response.model": "claude-3-5-haiku-20241022",
      "gen_ai.response.finish_reasons": ["end_turn"],
    });
    expect(responseAttributes({ responseId: "g1", modelVersion: "gemini-2.0-flash", candidates: [{ finishReason: "STOP" }] })).toEqual({
      "gen_ai.response.id": "g1",
      "gen_ai.response.model": "gemini-2.0-flash",
      "gen_ai.response.finish_reasons": ["STOP"],
    });
    expect(responseAttributes({ stopReason: "max_tokens", output: {} })).toEqual({ "gen_ai.response.finish_reasons": ["max_tokens"] });
    expect(responseAttributes(null)).toEqual({});
  });
});
