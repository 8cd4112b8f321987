import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeProviderName, FakeProviders, FakeReply } from "./index.js";
import { decodeEventStream, startFakeProviders } from "./index.js";

// Every field and event type a live recording has, the fake's answer to a comparable request must
// have too (the fake may add nothing the SDKs don't know, but these tests only check the recording
// side: a missing field is what breaks a codec). Fields that only some models or deployments send
// are listed as optional.

let fakes: FakeProviders;
beforeAll(async () => {
  fakes = await startFakeProviders();
});
beforeEach(() => fakes.reset());
afterAll(() => fakes.close());

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
const recordedBody = (name: string): unknown => JSON.parse(fixture(name));
const recordedChunks = (name: string): unknown[] =>
  fixture(name)
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as unknown);

/** Fields holding the caller's data (tool arguments, JSON schemas), whose insides are not shape. */
const DATA_FIELDS = new Set(["input", "args", "parameters"]);

/** Every key path of a JSON value (`choices[].message.content`); stream events are grouped under their `type`. */
function keyPaths(value: unknown, prefix = "", paths = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const element of value) keyPaths(element, `${prefix}[]`, paths);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const path = prefix === "" ? key : `${prefix}.${key}`;
      paths.add(path);
      if (!DATA_FIELDS.has(key)) keyPaths(child, path, paths);
    }
  }
  return paths;
}

function streamPaths(events: unknown[]): Set<string> {
  const paths = new Set<string>();
  for (const event of events) {
    const type = typeof event === "object" && event !== null && "type" in event ? String(event.type) : "chunk";
    for (const path of keyPaths(event)) paths.add(`${type}: ${path}`);
  }
  return paths;
}

/** The recorded paths the fake lacks, ignoring optional ones (a path matches when it contains an optional name). */
function missing(recorded: Set<string>, ours: Set<string>, optional: string[]): string[] {
  return [...recorded].filter((path) => !ours.has(path) && !optional.some((name) => path.split(/[.:[\]\s]+/u).includes(name)));
}

interface Target {
  provider: FakeProviderName;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

const openAiHeaders = { authorization: "Bearer k" };
const chat = (stream: boolean): Target => ({
  provider: "openai",
  path: "/v1/chat/completions",
  headers: openAiHeaders,
  body: { model: "m", messages: [{ role: "user", content: "hi" }], stream, ...(stream ? { stream_options: { include_usage: true } } : {}) },
});
const azureChat: Target = {
  provider: "azure",
  path: "/openai/deployments/d/chat/completions?api-version=2024-10-21",
  headers: { "api-key": "k" },
  body: { messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } },
};
const completions = (stream: boolean): Target => ({
  provider: "openai",
  path: "/v1/completions",
  headers: openAiHeaders,
  body: { model: "m", prompt: "hi", stream, ...(stream ? { stream_options: { include_usage: true } } : {}) },
});
const weatherTool = { type: "function", name: "weather", parameters: { type: "object", properties: { location: { type: "string" } } } };
const responses = (stream: boolean, tools: unknown[] = []): Target => ({
  provider: "openai",
  path: "/v1/responses",
  headers: openAiHeaders,
  body: { model: "m", input: "hi", stream, tools },
});
const anthropic = (stream: boolean): Target => ({
  provider: "anthropic",
  path: "/v1/messages",
  headers: { "x-api-key": "k", "anthropic-version": "2023-06-01" },
  body: { model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }], stream },
});
const google = (stream: boolean): Target => ({
  provider: "google",
  path: stream ? "/v1beta/models/m:streamGenerateContent?alt=sse" : "/v1beta/models/m:generateContent",
  headers: { "x-goog-api-key": "k" },
  body: { contents: [{ role: "user", parts: [{ text: "hi" }] }] },
});
const mistral = (stream: boolean): Target => ({
  provider: "mistral",
  path: "/v1/chat/completions",
  headers: { authorization: "Bearer k" },
  body: { model: "m", messages: [{ role: "user", content: "hi" }], stream },
});
const bedrock = (stream: boolean): Target => ({
  provider: "bedrock",
  path: `/model/m/${stream ? "converse-stream" : "converse"}`,
  headers: { authorization: "AWS4-HMAC-SHA256 Credential=AKIA/x" },
  body: { messages: [{ role: "user", content: [{ text: "hi" }] }] },
});

async function fetchFake(target: Target, reply: FakeReply): Promise<Response> {
  fakes.queue(target.provider, reply);
  const response = await fetch(`${fakes.url}/${target.provider}${target.path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...target.headers },
    body: JSON.stringify(target.body),
  });
  expect(response.status).toBe(200);
  return response;
}

async function fakeEvents(target: Target, reply: FakeReply): Promise<unknown[]> {
  const response = await fetchFake(target, reply);
  if (target.provider === "bedrock") {
    return decodeEventStream(new Uint8Array(await response.arrayBuffer())).map((message) => {
      const { p: _padding, ...payload } = JSON.parse(new TextDecoder().decode(message.payload)) as Record<string, unknown>;
      return { [message.headers[":event-type"] ?? "?"]: payload };
    });
  }
  return (await response.text())
    .split(/\r?\n\r?\n/u)
    .map((event) => /^data: (.*)$/mu.exec(event)?.[1])
    .filter((data): data is string => data !== undefined && data !== "[DONE]")
    .map((data) => JSON.parse(data) as unknown);
}

const TEXT: FakeReply = { text: "Hello there, how are you?" };
const TOOL: FakeReply = { text: "Let me check.", toolCalls: [{ name: "weather", arguments: { location: "San Francisco" } }] };
const THINKING: FakeReply = { thinking: "Let me think.", text: "Done." };

const AZURE_ONLY = ["content_filters", "obfuscation"];
const GEMINI_3_ONLY = ["thoughtSignature", "thoughtsTokenCount", "finishMessage"];

describe.each([
  ["openai-chat-text.json", chat(false), TEXT, []],
  ["openai-completion-text.json", completions(false), TEXT, []],
  ["openai-responses-text.json", responses(false), TEXT, AZURE_ONLY],
  ["anthropic-text.json", anthropic(false), TEXT, ["inference_geo"]],
  ["anthropic-tool-no-args.json", anthropic(false), TOOL, []],
  ["google-text.json", google(false), TEXT, GEMINI_3_ONLY],
  ["google-tool-call.json", google(false), TOOL, GEMINI_3_ONLY],
  ["mistral-text.json", mistral(false), TEXT, []],
  ["mistral-tool-call.json", mistral(false), TOOL, []],
  ["amazon-bedrock-text.json", bedrock(false), TEXT, ["cacheReadInputTokenCount", "cacheReadInputTokens", "cacheWriteInputTokenCount", "cacheWriteInputTokens", "serverToolUsage"]],
  ["amazon-bedrock-tool-call.1.json", bedrock(false), TOOL, []],
] as const)("%s", (name, target, reply, optional) => {
  it("has every recorded field", async () => {
    const ours = (await (await fetchFake(target, reply)).json()) as unknown;
    const gaps = missing(keyPaths(recordedBody(name)), keyPaths(ours), [...optional]);
    expect(gaps, gaps.join("\n")).toEqual([]);
  });
});

describe.each([
  ["azure-chat-text.chunks.txt", azureChat, TEXT, ["obfuscation"]],
  ["openai-completion-text.chunks.txt", completions(true), TEXT, []],
  ["openai-responses-text.chunks.txt", responses(true), TEXT, AZURE_ONLY],
  ["openai-responses-tool-call.chunks.txt", responses(true, [weatherTool]), { toolCalls: TOOL.toolCalls }, AZURE_ONLY],
  ["anthropic-text.chunks.txt", anthropic(true), TEXT, ["inference_geo"]],
  ["anthropic-tool-no-args.chunks.txt", anthropic(true), TOOL, []],
  ["anthropic-clear-thinking.1.chunks.txt", anthropic(true), THINKING, ["context_management", "inference_geo"]],
  ["google-text.chunks.txt", google(true), TEXT, GEMINI_3_ONLY],
  ["mistral-text.chunks.txt", mistral(true), TEXT, []],
  ["mistral-tool-call.chunks.txt", mistral(true), TOOL, []],
  ["amazon-bedrock-text.chunks.txt", bedrock(true), TEXT, ["additionalModelResponseFields", "serverToolUsage"]],
  ["amazon-bedrock-tool-call.1.chunks.txt", bedrock(true), TOOL, []],
] as const)("%s", (name, target, reply, optional) => {
  it("has every recorded event type and field", async () => {
    const ours = await fakeEvents(target, reply);
    const gaps = missing(streamPaths(recordedChunks(name)), streamPaths(ours), [...optional]);
    expect(gaps, gaps.join("\n")).toEqual([]);
  });
});
