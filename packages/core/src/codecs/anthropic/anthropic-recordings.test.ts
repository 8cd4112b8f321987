import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assistantMessageSchema, type AssistantMessage } from "../../schemas/message.js";
import { buildBlueprint } from "../blueprint.js";
import { anthropicCodec } from "./index.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- recordings are untyped JSON, read field by field below
type Json = any;
const read = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
const fixture = (name: string): Json => JSON.parse(read(name));
const events = (name: string): Json[] =>
  read(name)
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));

/** Feeds every event to a fresh accumulator; returns the per-event deltas and the accumulator. */
function accumulate(all: readonly Json[]) {
  const accumulator = anthropicCodec.createStreamAccumulator();
  const deltas = all.map((event) => accumulator.push(event));
  return { accumulator, deltas };
}

/** What a blueprint answer holds, in a form easy to compare. */
function summary(message: AssistantMessage) {
  const content = message.content ?? [];
  return {
    texts: content.flatMap((block) => (block.type === "text" ? [block.text] : [])),
    thinking: content.flatMap((block) => (block.type === "thinking" ? [{ thinking: block.thinking, signature: block.signature ?? null }] : [])),
    toolCalls: (message.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, input: JSON.parse(call.function.arguments) })),
    passThrough: content.flatMap((block) => (!["text", "thinking"].includes(block.type) ? [block.type] : [])),
  };
}

/** The same summary read straight from a Messages response body (the recording), with Anthropic's usage arithmetic. */
function expectedFromResponse(body: Json, keptPassThrough: string[]) {
  const content: Json[] = body.content;
  const texts = content.filter((block) => block.type === "text").map((block) => block.text);
  const hasToolUse = content.some((block) => block.type === "tool_use");
  return {
    texts: texts.length === 0 && !hasToolUse ? [""] : texts,
    thinking: content.filter((block) => block.type === "thinking").map((block) => ({ thinking: block.thinking, signature: block.signature ?? null })),
    toolCalls: content.filter((block) => block.type === "tool_use").map((block) => ({ id: block.id, name: block.name, input: block.input })),
    passThrough: content.filter((block) => keptPassThrough.includes(block.type)).map((block) => block.type),
  };
}

function expectedUsage(usage: Json) {
  return {
    input_tokens: usage.input_tokens + (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0),
    output_tokens: usage.output_tokens,
    cached_input_tokens: usage.cache_read_input_tokens,
  };
}

/** Checks the blueprint rule: valid message, and (unless it only calls tools) a text block last. */
function expectWellFormedAnswer(message: AssistantMessage) {
  expect(assistantMessageSchema.safeParse(message).success).toBe(true);
  const content = message.content ?? [];
  if (content.length > 0) expect(content.at(-1)?.type).toBe("text");
  const firstText = content.findIndex((block) => block.type === "text");
  if (firstText >= 0) expect(content.slice(firstText).every((block) => block.type === "text")).toBe(true);
}

const pass = ["server_tool_use", "bash_code_execution_tool_result", "text_editor_code_execution_tool_result", "web_search_tool_result"];

describe("Anthropic non-streaming recordings → blueprint answer", () => {
  const cases: { file: string; kept: string[] }[] = [
    { file: "anthropic-text.json", kept: [] },
    { file: "anthropic-tool-no-args.json", kept: [] },
    { file: "anthropic-json-tool.1.json", kept: [] },
    { file: "anthropic-clear-thinking.1.json", kept: [] },
    { file: "anthropic-refusal.json", kept: [] },
    { file: "anthropic-code-execution-20250825.1.json", kept: pass },
    // web_fetch_tool_result has no blueprint type: it is left out, and with it the server_tool_use it answers.
    { file: "anthropic-web-fetch-tool.1.json", kept: [] },
  ];

  it.each(cases)("$file", ({ file, kept }) => {
    const body = fixture(file);
    const message = anthropicCodec.responseToMessage(body);
    expectWellFormedAnswer(message);
    expect(summary(message)).toEqual(expectedFromResponse(body, kept));
    expect(anthropicCodec.usage(body)).toEqual(expectedUsage(body.usage));
  });

  it("keeps server tool blocks whole and in order, before the text", () => {
    const body = fixture("anthropic-code-execution-20250825.1.json");
    const content = anthropicCodec.responseToMessage(body).content ?? [];
    expect(content.map((block) => block.type)).toEqual([
      "server_tool_use",
      "text_editor_code_execution_tool_result",
      "server_tool_use",
      "bash_code_execution_tool_result",
      "text",
      "text",
      "text",
    ]);
    expect(content[3]).toEqual(body.content[5]);
  });

  it("reads the usage numbers of the recording", () => {
    expect(anthropicCodec.usage(fixture("anthropic-text.json"))).toEqual({ input_tokens: 12, output_tokens: 29, cached_input_tokens: 0 });
    expect(anthropicCodec.usage({ usage: { input_tokens: 10, cache_read_input_tokens: 300, cache_creation_input_tokens: 50, output_tokens: 7 } })).toEqual({
      input_tokens: 360,
      output_tokens: 7,
      cached_input_tokens: 300,
    });
    expect(anthropicCodec.usage({ id: "x" })).toBeNull();
  });
});

/** Per content-block index: the text, thinking, signature and tool JSON a stream recording sends, read from its lines. */
function streamedBlocks(all: readonly Json[]) {
  const blocks = new Map<number, { type: string; text: string; thinking: string; signature: string | null; json: string; start: Json }>();
  for (const event of all) {
    if (event.type === "content_block_start") {
      blocks.set(event.index, { type: event.content_block.type, text: "", thinking: "", signature: null, json: "", start: event.content_block });
    }
    if (event.type !== "content_block_delta") continue;
    const block = blocks.get(event.index);
    if (!block) throw new Error(`delta before start in recording at ${event.index}`);
    if (event.delta.type === "text_delta") block.text += event.delta.text;
    if (event.delta.type === "thinking_delta") block.thinking += event.delta.thinking;
    if (event.delta.type === "signature_delta") block.signature = event.delta.signature;
    if (event.delta.type === "input_json_delta") block.json += event.delta.partial_json;
  }
  return [...blocks.values()];
}

describe("Anthropic stream recordings → assembled Message and deltas", () => {
  const cases = [
    { file: "anthropic-text.chunks.txt", twin: "anthropic-text.json", kept: [] },
    { file: "anthropic-tool-no-args.chunks.txt", twin: "anthropic-tool-no-args.json", kept: [] },
    { file: "anthropic-json-tool.1.chunks.txt", twin: "anthropic-json-tool.1.json", kept: [] },
    { file: "anthropic-clear-thinking.1.chunks.txt", twin: "anthropic-clear-thinking.1.json", kept: [] },
    { file: "anthropic-refusal.chunks.txt", twin: "anthropic-refusal.json", kept: [] },
    { file: "anthropic-code-execution-20250825.1.chunks.txt", twin: "anthropic-code-execution-20250825.1.json", kept: pass },
    { file: "anthropic-web-fetch-tool.1.chunks.txt", twin: "anthropic-web-fetch-tool.1.json", kept: [] },
    { file: "anthropic-message-delta-input-tokens.chunks.txt", twin: null, kept: [] },
  ];

  it.each(cases)("$file", ({ file, twin, kept }) => {
    const all = events(file);
    const { accumulator, deltas } = accumulate(all);
    const response: Json = accumulator.response();
    const start = all.find((event) => event.type === "message_start").message;
    const messageDeltas = all.filter((event) => event.type === "message_delta");
    const lastDelta = messageDeltas.at(-1);

    // The assembled response is a Message, as the non-streaming call returns.
    expect(response).toMatchObject({ type: "message", id: start.id, model: start.model, role: "assistant", stop_reason: lastDelta.delta.stop_reason });
    const blocks = streamedBlocks(all);
    expect(response.content.map((block: Json) => block.type)).toEqual(blocks.map((block) => block.type));
    blocks.forEach((block, index) => {
      const assembled = response.content[index];
      if (block.type === "text") expect(assembled.text).toBe(block.text);
      if (block.type === "thinking") expect(assembled).toMatchObject({ thinking: block.thinking, signature: block.signature });
      if (block.type === "tool_use" || block.type === "server_tool_use") expect(assembled.input).toEqual(block.json === "" ? block.start.input : JSON.parse(block.json));
    });

    // Usage: message_start's counts, replaced by the cumulative ones of message_delta.
    const usage = { ...start.usage, ...Object.fromEntries(Object.entries(lastDelta.usage).filter(([, value]) => value !== null)) };
    expect(accumulator.usage()).toEqual(expectedUsage(usage));

    // The answer read from the assembled stream is what the non-streaming parser makes of it.
    const answer = anthropicCodec.responseToMessage(response);
    expectWellFormedAnswer(answer);
    expect(summary(answer)).toEqual(expectedFromResponse(response, kept));

    // The deltas add up to the answer: text, thinking, tool arguments.
    const deltaText = deltas.flatMap((delta) => (delta.content ?? []).flatMap((block) => (block.type === "text" ? [block.text] : []))).join("");
    expect(deltaText).toBe(summary(answer).texts.join(""));
    const deltaThinking = deltas.flatMap((delta) => (delta.content ?? []).flatMap((block) => (block.type === "thinking" ? [block.thinking] : []))).join("");
    expect(deltaThinking).toBe(summary(answer).thinking.map((block) => block.thinking).join(""));
    for (const call of answer.tool_calls ?? []) {
      const fragments = deltas.flatMap((delta) => (delta.tool_calls ?? []).filter((fragment) => fragment.id === call.id));
      expect(fragments[0]?.function.name).toBe(call.function.name);
      const joined = fragments.map((fragment) => fragment.function.arguments).join("");
      expect(joined === "" ? {} : JSON.parse(joined)).toEqual(JSON.parse(call.function.arguments));
    }
    for (const delta of deltas) expect(assistantMessageSchema.safeParse(delta).success).toBe(true);

    // Where a non-streaming twin was recorded, it has the same shape of answer (the sampled words differ).
    if (twin) {
      const twinAnswer = anthropicCodec.responseToMessage(fixture(twin));
      expect((answer.content ?? []).map((block) => block.type)).toEqual((twinAnswer.content ?? []).map((block) => block.type));
      expect((answer.tool_calls ?? []).map((call) => call.function.name)).toEqual((twinAnswer.tool_calls ?? []).map((call) => call.function.name));
    }
  });

  it("assembles the text and usage of the short recordings exactly", () => {
    const text = accumulate(events("anthropic-text.chunks.txt")).accumulator;
    expect(summary(anthropicCodec.responseToMessage(text.response())).texts).toEqual([
      "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
    ]);
    expect(text.usage()).toEqual({ input_tokens: 12, output_tokens: 30, cached_input_tokens: 0 });

    // Some servers send the final input count in message_delta: it wins over message_start's.
    const late = accumulate(events("anthropic-message-delta-input-tokens.chunks.txt")).accumulator;
    expect(late.usage()).toEqual({ input_tokens: 61, output_tokens: 2 });
    expect(summary(anthropicCodec.responseToMessage(late.response())).texts).toEqual(["pong"]);
  });

  it("gives the per-event deltas of contract §6.2", () => {
    const { deltas } = accumulate(events("anthropic-tool-no-args.chunks.txt"));
    // message_start, then the text block's start (empty), two text deltas.
    expect(deltas[0]?.content).toEqual([]);
    expect(deltas[1]?.content).toEqual([]);
    expect(deltas[2]?.content).toEqual([{ type: "text", text: "I'll update the issue list for" }]);
    // The tool_use start gives the call with empty arguments; the empty JSON fragment adds nothing.
    const toolStart = deltas[7];
    expect(toolStart?.tool_calls).toEqual([{ id: "toolu_01QE1WLsSVp5hy5Q3GmGTmjP", type: "function", function: { name: "updateIssueList", arguments: "" } }]);
    expect(deltas[9]?.tool_calls).toBeNull();

    const thinking = accumulate(events("anthropic-clear-thinking.1.chunks.txt")).deltas;
    expect(thinking[3]?.content).toEqual([{ type: "thinking", thinking: "The previous" }]);
    expect(thinking[13]?.content).toEqual([{ type: "thinking", thinking: "", signature: expect.stringMatching(/^EvQB/) }]);
  });

  it("keeps the stop details and context management of message_delta", () => {
    const refusal: Json = accumulate(events("anthropic-refusal.chunks.txt")).accumulator.response();
    expect(refusal.stop_reason).toBe("refusal");
    expect(refusal.stop_details).toMatchObject({ type: "refusal", category: "cyber" });
    expect(refusal.content).toEqual([]);
    expect(anthropicCodec.responseToMessage(refusal).content).toEqual([{ type: "text", text: "" }]);

    const thinking: Json = accumulate(events("anthropic-clear-thinking.1.chunks.txt")).accumulator.response();
    expect(thinking.context_management).toEqual({ applied_edits: [] });
  });

  it("emits server tool blocks whole when they stop", () => {
    const { deltas } = accumulate(events("anthropic-code-execution-20250825.1.chunks.txt"));
    const emitted = deltas.flatMap((delta) => (delta.content ?? []).filter((block) => block.type !== "text"));
    expect(emitted.map((block) => block.type)).toEqual([
      "server_tool_use",
      "text_editor_code_execution_tool_result",
      "server_tool_use",
      "bash_code_execution_tool_result",
    ]);
    expect(emitted[2]).toMatchObject({ name: "bash_code_execution", input: { command: expect.stringContaining("python") } });
  });
});

describe("odd Anthropic streams", () => {
  it("ignores a repeated message_start of the same message", () => {
    const { accumulator } = accumulate(events("duplicate-message-start.chunks.txt"));
    const response: Json = accumulator.response();
    expect(response.id).toBe("msg_dup");
    expect(response.content).toEqual([{ type: "text", text: "Hello, World!" }]);
    expect(response.stop_reason).toBe("end_turn");
    expect(accumulator.usage()).toEqual({ input_tokens: 17, output_tokens: 227 });
  });

  it("keeps the first message of a spliced stream and ignores the intruder", () => {
    const { accumulator, deltas } = accumulate(events("spliced-message-start.chunks.txt"));
    const response: Json = accumulator.response();
    expect(response.id).toBe("msg_first");
    expect(response.stop_reason).toBeNull();
    const answer = anthropicCodec.responseToMessage(response);
    expect(summary(answer).thinking).toEqual([{ thinking: "I will call the tool.", signature: "sig-first" }]);
    expect(answer.tool_calls?.map((call) => call.id)).toEqual(["toolu_first"]);
    // The cut-off arguments are kept, unparsed, rather than invented.
    expect(JSON.parse(answer.tool_calls?.[0]?.function.arguments ?? "")).toEqual({ _raw: '{"value":"Spark' });
    expect(deltas.some((delta) => (delta.tool_calls ?? []).some((call) => call.id === "toolu_second"))).toBe(false);
  });

  it("survives events it does not know, malformed events and an error event", () => {
    const accumulator = anthropicCodec.createStreamAccumulator();
    for (const event of [null, 42, "data", { type: "ping" }, { type: "future_event", x: 1 }, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }]) {
      expect(accumulator.push(event).content).toEqual([]);
    }
    expect(accumulator.usage()).toBeNull();
    expect(accumulator.response()).toMatchObject({ type: "message", content: [] });
  });

  it("turns citations into url_citation annotations, streamed and not", () => {
    const citation = { type: "web_search_result_location", url: "https://example.com/a", title: "A", cited_text: "Paris is the capital.", encrypted_index: "Eo8" };
    const body = { type: "message", content: [{ type: "text", text: "Paris is the capital.", citations: [citation] }], usage: { input_tokens: 1, output_tokens: 1 } };
    const expected = { type: "url_citation", url: "https://example.com/a", title: "A", start_index: 0, end_index: 21, cited_text: "Paris is the capital.", encrypted_index: "Eo8" };
    expect(anthropicCodec.responseToMessage(body).content).toEqual([{ type: "text", text: "Paris is the capital.", annotations: [expected] }]);

    const { accumulator, deltas } = accumulate([
      { type: "message_start", message: { id: "m", type: "message", role: "assistant", content: [], model: "c", usage: { input_tokens: 1, output_tokens: 0 } } },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "citations_delta", citation } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Paris is the capital." } },
      { type: "content_block_stop", index: 0 },
    ]);
    expect(deltas[2]?.content).toEqual([{ type: "text", text: "", annotations: [{ ...expected, end_index: 0 }] }]);
    expect(anthropicCodec.responseToMessage(accumulator.response()).content).toEqual([{ type: "text", text: "Paris is the capital.", annotations: [expected] }]);
  });
});

describe("PromptLayer cassettes (prompt-layer-library)", () => {
  const cassettes = fixture("promptlayer-cassettes.json");

  it("rebuilds the tracked conversation: the kwargs' user message, then the server's answer", () => {
    const { track_request, provider_response } = cassettes.test_anthropic_chat_completion;
    const blueprint = buildBlueprint({ codec: anthropicCodec, kwargs: track_request.kwargs, response: track_request.request_response, provider: "anthropic" });
    const messages = blueprint.prompt_template.type === "chat" ? blueprint.prompt_template.messages : [];
    expect(messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    expect(messages[0]?.content).toEqual([{ type: "text", text: "What is the capital of the United States?" }]);
    const answer = messages.at(-1)?.content?.at(-1);
    expect(answer).toEqual({ type: "text", text: provider_response.content[0].text });
    expect(blueprint.metadata?.model).toEqual({ provider: "anthropic", name: "claude-3-haiku-20240307", parameters: { max_tokens: 1024 } });
    // The body the Python SDK logged (with its `citations: null`) reads as the raw provider response does.
    expect(anthropicCodec.responseToMessage(track_request.request_response)).toEqual(anthropicCodec.responseToMessage(provider_response));
  });

  it("assembles the recorded SSE stream into what PromptLayer's SDK logged, with the usage it lost", () => {
    const { provider_sse_events, track_request } = cassettes.test_anthropic_chat_completion_with_stream;
    const { accumulator } = accumulate(provider_sse_events);
    const response: Json = accumulator.response();
    const logged = track_request.request_response;
    expect(response.id).toBe(logged.id);
    expect(response.model).toBe(logged.model);
    expect(response.content.map((block: Json) => block.text)).toEqual(logged.content.map((block: Json) => block.text));
    // PromptLayer's Python assembler logged stop_reason and usage as null; ours keeps them.
    expect(response.stop_reason).toBe("end_turn");
    expect(accumulator.usage()).toEqual({ input_tokens: 14, output_tokens: 10, cached_input_tokens: 0 });
    // The stream flag of the logged kwargs is not a model parameter.
    expect(anthropicCodec.fromLlmKwargs(track_request.kwargs).model.parameters).toEqual({ max_tokens: 1024 });
  });
});
