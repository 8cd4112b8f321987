import type { PromptTemplate, TemplateMetadata } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { diffPrompt } from "./prompt-diff.js";

const chat = (...messages: Array<[string, string]>): PromptTemplate => ({
  type: "chat",
  messages: messages.map(([role, text]) => ({ role: role as "system", content: [{ type: "text" as const, text }] })),
});
const model = (name: string, parameters: Record<string, unknown>): TemplateMetadata => ({ model: { provider: "openai", name, parameters } });

describe("prompt diff", () => {
  it("pairs a changed message and diffs its words; unchanged messages stay aligned", () => {
    const diff = diffPrompt(
      { prompt_template: chat(["system", "You are a poet."], ["user", "Write about {topic}"]), metadata: model("gpt-4o", {}) },
      { prompt_template: chat(["system", "You are a calm poet."], ["user", "Write about {topic}"]), metadata: model("gpt-4o", {}) },
    );
    expect(diff.messages.map((change) => change.kind)).toEqual(["changed", "same"]);
    expect(diff.messages[0]!.words).toEqual([
      { kind: "same", text: "You are a " },
      { kind: "added", text: "calm " },
      { kind: "same", text: "poet." },
    ]);
    expect(diff.changes).toBe(1);
  });

  it("marks an added message as added, not as a change of every message after it", () => {
    const diff = diffPrompt(
      { prompt_template: chat(["system", "S"], ["user", "U"]), metadata: {} },
      { prompt_template: chat(["system", "S"], ["assistant", "Example"], ["user", "U"]), metadata: {} },
    );
    expect(diff.messages.map((change) => [change.kind, change.before?.index, change.after?.index])).toEqual([
      ["same", 1, 1],
      ["added", undefined, 2],
      ["same", 2, 3],
    ]);
  });

  it("puts provider, model and each parameter in a table, flagging only what changed", () => {
    const diff = diffPrompt(
      { prompt_template: chat(["user", "Hi"]), metadata: model("gpt-4o", { temperature: 1, max_tokens: 100 }) },
      { prompt_template: chat(["user", "Hi"]), metadata: model("gpt-4o-mini", { temperature: 0.3, max_tokens: 100, seed: 7 }) },
    );
    expect(diff.settings).toEqual([
      { name: "provider", before: "openai", after: "openai", changed: false },
      { name: "model", before: "gpt-4o", after: "gpt-4o-mini", changed: true },
      { name: "temperature", before: "1", after: "0.3", changed: true },
      { name: "max_tokens", before: "100", after: "100", changed: false },
      { name: "seed", before: undefined, after: "7", changed: true },
    ]);
    expect(diff.changes).toBe(3);
  });

  it("finds nothing between equal versions", () => {
    const side = { prompt_template: chat(["user", "Hi {name}"]), metadata: model("gpt-4o", { temperature: 0 }) };
    expect(diffPrompt(side, structuredClone(side)).changes).toBe(0);
  });
});
