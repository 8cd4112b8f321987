import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, api } from "./api.js";

/** The dashboard reads the server's answers through the wire contract (decision 0015). */

const answering = (body: unknown, status = 200) =>
  vi.stubGlobal("fetch", async () => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } }));

afterEach(() => vi.unstubAllGlobals());

const key = { id: 1, name: "ci", prefix: "pl_ab", role: "admin", admin: true, created_at: "2026-12-05T10:00:00.000Z", revoked_at: null };

describe("the dashboard's api", () => {
  it("passes unknown fields through", async () => {
    answering({ items: [{ ...key, from_a_newer_server: true }] });
    expect((await api.keys()).items[0]).toEqual({ ...key, from_a_newer_server: true });
  });

  it("a malformed answer is an ApiError naming the route and the field", async () => {
    answering({ items: [{ ...key, revoked_at: 5 }] });
    const error = await api.keys().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toMatch(/GET \/api\/v1\/keys.*items\[0\]\.revoked_at/);
    expect((error as ApiError).issues[0]).toMatch(/^items\[0\]\.revoked_at: /);
  });
});
