/** The render worker's entry when running from the TypeScript sources: install the hooks, then load the worker. */
import { register } from "node:module";
import { workerData } from "node:worker_threads";

register("./source-hooks.mjs", import.meta.url);
await import(workerData.entry);
