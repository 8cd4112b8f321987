/**
 * Shared setup of the SDK end-to-end tests: fake providers, a real server on
 * in-memory SQLite, and a client pointed at both.
 */
import { startServer, type RunningServer } from "@promptline/server";
import { startFakeProviders, type FakeProviderName, type FakeProviders } from "@promptline/testkit";
import { Promptline, type PromptlineOptions, type PublishBody } from "promptline";

export const apiKey = "pl_test_key_sdk_e2e_1234567890";

/** One runnable provider: the template's model settings and the fake that answers it. */
export interface ProviderCase {
  id: string;
  fake: FakeProviderName;
  model: { provider: string; name: string; api_type?: string; base_url?: string; parameters: Record<string, unknown> };
  /** Where the fake sees the model: in the body (`model`, `modelId`) or only in the path. */
  modelInPath?: boolean;
  /** Removes variables from the fakes' env (the OpenAI-compatible case must not lean on OPENAI_BASE_URL). */
  dropEnv?: string[];
  /** Origins the client must allow for the template's `base_url` (trusted provider endpoints). */
  allowedBaseURLs?: string[];
}

/** Every provider of the core issue, plus an OpenAI-compatible endpoint reached through `metadata.model.base_url`. */
export function providerCases(fakes: FakeProviders): ProviderCase[] {
  return [
    { id: "openai-chat", fake: "openai", model: { provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions", parameters: { temperature: 0.5 } } },
    { id: "openai-responses", fake: "openai", model: { provider: "openai", name: "gpt-4o-mini", api_type: "responses", parameters: { temperature: 0.5 } } },
    { id: "azure", fake: "azure", model: { provider: "openai.azure", name: "my-gpt-4o-deployment", parameters: { temperature: 0.5 } } },
    { id: "anthropic", fake: "anthropic", model: { provider: "anthropic", name: "claude-3-5-haiku-latest", parameters: { temperature: 0.5, max_tokens: 300 } } },
    { id: "google", fake: "google", modelInPath: true, model: { provider: "google", name: "gemini-2.0-flash", parameters: { temperature: 0.5 } } },
    { id: "mistral", fake: "mistral", model: { provider: "mistral", name: "mistral-small-latest", parameters: { temperature: 0.5 } } },
    {
      id: "bedrock",
      fake: "bedrock",
      modelInPath: true,
      model: { provider: "amazon.bedrock", name: "anthropic.claude-3-haiku-20240307-v1:0", parameters: { temperature: 0.5, max_tokens: 300 } },
    },
    {
      id: "anthropic-bedrock",
      fake: "bedrock",
      modelInPath: true,
      model: { provider: "anthropic.bedrock", name: "us.anthropic.claude-3-5-haiku-20241022-v1:0", parameters: { temperature: 0.5, max_tokens: 300 } },
    },
    { id: "vertex-gemini", fake: "vertex", modelInPath: true, model: { provider: "vertexai", name: "gemini-2.0-flash", parameters: { temperature: 0.5 } } },
    { id: "vertex-claude", fake: "vertex", modelInPath: true, model: { provider: "vertexai", name: "claude-3-5-haiku@20241022", parameters: { temperature: 0.5, max_tokens: 300 } } },
    { id: "openrouter", fake: "openrouter", model: { provider: "openrouter", name: "openai/gpt-4o-mini", parameters: { temperature: 0.5 } } },
    {
      id: "openai-compatible",
      fake: "openai",
      dropEnv: ["OPENAI_BASE_URL"],
      // With OPENAI_BASE_URL gone, the template's base_url is trusted only once allowed.
      allowedBaseURLs: [fakes.url],
      model: { provider: "openai", name: "deepseek-chat", api_type: "chat-completions", base_url: fakes.baseURLs.openai, parameters: { temperature: 0.5 } },
    },
  ];
}

export const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "The weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
} as const;

/** A chat template: a system message, then a user message with `{city}`. */
export function weatherTemplate(tools = true): PublishBody["prompt_template"] {
  return {
    type: "chat",
    messages: [
      { role: "system", content: [{ type: "text", text: "Answer briefly." }] },
      { role: "user", content: [{ type: "text", text: "What is the weather in {city}?" }] },
    ],
    ...(tools && { tools: [weatherTool] }),
  };
}

/** A user-only chat template with the given text. */
export function textTemplate(text: string): PublishBody["prompt_template"] {
  return { type: "chat", messages: [{ role: "user", content: [{ type: "text", text }] }] };
}

/** A log record as `GET /api/v1/requests/{id}` returns it (DESIGN.md). */
export interface StoredRecord {
  request_id: string;
  prompt_name: string | null;
  prompt_version: number | null;
  status: "SUCCESS" | "ERROR" | "CANCELLED";
  provider: string;
  model: string;
  tags: string[];
  metadata: Record<string, string>;
  group_id: number | null;
  input_variables: Record<string, unknown>;
  usage: { input_tokens: number; output_tokens: number };
  cost_usd: number | null;
  latency_ms: number;
  request: unknown;
  response: unknown;
  prompt_blueprint: unknown;
  error_type: string | null;
  error_message: string | null;
  scores?: Record<string, number>;
  [key: string]: unknown;
}

export interface Harness {
  fakes: FakeProviders;
  server: RunningServer;
  client: Promptline;
  /** A client with other options, closed with the harness. */
  makeClient(options?: PromptlineOptions): Promptline;
  /** `GET /api/v1/requests/{id}`: the stored log record (after `client.flush()`). */
  record(requestId: string): Promise<StoredRecord>;
  /** `GET /api/v1/requests?…`: the stored records matching a query, newest first. */
  records(query: string): Promise<StoredRecord[]>;
  close(): Promise<void>;
}

export async function startHarness(options: PromptlineOptions = {}): Promise<Harness> {
  const fakes = await startFakeProviders();
  const server = await startServer({ database: "sqlite::memory:", port: 0, apiKey });
  const clients: Promptline[] = [];
  const makeClient = (extra: PromptlineOptions = {}) => {
    const client = new Promptline({ apiKey, baseURL: server.url, env: fakes.env, flushOnExit: false, ...options, ...extra });
    clients.push(client);
    return client;
  };
  const client = makeClient();
  return {
    fakes,
    server,
    client,
    makeClient,
    async record(requestId) {
      const response = await fetch(`${server.url}/api/v1/requests/${requestId}`, { headers: { "x-api-key": apiKey } });
      if (response.status !== 200) throw new Error(`GET /api/v1/requests/${requestId}: ${response.status} ${await response.text()}`);
      return (await response.json()) as StoredRecord;
    },
    async records(query) {
      const response = await fetch(`${server.url}/api/v1/requests?${query}`, { headers: { "x-api-key": apiKey } });
      if (response.status !== 200) throw new Error(`GET /api/v1/requests?${query}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { items: StoredRecord[] }).items;
    },
    async close() {
      await Promise.all(clients.map((each) => each.close({ timeoutMs: 200 })));
      await server.close();
      await fakes.close();
    },
  };
}

/** Every credential value of the fakes' env, to look for in anything that must not hold one. */
export function secretValues(fakes: FakeProviders): string[] {
  return Object.entries(fakes.env)
    .filter(([name]) => /KEY|SECRET|TOKEN/.test(name))
    .map(([, value]) => value);
}

/** Drains a stream, keeping every chunk. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const chunks: T[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}
