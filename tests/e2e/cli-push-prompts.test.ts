/**
 * Issue 19, as a user runs the built CLI (a subprocess) against a real server:
 * `push` moves a file's release_labels only with --move-labels and says what
 * it skipped, --dry-run names every label move, `prompts` lists prompts, and
 * publishing a prompt that can never run is refused with the server's reason.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { knownProviders } from "@promptline/core";
import { startServer, type RunningServer } from "@promptline/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { baseEnv, buildCli, runCli } from "./cli-harness.js";

vi.setConfig({ testTimeout: 90_000 });

const apiKey = "pl_cli_push_prompts_key_0123456789";
let server: RunningServer;
let env: Record<string, string>;
let dir: string;

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

const promptFile = (name: string, text: string, extra = "") =>
  [
    `prompt_name: ${name}`,
    "prompt_template:",
    "  type: chat",
    "  messages:",
    "    - role: user",
    "      content:",
    "        - type: text",
    `          text: '${text}'`,
    "metadata:",
    "  model: { provider: openai, name: gpt-4o-mini, parameters: {} }",
    extra,
  ].join("\n");

const labelVersion = async (name: string, label: string) =>
  (await api<{ items: { name: string; version?: number }[] }>("GET", `/api/v1/prompts/${name}/labels`)).items.find((item) => item.name === label)?.version;
const latestVersion = async (name: string) => (await api<{ items: { version: number }[] }>("GET", `/api/v1/prompts/${name}/versions`)).items.length;

beforeAll(async () => {
  await buildCli();
  server = await startServer({ database: "sqlite::memory:", port: 0, apiKey });
  env = baseEnv({ PROMPTLINE_BASE_URL: server.url, PROMPTLINE_API_KEY: apiKey });
  dir = await mkdtemp(join(tmpdir(), "promptline-cli-push-"));
}, 180_000);

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("promptline push and release labels", () => {
  it("pull → edit → push does not move prod; --dry-run says what would move; --move-labels moves it", async () => {
    const first = join(dir, "welcome.yaml");
    await writeFile(first, promptFile("welcome", "Hello one", "release_labels: [prod]\n"));
    const created = await runCli(["push", first, "--move-labels"], { env });
    expect(created.stderr).toBe("");
    expect(created.stdout).toContain("created prod of welcome at v1");
    expect(await labelVersion("welcome", "prod")).toBe(1);

    // v2 published elsewhere, prod stays on v1; the user pulls the newest version: the file says release_labels: [prod].
    await api("POST", "/api/v1/prompts", { prompt_name: "welcome", prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hello two" }] }] }, metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } } });
    await api("PUT", "/api/v1/prompts/welcome/labels/prod", { version: 2 });
    await api("POST", "/api/v1/prompts", { prompt_name: "welcome", prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hello three" }] }] }, metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } } });
    await api("PUT", "/api/v1/prompts/welcome/labels/prod", { version: 1 });
    const out = join(dir, "pulled");
    expect((await runCli(["pull", "welcome", "--label", "prod", "--out", out], { env })).code).toBe(0);
    const pulled = join(out, "welcome.yaml");
    expect(await readFile(pulled, "utf8")).toContain("release_labels:");
    await writeFile(pulled, (await readFile(pulled, "utf8")).replace("Hello one", "Hello four"));

    const dry = await runCli(["push", pulled, "--dry-run"], { env });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("would publish v4 of welcome");
    expect(dry.stdout).toContain("would not move prod of welcome from v1 to v4");
    const dryMove = await runCli(["push", pulled, "--dry-run", "--move-labels"], { env });
    expect(dryMove.stdout).toContain("would move prod of welcome from v1 to v4");
    expect(await latestVersion("welcome")).toBe(3);

    const plain = await runCli(["push", pulled], { env });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/published\s+welcome version 4/);
    expect(plain.stdout).toContain("did not move prod of welcome from v1 to v4");
    expect(plain.stdout).toContain("1 label move(s) skipped: add --move-labels");
    expect(await labelVersion("welcome", "prod")).toBe(1);

    const again = await runCli(["push", pulled, "--dry-run"], { env });
    expect(again.stdout).toContain("= version 4; would publish nothing");
    expect(again.stdout).toContain("would not move prod of welcome from v1 to v4");

    const moved = await runCli(["push", pulled, "--move-labels"], { env });
    expect(moved.stdout).toMatch(/unchanged\s+welcome version 4/);
    expect(moved.stdout).toContain("moved prod of welcome from v1 to v4");
    expect(await labelVersion("welcome", "prod")).toBe(4);
    expect(await latestVersion("welcome")).toBe(4);

    const help = await runCli(["push", "--help"], { env });
    expect(help.stdout).toContain("--move-labels");
  });

  it("refuses a prompt file that could never run with exit 2 and the server's reason; nothing is published", async () => {
    const file = join(dir, "typo.yaml");
    await writeFile(file, promptFile("typo", "Hi").replace("provider: openai", "provider: openia"));
    const result = await runCli(["push", file], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`"openia" is not a provider Promptline can call: use one of ${knownProviders.join(", ")}`);
    expect((await fetch(`${server.url}/api/v1/prompts/typo`, { headers: { "x-api-key": apiKey } })).status).toBe(404);
  });
});

describe("promptline prompts", () => {
  it("lists every prompt with its newest version, labels and a UTC time; --json gives one object per line", async () => {
    const file = join(dir, "listed.yaml");
    await writeFile(file, promptFile("listed-b", "B", "release_labels: [staging]\ntags: [team]\n"));
    expect((await runCli(["push", file, "--move-labels"], { env })).code).toBe(0);
    await writeFile(file, promptFile("listed-b", "B2"));
    expect((await runCli(["push", file], { env })).code).toBe(0);
    await writeFile(file, promptFile("listed-a", "A"));
    expect((await runCli(["push", file], { env })).code).toBe(0);

    const table = await runCli(["prompts", "--search", "listed"], { env });
    expect(table.stderr).toBe("");
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+LATEST\s+LABELS\s+UPDATED\s+TAGS$/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/))).toEqual([
      ["listed-a", "v1", "–", expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/), "–"],
      ["listed-b", "v2", "staging→v1", expect.stringMatching(/ UTC$/), "team"],
    ]);

    const json = await runCli(["prompts", "--json", "--label", "staging"], { env });
    expect(json.code).toBe(0);
    const rows = json.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows).toEqual([{ name: "listed-b", latest_version: 2, labels: [{ name: "staging", version: 1 }], updated_at: expect.stringMatching(/Z$/), tags: ["team"] }]);

    const help = await runCli(["prompts", "--help"], { env });
    expect(help.stdout).toContain("Examples:");
  });
});
