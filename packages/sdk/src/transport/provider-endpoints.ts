/**
 * Where each provider lives and how it authenticates, read from the
 * environment under each provider SDK's own variable names (DESIGN.md). What
 * to read is each provider's descriptor (`core/src/providers/<id>/endpoint.ts`);
 * this is the only place the transport reads it, and the only place that
 * runs a credential strategy with I/O (SigV4 signing, Vertex's OAuth2 token),
 * chosen by the descriptor's auth scheme. It takes the environment as an
 * argument so callers (and tests) decide where it comes from.
 */
import { InvalidTemplateError } from "@promptline/core/errors";
import { apiKeyEnvPattern } from "@promptline/core/schemas";
import { knownProviders, providerDescriptor, unsupportedProvider, type EndpointPlan, type ReadEnv } from "@promptline/core/provider-registry";
import { signAwsRequest } from "./aws-sigv4.js";
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

/** The providers `resolveProviderEndpoint` knows: every provider of the list. */
export const supportedProviders: readonly string[] = knownProviders;

export { anthropicVersion, defaultAzureApiVersion } from "@promptline/core/provider-registry";

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
  const read: ReadEnv = (name) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const descriptor = providerDescriptor(provider);
  const templateBase = options.baseURL?.trim() || undefined;
  // Checked first, whatever the provider: a credential never goes where the template alone says.
  // Azure's AZURE_OPENAI_ENDPOINT wins over the template's, which is then not used at all.
  if (templateBase && (descriptor?.endpoint.templateBaseURLApplies?.(read) ?? true)) {
    assertTrustedBaseURL(provider, templateBase, env, options.trust);
  }
  const apiKeyEnv = options.apiKeyEnv?.trim() || undefined;
  if (apiKeyEnv !== undefined) checkApiKeyEnv(provider, apiKeyEnv, templateBase);
  if (descriptor === undefined) throw unsupportedProvider(provider);

  const plan = descriptor.endpoint.resolve({ read, templateBaseURL: templateBase, apiKeyEnv });
  const fields: ProviderEndpoint = { provider, baseURL: plan.baseURL, headers: plan.headers, ...credentialStrategy(provider, plan, options) };
  return endpoint({ ...fields, ...(plan.query && { query: plan.query }), ...(plan.routePath && { routePath: plan.routePath }) }, plan.secrets);
}

/** Per-request credentials for the auth schemes that need I/O; none for static headers. */
function credentialStrategy(provider: string, plan: EndpointPlan, options: ResolveProviderEndpointOptions): Pick<ProviderEndpoint, "sign" | "refreshCredentials"> {
  const now = options.now ?? (() => new Date());
  const { auth } = plan;
  switch (auth.scheme) {
    case "headers":
      return {};
    case "aws-sigv4":
      return { sign: (request) => signAwsRequest({ ...request, credentials: auth.credentials, region: auth.region, service: auth.service, date: now() }) };
    case "google-service-account": {
      const tokens = vertexTokenSource(auth.credentialsFile, options.fetch ?? globalThis.fetch.bind(globalThis), () => now().getTime(), provider);
      return { sign: async () => ({ authorization: `Bearer ${await tokens.token()}` }), refreshCredentials: () => tokens.invalidate() };
    }
  }
}

/** Whether to offer HTTP/2 to the provider (its descriptor's `endpoint.http2`: Bedrock's runtime). */
export function offersHttp2(provider: string): boolean {
  return providerDescriptor(provider)?.endpoint.http2 === true;
}

/** The credential values behind an endpoint, for scrubbing them out of errors. */
export function endpointSecrets(endpoint: ProviderEndpoint): readonly string[] {
  return [...(secretsByEndpoint.get(endpoint) ?? []), ...secretHeaderValues(endpoint.headers)];
}

/** `api_key_env` is only for an OpenAI-compatible base URL, and only names a `*_API_KEY` variable. */
function checkApiKeyEnv(provider: string, name: string, baseURL: string | undefined): void {
  if (!apiKeyEnvPattern.test(name)) {
    throw new InvalidTemplateError(
      `api_key_env "${name}" is not an API key variable: name an upper-case environment variable ending in _API_KEY (e.g. TOGETHER_API_KEY).`,
      { location: "metadata.model.api_key_env" },
    );
  }
  if (!providerDescriptor(provider)?.endpoint.acceptsApiKeyEnv) {
    const providers = knownProviders.filter((id) => providerDescriptor(id)?.endpoint.acceptsApiKeyEnv).map((id) => `"${id}"`);
    throw new InvalidTemplateError(`api_key_env is for OpenAI-compatible endpoints (provider ${providers.join(" or ")} with a base_url), not "${provider}".`, {
      location: "metadata.model.api_key_env",
    });
  }
  if (baseURL === undefined) {
    throw new InvalidTemplateError(`api_key_env "${name}" needs metadata.model.base_url: the endpoint its key belongs to.`, { location: "metadata.model.base_url" });
  }
}

/** An endpoint's view for `JSON.stringify` / `console.log`: its headers redacted. */
function safeView(this: ProviderEndpoint): ProviderEndpoint {
  return { ...this, headers: redactHeaders(this.headers) };
}

/**
 * What every endpoint inherits. On a prototype, not defined on each endpoint:
 * `defineProperty` on each fresh endpoint cost a few µs of every run.
 */
const endpointPrototype = { toJSON: safeView, [Symbol.for("nodejs.util.inspect.custom")]: safeView };

/** Registers the endpoint's secrets and makes `JSON.stringify` / `console.log` show its headers redacted. */
function endpoint(fields: ProviderEndpoint, secrets: readonly string[]): ProviderEndpoint {
  const result: ProviderEndpoint = Object.assign(Object.create(endpointPrototype) as ProviderEndpoint, fields);
  secretsByEndpoint.set(result, secrets);
  return result;
}

/** What a run's endpoint depends on besides the environment (`resolveProviderEndpoint`'s other arguments). */
export interface EndpointRequest {
  provider: string;
  baseURL?: string | null | undefined;
  apiKeyEnv?: string | null | undefined;
}

/** A resolved endpoint and every environment variable its resolution read, with the value it read. */
interface RememberedEndpoint {
  endpoint: ProviderEndpoint;
  reads: ReadonlyArray<readonly [name: string, value: string | undefined]>;
}

const rememberedLimit = 64;

/**
 * `resolveProviderEndpoint` for one environment and one set of options,
 * remembering each endpoint between runs (its resolution was a few µs of
 * every run). An endpoint is reused only while every variable its resolution
 * read (the descriptor's, the trust check's) still holds the value it read,
 * so a changed `process.env` is seen on the next run as before. Failures are
 * not remembered: a missing key throws on every run.
 */
export function rememberingEndpointResolver(
  env: ProviderEnv,
  options: Omit<ResolveProviderEndpointOptions, "baseURL" | "apiKeyEnv"> = {},
): (request: EndpointRequest) => ProviderEndpoint {
  const remembered = new Map<string, RememberedEndpoint>();
  return ({ provider, baseURL, apiKeyEnv }) => {
    const key = `${provider}\n${baseURL ?? ""}\n${apiKeyEnv ?? ""}`;
    const entry = remembered.get(key);
    if (entry !== undefined && entry.reads.every(([name, value]) => env[name] === value)) return entry.endpoint;
    const reads = new Map<string, string | undefined>();
    // Only on a miss: records each variable read, whoever reads it.
    const recordingEnv = new Proxy(env, {
      get(target, name) {
        const value = Reflect.get(target, name) as unknown;
        if (typeof name === "string" && !reads.has(name)) reads.set(name, value as string | undefined);
        return value;
      },
    });
    const endpoint = resolveProviderEndpoint(provider, recordingEnv, { ...options, ...(baseURL && { baseURL }), ...(apiKeyEnv && { apiKeyEnv }) });
    if (remembered.size >= rememberedLimit) remembered.clear();
    remembered.set(key, { endpoint, reads: [...reads] });
    return endpoint;
  };
}
