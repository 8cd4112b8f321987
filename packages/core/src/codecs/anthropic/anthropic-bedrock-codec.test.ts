import { describe, expect, it } from "vitest";
import type { PromptTemplate } from "../../schemas/template.js";
import { codecFor } from "../codec-registry.js";
import { anthropicCodec } from "./anthropic-codec.js";

/** The `anthropic_version` Bedrock's InvokeModel takes in a Claude body. */
const ANTHROPIC_BEDROCK_VERSION = "bedrock-2023-05-31";
/** Anthropic's wire format as `anthropic.bedrock` sends it (providers/anthropic.bedrock/codecs.ts). */
const anthropicBedrockCodec = codecFor({ provider: "anthropic.bedrock", templateType: "chat" });

const template: PromptTemplate = {
  type: "chat",
  messages: [
    { role: "system", content: [{ type: "text", text: "Be brief." }] },
    { role: "user", content: [{ type: "text", text: "Hi" }] },
  ],
} as PromptTemplate;
const model = { provider: "anthropic.bedrock", name: "us.anthropic.claude-3-5-haiku-20241022-v1:0", parameters: { temperature: 0.2, max_tokens: 64 } };

describe("anthropic.bedrock codec (InvokeModel)", () => {
  it("is the codec of anthropic.bedrock, with Anthropic's llm_kwargs", () => {
    expect(anthropicBedrockCodec.id).toBe("anthropic.bedrock.messages");
    expect(anthropicBedrockCodec.toLlmKwargs(template, model)).toEqual(anthropicCodec.toLlmKwargs(template, model));
  });

  it("puts the model in the path, anthropic_version in the body, and no model or stream flag", () => {
    const kwargs = anthropicBedrockCodec.toLlmKwargs(template, model);
    const plain = anthropicBedrockCodec.toHttpRequest(kwargs, { stream: false });
    expect(plain.path).toBe("/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke");
    expect(plain.body).toEqual({ anthropic_version: ANTHROPIC_BEDROCK_VERSION, system: "Be brief.", messages: kwargs.messages, max_tokens: 64, temperature: 0.2 });
    const streamed = anthropicBedrockCodec.toHttpRequest({ ...kwargs, aws_secret_key: "secret" }, { stream: true });
    expect(streamed.path).toBe("/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke-with-response-stream");
    expect(streamed.body).not.toHaveProperty("stream");
    expect(JSON.stringify(streamed.body)).not.toContain("secret");
  });

  it("sends a beta as anthropic_beta in the body, not as a header", () => {
    const request = anthropicBedrockCodec.toHttpRequest({ model: model.name, max_tokens: 10, messages: [], output_format: { type: "json_schema", schema: {} } }, { stream: false });
    expect(request.headers).toBeUndefined();
    expect(request.body.anthropic_beta).toEqual([expect.stringContaining("structured-outputs")]);
  });
});
