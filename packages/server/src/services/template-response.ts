import {
  expandSnippets,
  InvalidTemplateError,
  prepareRequest,
  providerDescriptor,
  PromptNotFoundError,
  type ModelSettings,
  type PromptTemplate,
  type SnippetReference,
  type SnippetUse,
} from "@promptline/core";
import type { GetTemplateBody } from "@promptline/core/wire";
import type { TemplateRenderer } from "../render/template-renderer.js";
import type { ResolvedPromptVersion, Storage } from "../storage/index.js";


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
