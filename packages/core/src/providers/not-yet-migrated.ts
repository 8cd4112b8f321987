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
import { anthropicFamilies } from "./anthropic/models.js";
import { missingSetting, trimSlashes } from "./endpoint-helpers.js";
import { googleFamilies } from "./google/models.js";
import { plainModelId } from "./model-ids.js";
import { defineProvider } from "./provider-descriptor.js";

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

export const notYetMigrated = [vertexaiProvider] as const;
