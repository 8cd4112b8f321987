import { startServer, type StartServerOptions } from "@promptline/server";
import { serveChild } from "../lib/child-process.js";

interface ServerChildOptions {
  database: string;
  apiKey: string;
  /** `--retention-days`; the sweep then waits for the `sweep` call (the retention scenario starts it mid-load). */
  retentionDays?: number;
  retentionSweep?: StartServerOptions["retentionSweep"];
  /** False serves template fetches through Hono too (decision 0031's comparison). */
  templateFront?: boolean;
  /** False serves `/track-request` through Hono too (decision 0032's comparison). */
  trackFront?: boolean;
}

/** The Promptline server in its own process, as deployed: `startServer` on 127.0.0.1 with a free port. */
await serveChild<ServerChildOptions, { url: string }>(async ({ database, apiKey, retentionDays, retentionSweep, templateFront, trackFront }) => {
  const server = await startServer({
    database,
    apiKey,
    port: 0,
    host: "127.0.0.1",
    logError: (error) => console.error("[server]", error),
    ...(retentionDays !== undefined && { retentionDays }),
    ...(retentionSweep !== undefined && { retentionSweep }),
    ...(templateFront !== undefined && { templateFront }),
    ...(trackFront !== undefined && { trackFront }),
  });
  return {
    ready: { url: server.url },
    handlers: {
      /** Starts a retention sweep in the background (answers at once). */
      sweep: () => {
        void server.retention?.sweep();
        return Promise.resolve({});
      },
      retention: () => Promise.resolve(server.retention?.progress() ?? null),
    },
    stop: () => server.close(),
  };
});
