import { describe, expect, it } from "vitest";
import { InvalidTemplateError, MissingVariablesError } from "../errors/promptline-error.js";
import type { ChatTemplate, CompletionTemplate, PromptTemplate } from "../schemas/template.js";
import { listInputVariables, renderTemplate } from "./index.js";

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

const chat: ChatTemplate = {
  type: "chat",
  messages: [
    { role: "system", content: [{ type: "text", text: "You are {persona}." }], template_format: "f-string" },
    { role: "placeholder", name: "history" },
    {
      role: "user",
      template_format: "jinja2",
      content: [
        { type: "text", text: "{% for t in topics %}{{ t }};{% endfor %} {persona} stays literal" },
        { type: "media_variable", name: "photos" },
        { type: "image_url", image_url: { url: "https://example.com/{persona}.png" } },
      ],
    },
    { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
    { role: "tool", tool_call_id: "c1", content: [{ type: "text", text: '{"temp": 20, "unit": "{unit}"}' }] },
  ],
  tools: [
    { type: "function", function: { name: "fixed", description: "", strict: false, parameters: { type: "object", properties: {} } } },
    { type: "variable", name: "extra_tools" },
  ],
};

const variables = {
  persona: "a pirate",
  topics: ["rum", "maps"],
  history: [
    { role: "user", content: [{ type: "text", text: "earlier {persona}" }] },
    { role: "assistant", content: [{ type: "text", text: "arr" }] },
  ],
  photos: ["https://cdn.example.com/a/cat.PNG?x=1", "data:image/webp;base64,UklGRg==", "iVBORw0KGgoAAAANSUhEUg=="],
  extra_tools: [
    { name: "lookup", description: "Look up", parameters: { type: "object", properties: { q: { type: "string" } } } },
    { type: "function", function: { name: "full" } },
  ],
};

describe("renderTemplate (chat)", () => {
  const before = structuredClone(chat);
  const rendered = renderTemplate(chat, variables) as ChatTemplate;

  it("renders each message with its own format", () => {
    expect(rendered.messages[0]?.content).toEqual([{ type: "text", text: "You are a pirate." }]);
    expect(rendered.messages[3]?.content?.[0]).toEqual({ type: "text", text: "rum;maps; {persona} stays literal" });
  });

  it("expands the placeholder in place, without rendering the inserted messages", () => {
    expect(rendered.messages.map((message) => message.role)).toEqual(["system", "user", "assistant", "user", "assistant", "tool"]);
    expect(rendered.messages[1]?.content).toEqual([{ type: "text", text: "earlier {persona}" }]);
  });

  it("expands media variables into media blocks, inferring format and MIME type", () => {
    expect(rendered.messages[3]?.content?.slice(1, 4)).toEqual([
      { type: "media", media: { title: "cat.PNG", type: "image/png", url: "https://cdn.example.com/a/cat.PNG?x=1", format: "url" } },
      { type: "media", media: { title: "media", type: "image/webp", url: "UklGRg==", format: "base64" } },
      { type: "media", media: { title: "media", type: "image/png", url: "iVBORw0KGgoAAAANSUhEUg==", format: "base64" } },
    ]);
  });

  it("leaves other blocks and messages untouched, and tool results that are JSON unrendered", () => {
    expect(rendered.messages[3]?.content?.[4]).toEqual(chat.messages[2]?.content?.[2]);
    expect(rendered.messages[4]).toEqual(chat.messages[3]);
    expect(rendered.messages[5]?.content).toEqual([{ type: "text", text: '{"temp": 20, "unit": "{unit}"}' }]);
  });

  it("expands tool variables into function tools", () => {
    expect(rendered.tools).toEqual([
      chat.tools?.[0],
      {
        type: "function",
        function: {
          name: "lookup",
          description: "Look up",
          strict: false,
          parameters: { type: "object", properties: { q: { type: "string" } } },
        },
      },
      { type: "function", function: { name: "full", description: "", strict: false, parameters: { type: "object", properties: {} } } },
    ]);
  });

  it("does not mutate the input", () => {
    expect(chat).toEqual(before);
  });

  it("lists the input variables in order of first appearance", () => {
    expect(listInputVariables(chat)).toEqual(["persona", "history", "topics", "photos", "extra_tools"]);
  });
});

describe("renderTemplate missing variables", () => {
  it("strict mode throws one error with every missing name across the template", () => {
    const error = thrown(() => renderTemplate(chat, { topics: [] }));
    expect(error).toBeInstanceOf(MissingVariablesError);
    expect((error as MissingVariablesError).missing).toEqual(["persona", "history", "photos", "extra_tools"]);
  });

  it("compatible mode leaves missing text empty and expands missing lists to nothing", () => {
    const rendered = renderTemplate(chat, {}, { mode: "compatible" }) as ChatTemplate;
    expect(rendered.messages.map((message) => message.role)).toEqual(["system", "user", "assistant", "tool"]);
    expect(rendered.messages[0]?.content).toEqual([{ type: "text", text: "You are ." }]);
    expect(rendered.messages[1]?.content?.map((block) => block.type)).toEqual(["text", "image_url"]);
    expect(rendered.tools).toEqual([chat.tools?.[0]]);
  });
});

describe("renderTemplate wrong variable types", () => {
  const base = { ...variables };
  it.each([
    ["a placeholder that is not a list", { history: "hi" }, /input variable "history" must be a list of messages, got a string/, "messages[1]"],
    ["a placeholder item that is not a message", { history: [{ role: "user" }] }, /"history" must be a list of messages; item 0 is not a message/, "messages[1]"],
    ["a placeholder holding a placeholder", { history: [{ role: "placeholder", name: "x" }] }, /"history".*placeholder/, "messages[1]"],
    ["media that is not a list of strings", { photos: [42] }, /"photos" must be a list of URL or base64 strings; item 0 is a number/, "messages[2].content[1]"],
    ["tools that are not a list", { extra_tools: { name: "x" } }, /"extra_tools" must be a list of tools/, "tools[1]"],
    ["a tool without a name", { extra_tools: [{ description: "no name" }] }, /"extra_tools".*item 0 is not a tool/, "tools[1]"],
  ])("%s → InvalidTemplateError naming it", (_name, override, message, location) => {
    const error = thrown(() => renderTemplate(chat, { ...base, ...override }));
    expect(error).toBeInstanceOf(InvalidTemplateError);
    expect((error as Error).message).toMatch(message);
    expect((error as InvalidTemplateError).location).toBe(location);
  });

  it("says where a bad text is", () => {
    const template: PromptTemplate = { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "{a.b}" }] }] };
    const error = thrown(() => renderTemplate(template, { a: 1 }));
    expect((error as InvalidTemplateError).location).toBe("messages[0].content[0]");
  });
});

describe("renderTemplate (completion)", () => {
  const completion: CompletionTemplate = {
    type: "completion",
    template_format: "jinja2",
    content: [
      { type: "text", text: "{{ greeting | default('Hello') }}, {{ name }}!" },
      { type: "media_variable", name: "docs" },
    ],
  };

  it("renders with the template-level format", () => {
    const rendered = renderTemplate(completion, { name: "Ann", docs: "JVBERi0xLjQ=" }) as CompletionTemplate;
    expect(rendered.content).toEqual([
      { type: "text", text: "Hello, Ann!" },
      { type: "media", media: { title: "media", type: "application/pdf", url: "JVBERi0xLjQ=", format: "base64" } },
    ]);
  });

  it("defaults to f-string", () => {
    const fstring: CompletionTemplate = { type: "completion", content: [{ type: "text", text: "{x}{{y}}" }] };
    expect(renderTemplate(fstring, { x: 1 })).toEqual({ type: "completion", content: [{ type: "text", text: "1{y}" }] });
  });

  it("lists input variables", () => {
    expect(listInputVariables(completion)).toEqual(["greeting", "name", "docs"]);
  });
});

describe("renderTemplate, rendered again and again", () => {
  const template: PromptTemplate = {
    type: "chat",
    messages: [
      { role: "system", content: [{ type: "text", text: "You are a concise assistant for {product}." }] },
      { role: "user", content: [{ type: "text", text: "Summarise {topic}." }, { type: "text", text: "{{ topic | upper }}" }], template_format: "jinja2" },
    ],
  };

  it("renders the same template with different variables, each time afresh", () => {
    const first = renderTemplate(template, { product: "A", topic: "x" }) as ChatTemplate;
    const second = renderTemplate(template, { product: "B", topic: "y" }) as ChatTemplate;
    expect(first.messages.map((message) => message.content)).toEqual([
      [{ type: "text", text: "You are a concise assistant for A." }],
      [{ type: "text", text: "Summarise {topic}." }, { type: "text", text: "X" }],
    ]);
    expect(second.messages[0]?.content).toEqual([{ type: "text", text: "You are a concise assistant for B." }]);
    expect(second.messages[1]?.content?.[1]).toEqual({ type: "text", text: "Y" });
    expect(second.messages[0]?.content).not.toBe(first.messages[0]?.content);
  });

  it("reports missing names and bad texts the same way every time", () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const missing = thrown(() => renderTemplate(template, { topic: "x" }));
      expect((missing as MissingVariablesError).missing).toEqual(["product"]);
      const bad: PromptTemplate = { type: "completion", content: [{ type: "text", text: "ok" }, { type: "text", text: "{0}" }] };
      const error = thrown(() => renderTemplate(bad, {}));
      expect(error).toBeInstanceOf(InvalidTemplateError);
      expect((error as InvalidTemplateError).location).toBe("content[1]");
    }
  });
});

describe("renderTemplate, jinja2 texts of one template", () => {
  it("each text sees the variables as given: a `set` in one text stays in that text", () => {
    const template: ChatTemplate = {
      type: "chat",
      messages: [
        { role: "system", content: [{ type: "text", text: "{% set name = 'Bob' %}{% set items = [] %}{{ name }} {{ items | length }}" }], template_format: "jinja2" },
        { role: "user", content: [{ type: "text", text: "{{ name }} {{ items | length }} {{ items | sort | join(',') }}" }, { type: "text", text: "{{ items | first }} {{ size }}" }], template_format: "jinja2" },
      ],
    };
    const rendered = renderTemplate(template, { name: "Ada", items: [3, 1, 2], size: 1.5 }) as ChatTemplate;
    const texts = rendered.messages.flatMap((message) => ("content" in message && Array.isArray(message.content) ? message.content : [])).map((block) => (block as { text: string }).text);
    expect(texts).toEqual(["Bob 0", "Ada 3 1,2,3", "3 1.5"]);
  });
});
