/**
 * The SQLite log writer thread (decision 0029): writes the server's group
 * commits of log records on its own better-sqlite3 connection to the same
 * WAL file, so SQLite's statement work (a row and its indexes, tags,
 * metadata) and the WAL sync run on another core than the server's event
 * loop. It does what `transactionalLogWrite` does in a transaction
 * (counter, rows skipping stored client ids, tags and metadata of the rows
 * inserted now, numbers of the rows skipped) and links the rows to their
 * prompts (`linkPrompts`, what the server's thread otherwise reads through
 * Kysely before the write), with single-row statements
 * prepared once: without Kysely in between they cost less than multi-row ones
 * (26 against 28 µs CPU a row; the same single-row insert with `returning id`
 * cost 90: the row's id is read from `run()`'s `lastInsertRowid` instead).
 *
 * Durability as `durableTransaction` (decision 0017): the transaction commits
 * with `synchronous=NORMAL` (no fsync while the write lock is held, so the
 * server thread's own writes never wait for a disk flush), then the WAL file
 * is synced (`fdatasync`) before the answer goes back: a 2xx still means "on
 * disk". Messages are handled one at a time, in order, so numbers grow in
 * commit order.
 */
import { closeSync, fdatasyncSync, openSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { missingWorkspaceCode, type LogWorkerMessage, type LogWorkerOptions, type LogWorkerReply, type LogWriteRequest } from "./sqlite-log-messages.js";

const port = parentPort;
if (!port) throw new Error("sqlite-log-worker.js runs in a worker thread (started by SqliteLogWriter)");
const { filename, busyTimeoutMs } = workerData as LogWorkerOptions;

const db = new BetterSqlite3(filename, { timeout: busyTimeoutMs, fileMustExist: true });
if (db.pragma("journal_mode", { simple: true }) !== "wal") throw new Error(`${filename} is not in WAL mode: the log writer thread needs it`);
db.pragma("synchronous = NORMAL");
db.pragma("foreign_keys = ON");

/** The WAL file, opened on the first sync (it exists: the server's connection keeps it). */
let walFd: number | undefined;
function syncWal(): void {
  walFd ??= openSync(`${filename}-wal`, "r");
  try {
    fdatasyncSync(walFd);
  } catch (error) {
    closeSync(walFd);
    walFd = undefined;
    throw error;
  }
}

const reserveNumbers = db.prepare<[number, number], number>("update workspace set request_counter = request_counter + ? where id = ? returning request_counter").pluck();
const insertTag = db.prepare("insert into request_tag (request_log_id, workspace_id, tag, position, created_at) values (?, ?, ?, ?, ?)");
const insertMetadata = db.prepare('insert into request_metadata (request_log_id, workspace_id, "key", "value", created_at) values (?, ?, ?, ?, ?)');
const promptById = db.prepare<[number, number], { id: number; name: string }>("select id, name from prompt where workspace_id = ? and id = ?");
const promptByName = db.prepare<[number, string], { id: number; name: string }>("select id, name from prompt where workspace_id = ? and name = ?");
const findNumber = db.prepare<[number, string], number>("select number from request_log where workspace_id = ? and request_id = ?").pluck();

/** A column name as `toRequestColumns` writes them: the only text of the insert that is not a constant. */
const columnName = /^[a-z][a-z0-9_]*$/;

/**
 * The insert of request rows with these columns, prepared once per column
 * list. The names are the keys of the rows the server builds
 * (`toRequestColumns`), never a client's; anything else is refused here.
 */
const insertRequestByColumns = new Map<string, BetterSqlite3.Statement<unknown[]>>();
function insertRequest(columns: readonly string[]): BetterSqlite3.Statement<unknown[]> {
  const key = columns.join(",");
  let statement = insertRequestByColumns.get(key);
  if (!statement) {
    const unexpected = columns.find((column) => !columnName.test(column));
    if (unexpected !== undefined) throw new Error(`Not a request_log column: ${JSON.stringify(unexpected)}`);
    const text = `insert into request_log (${[...columns, "number"].join(", ")}) values (${[...columns, "number"].map(() => "?").join(", ")}) on conflict do nothing`;
    statement = db.prepare<unknown[]>(text);
    insertRequestByColumns.set(key, statement);
  }
  return statement;
}

/**
 * Links each row to the workspace's prompt as `resolvePromptLinks` does on
 * the server's connection: by the id the record asked for, else by its name;
 * an id or name the workspace doesn't know leaves the row unlinked but keeps
 * the name. In the transaction, so the prompt can't go between read and write.
 */
function linkPrompts(request: LogWriteRequest, count: number): void {
  const width = request.columns.length;
  const idAt = request.columns.indexOf("prompt_id");
  const nameAt = request.columns.indexOf("prompt_name");
  if (idAt < 0 || nameAt < 0) return;
  const byId = new Map<unknown, { id: number; name: string } | undefined>();
  const byName = new Map<unknown, { id: number; name: string } | undefined>();
  for (let row = 0; row < count; row += 1) {
    const requestedId = request.values[row * width + idAt];
    const name = request.values[row * width + nameAt];
    let prompt: { id: number; name: string } | undefined;
    if (typeof requestedId === "number") {
      if (!byId.has(requestedId)) byId.set(requestedId, promptById.get(request.workspaceId, requestedId));
      prompt = byId.get(requestedId);
    }
    if (!prompt && typeof name === "string" && name !== "") {
      if (!byName.has(name)) byName.set(name, promptByName.get(request.workspaceId, name));
      prompt = byName.get(name);
    }
    request.values[row * width + idAt] = prompt?.id ?? null;
    request.values[row * width + nameAt] = name ?? prompt?.name ?? null;
  }
}

const write = db.transaction((request: LogWriteRequest) => {
  const width = request.columns.length;
  const count = request.values.length / width;
  const counter = reserveNumbers.get(count, request.workspaceId);
  if (counter === undefined) throw Object.assign(new Error(`Workspace ${request.workspaceId} does not exist.`), { code: missingWorkspaceCode });
  const firstNumber = counter - count + 1;
  linkPrompts(request, count);
  const insert = insertRequest(request.columns);
  const created: number[] = [];
  const existing: number[] = [];
  const idByRequestId = new Map<unknown, number>();
  const requestIdAt = request.columns.indexOf("request_id");
  const parameters = new Array<unknown>(width + 1);
  for (let row = 0; row < count; row += 1) {
    for (let column = 0; column < width; column += 1) parameters[column] = request.values[row * width + column];
    parameters[width] = firstNumber + row;
    const { changes, lastInsertRowid } = insert.run(parameters);
    const requestId = request.values[row * width + requestIdAt];
    if (changes === 0) {
      // Stored already (a re-send): its number, as the original got it.
      const number = findNumber.get(request.workspaceId, requestId as string);
      if (number !== undefined) existing.push(row, number);
    } else {
      const id = Number(lastInsertRowid);
      idByRequestId.set(requestId, id);
      created.push(row, id, firstNumber + row);
    }
  }
  for (let at = 0; at < request.tags.length; at += 3) {
    const id = idByRequestId.get(request.tags[at]);
    if (id !== undefined) insertTag.run(id, request.workspaceId, request.tags[at + 1], request.tags[at + 2], request.createdAt);
  }
  for (let at = 0; at < request.metadata.length; at += 3) {
    const id = idByRequestId.get(request.metadata[at]);
    if (id !== undefined) insertMetadata.run(id, request.workspaceId, request.metadata[at + 1], request.metadata[at + 2], request.createdAt);
  }
  return { created, existing };
});

port.on("message", (message: LogWorkerMessage) => {
  if ("close" in message) {
    if (walFd !== undefined) closeSync(walFd);
    db.close();
    port.postMessage({ id: message.id, closed: true } satisfies LogWorkerReply);
    port.close();
    return;
  }
  let reply: LogWorkerReply;
  try {
    // IMMEDIATE: the write lock up front (as the server's own transactions), waiting `busy_timeout` for another writer.
    const result = write.immediate(message);
    syncWal();
    reply = { id: message.id, ok: true, ...result };
  } catch (error) {
    const { name = "Error", message: text = String(error), code } = error as { name?: string; message?: string; code?: unknown };
    reply = { id: message.id, ok: false, error: { name, message: text, ...(typeof code === "string" && { code }) } };
  }
  port.postMessage(reply);
});
