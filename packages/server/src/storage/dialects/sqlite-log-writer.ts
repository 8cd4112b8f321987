/**
 * The server thread's side of the SQLite log writer thread (decision 0029,
 * `sqlite-log-worker.ts`): hands each group commit's rows to the worker and
 * answers with what it wrote. The worker starts on the first write (a server
 * that logs nothing starts no thread) and keeps the process alive only while
 * a write is in flight.
 *
 * The worker is `sqlite-log-worker.js` next to this file in the built
 * package; from the TypeScript sources (tests) it is started through the
 * render worker's `source-worker.mjs`, which installs module hooks that
 * strip types.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { missingWorkspace, type LogRows, type LogWriteResult } from "../internal/log-write.js";
import { fromWriteReply, missingWorkspaceCode, toWriteRequest, type LogWorkerOptions, type LogWorkerReply } from "./sqlite-log-messages.js";

interface Pending {
  rows: LogRows | undefined;
  workspaceId: number;
  resolve: (value: LogWriteResult) => void;
  reject: (error: unknown) => void;
}

interface WorkerEntry {
  url: URL;
  workerData: LogWorkerOptions & { entry?: string };
}

function workerEntry(options: LogWorkerOptions): WorkerEntry {
  if (!import.meta.url.endsWith(".ts")) return { url: new URL("./sqlite-log-worker.js", import.meta.url), workerData: options };
  return { url: new URL("../../render/source-worker.mjs", import.meta.url), workerData: { ...options, entry: new URL("./sqlite-log-worker.ts", import.meta.url).href } };
}

/**
 * True when the worker's module is where this file expects it. A bundle that
 * left it out (this module inlined into one file without
 * `sqlite-log-worker.js` beside it) has none: the dialect then writes on the
 * server's connection, as without the thread.
 */
export function logWorkerAvailable(): boolean {
  const entry = workerEntry({ filename: "", busyTimeoutMs: 0 });
  return existsSync(fileURLToPath(entry.workerData.entry ?? entry.url));
}

export class SqliteLogWriter {
  readonly #options: LogWorkerOptions;
  #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(options: LogWorkerOptions) {
    this.#options = options;
  }

  /** Writes one group commit in the worker; resolves once it is committed and the WAL synced. */
  write(workspaceId: number, rows: LogRows): Promise<LogWriteResult> {
    const id = this.#nextId++;
    const request = toWriteRequest(id, workspaceId, rows);
    const worker = this.#started();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { rows, workspaceId, resolve, reject });
      worker.ref();
      worker.postMessage(request);
    });
  }

  /** Closes the worker's connection and waits for the thread to end; writes still in flight are answered first (messages run in order). */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    const id = this.#nextId++;
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.ref();
    this.#pending.set(id, { rows: undefined, workspaceId: 0, resolve: () => undefined, reject: () => undefined });
    worker.postMessage({ id, close: true });
    await exited;
  }

  #started(): Worker {
    if (this.#worker) return this.#worker;
    const entry = workerEntry(this.#options);
    const worker = new Worker(entry.url, { workerData: entry.workerData });
    this.#worker = worker;
    worker.unref();
    worker.on("message", (reply: LogWorkerReply) => this.#answer(reply));
    // A worker that fails to open the database, or dies: its writes fail (the callers see the error), the next write starts a new one.
    worker.on("error", (error) => this.#stopped(worker, error));
    worker.on("exit", (code) => this.#stopped(worker, new Error(`The SQLite log writer thread stopped (exit code ${code}).`)));
    return worker;
  }

  #answer(reply: LogWorkerReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker?.unref();
    if ("closed" in reply) return pending.resolve(undefined as never);
    if (reply.ok) return pending.resolve(fromWriteReply(pending.rows!, reply));
    const { name, message, code } = reply.error;
    pending.reject(code === missingWorkspaceCode ? missingWorkspace(pending.workspaceId) : Object.assign(new Error(message), { name, ...(code && { code }) }));
  }

  #stopped(worker: Worker, reason: unknown): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    for (const pending of this.#pending.values()) pending.reject(reason);
    this.#pending.clear();
  }
}
