import { startFakeProviders } from "@promptline/testkit";
import { startServer } from "@promptline/server";
import { Promptline } from "promptline";
import { describe, expect, it } from "vitest";

describe("smoke", () => {
  it("publishes, runs and logs", async () => {
    const fakes = await startFakeProviders();
    const server = await startServer({ database: "sqlite::memory:", port: 0, apiKey: "pl_test_key_1234567890abcdef" });
    try {
      const client = new Promptline({ apiKey: "pl_test_key_1234567890abcdef", baseURL: server.url, env: fakes.env, flushOnExit: false });
      const published = await client.templates.publish({
        prompt_name: "poem",
        prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Write about {topic}" }] }] },
        metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 1 } } },
        release_labels: ["prod"],
      });
      console.log(JSON.stringify(published).slice(0, 300));
      const result = await client.run({ promptName: "poem", inputVariables: { topic: "cats" }, tags: ["t1"] });
      console.log(JSON.stringify(result.prompt_blueprint).slice(0, 600));
      const chunks = [];
      for await (const chunk of await client.run({ promptName: "poem", inputVariables: { topic: "dogs" }, stream: true })) chunks.push(chunk);
      console.log(chunks.length, JSON.stringify(chunks.at(-1)?.prompt_blueprint).slice(0, 400));
      const flushed = await client.flush();
      console.log(flushed);
      const res = await fetch(`${server.url}/api/v1/requests/${result.request_id}`, { headers: { "x-api-key": "pl_test_key_1234567890abcdef" } });
      const row = await res.json();
      console.log(res.status, JSON.stringify(row).slice(0, 800));
      expect(res.status).toBe(200);
      await client.close();
    } finally {
      await server.close();
      await fakes.close();
    }
  });
});
