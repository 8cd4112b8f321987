import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium, driven by playwright-core (PROMPTLINE_CHROMIUM overrides the path). */
export const chromiumPath = process.env.PROMPTLINE_CHROMIUM ?? "/usr/bin/chromium";
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const webDir = join(repoRoot, "packages/web");
export const dashboardDist = join(webDir, "dist");

/** Newest modification time under a path (files only). */
function newest(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

/** Builds the dashboard unless dist/ is newer than every source file, core's included (the bundle carries its provider list and renderer). */
export async function buildDashboard(): Promise<void> {
  const sources = Math.max(
    newest(join(webDir, "src")),
    newest(join(webDir, "index.html")),
    newest(join(webDir, "vite.config.ts")),
    newest(join(webDir, "public")),
    newest(join(repoRoot, "packages/core/src")),
  );
  if (existsSync(join(dashboardDist, "index.html")) && newest(join(dashboardDist, "index.html")) > sources) return;
  const { build } = await import("vite");
  await build({ root: webDir, configFile: join(webDir, "vite.config.ts"), logLevel: "warn" });
}

/** Chromium as every browser test launches it: headless, no sandbox, nothing reaching the network on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
