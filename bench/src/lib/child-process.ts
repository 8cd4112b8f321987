import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

type Handler = (params: unknown) => unknown;
interface RpcRequest {
  id: number;
  method: string;
  params: unknown;
}
interface RpcReply {
  id: number;
  result?: unknown;
  error?: string;
}

/** A child process of the benchmark (server, fake providers), driven over IPC. */
export interface BenchChild<Ready> {
  readonly ready: Ready;
  readonly pid: number;
  call<T = unknown>(method: string, params?: unknown): Promise<T>;
  /** Asks the child to close and exit (so `--cpu-prof` writes its profile); kills it after `timeoutMs`. */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * Forks `bench/dist/children/<name>.js` with `options` as its first argument
 * and resolves once it reported ready. Its own process means its own event
 * loop and its own CPU accounting, as in a real deployment.
 */
export async function startChild<Ready>(name: string, options: unknown, execArgv: string[] = []): Promise<BenchChild<Ready>> {
  const script = fileURLToPath(new URL(`../children/${name}.js`, import.meta.url));
  const child: ChildProcess = fork(script, [JSON.stringify(options)], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "advanced" });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => { exited = true; resolve(); }));
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${name} exited with code ${code} before it was ready`)));
    child.on("message", (message: { ready?: Ready } & Partial<RpcReply>) => {
      if (message.ready !== undefined) return resolve(message.ready);
      const waiter = message.id === undefined ? undefined : pending.get(message.id);
      if (!waiter || message.id === undefined) return;
      pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(`${name}: ${message.error}`));
      else waiter.resolve(message.result);
    });
  });
  child.on("exit", () => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${name} exited`));
    pending.clear();
  });
  return {
    ready,
    pid: child.pid ?? -1,
    call<T>(method: string, params?: unknown) {
      return new Promise<T>((resolve, reject) => {
        if (exited) return reject(new Error(`${name} has exited`));
        const id = nextId++;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, method, params } satisfies RpcRequest);
      });
    },
    async close(timeoutMs = 15_000) {
      if (exited) return;
      child.send({ id: 0, method: "exit", params: null } satisfies RpcRequest);
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/**
 * The child's side: reads its options, runs `start`, answers calls with
 * `handlers`, and on `exit` (or when the parent goes away) runs `stop` and exits.
 */
export async function serveChild<Options, Ready>(
  start: (options: Options) => Promise<{ ready: Ready; handlers: Record<string, Handler>; stop: () => Promise<void> }>,
): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? "{}") as Options;
  const { ready, handlers, stop } = await start(options);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await stop().catch((error: unknown) => console.error(error));
    process.disconnect?.();
    process.exit(0);
  };
  const common: Record<string, Handler> = {
    usage: () => ({ rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed, cpu: process.cpuUsage() }),
    gc: () => {
      (globalThis as { gc?: () => void }).gc?.();
      return process.memoryUsage();
    },
  };
  process.on("message", (message: RpcRequest) => {
    if (message.method === "exit") return void shutdown();
    const handler = handlers[message.method] ?? common[message.method];
    const reply = (body: Omit<RpcReply, "id">) => process.send?.({ id: message.id, ...body });
    if (!handler) return reply({ error: `unknown method ${message.method}` });
    Promise.resolve()
      .then(() => handler(message.params))
      .then(
        (result) => reply({ result }),
        (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
      );
  });
  process.on("disconnect", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
  process.send?.({ ready });
}
