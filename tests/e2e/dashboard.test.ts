import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { knownProviders } from "@promptline/core";
import { startServer, type PlaygroundRunner, type RunningServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { Promptline } from "promptline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDashboard, chromiumPath, dashboardDist, launchChromium, repoRoot } from "./helpers/dashboard-browser.js";

/**
 * The dashboard in a real browser: Debian's Chromium driven by
 * playwright-core against a server on a SQLite file, with fake providers and
 * a playground runner built from the SDK. Screenshots of every page go to
 * test-results/screenshots/.
 */

const screenshotDir = join(repoRoot, "test-results/screenshots");
const apiKey = "pl_dashboard_test_key_0123456789abcdef";

if (!existsSync(chromiumPath)) {
  if (process.env.CI) {
    describe("dashboard in Chromium", () => {
      it("needs Chromium", () => {
        throw new Error(`Chromium is missing at ${chromiumPath}: .ci/run installs it with apt-get install chromium.`);
      });
    });
  } else {
    console.warn(`[dashboard.test] skipped: no Chromium at ${chromiumPath} (apt-get install chromium, or set PROMPTLINE_CHROMIUM).`);
    describe.skip("dashboard in Chromium", () => {
      it("needs Chromium", () => undefined);
    });
  }
} else {
  describe("dashboard in Chromium", () => {
    let fakes: FakeProviders;
    let server: RunningServer;
    let client: Promptline;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let dataDir: string;
    let shot = 0;

    const screenshot = async (name: string) => {
      await page.screenshot({ path: join(screenshotDir, `${String(++shot).padStart(2, "0")}-${name}.png`), fullPage: true });
    };
    const api = async (path: string) => {
      const response = await fetch(`${server.url}${path}`, { headers: { "x-api-key": apiKey } });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    beforeAll(async () => {
      mkdirSync(screenshotDir, { recursive: true });
      await buildDashboard();
      fakes = await startFakeProviders();
      dataDir = mkdtempSync(join(tmpdir(), "promptline-dashboard-"));
      // The runner's client needs the server's URL, known once it listens.
      const playground: PlaygroundRunner = {
        run: (input, { signal }) =>
          client.run({
            promptName: input.prompt_name,
            ...(input.version !== undefined && { promptVersion: input.version }),
            ...(input.label !== undefined && { promptReleaseLabel: input.label }),
            inputVariables: input.input_variables,
            ...(input.provider !== undefined && { provider: input.provider }),
            ...(input.model !== undefined && { model: input.model }),
            ...(input.parameters !== undefined && { modelParameterOverrides: input.parameters }),
            tags: input.tags,
            metadata: input.metadata,
            stream: true,
            signal,
          }),
        flush: () => client.flush(),
      };
      server = await startServer({ database: `sqlite:${join(dataDir, "promptline.db")}`, port: 0, apiKey, dashboardDir: dashboardDist, playground });
      client = new Promptline({ apiKey, baseURL: server.url, env: fakes.env, flushOnExit: false, cacheTtlSeconds: 0 });
      browser = await launchChromium();
      // A laptop's viewport.
      context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
      page = await context.newPage();
      page.on("pageerror", (error) => console.error("[browser]", error));
    }, 120_000);

    afterAll(async () => {
      await context?.close();
      await browser?.close();
      await client?.close({ timeoutMs: 2000 });
      await server?.close();
      await fakes?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it("signs in, publishes, diffs, moves a label, streams a playground run, finds it by tag and opens it", { timeout: 180_000 }, async () => {
      // ── sign in ─────────────────────────────────────────────────────────
      await page.goto(`${server.url}/prompts`);
      await page.getByRole("heading", { name: "Sign in", exact: true }).waitFor();
      await screenshot("login");
      await page.locator("input[name=api_key]").fill("pl_wrong_key");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect.poll(() => page.locator("#login-error").textContent()).toContain("not valid");
      await page.locator("input[name=api_key]").fill(apiKey);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Prompts", exact: true }).waitFor();

      const cookies = await context.cookies();
      const session = cookies.find((cookie) => cookie.name === "promptline_session");
      expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict" });
      expect(session?.value).not.toContain(apiKey);
      const storage = await page.evaluate(() => ({ local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }), cookie: document.cookie }));
      expect(storage).toEqual({ local: "{}", session: "{}", cookie: "" });
      // The cookie alone can't write: cross-site forms can't send the CSRF header.
      expect(await page.evaluate(() => fetch("/api/v1/groups", { method: "POST" }).then((response) => response.status))).toBe(401);
      await page.getByText("No prompts yet").waitFor();
      await screenshot("prompts-empty");

      // ── publish a prompt through the editor, with inline validation ─────
      await page.getByRole("link", { name: "New prompt" }).first().click();
      await page.getByRole("heading", { name: "New prompt", exact: true }).waitFor();
      // The editor offers exactly the providers publish accepts (core's one list).
      expect(await page.locator("select[name=provider] option").allTextContents()).toEqual([...knownProviders]);
      await page.locator("textarea[name=parameters]").fill("{ temperature: 1");
      await page.getByRole("button", { name: "Publish" }).click();
      await page.getByText("Give the prompt a name.").waitFor();
      await page.getByText("Not valid JSON").waitFor();
      await page.getByText("This message is empty.").waitFor();
      await screenshot("editor-validation");
      await page.locator("input[name=prompt_name]").fill("haiku");
      await page.locator("textarea[name=message-0]").fill("You are a poet. Answer in one haiku.");
      await page.locator("textarea[name=message-1]").fill("Write a haiku about {topic}");
      await page.locator("textarea[name=parameters]").fill('{ "temperature": 1 }');
      await page.locator("input[name=commit_message]").fill("First draft");
      await page.locator("input[name=release_labels]").fill("prod");
      await expect.poll(() => page.locator(".editor-side mark.var").allTextContents()).toEqual(["topic"]);
      await screenshot("editor");
      await page.getByRole("button", { name: "Publish" }).click();
      await page.getByRole("heading", { name: "Version 1", exact: true }).waitFor();
      expect(new URL(page.url()).pathname).toBe("/prompts/haiku");

      // ── a second version from the first ─────────────────────────────────
      await page.getByRole("link", { name: "New version" }).click();
      await page.getByRole("heading", { name: "New version", exact: true }).waitFor();
      await expect.poll(() => page.locator("textarea[name=message-0]").inputValue()).toBe("You are a poet. Answer in one haiku.");
      await page.locator("textarea[name=message-0]").fill("You are a calm poet. Answer in one short haiku.");
      await page.locator("textarea[name=parameters]").fill('{ "temperature": 0.3 }');
      await page.locator("input[name=commit_message]").fill("Calmer and shorter");
      await page.getByRole("button", { name: "Publish" }).click();
      await page.getByRole("heading", { name: "Version 2", exact: true }).waitFor();
      await page.locator(".message-card mark.var", { hasText: "{topic}" }).first().waitFor();
      await screenshot("prompt-version");

      // ── diff the two versions ───────────────────────────────────────────
      await page.getByRole("tab", { name: "Compare" }).click();
      await page.getByTestId("diff-summary").waitFor();
      expect(await page.getByTestId("diff-summary").textContent()).toBe("1 message changed · 1 setting changed");
      const changed = page.locator(".diff-message-changed");
      expect(await changed.locator(".diff-message-text").textContent()).toBe("You are a calm poet. Answer in one short haiku.");
      expect(await changed.locator("ins").allTextContents()).toEqual(["calm ", "short "]);
      expect(await page.locator("tr[data-changed] .diff-new").allTextContents()).toEqual(["0.3"]);
      await screenshot("diff");

      // ── move the prod label from v1 to v2, with confirmation ───────────
      await page.getByRole("tab", { name: "Labels" }).click();
      await page.getByRole("combobox", { name: "Move prod to version" }).selectOption("2");
      await page.getByRole("button", { name: "Move", exact: true }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByText("Move “prod” to v2?").waitFor();
      await screenshot("label-confirm");
      await dialog.getByRole("button", { name: "Promote" }).click();
      await page.locator(".timeline li", { hasText: "moved v1 → v2" }).waitFor();
      expect((await api("/api/v1/prompts/haiku/labels")).body.items).toEqual([expect.objectContaining({ name: "prod", prompt_version_number: 2 })]);
      await screenshot("labels");

      // ── another request, so that the tag filter has something to leave out
      await client.run({ promptName: "haiku", inputVariables: { topic: "rain" }, tags: ["batch"] });
      await client.flush();

      // ── playground: run the prod label, watch the answer stream ─────────
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Playground" }).click();
      await page.getByRole("heading", { name: "Playground", exact: true }).waitFor();
      await page.locator("select[name=selector]").selectOption("label:prod");
      await page.locator("textarea[name=var-topic]").waitFor();
      fakes.queue("openai", { eventDelayMs: 120 });
      await page.locator("textarea[name=var-topic]").fill("otters");
      // Record every text the answer bubble shows while it streams.
      await page.evaluate(() => {
        const states: string[] = [];
        (window as unknown as { answerStates: string[] }).answerStates = states;
        new MutationObserver(() => {
          const text = document.querySelector("[data-testid=answer] .block-text")?.textContent ?? "";
          if (text && states.at(-1) !== text) states.push(text);
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await page.getByRole("button", { name: /^Run/ }).click();
      await page.getByRole("link", { name: "View logged request →" }).waitFor();
      const answer = "Echo: Write a haiku about otters";
      expect(await page.getByTestId("answer").locator(".block-text").textContent()).toBe(answer);
      const states = await page.evaluate(() => (window as unknown as { answerStates: string[] }).answerStates);
      const intermediate = states.filter((text) => text !== answer);
      expect(intermediate.length).toBeGreaterThanOrEqual(2);
      for (const text of intermediate) expect(answer.startsWith(text)).toBe(true);
      await screenshot("playground");

      // ── find the run in the log by its tag ──────────────────────────────
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Requests" }).click();
      await page.getByRole("heading", { name: "Requests", exact: true }).waitFor();
      await expect.poll(() => page.locator(".table-requests tbody tr").count()).toBe(2);
      await page.locator("input[name=tag]").fill("playground");
      await page.locator("input[name=tag]").press("Enter");
      await expect.poll(() => page.locator(".table-requests tbody tr").count()).toBe(1);
      const row = page.locator(".table-requests tbody tr").first();
      expect(await row.textContent()).toContain("haiku");
      expect(await row.locator(".chip-tag").allTextContents()).toEqual(["playground"]);
      expect(await row.textContent()).toContain("v2");
      await page.locator(".chart-svg rect.chart-bar").first().waitFor();
      await screenshot("requests");

      // ── open it: the conversation as bubbles ────────────────────────────
      await row.getByRole("link").first().click();
      await page.locator(".message-bubble.role-assistant").waitFor();
      expect(await page.locator(".message-bubble.role-assistant .block-text").textContent()).toBe(answer);
      expect(await page.locator(".message-bubble.role-user .block-text").textContent()).toBe("Write a haiku about otters");
      expect(await page.locator(".props mark.var", { hasText: "topic" }).count()).toBe(1);
      await screenshot("request");

      // A reload of a client route is served index.html; `/` focuses the search box.
      await page.goto(`${server.url}/prompts`);
      await page.getByRole("link", { name: "haiku" }).waitFor();
      await page.keyboard.press("/");
      expect(await page.evaluate(() => document.activeElement?.getAttribute("type"))).toBe("search");
      await screenshot("prompts");
    });

    it("shows a run's warnings on its request page", { timeout: 60_000 }, async () => {
      // Signed in by the test above; o3 takes no temperature, so the run drops it with a warning.
      const warned = new Promptline({ apiKey, baseURL: server.url, env: fakes.env, flushOnExit: false, onWarning: () => undefined });
      try {
        const result = await warned.run({ promptName: "haiku", inputVariables: { topic: "otters" }, model: "o3", modelParameterOverrides: { temperature: 0.3 } });
        expect(result.warnings.length).toBeGreaterThan(0);
        await warned.flush();
        await page.goto(`${server.url}/requests/${result.request_id}`);
        const callout = page.getByRole("note", { name: "Warnings" });
        await callout.waitFor();
        expect(await callout.locator("li").allTextContents()).toEqual(result.warnings);
        await screenshot("request-warnings");
      } finally {
        await warned.close({ timeoutMs: 2000 });
      }
    });

    it("lists a run's attempts when its model failed and a fallback answered", { timeout: 60_000 }, async () => {
      const chained = new Promptline({ apiKey, baseURL: server.url, env: fakes.env, flushOnExit: false, onWarning: () => undefined, providerOptions: { maxRetries: 0 } });
      try {
        fakes.fault("openai", { status: 503 });
        const result = await chained.run({ promptName: "haiku", inputVariables: { topic: "otters" }, fallbacks: [{ provider: "anthropic", model: "claude-3-5-haiku-latest" }] });
        await chained.flush();
        await page.goto(`${server.url}/requests/${result.request_id}`);
        const attempts = page.getByRole("region", { name: "Attempts" });
        await attempts.waitFor();
        const rows = await attempts.locator("tbody tr").allTextContents();
        expect(rows).toHaveLength(2);
        expect(rows[0]).toContain("openai");
        expect(rows[0]).toContain("error");
        expect(rows[0]).toContain("PROVIDER_ERROR");
        expect(rows[1]).toContain("anthropic · claude-3-5-haiku-latest");
        expect(rows[1]).toContain("success");
        await screenshot("request-attempts");
      } finally {
        await chained.close({ timeoutMs: 2000 });
      }
    });
  });
}
