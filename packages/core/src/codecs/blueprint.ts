import type { PromptBlueprint } from "../schemas/blueprint.js";
import type { AssistantMessage, Message } from "../schemas/message.js";
import type { ModelSettings } from "../schemas/metadata.js";
import type { ChatTemplate, PromptTemplate } from "../schemas/template.js";
import type { LlmKwargs, ProviderCodec, StreamAccumulator } from "./codec.js";
import { withStructuredAnswer } from "./shared/structured-output.js";

/**
 * A completion template seen as a conversation: its content as one user
 * message. Blueprints of completed requests are always chats so that readers
 * can rely on `messages.at(-1)` being the answer, whatever the template type.
 */
export function asChatTemplate(template: PromptTemplate): ChatTemplate {
  if (template.type === "chat") return template;
  const message: Message = {
    role: "user",
    content: template.content,
    input_variables: template.input_variables ?? [],
    template_format: template.template_format ?? "f-string",
  };
  return { type: "chat", messages: [message], input_variables: template.input_variables ?? [] };
}

/** The fields PromptLayer's server emits around a blueprint's template (contract §3.2). */
function envelope(prompt_template: PromptTemplate, model: ModelSettings): PromptBlueprint {
  return {
    prompt_template,
    commit_message: null,
    metadata: { model },
    provider_base_url_name: null,
    report_id: null,
    inference_client_name: null,
    provider_id: null,
  };
}

export interface BuildBlueprintArgs {
  codec: ProviderCodec;
  /** The request as sent (PromptLayer `llm_kwargs`, or `kwargs` of `/track-request`). */
  kwargs: LlmKwargs;
  /** The provider's response (the assembled one for streams); absent or `{}` for failed calls. */
  response?: unknown;
  provider: string;
  apiType?: string | null | undefined;
}

/**
 * The whole conversation of a request: the input messages read back from the
 * kwargs, then the assistant's answer last (its text block last), with the
 * model settings derived from the kwargs. A failed call (no response) gives
 * the input messages only, as PromptLayer's server does.
 */
export function buildBlueprint({ codec, kwargs, response, provider, apiType }: BuildBlueprintArgs): PromptBlueprint {
  const { template, model } = codec.fromLlmKwargs(kwargs);
  const settings: ModelSettings = { provider, name: model.name, parameters: model.parameters };
  if (apiType) settings.api_type = apiType;
  if (!hasResponse(response)) return envelope(template, settings);
  const chat = asChatTemplate(template);
  const answer = withStructuredAnswer(codec.responseToMessage(response), codec.structuredOutputTool?.(kwargs));
  return envelope({ ...chat, messages: [...chat.messages, answer] }, settings);
}

/**
 * The codec's stream accumulator for a request, its deltas showing a
 * structured answer (a forced tool's input) as text, as `buildBlueprint` does.
 */
export function streamAccumulatorFor(codec: ProviderCodec, kwargs: LlmKwargs): StreamAccumulator {
  const accumulator = codec.createStreamAccumulator();
  const toolName = codec.structuredOutputTool?.(kwargs);
  if (toolName === undefined) return accumulator;
  return {
    push: (event) => withStructuredAnswer(accumulator.push(event), toolName),
    response: () => accumulator.response(),
    usage: () => accumulator.usage(),
  };
}

/** The blueprint of one stream event: only the assistant's delta (contract §6.2). */
export function buildDeltaBlueprint(delta: AssistantMessage, model: ModelSettings): PromptBlueprint {
  return {
    prompt_template: { type: "chat", input_variables: [], messages: [delta] },
    metadata: { model },
  };
}

function hasResponse(response: unknown): boolean {
  if (response === undefined || response === null) return false;
  return typeof response !== "object" || hasOwnEnumerableKey(response);
}

/** `Object.keys(value).length > 0` without building the list (this runs on every run()). */
function hasOwnEnumerableKey(value: object): boolean {
  for (const key in value) if (Object.hasOwn(value, key)) return true;
  return false;
}
