import { describe, expect, it } from "vitest";
import { buildLogRecord, latencyBetween, maxErrorMessageLength } from "./build-log-record.js";

const base = { request_id: "r-1", status: "SUCCESS" as const, provider: "openai", model: "gpt-4o-mini" };

describe("buildLogRecord", () => {
  it("fills in what was left out: empty collections, no usage, no cost, no latency", () => {
    const record = buildLogRecord(base);
    expect(record).toMatchObject({ tags: [], metadata: {}, input_variables: {}, request: {}, attempts: [], usage: null, cost_usd: null, latency_ms: null, error_type: null, error_message: null });
  });

  it("derives the latency from the two timestamps, and the cost from the usage and the price table", () => {
    const record = buildLogRecord({
      ...base,
      request_start_time: "2026-01-01T00:00:00.000Z",
      request_end_time: "2026-01-01T00:00:00.420Z",
      usage: { input_tokens: 1_000_000, output_tokens: 0 },
    });
    expect(record.latency_ms).toBe(420);
    expect(record.cost_usd).toBeGreaterThan(0);
  });

  it("keeps what was given, null included: an unpriced record stays unpriced", () => {
    const record = buildLogRecord({ ...base, usage: { input_tokens: 10, output_tokens: 2 }, cost_usd: null, latency_ms: 7, request_start_time: "2026-01-01T00:00:00.000Z", request_end_time: "2026-01-01T00:00:01.000Z" });
    expect(record.cost_usd).toBeNull();
    expect(record.latency_ms).toBe(7);
  });

  it("types an error without a type as UNKNOWN_ERROR, and keeps a given type", () => {
    expect(buildLogRecord({ ...base, status: "ERROR" }).error_type).toBe("UNKNOWN_ERROR");
    expect(buildLogRecord({ ...base, status: "ERROR", error_type: "PROVIDER_RATE_LIMIT" }).error_type).toBe("PROVIDER_RATE_LIMIT");
    expect(buildLogRecord({ ...base, status: "SUCCESS" }).error_type).toBeNull();
  });

  it("cuts a long error message, and stores an empty one as none", () => {
    const record = buildLogRecord({ ...base, status: "ERROR", error_message: "x".repeat(maxErrorMessageLength + 10) });
    expect(record.error_message).toHaveLength(maxErrorMessageLength);
    expect(buildLogRecord({ ...base, error_message: "" }).error_message).toBeNull();
    // A cut between the two halves of an emoji would leave a lone surrogate, which PostgreSQL refuses.
    const emoji = buildLogRecord({ ...base, error_message: "x".repeat(maxErrorMessageLength - 1) + "\u{1F600}" }).error_message ?? "";
    expect(emoji).toHaveLength(maxErrorMessageLength - 1);
    expect(emoji.endsWith("x")).toBe(true);
  });
});

describe("latencyBetween", () => {
  it("is null when a time is missing or the times run backwards", () => {
    expect(latencyBetween(null, "2026-01-01T00:00:00.000Z")).toBeNull();
    expect(latencyBetween("2026-01-01T00:00:01.000Z", "2026-01-01T00:00:00.000Z")).toBeNull();
    expect(latencyBetween("2026-01-01T00:00:00.000Z", "2026-01-01T00:00:02.500Z")).toBe(2500);
  });
});
