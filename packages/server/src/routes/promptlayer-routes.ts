import { InvalidRequestError, PromptNotFoundError } from "@promptline/core";
import { Hono, type Context } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv, AppDependencies } from "../app-env.js";
import { labelActor, type RoutePermissions } from "../http/permissions.js";
import { NotFoundError } from "../http/route-errors.js";
import { bodyFieldAsWritten, parseWith, readBody, readJson } from "../http/read-json.js";
import {
  getTemplateBodySchema,
  logRequestBodySchema,
  promptLayerCreateLabelBody,
  promptLayerListQuery,
  promptLayerMoveLabelBody,
  promptLayerPublishBody,
  promptLayerTrackGroupBody,
  promptLayerTrackMetadataBody,
  promptLayerTrackPromptBody,
  promptLayerTrackScoreBody,
  trackRequestBodyFast,
  trackRequestBodySchema,
} from "@promptline/core/wire";
import { assertRunnable } from "./publish-checks.js";
import { requireGroups } from "./require-groups.js";
import { givenScore, loggedRequestFrom } from "../services/log-request.js";
import type { PromptSummary, ReleaseLabelRecord, RequestRef } from "../storage/index.js";

function labelView(label: ReleaseLabelRecord) {
  return {
    release_label_id: label.id,
    release_label: label.name,
    prompt_version_id: label.prompt_version_id,
    prompt_version_number: label.prompt_version_number,
  };
}

function listItem({ prompt, version, labels }: PromptSummary) {
  return {
    id: prompt.id,
    prompt_name: prompt.name,
    tags: prompt.tags,
    folder_id: null,
    prompt_template: version.prompt_template,
    version: version.version,
    commit_message: version.commit_message,
    metadata: version.metadata,
    release_labels: labels.map((label) => label.name),
    parent_folder_name: null,
    full_folder_path: null,
  };
}

/** The template fetch (`templates.get`), as registered with Hono. */
export const templateFetchRoute = "/prompt-templates/:identifier{.+}";

/** Who may call each route below (at the root): the least role, see `http/permissions.ts`. */
export const promptLayerPermissions: RoutePermissions = {
  [`POST ${templateFetchRoute}`]: "runner",
  "GET /prompt-templates/:identifier{.+}/labels": "runner",
  "GET /prompt-templates": "runner",
  "POST /rest/prompt-templates": "editor",
  "POST /prompts/:promptId{[0-9]+}/label": "editor",
  "PATCH /prompt-labels/:labelId{[0-9]+}": "editor",
  "DELETE /prompt-labels/:labelId{[0-9]+}": "editor",
  "POST /track-request": "runner",
  "POST /log-request": "runner",
  "POST /library-track-metadata": "runner",
  "POST /rest/track-metadata": "runner",
  "POST /library-track-score": "runner",
  "POST /rest/track-score": "runner",
  "POST /library-track-prompt": "runner",
  "POST /rest/track-prompt": "runner",
  "POST /track-group": "runner",
  "POST /rest/track-group": "runner",
  "POST /create-group": "runner",
};

/**
 * The routes whose clients send the key as `api_key` in the JSON body, not in
 * a header (contract §1: the track helpers, `/track-request`, `/create-group`;
 * Python also on the template fetch, with the header too). Only these read
 * a body before the key is known (see `requireApiKey`).
 */
export const bodyKeyRoutePaths: ReadonlySet<string> = new Set([
  templateFetchRoute,
  "/track-request",
  "/library-track-metadata",
  "/rest/track-metadata",
  "/library-track-score",
  "/rest/track-score",
  "/library-track-prompt",
  "/rest/track-prompt",
  "/track-group",
  "/rest/track-group",
  "/create-group",
]);

/** True when the request is for one of `bodyKeyRoutePaths`. */
export const takesKeyInBody = (c: Context): boolean =>
  c.req.method === "POST" && matchedRoutes(c).some((route) => route.method === "POST" && bodyKeyRoutePaths.has(route.path));

/**
 * Every PromptLayer route the official SDK calls (contract §3, §9), at the
 * root with PromptLayer's paths, status codes and bodies.
 */
export function promptLayerRoutes({ storage, mintRequestId, templateFetch, trackRequest }: AppDependencies) {
  const app = new Hono<AppEnv>();

  // Template fetch. The name may contain `/` (PromptLayer's SDK doesn't encode it). Served by node:http
  // (`startServer`), a fetch with its key in a header is usually answered before Hono by the same
  // `templateFetch` (`http/template-fetch-front.ts`, decision 0031); everything else comes here.
  app.post(templateFetchRoute, async (c) => {
    const body = await readBody(c, getTemplateBodySchema);
    const answer = await templateFetch(c.var.workspaceId, c.req.param("identifier"), body, () => bodyFieldAsWritten(c, "input_variables"));
    // JSON text (kept for repeated fetches, see `createTemplateAnswerCache`), sent as `c.json` would send it.
    return c.body(answer, 200, { "content-type": "application/json" });
  });

  app.get("/prompt-templates/:identifier{.+}/labels", async (c) => {
    const identifier = c.req.param("identifier");
    const prompt = await storage.prompts.get(c.var.workspaceId, { identifier });
    if (!prompt) throw new PromptNotFoundError(identifier);
    const labels = await storage.labels.list(c.var.workspaceId, { id: prompt.id });
    return c.json({ release_labels: labels.map(labelView) });
  });

  app.get("/prompt-templates", async (c) => {
    const query = promptLayerListQuery.safeParse(c.req.query());
    if (!query.success) throw new InvalidRequestError("page and per_page must be positive integers (per_page at most 100).");
    const { page, per_page, label } = query.data;
    const result = await storage.prompts.list(c.var.workspaceId, { page, per_page, ...(label && { label }) });
    return c.json({
      items: result.items.map(listItem),
      page: result.page,
      per_page: result.per_page,
      pages: result.pages,
      total: result.total,
      has_next: result.page < result.pages,
      has_prev: result.page > 1,
      next_num: result.page < result.pages ? result.page + 1 : null,
      prev_num: result.page > 1 ? result.page - 1 : null,
    });
  });

  // Publish: the SDK duplicates its body into `prompt_template` and `prompt_version`.
  app.post("/rest/prompt-templates", async (c) => {
    const body = await readBody(c, promptLayerPublishBody);
    const head = body.prompt_template;
    const template = body.prompt_version?.prompt_template ?? head.prompt_template;
    if (!template) throw new InvalidRequestError("prompt_version.prompt_template is required: the template to publish.");
    assertRunnable(template, body.prompt_version?.metadata ?? head.metadata);
    const result = await storage.prompts.publish(c.var.workspaceId, {
      name: head.prompt_name,
      prompt_template: template,
      metadata: body.prompt_version?.metadata ?? head.metadata ?? null,
      commit_message: body.prompt_version?.commit_message ?? head.commit_message ?? null,
      tags: head.tags ?? null,
      release_labels: body.release_labels ?? null,
      ...labelActor(c.var.apiKey),
    });
    return c.json(
      {
        id: result.prompt.id,
        prompt_name: result.prompt.name,
        tags: result.prompt.tags,
        prompt_template: result.version.prompt_template,
        commit_message: result.version.commit_message,
        metadata: result.version.metadata,
        release_labels: result.labels.filter((label) => label.prompt_version_id === result.version.id).map((label) => label.name),
        prompt_version_id: result.version.id,
        version_number: result.version.version,
      },
      201,
    );
  });

  app.post("/prompts/:promptId{[0-9]+}/label", async (c) => {
    const body = await readBody(c, promptLayerCreateLabelBody);
    const label = await storage.labels.set(c.var.workspaceId, {
      prompt: { id: Number(c.req.param("promptId")) },
      name: body.name,
      version: body.prompt_version_number,
      ...labelActor(c.var.apiKey),
    });
    return c.json({ success: true, ...labelView(label) }, 201);
  });

  app.patch("/prompt-labels/:labelId{[0-9]+}", async (c) => {
    const body = await readBody(c, promptLayerMoveLabelBody);
    const labelId = Number(c.req.param("labelId"));
    const label = await storage.labels.move(c.var.workspaceId, labelId, body.prompt_version_number, labelActor(c.var.apiKey));
    if (!label) throw new NotFoundError(`No release label ${labelId} in this workspace.`);
    return c.json({ success: true, ...labelView(label) });
  });

  app.delete("/prompt-labels/:labelId{[0-9]+}", async (c) => {
    const labelId = Number(c.req.param("labelId"));
    const deleted = await storage.labels.delete(c.var.workspaceId, labelId, labelActor(c.var.apiKey));
    if (!deleted) throw new NotFoundError(`No release label ${labelId} in this workspace.`);
    return c.body(null, 204);
  });

  // Served by node:http (`startServer`), a tracked request with a valid key is usually answered before Hono by the
  // same `trackRequest` (`http/track-request-front.ts`, decision 0032); everything else comes here.
  app.post("/track-request", async (c) => {
    // The SDKs' usual body is checked without zod's walk; anything else, and every refusal, is zod's.
    const json = await readJson(c);
    const body = trackRequestBodyFast(json) ?? parseWith(trackRequestBodySchema, json, "body");
    const prepared = await trackRequest.prepare(c.var.workspaceId, body);
    // The answer's JSON text, sent as `c.json` would send it.
    return c.body(await trackRequest.store(c.var.workspaceId, prepared), 200, { "Content-Type": "application/json" });
  });

  app.post("/log-request", async (c) => {
    const body = await readBody(c, logRequestBodySchema);
    const prompt = await promptOf(body.prompt_id ?? body.prompt_name);
    const record = loggedRequestFrom(body, mintRequestId(), prompt?.name ?? null);
    record.prompt_id = prompt?.id ?? null;
    await requireGroups(storage, c.var.workspaceId, [record.group_id]);
    const row = await storage.requests.insert(c.var.workspaceId, record);
    const score = givenScore(body);
    if (score !== null) await storage.scores.add(c.var.workspaceId, { request: row.id, score, name: body.score_name ?? null });
    return c.json({ ...row, prompt_version: row.prompt_blueprint, prompt_version_number: row.prompt_version }, 201);

    async function promptOf(ref: number | string | null | undefined) {
      if (ref === null || ref === undefined) return undefined;
      return storage.prompts.get(c.var.workspaceId, { identifier: String(ref) });
    }
  });

  // The track.* helpers and their documented REST twins.
  const requestNotFound = (ref: RequestRef) => new NotFoundError(`No request ${JSON.stringify(ref)} in this workspace.`);

  for (const path of ["/library-track-metadata", "/rest/track-metadata"]) {
    app.post(path, async (c) => {
      const body = await readBody(c, promptLayerTrackMetadataBody);
      if (!(await storage.requests.updateMetadata(c.var.workspaceId, body.request_id, body.metadata))) throw requestNotFound(body.request_id);
      return c.json({ success: true });
    });
  }

  for (const path of ["/library-track-score", "/rest/track-score"]) {
    app.post(path, async (c) => {
      const body = await readBody(c, promptLayerTrackScoreBody);
      const score = await storage.scores.add(c.var.workspaceId, { request: body.request_id, score: body.score, name: body.name ?? null });
      if (!score) throw requestNotFound(body.request_id);
      return c.json({ success: true });
    });
  }

  for (const path of ["/library-track-prompt", "/rest/track-prompt"]) {
    app.post(path, async (c) => {
      const body = await readBody(c, promptLayerTrackPromptBody);
      const linked = await storage.requests.setPrompt(c.var.workspaceId, body.request_id, {
        prompt: { name: body.prompt_name },
        version: body.version ?? null,
        label: body.label ?? null,
        input_variables: body.prompt_input_variables ?? null,
      });
      if (!linked) throw requestNotFound(body.request_id);
      return c.json({ success: true });
    });
  }

  for (const path of ["/track-group", "/rest/track-group"]) {
    app.post(path, async (c) => {
      const body = await readBody(c, promptLayerTrackGroupBody);
      if (!(await storage.requests.setGroup(c.var.workspaceId, body.request_id, body.group_id))) throw requestNotFound(body.request_id);
      return c.json({ success: true });
    });
  }

  app.post("/create-group", async (c) => {
    const group = await storage.groups.create(c.var.workspaceId);
    return c.json({ success: true, id: group.id });
  });

  return app;
}
