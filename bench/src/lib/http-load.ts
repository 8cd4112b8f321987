import { Agent, request } from "node:http";
import { nowMs } from "./stats.js";

export interface LoadOptions {
  url: string;
  method: "GET" | "POST";
  headers?: Record<string, string>;
  /** A fresh body per request (ids must differ for idempotent endpoints); `worker` and `sequence` help make it unique. */
  body?: (worker: number, sequence: number) => string;
  /** Closed-loop clients: each sends its next request when the previous answer is read. */
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Stop early after this many measured requests (bounds the work whatever the speed). */
  maxRequests?: number;
  /** CPU usage of the server process (µs), sampled when measuring starts and ends. */
  peerCpu?: () => Promise<{ user: number; system: number }>;
}

export interface LoadResult {
  completed: number;
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  /** Latency of every measured request, ms. */
  latencies: number[];
  /** CPU the load generator itself used, as a share of one core (1 = one core busy). */
  clientCpuCores: number;
  /** The same for the server process, when `peerCpu` was given. */
  serverCpuCores: number | null;
}

/** One HTTP exchange over a kept-alive socket; resolves with the status and the body text. */
export function send(agent: Agent, url: URL, method: string, headers: Record<string, string>, body: string | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: body === undefined ? headers : { ...headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * A closed-loop load generator over `node:http` with kept-alive sockets (much
 * lighter than `fetch`, so the client steals less CPU from the server on a
 * small machine). Runs a warm-up, then measures for `durationMs`.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const url = new URL(options.url);
  const headers = options.headers ?? {};
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let measuring = false;
  let stopped = false;
  let completedMeasured = 0;
  let sequence = 0;
  const worker = async (index: number) => {
    while (!stopped) {
      const body = options.body?.(index, sequence++);
      const started = nowMs();
      try {
        const { status, text } = await send(agent, url, options.method, headers, body);
        if (status < 200 || status >= 300) throw new Error(`HTTP ${status}: ${text.slice(0, 300)}`);
        if (measuring && !stopped) {
          latencies.push(nowMs() - started);
          completedMeasured++;
          if (options.maxRequests !== undefined && completedMeasured >= options.maxRequests) stopped = true;
        }
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
        if (errors > 100) stopped = true;
      }
    }
  };
  const workers = Array.from({ length: options.concurrency }, (_, index) => worker(index));
  await new Promise((resolve) => setTimeout(resolve, options.warmupMs));
  const peerBefore = await options.peerCpu?.();
  measuring = true;
  const cpuBefore = process.cpuUsage();
  const started = nowMs();
  await new Promise<void>((resolve) => {
    const finish = () => {
      stopped = true;
      clearTimeout(timer);
      clearInterval(poll);
      resolve();
    };
    const timer = setTimeout(finish, options.durationMs);
    const poll = setInterval(() => stopped && finish(), 20);
  });
  const elapsedMs = nowMs() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const peerAfter = await options.peerCpu?.();
  await Promise.all(workers);
  agent.destroy();
  return {
    completed: completedMeasured,
    errors,
    firstError,
    elapsedMs,
    latencies,
    clientCpuCores: (cpu.user + cpu.system) / 1000 / elapsedMs,
    serverCpuCores: peerBefore && peerAfter ? (peerAfter.user - peerBefore.user + peerAfter.system - peerBefore.system) / 1000 / elapsedMs : null,
  };
}
