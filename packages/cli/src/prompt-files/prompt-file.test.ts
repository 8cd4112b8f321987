import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { builtInDemoPrompt, findExamplePrompt } from "../commands/demo.js";
import { parsePromptFile, promptFileName, PromptFileError, serializePromptFile, type PromptFile } from "./prompt-file.js";

const file: PromptFile = {
  prompt_name: "welcome",
  commit_message: "first",
  tags: ["a"],
  release_labels: ["prod"],
  metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.2 } } },
  prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hi {name}: {{literal}}" }] }] },
};

const problemsOf = (text: string, path = "p.yaml") => {
  try {
    parsePromptFile(text, path);
  } catch (error) {
    if (error instanceof PromptFileError) return error.problems;
    throw error;
  }
  return [];
};

describe("prompt files", () => {
  it.each(["yaml", "json"] as const)("round-trip through %s unchanged", (format) => {
    const text = serializePromptFile(file, format);
    expect(parsePromptFile(text, `welcome.${format}`)).toEqual(file);
  });

  it("sends the template as written (no schema defaults added), so a pulled file pushes back identical", () => {
    const parsed = parsePromptFile("prompt_name: x\nprompt_template:\n  type: completion\n  content:\n    - type: text\n      text: hi\n", "x.yaml");
    expect(parsed).toEqual({ prompt_name: "x", prompt_template: { type: "completion", content: [{ type: "text", text: "hi" }] } });
  });

  it("lists every problem: unknown keys, a missing name, an invalid template, wrong label types", () => {
    const problems = problemsOf("release_label: prod\nprompt_template:\n  type: chat\n  messages: [{role: wizard}]\nrelease_labels: prod\n");
    expect(problems.some((problem) => problem.includes('unknown key "release_label"'))).toBe(true);
    expect(problems.some((problem) => problem.startsWith("prompt_name:"))).toBe(true);
    expect(problems.some((problem) => problem.startsWith("prompt_template.messages"))).toBe(true);
    expect(problems).toContain("release_labels: a list of non-empty strings");
  });

  it("rejects text that isn't YAML or JSON, and a file holding a list", () => {
    expect(problemsOf("{ nope", "p.json")[0]).toMatch(/^not valid JSON/);
    expect(problemsOf("a: [", "p.yaml")[0]).toMatch(/^not valid YAML/);
    expect(problemsOf("- a\n- b\n")[0]).toMatch(/expected one prompt/);
  });

  it("makes safe file names", () => {
    expect(promptFileName("team/support reply")).toBe("team_support_reply.yaml");
    expect(promptFileName("../etc", "json")).toBe("__etc.json");
    expect(promptFileName("ok-name.v2")).toBe("ok-name.v2.yaml");
  });

  it("the demo's built-in prompt is the example file", async () => {
    const path = findExamplePrompt();
    expect(path).toBeDefined();
    expect(parsePromptFile(await readFile(path!, "utf8"), path!)).toEqual(builtInDemoPrompt);
  });
});
