import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { UnexpectedResponseError } from "@promptline/core";
import { afterEach, describe, expect, it } from "vitest";
import { CliError, ExitCode, exitCodeOf } from "./cli-error.js";
import { connectRegistry } from "./registry-connection.js";

/** The CLI reaches the server through the SDK's registry client; failures come out in the CLI's words and exit codes. */

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A real HTTP server answering every request with `status` and `body`. */
async function serverAnswering(status: number, body: unknown) {
  server = createServer((_request, response) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(typeof body === "string" ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { baseURL, registry: connectRegistry({ baseURL, apiKey: "pl_key" }) };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error as Error,
  );

describe("connectRegistry", () => {
  it("a malformed answer is one UnexpectedResponseError naming the route and the field (exit 1)", async () => {
    const { registry } = await serverAnswering(200, { items: [{ id: "7", name: null, prefix: "pl_x", admin: false, created_at: "t", revoked_at: null }] });
    const error = await failure(registry.keys());
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error.message).toMatch(/GET \/api\/v1\/keys.*items\[0\]\.id/);
    expect(exitCodeOf(error)).toBe(ExitCode.failure);
  });

  it("unknown fields in an answer pass", async () => {
    const key = { id: 7, name: null, prefix: "pl_x", admin: false, created_at: "t", revoked_at: null, from_the_future: 1 };
    const { registry } = await serverAnswering(200, { items: [key] });
    expect(await registry.keys()).toEqual([key]);
  });

  it.each([
    [401, { message: "bad key" }, /^The server refused the API key \(bad key\): set PROMPTLINE_API_KEY or --api-key to a key of http/, ExitCode.failure],
    [403, { message: "no", error: { code: "forbidden", required_role: "admin", role: "runner" } }, /^This command needs the admin role; this key is a runner key\./, ExitCode.failure],
    [404, { message: "No live API key 9 in this workspace." }, /^No live API key 9 in this workspace\.$/, ExitCode.notFound],
    [400, { error: { message: "name: too long" } }, /^name: too long$/, ExitCode.usage],
    [429, { message: "slow down" }, /^slow down$/, ExitCode.usage],
    [500, "<html>oops</html>", /^The server at http:\/\/127\.0\.0\.1:\d+ answered 500: 500 Internal Server Error$/, ExitCode.failure],
  ])("a %i answer is a CliError in the CLI's words", async (status, body, message, exitCode) => {
    const { registry } = await serverAnswering(status, body);
    const error = await failure(registry.revokeKey(9));
    expect(error).toBeInstanceOf(CliError);
    expect(error.message).toMatch(message);
    expect(exitCodeOf(error)).toBe(exitCode);
  });

  it("a server that isn't there says how to start one", async () => {
    const { baseURL, registry } = await serverAnswering(200, {});
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const error = await failure(registry.keys());
    expect(error).toBeInstanceOf(CliError);
    expect(error.message).toBe(`Cannot reach the Promptline server at ${baseURL}: start it with \`promptline serve\`, or point PROMPTLINE_BASE_URL (or --base-url) at it.`);
  });
});
