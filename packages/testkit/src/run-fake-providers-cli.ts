import type { FakeProviders } from "./start-fake-providers.js";
import { startFakeProviders } from "./start-fake-providers.js";
import { FAKE_PROVIDER_NAMES } from "./types.js";

/**
 * The text `promptline fake-providers` prints: each fake's base URL and the `export` lines that
 * point the SDKs at them. The keys shown are the fakes' own placeholders (any non-empty key is
 * accepted), never a real credential.
 */
export function describeFakeProviders(fakes: FakeProviders): string {
  const width = Math.max(...FAKE_PROVIDER_NAMES.map((name) => name.length));
  const lines = [
    `Fake LLM providers listening on ${fakes.url}`,
    "",
    ...FAKE_PROVIDER_NAMES.map((name) => `  ${name.padEnd(width)}  ${fakes.baseURLs[name]}`),
    "",
    "Point the SDKs at them:",
    "",
    ...Object.entries(fakes.env).map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    "",
    "Replies echo the last user message. Press Ctrl+C to stop.",
  ];
  return lines.join("\n");
}

function shellQuote(value: string): string {
  return /^[\w./:@%+=,-]+$/u.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Entry point of `promptline fake-providers [--port N]`: starts the fakes on `port` (0 picks a free
 * one) and prints their base URLs and environment exports. The caller owns the returned handle
 * (close it on SIGINT).
 */
export async function runFakeProvidersCli(port: number): Promise<FakeProviders> {
  const fakes = await startFakeProviders({ port });
  console.log(describeFakeProviders(fakes));
  return fakes;
}
