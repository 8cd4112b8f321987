import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RunChunk } from "promptline";
import { apiKey, collect, startHarness, textTemplate, type Harness } from "./sdk-harness.js";

// `prepareRequest`'s warnings (a parameter the target model rejects, dropped
// on the way) reach the caller: on the result, on the stream's last chunk,
// in the log record, and printed once per process.

let harness: Harness;
const told: string[] = [];

beforeAll(async () => {
  harness = await startHarness({ onWarning: (warning) => told.push(warning) });
  await harness.client.templates.publish({
    prompt_name: "warned",
    prompt_template: textTemplate("Say hi to {name}"),
    metadata: { model: { provider: "openai", name: "gpt-4o", api_type: "chat-completions", parameters: { temperature: 0.2, top_p: 0.9 } } },
  });
});

afterAll(async () => {
  await harness?.close();
});

describe("run() warnings", () => {
  it("are empty when the run changed nothing", async () => {
    const result = await harness.client.run({ promptName: "warned", inputVariables: { name: "Ada" } });
    expect(result.warnings).toEqual([]);
    await harness.client.flush();
    expect((await harness.record(result.request_id)).warnings).toEqual([]);
  });

  it("say what a model switch dropped, on the result and in the log record", async () => {
    told.length = 0;
    const result = await harness.client.run({ promptName: "warned", inputVariables: { name: "Ada" }, model: "o3" });
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings[0]).toMatch(/"temperature"/);
    expect(result.warnings[1]).toMatch(/"top_p"/);
    expect(told).toEqual(result.warnings);
    expect(harness.fakes.lastRequest("openai")?.body).not.toHaveProperty("temperature");
    await harness.client.flush();
    const record = await harness.record(result.request_id);
    expect(record.warnings).toEqual(result.warnings);
  });

  it("are on the last chunk of a stream", async () => {
    const chunks = await collect<RunChunk>(await harness.client.run({ promptName: "warned", inputVariables: { name: "Ada" }, model: "o3", stream: true }));
    const last = chunks.at(-1)!;
    expect(last.done).toBe(true);
    expect(last.warnings).toHaveLength(2);
    expect(last.warnings[0]).toMatch(/"temperature"/);
    await harness.client.flush();
    expect((await harness.record(last.request_id)).warnings).toEqual(last.warnings);
  });

  it("are printed once per process per distinct warning by default", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const client = harness.makeClient({ onWarning: undefined });
      const other = harness.makeClient({ onWarning: undefined });
      // The other tests inject onWarning, so the process has not printed these yet.
      const params = { promptName: "warned", inputVariables: { name: "Ada" }, model: "o3" } as const;
      const first = await client.run(params);
      await client.run(params);
      await other.run(params);
      const printed = warn.mock.calls.map((call) => String(call[0]));
      for (const warning of first.warnings) {
        expect(printed.filter((line) => line.includes(warning))).toHaveLength(1);
      }
      expect(first.warnings.length).toBeGreaterThan(0);
    } finally {
      warn.mockRestore();
    }
  });

  it("are returned by GET /api/v1/requests/{id} for records sent with them", async () => {
    const response = await fetch(`${harness.server.url}/api/v1/requests:batch`, {
      method: "POST",
      headers: { "x-api-key": apiKey, "content-type": "application/json" },
      body: JSON.stringify({ records: [{ request_id: "warned-by-hand", status: "SUCCESS", provider: "openai", model: "o3", warnings: ["one", "two"] }] }),
    });
    expect(response.status).toBe(200);
    expect((await harness.record("warned-by-hand")).warnings).toEqual(["one", "two"]);
  });
});
