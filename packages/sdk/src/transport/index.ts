/**
 * Provider transports: endpoints and credentials from the environment, and
 * one sender with retries, timeouts, abort and stream parsing over an
 * `HttpClient` (undici by default, any `fetch` on request).
 */
export {
  resolveProviderEndpoint,
  rememberingEndpointResolver,
  supportedProviders,
  defaultAzureApiVersion,
  anthropicVersion,
  type ProviderEndpoint,
  type ProviderEnv,
  type SignableRequest,
  type ResolveProviderEndpointOptions,
  type EndpointRequest,
} from "./provider-endpoints.js";
export {
  assertTrustedBaseURL,
  isTrustedOrigin,
  allowedOrigins,
  originOf,
  allowedBaseURLsEnvVar,
  baseURLEnvVars,
  type BaseURLTrust,
} from "./trusted-base-urls.js";
export {
  sendProviderRequest,
  providerUrl,
  type SendProviderRequestArgs,
  type ProviderResponse,
  type ProviderRetryInfo,
} from "./provider-fetch.js";
export {
  defaultHttpClient,
  fetchHttpClient,
  undiciHttpClient,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  type HeaderLookup,
  type UndiciHttpClientOptions,
} from "./http-client.js";
export { ProviderAbortError } from "./provider-abort-error.js";
export { defaultStreamEnd, readProviderEvents, type StreamEndCheck, type StreamFraming, type ReadProviderEventsOptions } from "./provider-stream.js";
export { readServerSentEvents, type ServerSentEvent } from "./server-sent-events.js";
export { decodeAwsEventStream, crc32, type AwsEventStreamMessage, type AwsEventStreamHeaderValue } from "./aws-event-stream.js";
export { signAwsRequest, type AwsCredentials, type AwsSignInput } from "./aws-sigv4.js";
export { redactHeaders } from "./secret-redaction.js";
export { extractProviderMessage } from "./provider-error-body.js";
export { retryDelayMs, backoffDelayMs, retryAfterFromHeaders, maxHonouredRetryAfterMs } from "./retry-policy.js";
