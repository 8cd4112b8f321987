import { z } from "zod";

/**
 * A release label's routing: one version, or a weighted split between
 * versions (optionally sticky on a metadata key), with metadata segments
 * tried first. The SDK (locally, per run) and the server (PromptLayer's
 * template route, from `metadata_filters`) resolve labels with this one
 * implementation, so a sticky value maps to the same version everywhere.
 */

export const splitEntrySchema = z.strictObject({
  version: z.number().int().positive(),
  /** A relative share: `[{version: 1, weight: 9}, {version: 2, weight: 1}]` serves version 2 to one run in ten. */
  weight: z.number().int().positive().max(1_000_000),
});

export const labelSegmentSchema = z.strictObject({
  /** Every pair must equal the run's metadata for the segment to apply. */
  metadata: z.record(z.string().min(1), z.string()).refine((pairs) => Object.keys(pairs).length > 0, {
    message: "a segment needs at least one metadata pair",
  }),
  version: z.number().int().positive(),
});

/** The routing part of `PUT /api/v1/prompts/{name}/labels/{label}` (without a single `version`). */
export const labelSplitSchema = z
  .strictObject({
    split: z.array(splitEntrySchema).min(2, { message: "a split needs at least two entries" }).max(100),
    sticky_by: z.string().min(1).max(256).nullish(),
    segments: z.array(labelSegmentSchema).max(100).nullish(),
  })
  .superRefine((value, context) => {
    const seen = new Set<number>();
    value.split.forEach((entry, index) => {
      if (seen.has(entry.version)) context.addIssue({ code: "custom", path: ["split", index, "version"], message: `version ${entry.version} is listed twice` });
      seen.add(entry.version);
    });
  });

/** The body of `PUT /api/v1/prompts/{name}/labels/{label}`: `{version}` or a split. */
export const setLabelBodySchema = z.union([z.strictObject({ version: z.number().int().positive() }), labelSplitSchema]);
export type SetLabelBody = z.infer<typeof setLabelBodySchema>;

export type SplitEntry = z.infer<typeof splitEntrySchema>;
export type LabelSegment = z.infer<typeof labelSegmentSchema>;

/** A label's routing once stored: `split` empty for a plain label. */
export interface LabelRouting {
  split: SplitEntry[];
  sticky_by: string | null;
  segments: LabelSegment[];
}

/** What a label serves: a fixed version, or a routing to resolve per run. */
export interface LabelTarget {
  /** The version a plain label points at; for a split, its first entry's version (what version-only readers see). */
  version: number;
  routing: LabelRouting | null;
}

/** Every version a target can serve, in order, without duplicates. */
export function versionsOfTarget(target: LabelTarget): number[] {
  if (!target.routing) return [target.version];
  const all = [...target.routing.segments.map((segment) => segment.version), ...target.routing.split.map((entry) => entry.version)];
  return [...new Set([target.version, ...all])];
}

/** Normalises a validated body into what is stored. */
export function routingOfBody(body: SetLabelBody): LabelTarget {
  if ("version" in body) return { version: body.version, routing: null };
  return {
    version: body.split[0]!.version,
    routing: { split: body.split, sticky_by: body.sticky_by ?? null, segments: body.segments ?? [] },
  };
}

export interface ResolveLabelInput {
  prompt: string;
  label: string;
  /** The run's metadata (`metadata_filters` on PromptLayer's route). Non-string values are compared as their JSON text. */
  metadata?: Record<string, unknown> | null | undefined;
  /** A number in [0, 1) for runs without the sticky key. Default `Math.random`. */
  random?: () => number;
}

/** How a version was picked, for logs and tests. */
export interface LabelResolution {
  version: number;
  reason: "fixed" | "segment" | "sticky" | "random";
}

/** Picks the version a label serves to one run. */
export function resolveLabelVersion(target: LabelTarget, input: ResolveLabelInput): LabelResolution {
  const routing = target.routing;
  if (!routing || routing.split.length === 0) return { version: target.version, reason: "fixed" };
  const metadata = input.metadata ?? {};
  for (const segment of routing.segments) {
    if (Object.entries(segment.metadata).every(([key, value]) => key in metadata && textOf(metadata[key]) === value)) {
      return { version: segment.version, reason: "segment" };
    }
  }
  const stickyValue = routing.sticky_by === null ? undefined : metadata[routing.sticky_by];
  if (stickyValue !== undefined && stickyValue !== null) {
    const point = stickyPoint(input.prompt, input.label, textOf(stickyValue));
    return { version: pickWeighted(routing.split, point), reason: "sticky" };
  }
  const random = (input.random ?? Math.random)();
  return { version: pickWeighted(routing.split, Math.min(Math.max(random, 0), 0.999_999_999)), reason: "random" };
}

function textOf(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The entry whose cumulative share holds `point` (in [0, 1)). */
function pickWeighted(split: readonly SplitEntry[], point: number): number {
  const total = split.reduce((sum, entry) => sum + entry.weight, 0);
  let target = point * total;
  for (const entry of split) {
    if (target < entry.weight) return entry.version;
    target -= entry.weight;
  }
  return split[split.length - 1]!.version;
}

/**
 * A stable point in [0, 1) for (prompt, label, value): the same in every
 * process, on every machine, in the SDK and on the server. 53 bits from two
 * independent 32-bit hashes (FNV-1a over UTF-8, then MurmurHash3's
 * finaliser for avalanche), so consecutive ids (`user-1`, `user-2`, …)
 * spread evenly.
 */
export function stickyPoint(prompt: string, label: string, value: string): number {
  const bytes = new TextEncoder().encode(`${prompt}\u0000${label}\u0000${value}`);
  const high = fmix32(fnv1a(bytes, 0x811c9dc5)) >>> 11; // 21 bits
  const low = fmix32(fnv1a(bytes, 0x01000193 ^ 0x5bd1e995)); // 32 bits
  return (high * 2 ** 32 + low) / 2 ** 53;
}

function fnv1a(bytes: Uint8Array, seed: number): number {
  let hash = seed >>> 0;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function fmix32(input: number): number {
  let hash = input >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash >>> 0;
}
