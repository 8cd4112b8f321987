import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import { PromptArchivedError, Promptline, type PromptTemplate } from "promptline";
import { PromptLayer } from "promptlayer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseEnv, buildCli, runCli } from "./cli-harness.js";

// Archiving a prompt (issue 19): the CLI archives and restores it, the lists
// leave it out, our SDK and the official one refuse to run it with a clear
// error (a running client within seconds, through the live channel), and its
// history stays readable.

const apiKey = "pl_e2e_archive_admin_key_0123456789";
let fakes: FakeProviders;
let server: RunningServer;
let directory: string;
const clients: Promptline[] = [];

const template: PromptTemplate = { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Summarise {topic}" }] }] };
const metadata = { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } };

function client(): Promptline {
  const made = new Promptline({ apiKey, baseURL: server.url, env: fakes.env, flushOnExit: false, onError: () => {} });
  clients.push(made);
  return made;
}

const cli = (args: string[]) => runCli(args, { env: baseEnv({ PROMPTLINE_BASE_URL: server.url, PROMPTLINE_API_KEY: apiKey }) });

async function listed(archived: boolean): Promise<string[]> {
  const response = await fetch(`${server.url}/api/v1/prompts${archived ? "?archived=true" : ""}`, { headers: { "x-api-key": apiKey } });
  return ((await response.json()) as { items: { name: string }[] }).items.map((item) => item.name);
}

beforeAll(async () => {
  await buildCli();
  fakes = await startFakeProviders();
  directory = mkdtempSync(join(tmpdir(), "promptline-archive-"));
  server = await startServer({ database: `sqlite:${join(directory, "promptline.db")}`, port: 0, apiKey, logError: () => undefined });
  const publisher = client();
  for (const name of ["digest", "keeper"]) await publisher.templates.publish({ prompt_name: name, prompt_template: template, metadata, release_labels: ["staging"] });
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((made) => made.close({ timeoutMs: 2000 })));
  await server?.close();
  await fakes?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe("archiving a prompt", () => {
  it("stops every run of it — a running SDK client within seconds, a new one at once, the official SDK too — until it is unarchived", async () => {
    const warm = client();
    expect((await warm.run({ promptName: "digest", inputVariables: { topic: "owls" } })).text).toEqual(expect.any(String));

    const archived = await cli(["archive", "digest"]);
    expect(archived.code, archived.stderr).toBe(0);
    expect(archived.stdout).toMatch(/^Archived digest \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\): it can't run until `promptline unarchive digest`\./);

    // The warm client heard of it on its live channel: its cached copy is gone.
    await expect
      .poll(async () => (await warm.run({ promptName: "digest", inputVariables: { topic: "owls" } }).catch((error: unknown) => error)) instanceof PromptArchivedError, { timeout: 10_000 })
      .toBe(true);
    const cold = await client().run({ promptName: "digest", inputVariables: { topic: "owls" } }).catch((error: unknown) => error);
    expect(cold).toBeInstanceOf(PromptArchivedError);
    expect(cold).toMatchObject({ code: "prompt_archived", promptName: "digest" });
    expect((cold as Error).message).toContain('Prompt "digest" is archived');
    expect((cold as Error).message).toContain("`promptline unarchive digest`");

    // PromptLayer's template route answers 410 with the reason; the official SDK raises it.
    const gone = await fetch(`${server.url}/prompt-templates/digest`, { method: "POST", headers: { "x-api-key": apiKey, "content-type": "application/json" }, body: "{}" });
    expect(gone.status).toBe(410);
    expect(await gone.json()).toMatchObject({ success: false, error: { code: "prompt_archived", prompt_name: "digest" } });
    const official = new PromptLayer({ apiKey, baseURL: server.url });
    await expect(official.templates.get("digest", { label: "staging" })).rejects.toThrow(/archived/);

    // No new version either, but its history stays readable.
    await expect(warm.templates.publish({ prompt_name: "digest", prompt_template: template, metadata })).rejects.toThrow(/archived/);
    const history = await fetch(`${server.url}/api/v1/prompts/digest/template?label=staging`, { headers: { "x-api-key": apiKey } });
    expect(history.status).toBe(200);
    expect(((await history.json()) as { prompt: { archived_at: string } }).prompt.archived_at).toEqual(expect.any(String));

    const restored = await cli(["unarchive", "digest"]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout.trim()).toBe("digest is live again.");
    expect((await client().run({ promptName: "digest", inputVariables: { topic: "owls" } })).prompt_version).toBe(1);
  });

  it("leaves the lists (prompts, PromptLayer's templates.all) and shows in `promptline prompts --archived`", async () => {
    expect((await cli(["archive", "keeper"])).code).toBe(0);
    expect(await listed(false)).not.toContain("keeper");
    expect(await listed(true)).toEqual(["keeper"]);
    const official = new PromptLayer({ apiKey, baseURL: server.url });
    expect((await official.templates.all()).map((item) => item.prompt_name)).not.toContain("keeper");

    const live = await cli(["prompts", "--json"]);
    expect(live.stdout).not.toContain('"keeper"');
    const archived = await cli(["prompts", "--archived", "--json"]);
    expect(archived.code).toBe(0);
    expect(JSON.parse(archived.stdout.trim())).toMatchObject({ name: "keeper", archived_at: expect.any(String) });
    expect((await cli(["unarchive", "keeper"])).code).toBe(0);
    expect(await listed(false)).toContain("keeper");
  });

  it("an unknown prompt is a not-found error with exit 3, and a runner key may not archive", async () => {
    const missing = await cli(["archive", "no-such-prompt"]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('Prompt "no-such-prompt" not found');
    const runner = (await (
      await fetch(`${server.url}/api/v1/keys`, { method: "POST", headers: { "x-api-key": apiKey, "content-type": "application/json" }, body: JSON.stringify({ name: "app", role: "runner" }) })
    ).json()) as { key: string };
    const refused = await runCli(["archive", "keeper"], { env: baseEnv({ PROMPTLINE_BASE_URL: server.url, PROMPTLINE_API_KEY: runner.key }) });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/editor/);
    expect(await listed(false)).toContain("keeper");
  });
});
