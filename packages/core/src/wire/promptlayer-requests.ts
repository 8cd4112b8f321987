import { z } from "zod";
import { providerErrorTypes } from "../errors/promptline-error.js";
import { inputLimits, inputVariablesSchema, labelNameSchema, logMetadataSchema, looseMetadataSchema, tagsSchema } from "../schemas/input-limits.js";
import { spanLimits } from "../schemas/span-limits.js";
import { templateMetadataSchema } from "../schemas/metadata.js";
import { promptTemplateSchema } from "../schemas/template.js";
import { promptNameSchema } from "./api-v1-requests.js";

/**
 * The bodies and queries of PromptLayer's routes, served at the root
 * (contract §3, §9; decision 0015). Unlike `/api/v1`'s, they are loose:
 * every official SDK (JS, Python, each version) sends them a little
 * differently, and a field we don't know must not turn a completed LLM call
 * into a 400.
 *
 * Where a client must send more than the server insists on, the body is
 * written once as the client sends it (`…Request`, the type of our SDK's
 * argument) and the server's schema loosens that one (decision 0022).
 */

/** PromptLayer's `request_id` is an int; ours may also be the client-minted string id. */
export const requestRefSchema = z.union([z.number().int(), z.string().min(1)]);

const timestamp = z.union([z.string(), z.number()]).nullish();
const commitMessage = z.string().max(inputLimits.commitMessageLength).nullish();

/** `POST /prompt-templates/{identifier}` (contract §3.1) as a client sends it (`templates.get`): which version, and how to render it. */
export const getTemplateRequest = z.looseObject({
  version: z.number().int().positive().nullish(),
  label: labelNameSchema.nullish(),
  /** Build `llm_kwargs` for another provider (give `model` too). */
  provider: z.string().min(1).nullish(),
  model: z.string().min(1).nullish(),
  /** Values for the template's variables; missing ones render empty (PromptLayer's server semantics). */
  input_variables: inputVariablesSchema.nullish(),
  metadata_filters: looseMetadataSchema.nullish(),
  /** Merged last into `llm_kwargs`. */
  model_parameter_overrides: z.record(z.string(), z.unknown()).nullish(),
  /** Leave `{variables}` in place. */
  skip_input_variable_rendering: z.boolean().nullish(),
});

/** `POST /prompt-templates/{identifier}` as the server reads it: every field optional, unknown ones ignored. */
export const getTemplateBodySchema = getTemplateRequest.extend({
  /** Python's SDK also sends the key in the body; the auth middleware reads it. */
  api_key: z.string().nullish(),
  workspace_id: z.number().nullish(),
});
export type GetTemplateBody = z.infer<typeof getTemplateBodySchema>;

/** `GET /prompt-templates`: a page of prompts, optionally only those with a label. */
export const promptLayerListQuery = z.object({
  page: z.coerce.number().int().positive().default(1),
  per_page: z.coerce.number().int().positive().max(100).default(30),
  label: z.string().min(1).optional(),
});

const releaseLabels = z.array(labelNameSchema).max(inputLimits.releaseLabelsPerPublish).nullish();

/**
 * A new version as a client publishes it (`templates.publish`); PromptLayer's
 * SDKs send it, `release_labels` aside, as both `prompt_template` and
 * `prompt_version` of `POST /rest/prompt-templates`. Each call creates a new version.
 */
export const publishRequest = z.looseObject({
  prompt_name: promptNameSchema,
  prompt_template: promptTemplateSchema,
  tags: tagsSchema.nullish(),
  commit_message: commitMessage,
  /** `metadata.model`: `{ provider, name, parameters?, api_type?, base_url? }`. */
  metadata: templateMetadataSchema.nullish(),
  /** Labels moved to the new version, e.g. `["prod"]`. */
  release_labels: releaseLabels,
});

/** The published version in `POST /rest/prompt-templates`: either copy may carry the template. */
const publishedVersion = publishRequest.omit({ release_labels: true }).partial({ prompt_template: true });

/** `POST /rest/prompt-templates`: the SDK duplicates its body into `prompt_template` and `prompt_version`. */
export const promptLayerPublishBody = z.looseObject({
  prompt_template: publishedVersion,
  prompt_version: publishedVersion.omit({ prompt_name: true, tags: true }).nullish(),
  release_labels: releaseLabels,
});

/** `POST /prompts/{promptId}/label`. */
export const promptLayerCreateLabelBody = z.object({ prompt_version_number: z.number().int().positive(), name: labelNameSchema });

/** `PATCH /prompt-labels/{labelId}`. */
export const promptLayerMoveLabelBody = z.object({ prompt_version_number: z.number().int().positive() });

/** `POST /track-request` (contract §3.2, §10.8): loose, because every client sends it a little differently. */
export const trackRequestBodySchema = z.looseObject({
  function_name: z.string().default(""),
  provider_type: z.string().nullish(),
  args: z.array(z.unknown()).nullish(),
  kwargs: z.record(z.string(), z.unknown()).nullish(),
  request_response: z.unknown().optional(),
  request_start_time: timestamp,
  request_end_time: timestamp,
  tags: tagsSchema.nullish(),
  metadata: looseMetadataSchema.nullish(),
  prompt_id: z.union([z.number(), z.string()]).nullish(),
  prompt_version: z.number().int().nullish(),
  prompt_input_variables: inputVariablesSchema.nullish(),
  group_id: z.number().int().nullish(),
  return_prompt_blueprint: z.boolean().nullish(),
  return_pl_id: z.boolean().nullish(),
  span_id: z.string().nullish(),
  status: z.enum(["SUCCESS", "ERROR", "CANCELLED"]).nullish(),
  error_type: z.enum([...providerErrorTypes, "CANCELLED"]).nullish(),
  error_message: z.string().nullish(),
  api_key: z.string().nullish(),
});
export type TrackRequestBody = z.infer<typeof trackRequestBodySchema>;

/** `POST /log-request` (contract §9, openapi `LogRequest`) as a client sends it (`logRequest`): a request made outside `run()`, as input and output templates. */
export const logRequestRequest = z.looseObject({
  provider: z.string().min(1),
  model: z.string().min(1),
  /** The conversation sent. */
  input: promptTemplateSchema,
  /** The answer, as a template (`{ type: "chat", messages: [assistant message] }`). */
  output: promptTemplateSchema,
  /** Epoch milliseconds, epoch seconds or an ISO date. */
  request_start_time: z.union([z.string(), z.number()]),
  request_end_time: z.union([z.string(), z.number()]),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  tags: tagsSchema.nullish(),
  metadata: looseMetadataSchema.nullish(),
  prompt_name: z.string().nullish(),
  prompt_id: z.number().int().nullish(),
  prompt_version_number: z.number().int().positive().nullish(),
  prompt_input_variables: inputVariablesSchema.nullish(),
  input_tokens: z.number().int().nonnegative().nullish(),
  output_tokens: z.number().int().nonnegative().nullish(),
  price: z.number().nonnegative().nullish(),
  function_name: z.string().nullish(),
  score: z.number().min(0).max(100).nullish(),
  score_name: z.string().nullish(),
  api_type: z.string().nullish(),
  status: z.enum(["SUCCESS", "ERROR", "CANCELLED"]).nullish(),
  error_type: z.enum([...providerErrorTypes, "CANCELLED"]).nullish(),
  error_message: z.string().nullish(),
  group_id: z.number().int().nullish(),
});

/** `POST /log-request` as the server reads it: a missing time is the time it arrives. */
export const logRequestBodySchema = logRequestRequest.extend({ request_start_time: timestamp, request_end_time: timestamp });
export type LogRequestBody = z.infer<typeof logRequestBodySchema>;

/** `track.metadata` (`POST /library-track-metadata`): merged into the request's metadata; values are strings. */
export const trackMetadataRequest = z.object({ request_id: requestRefSchema, metadata: logMetadataSchema });
/** `POST /library-track-metadata` and `/rest/track-metadata`. */
export const promptLayerTrackMetadataBody = trackMetadataRequest.loose();

/** `track.score` (`POST /library-track-score`): 0 to 100, under `name` (default `default`). */
export const trackScoreRequest = z.object({ request_id: requestRefSchema, score: z.number().min(0).max(100), name: z.string().min(1).nullish() });
/** `POST /library-track-score` and `/rest/track-score`. */
export const promptLayerTrackScoreBody = trackScoreRequest.loose();

/** `track.prompt` (`POST /library-track-prompt`): links the request to a prompt version. */
export const trackPromptRequest = z.object({
  request_id: requestRefSchema,
  prompt_name: promptNameSchema,
  prompt_input_variables: inputVariablesSchema.nullish(),
  version: z.number().int().positive().nullish(),
  label: labelNameSchema.nullish(),
});
/** `POST /library-track-prompt` and `/rest/track-prompt`. */
export const promptLayerTrackPromptBody = trackPromptRequest.loose();

/** `track.group` (`POST /track-group`): puts the request in a group. */
export const trackGroupRequest = z.object({ request_id: requestRefSchema, group_id: z.number().int() });
/** `POST /track-group` and `/rest/track-group`. */
export const promptLayerTrackGroupBody = trackGroupRequest.loose();

/** `POST /spans-bulk` (contract §11): PromptLayer's JS exporter's body; each span is checked on its own (`server/src/services/traces`). */
export const spansBulkBody = z.object({
  spans: z
    .array(z.looseObject({}))
    .max(spanLimits.spansPerRequest, `at most ${spanLimits.spansPerRequest} spans per request: send smaller batches`),
});
