/**
 * The SDK's surface around `run()`: templates.get|publish|all, track.*,
 * group.create and logRequest, against a real server on SQLite.
 */
import { InvalidRequestError, PromptNotFoundError, UnauthorizedError } from "promptline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, textTemplate, weatherTemplate, type Harness } from "./sdk-harness.js";

let h: Harness;
const model = { provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions", parameters: { temperature: 0.3 } };

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe("templates", () => {
  it("publish returns PromptLayer's shape; get renders with llm_kwargs; all lists", async () => {
    const published = await h.client.templates.publish({
      prompt_name: "weather",
      prompt_template: weatherTemplate(),
      metadata: { model },
      tags: ["demo"],
      commit_message: "first",
      release_labels: ["prod"],
    });
    expect(published).toMatchObject({ id: expect.any(Number), prompt_name: "weather", tags: ["demo"], commit_message: "first", release_labels: ["prod"] });
    expect(published.metadata).toMatchObject({ model: { provider: "openai", name: "gpt-4o-mini" } });

    const fetched = await h.client.templates.get("weather", { label: "prod", input_variables: { city: "Oslo" } });
    expect(fetched).toMatchObject({ prompt_name: "weather", version: 1, metadata: { model: { provider: "openai" } } });
    expect(fetched.llm_kwargs).toMatchObject({ model: "gpt-4o-mini", temperature: 0.3 });
    expect(JSON.stringify(fetched.llm_kwargs)).toContain("What is the weather in Oslo?");

    await h.client.templates.publish({ prompt_name: "other", prompt_template: textTemplate("Hi"), metadata: { model } });
    const all = await h.client.templates.all({ per_page: 50 });
    expect(all.map((item) => item.prompt_name).sort()).toEqual(["other", "weather"]);
    const labelled = await h.client.templates.all({ label: "prod" });
    expect(labelled.map((item) => item.prompt_name)).toEqual(["weather"]);
  });

  it("get of an unknown prompt is a PromptNotFoundError; a wrong API key an UnauthorizedError", async () => {
    await expect(h.client.templates.get("missing")).rejects.toBeInstanceOf(PromptNotFoundError);
    const stranger = h.makeClient({ apiKey: "pl_wrong_key_000000000000" });
    const error = await stranger.templates.all().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as Error).message).toContain("set PROMPTLINE_API_KEY or pass apiKey");
  });
});

describe("track and group", () => {
  it("track.metadata|score|prompt|group update a stored request", async () => {
    await h.client.templates.publish({ prompt_name: "tracked", prompt_template: textTemplate("Hi {who}"), metadata: { model }, release_labels: ["prod"] });
    const result = await h.client.run({ promptName: "other" });
    await h.client.flush();
    const groupId = await h.client.group.create();
    const other = await h.client.group.create();
    expect(other).not.toBe(groupId);

    expect(await h.client.track.metadata({ request_id: result.request_id, metadata: { rating: "good" } })).toBe(true);
    expect(await h.client.track.score({ request_id: result.request_id, score: 87, name: "relevance" })).toBe(true);
    expect(await h.client.track.score({ request_id: result.request_id, score: 60 })).toBe(true);
    expect(await h.client.track.prompt({ request_id: result.request_id, prompt_name: "tracked", prompt_input_variables: { who: "you" }, label: "prod" })).toBe(true);
    expect(await h.client.track.group({ request_id: result.request_id, group_id: groupId })).toBe(true);
    const record = await h.record(result.request_id);
    expect(record).toMatchObject({ group_id: groupId, prompt_name: "tracked", input_variables: { who: "you" } });
    expect(record.metadata).toMatchObject({ rating: "good" });
    expect(record.scores).toEqual({ relevance: 87, default: 60 });
  });

  it("track.* on a request still in the log queue is applied after the record arrives", async () => {
    // Hold every batch at the registry's door until the track calls are queued behind it.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const arrivals: string[] = [];
    const client = h.makeClient({
      fetch: async (input, init) => {
        const url = String(input);
        if (url.startsWith(h.server.url) && init?.method === "POST") {
          await gate;
          arrivals.push(new URL(url).pathname);
        }
        return fetch(input, init);
      },
      logging: { flushIntervalMs: 1 },
    });
    await client.run({ promptName: "other" }); // warms the cache (a GET, not held)
    const result = await client.run({ promptName: "other", metadata: { first: "1" } });
    const tracked = [
      client.track.metadata({ request_id: result.request_id, metadata: { second: "2" } }),
      client.track.score({ request_id: result.request_id, score: 42 }),
    ];
    expect(client.stats().delivered).toBe(0);
    release();
    expect(await Promise.all(tracked)).toEqual([true, true]);
    expect(arrivals[0]).toBe("/api/v1/requests:batch");
    expect(arrivals.slice(-2)).toEqual([`/api/v1/requests/${result.request_id}/metadata`, `/api/v1/requests/${result.request_id}/score`]);
    const record = await h.record(result.request_id);
    expect(record.metadata).toEqual({ first: "1", second: "2" });
    expect(record.scores).toEqual({ default: 42 });
  });

  it("track.* on an unknown request resolves false; invalid arguments throw at once", async () => {
    const errors: unknown[] = [];
    const client = h.makeClient({ onError: (error) => errors.push(error) });
    expect(await client.track.metadata({ request_id: "01900000-0000-7000-8000-000000000000", metadata: { a: "b" } })).toBe(false);
    expect(errors.length).toBe(1);
    await expect(client.track.metadata({ request_id: "x", metadata: { a: 1 as unknown as string } })).rejects.toThrow(
      new InvalidRequestError('track.metadata: the value of "a" must be a string.'),
    );
    await expect(client.track.score({ request_id: "x", score: 101 })).rejects.toThrow("track.score: score must be between 0 and 100, got 101.");
    await client.close();
    expect(await client.track.group({ request_id: "x", group_id: 1 })).toBe(false);
  });
});

describe("logRequest", () => {
  it("logs a request made outside run(), with PromptLayer's body, and returns the stored request", async () => {
    const start = Date.now();
    const logged = await h.client.logRequest({
      provider: "openai",
      model: "gpt-4o-mini",
      input: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Outside" }] }] },
      output: { type: "chat", messages: [{ role: "assistant", content: [{ type: "text", text: "Logged" }] }] },
      request_start_time: start - 120,
      request_end_time: start,
      tags: ["manual"],
      metadata: { source: "logRequest" },
      input_tokens: 3,
      output_tokens: 2,
      prompt_name: "other",
    });
    expect(logged).toMatchObject({ id: expect.any(Number), status: "SUCCESS" });
    expect(logged.prompt_version).toHaveProperty("prompt_template");
    const record = await h.record(String(logged.id));
    expect(record).toMatchObject({ provider: "openai", model: "gpt-4o-mini", tags: ["manual"], metadata: { source: "logRequest" }, usage: { input_tokens: 3, output_tokens: 2 } });
  });
});
