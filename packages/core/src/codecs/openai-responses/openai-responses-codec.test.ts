import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { AssistantMessage } from "../../schemas/message.js";
import { azureOpenaiResponsesCodec, openaiResponsesCodec } from "./index.js";

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
}

function events(name: string): unknown[] {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as unknown);
}

function lastText(message: AssistantMessage): string {
  const last = message.content?.at(-1);
  return last?.type === "text" ? last.text : "";
}

function calls(message: AssistantMessage) {
  return (message.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, args: JSON.parse(call.function.arguments) as unknown }));
}

const blockTypes = (message: AssistantMessage) => (message.content ?? []).map((block) => block.type);

describe("Responses responseToMessage and usage over recorded responses", () => {
  const cases = [
    { file: "azure-text.1.json", blocks: ["text"], text: "Word", calls: [], usage: { input_tokens: 11, output_tokens: 11, cached_input_tokens: 0, reasoning_tokens: 0 } },
    {
      file: "azure-tool-call.1.json",
      blocks: [],
      text: "",
      calls: [{ id: "call_YunNGbIwdVJ2i0y0Mybva4Pw", name: "weather", args: { location: "San Francisco" } }],
      usage: { input_tokens: 45, output_tokens: 24, cached_input_tokens: 0, reasoning_tokens: 0 },
    },
    {
      file: "openai-reasoning-encrypted-content.1.json",
      blocks: ["thinking", "text"],
      text: "12 + 7 = 19\n19 × 3 = 57\n57 × 10 = 570\n\nFinal result: 570",
      calls: [],
      usage: { input_tokens: 865, output_tokens: 163, cached_input_tokens: 0, reasoning_tokens: 128 },
    },
    { file: "azure-reasoning-encrypted-content.1.json", blocks: ["thinking", "text"], calls: [], usage: { input_tokens: 564, output_tokens: 101, cached_input_tokens: 0, reasoning_tokens: 64 } },
    {
      file: "openai-web-search-tool.1.json",
      blocks: ["server_tool_use", "server_tool_use", "server_tool_use", "text"],
      calls: [],
      usage: { input_tokens: 19681, output_tokens: 3773, cached_input_tokens: 3712, reasoning_tokens: 3136 },
    },
    { file: "azure-web-search-preview-tool.1.json", blocks: ["server_tool_use", "server_tool_use", "text"], calls: [], usage: { input_tokens: 10188, output_tokens: 405, cached_input_tokens: 0, reasoning_tokens: 0 } },
    { file: "openai-file-search-tool.1.json", blocks: ["server_tool_use", "text"], calls: [], usage: { input_tokens: 3700, output_tokens: 741, cached_input_tokens: 2560, reasoning_tokens: 640 } },
    { file: "openai-code-interpreter-tool.1.json", blocks: ["code", "code", "code", "text"], calls: [], usage: { input_tokens: 2283, output_tokens: 1928, cached_input_tokens: 0, reasoning_tokens: 1792 } },
    { file: "azure-code-interpreter-tool.1.json", blocks: ["code", "text"], calls: [], usage: { input_tokens: 1750, output_tokens: 400, cached_input_tokens: 0, reasoning_tokens: 192 } },
    { file: "openai-image-generation-tool.1.json", blocks: ["output_media", "text"], text: "", calls: [], usage: { input_tokens: 3151, output_tokens: 1970, cached_input_tokens: 0, reasoning_tokens: 1920 } },
    { file: "azure-image-generation-tool.1.json", blocks: ["output_media", "text"], calls: [], usage: { input_tokens: 1977, output_tokens: 65, cached_input_tokens: 0, reasoning_tokens: 0 } },
    { file: "openai-mcp-tool.1.json", blocks: ["mcp_list_tools", "mcp_call", "text"], calls: [], usage: { input_tokens: 6700, output_tokens: 1078, cached_input_tokens: 0, reasoning_tokens: 704 } },
    { file: "openai-mcp-tool-approval.1.json", blocks: ["mcp_list_tools", "mcp_approval_request"], text: "", calls: [], usage: { input_tokens: 422, output_tokens: 104, cached_input_tokens: 0, reasoning_tokens: 64 } },
    { file: "openai-shell-container.1.json", blocks: ["shell_call", "shell_call_output", "text"], calls: [], usage: { input_tokens: 200, output_tokens: 120, cached_input_tokens: 0, reasoning_tokens: 0 } },
    { file: "openai-apply-patch-tool.1.json", blocks: ["apply_patch_call"], text: "", calls: [], usage: { input_tokens: 642, output_tokens: 67, cached_input_tokens: 0, reasoning_tokens: 0 } },
    { file: "openai-phase.1.json", blocks: ["text", "text"], calls: [], usage: { input_tokens: 7243, output_tokens: 423, cached_input_tokens: 3072, reasoning_tokens: 58 } },
  ];

  it.each(cases)("$file", ({ file, blocks, text, calls: expectedCalls, usage }) => {
    const response = fixture(file);
    const message = openaiResponsesCodec.responseToMessage(response);
    expect(blockTypes(message)).toEqual(blocks);
    expect(calls(message)).toEqual(expectedCalls);
    expect(openaiResponsesCodec.usage(response)).toEqual(usage);
    // The answer's text is the last block; where the recording has a message, it is that message's text.
    const output = (response as { output: { type: string; content?: { text: string }[] }[] }).output;
    const messageText = output.filter((item) => item.type === "message").at(-1)?.content?.[0]?.text;
    expect(lastText(message)).toBe(text ?? messageText);
    expect(azureOpenaiResponsesCodec.responseToMessage(response)).toEqual(message);
  });

  it("keeps reasoning summaries with their id and encrypted content", () => {
    const message = openaiResponsesCodec.responseToMessage(fixture("openai-reasoning-encrypted-content.1.json"));
    expect(message.content?.[0]).toMatchObject({
      type: "thinking",
      thinking: expect.stringMatching(/^\*\*Reporting final result\*\*/) as unknown,
      id: "rs_0f35ed53160b395301693cc95817ac8190b978637daea4987e",
      encrypted_content: expect.stringMatching(/^gAAAAABpPMlc/) as unknown,
    });
  });

  it("keeps citations as annotations on the text", () => {
    const web = openaiResponsesCodec.responseToMessage(fixture("openai-web-search-tool.1.json")).content?.at(-1);
    expect(web?.type === "text" && web.annotations?.[0]).toEqual({
      type: "url_citation",
      url: "https://www.theverge.com/podcast/838932/openai-chatgpt-code-red-vergecast",
      title: "Why OpenAI declared a code red for ChatGPT | The Verge",
      start_index: 426,
      end_index: 517,
    });
    const file = openaiResponsesCodec.responseToMessage(fixture("openai-file-search-tool.1.json")).content?.at(-1);
    expect(file?.type === "text" && file.annotations).toEqual([{ type: "file_citation", index: 438, file_id: "file-Ebzhf8H4DPGPr9pUhr7n7v", filename: "ai.pdf" }]);
  });

  it("maps built-in tool calls to their blocks", () => {
    const [search] = openaiResponsesCodec.responseToMessage(fixture("openai-web-search-tool.1.json")).content ?? [];
    expect(search).toMatchObject({ type: "server_tool_use", name: "web_search", input: { type: "search", query: "tech news today December 5 2025" } });
    const [code] = openaiResponsesCodec.responseToMessage(fixture("openai-code-interpreter-tool.1.json")).content ?? [];
    expect(code).toMatchObject({
      type: "code",
      language: "python",
      code: expect.stringMatching(/^import random/) as unknown,
      container_id: "cntr_6903bf2c0470819090b2b1e63e0b66800c139a5d654a42ec",
      outputs: [{ type: "logs", logs: "(10000, 70024)" }],
    });
    const [image] = openaiResponsesCodec.responseToMessage(fixture("openai-image-generation-tool.1.json")).content ?? [];
    expect(image).toMatchObject({
      type: "output_media",
      url: expect.stringMatching(/^data:image\/webp;base64,UklGR/) as unknown,
      mime_type: "image/webp",
      media_type: "image",
      provider_metadata: { output_format: "webp", revised_prompt: expect.stringMatching(/^A cute fluffy cat/) as unknown },
    });
    const [, approval] = openaiResponsesCodec.responseToMessage(fixture("openai-mcp-tool-approval.1.json")).content ?? [];
    expect(approval).toMatchObject({ type: "mcp_approval_request", name: "create_short_url", server_label: "zip1" });
  });

  it("reads an error body as an empty answer without usage", () => {
    const body = fixture("openai-error.1.json");
    expect(openaiResponsesCodec.responseToMessage(body)).toMatchObject({ content: [], tool_calls: null });
    expect(openaiResponsesCodec.usage(body)).toBeNull();
  });
});

describe("Responses stream accumulation over recorded streams", () => {
  function accumulate(file: string) {
    const accumulator = openaiResponsesCodec.createStreamAccumulator();
    const deltas = events(file).map((event) => accumulator.push(event));
    const deltaText = deltas.flatMap((delta) => delta.content ?? []).map((block) => (block.type === "text" ? block.text : "")).join("");
    const deltaArguments = new Map<string, string>();
    for (const call of deltas.flatMap((delta) => delta.tool_calls ?? [])) {
      expect(call.function.name).not.toBe("");
      deltaArguments.set(call.id, (deltaArguments.get(call.id) ?? "") + call.function.arguments);
    }
    return { accumulator, deltas, deltaText, deltaArguments, message: openaiResponsesCodec.responseToMessage(accumulator.response()) };
  }

  it.each([
    { file: "azure-text.1.chunks.txt", blocks: ["text"] },
    { file: "azure-tool-call.1.chunks.txt", blocks: [] },
    { file: "openai-file-search-tool.1.chunks.txt", blocks: ["server_tool_use", "text"] },
    { file: "openai-image-generation-tool.1.chunks.txt", blocks: ["output_media", "text"] },
    { file: "azure-image-generation-tool.1.chunks.txt", blocks: ["output_media", "text"] },
    { file: "openai-mcp-tool-approval.1.chunks.txt", blocks: ["mcp_list_tools", "mcp_approval_request"] },
    // These recordings' text deltas were abridged ("The command ran successfully.") while their final events carry the full text.
    { file: "openai-shell-container.1.chunks.txt", blocks: ["shell_call", "shell_call_output", "text"], abridgedDeltas: true },
    { file: "openai-apply-patch-tool.1.chunks.txt", blocks: ["apply_patch_call"] },
    { file: "openai-phase.1.chunks.txt", blocks: ["text", "text"], abridgedDeltas: true },
    { file: "github-copilot-id-rotation.1.chunks.txt", blocks: ["thinking", "text"] },
  ])("$file: deltas carry the text and arguments of the completed response", ({ file, blocks, abridgedDeltas }) => {
    const { accumulator, deltas, deltaText, deltaArguments, message } = accumulate(file);
    const completed = (events(file).at(-1) as { type: string; response: { usage: unknown } }).response;
    expect(blockTypes(message)).toEqual(blocks);
    const texts = (message.content ?? []).flatMap((block) => (block.type === "text" ? [block.text] : []));
    if (abridgedDeltas) {
      const fragments = deltas.flatMap((delta) => delta.content ?? []).flatMap((block) => (block.type === "text" && block.text ? [block.text.replace(/\.$/, "")] : []));
      expect(fragments.length).toBeGreaterThan(0);
      for (const fragment of fragments) expect(texts.join("")).toContain(fragment);
    } else expect(deltaText).toBe(texts.join(""));
    for (const call of message.tool_calls ?? []) expect(deltaArguments.get(call.id)).toBe(call.function.arguments);
    expect(accumulator.usage()).toEqual(openaiResponsesCodec.usage({ usage: completed.usage }));
    expect(accumulator.usage()).not.toBeNull();
  });

  it("streams a tool call with its arguments, like the non-streaming twin", () => {
    const { deltas, message } = accumulate("azure-tool-call.1.chunks.txt");
    expect(calls(message)).toEqual([{ id: expect.stringMatching(/^call_/) as unknown, name: "weather", args: { location: "San Francisco" } }]);
    expect(calls(message).map(({ name, args }) => ({ name, args }))).toEqual(
      calls(openaiResponsesCodec.responseToMessage(fixture("azure-tool-call.1.json"))).map(({ name, args }) => ({ name, args })),
    );
    const started = deltas.flatMap((delta) => delta.tool_calls ?? []).find((call) => call.function.name === "weather");
    expect(started?.id).toBe(message.tool_calls?.[0]?.id);
  });

  it("streams reasoning summaries as thinking deltas", () => {
    const { deltas } = accumulate("github-copilot-id-rotation.1.chunks.txt");
    const thinking = deltas.flatMap((delta) => delta.content ?? []).filter((block) => block.type === "thinking");
    expect(thinking.map((block) => (block.type === "thinking" ? block.thinking : "")).join("")).toBe("**Counting character occurrences**");
  });

  it("reports the failed response of an error stream", () => {
    const { accumulator, message } = accumulate("openai-error.1.chunks.txt");
    expect(accumulator.response()).toMatchObject({ status: "failed", error: { code: "insufficient_quota" } });
    expect(message.content).toEqual([]);
    expect(accumulator.usage()).toBeNull();
  });

  it("rebuilds the response from the items when the stream is cut before response.completed", () => {
    const all = events("azure-tool-call.1.chunks.txt");
    const accumulator = openaiResponsesCodec.createStreamAccumulator();
    for (const event of all.slice(0, -1)) accumulator.push(event);
    const response = accumulator.response() as { status: string; output: unknown[] };
    expect(response.status).toBe("incomplete");
    expect(calls(openaiResponsesCodec.responseToMessage(response)).map(({ name, args }) => ({ name, args }))).toEqual([
      { name: "weather", args: { location: "San Francisco" } },
    ]);

    const text = events("azure-text.1.chunks.txt");
    const cut = openaiResponsesCodec.createStreamAccumulator();
    // Up to the first text delta only: the item is still in progress.
    for (const event of text.slice(0, 5)) cut.push(event);
    expect(lastText(openaiResponsesCodec.responseToMessage(cut.response()))).toBe("Hello");
  });

  it("streams a refusal like text: into the message's refusal part, and out as text deltas", () => {
    const accumulator = openaiResponsesCodec.createStreamAccumulator();
    const item = { id: "msg_1", type: "message", status: "in_progress", role: "assistant", content: [] };
    const deltas = [
      { type: "response.output_item.added", output_index: 0, item },
      { type: "response.content_part.added", output_index: 0, item_id: "msg_1", content_index: 0, part: { type: "refusal", refusal: "" } },
      { type: "response.refusal.delta", output_index: 0, item_id: "msg_1", content_index: 0, delta: "I can't " },
      { type: "response.refusal.delta", output_index: 0, item_id: "msg_1", content_index: 0, delta: "help with that." },
    ].map((event) => accumulator.push(event));
    expect(deltas.flatMap((delta) => delta.content ?? [])).toEqual([
      { type: "text", text: "I can't " },
      { type: "text", text: "help with that." },
    ]);
    const response = accumulator.response() as { output: { content: unknown[] }[] };
    expect(response.output[0]?.content).toEqual([{ type: "refusal", text: "", refusal: "I can't help with that." }]);
  });

  it("gives an empty response before any event", () => {
    expect(openaiResponsesCodec.createStreamAccumulator().response()).toEqual({});
  });
});
