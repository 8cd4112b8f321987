import { describe, expect, it } from "vitest";
import { diffLines, formatDiff } from "./line-diff.js";

describe("line diff", () => {
  it("keeps common lines and marks removed and added ones", () => {
    const diff = diffLines(["a", "b", "c", "d"], ["a", "x", "c", "d", "e"]);
    expect(diff.map((line) => `${line.kind}${line.text}`)).toEqual([" a", "-b", "+x", " c", " d", "+e"]);
  });

  it("shows changes with context and skips long unchanged runs", () => {
    const before = Array.from({ length: 20 }, (_, index) => `line ${index}`);
    const after = before.map((line, index) => (index === 10 ? "changed" : line));
    expect(formatDiff(diffLines(before, after), 1)).toEqual(["  ...", "  line 9", "- line 10", "+ changed", "  line 11", "  ..."]);
  });

  it("is empty for equal inputs", () => {
    expect(formatDiff(diffLines(["a"], ["a"]))).toEqual([]);
  });
});
