import { resolveLabelVersion, type LabelSegment, type SplitEntry } from "@promptline/core/rollouts";
import type { RegistryVersion } from "../registry/registry-client.js";
import type { CachedPrompt } from "./runner.js";

/** A split or segmented label as the cache keeps it: its definition and every version it names. */
export interface CachedSplit {
  label: string;
  split: SplitEntry[];
  sticky_by: string | null;
  segments: LabelSegment[];
  /** By version number; holds every version the split or its segments name. */
  versions: Map<number, CachedPrompt>;
}

/** What the cache keeps for a registry answer: the version, and for a split label everything needed to pick per run. */
export function cachedPromptOf(found: RegistryVersion): CachedPrompt {
  const toPrompt = (version: RegistryVersion["version"]): CachedPrompt => ({
    name: found.prompt.name,
    version: version.version,
    template: version.prompt_template,
    metadata: version.metadata,
    // Expanded by the registry (decision 0009); which snippet versions, for the log.
    snippets: version.snippets ?? [],
  });
  const prompt = { ...toPrompt(found.version), ...(typeof found.registry_revision === "number" && { registryRevision: found.registry_revision }) };
  if (!found.label || !found.versions) return prompt;
  return {
    ...prompt,
    split: {
      label: found.label.name,
      split: found.label.split,
      sticky_by: found.label.sticky_by ?? null,
      segments: found.label.segments ?? [],
      versions: new Map(found.versions.map((version) => [version.version, toPrompt(version)])),
    },
  };
}

/**
 * The version a run gets: for a split label, picked locally from the run's
 * metadata with the resolver the server uses too (same sticky value → same
 * version everywhere); otherwise the cached version itself.
 */
export function servedVersion(prompt: CachedPrompt, metadata: Record<string, string>, random?: () => number): CachedPrompt {
  const split = prompt.split;
  if (!split || prompt.version === null) return prompt;
  const { version } = resolveLabelVersion(
    { version: prompt.version, routing: { split: split.split, sticky_by: split.sticky_by, segments: split.segments } },
    { prompt: prompt.name, label: split.label, metadata, ...(random && { random }) },
  );
  return split.versions.get(version) ?? prompt;
}
