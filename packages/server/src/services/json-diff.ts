export interface JsonChange {
  /** JSON path of the change, e.g. `prompt_template.messages[1].content[0].text`. */
  path: string;
  kind: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The leaf-level differences between two JSON values, in document order. */
export function diffJson(before: unknown, after: unknown, path = ""): JsonChange[] {
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: JsonChange[] = [];
    for (let index = 0; index < Math.max(before.length, after.length); index++) {
      const at = `${path}[${index}]`;
      if (index >= before.length) changes.push({ path: at, kind: "added", after: after[index] });
      else if (index >= after.length) changes.push({ path: at, kind: "removed", before: before[index] });
      else changes.push(...diffJson(before[index], after[index], at));
    }
    return changes;
  }
  if (isObject(before) && isObject(after)) {
    const changes: JsonChange[] = [];
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const key of keys) {
      const at = path ? `${path}.${key}` : key;
      if (!(key in before)) changes.push({ path: at, kind: "added", after: after[key] });
      else if (!(key in after)) changes.push({ path: at, kind: "removed", before: before[key] });
      else changes.push(...diffJson(before[key], after[key], at));
    }
    return changes;
  }
  return Object.is(before, after) || JSON.stringify(before) === JSON.stringify(after)
    ? []
    : [{ path: path || "$", kind: "changed", before, after }];
}
