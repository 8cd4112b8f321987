/**
 * Where each provider lives and how it authenticates, read from the
 * environment under each provider SDK's own variable names (DESIGN.md). This
 * is the only place the transport looks at credentials; it takes the
 * environment as an argument so callers (and tests) decide where it comes from.
 */
import { apiKeyEnvPattern, InvalidTemplateError, MissingProviderKeyError, UnsupportedProviderError } from "@promptline/core";
import { signAwsRequest, type AwsCredentials } from "./aws-sigv4.js";
import { redactHeaders, secretHeaderValues } from "./secret-redaction.js";
import { vertexTokenSource } from "./vertex-credentials.js";
import { assertTrustedBaseURL, type BaseURLTrust } from "./trusted-base-urls.js";

/** The environment to read, e.g. `process.env`. */
export type ProviderEnv = Readonly<Record<string, string | undefined>>;

/** What a request signer sees: the request exactly as it will be sent. */
export interface SignableRequest {
  method: string;
  url: string;
  headers: Readonly<Record<string, string>>;
  body: string;
}

/** A provider's base URL and credentials, ready for `sendProviderRequest`. */
export interface ProviderEndpoint {
  /** The provider name of the template, e.g. `openai.azure`. */
  readonly provider: string;
  /** Base URL without a trailing slash; codec paths (`/chat/completions`) are appended to it. */
  readonly baseURL: string;
  /** Auth and version headers. Holds credentials: log it only through `redactHeaders`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Query parameters every request carries (Azure's `api-version`). */
  readonly query?: Readonly<Record<string, string>>;
  /** Computes per-request auth headers (Bedrock's SigV4), called before every attempt. */
  readonly sign?: (request: SignableRequest) => Promise<Record<string, string>>;
  /** Drops cached credentials after a 401, so that the one retry made then gets fresh ones (Vertex's OAuth2 token). */
  readonly refreshCredentials?: () => void;
  /** Rewrites a codec path for this endpoint (Azure's v1 API: `/openai/deployments/{model}/chat/completions` → `/openai/v1/chat/completions`). */
  readonly routePath?: (path: string) => string;
}

/** Options of `resolveProviderEndpoint`. */
export interface ResolveProviderEndpointOptions {
  /**
   * The template's provider base URL (`provider_base_url`), for OpenAI-compatible
   * endpoints. It wins over the `*_BASE_URL` variables, as in the official SDK,
   * except for Azure where `AZURE_OPENAI_ENDPOINT` wins (as in PromptLayer). It
   * must go to a trusted origin (see `trust`), else `UntrustedBaseURLError`.
   */
  baseURL?: string;
  /** What makes `baseURL`'s origin trusted besides the official endpoint and the environment's base URLs. */
  trust?: BaseURLTrust;
  /**
   * The template's `api_key_env`: the variable holding the key of an
   * OpenAI-compatible `baseURL`, read instead of `OPENAI_API_KEY` (or
   * `OPENROUTER_API_KEY`). Only for `openai` and `openrouter`, only with a
   * `baseURL`, and only a name ending in `_API_KEY`.
   */
  apiKeyEnv?: string;
  /** The clock for request signing. Default: `() => new Date()`. */
  now?: () => Date;
  /** The `fetch` for credential exchanges (Vertex's token endpoint). Default: the global one. */
  fetch?: typeof fetch;
}

/** Providers whose endpoint may take its key from `api_key_env`: the OpenAI wire format, where a base URL names another service. */
const apiKeyEnvProviders: ReadonlySet<string> = new Set(["openai", "openrouter"]);

/** The providers `resolveProviderEndpoint` knows. */
export const supportedProviders = ["openai", "openai.azure", "anthropic", "google", "mistral", "amazon.bedrock", "anthropic.bedrock", "openrouter", "vertexai"] as const;

/** OpenRouter's API when `OPENROUTER_BASE_URL` is not set. */
export const defaultOpenRouterBaseURL = "https://openrouter.ai/api/v1";

/**
 * Azure OpenAI `api-version` used when `OPENAI_API_VERSION` is not set: the
 * latest GA release of the dated data-plane inference API (chat completions,
 * completions, images). The Responses API needs a preview version
 * (`2025-03-01-preview` or later): set `OPENAI_API_VERSION`, or point
 * `AZURE_OPENAI_ENDPOINT` at the v1 API (`https://…/openai/v1`), which needs none.
 */
export const defaultAzureApiVersion = "2024-10-21";

/** Anthropic's API version header value (the only one the Messages API has). */
export const anthropicVersion = "2023-06-01";

const secretsByEndpoint = new WeakMap<ProviderEndpoint, readonly string[]>();

/**
 * Resolves a provider's endpoint from the environment.
 *
 * | provider | credentials | base URL (default) |
 * | --- | --- | --- |
 * | `openai` | `OPENAI_API_KEY` (Bearer); optional `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID` | `options.baseURL`, `OPENAI_BASE_URL` (`https://api.openai.com/v1`) |
 * | `openai.azure` | `AZURE_OPENAI_API_KEY` (`api-key`) | `AZURE_OPENAI_ENDPOINT` (the resource; codec paths start with `/openai/`), `?api-version=` from `OPENAI_API_VERSION` (`2024-10-21`); an endpoint ending in `/openai/v1` uses Azure's v1 API |
 * | `anthropic` | `ANTHROPIC_API_KEY` (`x-api-key`), `anthropic-version: 2023-06-01` | `ANTHROPIC_BASE_URL` + `/v1` (`https://api.anthropic.com/v1`) |
 * | `google` | `GOOGLE_API_KEY` or `GEMINI_API_KEY` (`x-goog-api-key`) | `GOOGLE_GEMINI_BASE_URL` + `/v1beta` (`https://generativelanguage.googleapis.com/v1beta`) |
 * | `mistral` | `MISTRAL_API_KEY` (Bearer) | `MISTRAL_BASE_URL` + `/v1` (`https://api.mistral.ai/v1`) |
 * | `openrouter` | `OPENROUTER_API_KEY` (Bearer); optional `OPENROUTER_SITE_URL` (`HTTP-Referer`) and `OPENROUTER_APP_NAME` (`X-Title`), OpenRouter's app attribution | `options.baseURL`, `OPENROUTER_BASE_URL` (`https://openrouter.ai/api/v1`) |
 * | `anthropic.bedrock` | as `amazon.bedrock` (Claude through InvokeModel) | as `amazon.bedrock` |
 * | `vertexai` | `GOOGLE_APPLICATION_CREDENTIALS` (a service-account key file: OAuth2 token from its `token_uri`), `GOOGLE_CLOUD_PROJECT`, `GOOGLE_CLOUD_LOCATION` (`us-central1`) | `GOOGLE_VERTEX_BASE_URL` (`https://{location}-aiplatform.googleapis.com`) + `/v1/projects/{p}/locations/{l}` |
 * | `amazon.bedrock` | `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` (SigV4), or `AWS_BEARER_TOKEN_BEDROCK` (a Bedrock API key) | `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`, `AWS_ENDPOINT_URL` (`https://bedrock-runtime.{AWS_REGION ‖ AWS_DEFAULT_REGION ‖ us-east-1}.amazonaws.com`) |
 *
 * With `options.apiKeyEnv` (a template's `api_key_env`), `openai` and
 * `openrouter` read their key from that variable instead, and need
 * `options.baseURL`.
 *
 * Version segments (`/v1`, `/v1beta`) are appended to a base URL that does
 * not already end with them, as the official SDKs do. Empty variables count
 * as unset.
 *
 * A template's `baseURL` is followed only to a trusted origin: the official
 * endpoint, an origin of the variables above, `trust.trustedBaseURLs`, or an
 * allow-listed one (`trust.allowedBaseURLs`, `PROMPTLINE_ALLOWED_BASE_URLS`).
 *
 * @throws UntrustedBaseURLError for a template `baseURL` to any other origin, before any request is made.
 * @throws MissingProviderKeyError naming the variable(s) to set, before any request is made.
 * @throws UnsupportedProviderError for a provider not listed above.
 * @throws InvalidTemplateError for an `apiKeyEnv` not ending in `_API_KEY`, on another provider, or without a base URL.
 *
 * @example
 * const endpoint = resolveProviderEndpoint("anthropic", process.env);
 * const response = await sendProviderRequest({ endpoint, path: "/messages", body, stream: false });
 */
export function resolveProviderEndpoint(
  provider: string,
  env: ProviderEnv,
  options: ResolveProviderEndpointOptions = {},
): ProviderEndpoint {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const templateBase = options.baseURL?.trim() || undefined;
  // Checked first, whatever the provider: a credential never goes where the template alone says.
  // Azure's AZURE_OPENAI_ENDPOINT wins over the template's, which is then not used at all.
  if (templateBase && !(provider === "openai.azure" && read("AZURE_OPENAI_ENDPOINT"))) {
    assertTrustedBaseURL(provider, templateBase, env, options.trust);
  }
  const apiKeyEnv = options.apiKeyEnv?.trim() || undefined;
  if (apiKeyEnv !== undefined) checkApiKeyEnv(provider, apiKeyEnv, templateBase);
  const keyNames = (defaults: string[]) => (apiKeyEnv ? [apiKeyEnv] : defaults);

  switch (provider) {
    case "openai": {
      const key = requireKey(provider, read, keyNames(["OPENAI_API_KEY"]));
      const headers: Record<string, string> = { authorization: `Bearer ${key}` };
      const organization = read("OPENAI_ORG_ID");
      const project = read("OPENAI_PROJECT_ID");
      if (organization) headers["openai-organization"] = organization;
      if (project) headers["openai-project"] = project;
      const baseURL = templateBase ?? read("OPENAI_BASE_URL") ?? "https://api.openai.com/v1";
      return endpoint({ provider, baseURL: trimSlashes(baseURL), headers }, [key]);
    }
    case "openai.azure":
      return azureEndpoint(read, templateBase);
    case "anthropic": {
      const key = requireKey(provider, read, ["ANTHROPIC_API_KEY"]);
      const baseURL = withVersion(templateBase ?? read("ANTHROPIC_BASE_URL") ?? "https://api.anthropic.com", "/v1");
      return endpoint({ provider, baseURL, headers: { "x-api-key": key, "anthropic-version": anthropicVersion } }, [key]);
    }
    case "google": {
      const key = requireKey(provider, read, ["GOOGLE_API_KEY", "GEMINI_API_KEY"]);
      const baseURL = withVersion(
        templateBase ?? read("GOOGLE_GEMINI_BASE_URL") ?? "https://generativelanguage.googleapis.com",
        "/v1beta",
      );
      // The key goes in a header, not `?key=`, so it never lands in URL logs.
      return endpoint({ provider, baseURL, headers: { "x-goog-api-key": key } }, [key]);
    }
    case "mistral": {
      const key = requireKey(provider, read, ["MISTRAL_API_KEY"]);
      const baseURL = withVersion(templateBase ?? read("MISTRAL_BASE_URL") ?? "https://api.mistral.ai", "/v1");
      return endpoint({ provider, baseURL, headers: { authorization: `Bearer ${key}` } }, [key]);
    }
    case "amazon.bedrock":
    case "anthropic.bedrock":
      // Claude through InvokeModel signs and authenticates as the Converse API does.
      return bedrockEndpoint(provider, read, templateBase, options.now ?? (() => new Date()));
    case "vertexai":
      return vertexEndpoint(read, templateBase, options);
    case "openrouter": {
      const key = requireKey(provider, read, keyNames(["OPENROUTER_API_KEY"]));
      const headers: Record<string, string> = { authorization: `Bearer ${key}` };
      const siteURL = read("OPENROUTER_SITE_URL");
      const appName = read("OPENROUTER_APP_NAME");
      if (siteURL) headers["http-referer"] = siteURL;
      if (appName) headers["x-title"] = appName;
      const baseURL = templateBase ?? read("OPENROUTER_BASE_URL") ?? defaultOpenRouterBaseURL;
      return endpoint({ provider, baseURL: trimSlashes(baseURL), headers }, [key]);
    }
    default:
      throw new UnsupportedProviderError(provider);
  }
}

/** The credential values behind an endpoint, for scrubbing them out of errors. */
export function endpointSecrets(endpoint: ProviderEndpoint): readonly string[] {
  return [...(secretsByEndpoint.get(endpoint) ?? []), ...secretHeaderValues(endpoint.headers)];
}

type ReadEnv = (name: string) => string | undefined;

/** `api_key_env` is only for an OpenAI-compatible base URL, and only names a `*_API_KEY` variable. */
function checkApiKeyEnv(provider: string, name: string, baseURL: string | undefined): void {
  if (!apiKeyEnvPattern.test(name)) {
    throw new InvalidTemplateError(
      `api_key_env "${name}" is not an API key variable: name an upper-case environment variable ending in _API_KEY (e.g. TOGETHER_API_KEY).`,
      { location: "metadata.model.api_key_env" },
    );
  }
  if (!apiKeyEnvProviders.has(provider)) {
    throw new InvalidTemplateError(`api_key_env is for OpenAI-compatible endpoints (provider "openai" or "openrouter" with a base_url), not "${provider}".`, {
      location: "metadata.model.api_key_env",
    });
  }
  if (baseURL === undefined) {
    throw new InvalidTemplateError(`api_key_env "${name}" needs metadata.model.base_url: the endpoint its key belongs to.`, { location: "metadata.model.base_url" });
  }
}

function requireKey(provider: string, read: ReadEnv, names: readonly string[]): string {
  for (const name of names) {
    const value = read(name);
    if (value) return value;
  }
  throw new MissingProviderKeyError(provider, names);
}

/** A MissingProviderKeyError whose message fits a missing setting that is not an API key. */
function missingSetting(provider: string, names: readonly string[], message: string): MissingProviderKeyError {
  const error = new MissingProviderKeyError(provider, names);
  error.message = message;
  return error;
}

function azureEndpoint(read: ReadEnv, templateBase: string | undefined): ProviderEndpoint {
  const provider = "openai.azure";
  const key = requireKey(provider, read, ["AZURE_OPENAI_API_KEY"]);
  const resource = read("AZURE_OPENAI_ENDPOINT") ?? templateBase;
  if (!resource) {
    throw missingSetting(
      provider,
      ["AZURE_OPENAI_ENDPOINT"],
      "No endpoint for openai.azure: set AZURE_OPENAI_ENDPOINT (e.g. https://my-resource.openai.azure.com) in the environment.",
    );
  }
  const headers = { "api-key": key };
  const apiVersion = read("OPENAI_API_VERSION");
  // The Azure codecs' paths start at the resource (`/openai/deployments/{model}/…`, `/openai/responses`).
  const base = trimSlashes(resource);
  if (/\/openai\/v1$/.test(base)) {
    // The v1 API takes the model in the body and needs no api-version.
    return endpoint(
      {
        provider,
        baseURL: base.slice(0, -"/openai/v1".length),
        headers,
        query: apiVersion ? { "api-version": apiVersion } : undefined,
        routePath: (path) => path.replace(/^\/openai(\/deployments\/[^/]+)?(?=\/)/, "/openai/v1"),
      },
      [key],
    );
  }
  return endpoint(
    { provider, baseURL: base.replace(/\/openai$/, ""), headers, query: { "api-version": apiVersion ?? defaultAzureApiVersion } },
    [key],
  );
}

function bedrockEndpoint(provider: string, read: ReadEnv, templateBase: string | undefined, now: () => Date): ProviderEndpoint {
  const region = read("AWS_REGION") ?? read("AWS_DEFAULT_REGION") ?? "us-east-1";
  const baseURL = trimSlashes(
    templateBase ??
      read("AWS_ENDPOINT_URL_BEDROCK_RUNTIME") ??
      read("AWS_ENDPOINT_URL") ??
      `https://bedrock-runtime.${region}.amazonaws.com`,
  );
  // A Bedrock API key replaces SigV4 when set (AWS SDKs read the same variable).
  const bearer = read("AWS_BEARER_TOKEN_BEDROCK");
  if (bearer) return endpoint({ provider, baseURL, headers: { authorization: `Bearer ${bearer}` } }, [bearer]);

  const accessKeyId = read("AWS_ACCESS_KEY_ID");
  const secretAccessKey = read("AWS_SECRET_ACCESS_KEY");
  if (!accessKeyId || !secretAccessKey) {
    const missing = [accessKeyId ? undefined : "AWS_ACCESS_KEY_ID", secretAccessKey ? undefined : "AWS_SECRET_ACCESS_KEY"].filter(
      (name): name is string => name !== undefined,
    );
    throw missingSetting(
      provider,
      missing,
      `No AWS credentials for amazon.bedrock: set ${missing.join(" and ")} (and AWS_SESSION_TOKEN for temporary credentials) in the environment, or AWS_BEARER_TOKEN_BEDROCK for a Bedrock API key.`,
    );
  }
  const sessionToken = read("AWS_SESSION_TOKEN");
  const credentials: AwsCredentials = sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
  return endpoint(
    {
      provider,
      baseURL,
      headers: {},
      sign: (request) => signAwsRequest({ ...request, credentials, region, service: "bedrock", date: now() }),
    },
    [secretAccessKey, ...(sessionToken ? [sessionToken] : [])],
  );
}

/**
 * Vertex AI: `{GOOGLE_VERTEX_BASE_URL ‖ https://{location}-aiplatform.googleapis.com}/v1/projects/{project}/locations/{location}`,
 * Gemini under `/publishers/google`, Claude under `/publishers/anthropic` (the codec's path says which),
 * with an OAuth2 token from the service-account file, refreshed once on a 401.
 */
function vertexEndpoint(read: ReadEnv, templateBase: string | undefined, options: ResolveProviderEndpointOptions): ProviderEndpoint {
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
    templateBase ?? read("GOOGLE_VERTEX_BASE_URL") ?? (location === "global" ? "https://aiplatform.googleapis.com" : `https://${location}-aiplatform.googleapis.com`),
  ).replace(/\/v1$/, "");
  const tokens = vertexTokenSource(credentialsFile, options.fetch ?? globalThis.fetch.bind(globalThis), () => (options.now ?? (() => new Date()))().getTime());
  return endpoint(
    {
      provider,
      baseURL: `${root}/v1/projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(location)}`,
      headers: {},
      sign: async () => ({ authorization: `Bearer ${await tokens.token()}` }),
      refreshCredentials: () => tokens.invalidate(),
      // Gemini's codec speaks `/models/{m}:…`, as on the Gemini API; on Vertex that is Google's publisher.
      routePath: (path) => (path.startsWith("/publishers/") ? path : `/publishers/google${path}`),
    },
    [],
  );
}

/** An endpoint's view for `JSON.stringify` / `console.log`: its headers redacted. */
function safeView(this: ProviderEndpoint): ProviderEndpoint {
  return { ...this, headers: redactHeaders(this.headers) };
}

/**
 * What every endpoint inherits. On a prototype, not defined on each endpoint:
 * `defineProperty` on a fresh object (and a `delete`) cost a few µs of every run.
 */
const endpointPrototype = { toJSON: safeView, [Symbol.for("nodejs.util.inspect.custom")]: safeView };

/** Registers the endpoint's secrets and makes `JSON.stringify` / `console.log` show its headers redacted. */
function endpoint(fields: ProviderEndpoint, secrets: readonly string[]): ProviderEndpoint {
  const result = Object.create(endpointPrototype) as Record<string, unknown>;
  for (const [name, value] of Object.entries(fields)) if (name !== "query" || value !== undefined) result[name] = value;
  secretsByEndpoint.set(result as unknown as ProviderEndpoint, secrets);
  return result as unknown as ProviderEndpoint;
}

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, "");
}

/** Appends a version segment (`/v1`) unless the URL already ends with it. */
function withVersion(url: string, version: string): string {
  const base = trimSlashes(url);
  return base.endsWith(version) ? base : `${base}${version}`;
}
