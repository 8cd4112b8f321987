/**
 * Worker threads that render templates off the server's event loop, so a
 * slow render never delays `/healthz` or other requests. Each render has a
 * hard timeout on top of the cooperative wall-time limit inside the
 * interpreter: a worker still busy past it is terminated (and replaced by the
 * next render), and a worker that runs out of its own heap dies alone.
 * Either way the caller gets a `TemplateLimitError`.
 *
 * The worker is `render-worker.js` next to this file in the built package;
 * from the TypeScript sources (tests) it is started through
 * `source-worker.mjs`, which installs module hooks that strip types.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { TemplateLimitError, type PromptTemplate, type RenderLimits } from "@promptline/core";
import { deserializeRenderError, encodeVariables, type RenderReply, type RenderRequest } from "./render-messages.js";

export interface RenderPoolOptions {
  /** Worker threads. Default: one per core but one, between 1 and 4. */
  size?: number;
  /** A render holding a worker longer than this is stopped. Default: twice its `maxTimeMs`, plus 1 s. */
  hardTimeoutMs?: (limits: RenderLimits) => number;
  /** Heap of each worker, in MiB (`resourceLimits.maxOldGenerationSizeMb`). Default 512. */
  maxMemoryMb?: number;
}

interface Task {
  request: Omit<RenderRequest, "id">;
  resolve: (template: PromptTemplate) => void;
  reject: (error: unknown) => void;
}

interface Running extends Task {
  id: number;
  timer: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  running: Running | undefined;
}

const defaultHardTimeout = (limits: RenderLimits) => limits.maxTimeMs * 2 + 1000;

/** The worker's entry: compiled JavaScript next to this module, or the sources through the type-stripping hooks. */
function workerEntry(): { url: URL; workerData?: { entry: string } } {
  const fromSources = import.meta.url.endsWith(".ts");
  if (!fromSources) return { url: new URL("./render-worker.js", import.meta.url) };
  return { url: new URL("./source-worker.mjs", import.meta.url), workerData: { entry: new URL("./render-worker.ts", import.meta.url).href } };
}

export class RenderPool {
  private readonly size: number;
  private readonly hardTimeoutMs: (limits: RenderLimits) => number;
  private readonly maxMemoryMb: number;
  private readonly slots = new Set<Slot>();
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: RenderPoolOptions = {}) {
    this.size = options.size ?? Math.max(1, Math.min(4, availableParallelism() - 1));
    this.hardTimeoutMs = options.hardTimeoutMs ?? defaultHardTimeout;
    this.maxMemoryMb = options.maxMemoryMb ?? 512;
  }

  /** Renders in a worker; rejects with the render's own error (`TemplateLimitError`, `InvalidTemplateError`, …). */
  render(template: PromptTemplate, variables: Record<string, unknown>, mode: "strict" | "compatible", limits: RenderLimits): Promise<PromptTemplate> {
    if (this.closed) return Promise.reject(new Error("the render pool is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { template, variables: encodeVariables(variables), mode, limits }, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker; renders still queued or running are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error("the render pool is closed"));
    const stopping = [...this.slots].map((slot) => {
      if (slot.running) {
        clearTimeout(slot.running.timer);
        slot.running.reject(new Error("the render pool is closed"));
        slot.running = undefined;
      }
      return slot.worker.terminate();
    });
    this.slots.clear();
    await Promise.all(stopping);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = [...this.slots].find((each) => each.ready && !each.running);
      if (!slot) {
        // Start another worker if there is room; the queue drains when one says it is ready.
        if (this.slots.size < this.size) this.start();
        return;
      }
      this.run(slot, this.queue.shift() as Task);
    }
  }

  private run(slot: Slot, task: Task): void {
    const id = this.nextId++;
    const hardTimeoutMs = this.hardTimeoutMs(task.request.limits);
    const timer = setTimeout(() => {
      // Past the hard timeout: whatever the worker is doing, it stops now.
      this.retire(slot, new TemplateLimitError("maxTimeMs", task.request.limits.maxTimeMs, `the render was stopped after ${hardTimeoutMs} ms`));
    }, hardTimeoutMs);
    slot.running = { ...task, id, timer };
    // A render in progress keeps the process alive; an idle worker doesn't.
    slot.worker.ref();
    slot.worker.postMessage({ id, ...task.request } satisfies RenderRequest);
  }

  private start(): void {
    const entry = workerEntry();
    const worker = new Worker(entry.url, {
      ...(entry.workerData && { workerData: entry.workerData }),
      resourceLimits: { maxOldGenerationSizeMb: this.maxMemoryMb },
    });
    // An idle pool doesn't keep the process alive.
    worker.unref();
    const slot: Slot = { worker, ready: false, running: undefined };
    this.slots.add(slot);
    worker.on("message", (reply: RenderReply) => {
      if ("ready" in reply) {
        slot.ready = true;
      } else {
        const running = slot.running;
        if (!running || running.id !== reply.id) return;
        clearTimeout(running.timer);
        slot.running = undefined;
        worker.unref();
        if (reply.ok) running.resolve(reply.template);
        else running.reject(deserializeRenderError(reply.error));
      }
      this.dispatch();
    });
    worker.on("error", (error: Error & { code?: string }) => {
      const reason =
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? new TemplateLimitError("maxWorkerMemoryMb", this.maxMemoryMb, "the render ran out of the render worker's memory")
          : error;
      this.retire(slot, reason);
    });
    worker.on("exit", () => this.retire(slot, new Error("the render worker stopped")));
  }

  /** Takes a worker out of the pool (terminating it), fails its render with `reason`, and lets the queue go on. */
  private retire(slot: Slot, reason: unknown): void {
    if (!this.slots.delete(slot)) return;
    const running = slot.running;
    slot.running = undefined;
    if (running) {
      clearTimeout(running.timer);
      running.reject(reason);
    }
    void slot.worker.terminate();
    // A worker that dies before it is ready fails the queue instead of restarting for ever.
    if (!slot.ready) for (const task of this.queue.splice(0)) task.reject(reason);
    if (!this.closed) this.dispatch();
  }
}
