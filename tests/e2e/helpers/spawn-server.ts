import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const root = fileURLToPath(new URL("../../../", import.meta.url));

/** A runnable build of `server-child.ts`, for tests that run the server as its own process. */
export interface ServerBundle {
  /** The JavaScript file to run with `node`. */
  file: string;
  remove(): void;
}

/**
 * Node 20 can't run TypeScript, and building the workspace would write every
 * package's `dist` under other people's feet: Vite bundles the child's
 * sources (ours; dependencies stay imports) into one file in about a second,
 * with the SQLite log writer thread's module beside it.
 * The file goes under `node_modules/.cache`, so its imports resolve to the
 * root `node_modules`.
 */
export async function buildServerBundle(): Promise<ServerBundle> {
  const outDir = `${root}node_modules/.cache/promptline-e2e-${process.pid}-${randomBytes(4).toString("hex")}`;
  await build({
    configFile: false,
    root,
    logLevel: "warn",
    resolve: {
      alias: {
        // Subpaths before the package itself, which would otherwise take them as paths under index.ts.
        "@promptline/core/render": `${root}packages/core/src/render/standalone.ts`,
        "@promptline/core/wire": `${root}packages/core/src/wire/index.ts`,
        "@promptline/core": `${root}packages/core/src/index.ts`,
        "@promptline/server": `${root}packages/server/src/index.ts`,
      },
    },
    build: {
      ssr: true,
      rollupOptions: {
        // The SQLite log writer thread's module beside the child, where the dialect looks for it (decision 0029).
        input: {
          "server-child": fileURLToPath(new URL("./server-child.ts", import.meta.url)),
          "sqlite-log-worker": `${root}packages/server/src/storage/dialects/sqlite-log-worker.ts`,
        },
        output: { entryFileNames: "[name].js" },
      },
      outDir,
      emptyOutDir: true,
      target: "node20",
      minify: false,
      copyPublicDir: false,
    },
  });
  return { file: `${outDir}/server-child.js`, remove: () => rmSync(outDir, { recursive: true, force: true }) };
}

export interface ServerProcessOptions {
  database: string;
  apiKey: string;
  /** PostgreSQL schema. */
  schema?: string;
}

/** A Promptline server in a child process. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** SIGKILL: no shutdown code runs, as in a crash. Resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Runs the bundled `startServer` in a child process; resolves when it listens. */
export function spawnServer(bundle: ServerBundle, options: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, [bundle.file], {
    cwd: root,
    env: {
      ...process.env,
      PROMPTLINE_CHILD_DATABASE: options.database,
      PROMPTLINE_CHILD_API_KEY: options.apiKey,
      ...(options.schema && { PROMPTLINE_CHILD_SCHEMA: options.schema }),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  return new Promise((resolve, reject) => {
    let output = "";
    // Keeps reading (and dropping) output after the start, so a full pipe never blocks the child.
    child.stdout.on("data", (data: Buffer) => {
      output += data.toString("utf8");
      const ready = /READY (\S+)\n/.exec(output);
      if (ready?.[1]) {
        output = "";
        resolve({ url: ready[1], pid: child.pid ?? -1, kill });
      }
    });
    child.stderr.on("data", (data: Buffer) => (output += data.toString("utf8")));
    child.once("exit", (code, signal) => reject(new Error(`The server process ended (${signal ?? code}) before listening:\n${output}`)));
    child.once("error", reject);
  });
}
