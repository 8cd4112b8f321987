import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Summarises a `node --cpu-prof` profile: the functions with the most self
 * time, and self time by package (packages/<name>, node_modules/<name>, node).
 */
function summarise(file: string, top: number): string {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);
  const byFrame = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const micros = selfMicros.get(node.id) ?? 0;
    if (micros === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^file:\/\//, "").replace(/^.*\/(packages|node_modules)\//, "$1/");
    const key = `${functionName || "(anonymous)"}  ${where ? `${where}:${lineNumber + 1}` : ""}`;
    byFrame.set(key, (byFrame.get(key) ?? 0) + micros);
    const owner = /(?:packages|node_modules)\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[0] ?? (url.startsWith("node:") ? "node internals" : url === "" ? functionName || "(native)" : "other");
    byPackage.set(owner, (byPackage.get(owner) ?? 0) + micros);
  }
  const percent = (micros: number) => `${((micros / total) * 100).toFixed(1).padStart(5)}%`;
  const lines = [`${file}: ${(total / 1e6).toFixed(2)} s of samples`, "", "Self time by function:"];
  for (const [key, micros] of [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${percent(micros)}  ${key}`);
  lines.push("", "Self time by package:");
  for (const [key, micros] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15)) lines.push(`  ${percent(micros)}  ${key}`);
  return lines.join("\n");
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "25" } } });
if (positionals.length === 0) {
  console.error("usage: node bench/dist/profile-summary.js [--top N] <file.cpuprofile>…");
  process.exit(2);
}
for (const file of positionals) console.log(summarise(file, Number(values.top)), "\n");
