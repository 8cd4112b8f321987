import { z } from "zod";
import { templateMetadataSchema } from "./metadata.js";
import { promptTemplateSchema } from "./template.js";

/** A prompt blueprint: the template with its model settings (the shape of publish bodies and log records). */
export const promptBlueprintSchema = z.looseObject({
  prompt_template: promptTemplateSchema,
  commit_message: z.string().nullish(),
  metadata: templateMetadataSchema.nullish(),
  provider_base_url_name: z.string().nullish(),
  report_id: z.number().nullish(),
  inference_client_name: z.string().nullish(),
  provider_id: z.number().nullish(),
});
export type PromptBlueprint = z.infer<typeof promptBlueprintSchema>;
