/**
 * The shapes of the client's calls around `run()`: PromptLayer's bodies and
 * answers. The answers are the wire contract's (`@promptline/core/wire`,
 * decision 0015), inferred from the schemas the client reads them with; they
 * are open (`[key: string]: unknown`) because PromptLayer adds fields over time.
 */
import type { RequestStatus, promptTemplateSchema, templateMetadataSchema } from "@promptline/core/schemas";
import type { LogRequestAnswer, PublishTemplateAnswer, TemplateListItemAnswer, TemplateResponseAnswer } from "@promptline/core/wire";
import type { z } from "zod";

/** A template as you write it: fields with defaults (`template_format`, `input_variables`…) may be left out. */
export type PromptTemplateInput = z.input<typeof promptTemplateSchema>;

/** A version's metadata as you write it: `model.parameters` may be left out. */
export type TemplateMetadataInput = z.input<typeof templateMetadataSchema>;

/** `templates.get(name, params)`: which version, and how to render it. */
export interface GetTemplateParams {
  version?: number;
  label?: string;
  /** Values for the template's variables; missing ones render empty (PromptLayer's server semantics). */
  input_variables?: Record<string, unknown>;
  /** Build `llm_kwargs` for another provider (give `model` too). */
  provider?: string;
  model?: string;
  /** Merged last into `llm_kwargs`. */
  model_parameter_overrides?: Record<string, unknown>;
  metadata_filters?: Record<string, string>;
  /** Leave `{variables}` in place. */
  skip_input_variable_rendering?: boolean;
  [key: string]: unknown;
}

/** `templates.get`: the rendered version and the provider request built from it (`llm_kwargs`). */
export type TemplateResponse = TemplateResponseAnswer;

/** `templates.publish`: PromptLayer's publish body (`prompt_name`, `prompt_template`, `metadata`, `commit_message`, `release_labels`). Each call creates a new version. */
export interface PublishBody {
  prompt_name: string;
  prompt_template: PromptTemplateInput;
  /** `metadata.model`: `{ provider, name, parameters?, api_type?, base_url? }`. */
  metadata?: TemplateMetadataInput;
  tags?: string[];
  commit_message?: string;
  /** Labels moved to the new version, e.g. `["prod"]`. */
  release_labels?: string[];
  [key: string]: unknown;
}

/** `templates.publish`: the new version. */
export type PublishResponse = PublishTemplateAnswer;

/** `templates.all`: a page of prompts, each with its newest version (or the labelled one). */
export interface ListTemplatesParams {
  /** Default 1. */
  page?: number;
  /** Default 30, at most 100. */
  per_page?: number;
  /** Only prompts that have this release label, at the labelled version. */
  label?: string;
}

/** One prompt of `templates.all`. */
export type TemplateListItem = TemplateListItemAnswer;

export interface TrackMetadataArgs {
  request_id: string | number;
  /** Merged into the request's metadata; values are strings. */
  metadata: Record<string, string>;
}

export interface TrackScoreArgs {
  request_id: string | number;
  /** 0 to 100. */
  score: number;
  /** Default `default`. */
  name?: string;
}

export interface TrackPromptArgs {
  request_id: string | number;
  prompt_name: string;
  prompt_input_variables?: Record<string, unknown>;
  version?: number;
  label?: string;
}

export interface TrackGroupArgs {
  request_id: string | number;
  group_id: number;
}

/** `logRequest`: a request made outside `run()` (PromptLayer's `LogRequest` body). */
export interface LogRequestBody {
  provider: string;
  model: string;
  /** The conversation sent. */
  input: PromptTemplateInput;
  /** The answer, as a template (`{ type: "chat", messages: [assistant message] }`). */
  output: PromptTemplateInput;
  /** Epoch milliseconds, epoch seconds or an ISO date. */
  request_start_time: number | string;
  request_end_time: number | string;
  parameters?: Record<string, unknown>;
  tags?: string[];
  metadata?: Record<string, string>;
  prompt_name?: string;
  prompt_id?: number;
  prompt_version_number?: number;
  prompt_input_variables?: Record<string, unknown>;
  input_tokens?: number;
  output_tokens?: number;
  price?: number;
  function_name?: string;
  score?: number;
  score_name?: string;
  api_type?: string;
  status?: RequestStatus;
  error_type?: string;
  error_message?: string;
  group_id?: number;
  [key: string]: unknown;
}

/** `logRequest`: the stored request, with its blueprint as `prompt_version` (PromptLayer's name). */
export type LogRequestResponse = LogRequestAnswer;

/** `client.templates`. */
export interface TemplatesClient {
  /**
   * PromptLayer's template fetch: the version rendered by the server, with
   * `llm_kwargs` for its provider. `run()` does not use it: it
   * renders locally from its cache.
   *
   * @example
   * const template = await client.templates.get("welcome", { label: "prod", input_variables: { name: "Ada" } });
   * console.log(template.version, template.llm_kwargs);
   */
  get(promptName: string, params?: GetTemplateParams): Promise<TemplateResponse>;
  /**
   * Publishes a new version (and moves `release_labels` to it).
   *
   * @example
   * await client.templates.publish({
   *   prompt_name: "welcome",
   *   prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Greet {name}" }] }] },
   *   metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.7 } } },
   *   release_labels: ["prod"],
   * });
   */
  publish(body: PublishBody): Promise<PublishResponse>;
  /**
   * One page of prompts (PromptLayer's list: the items only).
   *
   * @example
   * const prompts = await client.templates.all({ label: "prod", per_page: 100 });
   */
  all(params?: ListTemplatesParams): Promise<TemplateListItem[]>;
}

/**
 * `client.track`: annotate a logged request. Each call waits behind the
 * request's own log record in the queue, so it works right after `run()`.
 * Resolves `true` once applied, `false` when the registry refused it (unknown
 * request); failures go to `onError`.
 */
export interface TrackClient {
  /**
   * @example
   * await client.track.metadata({ request_id, metadata: { user_id: "42" } });
   */
  metadata(args: TrackMetadataArgs): Promise<boolean>;
  /**
   * @example
   * await client.track.score({ request_id, score: 90, name: "helpfulness" });
   */
  score(args: TrackScoreArgs): Promise<boolean>;
  /**
   * Links the request to a prompt version (for calls made outside `run()`).
   *
   * @example
   * await client.track.prompt({ request_id, prompt_name: "welcome", prompt_input_variables: { name: "Ada" }, label: "prod" });
   */
  prompt(args: TrackPromptArgs): Promise<boolean>;
  /**
   * @example
   * await client.track.group({ request_id, group_id: await client.group.create() });
   */
  group(args: TrackGroupArgs): Promise<boolean>;
}

/** `client.group`. */
export interface GroupClient {
  /**
   * Creates a group to tie requests together (pass it as `groupId` to `run()`).
   *
   * @example
   * const groupId = await client.group.create();
   * await client.run({ promptName: "step-1", groupId });
   * await client.run({ promptName: "step-2", groupId });
   */
  create(): Promise<number>;
}
