import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import { InvalidTemplateError, loadPromptFiles, Promptline, RegistryError } from "promptline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** A loopback port with nothing listening: the registry is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const yamlPrompt = `prompt_name: greet
prompt_template:
  type: chat
  messages:
    - role: user
      content:
        - type: text
          text: "Say hello to {name}"
metadata:
  model:
    provider: anthropic
    name: claude-haiku-4-5
    parameters: { max_tokens: 100 }
`;

const jsonPrompt = {
  prompt_name: "nested/summary",
  prompt_template: { type: "completion", content: [{ type: "text", text: "Summarise {text}" }] },
  metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } },
};

describe("fallback prompts from prompt files", () => {
  let folder: string;
  let fakes: FakeProviders;
  let registryURL: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "promptline-files-"));
    await writeFile(join(folder, "greet.yaml"), yamlPrompt);
    await writeFile(join(folder, "summary.json"), JSON.stringify(jsonPrompt));
    await writeFile(join(folder, "notes.txt"), "not a prompt file: ignored");
    fakes = await startFakeProviders();
    registryURL = `http://127.0.0.1:${await closedPort()}`;
  });

  afterAll(async () => {
    await fakes.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("reads YAML and JSON prompt files from a folder", async () => {
    const prompts = await loadPromptFiles(folder);
    expect(prompts.map((prompt) => prompt.prompt_name).sort()).toEqual(["greet", "nested/summary"]);
  });

  it("runs from the files on a cold start with the registry down", async () => {
    const client = new Promptline({ apiKey: "k", baseURL: registryURL, env: fakes.env, fallbackPromptFiles: folder, flushOnExit: false, onError: () => {} });
    const result = await client.run({ promptName: "greet", inputVariables: { name: "Ada" } });
    const answer = result.prompt_blueprint.prompt_template.type === "chat" ? result.prompt_blueprint.prompt_template.messages.at(-1) : undefined;
    expect(answer?.content?.at(-1)).toMatchObject({ type: "text", text: "Echo: Say hello to Ada" });
    expect(fakes.lastRequest("anthropic")?.body).toMatchObject({ model: "claude-haiku-4-5", max_tokens: 100 });
    await client.close({ timeoutMs: 100 });
  });

  it("still fails clearly for a prompt that no file holds", async () => {
    const client = new Promptline({ apiKey: "k", baseURL: registryURL, env: fakes.env, fallbackPromptFiles: folder, flushOnExit: false, onError: () => {} });
    await expect(client.run({ promptName: "absent" })).rejects.toBeInstanceOf(RegistryError);
    await client.close({ timeoutMs: 100 });
  });

  it("rejects a file that is not a prompt, naming it", async () => {
    const bad = join(folder, "bad");
    await import("node:fs/promises").then((fs) => fs.mkdir(bad));
    await writeFile(join(bad, "broken.yaml"), "prompt_name: x\n");
    await expect(loadPromptFiles(bad)).rejects.toThrow(InvalidTemplateError);
    await expect(loadPromptFiles(bad)).rejects.toThrow(/broken\.yaml is not a prompt file/);
  });
});
