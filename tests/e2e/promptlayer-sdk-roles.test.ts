import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import { PromptLayer } from "promptlayer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Key roles through the official `promptlayer` package, unchanged, against a
// real server: a `runner` key (what an application runs with) fetches
// templates, runs prompts through the official OpenAI SDK and tracks them,
// and gets an error from `templates.publish`; an `editor` key publishes but
// can't publish onto the protected `prod` label. Nothing a refused call sent
// is stored.

const adminKey = "pl_e2e_roles_admin_key_0123456789";
const providerEnvNames = ["OPENAI_API_KEY", "OPENAI_BASE_URL", "PROMPTLAYER_API_KEY", "PROMPTLAYER_BASE_URL"];

type PublishBody = Parameters<PromptLayer["templates"]["publish"]>[0];
type RunParams = Parameters<PromptLayer["run"]>[0];

const template: PublishBody["prompt_template"] = {
  type: "chat",
  input_variables: ["topic"],
  messages: [{ role: "user", content: [{ type: "text", text: "Write about {topic}" }] }],
};
const metadata: PublishBody["metadata"] = {
  model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 1 }, api_type: "chat-completions" },
};

let fakes: FakeProviders;
let server: RunningServer;
let directory: string;
const savedEnv = new Map<string, string | undefined>();
let runner: PromptLayer;
let editor: PromptLayer;

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { "x-api-key": adminKey, ...(body !== undefined && { "content-type": "application/json" }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  expect(response.ok, `${method} ${path}: ${response.status}`).toBe(true);
  return (await response.json()) as T;
}

const versionsOf = async (name: string) => (await api<{ items: { version: number }[] }>("GET", `/api/v1/prompts/${name}/versions`)).items.map((item) => item.version);
const labelsOf = async (name: string) =>
  (await api<{ items: { name: string; prompt_version_number: number }[] }>("GET", `/api/v1/prompts/${name}/labels`)).items.map((label) => `${label.name}@${label.prompt_version_number}`);

beforeAll(async () => {
  fakes = await startFakeProviders();
  directory = mkdtempSync(join(tmpdir(), "promptline-pl-roles-"));
  server = await startServer({ database: `sqlite:${join(directory, "promptline.db")}`, port: 0, apiKey: adminKey, logError: () => undefined });
  for (const name of providerEnvNames) savedEnv.set(name, process.env[name]);
  process.env.OPENAI_API_KEY = fakes.env.OPENAI_API_KEY;
  process.env.OPENAI_BASE_URL = fakes.env.OPENAI_BASE_URL;
  delete process.env.PROMPTLAYER_API_KEY;
  delete process.env.PROMPTLAYER_BASE_URL;

  const admin = new PromptLayer({ apiKey: adminKey, baseURL: server.url });
  await admin.templates.publish({ prompt_name: "essay", prompt_template: template, metadata, release_labels: ["prod"] });
  const runnerKey = await api<{ key: string; role: string }>("POST", "/api/v1/keys", { name: "app", role: "runner" });
  const editorKey = await api<{ key: string; role: string }>("POST", "/api/v1/keys", { name: "prompt-engineer", role: "editor" });
  expect([runnerKey.role, editorKey.role]).toEqual(["runner", "editor"]);
  runner = new PromptLayer({ apiKey: runnerKey.key, baseURL: server.url });
  editor = new PromptLayer({ apiKey: editorKey.key, baseURL: server.url });
});

afterAll(async () => {
  for (const [name, value] of savedEnv) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await server?.close();
  await fakes?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe("the official promptlayer SDK with a runner key", () => {
  it("fetches and lists templates", async () => {
    const fetched = await runner.templates.get("essay", { label: "prod", input_variables: { topic: "owls" } });
    expect(fetched).toMatchObject({ prompt_name: "essay", version: 1 });
    expect(JSON.stringify(fetched?.llm_kwargs)).toContain("Write about owls");
    expect((await runner.templates.all()).map((item) => item.prompt_name)).toEqual(["essay"]);
  });

  it("runs a prompt and tracks it (metadata, score, group)", async () => {
    fakes.queue("openai", { text: "Owls see at night.", usage: { input_tokens: 9, output_tokens: 5 } });
    const group = (await runner.group.create()) as number;
    const result = (await runner.run({ promptName: "essay", promptReleaseLabel: "prod", inputVariables: { topic: "owls" }, tags: ["app"], groupId: group, stream: false } as RunParams)) as {
      request_id: number;
    };
    expect(result.request_id).toEqual(expect.any(Number));
    expect(await runner.track.metadata({ request_id: result.request_id, metadata: { user: "u1" } })).toBe(true);
    expect(await runner.track.score({ request_id: result.request_id, score: 90 })).toBe(true);
    const row = await api<Record<string, unknown>>("GET", `/api/v1/requests/${result.request_id}`);
    expect(row).toMatchObject({ prompt_name: "essay", prompt_version: 1, tags: ["app"], metadata: { user: "u1" }, group_id: group, status: "SUCCESS", scores: { default: 90 } });
  });

  it("gets an error from templates.publish naming the role needed, and nothing is published", async () => {
    await expect(runner.templates.publish({ prompt_name: "essay", prompt_template: template, metadata })).rejects.toThrow(/needs the editor role/);
    await expect(runner.templates.publish({ prompt_name: "sneaky", prompt_template: template, metadata, release_labels: ["prod"] })).rejects.toThrow(/editor/);
    expect(await versionsOf("essay")).toEqual([1]);
    expect((await runner.templates.all()).map((item) => item.prompt_name)).toEqual(["essay"]);
  });
});

describe("the official promptlayer SDK with an editor key", () => {
  it("publishes versions and labels that are not protected, but not onto prod: that publish keeps nothing", async () => {
    const published = await editor.templates.publish({ prompt_name: "essay", prompt_template: template, metadata, commit_message: "by the editor", release_labels: ["staging"] });
    expect(published).toMatchObject({ version_number: 2, release_labels: ["staging"] });
    await expect(editor.templates.publish({ prompt_name: "essay", prompt_template: template, metadata, release_labels: ["prod"] })).rejects.toThrow(/"prod" is protected/);
    expect(await versionsOf("essay")).toEqual([2, 1]);
    expect(await labelsOf("essay")).toEqual(["prod@1", "staging@2"]);
  });
});
