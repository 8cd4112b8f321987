import { z } from "zod";
import { providerErrorTypes } from "../errors/promptline-error.js";
import { inputLimits, inputVariablesSchema, labelNameSchema, logMetadataSchema, looseMetadataSchema, tagsSchema } from "../schemas/input-limits.js";
import { templateMetadataSchema } from "../schemas/metadata.js";
import { promptTemplateSchema } from "../schemas/template.js";
import { promptNameSchema } from "./api-v1-requests.js";

/**
 * The bodies and queries of PromptLayer's routes, served at the root
 * (contract §3, §9; decision 0015). Unlike `/api/v1`'s, they are loose:
 * every official SDK (JS, Python, each version) sends them a little
 * differently, and a field we don't know must not turn a completed LLM call
 * into a 400.
 */

/** PromptLayer's `request_id` is an int; ours may also be the client-minted string id. */
export const requestRefSchema = z.union([z.number().int(), z.string().min(1)]);

const timestamp = z.union([z.string(), z.number()]).nullish();
const commitMessage = z.string().max(inputLimits.commitMessageLength).nullish();

/** `POST /prompt-templates/{identifier}` (contract §3.1): every field optional, unknown ones ignored. */
export const getTemplateBodySchema = z.looseObject({
  version: z.number().int().positive().nullish(),
  label: labelNameSchema.nullish(),
  provider: z.string().min(1).nullish(),
  model: z.string().min(1).nullish(),
  input_variables: inputVariablesSchema.nullish(),
  metadata_filters: looseMetadataSchema.nullish(),
  model_parameter_overrides: z.record(z.string(), z.unknown()).nullish(),
  skip_input_variable_rendering: z.boolean().nullish(),
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

/** `POST /rest/prompt-templates`: the SDK duplicates its body into `prompt_template` and `prompt_version`. */
export const promptLayerPublishBody = z.looseObject({
  prompt_template: z.looseObject({
    prompt_name: promptNameSchema,
    prompt_template: promptTemplateSchema.optional(),
    tags: tagsSchema.nullish(),
    commit_message: commitMessage,
    metadata: templateMetadataSchema.nullish(),
  }),
  prompt_version: z
    .looseObject({
      prompt_template: promptTemplateSchema.optional(),
      commit_message: commitMessage,
      metadata: templateMetadataSchema.nullish(),
    })
    .nullish(),
  release_labels: z.array(labelNameSchema).max(inputLimits.releaseLabelsPerPublish).nullish(),
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

/** `POST /log-request` (contract §9, openapi `LogRequest`): a request made outside `run()`, as input and output templates. */
export const logRequestBodySchema = z.looseObject({
  provider: z.string().min(1),
  model: z.string().min(1),
  input: promptTemplateSchema,
  output: promptTemplateSchema,
  request_start_time: timestamp,
  request_end_time: timestamp,
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
export type LogRequestBody = z.infer<typeof logRequestBodySchema>;

/** `POST /library-track-metadata` and `/rest/track-metadata`. */
export const promptLayerTrackMetadataBody = z.looseObject({ request_id: requestRefSchema, metadata: logMetadataSchema });

/** `POST /library-track-score` and `/rest/track-score`. */
export const promptLayerTrackScoreBody = z.looseObject({ request_id: requestRefSchema, score: z.number().min(0).max(100), name: z.string().min(1).nullish() });

/** `POST /library-track-prompt` and `/rest/track-prompt`. */
export const promptLayerTrackPromptBody = z.looseObject({
  request_id: requestRefSchema,
  prompt_name: promptNameSchema,
  prompt_input_variables: inputVariablesSchema.nullish(),
  version: z.number().int().positive().nullish(),
  label: labelNameSchema.nullish(),
});

/** `POST /track-group` and `/rest/track-group`. */
export const promptLayerTrackGroupBody = z.looseObject({ request_id: requestRefSchema, group_id: z.number().int() });
