export * from "./provider-descriptor.js";
export { providerList } from "./provider-list.js";
export * from "./provider-registry.js";
export { plainModelId } from "./model-ids.js";
export { anthropicVersion } from "./anthropic/endpoint.js";
export { defaultAzureApiVersion } from "./openai.azure/endpoint.js";
