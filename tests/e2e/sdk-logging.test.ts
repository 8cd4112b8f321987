import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm, rmdir, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import { Promptline, type PromptlineOptions } from "promptline";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startRegistrySwitch, type RegistrySwitch } from "./registry-switch.js";

const apiKey = "pl_test_key_sdk_logging_1234567890";
const root = fileURLToPath(new URL("../..", import.meta.url));

let fakes: FakeProviders;
let server: Awaited<ReturnType<typeof startServer>>;
let registry: RegistrySwitch;
const clients: Promptline[] = [];

function client(options: PromptlineOptions = {}): Promptline {
  const made = new Promptline({
    apiKey,
    baseURL: registry.url,
    env: fakes.env,
    flushOnExit: false,
    onError: () => {},
    // Short retries so "registry back up" is noticed quickly even without flush().
    logging: { retryBaseDelayMs: 20, maxRetryDelayMs: 200 },
    ...options,
  });
  clients.push(made);
  return made;
}

interface StoredRequest {
  request_id: string;
  metadata: Record<string, string>;
  tags: string[];
  group_id: number | null;
}

/** Every stored request with this tag, through the public API (all pages). */
async function storedWithTag(tag: string): Promise<StoredRequest[]> {
  const items: StoredRequest[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ tag, limit: "500", ...(cursor && { cursor }) });
    const response = await fetch(`${server.url}/api/v1/requests?${query}`, { headers: { "x-api-key": apiKey } });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: StoredRequest[]; next_cursor: string | null };
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

async function stored(requestId: string): Promise<StoredRequest & { status: number }> {
  const response = await fetch(`${server.url}/api/v1/requests/${requestId}`, { headers: { "x-api-key": apiKey } });
  return { ...((await response.json()) as StoredRequest), status: response.status };
}

beforeAll(async () => {
  fakes = await startFakeProviders();
  server = await startServer({ database: "sqlite::memory:", port: 0, apiKey });
  registry = await startRegistrySwitch(server.url);
  const publisher = new Promptline({ apiKey, baseURL: server.url, flushOnExit: false });
  await publisher.templates.publish({
    prompt_name: "echo",
    prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Say {what}" }] }] },
    metadata: { model: { provider: "openai", name: "gpt-4o-mini" } },
  });
  await publisher.close();
});

afterEach(async () => {
  registry.mode = "up";
  await Promise.all(clients.splice(0).map((made) => made.close({ timeoutMs: 5000 })));
});

afterAll(async () => {
  await registry?.close();
  await server?.close();
  await fakes?.close();
});

describe("the SDK's log shipper, end to end", () => {
  it("delivers every record exactly once after the registry was down for 1,000 runs", { timeout: 120_000 }, async () => {
    const sdk = client();
    await sdk.run({ promptName: "echo", inputVariables: { what: "warm-up" } }); // template cached
    await sdk.flush();
    registry.recordsForwarded.length = 0;
    registry.mode = "down";

    const ids: string[] = [];
    for (let round = 0; round < 20; round++) {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => sdk.run({ promptName: "echo", inputVariables: { what: `${round}-${i}` }, tags: ["outage-1000"] })),
      );
      ids.push(...results.map((result) => result.request_id));
    }
    expect(new Set(ids).size).toBe(1000);
    // Nothing got through, and the shipper kept trying.
    expect(registry.recordsForwarded).toEqual([]);
    expect(sdk.stats()).toMatchObject({ delivered: 1, dropped: 0 });
    expect(sdk.stats().queued).toBeGreaterThanOrEqual(1000);

    registry.mode = "up";
    expect(await sdk.flush()).toEqual({ pending: 0, dropped: 0 });

    const rows = await storedWithTag("outage-1000");
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((row) => row.request_id))).toEqual(new Set(ids));
    // Sent once each: no record was shipped twice.
    expect(registry.recordsForwarded).toHaveLength(1000);
    expect(new Set(registry.recordsForwarded).size).toBe(1000);
  });

  it("delivers track.* calls on a queued request after its record", async () => {
    const sdk = client();
    await sdk.run({ promptName: "echo", inputVariables: { what: "warm-up" } });
    registry.mode = "down";
    const { request_id } = await sdk.run({ promptName: "echo", inputVariables: { what: "tracked" } });
    const tracked = [sdk.track.metadata({ request_id, metadata: { customer: "acme" } }), sdk.track.score({ request_id, score: 87 })];
    registry.mode = "up";
    const groupId = await sdk.group.create();
    tracked.push(sdk.track.group({ request_id, group_id: groupId })); // groups are made through the registry: once it's up
    expect(await sdk.flush()).toEqual({ pending: 0, dropped: 0 });
    expect(await Promise.all(tracked)).toEqual([true, true, true]);
    const row = await stored(request_id);
    expect(row.status).toBe(200);
    expect(row.metadata).toEqual({ customer: "acme" });
    expect(row.group_id).toBe(groupId);
  });

  it("drops the oldest records when the queue is full, and says how many in stats()", async () => {
    const sdk = client({ logging: { maxQueueSize: 5, batchSize: 2, retryBaseDelayMs: 20, maxRetryDelayMs: 100 } });
    await sdk.run({ promptName: "echo", inputVariables: { what: "warm-up" } });
    await sdk.flush();
    registry.mode = "down";
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await sdk.run({ promptName: "echo", inputVariables: { what: `${i}` }, tags: ["overflow"] })).request_id);
    await expect.poll(() => sdk.stats().queued).toBeLessThanOrEqual(5);
    const { dropped } = sdk.stats();
    expect(dropped).toBeGreaterThanOrEqual(7);
    registry.mode = "up";
    expect(await sdk.flush()).toEqual({ pending: 0, dropped });
    const rows = await storedWithTag("overflow");
    expect(rows).toHaveLength(12 - dropped);
    // The newest survived.
    expect(new Set(rows.map((row) => row.request_id))).toEqual(new Set(ids.slice(dropped)));
  });

  it("reports a failing registry through onError, never through run()", async () => {
    const errors: unknown[] = [];
    const sdk = client({ onError: (error) => errors.push(error) });
    await sdk.run({ promptName: "echo", inputVariables: { what: "warm-up" } });
    await sdk.flush();
    registry.mode = "down";
    await expect(sdk.run({ promptName: "echo", inputVariables: { what: "x" } })).resolves.toMatchObject({ request_id: expect.any(String) });
    expect(await sdk.flush({ timeoutMs: 300 })).toMatchObject({ pending: 1 });
    expect(errors.length).toBeGreaterThan(0);
  });

  it("with logging.spoolDir, close() keeps what the registry could not take, and the next client ships it (issue 19)", async () => {
    const spoolDir = join(tmpdir(), `promptline-sdk-spool-${process.pid}-${Date.now()}`);
    const first = client({ logging: { retryBaseDelayMs: 20, maxRetryDelayMs: 200, spoolDir } });
    await first.run({ promptName: "echo", inputVariables: { what: "warm-up" } });
    await first.flush();
    registry.mode = "down";
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await first.run({ promptName: "echo", inputVariables: { what: `spool-${i}` }, tags: ["spooled"] })).request_id);
    expect(await first.close({ timeoutMs: 300 })).toMatchObject({ pending: 5, spooled: 5 });
    expect(await storedWithTag("spooled")).toHaveLength(0);

    registry.mode = "up";
    const next = client({ logging: { spoolDir } });
    expect(await next.flush({ timeoutMs: 5000 })).toMatchObject({ pending: 0 });
    const rows = await storedWithTag("spooled");
    expect(new Set(rows.map((row) => row.request_id))).toEqual(new Set(ids));
    await rm(spoolDir, { recursive: true, force: true });
  });

  describe("in a child process", () => {
    const dist = `${root}packages/sdk/dist/index.js`;

    beforeAll(async () => {
      // The child runs plain Node on the built SDK. Builds of other test files take turns with ours through the CLI tests' lock folder.
      const lock = join(tmpdir(), "promptline-cli-build.lock");
      for (;;) {
        try {
          await mkdir(lock);
          break;
        } catch {
          const info = await stat(lock).catch(() => undefined);
          if (info && Date.now() - info.mtimeMs > 180_000) await rmdir(lock).catch(() => {});
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      try {
        await promisify(execFile)(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-b", "packages/sdk"], { cwd: root });
      } finally {
        await rmdir(lock).catch(() => {});
      }
      expect(existsSync(dist)).toBe(true);
    }, 180_000);

    /** Runs a script in a child Node process; resolves with its exit code and output. */
    function child(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
      return new Promise((resolve, reject) => {
        const proc = spawn(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, ...env }, cwd: root });
        let stdout = "";
        let stderr = "";
        proc.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        proc.on("error", reject);
        proc.on("exit", (code) => resolve({ code, stdout, stderr }));
      });
    }

    it("flushes a pending queue when the process exits without flush()", { timeout: 60_000 }, async () => {
      const script = `
        import { Promptline } from ${JSON.stringify(dist)};
        const client = new Promptline({ logging: { flushIntervalMs: 600000 } });
        const ids = [];
        for (let i = 0; i < 3; i++) ids.push((await client.run({ promptName: "echo", inputVariables: { what: "child " + i }, tags: ["child-exit"] })).request_id);
        console.log(JSON.stringify(ids));
      `;
      const { code, stdout, stderr } = await child(script, { ...fakes.env, PROMPTLINE_API_KEY: apiKey, PROMPTLINE_BASE_URL: server.url });
      expect(stderr).toBe("");
      expect(code).toBe(0);
      const ids = JSON.parse(stdout) as string[];
      expect(ids).toHaveLength(3);
      const rows = await storedWithTag("child-exit");
      expect(rows.map((row) => row.request_id).sort()).toEqual([...ids].sort());
    });

    it("lets the process exit after close(), with nothing left to keep it alive", { timeout: 60_000 }, async () => {
      const script = `
        import { Promptline } from ${JSON.stringify(dist)};
        const client = new Promptline();
        await client.run({ promptName: "echo", inputVariables: { what: "closing" }, tags: ["child-close"] });
        console.log(JSON.stringify(await client.close()));
        console.log(JSON.stringify(process.getActiveResourcesInfo().filter((kind) => kind === "Timeout")));
      `;
      const { code, stdout, stderr } = await child(script, { ...fakes.env, PROMPTLINE_API_KEY: apiKey, PROMPTLINE_BASE_URL: server.url });
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(stdout.trim().split("\n")).toEqual([JSON.stringify({ pending: 0, dropped: 0 }), "[]"]);
      expect(await storedWithTag("child-close")).toHaveLength(1);
    });
  });
});
