import { describe, expect, it } from "vitest";
import { GroupCommitter } from "./group-committer.js";
import type { InsertResult, RequestInsert } from "./storage.js";

const record = (request_id: string) => ({ request_id }) as RequestInsert;

/** A writer that records each call and numbers the rows; a record id starting with "bad" fails its call. */
function fakeWriter() {
  const calls: Array<{ workspaceId: number; ids: string[] }> = [];
  let nextId = 1;
  const write = async (workspaceId: number, records: readonly RequestInsert[]): Promise<InsertResult[]> => {
    calls.push({ workspaceId, ids: records.map((entry) => entry.request_id) });
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (records.some((entry) => entry.request_id.startsWith("bad"))) throw new Error("cannot write");
    return records.map((entry) => ({ request_id: entry.request_id, id: nextId++, created: true }));
  };
  return { calls, write };
}

describe("GroupCommitter", () => {
  it("writes callers of the same turn, and those arriving during a commit, together, each answered with its own results", async () => {
    const writer = fakeWriter();
    const committer = new GroupCommitter(writer.write);
    const early = ["a", "b"].map((id) => committer.insertMany(1, [record(id), record(`${id}2`)]));
    while (writer.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const late = ["c", "d", "e"].map((id) => committer.insertMany(1, [record(id), record(`${id}2`)]));
    const results = await Promise.all([...early, ...late]);
    expect(writer.calls).toEqual([
      { workspaceId: 1, ids: ["a", "a2", "b", "b2"] },
      { workspaceId: 1, ids: ["c", "c2", "d", "d2", "e", "e2"] },
    ]);
    expect(results.map((rows) => rows.map((row) => row.request_id))).toEqual([
      ["a", "a2"],
      ["b", "b2"],
      ["c", "c2"],
      ["d", "d2"],
      ["e", "e2"],
    ]);
    expect(new Set(results.flat().map((row) => row.id)).size).toBe(10);
  });

  it("groups per workspace", async () => {
    const writer = fakeWriter();
    const committer = new GroupCommitter(writer.write);
    await Promise.all([committer.insertMany(1, [record("a")]), committer.insertMany(2, [record("b")]), committer.insertMany(1, [record("c")]), committer.insertMany(2, [record("d")])]);
    expect(writer.calls).toEqual([
      { workspaceId: 1, ids: ["a", "c"] },
      { workspaceId: 2, ids: ["b", "d"] },
    ]);
  });

  it("halves a failed group down to the bad caller, failing only it, the others written in few commits", async () => {
    const writer = fakeWriter();
    const committer = new GroupCommitter(writer.write);
    const outcomes = await Promise.allSettled(["first", "x", "bad", "y"].map((id) => committer.insertMany(1, [record(id)])));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(writer.calls.map((call) => call.ids)).toEqual([["first", "x", "bad", "y"], ["first", "x"], ["bad", "y"], ["bad"], ["y"]]);
    const many = await Promise.allSettled(Array.from({ length: 16 }, (_, index) => committer.insertMany(1, [record(index === 11 ? "bad-11" : `ok-${index}`)])));
    expect(many.filter((outcome) => outcome.status === "rejected")).toHaveLength(1);
    // 1 failed group of 16, then 2·log2(16) halves: far fewer than one commit per caller.
    expect(writer.calls.length - 6).toBeLessThanOrEqual(1 + 2 * 4);
    // The queue keeps working after a failure.
    await expect(committer.insertMany(1, [record("later")])).resolves.toMatchObject([{ request_id: "later" }]);
  });

  it("caps a commit's size but always takes at least one caller", async () => {
    const writer = fakeWriter();
    const committer = new GroupCommitter(writer.write, { maxRecordsPerCommit: 3 });
    await Promise.all([
      committer.insertMany(1, [record("a")]),
      committer.insertMany(1, [record("b"), record("b2")]),
      committer.insertMany(1, [record("c"), record("c2")]),
      committer.insertMany(1, [record("d1"), record("d2"), record("d3"), record("d4")]),
    ]);
    expect(writer.calls.map((call) => call.ids)).toEqual([["a", "b", "b2"], ["c", "c2"], ["d1", "d2", "d3", "d4"]]);
    expect(await committer.insertMany(1, [])).toEqual([]);
  });

  it("with overlapMinRecords, a second commit waits until that many records wait for it: lone callers go out together after the first", async () => {
    const releases: Array<() => void> = [];
    const calls: string[][] = [];
    const write = async (_workspaceId: number, records: readonly RequestInsert[]): Promise<InsertResult[]> => {
      calls.push(records.map((entry) => entry.request_id));
      await new Promise<void>((resolve) => releases.push(resolve));
      return records.map((entry, index) => ({ request_id: entry.request_id, id: index, created: true }));
    };
    const committer = new GroupCommitter(write, { commitsInFlight: 2, overlapMinRecords: 3 });
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    const pending = [committer.insertMany(1, [record("a")])];
    await settle();
    pending.push(committer.insertMany(1, [record("b")]));
    await settle();
    pending.push(committer.insertMany(1, [record("c")]));
    await settle();
    // Two records wait: below the threshold, no second commit.
    expect(calls).toEqual([["a"]]);
    pending.push(committer.insertMany(1, [record("d")]));
    await settle();
    // Three wait: the second commit overlaps the first.
    expect(calls).toEqual([["a"], ["b", "c", "d"]]);
    pending.push(committer.insertMany(1, [record("e")]), committer.insertMany(1, [record("f1"), record("f2"), record("f3")]));
    await settle();
    // Both in flight: the rest waits for either, however many records it holds.
    expect(calls).toHaveLength(2);
    while (releases.length > 0) {
      releases.shift()?.();
      await settle();
    }
    await Promise.all(pending);
    expect(calls).toEqual([["a"], ["b", "c", "d"], ["e", "f1", "f2", "f3"]]);
  });

  it("with two commits in flight, a caller arriving during a commit starts the second at once; later ones wait for either, and idle() for both", async () => {
    const releases: Array<() => void> = [];
    const calls: string[][] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const write = async (_workspaceId: number, records: readonly RequestInsert[]): Promise<InsertResult[]> => {
      calls.push(records.map((entry) => entry.request_id));
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await new Promise<void>((resolve) => releases.push(resolve));
      inFlight -= 1;
      return records.map((entry, index) => ({ request_id: entry.request_id, id: index, created: true }));
    };
    const committer = new GroupCommitter(write, { commitsInFlight: 2 });
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    const first = committer.insertMany(1, [record("a")]);
    await settle();
    const second = committer.insertMany(1, [record("b")]);
    await settle();
    const later = ["c", "d"].map((id) => committer.insertMany(1, [record(id)]));
    await settle();
    expect(calls).toEqual([["a"], ["b"]]);
    let idle = false;
    void committer.idle().then(() => (idle = true));
    releases.shift()?.();
    await first;
    await settle();
    expect(calls).toEqual([["a"], ["b"], ["c", "d"]]);
    while (releases.length > 0) {
      releases.shift()?.();
      await settle();
    }
    await Promise.all([second, ...later]);
    await settle();
    expect(mostInFlight).toBe(2);
    expect(idle).toBe(true);
  });
});
