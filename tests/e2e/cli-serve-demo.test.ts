import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { baseEnv, buildCli, runCli, startCli } from "./cli-harness.js";

vi.setConfig({ testTimeout: 90_000 });

let dir: string;

beforeAll(async () => {
  await buildCli();
  dir = await mkdtemp(join(tmpdir(), "promptline-cli-serve-"));
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.concurrent("promptline serve", () => {
  it("prints where it listens, the database and, on a first start only, the admin key; stops cleanly on SIGTERM", async () => {
    const database = `sqlite:${join(dir, "serve.db")}`;
    const first = startCli(["serve", "--port", "0", "--database", database], { env: baseEnv() });
    const [, url] = await first.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const [, key] = await first.waitFor(/Admin API key.*: (pl_\S+)/);
    expect(first.stdout).toContain(`Database:  ${database}`);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const keys = await runCli(["keys", "list"], { env: baseEnv({ PROMPTLINE_BASE_URL: url, PROMPTLINE_API_KEY: key }) });
    expect(keys.code).toBe(0);
    expect(keys.stdout).toContain("first admin key");
    expect((await first.stop("SIGTERM")).code).toBe(0);

    const second = startCli(["serve", "--port", "0", "--database", database], { env: baseEnv() });
    await second.waitFor(/Ctrl-C/);
    expect(second.stdout).not.toContain("Admin API key");
    expect((await second.stop("SIGINT")).code).toBe(0);
  });

  it("with PROMPTLINE_API_KEY set, that key is the admin key and nothing is printed as created", async () => {
    const seeded = "pl_seeded_admin_key_0123456789";
    const server = startCli(["serve", "--port", "0", "--database", `sqlite:${join(dir, "seeded.db")}`], { env: baseEnv({ PROMPTLINE_API_KEY: seeded }) });
    const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    await server.waitFor(/Ctrl-C/);
    expect(server.stdout).not.toContain("Admin API key");
    const created = await runCli(["keys", "create", "--name", "from-seed"], { env: baseEnv({ PROMPTLINE_BASE_URL: url, PROMPTLINE_API_KEY: seeded }) });
    expect(created.code).toBe(0);
    expect((await server.stop()).code).toBe(0);
  });

  it("a PROMPTLINE_API_KEY shorter than 24 characters exits 2 naming the key, not the database (issue 15, item 7)", async () => {
    const database = join(dir, "short-key.db");
    const result = await runCli(["serve", "--port", "0", "--database", `sqlite:${database}`], { env: baseEnv({ PROMPTLINE_API_KEY: "pl_short" }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("PROMPTLINE_API_KEY is too short: 8 characters, at least 24");
    expect(result.stderr).not.toMatch(/database/i);
  });

  it("--retention-days N is the server's default retention, shown at start and by the API; a workspace's own setting wins (issue 20)", async () => {
    const server = startCli(["serve", "--port", "0", "--database", `sqlite:${join(dir, "retention.db")}`, "--retention-days", "30"], {
      env: baseEnv({ PROMPTLINE_API_KEY: "pl_retention_admin_key_0123456789" }),
    });
    const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    await server.waitFor(/Ctrl-C/);
    expect(server.stdout).toContain("Retention: 30 days");
    const headers = { "x-api-key": "pl_retention_admin_key_0123456789", "content-type": "application/json" };
    expect(await (await fetch(`${url}/api/v1/workspace/retention`, { headers })).json()).toEqual({ days: 30, source: "server", workspace_days: null, server_days: 30 });
    const put = await fetch(`${url}/api/v1/workspace/retention`, { method: "PUT", headers, body: JSON.stringify({ days: 7 }) });
    expect(await put.json()).toEqual({ days: 7, source: "workspace", workspace_days: 7, server_days: 30 });
    expect((await server.stop()).code).toBe(0);

    const fromEnv = startCli(["serve", "--port", "0", "--database", "sqlite::memory:"], { env: baseEnv({ PROMPTLINE_RETENTION_DAYS: "90" }) });
    await fromEnv.waitFor(/Ctrl-C/);
    expect(fromEnv.stdout).toContain("Retention: 90 days");
    expect((await fromEnv.stop()).code).toBe(0);
  });

  it("a retention that is not 1 to 36,500 whole days exits 2, naming the flag or the variable", async () => {
    const flag = await runCli(["serve", "--port", "0", "--database", "sqlite::memory:", "--retention-days", "0"], { env: baseEnv() });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--retention-days takes a whole number from 1 to 36500");
    const env = await runCli(["serve", "--port", "0", "--database", "sqlite::memory:"], { env: baseEnv({ PROMPTLINE_RETENTION_DAYS: "a month" }) });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('PROMPTLINE_RETENTION_DAYS must be a whole number of days from 1 to 36500, got "a month"');
  });

  it("a PROMPTLINE_SESSION_SECRET shorter than 32 characters exits 2 naming the variable (issue 19)", async () => {
    const database = join(dir, "short-secret.db");
    const result = await runCli(["serve", "--port", "0", "--database", `sqlite:${database}`], { env: baseEnv({ PROMPTLINE_SESSION_SECRET: "too-short" }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("PROMPTLINE_SESSION_SECRET is too short: 9 characters, at least 32");
    expect(existsSync(database)).toBe(false);
  });

  it("a port in use exits 1 and says to pick another with --port", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runCli(["serve", "--port", String(port), "--database", "sqlite::memory:"], { env: baseEnv() });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Port ${port} is already in use`);
      expect(result.stderr).toContain("--port");
    } finally {
      blocker.close();
    }
  });
});

describe.concurrent("promptline demo", () => {
  it("--no-wait: publishes, runs plain, streamed and on Anthropic, shows the log and the dashboard URL, offline with no keys", async () => {
    const result = await runCli(["demo", "--no-wait", "--port", "0"], { env: baseEnv() });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain("Publish examples/prompts/support-reply.yaml");
    expect(out.match(/^Echo: How do I roll back a prompt to the previous version\?$/gm)).toHaveLength(3);
    expect(out).toMatch(/request [0-9a-f-]{36} · openai\/gpt-4o-mini/);
    expect(out).toMatch(/request [0-9a-f-]{36} · anthropic\/claude-haiku-4-5/);
    const table = out.slice(out.indexOf("TIME"));
    expect(table.match(/support-reply v1\s+SUCCESS/g)).toHaveLength(3);
    expect(out).toMatch(/^Dashboard: http:\/\/127\.0\.0\.1:\d+\/$/m);
  });

  it("keeps the server running until Ctrl-C, then exits 0", async () => {
    const demo = startCli(["demo", "--port", "0"], { env: baseEnv() });
    const [, url] = await demo.waitFor(/^Dashboard: (http:\/\/127\.0\.0\.1:\d+)\/$/m);
    await demo.waitFor(/press Ctrl-C to stop/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const result = await demo.stop("SIGINT");
    expect(result.code).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

describe("promptline fake-providers", () => {
  it("prints the fakes' URLs and environment, answers like OpenAI, and stops on Ctrl-C", async () => {
    const fakes = startCli(["fake-providers", "--port", "0"], { env: baseEnv() });
    const [, base] = await fakes.waitFor(/^export OPENAI_BASE_URL=(\S+)$/m);
    await fakes.waitFor(/Ctrl\+C/);
    const response = await fetch(`${base}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk-test", "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "ping" }] }),
    });
    expect(response.status).toBe(200);
    expect(JSON.stringify(await response.json())).toContain("Echo: ping");
    expect((await fakes.stop("SIGINT")).code).toBe(0);
  });
});
