import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeProviders } from "@promptline/testkit";
import { Promptline } from "promptline";
import { connectRegistry } from "../registry-connection.js";
import { println, type CliContext } from "../cli-context.js";
import { CliError, ExitCode } from "../cli-error.js";
import type { PromptFile } from "../prompt-files/prompt-file.js";
import { readPromptFile } from "../prompt-files/prompt-file-io.js";
import { logTableHeader, logTableRow } from "./logs.js";
import { closeClient, runAndPrint } from "./run.js";
import { findDashboardDir, sdkPlayground } from "./dashboard-wiring.js";
import { startServerForCli } from "./serve.js";

export interface DemoOptions {
  port?: number;
  /** False with `--no-wait`: exit after the showcase instead of serving until Ctrl-C. */
  wait?: boolean;
}

const exampleFile = join("examples", "prompts", "support-reply.yaml");

/** The example prompt, for when the CLI runs outside the repository (installed from npm). */
export const builtInDemoPrompt: PromptFile = {
  prompt_name: "support-reply",
  commit_message: "A short, friendly answer to a customer question",
  tags: ["demo", "support"],
  release_labels: ["prod"],
  metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.3, max_tokens: 200 } } },
  prompt_template: {
    type: "chat",
    messages: [
      { role: "system", content: [{ type: "text", text: "You answer questions about {product} for its customers. Be friendly and brief." }] },
      { role: "user", content: [{ type: "text", text: "{question}" }] },
    ],
  },
};

/** `examples/prompts/support-reply.yaml` of the repository this CLI is built in, if it is there. */
export function findExamplePrompt(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let folder = from; ; folder = dirname(folder)) {
    if (existsSync(join(folder, exampleFile))) return join(folder, exampleFile);
    if (dirname(folder) === folder) return undefined;
  }
}

/**
 * `promptline demo`: the whole job on this machine with no setup and no API
 * keys. Fake providers, a server on a fresh SQLite file, the example prompt
 * published, run plain, streamed and on another provider, the request log,
 * then the server keeps running for the dashboard until Ctrl-C.
 */
export async function demoCommand(context: CliContext, options: DemoOptions): Promise<number> {
  const { colors } = context;
  const step = (number: number, text: string) => println(context, `\n${colors.bold(`${number}. ${text}`)}`);
  // Listen for Ctrl-C before saying "press Ctrl-C" (see serve).
  const stopped = options.wait !== false ? context.untilStopped() : undefined;
  const folder = await mkdtemp(join(tmpdir(), "promptline-demo-"));
  const database = `sqlite:${join(folder, "promptline.db")}`;
  const fakes = await startFakeProviders();
  // The playground runs on the fakes too: nothing of the real environment (no real key) is used.
  const playground = sdkPlayground({ env: fakes.env });
  let server: Awaited<ReturnType<typeof startServerForCli>> | undefined;
  let client: Promptline | undefined;
  try {
    const port = options.port ?? 8600;
    const dashboardDir = findDashboardDir();
    const serverOptions = { database, ...(dashboardDir && { dashboardDir }), playground };
    server = await startServerForCli({ ...serverOptions, port }).catch(async (error: unknown) => {
      // Something else has 8600 (perhaps `promptline serve`): the demo still runs, on a free port.
      if (options.port === undefined && error instanceof CliError && error.message.includes("in use")) return startServerForCli({ ...serverOptions, port: 0 });
      throw error;
    });
    const apiKey = server.createdApiKey;
    if (!apiKey) throw new CliError("The demo database was not fresh: no admin key was created.");

    println(context, colors.bold("Promptline demo") + colors.dim(" — runs on this machine; no setup, no API keys."));
    println(context, `  Fake LLM providers  ${fakes.url}  ${colors.dim("(OpenAI, Anthropic, Gemini, Mistral, Azure, Bedrock wire protocols)")}`);
    println(context, `  Registry server     ${server.url}  ${colors.dim(`(SQLite: ${database.slice("sqlite:".length)})`)}`);

    const examplePath = findExamplePrompt();
    const prompt = examplePath ? await readPromptFile(examplePath) : builtInDemoPrompt;
    const shownPath = examplePath ? relative(context.cwd, examplePath) || examplePath : "the built-in example";
    const registry = connectRegistry({ baseURL: server.url, apiKey });
    const published = await registry.publish({ ...prompt, skip_if_unchanged: true });
    const model = prompt.metadata?.model;
    step(1, `Publish ${shownPath}`);
    println(context, `   ${prompt.prompt_name} version ${published.version.version}${prompt.release_labels?.length ? `, label ${prompt.release_labels.join(", ")}` : ""} · ${model?.provider}/${model?.name}`);

    // The SDK gets the fakes' environment directly: nothing of the real environment (no real key) is used.
    client = new Promptline({ apiKey, baseURL: server.url, env: fakes.env, flushOnExit: false });
    const inputVariables = { product: "Promptline", question: "How do I roll back a prompt to the previous version?" };
    const params = { promptName: prompt.prompt_name, promptReleaseLabel: prompt.release_labels?.[0] ?? undefined, inputVariables, tags: ["demo"] };

    step(2, `Run it: promptline run ${prompt.prompt_name} --var product=… --var question=…`);
    println(context, colors.dim("   (the fake providers answer with an echo of the rendered question)"));
    await runAndPrint(context, client, { ...params, metadata: { step: "plain" } }, { summaryToStdout: true });
    step(3, "Run it streamed (--stream): the answer prints as it arrives");
    await runAndPrint(context, client, { ...params, metadata: { step: "stream" } }, { stream: true, summaryToStdout: true });
    step(4, "Run it on another provider (--provider anthropic --model claude-haiku-4-5)");
    await runAndPrint(context, client, { ...params, provider: "anthropic", model: "claude-haiku-4-5", metadata: { step: "override" } }, { summaryToStdout: true });

    await client.flush({ timeoutMs: 10_000 });
    step(5, "The request log (promptline logs)");
    const { items } = await registry.requests({ limit: 20 });
    println(context, colors.bold(logTableHeader()));
    for (const row of [...items].reverse()) println(context, logTableRow(row, colors));

    println(context, "");
    println(context, `Dashboard: ${colors.cyan(`${server.url}/`)}`);
    println(context, `API key:   ${apiKey}`);
    println(context, colors.dim(`Try the other commands against it: export PROMPTLINE_BASE_URL=${server.url} PROMPTLINE_API_KEY=${apiKey}`));
    if (options.wait !== false) {
      println(context, colors.dim("The server keeps running; press Ctrl-C to stop."));
      await stopped;
    }
    return ExitCode.ok;
  } finally {
    if (client) await closeClient(context, client);
    await server?.close();
    await fakes.close();
    await rm(folder, { recursive: true, force: true });
  }
}
