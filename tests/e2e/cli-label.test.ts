/**
 * `promptline label set | rollback | history` (issue 17) as a user runs
 * them: the built CLI as a subprocess against a real server.
 */
import { startServer, type RunningServer } from "@promptline/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { baseEnv, buildCli, runCli } from "./cli-harness.js";

vi.setConfig({ testTimeout: 90_000 });

const apiKey = "pl_cli_label_test_key_0123456789ab";
let server: RunningServer;
let env: Record<string, string>;

async function api<T>(method: string, path: string, body?: unknown, key = apiKey): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { "x-api-key": key, "content-type": "application/json" },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

async function publish(name: string, text: string): Promise<void> {
  await api("POST", "/api/v1/prompts", {
    prompt_name: name,
    prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text }] }] },
    metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } },
  });
}

const labelsOf = async (name: string) => (await api<{ items: Record<string, unknown>[] }>("GET", `/api/v1/prompts/${name}/labels`)).items;

beforeAll(async () => {
  await buildCli();
  server = await startServer({ database: "sqlite::memory:", port: 0, apiKey });
  env = baseEnv({ PROMPTLINE_BASE_URL: server.url, PROMPTLINE_API_KEY: apiKey });
  for (const text of ["one", "two", "three"]) await publish("welcome", `Hello ${text}`);
}, 180_000);

afterAll(async () => {
  await server?.close();
});

describe("promptline label", () => {
  it("set points a label at a version, then splits it with a sticky key; history shows every move; rollback undoes the last one", async () => {
    const set = await runCli(["label", "set", "welcome", "staging", "2"], { env });
    expect(set.stderr).toBe("");
    expect(set.code).toBe(0);
    expect(set.stdout).toContain("staging of welcome: version 2 (new label).");

    const moved = await runCli(["label", "set", "welcome", "staging", "3"], { env });
    expect(moved.stdout).toContain("staging of welcome: version 3 (was version 2).");

    const split = await runCli(["label", "set", "welcome", "staging", "--split", "2:90,3:10", "--sticky-by", "user"], { env });
    expect(split.code).toBe(0);
    expect(split.stdout).toContain("staging of welcome: split v2 90% · v3 10%, sticky by user (was version 3).");
    expect((await labelsOf("welcome")).find((label) => label.name === "staging")).toMatchObject({
      split: [
        { version: 2, weight: 90 },
        { version: 3, weight: 10 },
      ],
      sticky_by: "user",
    });

    const history = await runCli(["label", "history", "welcome", "--label", "staging"], { env });
    expect(history.code).toBe(0);
    const lines = history.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^WHEN\s+LABEL\s+FROM\s+TO\s+BY$/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/).slice(1))).toEqual([
      ["staging", "(created)", "version 2", "key 1"],
      ["staging", "version 2", "version 3", "key 1"],
      ["staging", "version 3", "split v2 90% · v3 10%, sticky by user", "key 1"],
    ]);

    const rolled = await runCli(["label", "rollback", "welcome", "staging"], { env });
    expect(rolled.code).toBe(0);
    expect(rolled.stdout).toContain("staging of welcome rolled back: version 3 (was split v2 90% · v3 10%, sticky by user).");
    expect((await labelsOf("welcome")).find((label) => label.name === "staging")).toMatchObject({ version: 3 });

    const json = await runCli(["label", "history", "welcome", "--json"], { env });
    expect((JSON.parse(json.stdout) as unknown[]).length).toBe(4);
  });

  it.each([
    [["label", "set", "nope", "prod", "1"], 3, /prompt.*nope/i],
    [["label", "set", "welcome", "prod", "9"], 3, /version 9/],
    [["label", "set", "welcome", "prod", "--split", "1:90,9:10"], 2, /split\.1\.version.*no version 9/],
    [["label", "set", "welcome", "prod", "--split", "1:90"], 2, /at least two versions/],
    [["label", "set", "welcome", "prod", "--split", "1:x,2:10"], 2, /version:weight/],
    [["label", "set", "welcome", "prod", "1", "--split", "1:90,2:10"], 2, /not both/],
    [["label", "set", "welcome", "prod"], 2, /Which version/],
    [["label", "set", "welcome", "prod", "1", "--sticky-by", "user"], 2, /--sticky-by goes with --split/],
    [["label", "rollback", "welcome", "never"], 3, /no label "never"/],
    [["label", "rollback", "nope", "prod"], 3, /prompt.*nope/i],
    [["label", "history", "nope"], 3, /prompt.*nope/i],
  ])("%j exits %i with a clear message", async (args, code, message) => {
    const result = await runCli(args, { env });
    expect(result.code, result.stderr).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
  });

  it("a protected label moved with an editor key: the server's 403 label_protected message, exit 1, nothing moved", async () => {
    await runCli(["label", "set", "welcome", "prod", "1"], { env });
    await runCli(["label", "set", "welcome", "prod", "3"], { env });
    const editor = await api<{ key: string }>("POST", "/api/v1/keys", { name: "editor", role: "editor" });
    const before = await labelsOf("welcome");
    const refused = await runCli(["label", "set", "welcome", "prod", "2"], { env: { ...env, PROMPTLINE_API_KEY: editor.key } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/protected/);
    expect(refused.stderr).toMatch(/deployer/);
    expect(refused.stderr).not.toContain("refused the API key");
    const rollback = await runCli(["label", "rollback", "welcome", "prod"], { env: { ...env, PROMPTLINE_API_KEY: editor.key } });
    expect(rollback.code).toBe(1);
    expect(rollback.stderr).toMatch(/protected/);
    expect(await labelsOf("welcome")).toEqual(before);
  });
});
