import { describe, expect, it } from "vitest";
import { InvalidTemplateError } from "../../errors/promptline-error.js";
import type { Message } from "../../schemas/message.js";
import { modelSettingsSchema, type ModelSettings } from "../../schemas/metadata.js";
import { chatTemplateSchema, completionTemplateSchema, type ChatTemplate } from "../../schemas/template.js";
import { ANTHROPIC_DEFAULT_MAX_TOKENS, anthropicCodec } from "./index.js";

const model = (parameters: Record<string, unknown> = {}, name = "claude-sonnet-4-5"): ModelSettings =>
  modelSettingsSchema.parse({ provider: "anthropic", name, parameters });

const chat = (template: Record<string, unknown>): ChatTemplate => chatTemplateSchema.parse({ type: "chat", ...template });

const text = (value: string) => ({ type: "text", text: value });

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Get the current weather of a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

/** What PromptLayer's server rebuilds from kwargs: the template's messages with its empty defaults. */
function rebuiltByServer(template: ChatTemplate): ChatTemplate {
  const messages = template.messages.map(
    (message) =>
      ({
        raw_request_display_role: message.role,
        input_variables: [],
        template_format: "f-string",
        dataset_examples: [],
        name: null,
        ...(message.role === "assistant" ? { function_call: null, tool_calls: null } : {}),
        ...message,
      }) as Message,
  );
  return {
    ...template,
    messages,
    functions: [],
    tools: template.tools ?? [],
    function_call: null,
    tool_choice: template.tool_choice ?? null,
    input_variables: [],
    dataset_examples: [],
  };
}

/** A realistic conversation: system, a user turn with an image, a tool call and its result, a follow-up. */
const weatherConversation = chat({
  messages: [
    { role: "system", content: [text("You are a concise weather assistant.")] },
    {
      role: "user",
      content: [text("What's the weather in Paris? Here is the sky:"), { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }],
    },
    {
      role: "assistant",
      content: [text("Let me check.")],
      tool_calls: [{ id: "toolu_01", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
    },
    { role: "tool", tool_call_id: "toolu_01", content: [text('{"temperature":18,"sky":"cloudy"}')] },
  ],
  tools: [weatherTool],
  tool_choice: "auto",
});

describe("anthropicCodec.toLlmKwargs", () => {
  it("builds the exact Messages request of a realistic template", () => {
    const kwargs = anthropicCodec.toLlmKwargs(weatherConversation, model({ temperature: 0.2, max_tokens: 1024 }));
    expect(kwargs).toStrictEqual({
      model: "claude-sonnet-4-5",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What's the weather in Paris? Here is the sky:" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Let me check." },
            { type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Paris" } },
          ],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01", content: '{"temperature":18,"sky":"cloudy"}' }] },
      ],
      system: "You are a concise weather assistant.",
      max_tokens: 1024,
      tools: [
        {
          name: "get_weather",
          description: "Get the current weather of a city",
          input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      ],
      tool_choice: { type: "auto" },
      temperature: 0.2,
    });
    // The parameters come last, as PromptLayer's server spreads them.
    expect(Object.keys(kwargs)).toEqual(["model", "messages", "system", "max_tokens", "tools", "tool_choice", "temperature"]);
  });

  it.each([
    { parameters: {}, expected: ANTHROPIC_DEFAULT_MAX_TOKENS },
    { parameters: { max_tokens: 256 }, expected: 256 },
    { parameters: { max_tokens: null }, expected: ANTHROPIC_DEFAULT_MAX_TOKENS },
  ])("max_tokens is $expected for parameters $parameters", ({ parameters, expected }) => {
    const kwargs = anthropicCodec.toLlmKwargs(chat({ messages: [{ role: "user", content: [text("Hi")] }] }), model(parameters));
    expect(kwargs.max_tokens).toBe(expected);
  });

  it("spreads the parameters last, never puts `stream`, and keeps thinking settings", () => {
    const thinking = { type: "enabled", budget_tokens: 2048 };
    const kwargs = anthropicCodec.toLlmKwargs(chat({ messages: [{ role: "user", content: [text("Hi")] }] }), model({ stream: true, thinking, model: "claude-opus-4-1" }));
    expect(kwargs).toEqual({ model: "claude-opus-4-1", messages: [{ role: "user", content: [text("Hi")] }], max_tokens: 4096, thinking });
    expect(kwargs).not.toHaveProperty("stream");
  });

  it("puts system and developer messages in `system`, as blocks when one carries cache_control", () => {
    const plain = anthropicCodec.toLlmKwargs(
      chat({ messages: [{ role: "system", content: [text("Be brief.")] }, { role: "developer", content: [text("Answer in French.")] }, { role: "user", content: [text("Hi")] }] }),
      model(),
    );
    expect(plain.system).toBe("Be brief.\n\nAnswer in French.");
    expect(plain.messages).toEqual([{ role: "user", content: [text("Hi")] }]);

    const cached = anthropicCodec.toLlmKwargs(
      chat({
        messages: [
          { role: "system", content: [text("Long reference text."), { ...text("Rules."), cache_control: { type: "ephemeral" } }] },
          { role: "user", content: [text("Hi")] },
        ],
      }),
      model(),
    );
    expect(cached.system).toEqual([text("Long reference text."), { ...text("Rules."), cache_control: { type: "ephemeral" } }]);
  });

  it("merges consecutive turns of one role and drops empty text", () => {
    const kwargs = anthropicCodec.toLlmKwargs(
      chat({
        messages: [
          { role: "user", content: [text("First.")] },
          { role: "user", content: [text(""), text("Second.")] },
          { role: "assistant", content: [text("")] },
          { role: "assistant", content: [text("Answer.")] },
        ],
      }),
      model(),
    );
    expect(kwargs.messages).toEqual([
      { role: "user", content: [text("First."), text("Second.")] },
      { role: "assistant", content: [text("Answer.")] },
    ]);
  });

  it("sends back signed thinking, redacted thinking and server tool blocks; drops what Anthropic cannot verify", () => {
    const serverToolUse = { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "weather" } };
    const searchResult = { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [] };
    const kwargs = anthropicCodec.toLlmKwargs(
      chat({
        messages: [
          { role: "user", content: [text("Hi")] },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "Reasoning.", signature: "sig" },
              { type: "thinking", thinking: "", redacted_data: "EncryptedBlob" },
              { type: "thinking", thinking: "Unsigned, from another provider." },
              serverToolUse,
              searchResult,
              { type: "code", code: "print(1)" },
              text("Done."),
            ],
          },
        ],
      }),
      model(),
    );
    expect(kwargs.messages).toEqual([
      { role: "user", content: [text("Hi")] },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "Reasoning.", signature: "sig" },
          { type: "redacted_thinking", data: "EncryptedBlob" },
          serverToolUse,
          searchResult,
          text("Done."),
        ],
      },
    ]);
  });

  it.each([
    { block: { type: "image_url", image_url: { url: "https://example.com/cat.png" } }, expected: { type: "image", source: { type: "url", url: "https://example.com/cat.png" } } },
    {
      block: { type: "media", media: { type: "image/jpeg", url: "/9j/4AAQ", format: "base64" } },
      expected: { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/4AAQ" } },
    },
    {
      block: { type: "media", media: { title: "report.pdf", type: "application/pdf", url: "data:application/pdf;base64,JVBERi0=", format: "base64" } },
      expected: { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" }, title: "report.pdf" },
    },
    {
      block: { type: "media", media: { type: "application/pdf", url: "https://example.com/a.pdf", format: "url" } },
      expected: { type: "document", source: { type: "url", url: "https://example.com/a.pdf" } },
    },
  ])("converts a $block.type block to an Anthropic $expected.type block", ({ block, expected }) => {
    const kwargs = anthropicCodec.toLlmKwargs(chat({ messages: [{ role: "user", content: [block] }] }), model());
    expect(kwargs.messages).toEqual([{ role: "user", content: [expected] }]);
  });

  it("sends a completion template as one user turn", () => {
    const template = completionTemplateSchema.parse({ type: "completion", content: [text("Write a haiku about tea.")] });
    expect(anthropicCodec.toLlmKwargs(template, model({ temperature: 1 }))).toEqual({
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: [text("Write a haiku about tea.")] }],
      max_tokens: 4096,
      temperature: 1,
    });
  });

  it.each([
    { choice: "auto", expected: { type: "auto" } },
    { choice: "required", expected: { type: "any" } },
    { choice: "any", expected: { type: "any" } },
    { choice: "none", expected: { type: "none" } },
    { choice: { type: "function", function: { name: "get_weather" } }, expected: { type: "tool", name: "get_weather" } },
  ])("maps tool_choice $choice", ({ choice, expected }) => {
    const kwargs = anthropicCodec.toLlmKwargs(chat({ messages: [{ role: "user", content: [text("Hi")] }], tools: [weatherTool], tool_choice: choice }), model());
    expect(kwargs.tool_choice).toEqual(expected);
  });

  it("leaves out tool_choice when there are no tools (PromptLayer's defaults)", () => {
    const kwargs = anthropicCodec.toLlmKwargs(chat({ messages: [{ role: "user", content: [text("Hi")] }], tools: null, tool_choice: "none", functions: [] }), model());
    expect(kwargs).not.toHaveProperty("tools");
    expect(kwargs).not.toHaveProperty("tool_choice");
  });

  it("maps built-in tools to Anthropic's server tools, config spread over the defaults", () => {
    const kwargs = anthropicCodec.toLlmKwargs(
      chat({
        messages: [{ role: "user", content: [text("Hi")] }],
        tools: [
          { type: "web_search", config: { max_uses: 3 } },
          { type: "code_interpreter" },
          { type: "text_editor", config: { type: "text_editor_20250429", name: "str_replace_based_edit_tool" } },
        ],
      }),
      model(),
    );
    expect(kwargs.tools).toEqual([
      { type: "web_search_20250305", name: "web_search", max_uses: 3 },
      { type: "code_execution_20250825", name: "code_execution" },
      { type: "text_editor_20250429", name: "str_replace_based_edit_tool" },
    ]);
  });

  it.each([
    { name: "an unexpanded placeholder", template: { messages: [{ role: "placeholder", name: "history" }] }, match: /placeholder message "history"/ },
    { name: "a media variable", template: { messages: [{ role: "user", content: [{ type: "media_variable", name: "photos" }] }] }, match: /media variable "photos"/ },
    { name: "a tool Anthropic lacks", template: { messages: [{ role: "user", content: [text("Hi")] }], tools: [{ type: "file_search" }] }, match: /no "file_search" tool/ },
    { name: "an unexpanded tool variable", template: { messages: [{ role: "user", content: [text("Hi")] }], tools: [{ type: "variable", name: "tools" }] }, match: /must be expanded/ },
    { name: "a legacy function message", template: { messages: [{ role: "function", name: "lookup", content: [text("42")] }] }, match: /legacy function messages/ },
    { name: "an image in a system message", template: { messages: [{ role: "system", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }] }, match: /system prompts take text only/ },
    { name: "audio media", template: { messages: [{ role: "user", content: [{ type: "media", media: { type: "audio/wav", url: "https://x/a.wav" } }] }] }, match: /cannot take "audio\/wav"/ },
  ])("rejects $name with InvalidTemplateError", ({ template, match }) => {
    expect(() => anthropicCodec.toLlmKwargs(chat(template), model())).toThrow(InvalidTemplateError);
    expect(() => anthropicCodec.toLlmKwargs(chat(template), model())).toThrow(match);
  });
});

describe("anthropicCodec.fromLlmKwargs", () => {
  const roundTrips: { name: string; template: ChatTemplate }[] = [
    { name: "system, user with image, assistant with tool calls, tool result, tools and tool_choice", template: weatherConversation },
    {
      name: "a named tool choice, thinking and a second turn after the tool result",
      template: chat({
        messages: [
          { role: "user", content: [text("Weather in Oslo and Rome?")] },
          {
            role: "assistant",
            content: [{ type: "thinking", thinking: "Two cities: two calls.", signature: "c2ln" }],
            tool_calls: [
              { id: "toolu_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
              { id: "toolu_b", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
            ],
          },
          { role: "tool", tool_call_id: "toolu_a", content: [text("-3")] },
          { role: "tool", tool_call_id: "toolu_b", content: [text("21")] },
          { role: "user", content: [text("Which is warmer?")] },
        ],
        tools: [weatherTool],
        tool_choice: { type: "function", function: { name: "get_weather" } },
      }),
    },
    {
      name: "cached system blocks, a URL image and built-in tools",
      template: chat({
        messages: [
          { role: "system", content: [{ ...text("Reference."), cache_control: { type: "ephemeral" } }] },
          { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/cat.png" } }, text("What is this?")] },
        ],
        tools: [{ type: "web_search", config: { max_uses: 2 } }, { type: "bash" }],
        tool_choice: "required",
      }),
    },
  ];

  it.each(roundTrips)("round-trips $name", ({ template }) => {
    const parameters = { temperature: 0.5, max_tokens: 2000, thinking: { type: "enabled", budget_tokens: 1024 } };
    const back = anthropicCodec.fromLlmKwargs(anthropicCodec.toLlmKwargs(template, model(parameters)));
    expect(back.template).toEqual(rebuiltByServer(template));
    expect(back.model).toEqual({ name: "claude-sonnet-4-5", parameters });
  });

  it("reads string content, tool_result blocks in place and keeps every parameter but the request's own keys", () => {
    const { template, model: kwargsModel } = anthropicCodec.fromLlmKwargs({
      model: "claude-3-haiku-20240307",
      system: "Be brief.",
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Let me look." },
        { role: "user", content: "Go on." },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "lookup", input: { q: "x" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: "found" }] }, { type: "text", text: "Thanks" }] },
      ],
      max_tokens: 100,
      top_k: 5,
      stream: true,
      apiKey: "sk-ant-secret",
      baseURL: "https://proxy.example.com",
      metadata: { user_id: "u1" },
    });
    expect(template.type === "chat" && template.messages.map((message) => [message.role, message.content])).toEqual([
      ["system", [text("Be brief.")]],
      ["user", [text("Hi")]],
      ["assistant", [text("Let me look.")]],
      ["user", [text("Go on.")]],
      ["assistant", []],
      ["tool", [text("found")]],
      ["user", [text("Thanks")]],
    ]);
    expect(template.type === "chat" && template.messages[4]).toMatchObject({ tool_calls: [{ id: "t1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }] });
    expect(kwargsModel).toEqual({ name: "claude-3-haiku-20240307", parameters: { max_tokens: 100, top_k: 5, metadata: { user_id: "u1" } } });
  });

  it("reads legacy Text Completions kwargs as a completion template", () => {
    const { template, model: kwargsModel } = anthropicCodec.fromLlmKwargs({ model: "claude-2.1", prompt: "\n\nHuman: Hi\n\nAssistant:", max_tokens_to_sample: 50 });
    expect(template).toEqual({ type: "completion", content: [text("\n\nHuman: Hi\n\nAssistant:")], input_variables: [], template_format: "f-string" });
    expect(kwargsModel.parameters).toEqual({ max_tokens_to_sample: 50 });
    expect(anthropicCodec.responseToMessage({ type: "completion", completion: " Hello!", stop_reason: "stop_sequence" }).content).toEqual([text(" Hello!")]);
  });
});

describe("anthropicCodec.responseToMessage (shapes the recordings lack)", () => {
  it("keeps redacted thinking as thinking with its payload, and sends it back unchanged", () => {
    const answer = anthropicCodec.responseToMessage({
      type: "message",
      content: [{ type: "redacted_thinking", data: "EmwKAhgBEgy" }, { type: "text", text: "Hi." }],
    });
    expect(answer.content).toEqual([{ type: "thinking", thinking: "", redacted_data: "EmwKAhgBEgy" }, text("Hi.")]);
    const kwargs = anthropicCodec.toLlmKwargs(chat({ messages: [{ role: "user", content: [text("Hi")] }, answer] }), model());
    expect(kwargs.messages).toEqual([
      { role: "user", content: [text("Hi")] },
      { role: "assistant", content: [{ type: "redacted_thinking", data: "EmwKAhgBEgy" }, text("Hi.")] },
    ]);
  });

  it("moves the text last and tolerates garbage", () => {
    const answer = anthropicCodec.responseToMessage({
      content: [text("Searching."), { type: "server_tool_use", id: "s1", name: "web_search", input: {} }, { type: "web_search_tool_result", tool_use_id: "s1", content: [] }, text("Found.")],
    });
    expect(answer.content?.map((block) => block.type)).toEqual(["server_tool_use", "web_search_tool_result", "text", "text"]);
    expect(anthropicCodec.responseToMessage("not a response").content).toEqual([text("")]);
    expect(anthropicCodec.responseToMessage({ content: [{ no: "type" }, 3, null] }).content).toEqual([text("")]);
  });
});

describe("anthropicCodec.toHttpRequest", () => {
  const kwargs = {
    model: "claude-sonnet-4-5",
    messages: [{ role: "user", content: "Hi" }],
    max_tokens: 64,
    apiKey: "sk-ant-secret",
    baseURL: "https://proxy.example.com/v1",
    api_key: "sk-ant-python",
    base_url: "https://other.example.com",
    aws_secret_key: "aws-secret",
    stream: true,
  };

  it.each([
    { stream: false, expected: { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "Hi" }], max_tokens: 64 } },
    { stream: true, expected: { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "Hi" }], max_tokens: 64, stream: true } },
  ])("POSTs /messages with secrets stripped (stream: $stream)", ({ stream, expected }) => {
    const request = anthropicCodec.toHttpRequest(kwargs, { stream });
    expect(request).toEqual({ path: "/messages", body: expected });
    expect(JSON.stringify(request)).not.toMatch(/secret|python|proxy|other\.example/);
  });

  it("adds the required max_tokens to kwargs that lack it", () => {
    expect(anthropicCodec.toHttpRequest({ model: "m", messages: [] }, { stream: false }).body.max_tokens).toBe(ANTHROPIC_DEFAULT_MAX_TOKENS);
  });

  it("declares its id and PromptLayer function names", () => {
    expect(anthropicCodec.id).toBe("anthropic.messages");
    expect(anthropicCodec.functionNames.slice(0, 2)).toEqual(["anthropic.messages.create", "anthropic.completions.create"]);
  });
});
