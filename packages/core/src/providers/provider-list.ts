/**
 * The one list of providers: every registry (codecs, model defaults, prices,
 * endpoints, stream ends, `/track-request` naming, the dashboard's provider
 * list) iterates it. Adding a provider is a folder beside this file and one
 * line here (docs/architecture.md, "Adding a provider").
 */
import { bedrockProvider } from "./amazon.bedrock/index.js";
import { anthropicProvider } from "./anthropic/index.js";
import { anthropicBedrockProvider } from "./anthropic.bedrock/index.js";
import { googleProvider } from "./google/index.js";
import { mistralProvider } from "./mistral/index.js";
import { openaiProvider } from "./openai/index.js";
import { azureOpenaiProvider } from "./openai.azure/index.js";
import { openrouterProvider } from "./openrouter/index.js";
import { vertexaiProvider } from "./vertexai/index.js";

export const providerList = [
  openaiProvider,
  azureOpenaiProvider,
  anthropicProvider,
  anthropicBedrockProvider,
  googleProvider,
  vertexaiProvider,
  mistralProvider,
  bedrockProvider,
  openrouterProvider,
] as const;
