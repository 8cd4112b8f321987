import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ForbiddenError, type PlaygroundRunner } from "@promptline/server";
import type { Promptline } from "promptline";

/**
 * The built dashboard (`packages/web/dist`) next to this package in the
 * repository, or undefined when it was not built (the API still works).
 */
export function findDashboardDir(): string | undefined {
  // dist/commands/ (built) and src/commands/ (tests) both sit two levels under packages/cli.
  const dir = fileURLToPath(new URL("../../../web/dist", import.meta.url));
  return existsSync(`${dir}/index.html`) ? dir : undefined;
}

/**
 * The dashboard's playground, run by the SDK. The server is started before
 * the key the SDK needs is known (a first start creates it), so the runner is
 * bound afterwards; until then, and in other workspaces, it refuses to run.
 */
export function deferredPlayground(): { runner: PlaygroundRunner; bind(client: Promptline, workspaceId: number): void } {
  let bound: { client: Promptline; workspaceId: number } | undefined;
  const runner: PlaygroundRunner = {
    async run(input, { workspaceId, signal }) {
      // The caller's mistake or the server's set-up, not a failure: 403s with the reason, never a 500.
      if (!bound) throw new ForbiddenError("The playground needs the server's API key: start `promptline serve` with PROMPTLINE_API_KEY set.");
      if (workspaceId !== bound.workspaceId) throw new ForbiddenError("The playground runs in the server's default workspace only: sign in with a key of that workspace.");
      return bound.client.run({
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
    },
    flush: () => (bound ? bound.client.flush({ timeoutMs: 5000 }) : Promise.resolve()),
  };
  return { runner, bind: (client, workspaceId) => (bound = { client, workspaceId }) };
}
