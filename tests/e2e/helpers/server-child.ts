import { startServer } from "@promptline/server";

// The server as its own process, for tests that kill it: bundled and spawned
// by spawn-server.ts. Prints `READY <url>` once it listens.

const database = process.env.PROMPTLINE_CHILD_DATABASE;
const apiKey = process.env.PROMPTLINE_CHILD_API_KEY;
if (!database || !apiKey) throw new Error("PROMPTLINE_CHILD_DATABASE and PROMPTLINE_CHILD_API_KEY are required.");
const schema = process.env.PROMPTLINE_CHILD_SCHEMA;

const server = await startServer({ database, apiKey, port: 0, ...(schema && { schema }), logError: () => undefined });
process.stdout.write(`READY ${server.url}\n`);
