import type { ProviderCodec } from "../../codecs/codec.js";
import { anthropicCodec } from "../../codecs/anthropic/index.js";
import { googleCodec, googleCompletionCodec } from "../../codecs/google/index.js";
import { InvalidRequestError } from "../../errors/promptline-error.js";
import type { ProviderCodecs } from "../provider-descriptor.js";

/** The `anthropic_version` Vertex AI's `rawPredict` takes in a Claude body. */
export const ANTHROPIC_VERTEX_VERSION = "vertex-2023-10-16";

/**
 * Claude on Vertex AI (`vertexai` with a `claude*` model): Anthropic's
 * `llm_kwargs`, sent to `…/publishers/anthropic/models/{model}:rawPredict`
 * (`:streamRawPredict` with `stream: true`, answered in Anthropic's SSE) with
 * the model in the path and `anthropic_version` in the body. The path is
 * relative to the Vertex endpoint's location (`…/projects/{p}/locations/{l}`).
 */
export const anthropicVertexCodec: ProviderCodec = {
  ...anthropicCodec,
  id: "vertexai.anthropic.messages",

  toHttpRequest(kwargs, { stream }) {
    if (typeof kwargs.model !== "string" || kwargs.model === "") {
      throw new InvalidRequestError("Claude on Vertex AI needs a model, e.g. claude-sonnet-4@20250514.", ["model"]);
    }
    const { body, headers } = anthropicCodec.toHttpRequest(kwargs, { stream });
    const { model: _model, ...rest } = body;
    const beta = headers?.["anthropic-beta"];
    return {
      path: `/publishers/anthropic/models/${encodeURIComponent(kwargs.model)}:${stream ? "streamRawPredict" : "rawPredict"}`,
      body: { anthropic_version: ANTHROPIC_VERTEX_VERSION, ...rest, ...(beta ? { anthropic_beta: beta.split(",") } : {}) },
    };
  },
};

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
