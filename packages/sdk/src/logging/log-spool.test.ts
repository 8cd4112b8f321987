import type { LogRecordInput } from "@promptline/core";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LogShipper } from "./log-shipper.js";
import { createFileLogSpool } from "./log-spool.js";
import { RegistryError } from "@promptline/core";

const record = (id: string) => ({ request_id: id, tags: ["spooled"] }) as unknown as LogRecordInput;
const folder = mkdtempSync(join(tmpdir(), "promptline-spool-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function registry() {
  const state = { up: false, delivered: [] as string[] };
  const sendBatch = async (records: LogRecordInput[]) => {
    if (!state.up) throw new RegistryError("Cannot reach the registry", { isRetryable: true });
    state.delivered.push(...records.map((item) => item.request_id));
  };
  return { state, sendBatch };
}

describe("createFileLogSpool", () => {
  it("saves records as one private JSON-lines file, loads them back, and removes the file", async () => {
    const directory = join(folder, "round-trip");
    const spool = createFileLogSpool(directory);
    expect(await spool.load()).toEqual([]); // no directory yet
    const path = (await spool.save([record("a"), record("b")]))!;
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(await spool.save([])).toBeUndefined();
    expect(await spool.load()).toEqual([{ path, records: [record("a"), record("b")] }]);
    await spool.remove([path, path]);
    expect(readdirSync(directory)).toEqual([]);
  });

  it("skips (and reports) a line that is not JSON, and ignores files that are not its own or half written", async () => {
    const directory = join(folder, "damaged");
    const errors: unknown[] = [];
    const spool = createFileLogSpool(directory, (error) => errors.push(error));
    const path = (await spool.save([record("kept")]))!;
    writeFileSync(path, '{"request_id":"kept"}\n{not json\n', { mode: 0o600 });
    writeFileSync(join(directory, "promptline-spool-1-ab.jsonl.partial"), '{"request_id":"half"}\n');
    writeFileSync(join(directory, "notes.txt"), "hello\n");
    expect(await spool.load()).toEqual([{ path, records: [{ request_id: "kept" }] }]);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain("not JSON");
  });
});

describe("LogShipper with a spool", () => {
  it("close() writes what it could not deliver, and the next shipper on the spool ships it and removes the file", async () => {
    const directory = join(folder, "outage");
    const first = registry();
    const closing = new LogShipper({ sendBatch: first.sendBatch, spool: createFileLogSpool(directory), retryBaseDelayMs: 5, maxRetryDelayMs: 10, onError: () => {} });
    for (const id of ["r1", "r2", "r3"]) closing.enqueue(record(id));
    const closed = await closing.close({ timeoutMs: 50 });
    expect(closed).toMatchObject({ pending: 3, spooled: 3 });
    expect(readdirSync(directory)).toHaveLength(1);

    // The registry is still down at the next start: the next close keeps them (in one new file), adding its own.
    const second = registry();
    const stillDown = new LogShipper({ sendBatch: second.sendBatch, spool: createFileLogSpool(directory), retryBaseDelayMs: 5, maxRetryDelayMs: 10, onError: () => {} });
    await stillDown.restoreSpool();
    stillDown.enqueue(record("r4"));
    expect(await stillDown.close({ timeoutMs: 50 })).toMatchObject({ pending: 4, spooled: 4 });
    expect(readdirSync(directory)).toHaveLength(1);

    const third = registry();
    third.state.up = true;
    const shipping = new LogShipper({ sendBatch: third.sendBatch, spool: createFileLogSpool(directory), onError: () => {} });
    await shipping.restoreSpool();
    expect(await shipping.flush()).toMatchObject({ pending: 0 });
    expect(third.state.delivered).toEqual(["r1", "r2", "r3", "r4"]);
    // The file goes once its records are handled.
    await expect.poll(() => readdirSync(directory)).toEqual([]);
    expect(await shipping.close()).toMatchObject({ pending: 0, spooled: 0 });
    expect(readdirSync(directory)).toEqual([]);
  });

  it("without a spool, close() says nothing of spooling and what was pending is lost as before", async () => {
    const down = registry();
    const shipper = new LogShipper({ sendBatch: down.sendBatch, retryBaseDelayMs: 5, maxRetryDelayMs: 10, onError: () => {} });
    shipper.enqueue(record("lost"));
    expect(await shipper.close({ timeoutMs: 30 })).toEqual({ pending: 1, dropped: 0 });
  });
});
