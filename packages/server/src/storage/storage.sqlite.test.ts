import { mkdtempSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, sql } from "kysely";
import { InvalidRequestError, logRecordSchema, randomIdBytes, uuidv7 } from "@promptline/core";
import { afterAll, describe, expect, it } from "vitest";
import { createStorage } from "./create-storage.js";
import { createSqliteDialect } from "./dialects/sqlite.js";
import { labelRoutingContract } from "./label-routing.contract.js";
import { retentionContract } from "./retention.contract.js";
import { storageContract } from "./storage.contract.js";

const directory = mkdtempSync(join(tmpdir(), "promptline-storage-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("storage on a SQLite file", () => {
  storageContract((options) => createStorage(`sqlite:${join(directory, "nested", "contract.db")}`, options));
  labelRoutingContract((options) => createStorage(`sqlite:${join(directory, "nested", "routing.db")}`, options));
});

describe("retention on a SQLite file", () => {
  const file = join(directory, "retention.db");
  let reader: BetterSqlite3.Database | undefined;
  afterAll(() => reader?.close());
  retentionContract(
    (options) => createStorage(`sqlite:${file}`, options),
    async (table, workspaceId) => {
      // A second, read-only connection: WAL lets it read while the storage's connection writes.
      reader ??= new BetterSqlite3(file, { readonly: true });
      return (reader.prepare(`select count(*) as count from ${table} where workspace_id = ?`).get(workspaceId) as { count: number }).count;
    },
  );
});

describe("storage on SQLite :memory:", () => {
  storageContract((options) => createStorage("sqlite::memory:", options));
});

describe("SQLite dialect", () => {
  it("opens files durable: WAL, synchronous=FULL, foreign keys, busy timeout", async () => {
    const db = new Kysely<unknown>({ dialect: createSqliteDialect({ filename: join(directory, "pragmas.db"), busyTimeoutMs: 1234 }).kyselyDialect });
    const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
    expect(await pragma("journal_mode")).toBe("wal");
    expect(await pragma("synchronous")).toBe(2); // FULL
    expect(await pragma("foreign_keys")).toBe(1);
    expect(await pragma("busy_timeout")).toBe(1234);
    await db.destroy();
  });

  it("a durable transaction commits, syncs the WAL file off the event loop, and leaves the connection at synchronous=FULL", async () => {
    const dialect = createSqliteDialect({ filename: join(directory, "durable.db") });
    const db = new Kysely<{ t: { v: number } }>({ dialect: dialect.kyselyDialect });
    const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
    await sql`create table t (v integer)`.execute(db);
    const syncs: string[] = [];
    // Every FileHandle's datasync, watched: the sync the dialect makes after the commit.
    const probe = await open(join(directory, "durable.db"), "r");
    const FileHandle = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const datasync = FileHandle.datasync;
    FileHandle.datasync = function (this: { fd: number }) {
      syncs.push("datasync");
      return datasync.call(this);
    };
    try {
      // Inside the transaction the commit itself does not fsync (NORMAL): the WAL is synced after it.
      const inside = await dialect.durableTransaction(db, async (trx) => {
        await trx.insertInto("t").values({ v: 1 }).execute();
        return Object.values((await sql.raw("pragma synchronous").execute(trx)).rows[0] as object)[0];
      });
      expect(inside).toBe(1); // NORMAL
      expect(syncs).toEqual(["datasync"]);
      expect(await pragma("synchronous")).toBe(2); // FULL again for every other write
      expect((await db.selectFrom("t").select("v").execute()).map((row) => row.v)).toEqual([1]);
      // A failed transaction rolls back and still restores FULL.
      await expect(dialect.durableTransaction(db, async (trx) => {
        await trx.insertInto("t").values({ v: 2 }).execute();
        throw new Error("boom");
      })).rejects.toThrow("boom");
      expect(await pragma("synchronous")).toBe(2);
      expect((await db.selectFrom("t").select("v").execute()).map((row) => row.v)).toEqual([1]);
    } finally {
      FileHandle.datasync = datasync;
      await db.destroy();
    }
  });

  it("keeps data across reopening the file, and migrates once", async () => {
    const file = join(directory, "reopen.db");
    const first = await createStorage(file);
    const workspace = await first.workspaces.ensureDefault();
    const { plaintext } = await first.apiKeys.create(workspace.id);
    await first.close();
    const second = await createStorage(`sqlite://${file}`);
    expect((await second.apiKeys.findByPlaintext(plaintext))?.workspace_id).toBe(workspace.id);
    await second.close();
  });

  it("close() waits for log records still being committed: their callers get their ids, and the rows are on disk", async () => {
    const file = join(directory, "close-while-writing.db");
    const storage = await createStorage(file);
    const workspace = await storage.workspaces.ensureDefault();
    const record = (index: number) =>
      logRecordSchema.parse({ request_id: uuidv7(Date.now(), randomIdBytes()), status: "SUCCESS", provider: "openai", model: "m", tags: [`closing-${index}`] });
    // Handed to the group committer, not yet written (it waits for the callers of this turn to gather more).
    const pending = [storage.requests.insertMany(workspace.id, [record(1)]), storage.requests.insertMany(workspace.id, [record(2), record(3)])];
    await storage.close();
    const results = (await Promise.all(pending)).flat();
    expect(results.map((result) => result.created)).toEqual([true, true, true]);
    const reopened = await createStorage(file);
    expect((await reopened.requests.query(workspace.id)).items).toHaveLength(3);
    await reopened.close();
  });

  describe("log records written by the writer thread (decision 0029)", () => {
    const record = (request_id: string, tags: string[] = []) =>
      logRecordSchema.parse({ request_id, status: "SUCCESS", provider: "openai", model: "m", tags, metadata: { k: request_id } });
    /** Runs `insertMany` while another connection holds the write lock; says whether the event loop turned meanwhile with the write still waiting. */
    async function writeBehindAnotherWriter(logWriterThread: boolean, busyTimeoutMs: number) {
      const file = join(directory, `behind-a-writer-${logWriterThread}.db`);
      const storage = await createStorage(file, { logWriterThread, busyTimeoutMs });
      const workspace = await storage.workspaces.ensureDefault();
      await storage.requests.insertMany(workspace.id, [record("warm-up")]);
      const other = new BetterSqlite3(file);
      other.exec("begin immediate");
      let settled = false;
      const write = storage.requests.insertMany(workspace.id, [record("behind", ["t"])]).finally(() => (settled = true));
      write.catch(() => undefined);
      for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      const waitingWhileLoopTurned = !settled;
      other.exec("commit");
      other.close();
      const outcome = await write.then((results) => results, (error: unknown) => error);
      const stored = await storage.requests.get(workspace.id, "behind");
      await storage.close();
      return { waitingWhileLoopTurned, outcome, stored };
    }

    it("wait for another writer's lock off the event loop, then commit and are read back at once", async () => {
      const { waitingWhileLoopTurned, outcome, stored } = await writeBehindAnotherWriter(true, 5000);
      expect(waitingWhileLoopTurned).toBe(true);
      expect(outcome).toEqual([{ request_id: "behind", id: 2, created: true }]);
      expect(stored).toMatchObject({ id: 2, tags: ["t"], metadata: { k: "behind" } });
    });

    it("(control: on the server's connection the same wait holds the event loop, until SQLite gives up)", async () => {
      const { waitingWhileLoopTurned, outcome } = await writeBehindAnotherWriter(false, 50);
      expect(waitingWhileLoopTurned).toBe(false);
      expect(outcome).toBeInstanceOf(Error);
    });

    it("number in commit order across both connections and answer re-sends with their first number", async () => {
      const file = join(directory, "writer-thread-numbers.db");
      const storage = await createStorage(file);
      const workspace = await storage.workspaces.ensureDefault();
      const first = await Promise.all([storage.requests.insertMany(workspace.id, [record("a"), record("b")]), storage.requests.insertMany(workspace.id, [record("c")])]);
      expect(first.flat().map((result) => [result.request_id, result.id, result.created])).toEqual([["a", 1, true], ["b", 2, true], ["c", 3, true]]);
      // A re-sent record keeps its first number; its new copy used one up (4), as on the server's connection.
      const again = await storage.requests.insertMany(workspace.id, [record("b"), record("d")]);
      expect(again.map((result) => [result.request_id, result.id, result.created])).toEqual([["b", 2, false], ["d", 5, true]]);
      await storage.close();
      const reader = new BetterSqlite3(file, { readonly: true });
      expect(reader.prepare("select request_id, number from request_log order by number").all()).toEqual([
        { request_id: "a", number: 1 },
        { request_id: "b", number: 2 },
        { request_id: "c", number: 3 },
        { request_id: "d", number: 5 },
      ]);
      reader.close();
    });

    it("surface the thread's errors to their callers, and keep writing after them", async () => {
      const storage = await createStorage(join(directory, "writer-thread-errors.db"));
      const workspace = await storage.workspaces.ensureDefault();
      await expect(storage.requests.insertMany(987_654_321, [record("nowhere")])).rejects.toBeInstanceOf(InvalidRequestError);
      expect((await storage.requests.insertMany(workspace.id, [record("after")]))[0]?.created).toBe(true);
      await storage.close();
    });
  });
});
