import { afterEach, describe, expect, it, vi } from "vitest";
import { startLocalServer, type LocalServer } from "./__fixtures__/local-server.js";
import { undiciHttpClient } from "./http-client.js";

// A runtime where undici cannot load (a bundler that left it out, an edge runtime): the import throws.
vi.mock("undici", () => {
  throw new Error("undici is not available here");
});

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("undiciHttpClient without undici", () => {
  it("sends through the global fetch instead", async () => {
    server = await startLocalServer((request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ echo: request.body, agent: request.headers["user-agent"] }));
    });
    const globalFetch = vi.spyOn(globalThis, "fetch");
    const client = undiciHttpClient();
    const response = await client.post({ url: `${server.baseURL}/v1/x`, headers: { "content-type": "application/json" }, body: '{"a":1}', signal: new AbortController().signal });
    expect(response.status).toBe(200);
    expect(JSON.parse(await response.text())).toMatchObject({ echo: '{"a":1}' });
    expect(globalFetch).toHaveBeenCalledTimes(1);
    globalFetch.mockRestore();
    await client.close?.();
  });
});
