import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { PlaygroundRunner } from "@promptline/server";
import { Promptline, type ProviderEnv, type RunChunk } from "promptline";

/**
 * The built dashboard (`packages/web/dist`) next to this package in the
 * repository, or undefined when it was not built (the API still works).
 */
export function findDashboardDir(): string | undefined {
  // dist/commands/ (built) and src/commands/ (tests) both sit two levels under packages/cli.
  const dir = fileURLToPath(new URL("../../../web/dist", import.meta.url));
  return existsSync(`${dir}/index.html`) ? dir : undefined;
}

/** Variables of the server's environment the playground's client must not read: it signs in as the caller, not as the server. */
const serverOnlyVariables = new Set(["PROMPTLINE_API_KEY", "PROMPTLINE_BASE_URL"]);

/**
 * The dashboard's playground, run by the SDK with this environment's provider
 * keys. Each run gets its own client, signed in as the caller through the
 * server's in-process registry (`context.registry`): the template comes from
 * the caller's workspace (the newest version, no cache) and the run is logged
 * there. The SDK's trusted-endpoint rule applies with the server's keys: a
 * template whose `base_url` names an origin that is not trusted
 * (`PROMPTLINE_ALLOWED_BASE_URLS` and the `*_BASE_URL` variables of this
 * environment count) fails with `UntrustedBaseURLError` before any request.
 */
export function sdkPlayground({ env }: { env: ProviderEnv }): PlaygroundRunner {
  const providerEnv = Object.fromEntries(Object.entries(env).filter(([name]) => !serverOnlyVariables.has(name)));
  return {
    async run(input, { signal, registry }) {
      const client = new Promptline({
        baseURL: registry.baseURL,
        // Not a credential: the in-process registry drops this header and signs in with the caller's session;
        // the SDK only refuses to start without some key.
        apiKey: "playground-session",
        // One run per client with no cache: nothing to keep fresh (and the registry origin is not on the network).
        liveUpdates: false,
        env: providerEnv,
        fetch: (url, init) => (String(url instanceof Request ? url.url : url).startsWith(`${registry.baseURL}/`) ? registry.fetch(url, init) : fetch(url, init)),
        flushOnExit: false,
        cacheTtlSeconds: 0,
      });
      let chunks: AsyncIterable<RunChunk>;
      try {
        chunks = await client.run({
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
        });
      } catch (error) {
        await client.close({ timeoutMs: 5000 });
        throw error;
      }
      return (async function* () {
        try {
          for await (const chunk of chunks) {
            // The log reaches the registry before the last chunk, so the dashboard can link to it.
            if (chunk.done) await client.flush({ timeoutMs: 5000 });
            yield chunk;
          }
        } finally {
          await client.close({ timeoutMs: 5000 });
        }
      })();
    },
  };
}
