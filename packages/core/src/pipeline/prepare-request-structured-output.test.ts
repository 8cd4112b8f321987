import { describe, expect, it } from "vitest";
import { ResponseFormatUnsupportedError } from "../errors/promptline-error.js";
import type { TemplateMetadata } from "../schemas/metadata.js";
import { chatTemplateSchema, completionTemplateSchema } from "../schemas/template.js";
import { prepareRequest } from "./prepare-request.js";

const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
const responseFormat = { type: "json_schema", json_schema: { name: "answer", schema } };
const chat = chatTemplateSchema.parse({ type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] });
const completion = completionTemplateSchema.parse({ type: "completion", content: [{ type: "text", text: "Hi" }] });
const metadata = (provider: string, name: string, parameters: Record<string, unknown> = { response_format: responseFormat }): TemplateMetadata => ({
  model: { provider, name, parameters },
});

describe("prepareRequest: structured output on every provider", () => {
  it("an OpenAI template run on Anthropic or Bedrock through an override keeps its schema (sent as a forced tool)", () => {
    for (const [provider, model] of [
      ["anthropic", "claude-haiku-4-5"],
      ["amazon.bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0"],
    ] as const) {
      const prepared = prepareRequest({ template: chat, metadata: metadata("openai", "gpt-4o"), provider, model });
      expect(prepared.warnings).toEqual([]);
      const body = prepared.codec.toHttpRequest(prepared.kwargs, { stream: false }).body;
      expect(JSON.stringify(body)).toContain(JSON.stringify(schema));
      expect(JSON.stringify(body)).toContain("json_response");
    }
  });

  it("Google and Mistral get their own fields", () => {
    const google = prepareRequest({ template: chat, metadata: metadata("google", "gemini-2.5-flash") });
    expect(google.codec.toHttpRequest(google.kwargs, { stream: false }).body.generationConfig).toEqual({ responseMimeType: "application/json", responseJsonSchema: schema });
    const mistral = prepareRequest({ template: chat, metadata: metadata("mistral", "mistral-large-latest") });
    expect(mistral.codec.toHttpRequest(mistral.kwargs, { stream: false }).body.response_format).toEqual(responseFormat);
  });

  it("where the schema can't be enforced it is an error naming the provider and the opt-out", () => {
    const run = () => prepareRequest({ template: completion, metadata: metadata("openai", "gpt-3.5-turbo-instruct") });
    expect(run).toThrow(ResponseFormatUnsupportedError);
    expect(run).toThrow(/openai gpt-3\.5-turbo-instruct can't enforce the template's response_format.*allowDroppedResponseFormat: true/s);
    try {
      run();
    } catch (error) {
      expect((error as ResponseFormatUnsupportedError).code).toBe("response_format_unsupported");
    }
    // The provider named is the one the run uses, not the API's family.
    const thinking = metadata("anthropic", "claude-sonnet-4-5", { response_format: responseFormat, thinking: { type: "enabled", budget_tokens: 1024 }, max_tokens: 4096 });
    expect(() => prepareRequest({ template: chat, metadata: thinking })).toThrow(/^anthropic claude-sonnet-4-5 can't enforce/);
  });

  it("with allowDroppedResponseFormat the request goes without it, and a warning says so", () => {
    const prepared = prepareRequest({ template: completion, metadata: metadata("openai", "gpt-3.5-turbo-instruct"), allowDroppedResponseFormat: true });
    expect(prepared.kwargs.response_format).toBeUndefined();
    expect(prepared.model.parameters?.response_format).toBeUndefined();
    expect(prepared.warnings).toEqual([expect.stringMatching(/^Dropped "response_format": openai gpt-3\.5-turbo-instruct can't enforce it/)]);
  });
});
