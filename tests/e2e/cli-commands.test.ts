import { mkdtemp, readFile, rm, writeFile, cp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parse as parseYaml } from "yaml";
import { baseEnv, buildCli, repoRoot, runCli, runCliIntoClosedPipe, startCli } from "./cli-harness.js";

// Each test starts the built CLI several times; on a loaded machine a Node start alone can take a second.
vi.setConfig({ testTimeout: 90_000 });

const apiKey = "pl_cli_test_key_0123456789abcdef";
let fakes: FakeProviders;
let server: RunningServer;
let dir: string;
let env: Record<string, string>;

const api = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
  const response = await fetch(`${server.url}${path}`, { ...init, headers: { "x-api-key": apiKey, "content-type": "application/json" } });
  return { status: response.status, body: (await response.json()) as T };
};
const versionsOf = async (name: string) => (await api<{ items: { version: number }[] }>(`/api/v1/prompts/${encodeURIComponent(name)}/versions`)).body.items.length;
/** What one fake received with this text in its body (tests run concurrently, so "the last request" may be another test's). */
const receivedWith = (provider: "openai" | "anthropic", text: string) => fakes.requestsFor(provider).filter((request) => JSON.stringify(request.body).includes(text));
const requestIdIn = (text: string) => /request ([0-9a-f-]{36})/.exec(text)?.[1];
const vars = ["--var", "product=Acme", "--var", "question=Where is my parcel?"];

beforeAll(async () => {
  await buildCli();
  fakes = await startFakeProviders();
  server = await startServer({ database: "sqlite::memory:", port: 0, apiKey });
  dir = await mkdtemp(join(tmpdir(), "promptline-cli-"));
  env = baseEnv({ PROMPTLINE_BASE_URL: server.url, PROMPTLINE_API_KEY: apiKey, ...fakes.env });
  const pushed = await runCli(["push", "examples/prompts", "--move-labels"], { env });
  expect(pushed.stderr).toBe("");
  expect(pushed.code).toBe(0);
}, 180_000);

afterAll(async () => {
  await server?.close();
  await fakes?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.concurrent("promptline push / pull", () => {
  it("publishes a folder once; pushing unchanged files creates no version", async () => {
    expect(await versionsOf("support-reply")).toBe(1);
    expect(await versionsOf("release-notes")).toBe(1);
    const again = await runCli(["push", "examples/prompts"], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/unchanged\s+support-reply version 1/);
    expect(again.stdout).toContain("0 published, 2 unchanged.");
    expect(await versionsOf("support-reply")).toBe(1);
  });

  it("--dry-run shows a diff and publishes nothing; a real push then creates the next version", async () => {
    const file = join(dir, "support-reply.yaml");
    const original = await readFile(join(repoRoot, "examples/prompts/support-reply.yaml"), "utf8");
    await writeFile(file, original.replace("temperature: 0.3", "temperature: 0.9").replace("prompt_name: support-reply", "prompt_name: support-copy"));
    await cp(join(repoRoot, "examples/prompts/support-reply.yaml"), join(dir, "base.yaml"));
    await writeFile(join(dir, "base.yaml"), original.replace("prompt_name: support-reply", "prompt_name: support-copy"));
    expect((await runCli(["push", join(dir, "base.yaml")], { env })).code).toBe(0);

    const dry = await runCli(["push", file, "--dry-run"], { env });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("support-copy");
    expect(dry.stdout).toContain("version 1 → 2");
    expect(dry.stdout).toMatch(/^\s*- +temperature: 0\.3$/m);
    expect(dry.stdout).toMatch(/^\s*\+ +temperature: 0\.9$/m);
    expect(dry.stdout).toContain("Nothing was published");
    expect(await versionsOf("support-copy")).toBe(1);

    const pushed = await runCli(["push", file], { env });
    expect(pushed.stdout).toMatch(/published\s+support-copy version 2/);
    expect(await versionsOf("support-copy")).toBe(2);
    const unchanged = await runCli(["push", file, "--dry-run"], { env });
    expect(unchanged.stdout).toMatch(/unchanged\s+support-copy/);
  });

  it("rejects an invalid prompt file with exit 2, naming every problem, and publishes nothing", async () => {
    const bad = join(dir, "bad.yaml");
    await writeFile(bad, "prompt_name: broken\nrelease_label: prod\nprompt_template:\n  type: chat\n  messages: nope\n");
    const result = await runCli(["push", bad], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown key "release_label"');
    expect(result.stderr).toContain("prompt_template.messages");
    expect((await api(`/api/v1/prompts/broken`)).status).toBe(404);
    const missing = await runCli(["push", join(dir, "no-such-folder")], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such file or folder");
  });

  it("pulls a prompt as a file that pushes back unchanged; a / in the name gives a safe file name", async () => {
    const out = join(dir, "pulled");
    const pulled = await runCli(["pull", "support-reply", "--out", out], { env });
    expect(pulled.code).toBe(0);
    const text = await readFile(join(out, "support-reply.yaml"), "utf8");
    const file = parseYaml(text) as Record<string, unknown>;
    expect(file).toMatchObject({ prompt_name: "support-reply", release_labels: ["prod"], metadata: { model: { provider: "openai", name: "gpt-4o-mini" } } });
    const back = await runCli(["push", out], { env });
    expect(back.stdout).toContain("0 published, 1 unchanged.");

    await api("/api/v1/prompts", { method: "POST", body: JSON.stringify({ prompt_name: "team/a b", prompt_template: { type: "completion", content: [{ type: "text", text: "hi" }] } }) });
    const slash = await runCli(["pull", "team/a b", "--out", out, "--json"], { env });
    expect(slash.code).toBe(0);
    expect(JSON.parse(await readFile(join(out, "team_a_b.json"), "utf8"))).toMatchObject({ prompt_name: "team/a b" });

    const both = await runCli(["pull", "support-reply", "--label", "prod", "--version", "1", "--out", out], { env });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--label prod and --version 1 each pick a version: pass one of them.");
    const unknown = await runCli(["pull", "no-such-prompt"], { env });
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('Prompt "no-such-prompt" not found');
  });
});

describe.concurrent("promptline run", () => {
  it("prints the answer, then the request id, tokens, cost and latency; the request is logged with tags and metadata", async () => {
    const result = await runCli(["run", "support-reply", ...vars, "--tag", "cli", "--metadata", "user=ada"], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Echo: Where is my parcel?\n");
    expect(result.stderr).toMatch(/request [0-9a-f-]{36} · openai\/gpt-4o-mini · \d+ in \/ \d+ out tokens · \$[\d.e-]+ · \d+ ms/);
    const id = requestIdIn(result.stderr)!;
    const logged = await api<Record<string, unknown>>(`/api/v1/requests/${id}`);
    expect(logged.status).toBe(200);
    expect(logged.body).toMatchObject({ prompt_name: "support-reply", tags: ["cli"], metadata: { user: "ada" }, status: "SUCCESS", input_variables: { product: "Acme" } });
  });

  it("--stream prints the answer as it streams", async () => {
    const result = await runCli(["run", "support-reply", "--var", "product=Acme", "--var", "question=Streamed?", "--stream"], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Echo: Streamed?\n");
    expect(receivedWith("openai", "Streamed?")).toMatchObject([{ body: { stream: true } }]);
    expect(requestIdIn(result.stderr)).toBeDefined();
  });

  it("--json prints the whole result; --provider/--model/--param override the template's model", async () => {
    const result = await runCli(["run", "support-reply", ...vars, "--provider", "anthropic", "--model", "claude-haiku-4-5", "--param", "temperature=0", "--json"], { env });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ provider: "anthropic", model: "claude-haiku-4-5", usage: { input_tokens: expect.any(Number) } });
    expect(json.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(json).toHaveProperty("raw_response");
    expect(json).toHaveProperty("prompt_blueprint");
    expect(receivedWith("anthropic", "Where is my parcel?")).toMatchObject([{ body: { model: "claude-haiku-4-5", temperature: 0 } }]);
  });

  it("--vars-file feeds structured variables (a jinja2 loop); --label and --version select the version", async () => {
    const varsFile = join(dir, "vars.json");
    await writeFile(varsFile, JSON.stringify({ product: "Acme", version: "2.0", changes: ["faster pushes", "dark mode"] }));
    const result = await runCli(["run", "release-notes", "--vars-file", varsFile], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("- faster pushes");
    expect(result.stdout).toContain("- dark mode");
    expect((await runCli(["run", "support-reply", ...vars, "--label", "prod"], { env })).code).toBe(0);
    const missing = await runCli(["run", "support-reply", ...vars, "--version", "9"], { env });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("version 9 not found");
  });

  it("--dataset runs once per row with the results file in row order; failed rows don't stop the batch", async () => {
    const dataset = join(dir, "rows.jsonl");
    await writeFile(
      dataset,
      [{ question: "one?" }, { question: "two?" }, "not json", { nothing: "here" }, { question: "five?" }].map((row) => (typeof row === "string" ? row : JSON.stringify(row))).join("\n") + "\n",
    );
    const result = await runCli(["run", "support-reply", "--var", "product=Acme", "--dataset", dataset, "--concurrency", "3", "--tag", "batch"], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("5 rows: 3 ok, 2 failed");
    expect(result.stdout).toContain('Missing input variable "question"');
    const lines = (await readFile(join(dir, "rows.results.jsonl"), "utf8")).trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.row)).toEqual([1, 2, 3, 4, 5]);
    expect(lines[0]).toMatchObject({ output: "Echo: one?", error: null, usage: { input_tokens: expect.any(Number) } });
    expect(lines[0]!.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines[2]).toMatchObject({ request_id: null, error: { code: "invalid_row" } });
    expect(lines[3]).toMatchObject({ error: { code: "missing_variables" } });
    expect(lines[4]).toMatchObject({ output: "Echo: five?" });
    const logged = await api<{ items: unknown[] }>("/api/v1/requests?tag=batch");
    expect(logged.body.items).toHaveLength(3);
  });
});

describe.concurrent("promptline run: bad input", () => {
  it("an unknown prompt exits 3 and says how to publish it", async () => {
    const result = await runCli(["run", "no-such-prompt"], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('Prompt "no-such-prompt" not found');
    expect(result.stderr).toContain("promptline push");
  });

  it("a --var not in key=value form exits 2 and names the form", async () => {
    const result = await runCli(["run", "support-reply", "--var", "foo"], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("key=value");
    expect(result.stderr).toContain('"foo"');
  });

  it("missing variables, --provider without --model and unknown flags exit 2", async () => {
    const missing = await runCli(["run", "support-reply", "--var", "product=Acme"], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--var question=");
    const provider = await runCli(["run", "support-reply", ...vars, "--provider", "anthropic"], { env });
    expect(provider.code).toBe(2);
    expect(provider.stderr).toContain("--model");
    const flag = await runCli(["run", "support-reply", "--bogus"], { env });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--bogus");
  });

  it("an unreachable server exits 1 and names PROMPTLINE_BASE_URL", async () => {
    const result = await runCli(["run", "support-reply", ...vars], { env: { ...env, PROMPTLINE_BASE_URL: "http://127.0.0.1:9" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("PROMPTLINE_BASE_URL");
    const logs = await runCli(["logs"], { env: { ...env, PROMPTLINE_BASE_URL: "http://127.0.0.1:9" } });
    expect(logs.code).toBe(1);
    expect(logs.stderr).toContain("PROMPTLINE_BASE_URL");
  });

  it("a missing key for a real provider exits 1 and names OPENAI_API_KEY", async () => {
    const { OPENAI_API_KEY: _removed, ...withoutKey } = env;
    const result = await runCli(["run", "support-reply", ...vars], { env: withoutKey });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("OPENAI_API_KEY");
  });

  it("no API key exits 2 and names PROMPTLINE_API_KEY; a wrong one exits 1", async () => {
    const { PROMPTLINE_API_KEY: _removed, ...withoutKey } = env;
    const none = await runCli(["logs"], { env: withoutKey });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("PROMPTLINE_API_KEY");
    const wrong = await runCli(["logs", "--api-key", "pl_wrong"], { env });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("refused the API key");
  });
});

describe.concurrent("promptline run: what a failure says", () => {
  it("--label with --version is a usage error, not a silently dropped --version", async () => {
    const before = receivedWith("openai", "label-and-version").length;
    const both = await runCli(["run", "support-reply", ...vars, "--var", "note=label-and-version", "--label", "prod", "--version", "1"], { env });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--label prod and --version 1 each pick a version: pass one of them.");
    expect(receivedWith("openai", "label-and-version")).toHaveLength(before);
  });

  it("a failed run prints the request id of the ERROR record it logged", async () => {
    // The provider answers 404 (a wrong base URL): not retried, logged as ERROR.
    const failed = await runCli(["run", "support-reply", ...vars], { env: { ...env, OPENAI_BASE_URL: `${env.OPENAI_BASE_URL}/no-such-path` } });
    expect(failed.code).toBe(1);
    const id = /request ([0-9a-f-]{36}) logged as ERROR/.exec(failed.stderr)?.[1];
    expect(id, failed.stderr).toBeDefined();
    const logged = await api<{ status: string; request_id: string }>(`/api/v1/requests/${id}`);
    expect(logged.status).toBe(200);
    expect(logged.body).toMatchObject({ request_id: id, status: "ERROR" });
  });
});

describe.concurrent("output into a pipe closed early (`| head -1`)", () => {
  it("--help stops quietly with exit 0 instead of crashing on EPIPE", async () => {
    const help = await runCliIntoClosedPipe(["--help"], { env });
    expect(help.stderr).toBe("");
    expect(help.code).toBe(0);
  });

  it("logs --json stops quietly with exit 0 instead of crashing on EPIPE", async () => {
    expect((await runCli(["run", "support-reply", ...vars, "--tag", "pipe-test"], { env })).code).toBe(0);
    const logs = await runCliIntoClosedPipe(["logs", "--tag", "pipe-test", "--json"], { env });
    expect(logs.stderr).toBe("");
    expect(logs.code).toBe(0);
  });
});

describe.concurrent("promptline logs", () => {
  it("prints the request log as a table, filtered by prompt, tag and time", async () => {
    const run = await runCli(["run", "support-reply", ...vars, "--tag", "logs-test"], { env });
    const id = requestIdIn(run.stderr)!;
    const result = await runCli(["logs", "--prompt", "support-reply", "--tag", "logs-test", "--since", "1h"], { env });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^TIME\s+PROMPT\s+STATUS\s+MODEL\s+TOKENS\s+COST\s+LATENCY\s+TAGS\s+REQUEST ID$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(id);
    // Times say their zone.
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC /);
    expect(lines[1]).toMatch(/support-reply v1\s+SUCCESS\s+openai\/gpt-4o-mini/);

    const json = await runCli(["logs", "--tag", "logs-test", "--json"], { env });
    expect(JSON.parse(json.stdout.trim())).toMatchObject({ request_id: id });
    const none = await runCli(["logs", "--tag", "no-such-tag"], { env });
    expect(none.stdout).toContain("No requests match.");
    const bad = await runCli(["logs", "--since", "yesterday"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--since takes a duration");
  });

  it("--follow prints new requests as they come, until Ctrl-C", async () => {
    const follow = startCli(["logs", "--tag", "follow-test", "--follow"], { env });
    await follow.waitFor(/^TIME/m);
    const run = await runCli(["run", "support-reply", ...vars, "--tag", "follow-test"], { env });
    const id = requestIdIn(run.stderr)!;
    await follow.waitFor(new RegExp(id));
    const result = await follow.stop("SIGINT");
    expect(result.code).toBe(0);
  });
});

describe.concurrent("promptline keys", () => {
  it("creates, lists and revokes keys; a revoked key is refused at once", async () => {
    const created = await runCli(["keys", "create", "--name", "ci"], { env });
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^pl_/);
    expect(created.stderr).toContain("shown only this once");
    expect((await runCli(["logs", "--api-key", key], { env })).code).toBe(0);

    const listed = await runCli(["keys", "list"], { env });
    const row = listed.stdout.split("\n").find((line) => /\bci\b/.test(line))!;
    expect(row).toContain("active");
    const id = row.trim().split(/\s+/)[0]!;

    const revoked = await runCli(["keys", "revoke", id], { env });
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked key ${id}`);
    expect((await runCli(["logs", "--api-key", key], { env })).code).toBe(1);
    const again = await runCli(["keys", "revoke", id], { env });
    expect(again.code).toBe(3);
    expect((await runCli(["keys", "revoke", "abc"], { env })).code).toBe(2);
  });
});

describe.concurrent("promptline keys --role", () => {
  it("creates a key with a role and lists roles; a runner key may read but not push, and is told which role it needs", async () => {
    const created = await runCli(["keys", "create", "app-runner", "--role", "runner"], { env });
    expect(created.code).toBe(0);
    expect(created.stderr).toContain('"app-runner" (runner) created');
    const runnerKey = created.stdout.trim();
    const listed = await runCli(["keys", "list"], { env });
    expect(listed.stdout).toMatch(/ROLE/);
    expect(listed.stdout.split("\n").find((line) => /\bapp-runner\b/.test(line))).toMatch(/\brunner\b/);
    expect(listed.stdout.split("\n").find((line) => /PROMPTLINE_API_KEY/.test(line))).toMatch(/\badmin\b/);

    expect((await runCli(["pull", "support-reply", "--out", join(dir, "pulled-by-runner.yaml"), "--api-key", runnerKey], { env })).code).toBe(0);
    const push = await runCli(["push", "examples/prompts/support-reply.yaml", "--api-key", runnerKey], { env });
    expect(push.code).toBe(1);
    expect(push.stderr).toContain("needs the editor role");
    expect(push.stderr).not.toContain("refused the API key");

    // Told in the CLI's terms: which key to use, not which HTTP request to send.
    const revoke = await runCli(["keys", "revoke", "1", "--api-key", runnerKey], { env });
    expect(revoke.code).toBe(1);
    expect(revoke.stderr).toContain("This command needs the admin role; this key is a runner key.");
    expect(revoke.stderr).toContain("--api-key or PROMPTLINE_API_KEY");
    expect(revoke.stderr).not.toMatch(/\b(GET|POST|DELETE) \/|\/api\/v1/);

    const json = await runCli(["keys", "create", "--name", "ops", "--admin", "--json"], { env });
    expect(JSON.parse(json.stdout)).toMatchObject({ name: "ops", role: "admin" });
    expect((await runCli(["keys", "create", "x", "--role", "owner"], { env })).code).toBe(2);
    expect((await runCli(["keys", "create", "x", "--role", "runner", "--admin"], { env })).code).toBe(2);
  });
});

describe.concurrent("--help", () => {
  it("every command's --help shows usage and examples; the top level and each command list the exit codes", async () => {
    const commands = [[], ["serve"], ["push"], ["pull"], ["run"], ["logs"], ["keys"], ["keys", "create"], ["keys", "list"], ["keys", "revoke"], ["fake-providers"], ["demo"]];
    const results = await Promise.all(commands.map((command) => runCli([...command, "--help"], { env })));
    results.forEach((result, index) => {
      const name = ["promptline", ...commands[index]!].join(" ");
      expect(result.code, name).toBe(0);
      expect(result.stdout, name).toMatch(/^Usage: promptline/);
      expect(result.stdout, name).toContain("Examples:");
      if (commands[index]!.length <= 1) expect(result.stdout, name).toContain("Exit codes:");
    });
    expect(results[4]!.stdout).toContain("3  not found");
  });

  it("no command prints the help and exits 2; --version prints the version", async () => {
    const [none, version] = await Promise.all([runCli([], { env }), runCli(["--version"], { env })]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Usage: promptline");
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
