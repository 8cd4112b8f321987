import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type CompiledQuery, type QueryResult } from "kysely";
import { describe, expect, it } from "vitest";
import type { Database } from "../database-schema.js";
import { registryRevisionReader } from "./registry-revision.js";

/** A read the test answers by hand: what a PostgreSQL round trip looks like to the reader. */
interface PendingRead {
  query: CompiledQuery;
  answer: (revision: number | undefined) => void;
}

/** A database whose revision reads wait until the test answers them (compiled by Kysely's PostgreSQL compiler). */
function handAnsweredDatabase() {
  const compiler = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  const reads: PendingRead[] = [];
  const db = {
    selectFrom: compiler.selectFrom.bind(compiler),
    executeQuery: (query: CompiledQuery) =>
      new Promise<QueryResult<unknown>>((resolve) => {
        reads.push({ query, answer: (revision) => resolve({ rows: revision === undefined ? [] : [{ registry_revision: revision }] }) });
      }),
  } as unknown as Kysely<Database>;
  return { db, reads };
}

const endOfTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("registryRevisionReader", () => {
  it("sends one read for the callers of one turn of the event loop, once the last of them has asked", async () => {
    const { db, reads } = handAnsweredDatabase();
    const revisionOf = registryRevisionReader(db);
    const answers = [revisionOf(7), revisionOf(7), revisionOf(7)];
    expect(reads).toHaveLength(0);
    await endOfTurn();
    expect(reads).toHaveLength(1);
    expect(reads[0]?.query.parameters).toEqual([7]);
    reads[0]?.answer(42);
    expect(await Promise.all(answers)).toEqual([42, 42, 42]);
  });

  it("gives a caller who asks after the read was sent a read of its own (one that sees what committed meanwhile)", async () => {
    const { db, reads } = handAnsweredDatabase();
    const revisionOf = registryRevisionReader(db);
    const early = revisionOf(7);
    await endOfTurn();
    expect(reads).toHaveLength(1);
    // The first read is on its way; a publish commits; then this caller asks.
    const late = revisionOf(7);
    await endOfTurn();
    expect(reads).toHaveLength(2);
    reads[0]?.answer(42);
    reads[1]?.answer(43);
    expect(await early).toBe(42);
    expect(await late).toBe(43);
  });

  it("reads each workspace on its own, and answers undefined for a workspace that doesn't exist", async () => {
    const { db, reads } = handAnsweredDatabase();
    const revisionOf = registryRevisionReader(db);
    const seven = revisionOf(7);
    const eight = revisionOf(8);
    await endOfTurn();
    expect(reads.map((read) => read.query.parameters)).toEqual([[7], [8]]);
    reads[0]?.answer(3);
    reads[1]?.answer(undefined);
    expect(await seven).toBe(3);
    expect(await eight).toBeUndefined();
  });

  it("shares the dialect's synchronous read (SQLite) among the callers of one turn, made once the last of them asked, and sends nothing", async () => {
    const { db, reads } = handAnsweredDatabase();
    const committed = new Map([[7, 5]]);
    const synchronousReads: number[] = [];
    const revisionOf = registryRevisionReader(db, (workspaceId) => {
      synchronousReads.push(workspaceId);
      return committed.get(workspaceId) ?? null;
    });
    const answers = [revisionOf(7), revisionOf(7), revisionOf(9)];
    // A write commits after the first caller asked, in the same turn: every caller of the turn sees it.
    committed.set(7, 6);
    expect(synchronousReads).toEqual([]);
    expect(await Promise.all(answers)).toEqual([6, 6, undefined]);
    expect(synchronousReads).toEqual([7, 9]);
    expect(await revisionOf(7)).toBe(6);
    expect(synchronousReads).toEqual([7, 9, 7]);
    expect(reads).toHaveLength(0);
  });

  it("reads through the database when the synchronous read declines (this process is inside a transaction)", async () => {
    const { db, reads } = handAnsweredDatabase();
    const revisionOf = registryRevisionReader(db, () => undefined);
    const answer = revisionOf(7);
    await endOfTurn();
    await endOfTurn();
    expect(reads).toHaveLength(1);
    reads[0]?.answer(8);
    expect(await answer).toBe(8);
  });
});
