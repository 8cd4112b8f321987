/**
 * The render worker of the *built* package: `promptline serve` from
 * `packages/cli/dist` renders a long template in `dist/render/render-worker.js`
 * (no TypeScript, no hooks), with the limits of `PROMPTLINE_RENDER_LIMITS`,
 * and keeps answering `/healthz` meanwhile. The tests of the sources
 * (`packages/server/src/render/render-pool.test.ts`) start the same worker
 * through `source-worker.mjs`.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { baseEnv, buildCli, runCli, startCli, type RunningCli } from "./cli-harness.js";

vi.setConfig({ testTimeout: 90_000 });

const apiKey = "pl_render_worker_built_test_key_0123456789";
/** Only the wall-time limit stops it: 10¹² iterations. */
const endless = "{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}x{% endfor %}{% endfor %}{% endfor %}";

let server: RunningCli;
let url: string;

const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

beforeAll(async () => {
  await buildCli();
  const limits = { maxSteps: 1e12, maxBuiltLength: 1e12, maxOutputLength: 1e9, maxTimeMs: 1500 };
  server = startCli(["serve", "--port", "0", "--database", "sqlite::memory:"], {
    env: baseEnv({ PROMPTLINE_API_KEY: apiKey, PROMPTLINE_RENDER_LIMITS: JSON.stringify(limits) }),
  });
  [, url] = (await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/)) as unknown as [string, string];
  await server.waitFor(/Ctrl-C/);
}, 180_000);

afterAll(async () => {
  await server?.stop("SIGTERM");
});

describe("the built server's render worker", () => {
  it("renders a long template off the event loop, stopped by the operator's maxTimeMs, while /healthz answers", async () => {
    const template = {
      prompt_template: { type: "chat", messages: [{ role: "user", template_format: "jinja2", content: [{ type: "text", text: endless }] }] },
      metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } },
    };
    const published = await call("POST", "/rest/prompt-templates", { prompt_template: { prompt_name: "endless", ...template }, prompt_version: template });
    expect(published.status).toBe(201);

    let renderDone = false;
    const rendering = call("POST", "/prompt-templates/endless", {}).then((result) => {
      renderDone = true;
      return result;
    });
    // The render holds a worker for 1.5 s once the worker is up; the event loop stays free.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(renderDone).toBe(false);

    const result = await rendering;
    // 400 naming the operator's limit (1500, not the 25 ms slice of the event loop): the worker rendered it.
    expect(result.status).toBe(400);
    expect(result.json.error.code).toBe("template_limit");
    expect(result.json.error.limit).toBe("maxTimeMs");
    expect(result.json.error.limit_value).toBe(1500);
  });

  it("refuses a PROMPTLINE_RENDER_LIMITS that isn't a JSON object of known limits, naming the variable", async () => {
    for (const value of ["{nope", '{"maxSteps": -1}', '{"maxBananas": 5}', "[1]"]) {
      const result = await runCli(["serve", "--port", "0", "--database", "sqlite::memory:"], {
        env: baseEnv({ PROMPTLINE_API_KEY: apiKey, PROMPTLINE_RENDER_LIMITS: value }),
      });
      expect(result.code, value).toBe(2);
      expect(result.stderr).toContain("PROMPTLINE_RENDER_LIMITS");
    }
  });
});
