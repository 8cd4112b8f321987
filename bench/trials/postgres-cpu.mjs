/* global process */
// CPU seconds used by the local PostgreSQL server; the function lives in bench/src/lib/postgres-cpu.ts
// (npx tsc -p bench first). node bench/trials/postgres-cpu.mjs [database]
import { postgresCpuSeconds } from "../dist/lib/postgres-cpu.js";

export { postgresCpuSeconds };

if (process.argv[1]?.endsWith("postgres-cpu.mjs")) process.stdout.write(`${postgresCpuSeconds(process.argv[2])}\n`);
