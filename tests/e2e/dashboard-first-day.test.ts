import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sdkPlayground } from "@promptline/cli";
import { startServer, type RunningServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { Promptline } from "promptline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDashboard, chromiumPath, dashboardDist, launchChromium, repoRoot } from "./helpers/dashboard-browser.js";

/**
 * A newcomer's first day in the dashboard (issue 19), in Debian's Chromium:
 * the playground edits and runs a draft without publishing, shows tokens,
 * cost and latency, runs two models side by side, saves the draft as a
 * version (editors; runners may only run), and says which variable is
 * missing on which process; compare is a prompt-aware diff, by version or
 * label; the requests page has a request-id box, filters that apply as you
 * type, "not found" pages, an honest empty chart and a refused connection
 * named as such. The playground is the one `promptline serve` wires
 * (`sdkPlayground`), with no Anthropic key in its environment. Screenshots
 * go to docs/screenshots/ (the user guide, docs/dashboard.md, shows them).
 */

const screenshotDir = join(repoRoot, "docs/screenshots");
const adminKey = "pl_first_day_admin_key_0123456789abcdef";

const chat = (system: string, user: string) => ({
  type: "chat",
  messages: [
    { role: "system", content: [{ type: "text", text: system }] },
    { role: "user", content: [{ type: "text", text: user }] },
  ],
});

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

if (!existsSync(chromiumPath)) {
  if (process.env.CI) {
    describe("dashboard first day in Chromium", () => {
      it("needs Chromium", () => {
        throw new Error(`Chromium is missing at ${chromiumPath}: .ci/run installs it with apt-get install chromium.`);
      });
    });
  } else {
    console.warn(`[dashboard-first-day.test] skipped: no Chromium at ${chromiumPath}.`);
    describe.skip("dashboard first day in Chromium", () => {
      it("needs Chromium", () => undefined);
    });
  }
} else {
  describe("dashboard first day in Chromium", () => {
    let fakes: FakeProviders;
    let server: RunningServer;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let dataDir: string;
    let runnerKey: string;

    const screenshot = (target: Page, name: string) => target.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
    const api = async (method: string, path: string, body?: unknown, key = adminKey) => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { "x-api-key": key, ...(body !== undefined && { "content-type": "application/json" }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> & { items?: Array<Record<string, unknown>> } };
    };
    const signIn = async (target: Page, key: string) => {
      await target.goto(`${server.url}/login`);
      await target.locator("input[name=api_key]").fill(key);
      await target.getByRole("button", { name: "Sign in" }).click();
      await target.getByRole("heading", { name: "Prompts", exact: true }).waitFor();
    };
    /** The request id a "View logged request" link points at. */
    const loggedRequestId = async (lane: ReturnType<Page["getByRole"]>) => (await lane.getByRole("link", { name: "View logged request →" }).getAttribute("href"))!.split("/").at(-1)!;

    beforeAll(async () => {
      mkdirSync(screenshotDir, { recursive: true });
      await buildDashboard();
      fakes = await startFakeProviders();
      dataDir = mkdtempSync(join(tmpdir(), "promptline-first-day-"));
      // The server's environment has every fake provider's key but Anthropic's.
      const env = Object.fromEntries(Object.entries(fakes.env).filter(([name]) => name !== "ANTHROPIC_API_KEY"));
      server = await startServer({ database: `sqlite:${join(dataDir, "promptline.db")}`, port: 0, apiKey: adminKey, dashboardDir: dashboardDist, playground: sdkPlayground({ env }) });
      const model = (temperature: number) => ({ model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature } } });
      expect((await api("POST", "/api/v1/prompts", { prompt_name: "haiku", prompt_template: chat("You are a poet. Answer in one haiku.", "Write a haiku about {topic}"), metadata: model(1), commit_message: "First", release_labels: ["prod"] })).status).toBeLessThan(300);
      expect((await api("POST", "/api/v1/prompts", { prompt_name: "haiku", prompt_template: chat("You are a calm poet. Answer in one short haiku.", "Write a haiku about {topic}"), metadata: model(0.3), commit_message: "Calmer", release_labels: ["staging"] })).status).toBeLessThan(300);
      const created = await api("POST", "/api/v1/keys", { name: "app", role: "runner" });
      runnerKey = created.body.key as string;
      browser = await launchChromium();
      context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
      page = await context.newPage();
      page.on("pageerror", (error) => console.error("[browser]", error));
      await signIn(page, adminKey);
    }, 120_000);

    afterAll(async () => {
      await context?.close();
      await browser?.close();
      await server?.close();
      await fakes?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it("the playground edits messages and parameters and runs the draft without publishing, with tokens, cost and latency beside the answer", { timeout: 60_000 }, async () => {
      await page.goto(`${server.url}/playground?prompt=haiku&version=1`);
      const user = page.locator("textarea[name=draft-message-1]");
      await user.waitFor();
      expect(await user.inputValue()).toBe("Write a haiku about {topic}");
      await user.fill("Write a limerick about {topic}");
      await page.locator("textarea[name=parameters]").fill('{ "temperature": 0.2 }');
      await page.getByTestId("draft-badge").waitFor();
      await page.locator("textarea[name=var-topic]").fill("otters");
      await page.getByRole("button", { name: /^Run draft/ }).click();
      const answer = page.getByRole("region", { name: "Answer", exact: true });
      await answer.getByTestId("metrics").waitFor();
      expect(await answer.getByTestId("answer").locator(".block-text").textContent()).toBe("Echo: Write a limerick about otters");
      const metrics = await answer.getByTestId("metrics").textContent();
      expect(metrics).toContain("openai · gpt-4o-mini");
      expect(metrics).toMatch(/Tokens in → out\d+ → \d+/);
      expect(metrics).toMatch(/Cost\$\d/);
      expect(metrics).toMatch(/Latency\d+(\.\d+)? m?s/);
      await screenshot(page, "playground-draft");

      // Nothing was published; the run is logged as a draft of v1, with the draft's parameters.
      expect((await api("GET", "/api/v1/prompts/haiku")).body.versions).toHaveLength(2);
      const logged = await api("GET", `/api/v1/requests/${await loggedRequestId(answer)}`);
      expect(logged.body).toMatchObject({ prompt_name: "haiku", prompt_version: null, metadata: { playground_draft_of: "v1" }, tags: ["playground"], status: "SUCCESS" });
      expect(JSON.stringify(logged.body.request)).toContain('"temperature":0.2');
    });

    it("runs two versions on two models side by side", { timeout: 60_000 }, async () => {
      await page.goto(`${server.url}/playground?prompt=haiku&label=prod`);
      await page.locator("textarea[name=var-topic]").fill("rain");
      await page.locator("input[name=side-by-side]").check();
      await page.locator("select[name=companion-source]").selectOption("label:staging");
      await page.locator("input[name=companion-model]").fill("gpt-4o");
      await page.getByRole("button", { name: /^Run both/ }).click();
      const main = page.getByRole("region", { name: "Answer", exact: true });
      const side = page.getByRole("region", { name: "Side-by-side answer" });
      await main.getByTestId("metrics").waitFor();
      await side.getByTestId("metrics-side").waitFor();
      expect(await main.getByRole("heading").textContent()).toBe("prod (v1)");
      expect(await side.getByRole("heading").textContent()).toBe("staging on gpt-4o");
      expect(await main.getByTestId("metrics").textContent()).toContain("gpt-4o-mini");
      expect(await side.getByTestId("metrics-side").textContent()).toContain("openai · gpt-4o");
      expect(await side.getByTestId("metrics-side").textContent()).not.toContain("gpt-4o-mini");
      const sideLog = await api("GET", `/api/v1/requests/${await loggedRequestId(side)}`);
      expect(sideLog.body).toMatchObject({ prompt_version: 2, prompt_label: "staging", model: "gpt-4o" });
      await screenshot(page, "playground-side-by-side");
    });

    it("says which variable is missing on which process when the server has no provider key", { timeout: 60_000 }, async () => {
      await page.goto(`${server.url}/playground?prompt=haiku&version=2`);
      await page.locator("select[name=draft-provider]").selectOption("anthropic");
      await page.locator("input[name=draft-model]").fill("claude-3-5-haiku-latest");
      await page.locator("textarea[name=var-topic]").fill("snow");
      await page.getByRole("button", { name: /^Run draft/ }).click();
      const alert = page.getByRole("region", { name: "Answer", exact: true }).getByRole("alert");
      await alert.waitFor();
      const text = await alert.textContent();
      expect(text).toContain("No provider key on the server");
      expect(text).toContain("ANTHROPIC_API_KEY");
      expect(text).toContain(`pid ${process.pid}`);
      expect(text).not.toContain("Internal server error");
      await screenshot(page, "playground-missing-key");
    });

    it("lists the variables core lists: a field core can't read is an error, not a variable named `user`", { timeout: 60_000 }, async () => {
      await page.goto(`${server.url}/playground?prompt=haiku&version=2`);
      await page.locator("textarea[name=draft-message-1]").fill("Mail {user.email} a haiku");
      const alert = page.locator(".playground-form").getByRole("alert").filter({ hasText: "This template can't be read." });
      await alert.waitFor();
      expect(await alert.textContent()).toContain("user.email");
      expect(await page.locator("textarea[name=var-user]").count()).toBe(0);
      await screenshot(page, "playground-variables");
      await page.locator("textarea[name=draft-message-1]").fill("Mail {email} a haiku");
      await page.locator("textarea[name=var-email]").waitFor();
      expect(await alert.count()).toBe(0);
    });

    it("saves a draft as a new version for an editor; a runner runs drafts but is not offered to save", { timeout: 60_000 }, async () => {
      await page.goto(`${server.url}/playground?prompt=haiku&version=2`);
      await page.locator("textarea[name=draft-message-0]").fill("You are a poet who loves the sea.");
      await page.locator("input[name=commit_message]").fill("Sea poet, from the playground");
      await page.getByRole("button", { name: "Save as new version" }).click();
      await expect.poll(() => new URL(page.url()).searchParams.get("version")).toBe("3");
      await page.locator(".playground-form .card-head", { hasText: "v3" }).waitFor();
      expect(await page.getByTestId("draft-badge").count()).toBe(0);
      const saved = await api("GET", "/api/v1/prompts/haiku/template?version=3");
      expect(saved.body.version).toMatchObject({ commit_message: "Sea poet, from the playground", prompt_template: chat("You are a poet who loves the sea.", "Write a haiku about {topic}") });

      const runnerContext = await browser.newContext({ viewport: { width: 1366, height: 860 } });
      try {
        const runnerPage = await runnerContext.newPage();
        await signIn(runnerPage, runnerKey);
        await runnerPage.goto(`${server.url}/playground?prompt=haiku&version=3`);
        await runnerPage.locator("textarea[name=draft-message-1]").fill("Write two haiku about {topic}");
        await runnerPage.locator("textarea[name=var-topic]").fill("fog");
        await runnerPage.getByRole("button", { name: /^Run draft/ }).click();
        await runnerPage.getByRole("region", { name: "Answer", exact: true }).getByTestId("metrics").waitFor();
        expect(await runnerPage.getByTestId("answer").locator(".block-text").textContent()).toBe("Echo: Write two haiku about fog");
        expect(await runnerPage.getByRole("button", { name: "Save as new version" }).count()).toBe(0);
        await runnerPage.getByRole("note").filter({ hasText: "it can run drafts, not save them" }).waitFor();
        await screenshot(runnerPage, "playground-runner");
      } finally {
        await runnerContext.close();
      }
    });

    it("compares two labels as a prompt: messages word by word, parameters as a table", { timeout: 60_000 }, async () => {
      await page.goto(`${server.url}/prompts/haiku?tab=compare&from=prod&to=staging`);
      await page.getByTestId("diff-summary").waitFor();
      expect(await page.locator("select[name=from]").inputValue()).toBe("prod");
      expect(await page.locator("select[name=to]").inputValue()).toBe("staging");
      expect(await page.getByTestId("diff-summary").textContent()).toBe("1 message changed · 1 setting changed");
      const changed = page.locator(".diff-message-changed");
      expect(await changed.locator("ins").allTextContents()).toEqual(["calm ", "short "]);
      expect(await page.locator(".diff-message-same .diff-message-text").allTextContents()).toEqual(["Write a haiku about {topic}"]);
      const table = page.getByRole("region", { name: "Model and parameters" }).locator("table");
      expect(await table.locator("thead th").allTextContents()).toEqual(["Setting", "prod (v1)", "staging (v2)"]);
      expect(await table.locator("tr[data-changed]").allTextContents()).toEqual(["temperature10.3"]);
      await screenshot(page, "compare-labels");
    });

    it("the requests page: a request-id box, filters that apply as you type, an honest empty chart", { timeout: 60_000 }, async () => {
      const client = new Promptline({ apiKey: adminKey, baseURL: server.url, env: fakes.env, flushOnExit: false });
      let requestId: string;
      try {
        requestId = (await client.run({ promptName: "haiku", inputVariables: { topic: "moss" }, tags: ["batch"] })).request_id;
        await client.flush();
      } finally {
        await client.close({ timeoutMs: 2000 });
      }
      await page.goto(`${server.url}/requests`);
      const rows = page.locator(".table-requests tbody tr");
      await expect.poll(() => rows.count()).toBeGreaterThan(1);
      // Typing is enough: no Apply, no Enter.
      await page.locator("input[name=tag]").pressSequentially("batch");
      await expect.poll(() => rows.count()).toBe(1);
      expect(new URL(page.url()).searchParams.get("tag")).toBe("batch");
      await screenshot(page, "requests-filter-as-you-type");

      await page.locator("input[name=tag]").fill("no-such-tag");
      await page.locator("input[name=tag]").press("Enter");
      await page.getByText("No request matches these filters").waitFor();
      expect(await page.getByTestId("chart-empty").textContent()).toBe("No requests in this time range");
      expect(await page.locator(".chart").textContent()).not.toContain("max");
      await screenshot(page, "requests-empty-chart");

      await page.locator("input[name=request_id]").fill(requestId);
      await page.locator("input[name=request_id]").press("Enter");
      await page.locator(".message-bubble.role-assistant").waitFor();
      expect(new URL(page.url()).pathname).toBe(`/requests/${requestId}`);
      expect(await page.locator("header").textContent()).toContain(requestId);
    });

    it("unknown prompt and request pages say not found", { timeout: 60_000 }, async () => {
      await page.goto(`${server.url}/requests/no-such-request`);
      const alert = page.getByRole("alert");
      await alert.getByText("Not found.").waitFor();
      expect(await alert.textContent()).not.toContain("Something went wrong");
      expect(await alert.getByRole("link", { name: "All requests" }).getAttribute("href")).toBe("/requests");
      await screenshot(page, "request-not-found");
      await page.goto(`${server.url}/prompts/no-such-prompt`);
      await page.getByRole("alert").getByText("Not found.").waitFor();
      expect(await page.getByRole("alert").textContent()).toContain('Prompt "no-such-prompt"');
      expect(await page.getByRole("alert").getByRole("button", { name: "Try again" }).count()).toBe(0);
    });

    it("a refused connection to the provider is shown as such, not as UNKNOWN_ERROR", { timeout: 60_000 }, async () => {
      const port = await closedPort();
      const client = new Promptline({
        apiKey: adminKey,
        baseURL: server.url,
        env: { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` },
        flushOnExit: false,
        providerOptions: { maxRetries: 0 },
      });
      let requestId: string | undefined;
      try {
        await client.run({ promptName: "haiku", inputVariables: { topic: "ice" } }).catch((error: { requestId?: string }) => {
          requestId = error.requestId;
        });
        await client.flush();
      } finally {
        await client.close({ timeoutMs: 2000 });
      }
      expect(requestId).toBeTruthy();
      await page.goto(`${server.url}/requests/${requestId}`);
      const alert = page.getByRole("alert");
      await alert.waitFor();
      expect(await alert.locator("strong").textContent()).toBe("Connection refused");
      expect(await alert.textContent()).toContain(`127.0.0.1:${port}`);
      await screenshot(page, "request-connection-refused");
    });
  });
}
