/**
 * Trusted provider endpoints (DESIGN.md): a template's `base_url` never takes
 * a provider credential anywhere but the official endpoint, a base URL of the
 * environment or the code, or an allow-listed origin. For every provider, an
 * untrusted `base_url` makes `run()` throw `UntrustedBaseURLError` and neither
 * the fake provider (reached through another origin of the same server) nor a
 * raw listener receives a single request; the same URL, once allowed, works.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startServer, type RunningServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import { InvalidRequestError, Promptline, PromptlineError, UntrustedBaseURLError, type PromptlineOptions } from "promptline";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { apiKey, collect, providerCases, secretValues, textTemplate, type ProviderCase } from "./sdk-harness.js";

let fakes: FakeProviders;
let server: RunningServer;
let listener: Server;
let listenerURL: string;
const received: { url: string; headers: IncomingHttpHeaders }[] = [];
const clients: Promptline[] = [];

/**
 * The fakes listen on every local address and their env names them as
 * `0.0.0.0`, so `127.0.0.1` reaches the same fakes through an origin nothing
 * trusts: a request sent there would show in `fakes.requests`.
 */
const otherOrigin = (url: string) => url.replace("http://0.0.0.0:", "http://127.0.0.1:");

function client(options: PromptlineOptions = {}): Promptline {
  const made = new Promptline({ apiKey, baseURL: server.url, env: fakes.env, flushOnExit: false, onError: () => {}, ...options });
  clients.push(made);
  return made;
}

/** The fakes' env for a case: Azure's endpoint variable wins over a template's, so it is left out to make the template's count. */
function envFor(testCase: ProviderCase): Record<string, string> {
  const drop = new Set([...(testCase.dropEnv ?? []), ...(testCase.id === "azure" ? ["AZURE_OPENAI_ENDPOINT"] : [])]);
  return Object.fromEntries(Object.entries(fakes.env).filter(([name]) => !drop.has(name)));
}

/** Publishes the case's model with `base_url` set, and returns the prompt name. */
async function publishWithBase(testCase: ProviderCase, baseURL: string, suffix: string): Promise<string> {
  const name = `trust-${testCase.id}-${suffix}`;
  await client().templates.publish({ prompt_name: name, prompt_template: textTemplate("Hello"), metadata: { model: { ...testCase.model, base_url: baseURL } } });
  return name;
}

beforeAll(async () => {
  fakes = await startFakeProviders({ host: "0.0.0.0" });
  server = await startServer({ database: "sqlite::memory:", port: 0, apiKey });
  listener = createServer((request, response) => {
    received.push({ url: request.url ?? "", headers: request.headers });
    response.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  listenerURL = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
});
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(async () => {
  await Promise.all(clients.map((each) => each.close({ timeoutMs: 200 })));
  await new Promise((resolve) => listener.close(resolve));
  await server.close();
  await fakes.close();
});

const ids = ["openai-chat", "openai-responses", "azure", "anthropic", "google", "mistral", "bedrock", "anthropic-bedrock", "openrouter", "openai-compatible"];
const caseOf = (id: string) => providerCases(fakes).find((each) => each.id === id) as ProviderCase;

describe.each([false, true])("an untrusted base_url, stream: %s", (stream) => {
  it.each(ids)("%s: run() throws UntrustedBaseURLError and neither the fake nor a listener sees a request", async (id) => {
    const testCase = caseOf(id);
    const toFake = await publishWithBase(testCase, otherOrigin(fakes.baseURLs[testCase.fake]), `fake-${stream}`);
    const toListener = await publishWithBase(testCase, `${listenerURL}/v1`, `listener-${stream}`);
    const sdk = client({ env: envFor(testCase) });
    const fakeRequests = fakes.requests.length;
    const listenerRequests = received.length;

    for (const [name, origin] of [
      [toFake, new URL(otherOrigin(fakes.url)).origin],
      [toListener, listenerURL],
    ] as const) {
      const error = await sdk.run({ promptName: name, stream }).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(UntrustedBaseURLError);
      expect(PromptlineError.isInstance(error) && error.code).toBe("untrusted_base_url");
      const message = (error as Error).message;
      expect(message).toContain(origin);
      expect(message).toContain("allowedBaseURLs");
      expect(message).toContain("PROMPTLINE_ALLOWED_BASE_URLS");
      expect((error as UntrustedBaseURLError).origin).toBe(origin);
      for (const secret of secretValues(fakes)) expect(message).not.toContain(secret);
    }
    expect(fakes.requests.length, "requests the fakes received").toBe(fakeRequests);
    expect(received.length, "requests the listener received").toBe(listenerRequests);
  });

  it.each(ids)("%s: the same base_url, allow-listed with allowedBaseURLs, reaches the fake", async (id) => {
    const testCase = caseOf(id);
    const base = otherOrigin(fakes.baseURLs[testCase.fake]);
    const name = await publishWithBase(testCase, base, `allowed-${stream}`);
    const before = fakes.requestsFor(testCase.fake).length;
    const sdk = client({ env: envFor(testCase), allowedBaseURLs: [new URL(base).origin] });
    const result = stream ? (await collect(await sdk.run({ promptName: name, stream: true }))).at(-1)! : await sdk.run({ promptName: name });
    expect(result.request_id).toEqual(expect.any(String));
    expect(fakes.requestsFor(testCase.fake).length).toBe(before + 1);
  });
});

describe("what makes a base_url trusted", () => {
  const openai = () => caseOf("openai-chat");
  const base = () => otherOrigin(fakes.baseURLs.openai);
  const runs = async (sdk: Promptline, suffix: string) => {
    const name = await publishWithBase(openai(), base(), suffix);
    const before = fakes.requestsFor("openai").length;
    await sdk.run({ promptName: name });
    return fakes.requestsFor("openai").length - before;
  };

  it("refuses it with none of the allowances below (the control)", async () => {
    await expect(runs(client(), "control")).rejects.toThrow(UntrustedBaseURLError);
  });

  it("OPENAI_BASE_URL in the process environment allows its origin", async () => {
    for (const [name, value] of Object.entries(fakes.env)) vi.stubEnv(name, value);
    vi.stubEnv("OPENAI_BASE_URL", base());
    expect(await runs(client({ env: undefined }), "process-env")).toBe(1);
  });

  it("a base URL set in code (the env the client is given) allows its origin", async () => {
    expect(process.env.OPENAI_BASE_URL ?? "").not.toContain("127.0.0.1");
    expect(await runs(client({ env: { ...fakes.env, OPENAI_BASE_URL: base() } }), "code-env")).toBe(1);
  });

  it("PROMPTLINE_ALLOWED_BASE_URLS (comma-separated origins) allows its origins", async () => {
    const env = { ...fakes.env, PROMPTLINE_ALLOWED_BASE_URLS: `https://gateway.example.com, ${new URL(base()).origin}` };
    expect(await runs(client({ env }), "allow-env")).toBe(1);
  });

  it("allowedBaseURLs allows an origin given as a full URL too", async () => {
    expect(await runs(client({ allowedBaseURLs: [`${base()}/chat/completions`] }), "allow-code")).toBe(1);
  });

  it("an allowance for one origin does not allow another (scheme and port count)", async () => {
    const port = new URL(base()).port;
    const sdk = client({ allowedBaseURLs: [`https://127.0.0.1:${port}`, `http://127.0.0.1:${Number(port) + 1}`] });
    await expect(runs(sdk, "other-origin")).rejects.toThrow(UntrustedBaseURLError);
  });

  it("an allow list entry that is not an origin fails when the client is made", () => {
    expect(() => client({ allowedBaseURLs: ["llm-gateway.internal"] })).toThrow(InvalidRequestError);
    expect(() => client({ env: { ...fakes.env, PROMPTLINE_ALLOWED_BASE_URLS: "ftp://files.example" } })).toThrow(/PROMPTLINE_ALLOWED_BASE_URLS/);
  });

  it("another provider's base URL variable does not allow it for OpenAI's key", async () => {
    const env = { ...fakes.env, ANTHROPIC_BASE_URL: base() };
    await expect(runs(client({ env }), "cross-provider")).rejects.toThrow(UntrustedBaseURLError);
    expect(received.some((request) => request.headers.authorization !== undefined)).toBe(false);
  });
});
