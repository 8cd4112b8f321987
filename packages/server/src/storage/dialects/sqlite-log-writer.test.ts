import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LogRows } from "../internal/log-write.js";
import { fromWriteReply, toWriteRequest } from "./sqlite-log-messages.js";
import { logWorkerAvailable, SqliteLogWriter } from "./sqlite-log-writer.js";

const directory = mkdtempSync(join(tmpdir(), "promptline-log-writer-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const rows: LogRows = {
  requests: [
    { workspace_id: 1, request_id: "a", prompt_name: "p", response: null },
    { workspace_id: 1, request_id: "b", prompt_name: undefined, response: '{"x":1}' },
  ],
  tags: [{ request_id: "a", tag: "t", position: 0 }],
  metadata: [{ request_id: "b", key: "k", value: "v" }],
  createdAt: "2026-12-05T00:00:00.000Z",
};

describe("the log writer thread's messages", () => {
  it("carry the rows flat, in column order, a missing value as null", () => {
    expect(toWriteRequest(7, 1, rows)).toEqual({
      id: 7,
      workspaceId: 1,
      columns: ["workspace_id", "request_id", "prompt_name", "response"],
      values: [1, "a", "p", null, 1, "b", null, '{"x":1}'],
      tags: ["a", "t", 0],
      metadata: ["b", "k", "v"],
      createdAt: "2026-12-05T00:00:00.000Z",
    });
  });

  it("answer by client id: created rows with id and number, re-sent rows with their number", () => {
    const result = fromWriteReply(rows, { created: [1, 40, 12], existing: [0, 3] });
    expect([...result.created]).toEqual([["b", { id: 40, number: 12 }]]);
    expect([...result.existing]).toEqual([["a", 3]]);
  });
});

describe("SqliteLogWriter", () => {
  it("finds the worker's module (from the sources here, beside the built file in the package)", () => {
    expect(logWorkerAvailable()).toBe(true);
  });

  it("fails the writes of a worker that cannot open its database, with the worker's error", async () => {
    const writer = new SqliteLogWriter({ filename: join(directory, "missing", "no.db"), busyTimeoutMs: 100 });
    await expect(writer.write(1, rows)).rejects.toThrow(/unable to open|directory does not exist|no such file/i);
    // The next write starts a new worker, which fails the same way: nothing hangs.
    await expect(writer.write(1, rows)).rejects.toThrow();
    await writer.close();
  });

  it("closes without ever having started a thread", async () => {
    await expect(new SqliteLogWriter({ filename: join(directory, "never.db"), busyTimeoutMs: 100 }).close()).resolves.toBeUndefined();
  });
});
