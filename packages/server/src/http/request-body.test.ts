import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../start-server.js";

// The body is read from Node's IncomingMessage when served for real (not through `app.request`): these go over a socket.
const apiKey = "pl_request_body_test_key_000000000000";
const limit = 4096;
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ database: "sqlite::memory:", port: 0, apiKey, maxBodyBytes: limit, logError: () => undefined });
});
afterAll(async () => server.close());

/** Sends `parts` one write at a time; `chunked` leaves out content-length (Transfer-Encoding: chunked). */
function post(path: string, parts: string[], chunked: boolean, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const total = parts.reduce((sum, part) => sum + Buffer.byteLength(part), 0);
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      { method: "POST", headers: { "content-type": "application/json", ...(chunked ? {} : { "content-length": String(total) }), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown> }));
      },
    );
    req.on("error", reject);
    for (const part of parts) req.write(part);
    req.end();
  });
}

const trackBody = (model: string) => JSON.stringify({ api_key: apiKey, function_name: "openai.chat.completions.create", kwargs: { model, messages: [] }, request_response: {}, tags: ["body-test"] });

describe("request bodies read from the socket", () => {
  it("reads a chunked body sent in many pieces, multi-byte characters split across them included", async () => {
    const body = trackBody("modèle-😀-" + "é".repeat(300));
    const bytes = Buffer.from(body);
    // Cut inside the multi-byte characters, one byte at a time for the first pieces.
    const rawParts = [bytes.subarray(0, 40), bytes.subarray(40, 41), bytes.subarray(41, 120), bytes.subarray(120)];
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${server.url}/track-request`, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      });
      req.on("error", reject);
      for (const part of rawParts) req.write(part);
      req.end();
    });
    expect(answer.status, answer.text).toBe(200);
    const { request_id } = JSON.parse(answer.text) as { request_id: number };
    const stored = await server.storage.requests.query((await server.storage.workspaces.ensureDefault()).id, { tags: ["body-test"] });
    expect(stored.items.map((item) => item.id)).toContain(request_id);
    expect(JSON.stringify(stored.items.find((item) => item.id === request_id))).toContain("modèle-😀-");
  });

  it("refuses a declared length over the limit with a 413 before reading it", async () => {
    const answer = await post("/track-request", [trackBody("x".repeat(limit))], false);
    expect(answer.status).toBe(413);
    expect(answer.json.message).toMatch(new RegExp(`too large.*${limit}`));
  });

  it("refuses a chunked body (no length) once it grows past the limit, and stores nothing", async () => {
    const workspace = (await server.storage.workspaces.ensureDefault()).id;
    const before = (await server.storage.requests.query(workspace, { tags: ["too-big-chunked"] })).items.length;
    const body = JSON.stringify({ api_key: apiKey, function_name: "openai.chat.completions.create", kwargs: { model: "y".repeat(limit) }, request_response: {}, tags: ["too-big-chunked"] });
    const parts = body.match(/.{1,500}/gs) ?? [];
    const answer = await post("/track-request", parts, true);
    expect(answer.status).toBe(413);
    expect(answer.json.message).toMatch(/too large/);
    expect((await server.storage.requests.query(workspace, { tags: ["too-big-chunked"] })).items.length).toBe(before);
  });

  it("still takes the API key from a header without reading it through the adapter", async () => {
    const ok = await fetch(`${server.url}/prompt-templates`, { headers: { "x-api-key": apiKey } });
    expect(ok.status).toBe(200);
    const bad = await fetch(`${server.url}/prompt-templates`, { headers: { authorization: "Bearer pl_wrong_key_00000000000000" } });
    expect(bad.status).toBe(401);
  });
});

describe("a client that leaves mid-body", () => {
  it("is let go: the server keeps answering, and nothing is stored", async () => {
    const { connect } = await import("node:net");
    const { port } = new URL(server.url);
    const workspace = (await server.storage.workspaces.ensureDefault()).id;
    const before = (await server.storage.requests.query(workspace, { tags: ["left-mid-body"] })).items.length;
    const errors: unknown[] = [];
    const body = JSON.stringify({ api_key: apiKey, function_name: "openai.chat.completions.create", kwargs: {}, request_response: {}, tags: ["left-mid-body"] });
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1", () => {
        socket.write(`POST /track-request HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 20)}`);
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on("close", () => resolve());
      socket.on("error", (error) => errors.push(error) && reject(error));
    });
    // The server is still fine, and the half-sent record was not stored.
    const ok = await post("/track-request", [trackBody("after-the-leaver")], false);
    expect(ok.status).toBe(200);
    expect((await server.storage.requests.query(workspace, { tags: ["left-mid-body"] })).items.length).toBe(before);
    expect(errors).toEqual([]);
  });
});
