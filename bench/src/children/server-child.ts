import { startServer } from "@promptline/server";
import { serveChild } from "../lib/child-process.js";

/** The Promptline server in its own process, as deployed: `startServer` on 127.0.0.1 with a free port. */
await serveChild<{ database: string; apiKey: string }, { url: string }>(async ({ database, apiKey }) => {
  const server = await startServer({ database, apiKey, port: 0, host: "127.0.0.1", logError: (error) => console.error("[server]", error) });
  return {
    ready: { url: server.url },
    handlers: {},
    stop: () => server.close(),
  };
});
