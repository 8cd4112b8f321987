import { describe, expect, it } from "vitest";
import { ResponseFormatUnsupportedError } from "../../errors/promptline-error.js";
import { modelSettingsSchema, type ModelSettings } from "../../schemas/metadata.js";
import { chatTemplateSchema, type ChatTemplate } from "../../schemas/template.js";
import { buildBlueprint, streamAccumulatorFor } from "../blueprint.js";
import { bedrockConverseCodec } from "./index.js";

const weatherSchema = {
  type: "object",
  properties: { city: { type: "string" }, celsius: { type: "number" } },
  required: ["city", "celsius"],
};
const responseFormat = { type: "json_schema", json_schema: { name: "weather", schema: weatherSchema, strict: true } };
const claude = "anthropic.claude-3-5-haiku-20241022-v1:0";

const model = (parameters: Record<string, unknown>, name = claude): ModelSettings =>
  modelSettingsSchema.parse({ provider: "amazon.bedrock", name, parameters });

const chat = (extra: Record<string, unknown> = {}): ChatTemplate =>
  chatTemplateSchema.parse({ type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Weather in Paris?" }] }], ...extra });

const lookupTool = { type: "function", function: { name: "lookup", parameters: { type: "object", properties: { city: { type: "string" } } } } };

const toolAnswer = {
  output: { message: { role: "assistant", content: [{ toolUse: { toolUseId: "tooluse_1", name: "json_response", input: { city: "Paris", celsius: 21 } } }] } },
  stopReason: "tool_use",
  usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
};

describe("Bedrock Converse structured output: response_format as a forced tool in toolConfig", () => {
  it("sends the JSON schema as a tool forced through toolChoice, and no response_format anywhere", () => {
    const kwargs = bedrockConverseCodec.toLlmKwargs(chat(), model({ response_format: responseFormat, max_tokens: 300 }));
    expect(kwargs.toolConfig).toEqual({
      tools: [{ toolSpec: { name: "json_response", description: expect.stringContaining('"weather" schema'), inputSchema: { json: weatherSchema } } }],
      toolChoice: { tool: { name: "json_response" } },
    });
    expect(kwargs.additionalModelRequestFields).toBeUndefined();
    expect(kwargs.inferenceConfig).toEqual({ maxTokens: 300 });
    const { body } = bedrockConverseCodec.toHttpRequest(kwargs, { stream: false });
    expect(JSON.stringify(body)).not.toContain("response_format");
    expect(body.toolConfig).toEqual(kwargs.toolConfig);
  });

  it("beside the template's tools the model must call one of them or the answer tool (any)", () => {
    const kwargs = bedrockConverseCodec.toLlmKwargs(chat({ tools: [lookupTool] }), model({ response_format: { type: "json_object" } }));
    const config = kwargs.toolConfig as { tools: { toolSpec: { name: string; inputSchema: unknown } }[]; toolChoice: unknown };
    expect(config.tools.map((tool) => tool.toolSpec.name)).toEqual(["lookup", "json_response"]);
    expect(config.tools[1]?.toolSpec.inputSchema).toEqual({ json: { type: "object" } });
    expect(config.toolChoice).toEqual({ any: {} });
  });

  it("refuses models Converse can't force a tool on, and Claude with extended thinking", () => {
    expect(() => bedrockConverseCodec.toLlmKwargs(chat(), model({ response_format: responseFormat }, "meta.llama3-70b-instruct-v1:0"))).toThrow(
      ResponseFormatUnsupportedError,
    );
    expect(() =>
      bedrockConverseCodec.toLlmKwargs(chat(), model({ response_format: responseFormat, thinking: { type: "enabled", budget_tokens: 1024 } })),
    ).toThrow(/extended thinking/);
  });

  it("the blueprint's answer holds the JSON text; the request reads back as response_format without the tool", () => {
    const kwargs = bedrockConverseCodec.toLlmKwargs(chat(), model({ response_format: responseFormat }));
    const blueprint = buildBlueprint({ codec: bedrockConverseCodec, kwargs, response: toolAnswer, provider: "amazon.bedrock" });
    const template = blueprint.prompt_template as ChatTemplate;
    const answer = template.messages.at(-1);
    expect(answer?.content?.at(-1)).toEqual({ type: "text", text: '{"city":"Paris","celsius":21}' });
    expect(answer && "tool_calls" in answer ? answer.tool_calls : undefined).toBeNull();
    expect(template.tools).toEqual([]);
    expect(blueprint.metadata?.model?.parameters?.response_format).toEqual({ type: "json_schema", json_schema: { name: "weather", schema: weatherSchema } });
  });

  it("streamed: toolUse input fragments arrive as text deltas, and the final blueprint holds the JSON text", () => {
    const kwargs = bedrockConverseCodec.toLlmKwargs(chat(), model({ response_format: responseFormat }));
    const accumulator = streamAccumulatorFor(bedrockConverseCodec, kwargs);
    const events = [
      { messageStart: { role: "assistant" } },
      { contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: "tooluse_1", name: "json_response" } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '{"city":"Paris",' } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '"celsius":21}' } } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { messageStop: { stopReason: "tool_use" } },
      { metadata: { usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 } } },
    ];
    const deltas = events.map((event) => accumulator.push(event));
    expect(deltas.every((delta) => delta.tool_calls === null)).toBe(true);
    expect(deltas.flatMap((delta) => delta.content ?? []).map((block) => (block.type === "text" ? block.text : "")).join("")).toBe('{"city":"Paris","celsius":21}');
    const blueprint = buildBlueprint({ codec: bedrockConverseCodec, kwargs, response: accumulator.response(), provider: "amazon.bedrock" });
    expect((blueprint.prompt_template as ChatTemplate).messages.at(-1)?.content?.at(-1)).toEqual({ type: "text", text: '{"city":"Paris","celsius":21}' });
  });
});
