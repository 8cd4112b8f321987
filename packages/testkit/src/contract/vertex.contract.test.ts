import { readFileSync } from "node:fs";
import { createSign } from "node:crypto";
import { AnthropicVertex } from "@anthropic-ai/vertex-sdk";
import { GoogleGenAI } from "@google/genai";
import { OAuth2Client } from "google-auth-library";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeProviders } from "../index.js";
import { startFakeProviders } from "../index.js";

// Vertex AI: the token endpoint judged by an RFC 7523 grant signed with node:crypto (google-auth-library
// always posts to oauth2.googleapis.com, whatever the key file's token_uri says), the Gemini routes by
// @google/genai in Vertex mode using that token.
let fakes: FakeProviders;
let token: string;

function grantAssertion(account: { client_email: string; private_key: string; token_uri: string }): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${encode({ alg: "RS256", typ: "JWT" })}.${encode({ iss: account.client_email, scope: "https://www.googleapis.com/auth/cloud-platform", aud: account.token_uri, iat: now, exp: now + 3600 })}`;
  return `${unsigned}.${createSign("RSA-SHA256").update(unsigned).sign(account.private_key, "base64url")}`;
}

beforeAll(async () => {
  fakes = await startFakeProviders();
  const account = JSON.parse(readFileSync(fakes.env.GOOGLE_APPLICATION_CREDENTIALS!, "utf8")) as { client_email: string; private_key: string; token_uri: string };
  const response = await fetch(account.token_uri, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: grantAssertion(account) }),
  });
  expect(response.status).toBe(200);
  token = ((await response.json()) as { access_token: string }).access_token;
});
beforeEach(() => fakes.reset());
afterAll(() => fakes.close());

describe("vertex fake", () => {
  it("issues a token only for a JWT signed by the service account's key", async () => {
    const response = await fetch(`${fakes.baseURLs.vertex}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: "e30.e30.bad" }),
    });
    expect(response.status).toBe(400);
    expect(token).toMatch(/^ya29\./);
  });

  it("answers @google/genai in Vertex mode (generateContent and its stream) on the project/location path", async () => {
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
    const genai = new GoogleGenAI({ vertexai: true, project: "fake-project", location: "us-central1", googleAuthOptions: { authClient }, httpOptions: { baseUrl: fakes.baseURLs.vertex } });
    fakes.queue("vertex", { text: "Hello from Vertex.", usage: { input_tokens: 6, output_tokens: 4 } });
    const result = await genai.models.generateContent({ model: "gemini-2.0-flash", contents: "Hi" });
    expect(result.text).toBe("Hello from Vertex.");
    expect(result.usageMetadata?.promptTokenCount).toBe(6);
    const request = fakes.lastRequest("vertex");
    expect(request?.path).toBe("/v1beta1/projects/fake-project/locations/us-central1/publishers/google/models/gemini-2.0-flash:generateContent");
    expect(request?.headers.authorization).toBe(`Bearer ${token}`);

    fakes.queue("vertex", { text: "one two three" });
    let streamed = "";
    for await (const chunk of await genai.models.generateContentStream({ model: "gemini-2.0-flash", contents: "count" })) streamed += chunk.text ?? "";
    expect(streamed).toBe("one two three");
  });

  it("answers @anthropic-ai/vertex-sdk (rawPredict and streamRawPredict) with Anthropic's bodies", async () => {
    // A ready AuthClient: no default-credentials lookup (which would probe the GCE metadata server).
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
    const client = new AnthropicVertex({ region: "us-central1", projectId: "fake-project", authClient, baseURL: `${fakes.baseURLs.vertex}/v1`, maxRetries: 0 });
    fakes.queue("vertex", { text: "Claude on Vertex.", toolCalls: [{ name: "lookup", arguments: { q: "x" } }], usage: { input_tokens: 7, output_tokens: 5 } });
    const message = await client.messages.create({ model: "claude-sonnet-4@20250514", max_tokens: 50, messages: [{ role: "user", content: "Hi" }] });
    expect(message.content[0]).toEqual({ type: "text", text: "Claude on Vertex." });
    expect(message.content[1]).toMatchObject({ type: "tool_use", name: "lookup", input: { q: "x" } });
    const request = fakes.lastRequest("vertex");
    expect(decodeURIComponent(request!.path)).toBe("/v1/projects/fake-project/locations/us-central1/publishers/anthropic/models/claude-sonnet-4@20250514:rawPredict");
    expect(request!.body).toMatchObject({ anthropic_version: "vertex-2023-10-16" });

    fakes.queue("vertex", { text: "a b c" });
    let text = "";
    const stream = await client.messages.create({ model: "claude-sonnet-4@20250514", max_tokens: 50, messages: [{ role: "user", content: "go" }], stream: true });
    for await (const event of stream) if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
    expect(text).toBe("a b c");
    expect(decodeURIComponent(fakes.lastRequest("vertex")!.path)).toMatch(/:streamRawPredict$/);
  });

  it("refuses a model call without a token it issued", async () => {
    const response = await fetch(`${fakes.baseURLs.vertex}/v1/projects/p/locations/l/publishers/google/models/gemini-2.0-flash:generateContent`, {
      method: "POST",
      headers: { authorization: "Bearer not-a-token", "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "x" }] }] }),
    });
    expect(response.status).toBe(401);
  });
});
