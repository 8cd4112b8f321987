import { describe, expect, it } from "vitest";
import { createWarnOnce } from "./warn-once.js";

describe("createWarnOnce", () => {
  it("prints each distinct warning once", () => {
    const printed: string[] = [];
    const warn = createWarnOnce((warning) => printed.push(warning));
    warn("a");
    warn("b");
    warn("a");
    warn("b");
    expect(printed).toEqual(["a", "b"]);
  });

  it("stays bounded: after 1000 distinct warnings it forgets them and prints again", () => {
    const printed: string[] = [];
    const warn = createWarnOnce((warning) => printed.push(warning));
    for (let index = 0; index < 1000; index++) warn(`w${index}`);
    warn("w0");
    expect(printed).toHaveLength(1000);
    warn("w1000");
    warn("w0");
    expect(printed.slice(1000)).toEqual(["w1000", "w0"]);
  });
});
