import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { startServer } from "../start-server.js";
import { chatTemplate, createRouteHarness, publish, type RouteHarness } from "../routes/route-harness.contract.js";
import type { Storage } from "../storage/index.js";
import { defaultKeyThrottle, KeyThrottle } from "./key-throttle.js";

/**
 * Issue 13, reproduction 8: wrong keys were answered ~8,000 times a second.
 * Now an address that presents 20 wrong keys in a burst gets 429s for keys
 * that never worked from it, without a lookup; valid keys are never locked out.
 */

let h: RouteHarness;
let clock = 1_000_000;
let lookups = 0;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  h = await createRouteHarness();
  await publish(h, h.a.adminKey, { prompt_name: "poem", ...chatTemplate("Write about {topic}") });
  // Counts the key lookups that reach the storage.
  const counted = new Proxy(h.storage, {
    get(target, property, receiver) {
      if (property === "apiKeys") {
        return {
          ...target.apiKeys,
          findByPlaintext: (plaintext: string) => {
            lookups++;
            return target.apiKeys.findByPlaintext(plaintext);
          },
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  }) as Storage;
  app = createApp({ storage: counted, logError: () => undefined, keyThrottle: { now: () => clock } });
});
afterAll(() => h.close());

/** A request as if from `address` (the socket's peer, as @hono/node-server passes it). */
async function from(address: string, path: string, init: { key?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json", ...init.headers, ...(init.key && { "x-api-key": init.key }) };
  const response = await app.request(
    path,
    { method: init.method ?? "GET", headers, ...(init.body !== undefined && { body: JSON.stringify(init.body) }) },
    { incoming: { socket: { remoteAddress: address } } },
  );
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: (await response.json()) as { message: string; error: { code: string } } };
}

const wrong = (n: number) => `pl_wrong_key_${String(n).padStart(20, "0")}`;

describe("failed key attempts are throttled per address", () => {
  it("after 20 wrong keys an address gets 429 with retry-after, and the key is not even looked up", async () => {
    for (let n = 0; n < defaultKeyThrottle.maxFailures; n++) expect((await from("10.0.0.1", "/api/v1/prompts", { key: wrong(n) })).status).toBe(401);
    const before = lookups;
    const held = await from("10.0.0.1", "/api/v1/prompts", { key: wrong(99) });
    expect(held.status).toBe(429);
    expect(held.body.error.code).toBe("too_many_attempts");
    expect(Number(held.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(lookups).toBe(before);
    // PromptLayer's body-key routes and the dashboard's sign-in count alike.
    expect((await from("10.0.0.1", "/track-request", { method: "POST", body: { api_key: wrong(98), function_name: "x" } })).status).toBe(429);
    expect((await from("10.0.0.1", "/api/session", { method: "POST", body: { api_key: wrong(97) }, headers: { "x-promptline-csrf": "1" } })).status).toBe(429);
  });

  it("never locks out a valid key from another address", async () => {
    expect((await from("10.0.0.2", "/api/v1/prompts", { key: h.a.adminKey })).status).toBe(200);
    expect((await from("10.0.0.2", "/api/v1/prompts", { key: wrong(1) })).status).toBe(401);
  });

  it("from the held-back address, a key that worked from it before still works; a new one waits its turn", async () => {
    for (let n = 0; n < defaultKeyThrottle.maxFailures; n++) await from("10.0.0.3", "/api/v1/prompts", { key: n === 0 ? h.a.adminKey : wrong(n) });
    await from("10.0.0.3", "/api/v1/prompts", { key: wrong(50) });
    await from("10.0.0.3", "/api/v1/prompts", { key: wrong(51) });
    expect((await from("10.0.0.3", "/api/v1/prompts", { key: wrong(52) })).status).toBe(429);
    expect((await from("10.0.0.3", "/api/v1/prompts", { key: h.a.adminKey })).status).toBe(200);
    expect((await from("10.0.0.3", "/track-request", { method: "POST", body: { api_key: h.a.adminKey, function_name: "x" } })).status).toBe(200);
    // A key never used from here is held back like a guess, until one attempt has refilled (60 s / 20 = 3 s).
    expect((await from("10.0.0.3", "/api/v1/prompts", { key: h.a.userKey })).status).toBe(429);
    clock += 3000;
    expect((await from("10.0.0.3", "/api/v1/prompts", { key: h.a.userKey })).status).toBe(200);
    expect((await from("10.0.0.3", "/api/v1/prompts", { key: h.a.userKey })).status).toBe(200);
  });

  it("lets the address guess again after the window, one attempt per 3 s", async () => {
    clock += 60_000;
    expect((await from("10.0.0.1", "/api/v1/prompts", { key: wrong(200) })).status).toBe(401);
  });

  it("session cookies are never held back (they are signed, not guessable)", async () => {
    const signIn = await app.request(
      "/api/session",
      { method: "POST", headers: { "content-type": "application/json", "x-promptline-csrf": "1" }, body: JSON.stringify({ api_key: h.a.adminKey }) },
      { incoming: { socket: { remoteAddress: "10.0.0.4" } } },
    );
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;
    for (let n = 0; n < defaultKeyThrottle.maxFailures + 5; n++) await from("10.0.0.4", "/api/v1/prompts", { key: wrong(n) });
    expect((await from("10.0.0.4", "/api/v1/prompts", { headers: { cookie } })).status).toBe(200);
  });
});

describe("over a socket", () => {
  it("counts the socket's peer address: the 21st wrong key from 127.0.0.1 is a 429, the admin key in use from there still works", async () => {
    const apiKey = "pl_key_throttle_socket_test_000000000";
    const server = await startServer({ database: "sqlite::memory:", port: 0, apiKey, logError: () => undefined });
    try {
      expect((await fetch(`${server.url}/api/v1/prompts`, { headers: { "x-api-key": apiKey } })).status).toBe(200);
      const statuses: number[] = [];
      for (let n = 0; n <= defaultKeyThrottle.maxFailures; n++) statuses.push((await fetch(`${server.url}/api/v1/prompts`, { headers: { "x-api-key": wrong(n) } })).status);
      expect(statuses.slice(0, -1).every((status) => status === 401)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
      expect((await fetch(`${server.url}/api/v1/prompts`, { headers: { "x-api-key": apiKey } })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe("KeyThrottle", () => {
  it("remembers a bounded number of addresses and of keys per address", () => {
    const throttle = new KeyThrottle({ maxAddresses: 100, maxKnownKeysPerAddress: 2, maxFailures: 1, now: () => 0 });
    for (let n = 0; n < 1000; n++) throttle.failed(`192.0.2.${n}`);
    expect(throttle.size).toBe(100);
    throttle.succeeded("a", "k1");
    throttle.succeeded("a", "k2");
    throttle.succeeded("a", "k3");
    throttle.failed("a");
    expect(() => throttle.admit("a", "k1")).toThrow(/Too many wrong API keys/);
    expect(() => throttle.admit("a", "k3")).not.toThrow();
  });
});
