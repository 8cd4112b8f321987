import type { ProviderCodec } from "../codecs/codec.js";
import type { ModelFamilyRules, ProviderFamilies } from "../models/model-defaults.js";
import type { CanonicalParameter } from "../models/parameter-vocabulary.js";

/**
 * Everything Promptline knows about one provider, gathered in its folder
 * (`providers/<id>/`: `index.ts`, `codecs.ts`, `endpoint.ts`, `models.ts`).
 * Data and pure functions only: the SDK reads the environment and does the
 * I/O a credential needs (SigV4, an OAuth2 token), chosen by `endpoint`'s
 * auth scheme. Registries iterate `providerList` (decision 0014).
 */
export interface ProviderDescriptor<Id extends string = string> {
  /** PromptLayer's provider name, e.g. `openai.azure`; also the folder's name. */
  readonly id: Id;
  readonly codecs: ProviderCodecs;
  readonly endpoint: ProviderEndpointSpec;
  readonly stream: ProviderStreamSpec;
  readonly models: ProviderModels;
  /** How a `/track-request` body names this provider. */
  readonly tracking?: ProviderTracking;
  /** OpenTelemetry's `gen_ai.provider.name`, when the semantic conventions name this provider. */
  readonly genAiProviderName?: string;
}

/** What `codecs.select` is asked. */
export interface CodecSelection {
  /** `metadata.model.api_type`, `chat-completions` when absent. */
  apiType: string;
  templateType: "chat" | "completion";
  /** `metadata.model.name` (may be empty). */
  modelName: string;
}

/** The codec to use, or why there is none (the registry turns it into UnsupportedProviderError). */
export type CodecChoice = ProviderCodec | { readonly unsupported: string };

export interface ProviderCodecs {
  /** The codec for an API type, template type and model. Only providers hosting several families look at the model. */
  select(selection: CodecSelection): CodecChoice;
  /** The codecs that read this provider's `/track-request` bodies by `function_name` (none when it reports as another one). */
  readonly tracked: readonly ProviderCodec[];
  /** The `api_type` the official SDKs need spelled out (OpenAI, Azure); absent when the provider has one API. */
  readonly defaultApiType?: string;
}

// ------------------------------------------------------------------ endpoint

/** Reads one environment variable: trimmed, empty counts as unset. */
export type ReadEnv = (name: string) => string | undefined;

/** What `endpoint.resolve` gets from the SDK. */
export interface EndpointContext {
  read: ReadEnv;
  /** The template's `base_url`, already checked against the trusted origins. */
  templateBaseURL: string | undefined;
  /** The template's `api_key_env`, already checked (only for `acceptsApiKeyEnv` providers, with a base URL). */
  apiKeyEnv: string | undefined;
}

/** AWS credentials for SigV4. */
export interface AwsKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * How requests authenticate beyond static headers. Each scheme that needs
 * I/O is implemented once in the SDK (`sdk/src/transport/credentials.ts`).
 */
export type ProviderAuth =
  /** The key is in `headers` already (Bearer, `x-api-key`, `api-key`, `x-goog-api-key`). */
  | { readonly scheme: "headers" }
  /** AWS Signature V4 over each request. */
  | { readonly scheme: "aws-sigv4"; readonly credentials: AwsKeys; readonly region: string; readonly service: string }
  /** An OAuth2 token from a Google service-account key file, refreshed once on a 401. */
  | { readonly scheme: "google-service-account"; readonly credentialsFile: string };

/** A resolved endpoint, before the SDK adds its credential strategy. */
export interface EndpointPlan {
  /** Without a trailing slash; codec paths are appended. */
  readonly baseURL: string;
  /** Static headers, credentials included (the SDK logs them only redacted). */
  readonly headers: Readonly<Record<string, string>>;
  /** Credential values to scrub from errors besides `headers`' own. */
  readonly secrets: readonly string[];
  readonly auth: ProviderAuth;
  /** Query parameters every request carries (Azure's `api-version`). */
  readonly query?: Readonly<Record<string, string>>;
  /** Rewrites a codec path for this endpoint. */
  readonly routePath?: (path: string) => string;
}

export interface ProviderEndpointSpec {
  /** Variables that set the base URL (the official SDKs' names); their origins are trusted. */
  readonly baseURLEnv: readonly string[];
  /** Official origins: exact, or a pattern for regional hosts. */
  readonly officialOrigins: readonly (string | RegExp)[];
  /** Offer HTTP/2 (the transport negotiates it): Bedrock's runtime speaks it, and needs it for its bidirectional APIs. */
  readonly http2?: boolean;
  /** Whether a template's `api_key_env` may name the key (an OpenAI-compatible base URL names another service). */
  readonly acceptsApiKeyEnv?: boolean;
  /** False when the environment's endpoint replaces the template's `base_url` entirely (Azure): it is then not checked. Default true. */
  templateBaseURLApplies?(read: ReadEnv): boolean;
  /**
   * Base URL, headers and auth scheme from the environment. Throws
   * MissingProviderKeyError naming the variable(s) to set.
   */
  resolve(context: EndpointContext): EndpointPlan;
}

// ------------------------------------------------------------------ stream

/** How a stream body is framed; the Accept header follows from it (`streamAccept`). */
export type StreamFraming = "sse" | "aws-event-stream";

export const streamAccept: Readonly<Record<StreamFraming, string>> = {
  sse: "text/event-stream",
  "aws-event-stream": "application/vnd.amazon.eventstream",
};

export interface ProviderStreamSpec {
  readonly framing: StreamFraming;
  /**
   * The end-of-stream marker this provider always sends, or null when it
   * sends none. `data: [DONE]` ends any SSE stream; a stream that closes
   * before its marker was cut.
   */
  readonly isEnd: ((event: unknown) => boolean) | null;
}

// ------------------------------------------------------------------ models

/** A model's list price, USD per 1M tokens. */
export interface ListPrice {
  readonly input: number;
  readonly output: number;
  /** Input tokens read from the provider's prompt cache, when discounted. */
  readonly cached_input?: number;
}

/** Prices by model id or family prefix; null: known but not priceable from text tokens (it blocks its prefix). */
export type PriceList = Readonly<Record<string, ListPrice | null>>;

/** An API whose parameter names differ from the family's (OpenAI's Responses API), applied over it. */
export interface ApiParameterOverlay {
  readonly names: Readonly<Partial<Record<CanonicalParameter, string>>>;
  readonly unsupported: readonly CanonicalParameter[];
  readonly accepts: readonly string[];
}

export interface ProviderModels {
  /** Default parameters and parameter rules by model-family prefix. */
  readonly families: ProviderFamilies;
  /** The model id without this provider's decorations (Bedrock's region prefix), after `models/` is stripped. */
  normalizeModelId?(id: string): string;
  /** Parameter names by `api_type`, where an API renames them. */
  readonly apiOverlays?: Readonly<Record<string, ApiParameterOverlay>>;
  /** This provider's own list prices. */
  readonly prices?: PriceList;
  /**
   * Whose list price `model` bills at (Azure: OpenAI's; OpenRouter: the
   * upstream vendor's), or undefined for none. Default: its own `prices`.
   */
  pricedAs?(model: string): { provider: string; model: string } | undefined;
}

// ------------------------------------------------------------------ tracking

export interface ProviderTracking {
  /** The first segment of the `function_name`s its official client reports, when it isn't the id (`boto3` for Bedrock). */
  readonly functionNamePrefix?: string;
  /** The `api_type` a tracked `function_name` used. */
  apiTypeOf?(functionName: string): string | undefined;
}

/** Type helper: keeps the literal id. */
export function defineProvider<const Id extends string>(descriptor: ProviderDescriptor<Id>): ProviderDescriptor<Id> {
  return descriptor;
}

export type { ModelFamilyRules, ProviderFamilies };
