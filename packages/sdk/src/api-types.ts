/**
 * The shapes of the client's calls around `run()`: PromptLayer's bodies and
 * answers, both the wire contract's (`@promptline/core/wire`, decision 0015).
 * The answers are inferred from the schemas the client reads them with; they
 * are open (`[key: string]: unknown`) because PromptLayer adds fields over time.
 * The bodies are the input types of the client-side request schemas that the
 * server's own schemas loosen (decision 0022), so the two can't drift apart.
 */
import type { promptTemplateSchema, templateMetadataSchema } from "@promptline/core/schemas";
import type {
  LogRequestAnswer,
  PublishTemplateAnswer,
  TemplateListItemAnswer,
  TemplateResponseAnswer,
  getTemplateRequest,
  logRequestRequest,
  publishRequest,
  trackGroupRequest,
  trackMetadataRequest,
  trackPromptRequest,
  trackScoreRequest,
} from "@promptline/core/wire";
import type { z } from "zod";

/** A template as you write it: fields with defaults (`template_format`, `input_variables`…) may be left out. */
export type PromptTemplateInput = z.input<typeof promptTemplateSchema>;

/** A version's metadata as you write it: `model.parameters` may be left out. */
export type TemplateMetadataInput = z.input<typeof templateMetadataSchema>;

/** `templates.get(name, params)`: which version, and how to render it. */
export type GetTemplateParams = z.input<typeof getTemplateRequest>;

/** `templates.get`: the rendered version and the provider request built from it (`llm_kwargs`). */
export type TemplateResponse = TemplateResponseAnswer;

/** `templates.publish`: PromptLayer's publish body (`prompt_name`, `prompt_template`, `metadata`, `commit_message`, `release_labels`). Each call creates a new version. */
export type PublishBody = z.input<typeof publishRequest>;

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

export type TrackMetadataArgs = z.input<typeof trackMetadataRequest>;
export type TrackScoreArgs = z.input<typeof trackScoreRequest>;
export type TrackPromptArgs = z.input<typeof trackPromptRequest>;
export type TrackGroupArgs = z.input<typeof trackGroupRequest>;

/** `logRequest`: a request made outside `run()` (PromptLayer's `LogRequest` body). */
export type LogRequestBody = z.input<typeof logRequestRequest>;

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
