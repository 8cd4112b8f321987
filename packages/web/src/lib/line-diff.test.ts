import { describe, expect, it } from "vitest";
import { lineDiff } from "./line-diff.js";

describe("lineDiff", () => {
  it("pairs removals with additions into changed rows and keeps common lines", () => {
    expect(lineDiff("a\nb\nc", "a\nB\nc\nd")).toEqual([
      { kind: "same", left: { number: 1, text: "a" }, right: { number: 1, text: "a" } },
      { kind: "changed", left: { number: 2, text: "b" }, right: { number: 2, text: "B" } },
      { kind: "same", left: { number: 3, text: "c" }, right: { number: 3, text: "c" } },
      { kind: "added", right: { number: 4, text: "d" } },
    ]);
  });

  it("reports identical texts as all same and pure deletions as removed", () => {
    expect(lineDiff("x\ny", "x\ny").every((row) => row.kind === "same")).toBe(true);
    expect(lineDiff("x\ny\nz", "x\nz").map((row) => row.kind)).toEqual(["same", "removed", "same"]);
  });
});
