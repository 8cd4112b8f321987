import { startServer } from "@promptline/server";
import { startFakeProviders } from "@promptline/testkit";
import { Promptline } from "promptline";
import { describe, expect, it } from "vitest";

const apiKey = "pl_smoke_key_1234567890abcdef";

describe("the main path, end to end", () => {
  it("publishes a prompt, runs it plain and streamed, and finds both logs on the server", async () => {
    const fakes = await startFakeProviders();
    const server = await startServer({ database: "sqlite::memory:", port: 0, apiKey });
    const client = new Promptline({ apiKey, baseURL: server.url, env: fakes.env, flushOnExit: false });
    try {
      await client.templates.publish({
        prompt_name: "poem",
        prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Write about {topic}" }] }] },
        metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 1 } } },
        release_labels: ["prod"],
      });

      const plain = await client.run({ promptName: "poem", promptReleaseLabel: "prod", inputVariables: { topic: "cats" }, tags: ["t1"] });
      const messages = plain.prompt_blueprint.prompt_template.type === "chat" ? plain.prompt_blueprint.prompt_template.messages : [];
      expect(messages.at(-1)?.content?.at(-1)).toMatchObject({ type: "text", text: "Echo: Write about cats" });

      const chunks = [];
      for await (const chunk of await client.run({ promptName: "poem", inputVariables: { topic: "dogs" }, stream: true })) chunks.push(chunk);
      expect(chunks.length).toBeGreaterThan(2);
      expect(new Set(chunks.map((chunk) => chunk.request_id)).size).toBe(1);
      const last = chunks.at(-1)!;
      expect(last.done).toBe(true);
      const streamed = last.prompt_blueprint.prompt_template.type === "chat" ? last.prompt_blueprint.prompt_template.messages : [];
      expect(streamed.at(-1)?.content?.at(-1)).toMatchObject({ type: "text", text: "Echo: Write about dogs" });

      expect(await client.flush()).toEqual({ pending: 0, dropped: 0 });
      for (const [requestId, topic] of [[plain.request_id, "cats"], [last.request_id, "dogs"]] as const) {
        const response = await fetch(`${server.url}/api/v1/requests/${requestId}`, { headers: { "x-api-key": apiKey } });
        expect(response.status).toBe(200);
        const row = (await response.json()) as Record<string, unknown>;
        expect(row).toMatchObject({ request_id: requestId, prompt_name: "poem", prompt_version: 1, status: "SUCCESS", provider: "openai", input_variables: { topic } });
      }
    } finally {
      await client.close();
      await server.close();
      await fakes.close();
    }
  });
});
