import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, type RunningServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The official PromptLayer Python SDK 1.5.14, unchanged (vendored in
// ../shared/vendor/promptlayer-python with the pure-Python pieces Debian
// lacks), driven by tests/e2e/python/promptlayer_sdk_checks.py with Debian's
// /usr/bin/python3 against a real server and the fake OpenAI, through the
// real `openai` Python package. Sync and async clients alike.

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
/** The vendored SDK: `<repo>/../shared/vendor/promptlayer-python` (the clone's sibling in CI), or PROMPTLAYER_PYTHON_SDK_DIR. */
const vendorDir = process.env.PROMPTLAYER_PYTHON_SDK_DIR ?? join(repoRoot, "../shared/vendor/promptlayer-python");
const python = process.env.PROMPTLINE_PYTHON ?? "/usr/bin/python3";
const script = join(repoRoot, "tests/e2e/python/promptlayer_sdk_checks.py");
const aptPackages = "python3-requests python3-httpx python3-cachetools python3-tenacity python3-jinja2 python3-nest-asyncio python3-rich python3-pydantic python3-anyio python3-distro python3-sniffio";
const apiKey = "pl_python_sdk_e2e_key_0123456789";

const pythonPath = ["te", "shims", "oai", "site"].map((part) => join(vendorDir, "src", part)).join(":");

/** Why the Python SDK can't run here, or undefined when it can. */
function missingPrerequisite(): string | undefined {
  if (!existsSync(python)) return `${python} is missing: apt-get install python3 (${aptPackages}).`;
  if (!existsSync(join(vendorDir, "src/site/promptlayer"))) {
    return `the vendored SDK is missing at ${vendorDir}: set PROMPTLAYER_PYTHON_SDK_DIR to the folder of vendor/promptlayer-python.`;
  }
  const probe = spawnSync(python, ["-c", "import promptlayer, openai"], { env: { PATH: process.env.PATH ?? "", PYTHONPATH: pythonPath }, encoding: "utf8", cwd: repoRoot });
  if (probe.status !== 0) return `the SDK does not import (${probe.stderr.trim().split("\n").at(-1)}): .ci/run installs ${aptPackages}.`;
  return undefined;
}

interface Outcome<T = unknown> {
  ok: boolean;
  value?: T;
  error_class?: string;
  message?: string;
  trace?: string;
}
type Results = Record<string, Outcome>;

interface Blueprint {
  prompt_template: { messages: { role: string; content: { type: string; text?: string }[] }[] };
}

const answerOf = (blueprint: Blueprint | undefined) => blueprint?.prompt_template.messages.at(-1)?.content.at(-1)?.text;

const missing = missingPrerequisite();

if (missing) {
  if (process.env.CI) {
    describe("the official PromptLayer Python SDK", () => {
      it("needs Python and the vendored SDK", () => {
        throw new Error(missing);
      });
    });
  } else {
    console.warn(`[promptlayer-python-sdk.test] skipped: ${missing}`);
    describe.skip("the official PromptLayer Python SDK", () => {
      it("needs Python and the vendored SDK", () => undefined);
    });
  }
} else {
  describe("the official PromptLayer Python SDK 1.5.14 against Promptline", () => {
    let fakes: FakeProviders;
    let server: RunningServer;

    beforeAll(async () => {
      fakes = await startFakeProviders();
      server = await startServer({ database: "sqlite::memory:", port: 0, apiKey, logError: () => undefined });
    });

    afterAll(async () => {
      await server?.close();
      await fakes?.close();
    });

    /** Runs the checks script (asynchronously: the in-process server must keep answering). */
    function runChecks(mode: "sync" | "async"): Promise<Results> {
      const env = {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        PYTHONPATH: pythonPath,
        PYTHONDONTWRITEBYTECODE: "1",
        PROMPTLAYER_BASE_URL: server.url,
        PROMPTLAYER_API_KEY: apiKey,
        OPENAI_BASE_URL: fakes.env.OPENAI_BASE_URL!,
        OPENAI_API_KEY: fakes.env.OPENAI_API_KEY!,
      };
      return new Promise((resolve, reject) => {
        execFile(python, [script, mode], { env, cwd: repoRoot, maxBuffer: 32 * 1024 * 1024, timeout: 240_000 }, (error, stdout, stderr) => {
          if (error) {
            reject(new Error(`${python} ${script} ${mode} failed: ${error.message}\n${stderr}`));
            return;
          }
          try {
            resolve(JSON.parse(stdout) as Results);
          } catch {
            reject(new Error(`not JSON from the checks script:\n${stdout}\n${stderr}`));
          }
        });
      });
    }

    async function stored(id: unknown): Promise<Record<string, unknown>> {
      const response = await fetch(`${server.url}/api/v1/requests/${String(id)}`, { headers: { "x-api-key": apiKey } });
      expect(response.status, `GET /api/v1/requests/${String(id)}`).toBe(200);
      return (await response.json()) as Record<string, unknown>;
    }

    /** The outcome of one step, failing with the Python traceback when it raised. */
    function step<T>(results: Results, name: string): T {
      const outcome = results[name];
      expect(outcome, `step ${name} did not run`).toBeDefined();
      expect(outcome!.ok, `${name} raised ${outcome!.error_class}: ${outcome!.message}\n${outcome!.trace ?? ""}`).toBe(true);
      return outcome!.value as T;
    }

    for (const mode of ["sync", "async"] as const) {
      describe(`${mode === "sync" ? "PromptLayer" : "AsyncPromptLayer"}`, () => {
        let results: Results;
        const name = `py-${mode}/greeting`;
        const prompt = "Greet Ada; it costs 10.00 or 10.0";

        beforeAll(async () => {
          fakes.reset();
          results = await runChecks(mode);
        }, 300_000);

        it("templates.publish: a `/` in the name, release_labels null, then with a label", () => {
          expect(step<Record<string, unknown>>(results, "publish")).toMatchObject({ prompt_name: name, version_number: 1 });
          expect(step<Record<string, unknown>>(results, "publish_labelled")).toMatchObject({ prompt_name: name, version_number: 2, release_labels: ["prod"] });
        });

        it("templates.get: rendered as Python would (a float stays 10.0), with the api_type its run() needs", () => {
          const got = step<{ version: number; prompt_template: Blueprint["prompt_template"]; metadata: { model: Record<string, unknown> }; llm_kwargs: Record<string, unknown> }>(results, "get");
          expect(got.version).toBe(2);
          expect(got.prompt_template.messages[1]?.content[0]?.text).toBe(prompt);
          expect(got.metadata.model).toMatchObject({ provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions" });
          expect(step<{ version: number }>(results, "get_version").version).toBe(1);
        });

        it("templates.all, with and without a label", () => {
          expect(step<{ prompt_name: string }[]>(results, "all").map((item) => item.prompt_name)).toContain(name);
          expect(step<{ prompt_name: string }[]>(results, "all_prod").map((item) => item.prompt_name)).toContain(name);
        });

        it("run(): the fake OpenAI answers through the openai package, the request is logged", async () => {
          const run = step<{ request_id: number; prompt_blueprint: Blueprint }>(results, "run");
          expect(typeof run.request_id).toBe("number");
          expect(answerOf(run.prompt_blueprint)).toBe(`Echo: ${prompt}`);
          const row = await stored(run.request_id);
          expect(row).toMatchObject({ prompt_name: name, prompt_version: 2, status: "SUCCESS", provider: "openai", model: "gpt-4o-mini" });
          expect(row.tags).toEqual(["py-run"]);
          // track.* below changed it: metadata merged, scores, group, prompt.
          expect(row.metadata).toEqual({ user: "u1", reviewed: "yes" });
          expect(row.scores).toEqual({ default: 90, accuracy: 70 });
          expect(row.group_id).toBe(step<number>(results, "group_create"));
          // AsyncPromptLayer's track.prompt shifts its arguments in 1.5.14 (see below): only the sync one changes them.
          expect(row.input_variables).toEqual(mode === "sync" ? { name: "Bo" } : { name: "Ada", price: 10 });
        });

        it("run(stream=True): chunks as they come, then the request id and the whole blueprint", async () => {
          const streamed = step<{ count: number; request_id: number; prompt_blueprint: Blueprint; texts: (string | null)[] }>(results, "run_stream");
          expect(streamed.count).toBeGreaterThan(2);
          expect(streamed.texts.filter(Boolean).join("")).toBe(`Echo: ${prompt}`);
          expect(typeof streamed.request_id).toBe("number");
          expect(answerOf(streamed.prompt_blueprint)).toBe(`Echo: ${prompt}`);
          const row = await stored(streamed.request_id);
          expect(row).toMatchObject({ status: "SUCCESS", tags: ["py-stream"] });
        });

        it("track.* and group.create answer as the SDK expects", () => {
          expect(typeof step(results, "group_create")).toBe("number");
          for (const name of ["track_metadata", "track_score", "track_score_named", "track_group"]) expect(step(results, name), name).toBe(true);
          // 1.5.14's async track.prompt passes throw_on_error where request_id goes (track/track.py `aprompt` →
          // utils.py `apromptlayer_track_prompt`), so it sends request_id: true; the server answers 400, not a 5xx
          // (which the SDK would retry for 14 s), and the SDK returns False.
          expect(step(results, "track_prompt")).toBe(mode === "sync");
        });

        it("log_request: Python's defaults (price 0.0, score 0) are not taken as data", async () => {
          const logged = step<{ id: number }>(results, "log_request");
          const row = await stored(logged.id);
          expect(row.usage).toEqual({ input_tokens: 1000, output_tokens: 1000 });
          expect(row.cost_usd).toBeGreaterThan(0);
          expect(row.scores).toEqual({});
          expect(row.latency_ms).toBeCloseTo(1250, -1);
        });

        it("errors: 404 → PromptLayerNotFoundError, 401 → PromptLayerAuthenticationError", () => {
          expect(results.not_found).toMatchObject({ ok: false, error_class: "PromptLayerNotFoundError" });
          expect(results.unauthorized).toMatchObject({ ok: false, error_class: "PromptLayerAuthenticationError" });
        });
      });
    }
  });
}
