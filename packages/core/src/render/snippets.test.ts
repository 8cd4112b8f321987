import { describe, expect, it } from "vitest";
import { InvalidTemplateError } from "../errors/promptline-error.js";
import type { ChatTemplate, CompletionTemplate } from "../schemas/template.js";
import { expandSnippets, listSnippets, renderTemplate, type SnippetReference } from "./index.js";

/** A resolver over a small registry; records every call. */
function registry(texts: Record<string, string>) {
  const calls: SnippetReference[] = [];
  const resolve = async (reference: SnippetReference) => {
    calls.push(reference);
    const key =
      reference.label !== undefined
        ? `${reference.name}@label:${reference.label}`
        : reference.version !== undefined
          ? `${reference.name}@v${reference.version}`
          : reference.name;
    const text = texts[key];
    if (text === undefined) throw new Error(`no snippet ${key}`);
    return text;
  };
  return { resolve, calls };
}

const completion = (text: string): CompletionTemplate => ({ type: "completion", content: [{ type: "text", text }] });
const textOf = (template: unknown) => (template as CompletionTemplate).content[0];

describe("expandSnippets", () => {
  it("replaces plain, labelled and versioned references", async () => {
    const { resolve, calls } = registry({ tone: "Be kind.", "tone@label:prod": "Be brief.", "tone@v3": "Be bold." });
    const expanded = await expandSnippets(completion("A @@@tone@@@ B @@@tone@label:prod@@@ C @@@tone@version_number:3@@@"), resolve);
    expect(textOf(expanded)).toEqual({ type: "text", text: "A Be kind. B Be brief. C Be bold." });
    expect(calls).toEqual([{ name: "tone" }, { name: "tone", label: "prod" }, { name: "tone", version: 3 }]);
  });

  it("expands nested snippets and resolves each reference once", async () => {
    const { resolve, calls } = registry({ outer: "[@@@inner@@@|@@@inner@@@]", inner: "in {x}" });
    const expanded = await expandSnippets(completion("@@@outer@@@ @@@inner@@@"), resolve);
    expect(textOf(expanded)).toEqual({ type: "text", text: "[in {x}|in {x}] in {x}" });
    expect(calls.map((call) => call.name).sort()).toEqual(["inner", "outer"]);
  });

  it("runs before variable rendering, so snippet text is rendered too", async () => {
    const { resolve } = registry({ greet: "Hello {name}" });
    const expanded = await expandSnippets(completion("@@@greet@@@!"), resolve);
    expect(textOf(renderTemplate(expanded, { name: "Ann" }))).toEqual({ type: "text", text: "Hello Ann!" });
  });

  it("expands chat messages and leaves placeholders and other blocks alone", async () => {
    const { resolve } = registry({ sys: "System rules." });
    const chat: ChatTemplate = {
      type: "chat",
      messages: [
        { role: "system", content: [{ type: "text", text: "@@@sys@@@" }, { type: "image_url", image_url: { url: "@@@sys@@@" } }] },
        { role: "placeholder", name: "history" },
      ],
    };
    const expanded = (await expandSnippets(chat, resolve)) as ChatTemplate;
    expect(expanded.messages[0]?.content).toEqual([
      { type: "text", text: "System rules." },
      { type: "image_url", image_url: { url: "@@@sys@@@" } },
    ]);
    expect(expanded.messages[1]).toEqual(chat.messages[1]);
    expect(chat.messages[0]?.content?.[0]).toEqual({ type: "text", text: "@@@sys@@@" });
  });

  it("rejects a cycle, naming it", async () => {
    const { resolve } = registry({ a: "x @@@b@@@", b: "y @@@a@@@" });
    await expect(expandSnippets(completion("@@@a@@@"), resolve)).rejects.toThrow(/snippet cycle: @@@a@@@ → @@@b@@@ → @@@a@@@/);
  });

  it("rejects a snippet that references itself", async () => {
    const { resolve } = registry({ self: "@@@self@@@" });
    await expect(expandSnippets(completion("@@@self@@@"), resolve)).rejects.toBeInstanceOf(InvalidTemplateError);
  });

  it("rejects nesting deeper than maxDepth", async () => {
    const { resolve } = registry({ l1: "@@@l2@@@", l2: "@@@l3@@@", l3: "end" });
    await expect(expandSnippets(completion("@@@l1@@@"), resolve, { maxDepth: 2 })).rejects.toThrow(/nest more than 2 deep/);
    expect(textOf(await expandSnippets(completion("@@@l1@@@"), resolve, { maxDepth: 3 }))).toEqual({ type: "text", text: "end" });
  });

  it("passes the resolver's own errors through", async () => {
    const { resolve } = registry({});
    await expect(expandSnippets(completion("@@@missing@@@"), resolve)).rejects.toThrow("no snippet missing");
  });

  it("takes a synchronous resolver", async () => {
    const expanded = await expandSnippets(completion("@@@a@@@"), () => "sync");
    expect(textOf(expanded)).toEqual({ type: "text", text: "sync" });
  });
});

describe("expandSnippets without snippets", () => {
  it("returns a template without the @@@ marker as is, without calling the resolver", async () => {
    const { resolve, calls } = registry({});
    const chat: ChatTemplate = {
      type: "chat",
      messages: [
        { role: "system", content: [{ type: "text", text: "email@example.com @@ {x}" }] },
        { role: "placeholder", name: "history" },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "user", content: [{ type: "image_url", image_url: { url: "@@@a@@@" } }] },
      ],
    };
    await expect(expandSnippets(chat, resolve)).resolves.toBe(chat);
    const plain = completion("no snippets here");
    await expect(expandSnippets(plain, resolve)).resolves.toBe(plain);
    expect(calls).toEqual([]);
  });

  it("still expands when only one text of many has the marker", async () => {
    const { resolve } = registry({ b: "B" });
    const chat: ChatTemplate = {
      type: "chat",
      messages: [
        { role: "system", content: [{ type: "text", text: "plain" }] },
        { role: "user", content: [{ type: "text", text: "a @@@b@@@ c" }] },
      ],
    };
    const expanded = (await expandSnippets(chat, resolve)) as ChatTemplate;
    expect(expanded.messages.map((message) => message.content)).toEqual([
      [{ type: "text", text: "plain" }],
      [{ type: "text", text: "a B c" }],
    ]);
  });

  it("keeps a text with a marker but no reference unchanged", async () => {
    const { resolve, calls } = registry({});
    expect(textOf(await expandSnippets(completion("a @@@ b @@ c"), resolve))).toEqual({ type: "text", text: "a @@@ b @@ c" });
    expect(calls).toEqual([]);
  });
});

describe("listSnippets", () => {
  it("lists references in order, without duplicates, across messages", () => {
    const chat: ChatTemplate = {
      type: "chat",
      messages: [
        { role: "system", content: [{ type: "text", text: "@@@a@@@ and @@@b@label:staging@@@" }] },
        { role: "user", content: [{ type: "text", text: "@@@a@@@ @@@c@version_number:12@@@ email@example.com" }] },
      ],
    };
    expect(listSnippets(chat)).toEqual([{ name: "a" }, { name: "b", label: "staging" }, { name: "c", version: 12 }]);
  });

  it("rejects a version that is not a number", () => {
    expect(() => listSnippets(completion("@@@a@version_number:x@@@"))).toThrow(InvalidTemplateError);
  });
});
