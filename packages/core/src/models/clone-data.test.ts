import { describe, expect, it } from "vitest";
import { cloneData } from "./clone-data.js";

describe("cloneData", () => {
  it("deep-copies JSON-like data, keeping key order, undefined values and bigints", () => {
    const value = {
      temperature: 0.2,
      stop: ["a", "b"],
      response_format: { type: "json_schema", json_schema: { schema: { properties: { x: { type: ["string", "null"] } } } } },
      nothing: null,
      unset: undefined,
      big: 10n,
      flag: false,
    };
    const copy = cloneData(value);
    expect(copy).toStrictEqual(structuredClone(value));
    expect(Object.keys(copy)).toEqual(Object.keys(value));
    expect(copy).not.toBe(value);
    expect(copy.stop).not.toBe(value.stop);
    expect(copy.response_format.json_schema.schema).not.toBe(value.response_format.json_schema.schema);
    copy.response_format.json_schema.schema.properties.x.type.push("number");
    expect(value.response_format.json_schema.schema.properties.x.type).toEqual(["string", "null"]);
  });

  it("copies a null-prototype object into a plain one, as structuredClone does", () => {
    const value = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    const copy = cloneData(value);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy).toEqual({ a: 1 });
  });

  it("gives structuredClone's result for anything that is not plain data", () => {
    class Settings {
      constructor(readonly top_p = 0.5) {}
    }
    const sparse: unknown[] = [1];
    sparse[3] = 4;
    const tagged = Object.assign([1, 2], { extra: "kept" });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const withProtoKey = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const values = [
      { when: new Date(0), pattern: /x/g, map: new Map([["k", 1]]), set: new Set([1]) },
      { instance: new Settings() },
      { sparse },
      { tagged },
      withProtoKey,
    ];
    for (const value of values) expect(cloneData(value)).toStrictEqual(structuredClone(value));
    expect(Object.hasOwn(cloneData(withProtoKey), "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const cyclicCopy = cloneData(cyclic);
    expect(cyclicCopy.self).toBe(cyclicCopy);
    expect(cyclicCopy).not.toBe(cyclic);
  });

  it("throws structuredClone's error for values it cannot clone", () => {
    const withFunction = { nested: { callback: () => 1 } };
    const expected = (() => {
      try {
        structuredClone(withFunction);
      } catch (error) {
        return error as Error;
      }
      throw new Error("structuredClone should throw");
    })();
    expect(() => cloneData(withFunction)).toThrow(expected.message);
    expect(() => cloneData({ symbol: Symbol("s") })).toThrow(expected.constructor as new () => Error);
  });

  it("copies primitives as themselves", () => {
    for (const value of ["s", 1, true, null, undefined, 2n]) expect(cloneData(value)).toBe(value);
  });
});
