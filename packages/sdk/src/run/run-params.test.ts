import { InvalidRequestError } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { normalizeRunParams, type RunParams } from "./run-params.js";

function rejection(params: unknown): InvalidRequestError {
  try {
    normalizeRunParams(params as RunParams);
  } catch (error) {
    if (error instanceof InvalidRequestError) return error;
    throw error;
  }
  throw new Error("expected an InvalidRequestError");
}

describe("normalizeRunParams", () => {
  it("fills the defaults", () => {
    expect(normalizeRunParams({ promptName: "p" })).toEqual({
      promptName: "p",
      promptVersion: undefined,
      promptReleaseLabel: undefined,
      inputVariables: {},
      tags: [],
      metadata: {},
      groupId: undefined,
      modelParameterOverrides: undefined,
      stream: false,
      provider: undefined,
      model: undefined,
      fallbacks: undefined,
      signal: undefined,
      allowDroppedResponseFormat: false,
    });
  });

  it("takes the snake_case names as their camelCase ones, and both when they agree", () => {
    const normalized = normalizeRunParams({ prompt_name: "p", prompt_version: 2, input_variables: { a: 1 }, group_id: 4, allow_dropped_response_format: true, promptReleaseLabel: "prod", prompt_release_label: "prod" });
    expect(normalized).toMatchObject({ promptName: "p", promptVersion: 2, inputVariables: { a: 1 }, groupId: 4, allowDroppedResponseFormat: true, promptReleaseLabel: "prod" });
  });

  it("refuses a pair given with different values", () => {
    expect(rejection({ promptName: "a", prompt_name: "b" }).message).toBe("run() got both promptName and prompt_name with different values: give one.");
  });

  it("names unknown keys, __proto__ included, and keeps signal aside", () => {
    expect(rejection({ promptName: "p", temperature: 1, promptname: "x" }).message).toBe('run() does not take "temperature", "promptname".');
    expect(rejection(JSON.parse('{"promptName":"p","__proto__":{}}')).message).toBe('run() does not take "__proto__".');
    const signal = new AbortController().signal;
    expect(normalizeRunParams({ promptName: "p", signal }).signal).toBe(signal);
  });

  it("words zod's issues for a wrong type, with the path", () => {
    const error = rejection({ promptName: "p", metadata: { user: 3 } });
    expect(error.message).toMatch(/^Invalid run\(\) parameters: metadata\.user: metadata values must be strings/);
    expect(rejection({ promptName: "" }).message).toContain("promptName: promptName is required");
    expect(rejection({ promptName: "p", promptVersion: 0 }).message).toContain("promptVersion:");
    expect(rejection({ promptName: "p", fallbacks: [{ provider: "a", model: "b", extra: 1 }] }).message).toContain("fallbacks.0");
  });

  it("a provider needs a model", () => {
    expect(rejection({ promptName: "p", provider: "anthropic" }).message).toBe('run() got provider "anthropic" without a model: give both to switch provider.');
    expect(normalizeRunParams({ promptName: "p", provider: "anthropic", model: "claude" })).toMatchObject({ provider: "anthropic", model: "claude" });
  });

  it("refuses what is not an object", () => {
    expect(rejection(null).message).toContain("run() takes an object of parameters");
    expect(rejection("welcome").message).toContain("run() takes an object of parameters");
  });

  it("copies the caller's objects: changing them after run() changes nothing logged", () => {
    const inputVariables: Record<string, unknown> = { a: 1 };
    const tags = ["x"];
    const normalized = normalizeRunParams({ promptName: "p", inputVariables, tags, fallbacks: [{ provider: "a", model: "b" }] });
    inputVariables.a = 2;
    tags.push("y");
    expect(normalized.inputVariables).toEqual({ a: 1 });
    expect(normalized.tags).toEqual(["x"]);
    expect(normalized.fallbacks).toEqual([{ provider: "a", model: "b" }]);
  });

  it("at most 16 fallbacks", () => {
    const fallbacks = Array.from({ length: 17 }, () => ({ provider: "a", model: "b" }));
    expect(rejection({ promptName: "p", fallbacks }).message).toContain("fallbacks");
  });
});
