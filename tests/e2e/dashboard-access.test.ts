import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sdkPlayground } from "@promptline/cli";
import { startServer, type RunningServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDashboard, chromiumPath, dashboardDist, launchChromium, repoRoot } from "./helpers/dashboard-browser.js";

/**
 * The dashboard's access page and role-aware pages in a real browser
 * (Debian's Chromium via playwright-core): an admin creates keys with roles
 * (each shown once), revokes one, protects and unprotects labels; a runner
 * sees no publish or label controls (and the server refuses the write
 * anyway), an editor sees the protected label's move disabled. Screenshots go
 * to test-results/screenshots/access/.
 */

const screenshotDir = join(repoRoot, "test-results/screenshots/access");
const adminKey = "pl_access_test_admin_key_0123456789ab";

if (!existsSync(chromiumPath)) {
  if (process.env.CI) {
    describe("dashboard access in Chromium", () => {
      it("needs Chromium", () => {
        throw new Error(`Chromium is missing at ${chromiumPath}: .ci/run installs it with apt-get install chromium.`);
      });
    });
  } else {
    console.warn(`[dashboard-access.test] skipped: no Chromium at ${chromiumPath} (apt-get install chromium, or set PROMPTLINE_CHROMIUM).`);
    describe.skip("dashboard access in Chromium", () => {
      it("needs Chromium", () => undefined);
    });
  }
} else {
  describe("dashboard access in Chromium", () => {
    let fakes: FakeProviders;
    let server: RunningServer;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let dataDir: string;
    let shot = 0;
    const keys: Record<string, string> = {};

    const screenshot = async (name: string) => {
      await page.screenshot({ path: join(screenshotDir, `${String(++shot).padStart(2, "0")}-${name}.png`), fullPage: true });
    };
    const api = async (method: string, path: string, key: string, body?: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { "x-api-key": key, "content-type": "application/json" },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
    };
    const signIn = async (key: string) => {
      await context.clearCookies();
      await page.goto(`${server.url}/login`);
      await page.locator("input[name=api_key]").fill(key);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Prompts", exact: true }).waitFor();
    };
    const nav = () => page.getByRole("navigation", { name: "Main" });

    beforeAll(async () => {
      rmSync(screenshotDir, { recursive: true, force: true });
      mkdirSync(screenshotDir, { recursive: true });
      await buildDashboard();
      fakes = await startFakeProviders();
      dataDir = mkdtempSync(join(tmpdir(), "promptline-access-"));
      server = await startServer({
        database: `sqlite:${join(dataDir, "promptline.db")}`,
        port: 0,
        apiKey: adminKey,
        dashboardDir: dashboardDist,
        playground: sdkPlayground({ env: fakes.env }),
      });
      const model = { provider: "openai", name: "gpt-4o-mini", parameters: {} };
      const template = (text: string) => ({ type: "chat", messages: [{ role: "user", content: [{ type: "text", text }] }] });
      expect((await api("POST", "/api/v1/prompts", adminKey, { prompt_name: "greet", prompt_template: template("Hello {name}"), metadata: { model }, release_labels: ["prod", "staging"] })).status).toBe(201);
      expect((await api("POST", "/api/v1/prompts", adminKey, { prompt_name: "greet", prompt_template: template("Hi there {name}"), metadata: { model } })).status).toBe(201);
      // A template that would send the server's OpenAI key to a local address (the playground must refuse it).
      const leaky = { prompt_name: "leaky", prompt_template: template("Hello"), metadata: { model: { ...model, base_url: "http://127.0.0.1:9/v1" } } };
      expect((await api("POST", "/api/v1/prompts", adminKey, leaky)).status).toBe(201);
      browser = await launchChromium();
      context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
      page = await context.newPage();
      page.on("pageerror", (error) => console.error("[browser]", error));
    }, 120_000);

    afterAll(async () => {
      await context?.close();
      await browser?.close();
      await server?.close();
      await fakes?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it("an admin creates keys with roles (shown once), lists them, revokes one, and protects labels", { timeout: 120_000 }, async () => {
      await signIn(adminKey);
      expect(await page.getByTestId("session-role").textContent()).toBe("admin");
      await nav().getByRole("link", { name: "Access" }).click();
      await page.getByRole("heading", { name: "Access", exact: true }).waitFor();
      const keyTable = page.getByRole("table", { name: "API keys" });
      await keyTable.waitFor();
      await screenshot("access");

      for (const [name, role] of [["checkout-service", "runner"], ["prompt-writer", "editor"], ["release-bot", "deployer"]] as const) {
        await page.locator("input[name=key_name]").fill(name);
        await page.locator("select[name=key_role]").selectOption(role);
        await page.getByRole("button", { name: "Create key" }).click();
        const shown = page.getByTestId("new-key");
        await expect.poll(() => page.getByRole("status", { name: "New API key" }).textContent()).toContain(name);
        keys[role] = (await shown.textContent())!.trim();
        expect(keys[role]).toMatch(/^pl_/);
        if (role === "runner") await screenshot("key-created");
        const row = keyTable.locator("tr", { hasText: name });
        await row.waitFor();
        expect(await row.locator(".badge-role").textContent()).toBe(role);
        // The list shows the key's prefix only.
        const prefix = (await row.locator("code").textContent())!.replace(/…$/, "");
        expect(prefix.length).toBeGreaterThan(3);
        expect(keys[role]!.startsWith(prefix)).toBe(true);
      }
      // The server agrees on each key's role.
      const listed = (await api("GET", "/api/v1/keys", adminKey)).body.items as { name: string; role: string }[];
      expect(listed.map((key) => [key.name, key.role])).toEqual(expect.arrayContaining([["checkout-service", "runner"], ["prompt-writer", "editor"], ["release-bot", "deployer"]]));

      // Shown once: after a reload, the key is in no page text.
      await page.reload();
      await keyTable.locator("tr", { hasText: "release-bot" }).waitFor();
      expect(await page.locator("body").textContent()).not.toContain(keys.runner);
      expect(await page.getByTestId("new-key").count()).toBe(0);

      // Revoke the deployer key: confirmed, then refused by the server.
      await keyTable.getByRole("button", { name: "Revoke release-bot" }).click();
      await page.getByRole("dialog").getByText("Revoke “release-bot”?").waitFor();
      await screenshot("revoke-confirm");
      await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
      await keyTable.locator("tr", { hasText: "release-bot" }).getByText(/revoked/).waitFor();
      expect((await api("GET", "/api/v1/prompts", keys.deployer!)).status).toBe(401);

      // Protected labels: prod is protected in a new workspace; protect staging, then unprotect it again.
      const protectedList = page.getByRole("list", { name: "Protected labels" });
      await protectedList.getByText("prod").waitFor();
      await page.locator("input[name=protect_label]").fill("staging");
      await page.getByRole("button", { name: "Protect", exact: true }).click();
      await protectedList.getByText("staging").waitFor();
      expect((await api("GET", "/api/v1/protected-labels", adminKey)).body.labels).toEqual(["prod", "staging"]);
      await screenshot("protected-labels");
      await protectedList.getByRole("button", { name: "Unprotect staging" }).click();
      await expect.poll(async () => (await api("GET", "/api/v1/protected-labels", adminKey)).body.labels).toEqual(["prod"]);
      await expect.poll(() => protectedList.locator("li").count()).toBe(1);

      // Retention (issue 20): the server keeps everything by default; the workspace sets 14 days, then goes back to the default.
      const retention = page.getByTestId("retention-summary");
      await retention.getByText("Kept forever").waitFor();
      await page.locator("input[name=retention_days]").fill("14");
      await page.getByRole("button", { name: "Keep for this long" }).click();
      await retention.getByText("older than 14 days are deleted").waitFor();
      expect((await api("GET", "/api/v1/workspace/retention", adminKey)).body).toMatchObject({ days: 14, source: "workspace" });
      await screenshot("retention");
      await page.getByRole("button", { name: "Use the server's default" }).click();
      await retention.getByText("Kept forever").waitFor();
      expect((await api("GET", "/api/v1/workspace/retention", adminKey)).body.source).toBe("none");
    });

    it("a runner key sees no publish, label or admin controls, and the server refuses the write anyway", { timeout: 120_000 }, async () => {
      await signIn(keys.runner!);
      expect(await page.getByTestId("session-role").textContent()).toBe("runner");
      expect(await nav().getByRole("link", { name: "Access" }).count()).toBe(0);
      await page.getByRole("link", { name: "greet" }).waitFor();
      expect(await page.getByRole("link", { name: "New prompt" }).count()).toBe(0);
      await screenshot("runner-prompts");

      await page.getByRole("link", { name: "greet" }).click();
      await page.getByRole("heading", { name: "Version 2", exact: true }).waitFor();
      expect(await page.getByRole("link", { name: "New version" }).count()).toBe(0);
      // Running is what a runner is for.
      expect(await page.getByRole("link", { name: "Open in playground" }).count()).toBe(1);
      await page.getByRole("tab", { name: "Labels" }).click();
      await page.getByText("it can read labels, not move them").waitFor();
      expect(await page.getByRole("button", { name: "Move", exact: true }).count()).toBe(0);
      expect(await page.locator("input[name=new_label]").count()).toBe(0);
      expect(await page.getByRole("columnheader", { name: "Move to" }).count()).toBe(0);
      await screenshot("runner-labels");

      // The server is the judge: the same write from this session is a 403 naming the role needed.
      const refused = await page.evaluate(() =>
        fetch("/api/v1/prompts/greet/labels/staging", { method: "PUT", headers: { "content-type": "application/json", "x-promptline-csrf": "1" }, body: JSON.stringify({ version: 2 }) }).then(
          async (response) => ({ status: response.status, body: (await response.json()) as { error: { code: string } } }),
        ),
      );
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe("forbidden");

      await page.goto(`${server.url}/prompts/greet/edit`);
      await page.getByText("Your key can't publish.").waitFor();
      expect(await page.getByRole("button", { name: "Publish" }).count()).toBe(0);
      await page.goto(`${server.url}/admin`);
      await page.getByText("This page needs an admin key.").waitFor();
      await screenshot("runner-admin-refused");

      // The playground runs as the runner, in its workspace.
      await page.goto(`${server.url}/playground?prompt=greet`);
      await page.locator("textarea[name=var-name]").fill("Ada");
      await page.getByRole("button", { name: /^Run/ }).click();
      await page.getByRole("link", { name: "View logged request →" }).waitFor();
      await screenshot("runner-playground");

      // A refused run says why and how to allow it, in the page.
      await page.goto(`${server.url}/playground?prompt=leaky`);
      await page.getByRole("button", { name: /^Run/ }).click();
      const alert = page.locator(".playground-output [role=alert]");
      await expect.poll(() => alert.textContent()).toContain("http://127.0.0.1:9");
      expect(await alert.textContent()).toContain("PROMPTLINE_ALLOWED_BASE_URLS");
      expect(await alert.textContent()).not.toContain("Internal server error");
      await screenshot("playground-untrusted-base-url");
    });

    it("an editor moves an unprotected label but sees the protected one disabled", { timeout: 120_000 }, async () => {
      await signIn(keys.editor!);
      expect(await page.getByTestId("session-role").textContent()).toBe("editor");
      expect(await page.getByRole("link", { name: "New prompt" }).count()).toBe(1);
      expect(await nav().getByRole("link", { name: "Access" }).count()).toBe(0);
      await page.goto(`${server.url}/prompts/greet?tab=labels`);
      const prodMove = page.getByRole("row", { name: /prod/ }).getByRole("button", { name: "Move", exact: true });
      await prodMove.waitFor();
      expect(await prodMove.isDisabled()).toBe(true);
      await page.getByRole("row", { name: /prod/ }).getByText("is protected: moving it needs a deployer or admin key").waitFor();
      await screenshot("editor-labels");

      // staging is not protected: the editor moves it to v2.
      await page.getByRole("combobox", { name: "Move staging to version" }).selectOption("2");
      await page.getByRole("row", { name: /staging/ }).getByRole("button", { name: "Move", exact: true }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Promote" }).click();
      // The history names the key that moved it.
      await page.locator(".timeline li", { hasText: "moved v1 → v2" }).filter({ hasText: "prompt-writer" }).waitFor();
      const labels = (await api("GET", "/api/v1/prompts/greet/labels", adminKey)).body.items as { name: string; prompt_version_number: number }[];
      expect(labels).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: "staging", prompt_version_number: 2 }), expect.objectContaining({ name: "prod", prompt_version_number: 1 })]),
      );
      // The server refuses the protected move to the editor all the same.
      const refused = await api("PUT", "/api/v1/prompts/greet/labels/prod", keys.editor!, { version: 2 });
      expect(refused.status).toBe(403);
      expect((refused.body.error as { code: string }).code).toBe("label_protected");
    });

    it("the admin's key list shows when each key was last used", { timeout: 60_000 }, async () => {
      // The runner and editor keys have been used by the tests above.
      await signIn(adminKey);
      await page.goto(`${server.url}/admin`);
      const keyTable = page.getByRole("table", { name: "API keys" });
      for (const name of ["checkout-service", "prompt-writer"]) {
        await expect.poll(() => keyTable.locator("tr", { hasText: name }).locator("td").nth(4).textContent()).toBe("just now");
      }
      expect(await keyTable.locator("tr", { hasText: "release-bot" }).locator("td").nth(4).textContent()).toBe("never");
      await screenshot("keys-last-used");
    });
  });
}
