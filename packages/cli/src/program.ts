import { Command, CommanderError, Option } from "commander";
import { eprintln, type CliContext } from "./cli-context.js";
import { exitCodeOf, exitCodesHelp, ExitCode, messageOf } from "./cli-error.js";
import { collect, integer, keyValue, since } from "./option-parsers.js";

export const cliVersion = "0.1.0";

const clientEnvHelp = `Environment:
  PROMPTLINE_BASE_URL  the server (default http://localhost:8600); --base-url wins
  PROMPTLINE_API_KEY   an API key of that server; --api-key wins`;

const examples = (...lines: string[]) => `\nExamples:\n${lines.map((line) => `  $ ${line}`).join("\n")}\n`;

/** `--api-key` and `--base-url`, on every command that talks to a server. */
function withServerOptions(command: Command): Command {
  return command
    .option("--api-key <key>", "API key of the server (default: PROMPTLINE_API_KEY)")
    .option("--base-url <url>", "the server's URL (default: PROMPTLINE_BASE_URL, else http://localhost:8600)")
    .addHelpText("after", `\n${clientEnvHelp}\n\n${exitCodesHelp}`);
}

/**
 * The `promptline` command tree. Each action loads its command module on
 * demand, so `promptline run` doesn't load the server's database drivers.
 * Resolves to the exit code.
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = new Command("promptline")
    .description("Promptline: a self-hostable prompt registry and prompt runner.")
    .version(cliVersion, "-V, --version")
    .exitOverride()
    // Program options only before the command, so `run x --version 2` is run's --version, not the CLI's.
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
      outputError: (text, write) => write(context.errColors.red(text)),
    })
    .showHelpAfterError("(add --help for usage and examples)")
    .addHelpText(
      "after",
      `${examples(
        "promptline demo                                  # everything offline, no setup",
        "promptline serve --port 8600",
        "promptline push prompts/ --dry-run",
        "promptline run support-reply --var product=Acme --var question='Hi?' --stream",
        "promptline logs --prompt support-reply --since 1h --follow",
      )}\n${clientEnvHelp}\n\n${exitCodesHelp}`,
    );
  const act =
    <A extends unknown[]>(handler: (...args: A) => Promise<number>) =>
    async (...args: A) => {
      exitCode = await handler(...args);
    };

  program
    .command("serve")
    .description("Run the registry server (API and dashboard) until Ctrl-C")
    .option("-p, --port <port>", "port to listen on; 0 picks a free one (default: PROMPTLINE_PORT, else 8600)", integer("--port", 0, 65535))
    .option("--host <host>", "interface to listen on (default 127.0.0.1; 0.0.0.0 for every interface)")
    .option("--database <url>", "sqlite:./promptline.db (default; PROMPTLINE_DATABASE_URL) or postgres://user:pass@host/db")
    .option(
      "--retention-days <days>",
      "delete request logs and spans older than this, in the background; a workspace's own setting wins (default: PROMPTLINE_RETENTION_DAYS, else keep forever)",
      integer("--retention-days", 1, 36_500),
    )
    .addHelpText(
      "after",
      `\nOn a first start it creates an admin API key and prints it once. With
PROMPTLINE_API_KEY set, that key is created as an admin key instead (idempotent).
PROMPTLINE_SESSION_SECRET (32+ characters) signs dashboard sign-ins; without it
the server keeps a generated one in its database, so restarts and every instance
on the same database keep users signed in.
PROMPTLINE_RENDER_LIMITS (a JSON object, e.g. {"maxTimeMs": 5000}) raises the
template render limits (docs/reliability.md).
${examples("promptline serve", "promptline serve --retention-days 30", "promptline serve --port 9000 --database postgres://postgres@127.0.0.1:5432/promptline", "PROMPTLINE_API_KEY=$(openssl rand -hex 24) promptline serve --host 0.0.0.0")}
${exitCodesHelp}`,
    )
    .action(act(async (options) => (await import("./commands/serve.js")).serveCommand(context, options)));

  withServerOptions(
    program
      .command("push")
      .description("Publish prompt files (YAML or JSON, one prompt each); unchanged files create no version")
      .argument("<paths...>", "prompt files, or folders of .yaml/.yml/.json files")
      .option("--dry-run", "show what would change (a diff against the newest version, and every label move) and publish nothing")
      .option("--move-labels", "also move the files' release_labels to the pushed versions (without it they are reported, not moved)")
      .addHelpText(
        "after",
        `\nA prompt file holds prompt_name, prompt_template, metadata (model settings),
and optionally tags, commit_message and release_labels. release_labels move
only with --move-labels: \`pull\` writes a prompt's labels into the file, so a
plain push after an edit would otherwise promote it (e.g. move prod). Without
the flag, push prints each move it skipped; --dry-run prints each move it would
make or skip ("would move prod of welcome from v1 to v3").
${examples("promptline push examples/prompts", "promptline push prompts/support-reply.yaml --dry-run", "promptline push prompts/support-reply.yaml --move-labels")}`,
      ),
  ).action(act(async (paths: string[], options) => (await import("./commands/push.js")).pushCommand(context, paths, options)));

  withServerOptions(
    program
      .command("prompts")
      .description("List prompts: name, newest version, release labels, when the newest version was published (UTC)")
      .option("--search <text>", "only prompts whose name contains this")
      .option("--tag <tag>", "only prompts with this tag (repeatable)", collect)
      .option("--label <label>", "only prompts with this release label")
      .option("--archived", "the archived prompts instead (see `promptline archive`)")
      .option("--json", "one JSON object per line: name, latest_version, labels, updated_at, tags (and archived_at)")
      .addHelpText("after", examples("promptline prompts", "promptline prompts --label prod --json", "promptline prompts --archived")),
  ).action(act(async (options) => (await import("./commands/prompts.js")).promptsCommand(context, options)));

  for (const [action, description] of [
    ["archive", "Archive a prompt: it leaves the lists and can't run or take versions until unarchived (history and logs stay)"],
    ["unarchive", "Restore an archived prompt"],
  ] as const) {
    withServerOptions(
      program
        .command(action)
        .description(description)
        .argument("<name>", "the prompt's name")
        .addHelpText(
          "after",
          action === "archive"
            ? `\nA prompt with a protected label (prod) needs a deployer or admin key to archive.\n${examples("promptline archive old-support-reply")}`
            : examples("promptline unarchive old-support-reply"),
        ),
    ).action(act(async (name: string, options) => (await import("./commands/prompts.js")).archiveCommand(context, name, action === "archive", options)));
  }

  withServerOptions(
    program
      .command("pull")
      .description("Write a stored prompt version as a prompt file (<name>.yaml)")
      .argument("<name>", "the prompt's name")
      .option("-o, --out <dir>", "folder to write to (default: the current folder)")
      .option("--label <label>", "the version a release label points at")
      .option("--version <n>", "a version number (default: the newest)", integer("--version", 1))
      .option("--json", "write JSON instead of YAML")
      .addHelpText("after", examples("promptline pull support-reply --out prompts", "promptline pull support-reply --label prod")),
  ).action(act(async (name: string, options) => (await import("./commands/pull.js")).pullCommand(context, name, options)));

  withServerOptions(
    program
      .command("run")
      .description("Run a prompt: prints the answer, then the request id, tokens, cost and latency")
      .argument("<name>", "the prompt's name")
      .option("--var <key=value>", "an input variable (repeatable)", keyValue("--var", "topic=cats"))
      .option("--vars-file <file.json>", "input variables from a JSON object (--var wins)")
      .option("--label <label>", "run the version a release label points at")
      .option("--version <n>", "run this version (default: the newest)", integer("--version", 1))
      .option("--provider <provider>", "run on another provider (with --model)")
      .option("--model <model>", "run on another model")
      .option("--param <key=value>", "a model parameter override, JSON values (repeatable): --param temperature=0", keyValue("--param", "temperature=0"))
      .option("--tag <tag>", "a tag for the request log (repeatable)", collect)
      .option("--metadata <key=value>", "metadata for the request log (repeatable)", keyValue("--metadata", "user=ada"))
      .option("--stream", "print the answer as it streams")
      .option("--json", "print the whole result as JSON")
      .option("--dataset <rows.jsonl>", "run once per line of a JSONL file of variables, writing one result line per row")
      .option("--concurrency <n>", "runs at once with --dataset", integer("--concurrency", 1, 64), 4)
      .option("--out <file>", "results file of --dataset (default: <dataset>.results.jsonl)")
      .addHelpText(
        "after",
        `\nProvider keys come from the environment under each provider's own name:
OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, MISTRAL_API_KEY, AZURE_OPENAI_API_KEY, AWS_*.
The answer goes to stdout; the summary line to stderr. With --dataset, the exit
code is 1 when any row failed (each failure is in the results file).
${examples(
  "promptline run support-reply --var product=Acme --var question='Where is my order?'",
  "promptline run support-reply --label prod --vars-file vars.json --stream",
  "promptline run support-reply --provider anthropic --model claude-haiku-4-5 --param temperature=0",
  "promptline run support-reply --tag nightly --metadata user=ada --json",
  "promptline run support-reply --dataset questions.jsonl --concurrency 8",
)}`,
      ),
  ).action(act(async (name: string, options) => (await import("./commands/run.js")).runCommand(context, name, options)));

  withServerOptions(
    program
      .command("logs")
      .description("The request log as a table, oldest first; --follow for new requests as they come")
      .option("--prompt <name>", "only requests of this prompt")
      .option("--tag <tag>", "only requests with this tag (repeatable: all must match)", collect)
      .addOption(new Option("--status <status>", "only requests with this status").choices(["success", "error", "cancelled", "SUCCESS", "ERROR", "CANCELLED"]))
      .option("--since <when>", "only requests since a duration ago (30s, 15m, 1h, 2d) or a date", since(Date.now))
      .option("-n, --limit <n>", "how many of the newest requests to show", integer("--limit", 1, 500), 20)
      .option("-f, --follow", "keep printing new requests until Ctrl-C")
      .option("--json", "one JSON object per line instead of a table")
      .addHelpText("after", examples("promptline logs", "promptline logs --prompt support-reply --tag nightly --since 1h", "promptline logs --follow")),
  ).action(act(async (options) => (await import("./commands/logs.js")).logsCommand(context, options)));

  const keys = program
    .command("keys")
    .description("Create, list and revoke API keys (needs an admin key)")
    .addHelpText(
      "after",
      `\nRoles, each with the powers of the ones before it:
  runner    read and run prompts, write logs (an application's key)
  editor    also publish versions, move labels that are not protected
  deployer  also move, delete and publish onto protected labels (prod)
  admin     also manage keys and label protection
${examples("promptline keys create app --role runner", "promptline keys list", "promptline keys revoke 3")}\n${clientEnvHelp}\n\n${exitCodesHelp}`,
    );
  withServerOptions(
    keys
      .command("create")
      .description("Create an API key and print it (shown once)")
      .argument("[name]", "a name to recognise it by")
      .option("--name <name>", "the same as the [name] argument")
      .addOption(new Option("--role <role>", "what the key may do (default deployer)").choices(["runner", "editor", "deployer", "admin"]))
      .option("--admin", "an admin key: the same as --role admin")
      .option("--json", "print the key record as JSON")
      .addHelpText(
        "after",
        examples("promptline keys create app --role runner", "promptline keys create ci --role editor", "export PROMPTLINE_API_KEY=$(promptline keys create app --role runner)"),
      ),
  ).action(act(async (name: string | undefined, options) => (await import("./commands/keys.js")).keysCreateCommand(context, { ...options, ...(name !== undefined && { name }) })));
  withServerOptions(
    keys.command("list").description("List API keys with their roles, revoked ones included").option("--json", "print JSON").addHelpText("after", examples("promptline keys list")),
  ).action(act(async (options) => (await import("./commands/keys.js")).keysListCommand(context, options)));
  withServerOptions(
    keys
      .command("revoke")
      .description("Revoke an API key, at once")
      .argument("<id>", "the key's id (see keys list)", integer("<id>", 1))
      .addHelpText("after", examples("promptline keys revoke 3")),
  ).action(act(async (id: number, options) => (await import("./commands/keys.js")).keysRevokeCommand(context, id, options)));

  const label = program
    .command("label")
    .description("Move, split, roll back and review release labels")
    .addHelpText(
      "after",
      `${examples(
        "promptline label set support-reply staging 4",
        "promptline label set support-reply prod --split 3:90,4:10 --sticky-by user",
        "promptline label rollback support-reply prod",
        "promptline label history support-reply --label prod",
      )}\n${clientEnvHelp}\n\n${exitCodesHelp}`,
    );
  withServerOptions(
    label
      .command("set")
      .description("Point a label at a version, or split it between versions by weight")
      .argument("<name>", "the prompt's name")
      .argument("<label>", "the release label (created if new)")
      .argument("[version]", "the version it points at (or use --split)")
      .option("--split <version:weight,...>", "a weighted split between at least two versions, e.g. 3:90,4:10")
      .option("--sticky-by <key>", "with --split: runs with the same value of this metadata key get the same version")
      .option("--json", "print the label as JSON")
      .addHelpText(
        "after",
        `\nWeights are relative whole numbers. Runs without the sticky key get a version at
random by weight. Every move is recorded in the label history.
${examples("promptline label set support-reply prod 4", "promptline label set support-reply prod --split 3:90,4:10 --sticky-by user")}`,
      ),
  ).action(act(async (name: string, labelName: string, version: string | undefined, options) => (await import("./commands/label.js")).labelSetCommand(context, name, labelName, version, options)));
  withServerOptions(
    label
      .command("rollback")
      .description("Put a label back where it pointed before its last move (a version or a split)")
      .argument("<name>", "the prompt's name")
      .argument("<label>", "the release label")
      .option("--json", "print the label as JSON")
      .addHelpText("after", examples("promptline label rollback support-reply prod")),
  ).action(act(async (name: string, labelName: string, options) => (await import("./commands/label.js")).labelRollbackCommand(context, name, labelName, options)));
  withServerOptions(
    label
      .command("history")
      .description("Every move of a prompt's labels, oldest first: when, from what, to what, by which key")
      .argument("<name>", "the prompt's name")
      .option("--label <label>", "only this label")
      .option("--json", "print JSON")
      .addHelpText("after", examples("promptline label history support-reply", "promptline label history support-reply --label prod")),
  ).action(act(async (name: string, options) => (await import("./commands/label.js")).labelHistoryCommand(context, name, options)));

  program
    .command("fake-providers")
    .description("Run fake OpenAI, Anthropic, Gemini, Mistral, Azure and Bedrock servers for offline work")
    .option("-p, --port <port>", "port to listen on (default: a free one)", integer("--port", 0, 65535))
    .addHelpText(
      "after",
      `\nReplies echo the last user message. It prints the environment variables that
point the SDKs at the fakes.
${examples("promptline fake-providers --port 8700")}
${exitCodesHelp}`,
    )
    .action(act(async (options) => (await import("./commands/fake-providers.js")).fakeProvidersCommand(context, options)));

  program
    .command("demo")
    .description("The whole job offline: fake providers, a server on a fresh SQLite file, a prompt published, run and logged")
    .option("-p, --port <port>", "the server's port (default 8600, or a free one if taken)", integer("--port", 0, 65535))
    .option("--no-wait", "exit after the showcase instead of serving the dashboard until Ctrl-C")
    .addHelpText("after", `\nNo API keys and no network: the providers are local fakes.\n${examples("promptline demo", "npm start", "promptline demo --port 9000 --no-wait")}\n${exitCodesHelp}`)
    .action(act(async (options) => (await import("./commands/demo.js")).demoCommand(context, options)));

  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    eprintln(context, context.errColors.red(`error: ${messageOf(error)}`));
    return exitCodeOf(error);
  }
}
