/**
 * The render worker: renders one template per message, off the server's
 * event loop, with the same core `renderTemplate` (and so the same budget)
 * as everywhere else. Errors travel back as their structured fields and are
 * rebuilt into the same classes by `render-pool.ts`.
 */
import { parentPort } from "node:worker_threads";
import { renderTemplate } from "@promptline/core/render";
import type { RenderRequest, RenderReply } from "./render-messages.js";
import { decodeVariables, serializeRenderError } from "./render-messages.js";

const port = parentPort;
if (!port) throw new Error("render-worker.js runs in a worker thread (started by RenderPool)");

port.on("message", (request: RenderRequest) => {
  let reply: RenderReply;
  try {
    const template = renderTemplate(request.template, decodeVariables(request.variables), { mode: request.mode, limits: request.limits });
    reply = { id: request.id, ok: true, template };
  } catch (error) {
    reply = { id: request.id, ok: false, error: serializeRenderError(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true } satisfies RenderReply);
