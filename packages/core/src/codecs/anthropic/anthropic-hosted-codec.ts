import { InvalidRequestError } from "../../errors/promptline-error.js";
import type { ProviderCodec } from "../codec.js";
import { anthropicCodec } from "./anthropic-codec.js";

/** How a cloud serves Anthropic's Messages API (Bedrock's InvokeModel, Vertex's rawPredict). */
export interface AnthropicHostOptions {
  id: string;
  /** `anthropic_version` in the body: the host's, not Anthropic's header. */
  version: string;
  /** The path with the model in it. */
  path: (model: string, stream: boolean) => string;
  /** Whether the body keeps Anthropic's `stream` flag (Vertex) or the path alone says it (Bedrock). */
  streamFlagInBody: boolean;
  /** The error when kwargs name no model, with an example id. */
  missingModel: string;
}

/**
 * Claude on another cloud: Anthropic's `llm_kwargs`, accumulator, usage and
 * blueprint; on the wire the model moves into the path, `anthropic_version`
 * into the body, and betas into the body's `anthropic_beta` rather than a header.
 */
export function createAnthropicHostedCodec(host: AnthropicHostOptions): ProviderCodec {
  return {
    ...anthropicCodec,
    id: host.id,
    toHttpRequest(kwargs, { stream }) {
      if (typeof kwargs.model !== "string" || kwargs.model === "") {
        throw new InvalidRequestError(host.missingModel, ["model"]);
      }
      const { body, headers } = anthropicCodec.toHttpRequest(kwargs, { stream: host.streamFlagInBody && stream });
      const { model: _model, ...rest } = body;
      const beta = headers?.["anthropic-beta"];
      return {
        path: host.path(kwargs.model, stream),
        body: { anthropic_version: host.version, ...rest, ...(beta ? { anthropic_beta: beta.split(",") } : {}) },
      };
    },
  };
}
