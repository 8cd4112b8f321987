import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRouteHarness, logRecord, type RouteHarness } from "./route-harness.contract.js";

/** Issue 13, reproduction 9: integer request ids were global, so each workspace saw the others' volume. */

let h: RouteHarness;
beforeAll(async () => {
  h = await createRouteHarness();
});
afterAll(() => h.close());

describe("request numbers", () => {
  it("count per workspace: another workspace's 500 requests don't show in this one's ids, on any route that answers one", async () => {
    const records = Array.from({ length: 500 }, (_, index) => logRecord(`busy-${index}`));
    expect((await h.call("POST", "/api/v1/requests:batch", { key: h.b.adminKey, body: { records } })).status).toBe(200);

    const key = h.a.adminKey;
    const tracked = await h.call("POST", "/track-request", { key, auth: "body", body: { function_name: "openai.chat.completions.create", kwargs: { model: "m" }, request_response: {} } });
    expect(tracked.body.request_id).toBe(1);
    const logged = await h.call("POST", "/log-request", {
      key,
      body: { provider: "openai", model: "m", input: { type: "chat", messages: [] }, output: { type: "chat", messages: [] } },
    });
    expect(logged.body.id).toBe(2);
    const batch = await h.call("POST", "/api/v1/requests:batch", { key, body: { records: [logRecord("mine")] } });
    expect(batch.body.results[0].id).toBe(3);

    // The numbers are what the track helpers and our routes take.
    expect((await h.call("POST", "/library-track-score", { key, auth: "body", body: { request_id: 1, score: 50 } })).status).toBe(200);
    const scored = await h.call("POST", "/api/v1/requests/3/score", { key, body: { score: 9 } });
    expect(scored.body.score.request_log_id).toBe(3);
    expect((await h.call("GET", "/api/v1/requests/1", { key })).body).toMatchObject({ id: 1, scores: { default: 50 } });
    // The list's cursor names no internal id either.
    const page = await h.call("GET", "/api/v1/requests?limit=1", { key });
    const [, cursorId] = JSON.parse(Buffer.from(page.body.next_cursor, "base64url").toString("utf8")) as [string, number];
    expect(cursorId).toBe(3);
    const next = await h.call("GET", `/api/v1/requests?limit=5&cursor=${page.body.next_cursor}`, { key });
    expect(next.body.items.map((item: { id: number }) => item.id)).toEqual([2, 1]);
  });
});
