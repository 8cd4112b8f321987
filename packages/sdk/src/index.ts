export { Promptline, type FallbackPrompt, type PromptlineOptions, type PublishBody } from "./client.js";
export type { RunParams } from "./run/run-params.js";
export type { RunChunk, RunResult } from "./run/run-result.js";
export type { ProviderCallOptions } from "./run/runner.js";
export type { FlushResult, ShipperStats } from "./logging/log-shipper.js";
export {
  InvalidRequestError,
  InvalidTemplateError,
  MissingProviderKeyError,
  MissingVariablesError,
  PromptlineError,
  PromptNotFoundError,
  ProviderError,
  RegistryError,
  UnauthorizedError,
  UnsupportedProviderError,
} from "@promptline/core";
export type { PromptBlueprint, PromptTemplate, TemplateMetadata, Usage } from "@promptline/core";
