import { bedrockRuntimeEndpoint } from "../amazon.bedrock/endpoint.js";
import { anthropicStream } from "../anthropic/endpoint.js";
import type { ProviderEndpointSpec, ProviderStreamSpec } from "../provider-descriptor.js";

/** Claude through InvokeModel signs and authenticates as the Converse API does: Bedrock Runtime's endpoint. */
export const anthropicBedrockEndpoint: ProviderEndpointSpec = bedrockRuntimeEndpoint();

/** InvokeModelWithResponseStream: event-stream framed `chunk`s carrying Anthropic's own events, ending with `message_stop`. */
export const anthropicBedrockStream: ProviderStreamSpec = { framing: "aws-event-stream", isEnd: anthropicStream.isEnd };
