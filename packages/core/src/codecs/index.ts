export type { KwargsModel, LlmKwargs, ProviderCodec, ProviderHttpRequest, StreamAccumulator } from "./codec.js";
