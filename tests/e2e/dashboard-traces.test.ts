import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer } from "@promptline/server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDashboard, chromiumPath, dashboardDist, launchChromium, repoRoot } from "./helpers/dashboard-browser.js";

/**
 * The trace view in a real browser (Debian's Chromium): a request's page
 * links to its trace; the waterfall shows the span tree with bars on the
 * trace's time line; a span's attributes open on click; the request in the
 * trace links back. Screenshot: test-results/screenshots/traces-waterfall.png.
 */

const screenshotDir = join(repoRoot, "test-results/screenshots");
const apiKey = "pl_dashboard_traces_key_0123456789abcdef";

const traceId = "7a3f5c2e9b1d4f60a8c7e5d3b1f2a4c6";
const ids = { root: "a1a1a1a1a1a1a1a1", run: "b2b2b2b2b2b2b2b2", tool: "c3c3c3c3c3c3c3c3" };
const base = 1_735_689_600_000_000_000n;
const at = (ms: number) => String(base + BigInt(ms) * 1_000_000n);
const span = (spanId: string, name: string, parent: string | null, from: number, to: number, extra: Record<string, unknown> = {}) => ({
  traceId,
  spanId,
  ...(parent && { parentSpanId: parent }),
  name,
  kind: 1,
  startTimeUnixNano: at(from),
  endTimeUnixNano: at(to),
  ...extra,
});

if (!existsSync(chromiumPath)) {
  if (process.env.CI) {
    describe("trace view in Chromium", () => {
      it("needs Chromium", () => {
        throw new Error(`Chromium is missing at ${chromiumPath}: .ci/run installs it with apt-get install chromium.`);
      });
    });
  } else {
    console.warn(`[dashboard-traces.test] skipped: no Chromium at ${chromiumPath}.`);
    describe.skip("trace view in Chromium", () => {
      it("needs Chromium", () => undefined);
    });
  }
} else {
  describe("trace view in Chromium", () => {
    let server: RunningServer;
    let browser: Browser;
    let page: Page;
    let dataDir: string;
    let requestNumber = 0;

    beforeAll(async () => {
      mkdirSync(screenshotDir, { recursive: true });
      await buildDashboard();
      dataDir = mkdtempSync(join(tmpdir(), "promptline-traces-ui-"));
      server = await startServer({ database: `sqlite:${join(dataDir, "promptline.db")}`, port: 0, apiKey, dashboardDir: dashboardDist });
      const headers = { "content-type": "application/json", "x-api-key": apiKey };
      const exported = await fetch(`${server.url}/v1/traces`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          resourceSpans: [
            {
              resource: { attributes: [{ key: "service.name", value: { stringValue: "support-bot" } }] },
              scopeSpans: [
                {
                  spans: [
                    span(ids.root, "POST /answer", null, 0, 1200, { kind: 2 }),
                    span(ids.run, "chat gpt-4o-mini", ids.root, 150, 900, {
                      kind: 3,
                      attributes: [
                        { key: "gen_ai.request.model", value: { stringValue: "gpt-4o-mini" } },
                        { key: "gen_ai.usage.output_tokens", value: { intValue: "42" } },
                      ],
                    }),
                    span(ids.tool, "lookup order", ids.root, 920, 1150, { status: { code: 2, message: "order not found" } }),
                  ],
                },
              ],
            },
          ],
        }),
      });
      expect(exported.status).toBe(200);
      const tracked = await fetch(`${server.url}/track-request`, {
        method: "POST",
        headers,
        body: JSON.stringify({ function_name: "openai.chat.completions.create", kwargs: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Where is my order?" }] }, request_response: {}, span_id: ids.run }),
      });
      requestNumber = ((await tracked.json()) as { request_id: number }).request_id;
      browser = await launchChromium();
      page = await (await browser.newContext({ viewport: { width: 1366, height: 860 } })).newPage();
      page.on("pageerror", (error) => console.error("[browser]", error));
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it("goes from a request to its trace's waterfall, shows a span's attributes, and back to the request", { timeout: 120_000 }, async () => {
      await page.goto(`${server.url}/prompts`);
      await page.locator("input[name=api_key]").fill(apiKey);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Prompts", exact: true }).waitFor();
      await page.goto(`${server.url}/requests/${requestNumber}`);
      await page.getByRole("link", { name: "View trace" }).click();
      await page.getByRole("heading", { name: "Waterfall" }).waitFor();

      const rows = page.locator(".waterfall-row");
      expect(await rows.count()).toBe(3);
      // Parents before children, in start order.
      expect(await rows.locator(".waterfall-name button").allTextContents()).toEqual(["POST /answer", "chat gpt-4o-mini", "lookup order"]);
      // Bars on the trace's time line: the run starts at 150 of 1200 ms and lasts 750.
      const runBar = page.locator(`[data-span-id="${ids.run}"] .waterfall-bar`);
      const style = await runBar.getAttribute("style");
      expect(style).toContain("left: 12.5%");
      expect(style).toContain("width: 62.5%");
      expect(await page.locator(`[data-span-id="${ids.tool}"] .waterfall-bar`).getAttribute("class")).toContain("status-error");
      // The request's own span is selected and its attributes shown.
      const details = page.getByRole("region", { name: "Span" });
      await details.getByText("gen_ai.request.model").waitFor();
      expect(await details.textContent()).toContain("gpt-4o-mini");
      await page.screenshot({ path: join(screenshotDir, "traces-waterfall.png"), fullPage: true });

      await page.getByRole("button", { name: "lookup order" }).click();
      await details.getByText("order not found").waitFor();

      await page.getByRole("link", { name: `request #${requestNumber}` }).click();
      await page.getByRole("link", { name: "View trace" }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/requests/${requestNumber}`);
    });

    it("lists traces from the sidebar, filters by time and span name, and opens a trace's waterfall", { timeout: 120_000 }, async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Traces" }).click();
      await page.getByRole("heading", { name: "Traces", exact: true }).waitFor();
      // The spans are from 2025-01-01: outside the last 24 hours, in all time.
      await page.getByText("No traces in this time range").waitFor();
      await page.locator("select[name=range]").selectOption("all");
      const row = page.locator(`tr[data-trace-id="${traceId}"]`);
      await row.waitFor();
      expect(await row.locator("td").allTextContents()).toEqual([expect.any(String), "POST /answer", "1.20 s", "3", "1", traceId]);
      // A child span's name finds the trace; a name no span has finds none.
      await page.locator("input[name=name]").fill("LOOKUP ORD");
      await page.getByRole("button", { name: "Apply" }).click();
      await page.waitForURL((url) => url.searchParams.get("name") === "LOOKUP ORD");
      await row.waitFor();
      await page.locator("input[name=name]").fill("no such span");
      await page.getByRole("button", { name: "Apply" }).click();
      await page.getByText("No trace has a span with this name").waitFor();
      await page.locator("input[name=name]").fill("chat");
      await page.getByRole("button", { name: "Apply" }).click();
      await page.screenshot({ path: join(screenshotDir, "traces-list.png"), fullPage: true });
      await row.getByRole("link", { name: "POST /answer" }).click();
      await page.getByRole("heading", { name: "Waterfall" }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/traces/${traceId}`);
      expect(await page.locator(".waterfall-row").count()).toBe(3);
    });
  });
}
