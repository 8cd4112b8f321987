import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inputLimits } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTemplate, createRouteHarness, logRecord, publish, snapshotWorkspace, type RouteHarness } from "./route-harness.contract.js";

/** Issue 13, reproduction 6 (the parts outside rendering): each was a 500 with a stack trace in the log. */

let h: RouteHarness;
let dashboardDir: string;
const logged: unknown[] = [];

beforeAll(async () => {
  dashboardDir = mkdtempSync(join(tmpdir(), "promptline-dashboard-"));
  mkdirSync(join(dashboardDir, "assets"));
  writeFileSync(join(dashboardDir, "index.html"), "<html></html>");
  writeFileSync(join(dashboardDir, "assets", "app.js"), "console.log(1)");
  h = await createRouteHarness({ dashboardDir, logError: (error) => logged.push(error) });
  await publish(h, h.a.adminKey, { prompt_name: "poem", ...chatTemplate("Write about {topic}") });
});
afterAll(async () => {
  await h.close();
  rmSync(dashboardDir, { recursive: true, force: true });
});

const nested = (depth: number, inner = "1") => "[".repeat(depth) + inner + "]".repeat(depth);

describe("bad input is a 4xx, not a 500", () => {
  it("a JSON body nested 10,000 deep is a 400 naming the depth limit, nothing stored", async () => {
    const key = h.a.adminKey;
    const before = await snapshotWorkspace(h.storage, h.a.id);
    const bodies: [string, string][] = [
      ["/track-request", `{"function_name": "x", "kwargs": {"messages": ${nested(10_000)}}}`],
      ["/api/v1/requests:batch", `{"records": [{"request_id": "deep", "status": "SUCCESS", "provider": "openai", "model": "m", "response": ${nested(10_000)}}]}`],
      ["/api/v1/prompts", `{"prompt_name": "deep", "prompt_template": {"type": "completion", "content": []}, "metadata": {"x": ${nested(10_000)}}}`],
      ["/log-request", nested(10_000)],
    ];
    for (const [path, raw] of bodies) {
      const result = await h.call("POST", path, { key, raw });
      expect(result.status, `${path}: ${result.text.slice(0, 200)}`).toBe(400);
      expect(result.body.message).toMatch(new RegExp(`more than ${inputLimits.jsonDepth} levels`));
    }
    expect(await snapshotWorkspace(h.storage, h.a.id)).toEqual(before);
    expect(logged).toEqual([]);
  });

  it("nesting up to the limit is accepted, and strings full of brackets don't count", async () => {
    const key = h.a.adminKey;
    const atLimit = await h.call("POST", "/api/v1/requests:batch", {
      key,
      raw: `{"records": [{"request_id": "deep-ok", "status": "SUCCESS", "provider": "openai", "model": "m", "response": ${nested(inputLimits.jsonDepth - 3)}}]}`,
    });
    expect(atLimit.status, atLimit.text).toBe(200);
    const brackets = await h.call("POST", "/api/v1/requests:batch", { key, body: { records: [logRecord("brackets", { error_message: "[{".repeat(500) + '\\"' })] } });
    expect(brackets.status, brackets.text).toBe(200);
  });

  it("10,000 nested NULs with a key: 400", async () => {
    const result = await h.call("POST", "/api/v1/prompts", { key: h.a.adminKey, raw: nested(10_000, '"\\u0000"') });
    expect(result.status).toBe(400);
  });

  it("GET /assets/% (a malformed escape, no key) is a 404; real assets are still served", async () => {
    for (const path of ["/assets/%", "/assets/%E0%A4%A", "/assets/%zz"]) {
      const result = await h.call("GET", path);
      expect(result.status, path).toBe(404);
    }
    expect((await h.call("GET", "/assets/app.js")).status).toBe(200);
    expect(logged).toEqual([]);
  });

  it("a request-log cursor holding a NUL (or anything but our own timestamp) is a 400", async () => {
    for (const position of [["2026-01-01T00:00:00.000Z\u0000", 1], ["\u0000", 1], ["yesterday", 1], [null, 1]]) {
      const cursor = Buffer.from(JSON.stringify(position)).toString("base64url");
      const result = await h.call("GET", `/api/v1/requests?cursor=${cursor}`, { key: h.a.adminKey });
      expect(result.status, JSON.stringify(position)).toBe(400);
      expect(result.body.message).toMatch(/cursor/);
    }
    // A real cursor still pages.
    for (const id of ["page-1", "page-2"]) await h.call("POST", "/api/v1/requests:batch", { key: h.a.adminKey, body: { records: [logRecord(id)] } });
    const first = await h.call("GET", "/api/v1/requests?limit=1", { key: h.a.adminKey });
    const next = await h.call("GET", `/api/v1/requests?limit=1&cursor=${first.body.next_cursor}`, { key: h.a.adminKey });
    expect(next.status).toBe(200);
    expect(next.body.items).toHaveLength(1);
  });
});
