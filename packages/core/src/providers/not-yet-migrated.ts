/**
 * TEMPORARY (decision 0014): the three providers issue 18 added, gathered
 * here until each moves into its own folder in a commit of its own — the
 * proof that a provider is one folder plus one line in `provider-list.ts`.
 */
import type { ProviderCodec } from "../codecs/codec.js";
import { anthropicCodec } from "../codecs/anthropic/index.js";
import { googleCodec, googleCompletionCodec } from "../codecs/google/index.js";
import { InvalidRequestError } from "../errors/promptline-error.js";
import type { ProviderFamilies } from "../models/model-defaults.js";
import { bedrockRegionPrefix } from "./amazon.bedrock/models.js";
import { bedrockRuntimeEndpoint } from "./amazon.bedrock/endpoint.js";
import { anthropicStream } from "./anthropic/endpoint.js";
import { anthropicFamilies } from "./anthropic/models.js";
import { missingSetting, trimSlashes } from "./endpoint-helpers.js";
import { googleFamilies } from "./google/models.js";
import { plainModelId } from "./model-ids.js";
import { defineProvider } from "./provider-descriptor.js";

// ------------------------------------------------------------------ anthropic.bedrock

/** The `anthropic_version` Bedrock's InvokeModel takes in a Claude body. */
export const ANTHROPIC_BEDROCK_VERSION = "bedrock-2023-05-31";

/**
 * Claude through Amazon Bedrock's InvokeModel (`anthropic.bedrock`): the same
 * `llm_kwargs` as Anthropic's (PromptLayer's too), sent to
 * `/model/{modelId}/invoke` (or `/invoke-with-response-stream`) with the model
 * in the path, `anthropic_version` in the body, and betas as
 * `anthropic_beta` rather than a header. The stream's `chunk` events carry
 * Anthropic's own events, which the transport unwraps, so the accumulator,
 * usage and blueprint are Anthropic's. Not in `allCodecs`: `/track-request`
 * reports it as `anthropic.messages.create`, read by the Anthropic codec.
 */
export const anthropicBedrockCodec: ProviderCodec = {
  ...anthropicCodec,
  id: "anthropic.bedrock.messages",

  toHttpRequest(kwargs, { stream }) {
    if (typeof kwargs.model !== "string" || kwargs.model === "") {
      throw new InvalidRequestError("Claude on Bedrock needs a model id, e.g. anthropic.claude-3-5-haiku-20241022-v1:0.", ["model"]);
    }
    const { body, headers } = anthropicCodec.toHttpRequest(kwargs, { stream: false });
    const { model: _model, ...rest } = body;
    const beta = headers?.["anthropic-beta"];
    return {
      path: `/model/${encodeURIComponent(kwargs.model)}/${stream ? "invoke-with-response-stream" : "invoke"}`,
      body: { anthropic_version: ANTHROPIC_BEDROCK_VERSION, ...rest, ...(beta ? { anthropic_beta: beta.split(",") } : {}) },
    };
  },
};

const anthropicBedrockProvider = defineProvider({
  id: "anthropic.bedrock",
  // Not tracked: `/track-request` reports it as `anthropic.messages.create`, read by the Anthropic codec.
  codecs: { select: () => anthropicBedrockCodec, tracked: [] },
  // Claude through InvokeModel signs and authenticates as the Converse API does.
  endpoint: bedrockRuntimeEndpoint(),
  // InvokeModelWithResponseStream: event-stream framed `chunk`s carrying Anthropic's own events.
  stream: { framing: "aws-event-stream", isEnd: anthropicStream.isEnd },
  models: {
    // Anthropic's parameters; model ids are normalised to Anthropic's names first.
    families: anthropicFamilies,
    // `us.anthropic.claude-3-5-haiku-20241022-v1:0` is Anthropic's `claude-3-5-haiku-20241022`.
    normalizeModelId: (id) => id.replace(bedrockRegionPrefix, "").replace(/^anthropic\./, "").replace(/-v\d+(?::\d+)?$/, ""),
    pricedAs: (model) => ({ provider: "amazon.bedrock", model }),
  },
  genAiProviderName: "aws.bedrock",
});

// ------------------------------------------------------------------ vertexai

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

/** Gemini's families for `gemini*`, Anthropic's for `claude*`. */
const vertexFamilies: ProviderFamilies = { ...anthropicFamilies, claude: anthropicFamilies["*"], ...googleFamilies };

const vertexaiProvider = defineProvider({
  id: "vertexai",
  codecs: {
    // Vertex hosts several model families: the model name picks the wire format.
    select({ modelName, templateType }) {
      if (modelName.startsWith("claude")) return anthropicVertexCodec;
      if (modelName.startsWith("gemini")) return templateType === "completion" ? googleCompletionCodec : googleCodec;
      return { unsupported: `model "${modelName}" is neither a Gemini nor a Claude model` };
    },
    tracked: [],
  },
  endpoint: {
    baseURLEnv: ["GOOGLE_VERTEX_BASE_URL"],
    officialOrigins: ["https://aiplatform.googleapis.com", /^https:\/\/[a-z0-9-]+-aiplatform\.googleapis\.com$/],
    /**
     * `{GOOGLE_VERTEX_BASE_URL ‖ https://{location}-aiplatform.googleapis.com}/v1/projects/{project}/locations/{location}`,
     * Gemini under `/publishers/google`, Claude under `/publishers/anthropic` (the codec's path says which),
     * with an OAuth2 token from the service-account file `GOOGLE_APPLICATION_CREDENTIALS`.
     */
    resolve({ read, templateBaseURL }) {
      const provider = "vertexai";
      const credentialsFile = read("GOOGLE_APPLICATION_CREDENTIALS");
      if (!credentialsFile) {
        throw missingSetting(
          provider,
          ["GOOGLE_APPLICATION_CREDENTIALS"],
          "No credentials for vertexai: set GOOGLE_APPLICATION_CREDENTIALS to a service-account JSON key file in the environment.",
        );
      }
      const project = read("GOOGLE_CLOUD_PROJECT");
      if (!project) throw missingSetting(provider, ["GOOGLE_CLOUD_PROJECT"], "No project for vertexai: set GOOGLE_CLOUD_PROJECT in the environment.");
      const location = read("GOOGLE_CLOUD_LOCATION") ?? "us-central1";
      const root = trimSlashes(
        templateBaseURL ?? read("GOOGLE_VERTEX_BASE_URL") ?? (location === "global" ? "https://aiplatform.googleapis.com" : `https://${location}-aiplatform.googleapis.com`),
      ).replace(/\/v1$/, "");
      return {
        baseURL: `${root}/v1/projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(location)}`,
        headers: {},
        secrets: [],
        auth: { scheme: "google-service-account", credentialsFile },
        // Gemini's codec speaks `/models/{m}:…`, as on the Gemini API; on Vertex that is Google's publisher.
        routePath: (path) => (path.startsWith("/publishers/") ? path : `/publishers/google${path}`),
      };
    },
  },
  // Gemini's stream has no end marker, Claude's ends with `message_stop`: accept any end.
  stream: { framing: "sse", isEnd: null },
  models: {
    families: vertexFamilies,
    // Vertex AI bills Google's list prices for Gemini, Anthropic's for Claude.
    pricedAs: (model) => ({ provider: plainModelId(model).toLowerCase().startsWith("claude") ? "anthropic" : "google", model }),
  },
  genAiProviderName: "gcp.vertex_ai",
});

export const notYetMigrated = [anthropicBedrockProvider, vertexaiProvider] as const;
