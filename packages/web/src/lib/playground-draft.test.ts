import type { PromptTemplate, TemplateMetadata } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { buildDraft, draftOf, isModified } from "./playground-draft.js";

const base: { prompt_template: PromptTemplate; metadata: TemplateMetadata } = {
  prompt_template: {
    type: "chat",
    messages: [
      { role: "system", content: [{ type: "text", text: "You are a poet." }] },
      { role: "placeholder", name: "history" },
      { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.test/a.png" } }, { type: "text", text: "About {topic}" }] },
    ],
    input_variables: ["topic", "history"],
  },
  metadata: { model: { provider: "openai", name: "gpt-4o", parameters: { temperature: 1 } } },
};

describe("playground draft", () => {
  it("round-trips a version unchanged", () => {
    const built = buildDraft(base, draftOf(base.prompt_template, base.metadata));
    expect(isModified(base, built)).toBe(false);
  });

  it("replaces edited text, keeps other parts and placeholders, and reads parameters as JSON", () => {
    const draft = draftOf(base.prompt_template, base.metadata);
    draft.messages[2]!.text = "Only about {topic}";
    draft.parameters = '{ "temperature": 0.2 }';
    draft.model = "gpt-4o-mini";
    const built = buildDraft(base, draft);
    if ("error" in built) throw new Error(built.error);
    expect(isModified(base, built)).toBe(true);
    expect(built.template).toEqual({
      type: "chat",
      messages: [
        { role: "system", content: [{ type: "text", text: "You are a poet." }] },
        { role: "placeholder", name: "history" },
        { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.test/a.png" } }, { type: "text", text: "Only about {topic}" }] },
      ],
    });
    expect(built.metadata).toEqual({ model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.2 } } });
  });

  it("adds a message and refuses parameters that are not a JSON object", () => {
    const draft = draftOf(base.prompt_template, base.metadata);
    draft.messages.push({ role: "assistant", text: "Example answer" });
    const built = buildDraft(base, draft);
    expect("template" in built && built.template.type === "chat" && built.template.messages.at(-1)).toEqual({ role: "assistant", content: [{ type: "text", text: "Example answer" }] });
    expect(buildDraft(base, { ...draft, parameters: "[1]" })).toEqual({ error: expect.stringContaining("JSON object") });
    expect(buildDraft(base, { ...draft, parameters: "{ temperature" })).toEqual({ error: expect.stringContaining("JSON object") });
  });
});
