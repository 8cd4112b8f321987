import { describe, expect, it } from "vitest";
import { mergeTurn } from "./merge-turn.js";

describe("mergeTurn", () => {
  it("merges consecutive turns of one role and starts a new turn when the role changes", () => {
    const turns: { role: "user" | "assistant"; content: string[] }[] = [];
    mergeTurn(turns, "user", ["a"]);
    mergeTurn(turns, "user", ["b", "c"]);
    mergeTurn(turns, "assistant", ["d"]);
    mergeTurn(turns, "user", ["e"]);
    expect(turns).toEqual([
      { role: "user", content: ["a", "b", "c"] },
      { role: "assistant", content: ["d"] },
      { role: "user", content: ["e"] },
    ]);
  });

  it("adds nothing for empty content, so the turn before stays mergeable", () => {
    const turns: { role: "user" | "assistant"; content: string[] }[] = [];
    mergeTurn(turns, "user", ["a"]);
    mergeTurn(turns, "assistant", []);
    mergeTurn(turns, "user", ["b"]);
    expect(turns).toEqual([{ role: "user", content: ["a", "b"] }]);
  });
});
