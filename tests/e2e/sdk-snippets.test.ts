import { PromptNotFoundError } from "promptline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKey, startHarness, type Harness } from "./sdk-harness.js";

// Snippets (`@@@name@@@`: another prompt's text) in run(): expanded exactly as
// PromptLayer's `POST /prompt-templates/{name}` expands them (same versions
// and labels, nested, same error for a missing one), because the registry
// expands them for the SDK with the same function (decision 0009). The log
// record says which snippet versions were used.

let harness: Harness;

async function publish(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${harness.server.url}/api/v1/prompts`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(201);
}

async function templateRoute(name: string, variables: Record<string, unknown>) {
  const response = await fetch(`${harness.server.url}/prompt-templates/${encodeURIComponent(name)}`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    body: JSON.stringify({ input_variables: variables }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const chatModel = { model: { provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions", parameters: { temperature: 0 } } };
const completionModel = { model: { provider: "openai", name: "gpt-3.5-turbo-instruct", parameters: {} } };
const text = (value: string) => [{ type: "text", text: value }];

const cases = [
  {
    name: "chat f-string",
    prompt: "snip-chat-f",
    template: {
      type: "chat",
      messages: [
        { role: "system", content: text("@@@tone@@@ Style: {style}.") },
        { role: "user", content: text("Greet {name}. @@@sig@@@ @@@tone@version_number:2@@@") },
      ],
    },
    metadata: chatModel,
  },
  {
    name: "chat jinja2",
    prompt: "snip-chat-j",
    template: {
      type: "chat",
      messages: [
        { role: "system", template_format: "jinja2", content: text("@@@tone@@@ Style: {{ style }}.") },
        { role: "user", template_format: "jinja2", content: text("Greet {{ name | upper }}. @@@sig@@@ @@@tone@version_number:2@@@") },
      ],
    },
    metadata: chatModel,
  },
  {
    name: "completion f-string",
    prompt: "snip-completion-f",
    template: { type: "completion", content: text("@@@tone@@@ Write to {name} in a {style} way. @@@sig@@@") },
    metadata: completionModel,
  },
  {
    name: "completion jinja2",
    prompt: "snip-completion-j",
    template: { type: "completion", template_format: "jinja2", content: text("@@@tone@@@ Write to {{ name }} in a {{ style }} way. @@@sig@@@") },
    metadata: completionModel,
  },
];

const variables = { name: "Ada", style: "plain" };

beforeAll(async () => {
  harness = await startHarness({ onWarning: () => undefined });
  // tone: v1 (prod) "Be terse.", v2 "Be kind."; latest is v2. sig nests tone@prod.
  await publish({ prompt_name: "tone", prompt_template: { type: "completion", content: text("Be terse.") }, release_labels: ["prod"] });
  await publish({ prompt_name: "tone", prompt_template: { type: "completion", content: text("Be kind.") } });
  await publish({ prompt_name: "sig", prompt_template: { type: "completion", content: text("-- @@@tone@label:prod@@@") } });
  for (const each of cases) await publish({ prompt_name: each.prompt, prompt_template: each.template, metadata: each.metadata });
});

afterAll(async () => {
  await harness?.close();
});

describe("snippets in run()", () => {
  it.each(cases)("$name: run() sends byte for byte what POST /prompt-templates/{name} renders", async ({ prompt }) => {
    const result = await harness.client.run({ promptName: prompt, inputVariables: variables });
    const sent = harness.fakes.lastRequest("openai")?.body as Record<string, unknown>;
    const route = await templateRoute(prompt, variables);
    expect(route.status).toBe(200);
    const kwargs = route.body.llm_kwargs as Record<string, unknown>;
    const field = "messages" in kwargs ? "messages" : "prompt";
    expect(JSON.stringify(sent[field])).toBe(JSON.stringify(kwargs[field]));
    // Latest tone (v2) where no version is named, tone v1 through sig's label, tone v2 by number.
    expect(JSON.stringify(sent[field])).toContain("Be kind.");
    expect(JSON.stringify(sent[field])).toContain("-- Be terse.");
    expect(JSON.stringify(sent[field])).not.toContain("@@@");

    await harness.client.flush();
    const record = await harness.record(result.request_id);
    const used = record.snippets as { name: string; version: number }[];
    expect([...used].sort((a, b) => `${a.name}${a.version}`.localeCompare(`${b.name}${b.version}`))).toEqual([
      { name: "sig", version: 1 },
      { name: "tone", version: 1 },
      { name: "tone", version: 2 },
    ]);
  });

  it("the rendered chat template is the same on both paths", async () => {
    const result = await harness.client.run({ promptName: "snip-chat-f", inputVariables: variables });
    const route = await templateRoute("snip-chat-f", variables);
    const input = result.prompt_blueprint.prompt_template.type === "chat" ? result.prompt_blueprint.prompt_template.messages.slice(0, -1) : [];
    expect(input.map((message) => message.content)).toEqual(route.body.prompt_template.messages.map((message: { content: unknown }) => message.content));
    expect(route.body.prompt_template.messages[0].content[0].text).toBe("Be kind. Style: plain.");
    expect(route.body.prompt_template.messages[1].content[0].text).toBe("Greet Ada. -- Be terse. Be kind.");
  });

  it("GET /api/v1/prompts/{name}/template keeps the references unless the SDK asks for them expanded (promptline pull)", async () => {
    const get = async (query: string) => {
      const response = await fetch(`${harness.server.url}/api/v1/prompts/snip-chat-f/template${query}`, { headers: { "x-api-key": apiKey } });
      return (await response.json()) as { version: { prompt_template: { messages: { content: { text: string }[] }[] }; snippets?: unknown } };
    };
    const stored = await get("");
    expect(stored.version.prompt_template.messages[0]?.content[0]?.text).toBe("@@@tone@@@ Style: {style}.");
    expect(stored.version.snippets).toBeUndefined();
    const expanded = await get("?expand_snippets=true");
    expect(expanded.version.prompt_template.messages[0]?.content[0]?.text).toBe("Be kind. Style: {style}.");
    expect(expanded.version.snippets).toHaveLength(3);
  });

  it("a missing snippet is the same PromptNotFoundError on both paths, and nothing is sent", async () => {
    await publish({ prompt_name: "snip-missing", prompt_template: { type: "chat", messages: [{ role: "user", content: text("Hi @@@nope@label:prod@@@") }] }, metadata: chatModel });
    const before = harness.fakes.requestsFor("openai").length;
    const route = await templateRoute("snip-missing", {});
    expect(route.status).toBe(404);
    const error = await harness.client.run({ promptName: "snip-missing" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PromptNotFoundError);
    expect((error as PromptNotFoundError).promptName).toBe("nope");
    expect((error as PromptNotFoundError).label).toBe("prod");
    expect((error as Error).message).toBe(route.body.error.message);
    expect(harness.fakes.requestsFor("openai").length).toBe(before);
  });

  it("a snippet change reaches the SDK's cache like any registry change", async () => {
    const client = harness.makeClient({ cacheTtlSeconds: 0, onWarning: () => undefined });
    await client.run({ promptName: "snip-completion-f", inputVariables: variables });
    await publish({ prompt_name: "tone", prompt_template: { type: "completion", content: text("Be brief and kind.") } });
    // cacheTtlSeconds 0: served from the cache while refreshed; the refresh expands with the new tone.
    await client.run({ promptName: "snip-completion-f", inputVariables: variables });
    await expect
      .poll(async () => {
        await client.run({ promptName: "snip-completion-f", inputVariables: variables });
        return JSON.stringify((harness.fakes.lastRequest("openai")?.body as { prompt: unknown }).prompt);
      })
      .toContain("Be brief and kind.");
  });
});
