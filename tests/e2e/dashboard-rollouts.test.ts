import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer } from "@promptline/server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDashboard, chromiumPath, dashboardDist, launchChromium, repoRoot } from "./helpers/dashboard-browser.js";

/**
 * The dashboard's Rollout tab (issue 17) in Debian's Chromium: split a label
 * between versions with a sticky key and a segment, see each version's share,
 * compare the versions the label served from the request log over a range,
 * and roll back in one click. Screenshots go to
 * test-results/screenshots/rollout-*.png.
 */

const screenshotDir = join(repoRoot, "test-results/screenshots");
const apiKey = "pl_dashboard_rollout_key_0123456789ab";

if (!existsSync(chromiumPath)) {
  if (process.env.CI) {
    describe("rollout dashboard in Chromium", () => {
      it("needs Chromium", () => {
        throw new Error(`Chromium is missing at ${chromiumPath}: .ci/run installs it with apt-get install chromium.`);
      });
    });
  } else {
    console.warn(`[dashboard-rollouts.test] skipped: no Chromium at ${chromiumPath}.`);
    describe.skip("rollout dashboard in Chromium", () => {
      it("needs Chromium", () => undefined);
    });
  }
} else {
  describe("rollout dashboard in Chromium", () => {
    let server: RunningServer;
    let browser: Browser;
    let page: Page;
    let dataDir: string;

    const screenshot = (name: string) => page.screenshot({ path: join(screenshotDir, `rollout-${name}.png`), fullPage: true });
    async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { "x-api-key": apiKey, "content-type": "application/json" },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return JSON.parse(text) as T;
    }
    const prod = async () => (await call<{ items: Record<string, unknown>[] }>("GET", "/api/v1/prompts/welcome/labels")).items.find((label) => label.name === "prod");

    beforeAll(async () => {
      mkdirSync(screenshotDir, { recursive: true });
      await buildDashboard();
      dataDir = mkdtempSync(join(tmpdir(), "promptline-rollout-dashboard-"));
      server = await startServer({ database: `sqlite:${join(dataDir, "promptline.db")}`, port: 0, apiKey, dashboardDir: dashboardDist });
      for (const [index, text] of ["Hello {name}", "Hi {name}!", "Hey {name}, welcome"].entries()) {
        await call("POST", "/api/v1/prompts", {
          prompt_name: "welcome",
          prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text }] }] },
          metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } },
          commit_message: `wording ${index + 1}`,
          ...(index === 0 && { release_labels: ["prod"] }),
        });
      }
      // What the label served: 18 requests of v1 (1 error), 6 of v3 (2 errors), scored.
      const records = Array.from({ length: 24 }, (_, index) => {
        const version = index < 18 ? 1 : 3;
        return {
          request_id: `rollout-${index}`,
          prompt_name: "welcome",
          prompt_label: "prod",
          prompt_version: version,
          status: (version === 1 ? index === 5 : index >= 22) ? "ERROR" : "SUCCESS",
          provider: "openai",
          model: "gpt-4o-mini",
          latency_ms: version === 1 ? 300 + index * 10 : 900 + index * 20,
          usage: { input_tokens: 40, output_tokens: version === 1 ? 12 : 30 },
          cost_usd: version === 1 ? 0.0001 : 0.0004,
          metadata: { user: `user-${index}` },
        };
      });
      await call("POST", "/api/v1/requests:batch", { records });
      await call("POST", "/api/v1/requests/rollout-0/score", { score: 80 });
      await call("POST", "/api/v1/requests/rollout-20/score", { score: 40 });
      browser = await launchChromium();
      page = await (await browser.newContext({ viewport: { width: 1366, height: 860 } })).newPage();
      page.on("pageerror", (error) => console.error("[browser]", error));
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it("splits prod 90/10 with a sticky key and a segment, shows the shares, compares the versions served, and rolls back in one click", { timeout: 120_000 }, async () => {
      await page.goto(`${server.url}/login`);
      await page.locator("input[name=api_key]").fill(apiKey);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Prompts", exact: true }).waitFor();

      await page.goto(`${server.url}/prompts/welcome?tab=rollout`);
      await page.getByRole("heading", { name: "What each label serves" }).waitFor();
      // The comparison of what prod served, side by side.
      const comparison = page.getByRole("table", { name: "Version comparison" });
      await comparison.waitFor();
      const rows = await comparison.locator("tbody tr").allInnerTexts();
      expect(rows.map((row) => row.split("\t").map((cell) => cell.trim()))).toEqual([
        ["v1", "18", "5.6%", "380 ms", "470 ms", "720 / 216", "$0.00180", "80.0"],
        ["v3", "6", "33.3%", "1.30 s", "1.36 s", "240 / 180", "$0.00240", "40.0"],
      ]);
      await screenshot("comparison");

      // The split editor: v1 90 / v3 10, sticky by user, beta users on v2.
      await page.getByLabel("Split version 1").selectOption("1");
      await page.getByLabel("Split version 2").selectOption("3");
      await page.getByLabel("Weight of split entry 1").fill("90");
      await page.getByLabel("Weight of split entry 2").fill("10");
      await page.locator("input[name=sticky_by]").fill("user");
      await page.getByRole("button", { name: "Add segment" }).click();
      await page.getByLabel("Segment 1 metadata").fill("plan=beta");
      await page.getByLabel("Segment 1 version").selectOption("2");
      await screenshot("split-editor");
      await page.getByRole("button", { name: "Save split" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Save split" }).click();
      await page.getByRole("dialog").waitFor({ state: "detached" });

      await expect.poll(prod).toMatchObject({
        split: [
          { version: 1, weight: 90 },
          { version: 3, weight: 10 },
        ],
        sticky_by: "user",
        segments: [{ metadata: { plan: "beta" }, version: 2 }],
      });
      const shares = page.getByLabel("prod split");
      await shares.waitFor();
      expect(await shares.innerText()).toMatch(/v1\s*90%[\s\S]*v3\s*10%[\s\S]*sticky by\s*user[\s\S]*plan=beta → v2/);
      await screenshot("split-shares");

      // One click (and a confirmation) back to where prod was before the split.
      await page.getByRole("row", { name: /prod/ }).getByRole("button", { name: "Roll back" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Roll back" }).click();
      await page.getByRole("dialog").waitFor({ state: "detached" });
      await expect.poll(prod).toMatchObject({ version: 1 });
      expect((await prod())?.split).toBeUndefined();
      await page.getByLabel("prod split").waitFor({ state: "detached" });
      const history = await call<{ items: { from_version: number; to_version: number; to_routing: unknown }[] }>("GET", "/api/v1/prompts/welcome/labels/history?label=prod");
      expect(history.items.map((move) => [move.from_version, move.to_version, move.to_routing === null ? "one" : "split"])).toEqual([
        [null, 1, "one"],
        [1, 1, "split"],
        [1, 1, "one"],
      ]);
      await screenshot("rolled-back");
    });
  });
}
