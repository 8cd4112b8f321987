import { describe, expect, it } from "vitest";
import { inputLimits } from "../schemas/input-limits.js";
import { trackRequestBodySchema } from "./promptlayer-requests.js";
import { trackRequestBodyFast } from "./track-request-body.js";

/** PromptLayer's JS SDK's `_trackRequest` body (contract §3.2). */
const base = {
  function_name: "openai.chat.completions.create",
  provider_type: "openai",
  args: [],
  kwargs: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], temperature: 0.2 },
  request_response: { id: "x", choices: [{ index: 0, message: { role: "assistant", content: "Hello" } }] },
  request_start_time: "2026-01-01T00:00:00.000Z",
  request_end_time: "2026-01-01T00:00:00.420Z",
  tags: ["a"],
  metadata: { user: "u1" },
  prompt_id: 7,
  prompt_version: 1,
  prompt_input_variables: { name: "Ada" },
  group_id: 3,
  return_prompt_blueprint: true,
  return_pl_id: false,
  span_id: "0000000000000000",
  status: "SUCCESS",
  error_type: "PROVIDER_ERROR",
  error_message: "boom",
  api_key: "pl_key",
};

/** Odd values for every field: types the schema refuses, limits, edges it accepts. */
const long = (length: number) => "x".repeat(length);
const oddValues: unknown[] = [
  undefined, null, "", "text", 0, -1, 1.5, 2 ** 53, -(2 ** 53), 1e300, true, false, [], ["a"], [1], {}, { a: 1 },
  { __proto__: null }, "SUCCESS", "ERROR", "CANCELLED", "PROVIDER_AUTH_ERROR", "UNKNOWN", long(inputLimits.tagLength + 1),
  Array.from({ length: inputLimits.tags + 1 }, () => "t"), [long(inputLimits.tagLength)], [long(inputLimits.tagLength + 1)],
  { [long(inputLimits.metadataKeyLength + 1)]: "v" }, { k: long(inputLimits.metadataValueLength) }, { k: long(inputLimits.metadataValueLength + 1) },
  { k: null, n: 5, b: true }, { k: { nested: long(inputLimits.metadataValueLength) } }, { k: ["x"] },
  Object.fromEntries(Array.from({ length: inputLimits.metadataKeys + 1 }, (_, index) => [`k${index}`, "v"])),
  Object.fromEntries(Array.from({ length: inputLimits.inputVariables + 1 }, (_, index) => [`v${index}`, 1])),
  { constructor: "x" }, { constructor: { prototype: 5 } },
];

/** Bodies as JSON texts, parsed afresh for each side (zod and the fast path each get their own). */
function cases(): string[] {
  const texts = [JSON.stringify(base), JSON.stringify({}), JSON.stringify({ api_key: "k" }), "[]", "null", '"text"', "5"];
  for (const field of [...Object.keys(base), "unknown_field"]) {
    for (const value of oddValues) texts.push(JSON.stringify({ ...base, [field]: value }));
    const without: Record<string, unknown> = { ...base };
    delete without[field];
    texts.push(JSON.stringify(without));
  }
  // Keys JSON can carry that an object literal can't: an own `__proto__`, at the top and in each record.
  texts.push(JSON.stringify(base).replace('"api_key"', '"__proto__":{"x":1},"api_key"'));
  for (const field of ["kwargs", "metadata", "prompt_input_variables"]) texts.push(JSON.stringify(base).replace(`"${field}":{`, `"${field}":{"__proto__":{"x":1},`));
  return texts;
}

/** JSON with every object's keys sorted: the same text for the same values, whatever the key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === "object" && !Array.isArray(item) ? Object.fromEntries(Object.keys(item).sort().map((key) => [key, (item as Record<string, unknown>)[key]])) : item,
  );
}

describe("trackRequestBodyFast", () => {
  it("returns a body only when the schema accepts it, with the same values", () => {
    let accepted = 0;
    for (const text of cases()) {
      const fast = trackRequestBodyFast(JSON.parse(text));
      if (fast === undefined) continue;
      accepted++;
      const zod = trackRequestBodySchema.safeParse(JSON.parse(text));
      expect(zod.success, text).toBe(true);
      expect(canonical(fast), text).toBe(canonical(zod.data));
    }
    // It does take the usual bodies (else it would be no faster): most of the cases are usual.
    expect(accepted).toBeGreaterThan(200);
  });

  it("takes the SDKs' bodies, applies the schema's default and leaves the parsed body as it was", () => {
    const parsed = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
    expect(trackRequestBodyFast(parsed)).toBe(parsed);
    const noName = { api_key: "k" };
    expect(trackRequestBodyFast(noName)).toEqual({ api_key: "k", function_name: "" });
    expect(noName).toEqual({ api_key: "k" });
    // Python's epoch seconds; a name as the prompt id.
    expect(trackRequestBodyFast({ ...base, request_start_time: 1767225600.25, prompt_id: "greeting" })).toBeDefined();
  });

  it("leaves to zod what it can't vouch for", () => {
    for (const body of [null, [], { ...base, prompt_version: 1.5 }, { ...base, status: "MAYBE" }, { ...base, tags: "a" }, { ...base, metadata: { k: {} } }, { ...base, function_name: null }]) {
      expect(trackRequestBodyFast(body), JSON.stringify(body)).toBeUndefined();
    }
  });
});
