import { codecFor, functionNameOf } from "../codecs/codec-registry.js";
import type { LlmKwargs, ProviderCodec } from "../codecs/codec.js";
import { InvalidTemplateError, ResponseFormatUnsupportedError } from "../errors/promptline-error.js";
import { resolveModelSettings } from "../models/index.js";
import { renderTemplate, type RenderLimits } from "../render/index.js";
import type { ModelSettings, TemplateMetadata } from "../schemas/metadata.js";
import type { PromptTemplate } from "../schemas/template.js";

export interface PrepareRequestArgs {
  /** The stored template (snippets already expanded). */
  template: PromptTemplate;
  /** The version's metadata; `metadata.model` says which provider and model to call. */
  metadata: TemplateMetadata | null | undefined;
  variables?: Record<string, unknown> | undefined;
  /** `strict` (default): missing variables are an error; `compatible`: they render empty, as PromptLayer's server does. */
  mode?: "strict" | "compatible";
  /** Render limits (defaults: `defaultRenderLimits`); going over one is a `TemplateLimitError`. */
  limits?: Partial<RenderLimits> | undefined;
  /** Leave `{variables}` in place (PromptLayer's `skip_input_variable_rendering`). */
  skipRendering?: boolean;
  /** Run on another provider; needs `model` too. */
  provider?: string | undefined;
  /** Run on another model (of the same provider unless `provider` is given). */
  model?: string | undefined;
  /** Merged last into the model parameters. */
  parameterOverrides?: Record<string, unknown> | undefined;
  /**
   * Where the provider can't enforce the template's `response_format`: send
   * the request without it, with a warning (true), or throw
   * ResponseFormatUnsupportedError (default).
   */
  allowDroppedResponseFormat?: boolean | undefined;
}

export interface PreparedRequest {
  /** The rendered template. */
  template: PromptTemplate;
  /** The model settings the request was built for, after any override. */
  model: ModelSettings;
  codec: ProviderCodec;
  /** The provider request body in PromptLayer's `llm_kwargs` shape. */
  kwargs: LlmKwargs;
  /** PromptLayer's `function_name` for this call, for logs. */
  functionName: string;
  /** Parameters dropped or translated by a provider/model switch. */
  warnings: string[];
}

/**
 * Template + variables + overrides → the provider request: the one pipeline
 * the server (to answer `POST /prompt-templates/{name}`) and the SDK (to run
 * locally) share, so both build byte-identical requests.
 */
export function prepareRequest(args: PrepareRequestArgs): PreparedRequest {
  const current = args.metadata?.model;
  if (!current) {
    throw new InvalidTemplateError("the version has no model settings (metadata.model with provider and name); publish it with a model");
  }
  const { settings, warnings } = resolveModelSettings(current, {
    ...(args.provider !== undefined && { provider: args.provider }),
    ...(args.model !== undefined && { model: args.model }),
    ...(args.parameterOverrides !== undefined && { parameterOverrides: args.parameterOverrides }),
  });
  const template = args.skipRendering
    ? args.template
    : renderTemplate(args.template, args.variables ?? {}, { mode: args.mode ?? "strict", limits: args.limits });
  const codec = codecFor({
    provider: settings.provider,
    apiType: settings.api_type,
    templateType: template.type,
    modelName: settings.name,
  });
  const built = buildKwargs(codec, template, settings, args.allowDroppedResponseFormat === true);
  return {
    template,
    model: built.settings,
    codec,
    kwargs: built.kwargs,
    functionName: functionNameOf(codec),
    warnings: built.warning === undefined ? warnings : [...warnings, built.warning],
  };
}

/** The codec's kwargs; a response_format it can't enforce is an error, or dropped with a warning when allowed. */
function buildKwargs(
  codec: ProviderCodec,
  template: PromptTemplate,
  settings: ModelSettings,
  allowDropped: boolean,
): { kwargs: LlmKwargs; settings: ModelSettings; warning?: string } {
  try {
    return { kwargs: codec.toLlmKwargs(template, settings), settings };
  } catch (error) {
    if (!(error instanceof ResponseFormatUnsupportedError)) throw error;
    // Codecs know the API, not which provider id was used to reach it (anthropic, anthropic.bedrock, vertexai…).
    const unsupported = new ResponseFormatUnsupportedError({ provider: settings.provider, model: settings.name, reason: error.reason });
    if (!allowDropped) throw unsupported;
    const { response_format: _dropped, ...parameters } = settings.parameters ?? {};
    const without: ModelSettings = { ...settings, parameters };
    return {
      kwargs: codec.toLlmKwargs(template, without),
      settings: without,
      warning: `Dropped "response_format": ${settings.provider} ${settings.name} can't enforce it (${error.reason}); the answer may not be JSON.`,
    };
  }
}
