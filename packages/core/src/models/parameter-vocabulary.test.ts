import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { effortForBudget, nearestEffort, readCanonical, reasoningEfforts, thinkingBudgets, writeCanonical } from "./parameter-vocabulary.js";

describe("parameter vocabulary", () => {
  it.each([
    ["stop", { stop: "END" }, ["END"]],
    ["stop_sequences", { stop_sequences: ["a", "b"] }, ["a", "b"]],
    ["stop", { stop: 3 }, undefined],
    ["maxTokens", { maxTokens: 512 }, 512],
    ["random_seed", { random_seed: 9 }, 9],
    ["thinking", { thinking: { type: "enabled", budget_tokens: 1024 } }, "low"],
    ["thinking", { thinking: { type: "disabled" } }, "minimal"],
    ["thinking_config", { thinking_config: { thinking_budget: -1 } }, "medium"],
    ["thinking_config", { thinking_config: { thinking_level: "high" } }, "high"],
    ["reasoning", { reasoning: { effort: "low" } }, "low"],
    ["response_format", { response_format: { type: "json_object" } }, { kind: "json" }],
    ["response_mime_type", { response_mime_type: "application/json" }, { kind: "json" }],
    ["response_mime_type", { response_mime_type: "text/x.enum" }, undefined],
    ["text", { text: { format: { type: "json_schema", name: "p", schema: { type: "object" }, strict: true } } }, { kind: "json_schema", name: "p", schema: { type: "object" }, strict: true }],
    ["output_format", { output_format: { type: "json_schema", schema: { type: "object" } } }, { kind: "json_schema", name: "response", schema: { type: "object" } }],
  ])("reads %s from %j", (name, parameters, expected) => {
    expect(readCanonical(name, parameters)).toEqual(expected);
  });

  it.each([
    ["stop_sequences", ["x"], { stop_sequences: ["x"] }],
    ["thinking", "medium", { thinking: { type: "enabled", budget_tokens: 8192 } }],
    ["thinking", "minimal", { thinking: { type: "disabled" } }],
    ["thinking_config", "high", { thinking_config: { thinking_budget: 24576 } }],
    ["reasoning", "low", { reasoning: { effort: "low" } }],
    ["text", { kind: "json_schema", name: "p", schema: {} }, { text: { format: { type: "json_schema", name: "p", schema: {} } } }],
    ["response_mime_type", { kind: "text" }, { response_mime_type: "text/plain" }],
    ["random_seed", "not a number", undefined],
    ["output_format", { kind: "json_schema", name: "p", schema: { type: "object" } }, { output_format: { type: "json_schema", schema: { type: "object" } } }],
    ["output_format", { kind: "json" }, undefined],
  ])("writes %s", (name, value, expected) => {
    expect(writeCanonical(name, value)).toEqual(expected);
  });

  it("moves an effort to the nearest allowed one, ties to the stronger", () => {
    expect(nearestEffort("minimal", ["low", "medium", "high"])).toBe("low");
    expect(nearestEffort("medium", ["low", "high"])).toBe("high");
    expect(nearestEffort("high", ["minimal", "low"])).toBe("low");
  });

  it("effort → budget → effort is the identity", () => {
    for (const effort of reasoningEfforts) expect(effortForBudget(thinkingBudgets[effort])).toBe(effort);
  });

  it("a larger budget never reads as a smaller effort", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(reasoningEfforts.indexOf(effortForBudget(low))).toBeLessThanOrEqual(reasoningEfforts.indexOf(effortForBudget(high)));
      }),
    );
  });
});
