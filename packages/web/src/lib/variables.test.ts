import { describe, expect, it } from "vitest";
import { segments, templateVariables } from "./variables.js";

describe("template variables", () => {
  it("finds f-string fields, skipping doubled braces, with format specs and attribute access", () => {
    expect(segments("Hi {name}, {{literal}} {score:.2f} {user.email}", "f-string").filter((s) => s.variable).map((s) => s.variable)).toEqual(["name", "score", "user"]);
  });

  it("finds jinja2 names, not loop variables or keywords", () => {
    const found = segments("{% for item in items %}{{ item }}{% endfor %}{% if vip %}{{ greeting | upper }}{% endif %}", "jinja2");
    expect(found.filter((s) => s.variable).map((s) => s.variable)).toEqual(["items", "vip", "greeting"]);
  });

  it("lists a chat template's variables in order of first use, placeholders included", () => {
    expect(
      templateVariables({
        type: "chat",
        messages: [
          { role: "system", content: [{ type: "text", text: "You help {company}." }] },
          { role: "placeholder", name: "history" },
          { role: "user", content: [{ type: "text", text: "{question} ({company})" }] },
        ],
      }),
    ).toEqual(["company", "history", "question"]);
  });
});
