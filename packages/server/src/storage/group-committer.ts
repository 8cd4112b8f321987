import type { InsertResult, RequestInsert } from "./storage.js";

/** Writes one workspace's records in one transaction; results in input order. */
export type InsertManyWriter = (workspaceId: number, records: readonly RequestInsert[]) => Promise<InsertResult[]>;

interface Waiter {
  records: readonly RequestInsert[];
  resolve: (results: InsertResult[]) => void;
  reject: (error: unknown) => void;
}

interface WorkspaceQueue {
  waiting: Waiter[];
  /** Records of the waiting callers. */
  waitingRecords: number;
  /** Commits in flight. */
  writing: number;
}

/** Past this many records a group stops taking callers; the rest go into the next commit. */
const defaultMaxRecordsPerCommit = 5000;

/**
 * Group commit for log records. Each commit costs a disk flush, so one
 * transaction per record caps ingestion at the disk's flush rate. Here, per
 * workspace, at most `commitsInFlight` writes are in flight (default one):
 * callers that arrive meanwhile (or in the same turn of the event loop) wait
 * and all go into the next single transaction. A second write in flight
 * overlaps the first one's flush or round trip (decision 0024); the writer
 * itself keeps their numbers in commit order. The write flushes off the event loop
 * (`StorageDialect.durableTransaction`), so requests keep being read while
 * it runs and the next group fills by itself: a lone caller is written at
 * once, without waiting for company. Every caller is still answered only
 * after the commit that holds its records, with its own results, so a 2xx
 * still means "on disk".
 *
 * A commit beyond the first starts only once the records waiting for it
 * reach `overlapMinRecords` (default one: at once). Each commit has a fixed
 * cost (PostgreSQL: ~300 µs of backend CPU a statement, the sync included,
 * against ~65 µs a tracked record), so lone records, which overlap would
 * split into two small groups, wait for the commit in flight and go out as
 * one larger group; a large batch still overlaps the one before it.
 *
 * When a combined transaction fails, the group is split in halves and each
 * half retried, down to the caller whose records fail: one bad record fails
 * only its caller, and the others are written in a few commits (about
 * 2·log2(n)), not one commit each.
 */
export class GroupCommitter {
  readonly #write: InsertManyWriter;
  readonly #maxRecords: number;
  readonly #commitsInFlight: number;
  readonly #overlapMinRecords: number;
  readonly #queues = new Map<number, WorkspaceQueue>();
  /** Resolved (and forgotten) when the last queue empties: what `idle()` waits for. */
  #idleWaiters: (() => void)[] = [];

  constructor(write: InsertManyWriter, options: { maxRecordsPerCommit?: number; commitsInFlight?: number; overlapMinRecords?: number } = {}) {
    this.#write = write;
    this.#maxRecords = options.maxRecordsPerCommit ?? defaultMaxRecordsPerCommit;
    this.#commitsInFlight = Math.max(1, options.commitsInFlight ?? 1);
    this.#overlapMinRecords = Math.max(1, options.overlapMinRecords ?? 1);
  }

  /** Same contract as `RequestRepository.insertMany`; resolves after the commit holding the records. */
  insertMany(workspaceId: number, records: readonly RequestInsert[]): Promise<InsertResult[]> {
    if (records.length === 0) return Promise.resolve([]);
    let queue = this.#queues.get(workspaceId);
    if (!queue) {
      queue = { waiting: [], waitingRecords: 0, writing: 0 };
      this.#queues.set(workspaceId, queue);
    }
    const promise = new Promise<InsertResult[]>((resolve, reject) => queue.waiting.push({ records, resolve, reject }));
    queue.waitingRecords += records.length;
    if (queue.writing === 0 || (queue.writing < this.#commitsInFlight && queue.waitingRecords >= this.#overlapMinRecords)) {
      queue.writing += 1;
      void this.#drain(workspaceId, queue);
    }
    return promise;
  }

  /** Resolves once every record handed over so far is committed (or failed): closing the database must wait for it. */
  idle(): Promise<void> {
    if (this.#queues.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async #drain(workspaceId: number, queue: WorkspaceQueue): Promise<void> {
    try {
      while (queue.waiting.length > 0) {
        // Callers of this same turn join this commit (a microtask, not a wait for the next turn).
        await Promise.resolve();
        // Another drain of this workspace may have taken them meanwhile.
        if (queue.waiting.length === 0) break;
        const group = this.#takeGroup(queue);
        await this.#commit(workspaceId, group);
      }
    } finally {
      queue.writing -= 1;
      if (queue.waiting.length > 0) {
        queue.writing += 1;
        void this.#drain(workspaceId, queue);
      } else if (queue.writing === 0) {
        // An idle workspace keeps no queue (workspaces are few, but need not stay in memory).
        this.#queues.delete(workspaceId);
        if (this.#queues.size === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
      }
    }
  }

  #takeGroup(queue: WorkspaceQueue): Waiter[] {
    let count = 0;
    let taken = 0;
    for (const waiter of queue.waiting) {
      if (taken > 0 && count + waiter.records.length > this.#maxRecords) break;
      count += waiter.records.length;
      taken += 1;
    }
    queue.waitingRecords -= count;
    return queue.waiting.splice(0, taken);
  }

  async #commit(workspaceId: number, group: Waiter[]): Promise<void> {
    const [only] = group;
    if (group.length === 1 && only) {
      await this.#write(workspaceId, only.records).then(only.resolve, only.reject);
      return;
    }
    let results: InsertResult[];
    try {
      results = await this.#write(
        workspaceId,
        group.flatMap((waiter) => waiter.records),
      );
    } catch {
      // Which caller's record broke the transaction is unknown: halve the group until it is found.
      const half = Math.ceil(group.length / 2);
      await this.#commit(workspaceId, group.slice(0, half));
      await this.#commit(workspaceId, group.slice(half));
      return;
    }
    let offset = 0;
    for (const waiter of group) {
      waiter.resolve(results.slice(offset, offset + waiter.records.length));
      offset += waiter.records.length;
    }
  }
}
