/**
 * How the server renders a template for `POST /prompt-templates/{name}`:
 * first in the process with a small slice of the budget (a normal template
 * renders in microseconds and pays nothing more), and only a template that
 * runs out of that slice's steps or time is rendered again, from scratch, in
 * a worker thread with the full budget. So one prompt blocks the event loop
 * for at most the slice, never for the whole budget. Rendering is pure, so
 * rendering again gives the same result.
 */
import {
  renderTemplate,
  resolveRenderLimits,
  TemplateLimitError,
  type PromptTemplate,
  type RenderLimits,
} from "@promptline/core";
import { RenderPool, type RenderPoolOptions } from "./render-pool.js";

export interface TemplateRenderer {
  /** The limits of every render (the defaults with the operator's overrides). */
  readonly limits: RenderLimits;
  render(template: PromptTemplate, variables: Record<string, unknown>, mode: "strict" | "compatible"): Promise<PromptTemplate>;
  /** Stops the worker threads. */
  close(): Promise<void>;
}

export interface TemplateRendererOptions {
  /** Raise (or lower) render limits; see `RenderLimits` and docs/reliability.md. */
  limits?: Partial<RenderLimits> | undefined;
  /** Worker threads (default: one per core but one, 1–4); 0 renders everything in the process. */
  workers?: number | undefined;
  /** The in-process slice: at most this many steps… (default 20,000) */
  inlineSteps?: number;
  /** …and this many milliseconds (default 25) before a render moves to a worker. */
  inlineTimeMs?: number;
  pool?: Omit<RenderPoolOptions, "size">;
  /** Called when a render moves to a worker (for logs and metrics; tests wait on it). */
  onOffLoop?: () => void;
}

export function createTemplateRenderer(options: TemplateRendererOptions = {}): TemplateRenderer {
  const limits = resolveRenderLimits(options.limits);
  if (options.workers === 0) {
    return {
      limits,
      render: async (template, variables, mode) => renderTemplate(template, variables, { mode, limits }),
      close: async () => {},
    };
  }
  const inline: RenderLimits = {
    ...limits,
    maxSteps: Math.min(limits.maxSteps, options.inlineSteps ?? 20_000),
    maxTimeMs: Math.min(limits.maxTimeMs, options.inlineTimeMs ?? 25),
  };
  // Started on the first render that needs it: most servers never start a worker.
  let pool: RenderPool | undefined;
  return {
    limits,
    async render(template, variables, mode) {
      try {
        return renderTemplate(template, variables, { mode, limits: inline });
      } catch (error) {
        const outOfSlice =
          error instanceof TemplateLimitError &&
          ((error.limit === "maxSteps" && inline.maxSteps < limits.maxSteps) || (error.limit === "maxTimeMs" && inline.maxTimeMs < limits.maxTimeMs));
        if (!outOfSlice) throw error;
        options.onOffLoop?.();
        pool ??= new RenderPool({ ...options.pool, ...(options.workers !== undefined && { size: options.workers }) });
        return pool.render(template, variables, mode, limits);
      }
    },
    async close() {
      await pool?.close();
    },
  };
}
