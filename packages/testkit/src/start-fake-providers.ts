import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { createServer as createHttp2Server } from "node:http2";
import type { AddressInfo, Server, Socket } from "node:net";
import { createServer as createNetServer } from "node:net";
import type { FakeCall } from "./internal/fake-call.js";
import { resolveReply } from "./internal/resolve-reply.js";
import { cutResponse, writeResponse } from "./internal/write-response.js";
import { anthropicProvider } from "./providers/anthropic.js";
import { azureProvider } from "./providers/azure.js";
import { bedrockProvider } from "./providers/bedrock.js";
import { googleProvider } from "./providers/google.js";
import { mistralProvider } from "./providers/mistral.js";
import { openAiProvider } from "./providers/openai.js";
import { openRouterProvider } from "./providers/openrouter.js";
import { vertexProvider } from "./providers/vertex.js";
import { vertexTestPrivateKey } from "./internal/vertex-test-key.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeProvider } from "./providers/provider.js";
import type { FakeFault, FakeProviderName, FakeReply, RecordedRequest } from "./types.js";
import { FAKE_PROVIDER_NAMES } from "./types.js";

const PROVIDERS: Record<FakeProviderName, FakeProvider> = {
  openai: openAiProvider,
  azure: azureProvider,
  anthropic: anthropicProvider,
  google: googleProvider,
  mistral: mistralProvider,
  bedrock: bedrockProvider,
  openrouter: openRouterProvider,
  vertex: vertexProvider,
};

/** The Azure OpenAI API version the fakes' `env` advertises (any non-empty version is accepted). */
export const FAKE_AZURE_API_VERSION = "2024-10-21";

/** Options of {@link startFakeProviders}. */
export interface FakeProvidersOptions {
  /** Port to listen on; default 0 (a free port). */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** The one key each fake accepts; default: any non-empty key. For Bedrock, the SigV4 access key id or the Bedrock API key. */
  apiKeys?: Partial<Record<FakeProviderName, string>>;
}

/** Running fake providers: where they are, what they received, and how to script their next answers. */
export interface FakeProviders {
  /** The origin, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /**
   * The base URL each official SDK takes: `openai` → OpenAI `baseURL` (`…/openai/v1`), `azure` → the
   * AzureOpenAI `endpoint`, `anthropic` → Anthropic `baseURL` (no `/v1`), `google` → genai
   * `httpOptions.baseUrl`, `mistral` → Mistral `serverURL`, `bedrock` → the Bedrock runtime endpoint, `openrouter` → an OpenAI client's `baseURL` for OpenRouter (`…/openrouter/api/v1`).
   */
  readonly baseURLs: Readonly<Record<FakeProviderName, string>>;
  /** Environment variables that point the official SDKs and ours at the fakes, with fake keys. */
  readonly env: Readonly<Record<string, string>>;
  /** Every request received since start or the last `reset()`, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** The requests one fake received, oldest first. */
  requestsFor(provider: FakeProviderName): RecordedRequest[];
  /** The latest request (to one fake, when named). */
  lastRequest(provider?: FakeProviderName): RecordedRequest | undefined;
  /**
   * Queues replies for the next accepted requests to a fake, consumed in order (shared with
   * `fault`) before the default reply applies. Requests the fake rejects consume nothing.
   */
  queue(provider: FakeProviderName, ...replies: FakeReply[]): void;
  /** Queues failures, one request each, in the same queue as `queue`. */
  fault(provider: FakeProviderName, ...faults: FakeFault[]): void;
  /** How many queued replies and faults a fake has not used yet. */
  pending(provider: FakeProviderName): number;
  /** Forgets recorded requests and every queued reply and fault. */
  reset(): void;
  /** Stops the server, cutting any open stream or hanging request. */
  close(): Promise<void>;
}

type Scripted = { reply: FakeReply } | { fault: FakeFault };

type FakeRequest = IncomingMessage | Http2ServerRequest;
type FakeResponse = ServerResponse | Http2ServerResponse;

function readBody(request: FakeRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function headerRecord(request: FakeRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    // HTTP/2 pseudo-headers (`:path`, …) are not headers; `:authority` is kept as `host`, as HTTP/1.1 sends it.
    if (value !== undefined && !name.startsWith(":")) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  const authority = request.headers[":authority"];
  if (headers.host === undefined && typeof authority === "string") headers.host = authority;
  return headers;
}

function fakeEnv(baseURLs: Record<FakeProviderName, string>, apiKeys: Partial<Record<FakeProviderName, string>>, vertexCredentials: string) {
  const accessKeyId = apiKeys.bedrock ?? "AKIAFAKEBEDROCKKEY00";
  return {
    OPENAI_BASE_URL: baseURLs.openai,
    OPENAI_API_KEY: apiKeys.openai ?? "sk-fake-openai-key",
    AZURE_OPENAI_ENDPOINT: baseURLs.azure,
    AZURE_OPENAI_API_KEY: apiKeys.azure ?? "fake-azure-key",
    OPENAI_API_VERSION: FAKE_AZURE_API_VERSION,
    ANTHROPIC_BASE_URL: baseURLs.anthropic,
    ANTHROPIC_API_KEY: apiKeys.anthropic ?? "sk-ant-fake-anthropic-key",
    GOOGLE_GEMINI_BASE_URL: baseURLs.google,
    GEMINI_API_KEY: apiKeys.google ?? "fake-gemini-key",
    MISTRAL_BASE_URL: baseURLs.mistral,
    MISTRAL_API_KEY: apiKeys.mistral ?? "fake-mistral-key",
    BEDROCK_BASE_URL: baseURLs.bedrock,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: baseURLs.bedrock,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: "fake-aws-secret-access-key",
    AWS_REGION: "us-east-1",
    OPENROUTER_BASE_URL: baseURLs.openrouter,
    OPENROUTER_API_KEY: apiKeys.openrouter ?? "sk-or-v1-fake-openrouter-key",
    GOOGLE_APPLICATION_CREDENTIALS: vertexCredentials,
    GOOGLE_CLOUD_PROJECT: "fake-project",
    GOOGLE_CLOUD_LOCATION: "us-central1",
    GOOGLE_VERTEX_BASE_URL: baseURLs.vertex,
  };
}

/** How an HTTP/2 connection opens (RFC 9113 §3.4); no HTTP/1.1 request line starts like it. */
const HTTP2_PREFACE_START = Buffer.from("PRI ");

/**
 * Hands a new connection to the HTTP/1.1 or the HTTP/2 server by its first bytes. HTTP/2 is spoken
 * in cleartext with prior knowledge, as the AWS SDK's default handler does for an `http://` endpoint
 * (the Bedrock runtime client uses HTTP/2); every other SDK speaks HTTP/1.1.
 */
function routeConnection(socket: Socket, http1: Server, http2: Server): void {
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    if (head.length < HTTP2_PREFACE_START.length && HTTP2_PREFACE_START.subarray(0, head.length).equals(head)) return;
    socket.off("data", onData);
    socket.off("error", onEarlyError);
    socket.pause();
    socket.unshift(head);
    if (head.subarray(0, HTTP2_PREFACE_START.length).equals(HTTP2_PREFACE_START)) {
      http2.emit("connection", socket); // the session reads what is buffered itself
    } else {
      http1.emit("connection", socket);
      socket.resume(); // the HTTP/1.1 parser waits for 'data' events
    }
  };
  const onEarlyError = () => socket.destroy();
  socket.on("error", onEarlyError);
  socket.on("data", onData);
}

/**
 * Starts the fake providers on one port, one path prefix per provider (`/openai`, `/azure`,
 * `/anthropic`, `/google`, `/mistral`, `/bedrock`). Each answers as the real API does, in JSON and in
 * streams; by default with `Echo: <last user message>`, or with what a test queued. A request that
 * asks for structured output (`response_format`, Gemini's JSON mode, a tool forced by Anthropic's
 * `tool_choice` or Converse's `toolChoice`) is answered with JSON matching its schema, or the
 * reply's `json`, as text or as the forced tool's input.
 *
 * @example
 * const fakes = await startFakeProviders();
 * const openai = new OpenAI({ baseURL: fakes.baseURLs.openai, apiKey: "sk-test" });
 * fakes.queue("openai", { text: "Hello!" });
 * await openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] });
 * await fakes.close();
 */
export async function startFakeProviders(options: FakeProvidersOptions = {}): Promise<FakeProviders> {
  const apiKeys = options.apiKeys ?? {};
  let requests: RecordedRequest[] = [];
  const scripts = new Map<FakeProviderName, Scripted[]>(FAKE_PROVIDER_NAMES.map((name) => [name, []]));
  let sequence = 0;

  async function handle(request: FakeRequest, response: FakeResponse): Promise<void> {
    const receivedAt = Date.now();
    const url = new URL(request.url ?? "/", "http://fake");
    const [, prefix = "", ...rest] = url.pathname.split("/");
    const provider = PROVIDERS[prefix as FakeProviderName] as FakeProvider | undefined;
    const rawBody = await readBody(request);
    if (provider === undefined) {
      await writeResponse(response, {
        kind: "json",
        status: 404,
        body: { error: `No fake provider at /${prefix}. Use one of: ${FAKE_PROVIDER_NAMES.map((name) => `/${name}`).join(", ")}.` },
      });
      return;
    }
    const json = parseJson(rawBody);
    const call: FakeCall = {
      method: request.method ?? "GET",
      path: `/${rest.join("/")}`,
      query: Object.fromEntries(url.searchParams),
      headers: headerRecord(request),
      rawBody,
      json,
      sequence: ++sequence,
      receivedAt,
    };
    requests.push({
      provider: provider.name,
      method: call.method,
      path: call.path,
      query: call.query,
      headers: call.headers,
      body: json ?? (rawBody === "" ? undefined : rawBody),
      receivedAt,
    });

    const accepted = provider.accept(call, apiKeys[provider.name]);
    if (accepted.kind === "json") return writeResponse(response, accepted);

    const scripted = scripts.get(provider.name)?.shift();
    if (scripted !== undefined && "fault" in scripted) {
      const fault = scripted.fault;
      if ("hang" in fault) return; // close() destroys every socket
      if ("resetConnection" in fault) {
        cutResponse(response);
        return;
      }
      const answer = provider.errorResponse(fault.status, fault.retryAfterSeconds);
      return writeResponse(response, {
        kind: "json",
        status: fault.status,
        body: fault.body ?? answer.body,
        headers: {
          ...answer.headers,
          ...(fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {}),
          ...(fault.retryAfterMs !== undefined ? { "retry-after-ms": String(fault.retryAfterMs) } : {}),
          ...fault.headers,
        },
      });
    }
    const queued = scripted?.reply;
    const reply = resolveReply(accepted, queued, { sequence: call.sequence, receivedAt });
    return writeResponse(response, provider.respond(accepted, reply, call), queued);
  }

  const onRequest = (request: FakeRequest, response: FakeResponse) => {
    handle(request, response).catch((error: unknown) => {
      // A bug in a fake: answer 500 so the test fails loudly instead of hanging.
      const message = error instanceof Error ? error.stack ?? error.message : String(error);
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
      response.end(`fake provider crashed: ${message}`);
    });
  };
  const http1 = createServer(onRequest);
  http1.keepAliveTimeout = 5_000;
  const http2 = createHttp2Server(onRequest);
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    routeConnection(socket, http1, http2);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  const baseURLs: Record<FakeProviderName, string> = {
    openai: `${url}/openai/v1`,
    azure: `${url}/azure`,
    anthropic: `${url}/anthropic`,
    google: `${url}/google`,
    mistral: `${url}/mistral`,
    bedrock: `${url}/bedrock`,
    openrouter: `${url}/openrouter/api/v1`,
    vertex: `${url}/vertex`,
  };
  // A service-account key file whose token_uri is the fake's token endpoint (GOOGLE_APPLICATION_CREDENTIALS).
  const credentialsDir = mkdtempSync(join(tmpdir(), "promptline-fake-vertex-"));
  const vertexCredentials = join(credentialsDir, "service-account.json");
  writeFileSync(
    vertexCredentials,
    JSON.stringify({
      type: "service_account",
      project_id: "fake-project",
      private_key_id: "fake-key-id",
      private_key: vertexTestPrivateKey,
      client_email: "promptline-fake@fake-project.iam.gserviceaccount.com",
      client_id: "000000000000000000000",
      token_uri: `${url}/vertex/token`,
    }),
    { mode: 0o600 },
  );
  const script = (provider: FakeProviderName, items: Scripted[]) => scripts.get(provider)?.push(...items);

  return {
    url,
    baseURLs,
    env: fakeEnv(baseURLs, apiKeys, vertexCredentials),
    get requests() {
      return requests;
    },
    requestsFor: (provider) => requests.filter((request) => request.provider === provider),
    lastRequest: (provider) =>
      provider === undefined ? requests.at(-1) : requests.filter((request) => request.provider === provider).at(-1),
    queue: (provider, ...replies) => script(provider, replies.map((reply) => ({ reply }))),
    fault: (provider, ...faults) => script(provider, faults.map((fault) => ({ fault }))),
    pending: (provider) => scripts.get(provider)?.length ?? 0,
    reset() {
      requests = [];
      for (const queue of scripts.values()) queue.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        rmSync(credentialsDir, { recursive: true, force: true });
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}
