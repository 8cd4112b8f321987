/**
 * `promptline`: run prompts from your Promptline registry against any LLM
 * provider, rendered locally, logged in the background.
 *
 * @example
 * import { Promptline } from "promptline";
 * const client = new Promptline();
 * const { prompt_blueprint } = await client.run({ promptName: "welcome", inputVariables: { name: "Ada" } });
 */
export { loadPromptFiles } from "./prompt-files/load-prompt-files.js";
export { findPromptFiles, formatOfPath, parsePromptFileText, PromptFileError, readPromptFile, validatePromptFile, type PromptFile, type PromptFileFormat } from "./prompt-files/prompt-file.js";
export { RegistryApi, type RegistryApiOptions } from "./registry/registry-api.js";
export type { RegistryRefusal } from "./registry/registry-client.js";
export { Promptline, type FallbackPrompt, type PromptlineOptions } from "./client.js";
export type {
  GetTemplateParams,
  GroupClient,
  ListTemplatesParams,
  LogRequestBody,
  LogRequestResponse,
  PromptTemplateInput,
  PublishBody,
  PublishResponse,
  TemplateListItem,
  TemplateMetadataInput,
  TemplateResponse,
  TemplatesClient,
  TrackClient,
  TrackGroupArgs,
  TrackMetadataArgs,
  TrackPromptArgs,
  TrackScoreArgs,
} from "./api-types.js";
export type { RunFallback, RunParams } from "./run/run-params.js";
export type { CircuitBreakerOptions, CircuitSnapshot, CircuitState } from "./run/circuit-breaker.js";
export type { RunChunk, RunDeltaChunk, RunFinalChunk, RunResult } from "./run/run-result.js";
export type { ProviderCallOptions } from "./run/runner.js";
export type { TracingOptions } from "./tracing/run-span.js";
export type { FlushResult, ShipperStats } from "./logging/log-shipper.js";
export type { ProviderEnv } from "./transport/index.js";
export { defaultHttpClient, fetchHttpClient, undiciHttpClient, type HttpClient, type HttpRequest, type HttpResponse, type UndiciHttpClientOptions } from "./transport/http-client.js";
export { assertTrustedBaseURL, type BaseURLTrust } from "./transport/trusted-base-urls.js";
export { ProviderAbortError } from "./transport/provider-abort-error.js";
export { answerText, answerToolCalls } from "@promptline/core/codecs";
export { ClientClosedError, InvalidRequestError, InvalidTemplateError, MissingApiKeyError, MissingProviderKeyError, MissingVariablesError, PromptlineError, PromptArchivedError, PromptNotFoundError, ProviderError, RegistryError, ResponseFormatUnsupportedError, TemplateLimitError, UnauthorizedError, UnexpectedResponseError, UnsupportedProviderError, UntrustedBaseURLError } from "@promptline/core/errors";
export { defaultRenderLimits, type RenderLimits } from "@promptline/core/render";
export type { PromptlineErrorCode, ProviderErrorType } from "@promptline/core/errors";
export type { AssistantMessage, LogRecordInput, Message, ModelSettings, PromptBlueprint, PromptTemplate, RequestStatus, TemplateMetadata, ToolCall, Usage } from "@promptline/core/schemas";
