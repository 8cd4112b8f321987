/**
 * `@promptline/testkit`: fake LLM provider servers that speak the real wire protocols of OpenAI,
 * Azure OpenAI, Anthropic, Google Gemini, Mistral and Amazon Bedrock, with scripted replies and
 * faults, for tests, the offline demo and the benchmarks.
 */
export type { FakeFault, FakeProviderName, FakeReply, FakeToolCall, RecordedRequest } from "./types.js";
export { FAKE_PROVIDER_NAMES } from "./types.js";
export type { FakeProviders, FakeProvidersOptions } from "./start-fake-providers.js";
export { FAKE_AZURE_API_VERSION, startFakeProviders } from "./start-fake-providers.js";
export { formatRecordedRequest, redactHeaders } from "./redact-headers.js";
export { describeFakeProviders, runFakeProvidersCli } from "./run-fake-providers-cli.js";
export { defaultReplyText, fakeTokenCount } from "./internal/resolve-reply.js";
export type { EventStreamMessage } from "./internal/event-stream.js";
export { decodeEventStream, encodeEventStreamMessage } from "./internal/event-stream.js";
