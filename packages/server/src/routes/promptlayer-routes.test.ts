import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTemplate, createRouteHarness, publish, type Loose, type RouteHarness } from "./route-harness.contract.js";

/**
 * PromptLayer's routes as the official SDKs call them (contract §3, §9), with
 * the status codes and bodies of the recorded server traffic
 * (fixtures/promptlayer-cassettes).
 */

let h: RouteHarness;
let key: string;

beforeAll(async () => {
  h = await createRouteHarness();
  key = h.a.adminKey;
});
afterAll(() => h.close());

const userText = (body: Record<string, Loose>, index = -1) => {
  const messages = body.prompt_template.messages as { content: { text: string }[] }[];
  return messages.at(index)!.content[0]!.text;
};

// The body of a real ChatCompletion, as PromptLayer's SDK sends it to /track-request.
const chatCompletion = (text: string, model = "gpt-4o-mini") => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1_744_624_827,
  model,
  choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop", logprobs: null }],
  usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
});

describe("POST /prompt-templates/{identifier}", () => {
  let poemId: number;

  beforeAll(async () => {
    const first = await publish(h, key, {
      prompt_name: "poem",
      ...chatTemplate("Write about {topic} in {style}", { system: "You are a poet." }),
      tags: ["verse"],
      commit_message: "first",
      release_labels: ["prod"],
    });
    poemId = first.id;
    await publish(h, key, { prompt_name: "poem", ...chatTemplate("v2 about {topic}"), commit_message: "second" });
  });

  it("answers an empty body (no body at all, as templates.get(name) sends) with exactly 200 and the cassette's fields", async () => {
    const result = await h.call("POST", "/prompt-templates/poem", { key });
    expect(result.status).toBe(200);
    const cassetteFields = [
      "id",
      "prompt_name",
      "tags",
      "workspace_id",
      "version",
      "commit_message",
      "prompt_template",
      "metadata",
      "llm_kwargs",
      "provider_base_url",
      "snippets",
      "warning",
    ];
    expect(Object.keys(result.body)).toEqual(expect.arrayContaining([...cassetteFields, "custom_provider"]));
    expect(result.body).toMatchObject({
      id: poemId,
      prompt_name: "poem",
      tags: ["verse"],
      workspace_id: h.a.id,
      version: 2,
      commit_message: "second",
      provider_base_url: null,
      custom_provider: null,
      snippets: [],
      warning: null,
    });
    expect(result.body.metadata.model).toMatchObject({ provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions" });
    expect(result.body.llm_kwargs).toMatchObject({ model: "gpt-4o-mini", temperature: 1 });
  });

  it("accepts the key in the X-API-KEY header, as Bearer, and in the body (Python SDK)", async () => {
    for (const auth of ["header", "bearer", "body"] as const) {
      const result = await h.call("POST", "/prompt-templates/poem", { key, auth, body: {} });
      expect(result.status, auth).toBe(200);
      expect(result.body.prompt_name).toBe("poem");
    }
  });

  it("selects a version by number, by label, and lets the label win over the version", async () => {
    const byVersion = await h.call("POST", "/prompt-templates/poem", { key, body: { version: 1 } });
    expect(byVersion.body.version).toBe(1);
    const byLabel = await h.call("POST", "/prompt-templates/poem", { key, body: { label: "prod" } });
    expect(byLabel.body.version).toBe(1);
    const both = await h.call("POST", "/prompt-templates/poem", { key, body: { version: 2, label: "prod" } });
    expect(both.status).toBe(200);
    expect(both.body.version).toBe(1);
  });

  it("takes the numeric id as the identifier", async () => {
    const result = await h.call("POST", `/prompt-templates/${poemId}`, { key });
    expect(result.status).toBe(200);
    expect(result.body.prompt_name).toBe("poem");
  });

  it("renders input variables into prompt_template and llm_kwargs, leaving missing ones empty (compatible mode)", async () => {
    const result = await h.call("POST", "/prompt-templates/poem", { key, body: { version: 1, input_variables: { topic: "cats" } } });
    expect(result.status).toBe(200);
    expect(userText(result.body)).toBe("Write about cats in ");
    const messages = result.body.llm_kwargs.messages as { role: string; content: unknown }[];
    expect(JSON.stringify(messages)).toContain("Write about cats in ");
    expect(JSON.stringify(messages)).not.toMatch(/\{(topic|style)\}/);
    expect(messages[0]).toMatchObject({ role: "system" });
  });

  it("keeps {var} intact in prompt_template and llm_kwargs with skip_input_variable_rendering", async () => {
    const result = await h.call("POST", "/prompt-templates/poem", {
      key,
      body: { version: 1, input_variables: { topic: "cats" }, skip_input_variable_rendering: true },
    });
    expect(result.status).toBe(200);
    expect(userText(result.body)).toBe("Write about {topic} in {style}");
    expect(JSON.stringify(result.body.llm_kwargs.messages)).toContain("Write about {topic} in {style}");
  });

  it("rebuilds llm_kwargs for a provider and model override (OpenAI template → Anthropic body with max_tokens and a top-level system)", async () => {
    const result = await h.call("POST", "/prompt-templates/poem", {
      key,
      body: { version: 1, provider: "anthropic", model: "claude-sonnet-4-5", input_variables: { topic: "cats", style: "haiku" } },
    });
    expect(result.status).toBe(200);
    expect(result.body.metadata.model).toMatchObject({ provider: "anthropic", name: "claude-sonnet-4-5" });
    const kwargs = result.body.llm_kwargs;
    expect(kwargs.model).toBe("claude-sonnet-4-5");
    expect(kwargs.max_tokens).toEqual(expect.any(Number));
    expect(JSON.stringify(kwargs.system)).toContain("You are a poet.");
    expect((kwargs.messages as { role: string }[]).map((message) => message.role)).toEqual(["user"]);
    expect(JSON.stringify(kwargs.messages)).toContain("Write about cats in haiku");
    expect(result.body.provider_base_url).toBeNull();
  });

  it("merges model_parameter_overrides last, over the template's parameters and the model's defaults", async () => {
    const plain = await h.call("POST", "/prompt-templates/poem", { key, body: { model_parameter_overrides: { temperature: 0.2, top_p: 0.5 } } });
    expect(plain.body.llm_kwargs).toMatchObject({ temperature: 0.2, top_p: 0.5, model: "gpt-4o-mini" });
    const overridden = await h.call("POST", "/prompt-templates/poem", {
      key,
      body: { provider: "anthropic", model: "claude-sonnet-4-5", model_parameter_overrides: { max_tokens: 77 } },
    });
    expect(overridden.body.llm_kwargs.max_tokens).toBe(77);
  });

  it("resolves @@@snippets@@@ from other prompts of the workspace before rendering", async () => {
    await publish(h, key, {
      prompt_name: "house-style",
      prompt_template: { type: "completion", content: [{ type: "text", text: "Answer in {language}." }] },
      metadata: chatTemplate("x").metadata,
    });
    await publish(h, key, { prompt_name: "with-snippet", ...chatTemplate("@@@house-style@@@ Then say hi.") });
    const result = await h.call("POST", "/prompt-templates/with-snippet", { key, body: { input_variables: { language: "French" } } });
    expect(result.status).toBe(200);
    expect(userText(result.body)).toBe("Answer in French. Then say hi.");
    expect(JSON.stringify(result.body.llm_kwargs)).toContain("Answer in French. Then say hi.");
  });

  it("renders jinja2 messages with undefined variables as empty", async () => {
    const template = chatTemplate("{% for x in items %}[{{ x }}]{% endfor %} {{ missing }}!");
    (template.prompt_template.messages[0] as Record<string, unknown>).template_format = "jinja2";
    await publish(h, key, { prompt_name: "jinja-ok", ...template });
    const result = await h.call("POST", "/prompt-templates/jinja-ok", { key, body: { input_variables: { items: ["a", "b"] } } });
    expect(result.status).toBe(200);
    expect(userText(result.body)).toBe("[a][b] !");
  });

  it("finds names with '/', and with %2F, %3F, %23 and %20 encoded", async () => {
    const names = ["team/poem", "what?", "issue#1", "two words", "a/b/c"];
    for (const name of names) await publish(h, key, { prompt_name: name, ...chatTemplate(`I am ${name}`) });
    const paths: [string, string][] = [
      ["/prompt-templates/team/poem", "team/poem"], // PromptLayer's JS SDK doesn't encode `/`
      ["/prompt-templates/team%2Fpoem", "team/poem"], // Python's quote(name, safe="")
      ["/prompt-templates/a/b/c", "a/b/c"],
      ["/prompt-templates/what%3F", "what?"],
      ["/prompt-templates/issue%231", "issue#1"],
      ["/prompt-templates/two%20words", "two words"],
    ];
    for (const [path, name] of paths) {
      const result = await h.call("POST", path, { key });
      expect(result.status, path).toBe(200);
      expect(result.body.prompt_name, path).toBe(name);
      expect(userText(result.body), path).toBe(`I am ${name}`);
    }
    const labels = await h.call("GET", "/prompt-templates/team%2Fpoem/labels", { key });
    expect(labels.status).toBe(200);
    const raw = await h.call("GET", "/prompt-templates/team/poem/labels", { key });
    expect(raw.status).toBe(200);
  });

  it("answers an unknown prompt, version or label with 404 and a message naming it", async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ["/prompt-templates/nope", {}, '"nope"'],
      ["/prompt-templates/poem", { version: 9 }, "version 9"],
      ["/prompt-templates/poem", { label: "staging" }, '"staging"'],
    ];
    for (const [path, body, named] of cases) {
      const result = await h.call("POST", path, { key, body });
      expect(result.status).toBe(404);
      expect(result.body).toMatchObject({ success: false });
      expect(result.body.message).toContain(named);
    }
    // A label the prompt lacks: the answer lists the labels it has (issue 19).
    const missing = await h.call("POST", "/prompt-templates/poem", { key, body: { label: "staging" } });
    expect(missing.body.message).toContain('Label "staging" of prompt "poem" not found: its labels are "prod".');
    expect(missing.body.error).toMatchObject({ code: "prompt_not_found", existing_labels: ["prod"] });
  });
});

describe("GET /prompt-templates", () => {
  it("lists with the cassette's item fields and paging fields, filtered by label", async () => {
    const local = await createRouteHarness();
    try {
      const k = local.a.adminKey;
      for (const name of ["a", "b", "c"]) await publish(local, k, { prompt_name: name, ...chatTemplate(name), tags: ["x"] });
      await publish(local, k, { prompt_name: "b", ...chatTemplate("b2"), release_labels: ["prod"] });
      const all = await local.call("GET", "/prompt-templates", { key: k });
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ page: 1, per_page: 30, pages: 1, total: 3, has_next: false, has_prev: false, next_num: null, prev_num: null });
      expect(Object.keys(all.body.items[0])).toEqual(
        expect.arrayContaining(["id", "prompt_name", "tags", "folder_id", "prompt_template", "version", "commit_message", "metadata", "parent_folder_name", "full_folder_path"]),
      );
      const listed = all.body.items.map((item: { prompt_name: string; version: number }) => [item.prompt_name, item.version]);
      expect(listed.sort()).toEqual([
        ["a", 1],
        ["b", 2],
        ["c", 1],
      ]);
      const paged = await local.call("GET", "/prompt-templates?page=2&per_page=2", { key: k });
      expect(paged.body).toMatchObject({ page: 2, per_page: 2, pages: 2, total: 3, has_prev: true, prev_num: 1, has_next: false });
      expect(paged.body.items).toHaveLength(1);
      const labelled = await local.call("GET", "/prompt-templates?label=prod", { key: k });
      expect(labelled.body.items.map((item: { prompt_name: string }) => item.prompt_name)).toEqual(["b"]);
      const bad = await local.call("GET", "/prompt-templates?per_page=0", { key: k });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/per_page/);
    } finally {
      await local.close();
    }
  });
});

describe("POST /rest/prompt-templates (publish)", () => {
  it("answers 201 with the cassette's fields, numbers versions and moves release labels", async () => {
    const first = await h.call("POST", "/rest/prompt-templates", {
      key,
      body: { prompt_template: { prompt_name: "pub", ...chatTemplate("one"), tags: ["t1"] }, prompt_version: { ...chatTemplate("one"), commit_message: "c1" }, release_labels: ["prod", "dev"] },
    });
    expect(first.status).toBe(201);
    expect(Object.keys(first.body)).toEqual(expect.arrayContaining(["id", "prompt_name", "tags", "prompt_template", "commit_message", "metadata", "release_labels"]));
    expect(first.body).toMatchObject({ prompt_name: "pub", tags: ["t1"], commit_message: "c1", version_number: 1 });
    expect([...first.body.release_labels].sort()).toEqual(["dev", "prod"]);

    const second = await publish(h, key, { prompt_name: "pub", ...chatTemplate("two"), release_labels: ["prod"] });
    expect(second).toMatchObject({ id: first.body.id, version_number: 2, release_labels: ["prod"] });
    const labels = await h.call("GET", "/prompt-templates/pub/labels", { key });
    const byName = Object.fromEntries(labels.body.release_labels.map((label: { release_label: string; prompt_version_number: number }) => [label.release_label, label.prompt_version_number]));
    expect(byName).toEqual({ prod: 2, dev: 1 });
  });

  it("takes the template from prompt_template alone when prompt_version is absent", async () => {
    const result = await h.call("POST", "/rest/prompt-templates", { key, body: { prompt_template: { prompt_name: "solo", ...chatTemplate("solo") } } });
    expect(result.status).toBe(201);
    expect(result.body.prompt_template.messages[0].content[0].text).toBe("solo");
  });
});

describe("release label routes", () => {
  it("creates (201), moves (200) and deletes (204) a label, recording who moved it", async () => {
    const published = await publish(h, key, { prompt_name: "labelled", ...chatTemplate("one") });
    await publish(h, key, { prompt_name: "labelled", ...chatTemplate("two") });
    const created = await h.call("POST", `/prompts/${published.id}/label`, { key, body: { prompt_version_number: 1, name: "canary" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ success: true, release_label: "canary", prompt_version_number: 1, release_label_id: expect.any(Number), prompt_version_id: expect.any(Number) });

    const moved = await h.call("PATCH", `/prompt-labels/${created.body.release_label_id}`, { key: h.a.userKey, body: { prompt_version_number: 2 } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ success: true, release_label: "canary", prompt_version_number: 2 });
    const fetched = await h.call("POST", "/prompt-templates/labelled", { key, body: { label: "canary" } });
    expect(fetched.body.version).toBe(2);

    const deleted = await h.call("DELETE", `/prompt-labels/${created.body.release_label_id}`, { key });
    expect(deleted.status).toBe(204);
    const gone = await h.call("POST", "/prompt-templates/labelled", { key, body: { label: "canary" } });
    expect(gone.status).toBe(404);

    const history = await h.call("GET", "/api/v1/prompts/labelled/labels/history", { key });
    expect(history.body.items.map((row: Record<string, unknown>) => [row.label_name, row.from_version, row.to_version, row.actor_key_id])).toEqual([
      ["canary", null, 1, h.a.adminKeyId],
      ["canary", 1, 2, h.a.userKeyId],
      ["canary", 2, null, h.a.adminKeyId],
    ]);
  });

  it("answers 404 for an unknown label id, and 404 for a label on an unknown version", async () => {
    const published = await publish(h, key, { prompt_name: "labelled-2", ...chatTemplate("one") });
    expect((await h.call("PATCH", "/prompt-labels/999999", { key, body: { prompt_version_number: 1 } })).status).toBe(404);
    expect((await h.call("DELETE", "/prompt-labels/999999", { key })).status).toBe(404);
    const badVersion = await h.call("POST", `/prompts/${published.id}/label`, { key, body: { prompt_version_number: 5, name: "x" } });
    expect(badVersion.status).toBe(404);
    expect(badVersion.body.message).toContain("version 5");
  });
});

describe("POST /track-request", () => {
  it("logs every field of §3.2 with the key in the body, ISO timestamps, and answers 200 {success, request_id:int, prompt_blueprint, message}", async () => {
    const template = await h.call("POST", "/prompt-templates/poem", { key, body: { input_variables: { topic: "cats" } } });
    const group = await h.call("POST", "/create-group", { key, auth: "body" });
    const kwargs = { ...template.body.llm_kwargs, stream: false };
    const result = await h.call("POST", "/track-request", {
      key,
      auth: "body",
      body: {
        function_name: "openai.chat.completions.create",
        provider_type: "openai",
        args: [],
        kwargs,
        tags: ["t1"],
        request_start_time: "2026-11-26T18:18:04.300Z",
        request_end_time: "2026-11-26T18:18:04.411Z",
        metadata: { user: "u1" },
        prompt_id: template.body.id,
        prompt_version: template.body.version,
        prompt_input_variables: { topic: "cats" },
        group_id: group.body.id,
        return_prompt_blueprint: true,
        span_id: "0000000000000000",
        request_response: chatCompletion("Cats purr."),
      },
    });
    expect(result.status).toBe(200);
    expect(Object.keys(result.body).sort()).toEqual(["message", "prompt_blueprint", "request_id", "success"]);
    expect(result.body).toMatchObject({ success: true, request_id: expect.any(Number), message: expect.any(String) });
    expect(Number.isInteger(result.body.request_id)).toBe(true);
    const messages = result.body.prompt_blueprint.prompt_template.messages as { role: string; content: { type: string; text: string }[] }[];
    expect(messages.at(-1)!.role).toBe("assistant");
    expect(messages.at(-1)!.content.at(-1)).toMatchObject({ type: "text", text: "Cats purr." });
    expect(result.body.prompt_blueprint.metadata.model).toMatchObject({ provider: "openai", name: "gpt-4o-mini" });

    const stored = await h.call("GET", `/api/v1/requests/${result.body.request_id}`, { key });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({
      prompt_name: "poem",
      prompt_version: template.body.version,
      tags: ["t1"],
      metadata: { user: "u1" },
      group_id: group.body.id,
      input_variables: { topic: "cats" },
      status: "SUCCESS",
      provider: "openai",
      model: "gpt-4o-mini",
      usage: { input_tokens: 11, output_tokens: 7 },
      latency_ms: 111,
      error_type: null,
      error_message: null,
    });
  });

  it("accepts epoch seconds as floats (Python SDK), and returns prompt_blueprint null unless asked", async () => {
    const result = await h.call("POST", "/track-request", {
      key,
      auth: "body",
      body: {
        function_name: "openai.chat.completions.create",
        kwargs: { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] },
        request_response: chatCompletion("hello", "gpt-4o"),
        request_start_time: 1_744_624_827.5,
        request_end_time: 1_744_624_828.25,
        tags: null,
        metadata: null,
        group_id: null,
      },
    });
    expect(result.status).toBe(200);
    expect(result.body.prompt_blueprint).toBeNull();
    const stored = await h.call("GET", `/api/v1/requests/${result.body.request_id}`, { key });
    expect(stored.body).toMatchObject({ latency_ms: 750, request_start_time: "2025-04-14T10:00:27.500Z", tags: [], metadata: {} });
  });

  it("logs an ERROR with 200, keeping the error type and cutting a long message instead of refusing it", async () => {
    const result = await h.call("POST", "/track-request", {
      key,
      auth: "body",
      body: {
        function_name: "openai.chat.completions.create",
        kwargs: { model: "gpt-4o", messages: [{ role: "user", content: "hi" }], apiKey: "sk-secret" },
        request_response: {},
        status: "ERROR",
        error_type: "PROVIDER_AUTH_ERROR",
        error_message: `401 Incorrect API key ${"x".repeat(10_000)}`,
        return_prompt_blueprint: true,
      },
    });
    expect(result.status).toBe(200);
    expect(result.body.success).toBe(true);
    const stored = await h.call("GET", `/api/v1/requests/${result.body.request_id}`, { key });
    expect(stored.body).toMatchObject({ status: "ERROR", error_type: "PROVIDER_AUTH_ERROR" });
    expect(stored.body.error_message.length).toBeLessThan(10_000);
    expect(JSON.stringify(stored.body.request)).not.toContain("sk-secret");
  });

  it("refuses a missing key (the SDK sends it only in the body) with 401", async () => {
    const result = await h.call("POST", "/track-request", { body: { function_name: "openai.chat.completions.create" } });
    expect(result.status).toBe(401);
    expect(result.body.message).toMatch(/API key/);
  });
});

describe("POST /prompt-templates/{identifier}: numbers as Python wrote them", () => {
  beforeAll(async () => {
    await publish(h, key, { prompt_name: "priced", ...chatTemplate("{price} | {price:.2f} | {qty} | {prices}") });
    await publish(h, key, {
      prompt_name: "priced-jinja",
      prompt_template: { type: "chat", messages: [{ role: "user", template_format: "jinja2", content: [{ type: "text", text: "{{ price }} | {{ qty }} | {{ prices }}" }] }] },
      metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } },
    });
  });

  // The body as Python's json.dumps writes {"price": 10.0, "qty": 3, "prices": [1.0, 2.5]}.
  const raw = '{"input_variables": {"price": 10.0, "qty": 3, "prices": [1.0, 2.5]}, "model_parameter_overrides": {"temperature": 1.0}}';

  it("renders a float sent as 10.0 as 10.0 (f-string), with llm_kwargs to match", async () => {
    const result = await h.call("POST", "/prompt-templates/priced", { key, raw });
    expect(result.status).toBe(200);
    expect(userText(result.body)).toBe("10.0 | 10.00 | 3 | [1.0, 2.5]");
    expect(JSON.stringify(result.body.llm_kwargs)).toContain("10.0 | 10.00 | 3 | [1.0, 2.5]");
    expect(result.body.llm_kwargs.temperature).toBe(1);
  });

  it("and in jinja2", async () => {
    const result = await h.call("POST", "/prompt-templates/priced-jinja", { key, raw });
    expect(result.status).toBe(200);
    expect(userText(result.body)).toBe("10.0 | 3 | [1.0, 2.5]");
  });
});

describe("POST /prompt-templates/{identifier}: repeated fetches (answers kept per version and body, createTemplateAnswerCache)", () => {
  const fetch = (name: string, body: Record<string, unknown> | string, callKey = key) =>
    h.call("POST", `/prompt-templates/${name}`, { key: callKey, ...(typeof body === "string" ? { raw: body } : { body }) });

  it("answers the same fetch alike, and another variable, option or number as written differently", async () => {
    await publish(h, key, { prompt_name: "kept", ...chatTemplate("About {topic} at {price}"), release_labels: ["prod"] });
    const first = await fetch("kept", { label: "prod", input_variables: { topic: "a", price: 1 } });
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toMatch(/^application\/json/);
    expect((await fetch("kept", { label: "prod", input_variables: { topic: "a", price: 1 } })).text).toBe(first.text);
    expect(userText((await fetch("kept", { label: "prod", input_variables: { topic: "b", price: 1 } })).body)).toBe("About b at 1");
    expect(userText((await fetch("kept", '{"label": "prod", "input_variables": {"topic": "a", "price": 1.0}}')).body)).toBe("About a at 1.0");
    expect(userText((await fetch("kept", '{"label": "prod", "input_variables": {"topic": "a", "price": 1}}')).body)).toBe("About a at 1");
    const otherModel = await fetch("kept", { label: "prod", input_variables: { topic: "a", price: 1 }, model: "gpt-4o" });
    expect(otherModel.body.llm_kwargs.model).toBe("gpt-4o");
    const overridden = await fetch("kept", { label: "prod", input_variables: { topic: "a", price: 1 }, model_parameter_overrides: { temperature: 0.5 } });
    expect(overridden.body.llm_kwargs.temperature).toBe(0.5);
    const unrendered = await fetch("kept", { label: "prod", input_variables: { topic: "a", price: 1 }, skip_input_variable_rendering: true });
    expect(userText(unrendered.body)).toBe("About {topic} at {price}");
    expect(userText((await fetch("kept", { label: "prod", input_variables: { topic: "a", price: 1 } })).body)).toBe("About a at 1");
  });

  it("answers the new version after a publish or a label move, and a snippet's new text", async () => {
    await publish(h, key, { prompt_name: "kept-style", prompt_template: { type: "completion", content: [{ type: "text", text: "Be brief." }] }, metadata: chatTemplate("x").metadata });
    await publish(h, key, { prompt_name: "kept-moving", ...chatTemplate("one @@@kept-style@@@"), release_labels: ["prod"] });
    const body = { label: "prod", input_variables: {} };
    expect(userText((await fetch("kept-moving", body)).body)).toBe("one Be brief.");
    await publish(h, key, { prompt_name: "kept-moving", ...chatTemplate("two @@@kept-style@@@"), release_labels: ["prod"] });
    expect(userText((await fetch("kept-moving", body)).body)).toBe("two Be brief.");
    const labels = await h.call("GET", "/prompt-templates/kept-moving/labels", { key });
    const prod = (labels.body.release_labels as { release_label: string; release_label_id: number }[]).find((label) => label.release_label === "prod")!;
    expect((await h.call("PATCH", `/prompt-labels/${prod.release_label_id}`, { key, body: { prompt_version_number: 1 } })).status).toBe(200);
    expect(userText((await fetch("kept-moving", body)).body)).toBe("one Be brief.");
    await publish(h, key, { prompt_name: "kept-style", prompt_template: { type: "completion", content: [{ type: "text", text: "Be kind." }] }, metadata: chatTemplate("x").metadata });
    expect(userText((await fetch("kept-moving", body)).body)).toBe("one Be kind.");
  });

  it("keeps workspaces apart: the same name and body in another workspace answers its own version", async () => {
    await publish(h, key, { prompt_name: "kept-shared-name", ...chatTemplate("ours"), release_labels: ["prod"] });
    await publish(h, h.b.adminKey, { prompt_name: "kept-shared-name", ...chatTemplate("theirs"), release_labels: ["prod"] });
    expect(userText((await fetch("kept-shared-name", { label: "prod" })).body)).toBe("ours");
    const theirs = await fetch("kept-shared-name", { label: "prod" }, h.b.adminKey);
    expect(userText(theirs.body)).toBe("theirs");
    expect(theirs.body.workspace_id).toBe(h.b.id);
  });
});

describe("POST /log-request", () => {
  it("answers 201 with the stored row and its prompt_version blueprint; timestamps in ms, s or ISO", async () => {
    const io = {
      input: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] },
      output: { type: "chat", messages: [{ role: "assistant", content: [{ type: "text", text: "Hello!" }] }] },
    };
    const starts: [unknown, unknown, number][] = [
      [1_744_624_827_000, 1_744_624_827_250, 250],
      [1_744_624_827, 1_744_624_828, 1000],
      ["2025-04-14T10:00:27Z", "2025-04-14T10:00:27.040Z", 40],
    ];
    for (const [start, end, latency] of starts) {
      const result = await h.call("POST", "/log-request", {
        key,
        body: {
          provider: "openai",
          model: "gpt-4o-mini",
          ...io,
          request_start_time: start,
          request_end_time: end,
          tags: ["log"],
          metadata: { source: "batch" },
          prompt_name: "poem",
          prompt_version_number: 1,
          input_tokens: 3,
          output_tokens: 2,
          score: 80,
        },
      });
      expect(result.status).toBe(201);
      expect(result.body).toMatchObject({ id: expect.any(Number), status: "SUCCESS", error_type: null, error_message: null, latency_ms: latency });
      const messages = result.body.prompt_version.prompt_template.messages as { role: string }[];
      expect(messages.map((message) => message.role)).toEqual(["user", "assistant"]);
      const stored = await h.call("GET", `/api/v1/requests/${result.body.id}`, { key });
      expect(stored.body).toMatchObject({ prompt_name: "poem", prompt_version: 1, tags: ["log"], usage: { input_tokens: 3, output_tokens: 2 }, scores: { default: 80 } });
    }
  });

  // What PromptLayer's Python SDK 1.5.14 sends for log_request(provider, model, input, output, times, input_tokens, output_tokens).
  const pythonDefaults = {
    parameters: {},
    tags: [],
    metadata: {},
    prompt_name: null,
    prompt_version_number: null,
    prompt_input_variables: {},
    price: 0.0,
    function_name: "",
    score: 0,
    prompt_id: null,
    score_name: null,
    api_type: null,
    status: "SUCCESS",
    error_type: null,
    error_message: null,
  };
  const io = {
    input: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] },
    output: { type: "chat", messages: [{ role: "assistant", content: [{ type: "text", text: "Hello!" }] }] },
    request_start_time: 1_744_624_827.25,
    request_end_time: 1_744_624_828.5,
  };

  it("takes Python's defaults as not given: price 0 → cost from the tokens, score 0 → no score, function_name \"\" → none", async () => {
    const result = await h.call("POST", "/log-request", {
      key,
      body: { ...pythonDefaults, provider: "openai", model: "gpt-4o-mini", ...io, input_tokens: 1000, output_tokens: 1000 },
    });
    expect(result.status).toBe(201);
    const stored = (await h.call("GET", `/api/v1/requests/${result.body.id}`, { key })).body;
    expect(stored.cost_usd).toBeGreaterThan(0);
    expect(stored.scores).toEqual({});
    expect(stored.function_name).toBeNull();
    expect(stored.latency_ms).toBe(1250);
  });

  it("keeps a price and a score the caller gave, and a 0 score that is named", async () => {
    const given = await h.call("POST", "/log-request", {
      key,
      body: { ...pythonDefaults, provider: "openai", model: "gpt-4o-mini", ...io, input_tokens: 1000, output_tokens: 1000, price: 0.25, score: 70 },
    });
    const stored = (await h.call("GET", `/api/v1/requests/${given.body.id}`, { key })).body;
    expect(stored.cost_usd).toBe(0.25);
    expect(stored.scores).toEqual({ default: 70 });

    const named = await h.call("POST", "/log-request", {
      key,
      body: { ...pythonDefaults, provider: "openai", model: "gpt-4o-mini", ...io, score: 0, score_name: "accuracy" },
    });
    expect((await h.call("GET", `/api/v1/requests/${named.body.id}`, { key })).body.scores).toEqual({ accuracy: 0 });
  });

  it("stores no cost for price 0 on a model without a known price", async () => {
    const result = await h.call("POST", "/log-request", {
      key,
      body: { ...pythonDefaults, provider: "openai", model: "my-finetune-without-price", ...io, input_tokens: 1000, output_tokens: 1000 },
    });
    expect((await h.call("GET", `/api/v1/requests/${result.body.id}`, { key })).body.cost_usd).toBeNull();
  });
});

describe("track and group helpers", () => {
  async function tracked(): Promise<number> {
    const result = await h.call("POST", "/track-request", {
      key,
      auth: "body",
      body: { function_name: "openai.chat.completions.create", kwargs: { model: "gpt-4o", messages: [] }, request_response: chatCompletion("x") },
    });
    return result.body.request_id as number;
  }

  // The SDK's routes take the key in the body; their documented /rest twins take the header.
  const routes = [
    { library: "/library-track-metadata", rest: "/rest/track-metadata", body: { metadata: { k: "v" } } },
    { library: "/library-track-score", rest: "/rest/track-score", body: { score: 90, name: "accuracy" } },
    { library: "/library-track-prompt", rest: "/rest/track-prompt", body: { prompt_name: "poem", prompt_input_variables: { topic: "x" }, version: 1 } },
    { library: "/track-group", rest: "/rest/track-group", body: { group_id: 0 } },
  ];

  it.each(routes)("$library (body api_key) and $rest (header) answer 200 {success:true} and change the request", async ({ library, rest, body }) => {
    for (const [path, auth] of [
      [library, "body"],
      [rest, "header"],
    ] as const) {
      const requestId = await tracked();
      const payload: Record<string, unknown> = { ...body, request_id: requestId };
      if ("group_id" in body) payload.group_id = (await h.call("POST", "/create-group", { key, auth: "body" })).body.id;
      const result = await h.call("POST", path, { key, auth, body: payload });
      expect(result.status, path).toBe(200);
      expect(result.body).toMatchObject({ success: true });
      const stored = (await h.call("GET", `/api/v1/requests/${requestId}`, { key })).body;
      if (path.includes("metadata")) expect(stored.metadata).toEqual({ k: "v" });
      if (path.includes("score")) expect(stored.scores).toEqual({ accuracy: 90 });
      if (path.includes("prompt")) expect(stored).toMatchObject({ prompt_name: "poem", prompt_version: 1, input_variables: { topic: "x" } });
      if (path.includes("group")) expect(stored.group_id).toBe(payload.group_id);
    }
  });

  it.each(routes)("$library answers 404 for an unknown request id", async ({ library, body }) => {
    const payload: Record<string, unknown> = { ...body, request_id: 987_654 };
    if ("group_id" in body) payload.group_id = (await h.call("POST", "/create-group", { key, auth: "body" })).body.id;
    const result = await h.call("POST", library, { key, auth: "body", body: payload });
    expect(result.status).toBe(404);
    expect(result.body.message).toContain("987654");
  });

  it("POST /create-group answers 200 {success:true, id:int} with the key in the body", async () => {
    const result = await h.call("POST", "/create-group", { key, auth: "body" });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ success: true, id: expect.any(Number) });
  });

  it("refuses a score outside 0–100 with 400 and stores nothing", async () => {
    const requestId = await tracked();
    const result = await h.call("POST", "/library-track-score", { key, auth: "body", body: { request_id: requestId, score: 101 } });
    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/score/);
    expect((await h.call("GET", `/api/v1/requests/${requestId}`, { key })).body.scores).toEqual({});
  });
});
