import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { logRecordSchema } from "@promptline/core";
import { afterAll, describe, expect, it, vi } from "vitest";
import { minOperatorKeyLength, minSessionSecretLength, startServer } from "./start-server.js";
import { createStorage } from "./storage/index.js";

const folder = mkdtempSync(join(tmpdir(), "promptline-start-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("startServer", () => {
  it("refuses a PROMPTLINE_API_KEY shorter than 24 characters, naming the variable, before it opens (or creates) the database", async () => {
    const database = join(folder, "short-key.db");
    const short = "pl_" + "k".repeat(minOperatorKeyLength - 4);
    await expect(startServer({ database: `sqlite:${database}`, port: 0, apiKey: short })).rejects.toThrow(/PROMPTLINE_API_KEY is too short: 23 characters, at least 24/);
    expect(existsSync(database)).toBe(false);
    const server = await startServer({ database: `sqlite:${database}`, port: 0, apiKey: short + "k" });
    await server.close();
  });

  it("creates the SQLite file and its -wal and -shm files readable by their owner only (0600)", async () => {
    const database = join(folder, "private.db");
    const server = await startServer({ database: `sqlite:${database}`, port: 0, apiKey: "pl_private_file_key_0123456789" });
    try {
      for (const file of [database, `${database}-wal`, `${database}-shm`]) {
        expect(existsSync(file), file).toBe(true);
        expect((statSync(file).mode & 0o777).toString(8), file).toBe("600");
      }
    } finally {
      await server.close();
    }
  });

  it("leaves the permissions of an existing file alone", async () => {
    const database = join(folder, "existing.db");
    writeFileSync(database, "", { mode: 0o640 });
    const server = await startServer({ database: `sqlite:${database}`, port: 0, apiKey: "pl_existing_file_key_0123456789" });
    await server.close();
    expect((statSync(database).mode & 0o777).toString(8)).toBe("640");
  });

  it("with retentionDays, sweeps expired records in the background and keeps the rest (issue 20)", async () => {
    const database = `sqlite:${join(folder, "retention.db")}`;
    const seeder = await createStorage(database, { now: () => new Date(Date.now() - 45 * 86_400_000) });
    const { id: workspaceId } = await seeder.workspaces.ensureDefault();
    const record = (id: string) => logRecordSchema.parse({ request_id: id, status: "SUCCESS", provider: "openai", model: "m", tags: ["t"] });
    await seeder.requests.insertMany(workspaceId, Array.from({ length: 12 }, (_, index) => record(`old-${index}`)));
    await seeder.close();
    await expect(startServer({ database, port: 0, retentionDays: 0 })).rejects.toThrow(/retentionDays must be a whole number of days from 1 to 36500/);

    const server = await startServer({ database, port: 0, apiKey: "pl_retention_start_key_0123456789", retentionDays: 30, retentionSweep: { startDelayMs: 0, batchSize: 5 } });
    try {
      await server.storage.requests.insertMany(workspaceId, [record("fresh")]);
      await vi.waitFor(() => expect(server.retention?.progress()).toEqual({ requests: 12, spans: 0, sweeping: false }), { timeout: 30_000 });
      const left = await server.storage.requests.query(workspaceId, { limit: 100 });
      expect(left.items.map((item) => item.request_id)).toEqual(["fresh"]);
    } finally {
      await server.close();
    }
    const never = await startServer({ database, port: 0, retentionSweep: false });
    expect(never.retention).toBeUndefined();
    await never.close();
  });

  describe("dashboard sign-ins", () => {
    const apiKey = "pl_session_secret_key_0123456789";
    const signIn = async (url: string) => {
      const response = await fetch(`${url}/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-promptline-csrf": "1" },
        body: JSON.stringify({ api_key: apiKey }),
      });
      expect(response.status).toBe(200);
      return response.headers.get("set-cookie")!.split(";")[0]!;
    };
    const signedIn = async (url: string, cookie: string) => (await fetch(`${url}/api/session`, { headers: { cookie } })).status === 200;

    it("survive a restart and are shared by every instance on the database, without a configured secret", async () => {
      const database = `sqlite:${join(folder, "sessions.db")}`;
      const first = await startServer({ database, port: 0, apiKey });
      const cookie = await signIn(first.url);
      const second = await startServer({ database, port: 0, apiKey });
      try {
        expect(await signedIn(second.url, cookie)).toBe(true);
      } finally {
        await second.close();
        await first.close();
      }
      const restarted = await startServer({ database, port: 0, apiKey });
      try {
        expect(await signedIn(restarted.url, cookie)).toBe(true);
        expect(await signedIn(restarted.url, `${cookie.split(".")[0]}.forged`)).toBe(false);
      } finally {
        await restarted.close();
      }
    });

    it("are signed with the operator's secret when one is given, and a short one is refused before the database opens", async () => {
      const database = join(folder, "operator-secret.db");
      const short = "s".repeat(minSessionSecretLength - 1);
      await expect(startServer({ database: `sqlite:${database}`, port: 0, apiKey, sessionSecret: short })).rejects.toThrow(
        /PROMPTLINE_SESSION_SECRET is too short: 31 characters, at least 32/,
      );
      expect(existsSync(database)).toBe(false);
      const secret = "operator-chosen-session-secret-0123456789";
      const one = await startServer({ database: `sqlite:${database}`, port: 0, apiKey, sessionSecret: secret });
      const cookie = await signIn(one.url);
      await one.close();
      const stored = await startServer({ database: `sqlite:${database}`, port: 0, apiKey });
      const same = await startServer({ database: `sqlite:${database}`, port: 0, apiKey, sessionSecret: secret });
      try {
        // The operator's secret is not the one the database keeps: a server without it refuses the cookie.
        expect(await signedIn(stored.url, cookie)).toBe(false);
        expect(await signedIn(same.url, cookie)).toBe(true);
      } finally {
        await same.close();
        await stored.close();
      }
    });
  });
});
