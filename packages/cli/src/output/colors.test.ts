import { describe, expect, it } from "vitest";
import { createColors, shouldUseColor, stripAnsi } from "./colors.js";
import { formatTable } from "./table.js";

describe("colours", () => {
  it("are used only on a terminal and never with NO_COLOR", () => {
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({}, {})).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
  });

  it("style text only when enabled", () => {
    expect(createColors(false).red("x")).toBe("x");
    expect(createColors(true).red("x")).toBe("\u001b[31mx\u001b[39m");
    expect(stripAnsi(createColors(true).bold("x"))).toBe("x");
  });

  it("tables align styled cells by their visible width", () => {
    const colors = createColors(true);
    const table = stripAnsi(formatTable([{ header: "A" }, { header: "B", align: "right" }], [[colors.green("ok"), "1"], ["failed", "10"]]));
    expect(table.split("\n")).toEqual(["A        B", "ok       1", "failed  10"]);
  });
});
