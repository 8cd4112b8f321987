import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InvalidTemplateError } from "../../errors/promptline-error.js";
import { modelSettingsSchema } from "../../schemas/metadata.js";
import { promptTemplateSchema } from "../../schemas/template.js";
import { azureOpenaiCompletionsCodec, openaiCompletionsCodec } from "./index.js";

const fixtureText = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
const body = JSON.parse(fixtureText("openai-completion-text.json"));
const chunks: Record<string, unknown>[] = fixtureText("openai-completion-text.chunks.txt")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line));

const model = modelSettingsSchema.parse({ provider: "openai", name: "gpt-3.5-turbo-instruct", parameters: { max_tokens: 16, temperature: 0, stream: false } });
const completion = promptTemplateSchema.parse({ type: "completion", content: [{ type: "text", text: "Invent a new holiday." }] });

describe("openaiCompletionsCodec", () => {
  it("puts the template text in `prompt`, parameters last and no stream flag", () => {
    const kwargs = openaiCompletionsCodec.toLlmKwargs(completion, model);
    expect(JSON.stringify(kwargs)).toBe(JSON.stringify({ prompt: "Invent a new holiday.", model: "gpt-3.5-turbo-instruct", max_tokens: 16, temperature: 0 }));
  });

  it("round-trips a completion template", () => {
    const kwargs = openaiCompletionsCodec.toLlmKwargs(completion, model);
    const back = openaiCompletionsCodec.fromLlmKwargs({ ...kwargs, apiKey: "sk-secret", stream: false });
    expect(back.template).toEqual({ ...completion, input_variables: [], template_format: "f-string" });
    expect(back.model).toEqual({ name: "gpt-3.5-turbo-instruct", parameters: { max_tokens: 16, temperature: 0, stream: false } });
  });

  it("rejects chat templates and non-text content", () => {
    const chat = promptTemplateSchema.parse({ type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] });
    expect(() => openaiCompletionsCodec.toLlmKwargs(chat, model)).toThrow(InvalidTemplateError);
    const image = promptTemplateSchema.parse({ type: "completion", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] });
    expect(() => openaiCompletionsCodec.toLlmKwargs(image, model)).toThrow(/"image_url"/);
  });

  it("reads the recorded response", () => {
    expect(openaiCompletionsCodec.responseToMessage(body)).toMatchObject({ role: "assistant", content: [{ type: "text", text: body.choices[0].text }] });
    expect(openaiCompletionsCodec.usage(body)).toEqual({ input_tokens: body.usage.prompt_tokens, output_tokens: body.usage.completion_tokens });
  });

  it("accumulates the recorded stream", () => {
    const accumulator = openaiCompletionsCodec.createStreamAccumulator();
    const deltas = chunks.map((chunk) => accumulator.push(chunk));
    const expectedText = chunks.map((chunk) => (chunk.choices as { text: string }[])[0]?.text ?? "").join("");
    const deltaText = deltas.flatMap((delta) => delta.content ?? []).map((block) => (block.type === "text" ? block.text : "")).join("");
    expect(deltaText).toBe(expectedText);

    const response = accumulator.response() as { object: string; id: string; choices: { finish_reason: string }[] };
    expect(response.object).toBe("text_completion");
    expect(response.id).toBe(chunks[0]?.id);
    const finishReasons = chunks.flatMap((chunk) => (chunk.choices as { finish_reason: string | null }[]).flatMap((choice) => choice.finish_reason ?? []));
    expect(response.choices[0]?.finish_reason).toBe(finishReasons.at(-1));
    const usageChunk = chunks.find((chunk) => chunk.usage) as { usage: { prompt_tokens: number; completion_tokens: number } };
    expect(accumulator.usage()).toEqual({ input_tokens: usageChunk.usage.prompt_tokens, output_tokens: usageChunk.usage.completion_tokens });
    expect(openaiCompletionsCodec.responseToMessage(response).content).toEqual([{ type: "text", text: expectedText }]);
    // The same shape as the non-streaming answer.
    expect(Object.keys(openaiCompletionsCodec.responseToMessage(response))).toEqual(Object.keys(openaiCompletionsCodec.responseToMessage(body)));
  });

  it("builds the HTTP requests of OpenAI and Azure", () => {
    const kwargs = { ...openaiCompletionsCodec.toLlmKwargs(completion, model), baseURL: "https://x", apiKey: "sk-secret" };
    expect(openaiCompletionsCodec.toHttpRequest(kwargs, { stream: false })).toEqual({
      path: "/completions",
      body: { prompt: "Invent a new holiday.", model: "gpt-3.5-turbo-instruct", max_tokens: 16, temperature: 0 },
    });
    const streamed = azureOpenaiCompletionsCodec.toHttpRequest(kwargs, { stream: true });
    expect(streamed.path).toBe("/openai/deployments/gpt-3.5-turbo-instruct/completions");
    expect(streamed.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(streamed.body).not.toHaveProperty("apiKey");
  });

  it("has PromptLayer's ids and function names", () => {
    expect([openaiCompletionsCodec.id, openaiCompletionsCodec.functionNames]).toEqual(["openai.completions", ["openai.completions.create"]]);
    expect([azureOpenaiCompletionsCodec.id, azureOpenaiCompletionsCodec.functionNames]).toEqual([
      "openai.azure.completions",
      ["openai.AzureOpenAI.completions.create"],
    ]);
  });
});
