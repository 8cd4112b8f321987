import { missingSetting, trimSlashes } from "../endpoint-helpers.js";
import type { ProviderEndpointSpec, ProviderStreamSpec } from "../provider-descriptor.js";

/**
 * `{GOOGLE_VERTEX_BASE_URL ‖ https://{location}-aiplatform.googleapis.com}/v1/projects/{project}/locations/{location}`
 * (`GOOGLE_CLOUD_PROJECT`, `GOOGLE_CLOUD_LOCATION` or `us-central1`), Gemini
 * under `/publishers/google`, Claude under `/publishers/anthropic` (the
 * codec's path says which), with an OAuth2 token from the service-account
 * key file `GOOGLE_APPLICATION_CREDENTIALS`.
 */
export const vertexaiEndpoint: ProviderEndpointSpec = {
  baseURLEnv: ["GOOGLE_VERTEX_BASE_URL"],
  officialOrigins: ["https://aiplatform.googleapis.com", /^https:\/\/[a-z0-9-]+-aiplatform\.googleapis\.com$/],
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
};

/** Gemini's stream has no end marker, Claude's ends with `message_stop`: any end is accepted. */
export const vertexaiStream: ProviderStreamSpec = { framing: "sse", isEnd: null };
