import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from "node:http";
import { request as httpsRequest, Agent as HttpsAgent } from "node:https";
import { backoffMs } from "../backoff.js";

/**
 * One long poll of the registry's revision per client (decision 0008):
 * `GET /api/v1/registry/revision?after=N` answers when a registry write
 * (publish, label move or split, snippet change, deletion) raises the
 * workspace's revision, on any server instance sharing the database. On a
 * change, `onChange` refreshes the prompt cache, so changes reach a running
 * client within about the server's poll interval, whatever the cache TTL,
 * and warm runs still send nothing. Over `node:http` with the socket unref'd,
 * so it never keeps a process alive; `close()` ends it. When the registry is
 * unreachable it retries with backoff, and the cache's TTL is the backstop.
 */
export interface RevisionWatcherOptions {
  baseURL: string;
  apiKey: string | undefined;
  /** Called with the registry's revision when it differs from the one seen before (and with the first answer). */
  onChange: (revision: number) => void;
  /** How long the server holds a poll with no change. Default 25 000 ms. */
  pollTimeoutMs?: number;
  /** First wait after a failed poll; doubles up to `maxBackoffMs`. Default 250 ms. */
  minBackoffMs?: number;
  /** Default 10 000 ms. */
  maxBackoffMs?: number;
}

export interface RevisionWatcherStats {
  /** The last revision the registry reported; undefined before the first answer. */
  revision: number | undefined;
  /** Whether the last poll was answered, or is held by the registry (the channel is up). */
  connected: boolean;
  /** Polls answered. */
  polls: number;
  /** Times `onChange` ran. */
  changes: number;
}

export class RevisionWatcher {
  private readonly agent: HttpAgent;
  private readonly url: URL;
  private revision: number | undefined;
  private connected = false;
  private polls = 0;
  private changes = 0;
  private running = false;
  private closed = false;
  private current: { destroy: () => void } | undefined;
  private sleeping: { timer: ReturnType<typeof setTimeout>; wake: () => void } | undefined;

  constructor(private readonly options: RevisionWatcherOptions) {
    this.url = new URL(`${options.baseURL}/api/v1/registry/revision`);
    // Polls run one at a time, so this is one connection, kept alive between polls (Node unrefs idle keep-alive sockets itself).
    const agentOptions = { keepAlive: true };
    this.agent = this.url.protocol === "https:" ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  }

  /** Starts polling (idempotent; nothing after `close()`). */
  start(): void {
    if (this.running || this.closed) return;
    this.running = true;
    void this.loop();
  }

  close(): void {
    this.closed = true;
    this.current?.destroy();
    if (this.sleeping) {
      clearTimeout(this.sleeping.timer);
      this.sleeping.wake();
    }
    this.agent.destroy();
  }

  stats(): RevisionWatcherStats {
    return { revision: this.revision, connected: this.connected, polls: this.polls, changes: this.changes };
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      try {
        const revision = await this.poll(this.revision);
        if (this.closed) return;
        this.polls++;
        this.connected = true;
        failures = 0;
        if (revision !== this.revision) {
          this.revision = revision;
          this.changes++;
          try {
            this.options.onChange(revision);
          } catch {
            // A throwing cache hook must not stop the channel.
          }
        }
      } catch {
        if (this.closed) return;
        this.connected = false;
        failures++;
        // Jittered, so clients of a restarted server don't all come back in the same millisecond.
        await this.sleep(backoffMs(failures - 1, { initialMs: this.options.minBackoffMs ?? 250, maxMs: this.options.maxBackoffMs ?? 10_000, jitter: 0.5 }));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeping = undefined;
        resolve();
      }, ms);
      timer.unref?.();
      this.sleeping = { timer, wake: resolve };
    });
  }

  /** One long poll: the revision the registry answers with. */
  private poll(after: number | undefined): Promise<number> {
    const timeoutMs = this.options.pollTimeoutMs ?? 25_000;
    const url = new URL(this.url);
    if (after !== undefined) {
      url.searchParams.set("after", String(after));
      url.searchParams.set("timeout_ms", String(timeoutMs));
    }
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.options.apiKey) headers["x-api-key"] = this.options.apiKey;
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<number>((resolve, reject) => {
      const request = send(url, { method: "GET", headers, agent: this.agent }, (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          this.current = undefined;
          if (response.statusCode !== 200) {
            reject(new Error(`The registry answered ${response.statusCode} to the revision poll.`));
            return;
          }
          try {
            const { revision } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { revision?: unknown };
            if (typeof revision !== "number") throw new Error("no revision in the answer");
            resolve(revision);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      });
      // The agent refs a socket it hands out; a waiting poll must not keep the process alive.
      request.on("socket", (socket) => socket.unref());
      // Sent: the registry holds it until something changes, so the channel is up from here.
      request.on("finish", () => {
        this.connected = true;
      });
      // A server that stopped answering without closing: give up a little after its own timeout.
      request.setTimeout(timeoutMs + 10_000, () => request.destroy(new Error("The revision poll timed out.")));
      request.on("error", reject);
      this.current = { destroy: () => request.destroy() };
      request.end();
    });
  }
}
