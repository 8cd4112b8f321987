import { describe, expect, it } from "vitest";
import { ResponseFormatUnsupportedError } from "../../errors/promptline-error.js";
import type { AssistantMessage } from "../../schemas/message.js";
import { modelSettingsSchema, type ModelSettings } from "../../schemas/metadata.js";
import { chatTemplateSchema, type ChatTemplate } from "../../schemas/template.js";
import { buildBlueprint, streamAccumulatorFor } from "../blueprint.js";
import { anthropicCodec } from "./index.js";

const weatherSchema = {
  type: "object",
  properties: { city: { type: "string" }, celsius: { type: "number" } },
  required: ["city", "celsius"],
  additionalProperties: false,
};
const responseFormat = { type: "json_schema", json_schema: { name: "weather", schema: weatherSchema, strict: true } };

const model = (parameters: Record<string, unknown>, name = "claude-sonnet-4-5"): ModelSettings =>
  modelSettingsSchema.parse({ provider: "anthropic", name, parameters });

const chat = (extra: Record<string, unknown> = {}): ChatTemplate =>
  chatTemplateSchema.parse({
    type: "chat",
    messages: [{ role: "user", content: [{ type: "text", text: "Weather in Paris?" }] }],
    ...extra,
  });

const lookupTool = {
  type: "function",
  function: { name: "lookup", description: "Look a city up", parameters: { type: "object", properties: { city: { type: "string" } } } },
};

/** A Messages response that answers through the forced tool. */
const toolAnswer = {
  id: "msg_1",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5",
  content: [{ type: "tool_use", id: "toolu_1", name: "json_response", input: { city: "Paris", celsius: 21 } }],
  stop_reason: "tool_use",
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 5 },
};

describe("Anthropic structured output: response_format as a forced tool", () => {
  it("sends the JSON schema as the input schema of a tool the model must call, and no response_format", () => {
    const kwargs = anthropicCodec.toLlmKwargs(chat(), model({ response_format: responseFormat }));
    expect(kwargs.response_format).toBeUndefined();
    expect(kwargs.tools).toEqual([{ name: "json_response", description: expect.stringContaining('"weather" schema'), input_schema: weatherSchema }]);
    expect(kwargs.tool_choice).toEqual({ type: "tool", name: "json_response" });
    const { body } = anthropicCodec.toHttpRequest(kwargs, { stream: true });
    expect(body).toMatchObject({ tool_choice: { type: "tool", name: "json_response" }, tools: [{ name: "json_response", input_schema: weatherSchema }] });
    expect(body.response_format).toBeUndefined();
  });

  it("json_object asks for any object", () => {
    const kwargs = anthropicCodec.toLlmKwargs(chat(), model({ response_format: { type: "json_object" } }));
    expect(kwargs.tools).toEqual([expect.objectContaining({ name: "json_response", input_schema: { type: "object" } })]);
  });

  it("leaves text answers alone", () => {
    const kwargs = anthropicCodec.toLlmKwargs(chat(), model({ response_format: { type: "text" } }));
    expect(kwargs.tools).toBeUndefined();
    expect(kwargs.response_format).toBeUndefined();
  });

  it("beside the template's tools the model must call a tool (any), or the one the template names", () => {
    const free = anthropicCodec.toLlmKwargs(chat({ tools: [lookupTool] }), model({ response_format: responseFormat }));
    expect((free.tools as { name: string }[]).map((tool) => tool.name)).toEqual(["lookup", "json_response"]);
    expect(free.tool_choice).toEqual({ type: "any" });
    const named = anthropicCodec.toLlmKwargs(
      chat({ tools: [lookupTool], tool_choice: { type: "function", function: { name: "lookup" } } }),
      model({ response_format: responseFormat }),
    );
    expect(named.tool_choice).toEqual({ type: "tool", name: "lookup" });
  });

  it("Anthropic's own output_format, set by the template, is sent as it is with the beta header it needs", () => {
    const outputFormat = { type: "json_schema", schema: weatherSchema };
    const kwargs = anthropicCodec.toLlmKwargs(chat(), model({ output_format: outputFormat }));
    expect(kwargs.tools).toBeUndefined();
    const request = anthropicCodec.toHttpRequest(kwargs, { stream: false });
    expect(request.body.output_format).toEqual(outputFormat);
    expect(request.headers).toEqual({ "anthropic-beta": "structured-outputs-2025-11-13" });
    expect(anthropicCodec.toHttpRequest(anthropicCodec.toLlmKwargs(chat(), model({})), { stream: false }).headers).toBeUndefined();
  });

  it("refuses with extended thinking on (Anthropic can't force a tool then), saying how to fix it", () => {
    const thinking = model({ response_format: responseFormat, thinking: { type: "enabled", budget_tokens: 2048 }, max_tokens: 8000 });
    expect(() => anthropicCodec.toLlmKwargs(chat(), thinking)).toThrow(ResponseFormatUnsupportedError);
    expect(() => anthropicCodec.toLlmKwargs(chat(), thinking)).toThrow(/thinking.*allowDroppedResponseFormat/s);
  });

  it("the blueprint's answer holds the JSON text, as an OpenAI answer would; the request reads back as response_format", () => {
    const kwargs = anthropicCodec.toLlmKwargs(chat({ tools: [lookupTool] }), model({ response_format: responseFormat }));
    const blueprint = buildBlueprint({ codec: anthropicCodec, kwargs, response: toolAnswer, provider: "anthropic" });
    const answer = blueprint.prompt_template.type === "chat" ? blueprint.prompt_template.messages.at(-1) : undefined;
    expect(answer?.role).toBe("assistant");
    expect(answer?.content?.at(-1)).toEqual({ type: "text", text: '{"city":"Paris","celsius":21}' });
    expect(answer && "tool_calls" in answer ? answer.tool_calls : undefined).toBeNull();
    expect(blueprint.metadata?.model?.parameters?.response_format).toEqual({ type: "json_schema", json_schema: { name: "weather", schema: weatherSchema } });
    const template = blueprint.prompt_template as ChatTemplate;
    expect(template.tools?.map((tool) => (tool.type === "function" ? tool.function.name : tool.type))).toEqual(["lookup"]);
  });

  it("a tool named json_response in a request without structured output stays a tool call", () => {
    const kwargs = anthropicCodec.toLlmKwargs(chat(), model({}));
    const blueprint = buildBlueprint({ codec: anthropicCodec, kwargs, response: toolAnswer, provider: "anthropic" });
    const answer = (blueprint.prompt_template as ChatTemplate).messages.at(-1) as AssistantMessage;
    expect(answer.tool_calls?.[0]?.function.name).toBe("json_response");
  });

  it("streamed: input_json_delta fragments arrive as text deltas, and the final blueprint holds the JSON text", () => {
    const kwargs = anthropicCodec.toLlmKwargs(chat(), model({ response_format: responseFormat }));
    const accumulator = streamAccumulatorFor(anthropicCodec, kwargs);
    const events = [
      { type: "message_start", message: { ...toolAnswer, content: [], stop_reason: null } },
      { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_1", name: "json_response", input: {} } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"city":"Par' } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: 'is","celsius":21}' } },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 5 } },
      { type: "message_stop" },
    ];
    const deltas = events.map((event) => accumulator.push(event));
    expect(deltas.every((delta) => delta.tool_calls === null)).toBe(true);
    const streamed = deltas.flatMap((delta) => delta.content ?? []).map((block) => (block.type === "text" ? block.text : ""));
    expect(streamed.join("")).toBe('{"city":"Paris","celsius":21}');
    const blueprint = buildBlueprint({ codec: anthropicCodec, kwargs, response: accumulator.response(), provider: "anthropic" });
    expect((blueprint.prompt_template as ChatTemplate).messages.at(-1)?.content?.at(-1)).toEqual({ type: "text", text: '{"city":"Paris","celsius":21}' });
  });
});
