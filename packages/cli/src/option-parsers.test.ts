import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { integer, keyValue, paramValue, since } from "./option-parsers.js";

describe("option parsers", () => {
  it("collects key=value pairs, keeping = in values, and names the form when one is wrong", () => {
    const parse = keyValue("--var", "topic=cats");
    expect(parse("b=x=y", parse("a=1"))).toEqual([["a", "1"], ["b", "x=y"]]);
    expect(parse("empty=")).toEqual([["empty", ""]]);
    expect(() => parse("foo")).toThrow(InvalidArgumentError);
    expect(() => parse("=x")).toThrow(/--var takes key=value \(e\.g\. --var topic=cats\), got "=x"/);
  });

  it("reads --param values as JSON when they parse", () => {
    expect(paramValue("0.2")).toBe(0.2);
    expect(paramValue("true")).toBe(true);
    expect(paramValue('["a"]')).toEqual(["a"]);
    expect(paramValue("hello")).toBe("hello");
  });

  it("reads --since as a duration or a date", () => {
    const parse = since(() => Date.parse("2025-01-01T12:00:00Z"));
    expect(parse("90m")).toBe("2025-01-01T10:30:00.000Z");
    expect(parse("2d")).toBe("2024-12-30T12:00:00.000Z");
    expect(parse("2024-12-31T00:00:00Z")).toBe("2024-12-31T00:00:00.000Z");
    expect(() => parse("yesterday")).toThrow(/--since takes a duration/);
  });

  it("bounds whole numbers", () => {
    expect(integer("--concurrency", 1, 64)("8")).toBe(8);
    expect(() => integer("--concurrency", 1, 64)("0")).toThrow(/from 1 to 64/);
    expect(() => integer("--port", 0, 65535)("80.5")).toThrow(InvalidArgumentError);
  });
});
