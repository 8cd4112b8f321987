import { z } from "zod";
import type { PromptBlueprint } from "../schemas/blueprint.js";
import { requestStatusSchema } from "../schemas/log-record.js";
import { metadataAnswer, successAnswer, templateAnswer } from "./api-v1-answers.js";

/**
 * The answers of PromptLayer's routes (contract §3, §9) as our SDK reads them
 * (decision 0015). Loose like `/api/v1`'s: PromptLayer adds fields over time,
 * and an older client must read a newer server; a wrong or missing field the
 * SDK relies on is an `UnexpectedResponseError` naming the route (`readAnswer`).
 */

const int = z.number().int();
const nullableString = z.string().nullable();

/** A blueprint inside an answer, read as an object (the server built it; its parts are the caller's business). */
const blueprintAnswer = z.record(z.string(), z.unknown()) as unknown as z.ZodType<PromptBlueprint>;

/** The fields every PromptLayer answer about one version carries. */
const promptVersionFields = {
  /** The prompt's id. */
  id: int,
  prompt_name: z.string(),
  tags: z.array(z.string()),
  prompt_template: templateAnswer,
  commit_message: nullableString,
  /** The labels on this version. */
  release_labels: z.array(z.string()),
};

/** `POST /prompt-templates/{identifier}` (`templates.get`): the rendered version and the provider request built from it. */
export const templateResponseAnswer = z.looseObject({
  ...promptVersionFields,
  version: int,
  /** Rendered with the given `input_variables` (`prompt_template` too). */
  metadata: metadataAnswer,
  /** The provider request body in PromptLayer's shape (the provider's own field names). */
  llm_kwargs: z.record(z.string(), z.unknown()),
  provider_base_url: z.looseObject({ id: z.null(), name: z.null(), provider: z.string(), url: z.string() }).nullable(),
  /** Set when a provider switch dropped or translated parameters. */
  warning: nullableString,
});
export type TemplateResponseAnswer = z.infer<typeof templateResponseAnswer>;

/** `POST /rest/prompt-templates` (`templates.publish`): the new version. */
export const publishTemplateAnswer = z.looseObject({
  ...promptVersionFields,
  metadata: metadataAnswer.nullable(),
  prompt_version_id: int,
  version_number: int,
});
export type PublishTemplateAnswer = z.infer<typeof publishTemplateAnswer>;

/** One prompt of `GET /prompt-templates`, with its newest version (or the labelled one). */
export const templateListItemAnswer = z.looseObject({ ...promptVersionFields, version: int, metadata: metadataAnswer.nullable() });
export type TemplateListItemAnswer = z.infer<typeof templateListItemAnswer>;

/** `GET /prompt-templates` (`templates.all`): a page of prompts. */
export const templateListPageAnswer = z.looseObject({
  /** Optional: the SDK answers `[]` when it is left out, as it always did. */
  items: z.array(templateListItemAnswer).optional(),
  page: int.optional(),
  per_page: int.optional(),
  total: int.optional(),
});

/** `POST /log-request` (`logRequest`): the stored request, with its blueprint as `prompt_version` (PromptLayer's name). */
export const logRequestAnswer = z.looseObject({
  id: int,
  request_id: z.string(),
  status: requestStatusSchema,
  prompt_version: blueprintAnswer,
  prompt_version_number: int.nullable(),
  error_type: nullableString,
  error_message: nullableString,
});
export type LogRequestAnswer = z.infer<typeof logRequestAnswer>;

/** `GET /prompt-templates/{identifier}/labels`. */
export const promptLayerLabelAnswer = z.looseObject({
  release_label_id: int,
  release_label: z.string(),
  prompt_version_id: int,
  prompt_version_number: int,
});
export const promptLayerLabelListAnswer = z.looseObject({ release_labels: z.array(promptLayerLabelAnswer) });

/** `POST /prompts/{promptId}/label`, `PATCH /prompt-labels/{labelId}`. */
export const promptLayerLabelSetAnswer = promptLayerLabelAnswer.extend({ success: z.boolean() });

/** `POST /track-request`: the stored request's id (and its blueprint when asked for). */
export const trackRequestAnswer = z.looseObject({
  success: z.boolean(),
  request_id: int,
  prompt_blueprint: blueprintAnswer.nullable(),
});

/** `POST /create-group`. */
export const createGroupAnswer = z.looseObject({ success: z.boolean(), id: int });

/** The track helpers (`/library-track-*`, `/rest/track-*`, `/track-group`). */
export const promptLayerTrackAnswer = successAnswer;
