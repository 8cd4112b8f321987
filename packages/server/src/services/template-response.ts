import {
  expandSnippets,
  PromptArchivedError,
  resolveLabelVersion,
  InvalidTemplateError,
  prepareRequest,
  providerDescriptor,
  PromptNotFoundError,
  PythonFloat,
  type ModelSettings,
  type PromptTemplate,
  type SnippetReference,
  type SnippetUse,
} from "@promptline/core";
import type { GetTemplateBody } from "@promptline/core/wire";
import { LRUCache } from "lru-cache";
import type { TemplateRenderer } from "../render/template-renderer.js";
import type { ResolvedPromptVersion, Storage } from "../storage/index.js";
import { promptNotFound } from "./prompt-not-found.js";


/**
 * Snippets (`@@@name@@@`) are other prompts' text, resolved in the caller's
 * workspace before variables are rendered. Each version used is added to
 * `used` (once, in order of first use), for the log record.
 */
export function snippetResolver(storage: Storage, workspaceId: number, used: SnippetUse[] = []) {
  return async (ref: SnippetReference): Promise<string> => {
    const found = await storage.prompts.getVersion(workspaceId, { name: ref.name }, {
      ...(ref.version !== undefined && { version: ref.version }),
      ...(ref.label !== undefined && { label: ref.label }),
    });
    if (!found) throw new PromptNotFoundError(ref.name, ref);
    const use = { name: found.prompt.name, version: found.version.version };
    if (!used.some((each) => each.name === use.name && each.version === use.version)) used.push(use);
    return templateText(found.version.prompt_template);
  };
}

/**
 * A stored template with its snippets expanded by the same function, and the
 * same resolver, as `POST /prompt-templates/{name}` uses: what the SDK runs
 * (decision 0009), so both paths send the same text.
 */
export async function expandTemplateSnippets(
  storage: Storage,
  workspaceId: number,
  template: PromptTemplate,
): Promise<{ template: PromptTemplate; snippets: SnippetUse[] }> {
  const snippets: SnippetUse[] = [];
  return { template: await expandSnippets(template, snippetResolver(storage, workspaceId, snippets)), snippets };
}

function templateText(template: PromptTemplate): string {
  const blocks = template.type === "completion" ? template.content : template.messages.flatMap((message) => message.content ?? []);
  return blocks.map((block) => (block.type === "text" ? block.text : "")).join("");
}

/**
 * Placeholder messages and tool variables can only be filled from input
 * variables; when rendering is skipped they stay in `prompt_template` and are
 * left out of `llm_kwargs` (PromptLayer's SDK cache re-fetches such prompts
 * rendered anyway).
 */
function withoutUnrenderedParts(template: PromptTemplate): PromptTemplate {
  if (template.type === "completion") return template;
  return {
    ...template,
    messages: template.messages.filter((message) => message.role !== "placeholder"),
    tools: template.tools?.filter((tool) => tool.type !== "variable") ?? template.tools,
  };
}


/**
 * The model settings as the official SDKs need them: `api_type` spelled out
 * where our codecs default it (`chat-completions` for OpenAI and Azure), so a
 * prompt published without one (through `/api/v1`, `promptline push` or the
 * dashboard) runs with PromptLayer's own `run()` too.
 */
export function withSdkModelDefaults(model: ModelSettings): ModelSettings {
  // The official SDKs pick the call from `api_type` ("openai:undefined" fails in promptlayer@1.3.6's `run()`).
  const defaultApiType = providerDescriptor(model.provider)?.codecs.defaultApiType;
  if (defaultApiType === undefined || model.api_type) return model;
  return { ...model, api_type: defaultApiType };
}

/**
 * The PromptLayer template response (contract §3.1): the stored version,
 * rendered with PromptLayer's server semantics (missing variables become
 * empty), with `llm_kwargs` built by the core codecs for the provider — the
 * template's own or the one asked for.
 */
export async function buildTemplateResponse(
  storage: Storage,
  workspaceId: number,
  resolved: ResolvedPromptVersion,
  body: GetTemplateBody,
  renderer: TemplateRenderer,
) {
  const { prompt, version } = resolved;
  const expanded = await expandSnippets(version.prompt_template, snippetResolver(storage, workspaceId), { limits: renderer.limits });
  const skipRendering = body.skip_input_variable_rendering === true;
  // Within the render limits; a template that renders long does so off the event loop.
  const rendered = skipRendering ? expanded : await renderer.render(expanded, body.input_variables ?? {}, "compatible");
  if (!version.metadata?.model) {
    throw new InvalidTemplateError(`prompt "${prompt.name}" version ${version.version} has no model settings (metadata.model)`);
  }
  const prepared = prepareRequest({
    template: withoutUnrenderedParts(rendered),
    metadata: version.metadata,
    skipRendering: true,
    provider: body.provider ?? undefined,
    model: body.model ?? undefined,
    parameterOverrides: body.model_parameter_overrides ?? undefined,
    // The official SDKs have no such option: answer with the request they can send, and say what was dropped in `warning`.
    allowDroppedResponseFormat: true,
  });
  const baseUrl = prepared.model.base_url;
  return {
    id: prompt.id,
    prompt_name: prompt.name,
    tags: prompt.tags,
    workspace_id: workspaceId,
    version: version.version,
    commit_message: version.commit_message,
    prompt_template: rendered,
    metadata: { ...version.metadata, model: withSdkModelDefaults(prepared.model) },
    llm_kwargs: prepared.kwargs,
    provider_base_url: baseUrl ? { id: null, name: null, provider: prepared.model.provider, url: baseUrl } : null,
    custom_provider: null,
    provider_id: null,
    snippets: [],
    release_labels: resolved.labels,
    warning: prepared.warnings.length > 0 ? prepared.warnings.join(" ") : null,
  };
}

/**
 * Keeps `10.0` (a `PythonFloat`, rendered "10.0") apart from `10` in a key:
 * its `toJSON` is the plain number. The marker holds a NUL, which no accepted
 * body can (`requireJsonBody`), so no variable can spell it.
 */
function floatsAsWritten(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  return original instanceof PythonFloat ? `\u0000pyfloat:${original.value}` : value;
}

export interface TemplateAnswerCacheOptions {
  /** Answers kept (least recently used go first). Default 1,000. */
  maxEntries?: number;
  /** Bound on their total size, in JSON characters. Default 16 Mi. */
  maxCharacters?: number;
}

/**
 * `POST /prompt-templates/{name}` answers as JSON text, kept for a repeated
 * fetch of the same resolved version with the same variables and options.
 *
 * Valid without a check of its own: it is keyed by the identity of the
 * `ResolvedPromptVersion`, and the registry read cache hands out the same
 * frozen object only while the workspace's registry revision is unchanged
 * (decision 0004): any publish, label move or snippet change raises it, so
 * the next fetch gets a new object, which no answer is kept under. Snippets
 * live in the same workspace, so they can't change without it either. The
 * rest of the answer is a pure function of the version and the body's
 * `input_variables` (as written), `provider`, `model`,
 * `model_parameter_overrides` and `skip_input_variable_rendering`, which make
 * the key. Renders that fail are not kept. Unfrozen (uncached) reads are not
 * kept: their identity says nothing about their freshness.
 */
export function createTemplateAnswerCache(storage: Storage, renderer: TemplateRenderer, options: TemplateAnswerCacheOptions = {}) {
  const answers = new LRUCache<string, string>({ max: options.maxEntries ?? 1000, maxSize: options.maxCharacters ?? 16 * 1024 * 1024 });
  // Numbers for the resolved versions seen: a key can't hold an object, and a WeakMap lets old versions go.
  const versionIds = new WeakMap<ResolvedPromptVersion, number>();
  let nextVersionId = 0;

  return async function templateAnswer(workspaceId: number, resolved: ResolvedPromptVersion, body: GetTemplateBody): Promise<string> {
    if (!Object.isFrozen(resolved)) return JSON.stringify(await buildTemplateResponse(storage, workspaceId, resolved, body, renderer));
    let versionId = versionIds.get(resolved);
    if (versionId === undefined) versionIds.set(resolved, (versionId = nextVersionId++));
    const key = `${workspaceId} ${versionId} ${JSON.stringify(
      [body.input_variables ?? null, body.provider ?? null, body.model ?? null, body.model_parameter_overrides ?? null, body.skip_input_variable_rendering === true],
      floatsAsWritten,
    )}`;
    const cached = answers.get(key);
    if (cached !== undefined) return cached;
    const answer = JSON.stringify(await buildTemplateResponse(storage, workspaceId, resolved, body, renderer));
    answers.set(key, answer, { size: Math.max(1, answer.length + key.length) });
    return answer;
  };
}

/** Answers `POST /prompt-templates/{identifier}` as JSON text (see `createTemplateFetch`). */
export type TemplateFetch = (
  workspaceId: number,
  identifier: string,
  body: GetTemplateBody,
  /** The body's `input_variables` as written (`fieldAsWritten`): `10.0` kept a float; undefined when nothing differs from `body`'s. Asked only when there are variables. */
  variablesAsWritten: () => unknown,
) => Promise<string>;

/**
 * The whole of a template fetch after the body is validated: the version the
 * identifier and the body's version or label select (a split or segmented
 * label picked from `metadata_filters`, decision 0008), refused as not found
 * or archived, and answered as JSON text from the answer cache. One instance
 * per app, shared by the Hono route and the node:http front for the same
 * route (`http/template-fetch-front.ts`, decision 0031), so both answer alike
 * and share kept answers.
 */
export function createTemplateFetch(storage: Storage, renderer: TemplateRenderer, options: TemplateAnswerCacheOptions = {}): TemplateFetch {
  const templateAnswer = createTemplateAnswerCache(storage, renderer, options);
  return async (workspaceId, identifier, body, variablesAsWritten) => {
    const selector = { version: body.version ?? null, label: body.label ?? null };
    let resolved = await storage.prompts.getVersion(workspaceId, { identifier }, selector);
    // A split or segmented label: pick the version as our SDK would, from the run's metadata (decision 0008).
    if (resolved?.label_target?.routing && body.label) {
      const { version } = resolveLabelVersion(resolved.label_target, { prompt: resolved.prompt.name, label: body.label, metadata: body.metadata_filters });
      if (version !== resolved.version.version) resolved = await storage.prompts.getVersion(workspaceId, { id: resolved.prompt.id }, { version });
    }
    if (!resolved) throw await promptNotFound(storage, workspaceId, { identifier }, selector, identifier);
    // The official SDKs run what this answers: an archived prompt answers 410 with the reason.
    if (resolved.prompt.archived_at) throw new PromptArchivedError(resolved.prompt.name, resolved.prompt.archived_at);
    // `10.0` from a Python client renders as 10.0, as on PromptLayer's Python server.
    const asWritten = body.input_variables ? variablesAsWritten() : undefined;
    const variables = asWritten !== null && typeof asWritten === "object" && !Array.isArray(asWritten) ? (asWritten as Record<string, unknown>) : body.input_variables;
    return templateAnswer(workspaceId, resolved, { ...body, input_variables: variables });
  };
}
