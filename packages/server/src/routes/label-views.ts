import { labelSplitSchema, routingOfBody, type LabelTarget } from "@promptline/core";
import type { Context } from "hono";
import { parseWith, readJson } from "../http/read-json.js";
import type { ReleaseLabelRecord } from "../storage/index.js";
import { setLabelBody } from "@promptline/core/wire";

/**
 * A label as `/api/v1` shows it: `version` for a label that points at one
 * version, else `split`, `sticky_by` and `segments` (decision 0008).
 * `prompt_version_number` stays for older clients (a split's first entry).
 */
export function labelView(label: ReleaseLabelRecord) {
  const { routing, ...rest } = label;
  if (!routing) return { ...rest, version: label.prompt_version_number };
  return { ...rest, split: routing.split, sticky_by: routing.sticky_by, segments: routing.segments };
}

/** `{version}` or a split, validated by the schema its shape asks for, so the 400 names the right field. */
export async function readLabelTarget(c: Context): Promise<LabelTarget> {
  const body = await readJson(c);
  if (typeof body === "object" && body !== null && !Array.isArray(body) && "split" in body) {
    return routingOfBody(parseWith(labelSplitSchema, body, "body"));
  }
  return routingOfBody(parseWith(setLabelBody, body, "body"));
}
