import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer } from "@promptline/server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDashboard, chromiumPath, dashboardDist, launchChromium, repoRoot } from "./helpers/dashboard-browser.js";

/**
 * Archiving from the dashboard (issue 19), in Debian's Chromium: the prompt
 * page archives after a confirmation and says why the prompt can't run, the
 * list leaves it out and shows it under "Show archived", and Unarchive brings
 * it back. Screenshots go to docs/screenshots/ (docs/dashboard.md).
 */

const screenshotDir = join(repoRoot, "docs/screenshots");
const adminKey = "pl_dashboard_archive_admin_key_012345";

if (!existsSync(chromiumPath)) {
  if (process.env.CI) {
    describe("archiving in the dashboard", () => {
      it("needs Chromium", () => {
        throw new Error(`Chromium is missing at ${chromiumPath}: .ci/run installs it with apt-get install chromium.`);
      });
    });
  } else {
    console.warn(`[dashboard-archive.test] skipped: no Chromium at ${chromiumPath}.`);
    describe.skip("archiving in the dashboard", () => {
      it("needs Chromium", () => undefined);
    });
  }
} else {
  describe("archiving in the dashboard", () => {
    let server: RunningServer;
    let browser: Browser;
    let page: Page;
    let dataDir: string;

    const archivedAt = async (name: string) => {
      const response = await fetch(`${server.url}/api/v1/prompts/${name}`, { headers: { "x-api-key": adminKey } });
      return ((await response.json()) as { prompt: { archived_at: string | null } }).prompt.archived_at;
    };

    beforeAll(async () => {
      mkdirSync(screenshotDir, { recursive: true });
      await buildDashboard();
      dataDir = mkdtempSync(join(tmpdir(), "promptline-dashboard-archive-"));
      server = await startServer({ database: `sqlite:${join(dataDir, "promptline.db")}`, port: 0, apiKey: adminKey, dashboardDir: dashboardDist });
      for (const name of ["old-digest", "weekly-report"]) {
        const response = await fetch(`${server.url}/api/v1/prompts`, {
          method: "POST",
          headers: { "x-api-key": adminKey, "content-type": "application/json" },
          body: JSON.stringify({
            prompt_name: name,
            prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Summarise {topic}" }] }] },
            metadata: { model: { provider: "openai", name: "gpt-4o-mini" } },
          }),
        });
        expect(response.status).toBe(201);
      }
      browser = await launchChromium();
      page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      await page.goto(`${server.url}/login`);
      await page.locator("input[name=api_key]").fill(adminKey);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Prompts", exact: true }).waitFor();
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it("archives a prompt after a confirmation, lists it under Show archived, and unarchives it", { timeout: 60_000 }, async () => {
      await page.goto(`${server.url}/prompts/old-digest`);
      await page.getByRole("button", { name: "Archive", exact: true }).click();
      const dialog = page.getByRole("dialog");
      expect(await dialog.textContent()).toContain("Every run of it fails from now on");
      await dialog.getByRole("button", { name: "Archive", exact: true }).click();
      const banner = page.locator("[data-archived]");
      await banner.waitFor();
      expect(await banner.textContent()).toContain("it can't run and takes no new versions");
      expect(await archivedAt("old-digest")).toEqual(expect.any(String));
      // No "New version" for an archived prompt.
      expect(await page.getByRole("link", { name: "New version" }).count()).toBe(0);
      await page.screenshot({ path: join(screenshotDir, "prompt-archived.png"), fullPage: true });

      await page.goto(`${server.url}/prompts`);
      await page.getByRole("link", { name: "weekly-report" }).waitFor();
      expect(await page.getByRole("link", { name: "old-digest" }).count()).toBe(0);
      await page.getByRole("button", { name: "Show archived" }).click();
      await page.getByRole("link", { name: "old-digest" }).waitFor();
      expect(await page.getByRole("link", { name: "weekly-report" }).count()).toBe(0);
      await page.screenshot({ path: join(screenshotDir, "prompts-archived.png"), fullPage: true });

      await page.getByRole("link", { name: "old-digest" }).click();
      await page.getByRole("button", { name: "Unarchive" }).click();
      await page.locator("[data-archived]").waitFor({ state: "detached" });
      expect(await archivedAt("old-digest")).toBeNull();
    });
  });
}
