import type { SetLabelBody } from "@promptline/core";
import type { LabelAnswer, LabelMoveAnswer, LabelRoutingAnswer } from "@promptline/core/wire";
import type { RegistryApi } from "promptline";
import { connectRegistry, resolveConnection } from "../registry-connection.js";
import { println, type CliContext } from "../cli-context.js";
import { CliError, ExitCode, usageError } from "../cli-error.js";
import { formatTable } from "../output/table.js";
import { formatUtcTime } from "../output/utc-time.js";

export interface LabelOptions {
  apiKey?: string;
  baseUrl?: string;
  json?: boolean;
}

type SplitEntry = LabelRoutingAnswer["split"][number];
type Segment = LabelRoutingAnswer["segments"][number];

/** `--split 1:90,2:10` → split entries (the server checks that the versions exist). */
export function parseSplit(text: string): SplitEntry[] {
  const entries = text.split(",").map((part) => part.trim()).filter(Boolean);
  const parsed = entries.map((entry) => {
    const match = /^(\d+):(\d+)$/.exec(entry);
    if (!match) throw usageError(`--split takes version:weight pairs separated by commas (e.g. --split 1:90,2:10), got "${entry}".`);
    return { version: Number(match[1]), weight: Number(match[2]) };
  });
  if (parsed.length < 2) throw usageError(`--split needs at least two versions (e.g. --split 1:90,2:10), got "${text}".`);
  return parsed;
}

/** `v1 90% · v2 10%, sticky by user; segment plan=beta → v3`, or `version 3`. */
export function describeTarget(target: { version?: number | null | undefined; split?: SplitEntry[] | undefined; sticky_by?: string | null | undefined; segments?: Segment[] | null | undefined }): string {
  if (!target.split || target.split.length === 0) return target.version === null || target.version === undefined ? "(none)" : `version ${target.version}`;
  const total = target.split.reduce((sum, entry) => sum + entry.weight, 0);
  const shares = target.split.map((entry) => `v${entry.version} ${formatShare((100 * entry.weight) / total)}%`).join(" · ");
  const sticky = target.sticky_by ? `, sticky by ${target.sticky_by}` : "";
  const segments = (target.segments ?? []).map(
    (segment) => `; segment ${Object.entries(segment.metadata).map(([key, value]) => `${key}=${value}`).join(",")} → v${segment.version}`,
  );
  return `split ${shares}${sticky}${segments.join("")}`;
}

const formatShare = (share: number) => (Number.isInteger(share) ? String(share) : share.toFixed(1));

const describeHistorySide = (version: number | null, routing: LabelMoveAnswer["from_routing"]) => (routing ? describeTarget(routing) : describeTarget({ version }));

async function currentLabel(registry: RegistryApi, name: string, label: string): Promise<LabelAnswer | undefined> {
  return (await registry.labels(name)).find((item) => item.name === label);
}

/** `promptline label set <name> <label> <version>` or `--split 1:90,2:10 [--sticky-by key]`. */
export async function labelSetCommand(
  context: CliContext,
  name: string,
  label: string,
  version: string | undefined,
  options: LabelOptions & { split?: string; stickyBy?: string },
): Promise<number> {
  if (version !== undefined && options.split !== undefined) throw usageError("Give a version or --split, not both.");
  if (version === undefined && options.split === undefined) {
    throw usageError(`Which version? promptline label set ${name} ${label} <version>, or --split 1:90,2:10.`);
  }
  if (options.stickyBy !== undefined && options.split === undefined) throw usageError("--sticky-by goes with --split.");
  let body: SetLabelBody;
  if (options.split !== undefined) {
    body = { split: parseSplit(options.split), ...(options.stickyBy !== undefined && { sticky_by: options.stickyBy }) };
  } else {
    if (!/^\d+$/.test(version!) || Number(version) < 1) throw usageError(`The version is a whole number from 1, got "${version}".`);
    body = { version: Number(version) };
  }
  const registry = connectRegistry(resolveConnection(options, context.env));
  const before = await currentLabel(registry, name, label);
  const after = await registry.setLabel(name, label, body);
  if (options.json) {
    println(context, JSON.stringify(after, null, 2));
    return ExitCode.ok;
  }
  const was = before ? ` (was ${describeTarget(before)})` : " (new label)";
  println(context, `${label} of ${name}: ${describeTarget(after)}${was}.`);
  return ExitCode.ok;
}

/** `promptline label rollback <name> <label>`: back to where it pointed before its last move. */
export async function labelRollbackCommand(context: CliContext, name: string, label: string, options: LabelOptions): Promise<number> {
  const registry = connectRegistry(resolveConnection(options, context.env));
  const before = await currentLabel(registry, name, label);
  const after = await registry.rollbackLabel(
    name,
    label,
    () => new CliError(`Prompt "${name}" has no label "${label}" and no history for it: see \`promptline label history ${name}\`.`, ExitCode.notFound),
  );
  if (options.json) {
    println(context, JSON.stringify(after, null, 2));
    return ExitCode.ok;
  }
  println(context, `${label} of ${name} rolled back: ${describeTarget(after)}${before ? ` (was ${describeTarget(before)})` : " (restored)"}.`);
  return ExitCode.ok;
}

/** `promptline label history <name> [--label <label>]`: every move, oldest first. */
export async function labelHistoryCommand(context: CliContext, name: string, options: LabelOptions & { label?: string }): Promise<number> {
  const registry = connectRegistry(resolveConnection(options, context.env));
  // The history of an unknown prompt is empty on the server; say it's unknown instead.
  await registry.versions(name);
  const items = await registry.labelHistory(name, options.label);
  if (options.json) {
    println(context, JSON.stringify(items, null, 2));
    return ExitCode.ok;
  }
  if (items.length === 0) {
    println(context, options.label ? `Label "${options.label}" of ${name} has never moved.` : `No label of ${name} has ever moved.`);
    return ExitCode.ok;
  }
  const rows = items.map((move) => [
    formatUtcTime(move.created_at),
    move.label_name,
    move.from_version === null ? "(created)" : describeHistorySide(move.from_version, move.from_routing),
    move.to_version === null ? context.colors.red("(deleted)") : describeHistorySide(move.to_version, move.to_routing),
    move.actor_key_id === null ? "" : `key ${move.actor_key_id}`,
  ]);
  println(context, formatTable([{ header: "WHEN" }, { header: "LABEL" }, { header: "FROM" }, { header: "TO" }, { header: "BY" }], rows, context.colors.bold));
  return ExitCode.ok;
}
