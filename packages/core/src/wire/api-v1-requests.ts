import { z } from "zod";
import { labelSplitSchema } from "../rollouts/label-routing.js";
import { inputLimits, inputVariablesSchema, labelNameSchema, logMetadataSchema, tagsSchema } from "../schemas/input-limits.js";
import { logRecordSchema, requestStatusSchema } from "../schemas/log-record.js";
import { templateMetadataSchema } from "../schemas/metadata.js";
import { promptTemplateSchema } from "../schemas/template.js";

/**
 * The request schemas of `/api/v1` (decision 0015): the server's routes
 * validate with them, the OpenAPI document is generated from them, and the
 * clients type their calls with them, so none of the three can drift.
 * Bodies written by people (publish, labels, keys, track) refuse unknown
 * fields, so a typo (`release_label`) is a 400 rather than silently ignored;
 * log records stay lenient so an older server accepts a newer SDK's batches.
 */

/**
 * A prompt name: any text but `.` and `..`, which URL parsers resolve away as
 * path segments (`/prompt-templates/..`), so such a prompt could never be
 * fetched; and without line breaks, which PromptLayer's template route
 * (`{.+}`) can't match.
 */
export const promptNameSchema = z
  .string()
  .min(1)
  .max(inputLimits.promptNameLength)
  .refine((value) => value !== "." && value !== "..", { message: 'A prompt name cannot be "." or "..": URLs would lose it.' })
  .refine((value) => !/[\n\r\u2028\u2029]/.test(value), { message: "A prompt name cannot contain a line break: PromptLayer's SDK could not fetch it." });
const name = promptNameSchema;

export const publishPromptBody = z.strictObject({
  prompt_name: name,
  prompt_template: promptTemplateSchema,
  metadata: templateMetadataSchema.nullish(),
  tags: tagsSchema.nullish(),
  commit_message: z.string().max(inputLimits.commitMessageLength).nullish(),
  release_labels: z.array(labelNameSchema).max(inputLimits.releaseLabelsPerPublish).nullish(),
  /** Return the newest version instead of creating one when nothing changed (`promptline push`). */
  skip_if_unchanged: z.boolean().optional(),
});

export const listPromptsQuery = z.object({
  search: z.string().max(512).optional(),
  label: z.string().min(1).optional(),
  tag: z.string().min(1).optional(),
  /** `true`: only archived prompts; default only live ones. */
  archived: z.enum(["true", "false"]).transform((value) => value === "true").optional(),
  page: z.coerce.number().int().positive().default(1),
  per_page: z.coerce.number().int().positive().max(100).default(30),
});

export const versionSelectorQuery = z.object({
  version: z.coerce.number().int().positive().optional(),
  label: z.string().min(1).optional(),
});

/** The SDK's template fetch: `expand_snippets=true` returns the template with its snippets expanded, and which versions they were (decision 0009). */
export const templateQuery = versionSelectorQuery.extend({
  expand_snippets: z.enum(["true", "false"]).optional(),
});

export const diffQuery = z.object({
  from: z.coerce.number().int().positive(),
  to: z.coerce.number().int().positive(),
});

export const setLabelBody = z.strictObject({ version: z.number().int().positive() });
/** A split or segmented label (decision 0008): chosen when the body has `split`, so a mistake names its field. */
export const setLabelSplitBody = labelSplitSchema;

/** The request log's filters, shared by the list and the stats (the dashboard's charts filter as its table does). */
const requestFilterShape = {
  prompt: z.string().min(1).optional(),
  version: z.coerce.number().int().positive().optional(),
  label: z.string().min(1).optional(),
  /** Repeat `tag=` for several; every tag must be present. */
  tag: z.union([z.string(), z.array(z.string())]).optional(),
  /** `key:value`, repeatable; every pair must match. */
  metadata: z.union([z.string(), z.array(z.string())]).optional(),
  status: requestStatusSchema.optional(),
  provider: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
};

/** The request log's time range. */
const requestTimeRangeShape = {
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
};

export const listRequestsQuery = z.object({
  ...requestFilterShape,
  group_id: z.coerce.number().int().optional(),
  ...requestTimeRangeShape,
  cursor: z.string().optional(),
  limit: z.coerce.number().int().positive().max(500).default(50),
});

export const listTracesQuery = z.object({
  /** Traces that started at or after this instant. */
  since: z.iso.datetime({ offset: true }).optional(),
  /** Traces that started before this instant. */
  until: z.iso.datetime({ offset: true }).optional(),
  /** Substring of any span's name in the trace (case-insensitive, `%` and `_` literal). */
  name: z.string().min(1).max(200).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().positive().max(500).default(50),
});

export const labelCompareQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export const registryRevisionQuery = z.object({
  /** The revision the caller has: the answer waits until the revision differs. */
  after: z.coerce.number().int().min(0).optional(),
  /** How long to hold the request when nothing changes. */
  timeout_ms: z.coerce.number().int().min(0).max(120_000).default(25_000),
});

export const batchRequestsBody = z.object({
  records: z.array(logRecordSchema).min(1).max(1000),
});

export const keyRoleSchema = z.enum(["runner", "editor", "deployer", "admin"]);
export type KeyRole = z.infer<typeof keyRoleSchema>;

/** `role`, or the older `admin: true` (an alias of `role: "admin"`); a key with neither is a deployer. */
export const createKeyBody = z
  .strictObject({
    name: z.string().max(256).nullish(),
    role: keyRoleSchema.optional(),
    admin: z.boolean().optional(),
  })
  .refine((body) => !(body.admin === true && body.role !== undefined && body.role !== "admin"), {
    message: 'admin: true is the role "admin": send one of role and admin, not both.',
    path: ["role"],
  });

/** A label name in `/protected-labels/{label}`: what a release label may be called. */
export const protectedLabelParam = z.string().min(1).max(256);

export const trackMetadataBody = z.strictObject({ metadata: logMetadataSchema });
export const trackScoreBody = z.strictObject({ score: z.number().min(0).max(100), name: z.string().min(1).nullish() });
export const trackPromptBody = z.strictObject({
  prompt_name: name,
  version: z.number().int().positive().nullish(),
  label: labelNameSchema.nullish(),
  input_variables: inputVariablesSchema.nullish(),
});
export const trackGroupBody = z.strictObject({ group_id: z.number().int() });

/** `GET /api/v1/requests/stats`: the request log's filters and the bucket width (the dashboard's charts). */
export const requestStatsQuery = z.object({
  bucket: z.enum(["minute", "hour", "day"]).default("hour"),
  ...requestFilterShape,
  ...requestTimeRangeShape,
});

/** `POST /api/v1/playground/run`: what the dashboard's playground runs. */
export const playgroundRunBody = z.object({
  prompt_name: z.string().min(1).max(inputLimits.promptNameLength),
  version: z.number().int().positive().nullish(),
  label: labelNameSchema.nullish(),
  input_variables: inputVariablesSchema.default({}),
  provider: z.string().min(1).nullish(),
  model: z.string().min(1).nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  tags: tagsSchema.default(["playground"]),
  metadata: logMetadataSchema.default({}),
  /** Run this template and these settings instead of the stored version's: a draft edited in the playground, not published (decision 0021). */
  draft: z.strictObject({ prompt_template: promptTemplateSchema, metadata: templateMetadataSchema.nullish() }).nullish(),
});
/** What a client sends to `POST /api/v1/playground/run` (the dashboard's playground). */
export type PlaygroundRunBody = z.input<typeof playgroundRunBody>;

/** `POST /api/session`: the dashboard signs in with an API key. */
export const signInBody = z.object({ api_key: z.string().min(1).max(512) });

/** The longest retention a workspace or the server may set, in days (100 years). */
export const maxRetentionDays = 36_500;

/** `PUT /api/v1/workspace/retention`: a workspace's own retention, whole days, or null to follow the server's default (decision 0018). */
export const setRetentionBody = z.strictObject({
  days: z.number().int().min(1).max(maxRetentionDays).nullable(),
});
