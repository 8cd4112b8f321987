import { createAnthropicHostedCodec } from "../../codecs/anthropic/index.js";
import { googleCodec, googleCompletionCodec } from "../../codecs/google/index.js";
import type { ProviderCodecs } from "../provider-descriptor.js";

/**
 * Claude on Vertex AI (`vertexai` with a `claude*` model): Anthropic's
 * `llm_kwargs`, sent to `…/publishers/anthropic/models/{model}:rawPredict`
 * (`:streamRawPredict` with `stream: true`, answered in Anthropic's SSE) with
 * `anthropic_version: "vertex-2023-10-16"`. The path is relative to the
 * Vertex endpoint's location (`…/projects/{p}/locations/{l}`).
 */
export const anthropicVertexCodec = createAnthropicHostedCodec({
  id: "vertexai.anthropic.messages",
  version: "vertex-2023-10-16",
  path: (model, stream) => `/publishers/anthropic/models/${encodeURIComponent(model)}:${stream ? "streamRawPredict" : "rawPredict"}`,
  streamFlagInBody: true,
  missingModel: "Claude on Vertex AI needs a model, e.g. claude-sonnet-4@20250514.",
});

export const vertexaiCodecs: ProviderCodecs = {
  // Vertex hosts several model families: the model name picks the wire format.
  select({ modelName, templateType }) {
    if (modelName.startsWith("claude")) return anthropicVertexCodec;
    if (modelName.startsWith("gemini")) return templateType === "completion" ? googleCompletionCodec : googleCodec;
    return { unsupported: `model "${modelName}" is neither a Gemini nor a Claude model` };
  },
  // Not tracked: the official SDKs report Vertex calls under Google's and Anthropic's function names.
  tracked: [],
};
