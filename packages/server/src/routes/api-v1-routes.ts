import { buildLogRecord, InvalidRequestError, wellFormedBatchRecords, PromptNotFoundError, versionsOfTarget, type PromptTemplate } from "@promptline/core";
import { Hono, type Context } from "hono";
import type { AppDependencies, AppEnv } from "../app-env.js";
import { labelActor, type RoutePermissions } from "../http/permissions.js";
import { NotFoundError } from "../http/route-errors.js";
import { parseWith, readBody, readJson } from "../http/read-json.js";
import { assertRunnable } from "./publish-checks.js";
import { requireGroups } from "./require-groups.js";
import { diffJson } from "../services/json-diff.js";
import { promptNotFound } from "../services/prompt-not-found.js";
import { expandTemplateSnippets } from "../services/template-response.js";
import { labelView, readLabelTarget } from "./label-views.js";
import { registryRevision } from "./registry-revision-route.js";
import type { PromptRecord, PromptVersionRecord, RequestQuery, StoredSpan } from "../storage/index.js";
import {
  batchRequestsBody,
  createKeyBody,
  protectedLabelParam,
  diffQuery,
  listPromptsQuery,
  listRequestsQuery,
  listTracesQuery,
  publishPromptBody,
  setRetentionBody,
  labelCompareQuery,
  trackGroupBody,
  trackMetadataBody,
  trackPromptBody,
  trackScoreBody,
  templateQuery,
} from "@promptline/core/wire";

/** Query strings with repeated keys (`tag=a&tag=b`) kept as lists. */
function queryOf(c: Context): Record<string, string | string[]> {
  const all = c.req.queries();
  return Object.fromEntries(Object.entries(all).map(([key, values]) => [key, values.length === 1 ? values[0]! : values]));
}

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function metadataFilter(pairs: string[]): Record<string, string> {
  const filter: Record<string, string> = {};
  for (const pair of pairs) {
    const colon = pair.indexOf(":");
    if (colon <= 0) throw new InvalidRequestError(`metadata filters are key:value, got ${JSON.stringify(pair)}.`);
    filter[pair.slice(0, colon)] = pair.slice(colon + 1);
  }
  return filter;
}

function storedVersionView(version: PromptVersionRecord) {
  return {
    id: version.id,
    prompt_id: version.prompt_id,
    prompt_name: version.prompt_name,
    version: version.version,
    prompt_template: version.prompt_template,
    metadata: version.metadata,
    commit_message: version.commit_message,
    author_key_id: version.author_key_id,
    created_at: version.created_at,
  };
}

/** Nanoseconds since the epoch → ISO-8601 (milliseconds; the exact value is beside it). */
const isoOfNanos = (nanos: string) => new Date(Number(BigInt(nanos) / 1_000_000n)).toISOString();

/** ISO-8601 → nanoseconds since the epoch (decimal text); instants before 1970 clamp to 0. */
const nanosOfIso = (iso: string) => (BigInt(Math.max(0, Date.parse(iso))) * 1_000_000n).toString();

/** A span as `GET /api/v1/traces/{trace_id}` shows it (DESIGN.md's fields, then the rest). */
function spanView(span: StoredSpan) {
  return {
    span_id: span.span_id,
    parent_span_id: span.parent_span_id,
    name: span.name,
    kind: span.kind,
    start_time: isoOfNanos(span.start_time_unix_nano),
    end_time: isoOfNanos(span.end_time_unix_nano),
    status: span.status,
    attributes: span.attributes,
    start_time_unix_nano: span.start_time_unix_nano,
    end_time_unix_nano: span.end_time_unix_nano,
    duration_ms: Number(BigInt(span.end_time_unix_nano) - BigInt(span.start_time_unix_nano)) / 1e6,
    events: span.events,
    links: span.links,
    resource: span.resource,
    scope: span.scope,
  };
}
/**
 * Who may call each route below (mounted at `/api/v1`): the least role, see
 * `http/permissions.ts`. Label writes also pass the key's `labelActor` to the
 * storage, which refuses a protected label to a role below deployer.
 */
export const apiV1Permissions: RoutePermissions = {
  "GET /prompts": "runner",
  "POST /prompts": "editor",
  "GET /prompts/:name": "runner",
  "GET /prompts/:name/versions": "runner",
  "GET /prompts/:name/template": "runner",
  "GET /prompts/:name/diff": "runner",
  "GET /prompts/:name/labels": "runner",
  "GET /prompts/:name/labels/history": "runner",
  "PUT /prompts/:name/labels/:label": "editor",
  "DELETE /prompts/:name/labels/:label": "editor",
  "POST /prompts/:name/labels/:label/rollback": "editor",
  "GET /prompts/:name/labels/:label/compare": "runner",
  // Archiving a prompt with a protected label also needs the deployer role (checked by the storage).
  "POST /prompts/:name/archive": "editor",
  "POST /prompts/:name/unarchive": "editor",
  "GET /registry/revision": "runner",
  "GET /requests": "runner",
  "POST /:segment{requests:batch}": "runner",
  "GET /requests/:request_id": "runner",
  "POST /requests/:request_id/metadata": "runner",
  "POST /requests/:request_id/score": "runner",
  "POST /requests/:request_id/prompt": "runner",
  "POST /requests/:request_id/group": "runner",
  "POST /groups": "runner",
  "GET /traces": "runner",
  "GET /traces/:trace_id": "runner",
  "GET /protected-labels": "runner",
  "PUT /protected-labels/:label": "admin",
  "DELETE /protected-labels/:label": "admin",
  "GET /workspace/retention": "runner",
  "PUT /workspace/retention": "admin",
  "GET /keys": "admin",
  "POST /keys": "admin",
  "DELETE /keys/:id{[0-9]+}": "admin",
};

/** Our own API for the SDK, the CLI and the dashboard. */
export function apiV1Routes({ storage, revisionWatcher, retentionDays }: AppDependencies) {
  const app = new Hono<AppEnv>();

  async function promptOr404(c: Context<AppEnv>): Promise<PromptRecord> {
    const name = c.req.param("name")!;
    const prompt = await storage.prompts.get(c.var.workspaceId, { name });
    if (!prompt) throw new PromptNotFoundError(name);
    return prompt;
  }

  app.get("/prompts", async (c) => {
    const query = parseWith(listPromptsQuery, queryOf(c), "query");
    const page = await storage.prompts.list(c.var.workspaceId, query);
    return c.json({
      ...page,
      items: page.items.map(({ prompt, version, labels, last_used_at, request_count }) => ({
        ...prompt,
        version: storedVersionView(version),
        labels: labels.map((label) => ({ id: label.id, name: label.name, version: label.prompt_version_number })),
        last_used_at,
        request_count,
      })),
    });
  });

  app.post("/prompts", async (c) => {
    const body = await readBody(c, publishPromptBody);
    assertRunnable(body.prompt_template as PromptTemplate, body.metadata);
    const result = await storage.prompts.publish(c.var.workspaceId, {
      name: body.prompt_name,
      prompt_template: body.prompt_template as PromptTemplate,
      metadata: body.metadata ?? null,
      commit_message: body.commit_message ?? null,
      tags: body.tags ?? null,
      release_labels: body.release_labels ?? null,
      ...labelActor(c.var.apiKey),
      skip_if_unchanged: body.skip_if_unchanged ?? false,
    });
    return c.json(
      { created: result.created, prompt: result.prompt, version: storedVersionView(result.version), labels: result.labels },
      result.created ? 201 : 200,
    );
  });

  for (const [action, archived] of [["archive", true], ["unarchive", false]] as const) {
    app.post(`/prompts/:name/${action}`, async (c) => {
      const name = c.req.param("name");
      const prompt = await storage.prompts.setArchived(c.var.workspaceId, { name }, archived, labelActor(c.var.apiKey));
      if (!prompt) throw new PromptNotFoundError(name);
      return c.json({ prompt });
    });
  }

  app.get("/prompts/:name", async (c) => {
    const prompt = await promptOr404(c);
    const [versions, labels] = await Promise.all([
      storage.prompts.listVersions(c.var.workspaceId, { id: prompt.id }),
      storage.labels.list(c.var.workspaceId, { id: prompt.id }),
    ]);
    return c.json({ prompt, versions: versions.map(storedVersionView), labels });
  });

  app.get("/prompts/:name/versions", async (c) => {
    const prompt = await promptOr404(c);
    const versions = await storage.prompts.listVersions(c.var.workspaceId, { id: prompt.id });
    return c.json({ items: versions.map(storedVersionView) });
  });

  app.get("/prompts/:name/template", async (c) => {
    const name = c.req.param("name");
    const { expand_snippets, ...selector } = parseWith(templateQuery, queryOf(c), "query");
    // Read first: what follows is at least this new, so the SDK knows whether a revision it hears of later is news (decision 0008).
    const registryRevision = (await storage.workspaces.registryRevision(c.var.workspaceId)) ?? 0;
    const resolved = await storage.prompts.getVersion(c.var.workspaceId, { name }, selector);
    if (!resolved) throw await promptNotFound(storage, c.var.workspaceId, { name }, selector, name);
    // The SDK's fetch: snippets expanded as POST /prompt-templates/{name} expands them, with the versions used (decision 0009).
    const versionView = async (version: PromptVersionRecord) => {
      if (expand_snippets !== "true") return storedVersionView(version);
      const { template, snippets } = await expandTemplateSnippets(storage, c.var.workspaceId, version.prompt_template);
      return { ...storedVersionView(version), prompt_template: template, snippets };
    };
    const target = resolved.label_target;
    if (!target?.routing) {
      return c.json({ prompt: resolved.prompt, version: await versionView(resolved.version), labels: resolved.labels, registry_revision: registryRevision });
    }
    // A split label: everything the SDK needs to pick a version per run without asking again (decision 0008).
    const others = versionsOfTarget(target).filter((number) => number !== resolved.version.version);
    const fetched = await Promise.all(others.map((version) => storage.prompts.getVersion(c.var.workspaceId, { id: resolved.prompt.id }, { version })));
    return c.json({
      prompt: resolved.prompt,
      version: await versionView(resolved.version),
      labels: resolved.labels,
      label: { name: selector.label, split: target.routing.split, sticky_by: target.routing.sticky_by, segments: target.routing.segments },
      versions: await Promise.all([resolved.version, ...fetched.flatMap((found) => (found ? [found.version] : []))].map(versionView)),
      registry_revision: registryRevision,
    });
  });

  app.get("/prompts/:name/diff", async (c) => {
    const name = c.req.param("name");
    const { from, to } = parseWith(diffQuery, queryOf(c), "query");
    const [before, after] = await Promise.all(
      [from, to].map((version) => storage.prompts.getVersion(c.var.workspaceId, { name }, { version })),
    );
    if (!before) throw new PromptNotFoundError(name, { version: from });
    if (!after) throw new PromptNotFoundError(name, { version: to });
    const pick = (v: PromptVersionRecord) => ({ prompt_template: v.prompt_template, metadata: v.metadata, commit_message: v.commit_message });
    return c.json({
      from: storedVersionView(before.version),
      to: storedVersionView(after.version),
      changes: diffJson(pick(before.version), pick(after.version)),
    });
  });

  app.get("/prompts/:name/labels", async (c) => {
    const prompt = await promptOr404(c);
    return c.json({ items: (await storage.labels.list(c.var.workspaceId, { id: prompt.id })).map(labelView) });
  });

  app.get("/prompts/:name/labels/history", async (c) => {
    const prompt = await promptOr404(c);
    const label = c.req.query("label");
    return c.json({ items: await storage.labels.history(c.var.workspaceId, { id: prompt.id }, label ? { label } : {}) });
  });

  app.put("/prompts/:name/labels/:label", async (c) => {
    const prompt = await promptOr404(c);
    const target = await readLabelTarget(c);
    const label = await storage.labels.set(c.var.workspaceId, {
      prompt: { id: prompt.id },
      name: c.req.param("label"),
      version: target.version,
      routing: target.routing,
      ...labelActor(c.var.apiKey),
    });
    return c.json(labelView(label));
  });

  app.post("/prompts/:name/labels/:label/rollback", async (c) => {
    const prompt = await promptOr404(c);
    const label = await storage.labels.rollback(c.var.workspaceId, { id: prompt.id }, c.req.param("label"), labelActor(c.var.apiKey));
    return c.json(labelView(label));
  });

  app.get("/prompts/:name/labels/:label/compare", async (c) => {
    const prompt = await promptOr404(c);
    const query = parseWith(labelCompareQuery, queryOf(c), "query");
    const items = await storage.requests.compareLabel(c.var.workspaceId, {
      prompt_name: prompt.name,
      prompt_label: c.req.param("label"),
      ...(query.from && { from: new Date(query.from).toISOString() }),
      ...(query.to && { to: new Date(query.to).toISOString() }),
    });
    return c.json({ items });
  });

  app.get("/registry/revision", (c) => registryRevision(c, revisionWatcher));

  app.delete("/prompts/:name/labels/:label", async (c) => {
    const prompt = await promptOr404(c);
    const labels = await storage.labels.list(c.var.workspaceId, { id: prompt.id });
    const label = labels.find((candidate) => candidate.name === c.req.param("label"));
    if (!label) throw new PromptNotFoundError(prompt.name, { label: c.req.param("label") });
    await storage.labels.delete(c.var.workspaceId, label.id, labelActor(c.var.apiKey));
    return c.body(null, 204);
  });

  app.get("/requests", async (c) => {
    const query = parseWith(listRequestsQuery, queryOf(c), "query");
    const filter: RequestQuery = {
      ...(query.prompt && { prompt_name: query.prompt }),
      ...(query.version && { prompt_version: query.version }),
      ...(query.label && { prompt_label: query.label }),
      ...(query.tag && { tags: asList(query.tag) }),
      ...(query.metadata && { metadata: metadataFilter(asList(query.metadata)) }),
      ...(query.status && { status: query.status }),
      ...(query.provider && { provider: query.provider }),
      ...(query.model && { model: query.model }),
      ...(query.group_id !== undefined && { group_id: query.group_id }),
      ...(query.from && { from: new Date(query.from).toISOString() }),
      ...(query.to && { to: new Date(query.to).toISOString() }),
      ...(query.cursor && { cursor: query.cursor }),
      limit: query.limit,
    };
    return c.json(await storage.requests.query(c.var.workspaceId, filter));
  });

  // Google-style custom method; Hono would read a bare `:batch` as a parameter, so match the segment by pattern.
  app.post("/:segment{requests:batch}", async (c) => {
    // Well-formed records skip zod's deep parse (a tenth of the CPU here); anything else gets zod's parse and its errors.
    const wellFormed = wellFormedBatchRecords(await readJson(c));
    const records = (wellFormed ?? (await readBody(c, batchRequestsBody)).records).map(buildLogRecord);
    await requireGroups(storage, c.var.workspaceId, records.map((record) => record.group_id));
    const results = await storage.requests.insertMany(c.var.workspaceId, records);
    return c.json({ results, accepted: results.filter((result) => result.created).length, duplicates: results.filter((result) => !result.created).length });
  });

  app.get("/requests/:request_id", async (c) => {
    const ref = c.req.param("request_id");
    const row = await storage.requests.get(c.var.workspaceId, /^\d+$/.test(ref) ? Number(ref) : ref);
    if (!row) throw new NotFoundError(`No request ${ref} in this workspace.`);
    return c.json(row);
  });

  app.get("/traces", async (c) => {
    const query = parseWith(listTracesQuery, queryOf(c), "query");
    const page = await storage.spans.traces(c.var.workspaceId, {
      ...(query.since && { since_unix_nano: nanosOfIso(query.since) }),
      ...(query.until && { until_unix_nano: nanosOfIso(query.until) }),
      ...(query.name !== undefined && { name: query.name }),
      ...(query.cursor !== undefined && { cursor: query.cursor }),
      limit: query.limit,
    });
    return c.json({
      traces: page.traces.map(({ start_time_unix_nano, end_time_unix_nano, ...trace }) => ({
        trace_id: trace.trace_id,
        root_span_name: trace.root_span_name,
        start_time: isoOfNanos(start_time_unix_nano),
        end_time: isoOfNanos(end_time_unix_nano),
        span_count: trace.span_count,
        request_count: trace.request_count,
        start_time_unix_nano,
        end_time_unix_nano,
      })),
      next_cursor: page.next_cursor,
    });
  });

  app.get("/traces/:trace_id", async (c) => {
    const traceId = c.req.param("trace_id").toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(traceId)) throw new InvalidRequestError("A trace id is 32 hex digits.", ["trace_id"]);
    const spans = await storage.spans.trace(c.var.workspaceId, traceId);
    if (spans.length === 0) throw new NotFoundError(`No trace ${traceId} in this workspace.`);
    const requests = await storage.spans.requestsOfTrace(c.var.workspaceId, traceId);
    return c.json({ trace_id: traceId, spans: spans.map(spanView), requests });
  });

  const requestRef = (c: Context) => {
    const ref = c.req.param("request_id")!;
    return /^\d+$/.test(ref) ? Number(ref) : ref;
  };
  const notFound = (c: Context) => new NotFoundError(`No request ${c.req.param("request_id")} in this workspace.`);

  app.post("/requests/:request_id/metadata", async (c) => {
    const { metadata } = await readBody(c, trackMetadataBody);
    if (!(await storage.requests.updateMetadata(c.var.workspaceId, requestRef(c), metadata))) throw notFound(c);
    return c.json({ success: true });
  });

  app.post("/requests/:request_id/score", async (c) => {
    const body = await readBody(c, trackScoreBody);
    const score = await storage.scores.add(c.var.workspaceId, { request: requestRef(c), score: body.score, name: body.name ?? null });
    if (!score) throw notFound(c);
    return c.json({ success: true, score });
  });

  app.post("/requests/:request_id/prompt", async (c) => {
    const body = await readBody(c, trackPromptBody);
    const linked = await storage.requests.setPrompt(c.var.workspaceId, requestRef(c), {
      prompt: { name: body.prompt_name },
      version: body.version ?? null,
      label: body.label ?? null,
      input_variables: body.input_variables ?? null,
    });
    if (!linked) throw notFound(c);
    return c.json({ success: true });
  });

  app.post("/requests/:request_id/group", async (c) => {
    const { group_id } = await readBody(c, trackGroupBody);
    if (!(await storage.requests.setGroup(c.var.workspaceId, requestRef(c), group_id))) throw notFound(c);
    return c.json({ success: true });
  });

  app.post("/groups", async (c) => c.json(await storage.groups.create(c.var.workspaceId), 201));

  app.get("/protected-labels", async (c) => c.json({ labels: await storage.protectedLabels.list(c.var.workspaceId) }));

  app.put("/protected-labels/:label", async (c) => {
    const label = parseWith(protectedLabelParam, c.req.param("label"), "label");
    await storage.protectedLabels.protect(c.var.workspaceId, label);
    return c.json({ labels: await storage.protectedLabels.list(c.var.workspaceId) });
  });

  app.delete("/protected-labels/:label", async (c) => {
    const label = parseWith(protectedLabelParam, c.req.param("label"), "label");
    await storage.protectedLabels.unprotect(c.var.workspaceId, label);
    return c.json({ labels: await storage.protectedLabels.list(c.var.workspaceId) });
  });

  /** The workspace's retention as the sweep applies it: its own setting, else the server's, else none. */
  async function retentionView(workspaceId: number) {
    const own = (await storage.retention.get(workspaceId)) ?? null;
    const days = own ?? retentionDays;
    return { days, source: own !== null ? "workspace" : retentionDays !== null ? "server" : "none", workspace_days: own, server_days: retentionDays };
  }

  app.get("/workspace/retention", async (c) => c.json(await retentionView(c.var.workspaceId)));

  app.put("/workspace/retention", async (c) => {
    const { days } = await readBody(c, setRetentionBody);
    await storage.retention.set(c.var.workspaceId, days);
    return c.json(await retentionView(c.var.workspaceId));
  });

  app.get("/keys", async (c) => c.json({ items: await storage.apiKeys.list(c.var.workspaceId) }));

  app.post("/keys", async (c) => {
    const body = await readBody(c, createKeyBody);
    const created = await storage.apiKeys.create(c.var.workspaceId, {
      ...(body.name && { name: body.name }),
      ...(body.role && { role: body.role }),
      ...(body.admin !== undefined && { admin: body.admin }),
    });
    return c.json({ ...created.key, key: created.plaintext }, 201);
  });

  app.delete("/keys/:id{[0-9]+}", async (c) => {
    const revoked = await storage.apiKeys.revoke(c.var.workspaceId, Number(c.req.param("id")));
    if (!revoked) throw new NotFoundError(`No live API key ${c.req.param("id")} in this workspace.`);
    return c.body(null, 204);
  });

  return app;
}
