import type { BenchChild } from "./child-process.js";

export interface FakesReady {
  url: string;
  env: Record<string, string>;
  openaiBaseURL: string;
}

/** What every scenario gets from the runner. */
export interface BenchContext {
  quick: boolean;
  /** The fake providers, in their own process. */
  fakes: BenchChild<FakesReady>;
  /** Whether PostgreSQL answered at start (and was not left out with `--databases`). */
  postgres: boolean;
  /** The databases the storage scenarios run on (`--databases`): SQLite, and PostgreSQL when it answered. */
  databases: ReadonlyArray<"sqlite" | "postgres">;
  /** Extra node flags for server children (`--cpu-prof …` under `--profile`). */
  serverExecArgv: (label: string) => string[];
  /** Progress, to stderr (stdout is the report). */
  log: (message: string) => void;
}
