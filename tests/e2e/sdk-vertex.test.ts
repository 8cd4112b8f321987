/**
 * Vertex AI's credentials end to end: the SDK signs a JWT with the
 * service-account key of GOOGLE_APPLICATION_CREDENTIALS, exchanges it at the
 * file's token_uri (the fake's), caches the token, and refreshes it once on a 401.
 */
import { MissingProviderKeyError } from "promptline";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startHarness, textTemplate, type Harness } from "./sdk-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.client.templates.publish({ prompt_name: "vertex-hi", prompt_template: textTemplate("Hi"), metadata: { model: { provider: "vertexai", name: "gemini-2.5-flash", parameters: {} } } });
  await h.client.templates.publish({ prompt_name: "vertex-claude-hi", prompt_template: textTemplate("Hi"), metadata: { model: { provider: "vertexai", name: "claude-sonnet-4@20250514", parameters: { max_tokens: 100 } } } });
});
afterAll(async () => {
  await h.close();
});
afterEach(() => h.fakes.reset());

const tokenRequests = () => h.fakes.requestsFor("vertex").filter((request) => request.path === "/token");
const modelRequests = () => h.fakes.requestsFor("vertex").filter((request) => request.path !== "/token");

describe("vertexai credentials", () => {
  it("fetches one token for many runs and sends it as a Bearer token; Claude goes to rawPredict with vertex-2023-10-16", async () => {
    // The token may already be cached by another client in this process (one per credentials file): count from here.
    await h.client.run({ promptName: "vertex-hi" });
    await h.client.run({ promptName: "vertex-claude-hi" });
    await h.client.run({ promptName: "vertex-hi" });
    expect(tokenRequests().length).toBeLessThanOrEqual(1);
    const [gemini, claude] = modelRequests();
    expect(gemini!.path).toBe("/v1/projects/fake-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent");
    expect(gemini!.headers.authorization).toMatch(/^Bearer ya29\.fake-vertex-/);
    expect(decodeURIComponent(claude!.path)).toBe("/v1/projects/fake-project/locations/us-central1/publishers/anthropic/models/claude-sonnet-4@20250514:rawPredict");
    expect(claude!.body).toMatchObject({ anthropic_version: "vertex-2023-10-16", max_tokens: 100 });
    expect(claude!.body).not.toHaveProperty("model");
  });

  it("refreshes the token once on a 401 and retries", async () => {
    h.fakes.fault("vertex", { status: 401 });
    const result = await h.client.run({ promptName: "vertex-hi" });
    expect(result.raw_response).toHaveProperty("candidates");
    expect(modelRequests()).toHaveLength(2);
    expect(tokenRequests()).toHaveLength(1);
  });

  it("a second 401 in a row is the caller's: thrown, not retried again", async () => {
    h.fakes.fault("vertex", { status: 401 }, { status: 401 });
    await expect(h.client.run({ promptName: "vertex-hi" })).rejects.toMatchObject({ status: 401 });
    expect(modelRequests()).toHaveLength(2);
  });

  it("names the missing variable: GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_CLOUD_PROJECT", async () => {
    const { GOOGLE_APPLICATION_CREDENTIALS: _file, ...noFile } = h.fakes.env;
    const error = await h.makeClient({ env: noFile }).run({ promptName: "vertex-hi" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MissingProviderKeyError);
    expect((error as Error).message).toContain("GOOGLE_APPLICATION_CREDENTIALS");
    const { GOOGLE_CLOUD_PROJECT: _project, ...noProject } = h.fakes.env;
    await expect(h.makeClient({ env: noProject }).run({ promptName: "vertex-hi" })).rejects.toThrow(/GOOGLE_CLOUD_PROJECT/);
    expect(modelRequests()).toHaveLength(0);
  });
});
