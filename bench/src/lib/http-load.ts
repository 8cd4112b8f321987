import autocannon from "autocannon";
import type { Agent} from "node:http";
import { request } from "node:http";

export interface LoadOptions {
  url: string;
  method: "GET" | "POST";
  headers?: Record<string, string>;
  /** A fresh body per request (ids must differ for idempotent endpoints); `sequence` helps make it unique. */
  body?: (sequence: number) => string;
  /** Closed-loop clients (connections): each sends its next request when the previous answer is read. */
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** CPU usage of the server process (µs), sampled when measuring starts and ends. */
  peerCpu?: () => Promise<{ user: number; system: number }>;
}

export interface LoadResult {
  /** 2xx answers while measuring. */
  completed: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  elapsedMs: number;
  /** Latency percentiles of the measured requests (autocannon's histogram, ms). */
  p50Ms: number;
  p99Ms: number;
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
 * A closed-loop load generator: autocannon, the Node ecosystem's HTTP
 * benchmarking client, in this process. Its hand-rolled HTTP/1.1 client costs
 * ~55 µs of CPU per request against ~145 µs for `node:http` with a kept-alive
 * agent (bench/trials/ceiling.mjs), and on 2 shared cores every µs the load
 * generator spends is taken from the server it measures. Runs a warm-up,
 * then measures for `durationMs`.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  let sequence = 0;
  const makeBody = options.body;
  const settings = (durationMs: number): autocannon.Options => ({
    url: url.origin,
    connections: options.concurrency,
    duration: durationMs / 1000,
    requests: [
      {
        method: options.method,
        path: url.pathname + url.search,
        headers: { ...(makeBody ? { "content-type": "application/json" } : {}), ...options.headers },
        ...(makeBody && { setupRequest: (req: autocannon.Request) => ({ ...req, body: makeBody(sequence++) }) }),
      },
    ],
  });
  await autocannon(settings(options.warmupMs));
  const peerBefore = await options.peerCpu?.();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await autocannon(settings(options.durationMs));
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const peerAfter = await options.peerCpu?.();
  return {
    completed: result.requests.total - result.non2xx,
    errors: result.errors + result.non2xx,
    elapsedMs,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    clientCpuCores: (cpu.user + cpu.system) / 1000 / elapsedMs,
    serverCpuCores: peerBefore && peerAfter ? (peerAfter.user - peerBefore.user + peerAfter.system - peerBefore.system) / 1000 / elapsedMs : null,
  };
}

/**
 * Two loads measured in alternating slices (A, B, A, B, …) after one warm-up
 * each, so that both see the same minutes of a shared machine whose speed
 * moves ~2× from one minute to the next: a ratio of A to B is then a ratio
 * of the code, not of the moments. Each result merges its slices: counts and
 * elapsed time summed, CPU weighted by time, and the latency percentiles the
 * median of the slices' (autocannon gives no raw samples to merge).
 */
export async function runAlternating(a: LoadOptions, b: LoadOptions, slices: number): Promise<[LoadResult, LoadResult]> {
  const results: [LoadResult[], LoadResult[]] = [[], []];
  for (let slice = 0; slice < slices; slice++) {
    for (const [index, options] of [a, b].entries()) {
      // The first slice warms up as asked; later ones only reopen their connections.
      const warmupMs = slice === 0 ? options.warmupMs : Math.min(options.warmupMs, 500);
      results[index]!.push(await runLoad({ ...options, warmupMs, durationMs: options.durationMs / slices }));
    }
  }
  return [mergeLoads(results[0]), mergeLoads(results[1])];
}

export function mergeLoads(parts: readonly LoadResult[]): LoadResult {
  const elapsedMs = parts.reduce((sum, part) => sum + part.elapsedMs, 0);
  const weighted = (value: (part: LoadResult) => number) => parts.reduce((sum, part) => sum + value(part) * part.elapsedMs, 0) / elapsedMs;
  const median = (values: number[]) => values.sort((x, y) => x - y)[Math.floor((values.length - 1) / 2)]!;
  const servers = parts.map((part) => part.serverCpuCores);
  return {
    completed: parts.reduce((sum, part) => sum + part.completed, 0),
    errors: parts.reduce((sum, part) => sum + part.errors, 0),
    elapsedMs,
    p50Ms: median(parts.map((part) => part.p50Ms)),
    p99Ms: median(parts.map((part) => part.p99Ms)),
    clientCpuCores: weighted((part) => part.clientCpuCores),
    serverCpuCores: servers.some((value) => value === null) ? null : weighted((part) => part.serverCpuCores!),
  };
}
