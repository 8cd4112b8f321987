import { readdirSync, readFileSync } from "node:fs";

const ticksPerSecond = 100;

/**
 * CPU seconds used by the local PostgreSQL server (Linux /proc). With a
 * database name: only the live backends connected to it (their process title
 * names it), so other clients of the server don't count; a backend that exited
 * meanwhile is lost, so sample while the connections are open. Without one:
 * every `postgres` process plus what the postmaster reaped from exited
 * backends, other clients' work included.
 */
export function postgresCpuSeconds(database?: string): number {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    let title = "";
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (database !== undefined) title = readFileSync(`/proc/${entry}/cmdline`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    const close = stat.lastIndexOf(")");
    if (stat.slice(stat.indexOf("(") + 1, close) !== "postgres") continue;
    if (database !== undefined && !title.includes(` ${database} `)) continue;
    const fields = stat.slice(close + 2).split(" ");
    // After the command: state is field 0, utime 11, stime 12, cutime 13, cstime 14.
    ticks += Number(fields[11]) + Number(fields[12]) + (database === undefined ? Number(fields[13]) + Number(fields[14]) : 0);
  }
  return ticks / ticksPerSecond;
}

/** CPU seconds used so far by one PostgreSQL backend (`select pg_backend_pid()`), nothing else of the server's. */
export function backendCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
