import { describe, expect, it } from "vitest";
import { parseJsonMarkingFloats, parseMarkedFloatsOnly, PythonFloat } from "./python-float.js";
import { renderText } from "./render-text.js";

// What Python's json.dumps sends for {"x": 10.0, "n": 3, "xs": [1.0, 2], "s": "10.0"}.
const body = '{"x": 10.0, "n": 3, "xs": [1.0, 2, 2.5], "big": 1e3, "neg": -0.0, "s": "10.0 \\" 7.0", "nested": {"y": 2.50E1}}';

describe("parseJsonMarkingFloats", () => {
  it("marks floats with integral values, and only those", () => {
    const parsed = parseJsonMarkingFloats(body) as Record<string, unknown>;
    expect(parsed.x).toEqual(new PythonFloat(10));
    expect(parsed.n).toBe(3);
    expect(parsed.xs).toEqual([new PythonFloat(1), 2, 2.5]);
    expect(parsed.big).toEqual(new PythonFloat(1000));
    expect(parsed.neg).toEqual(new PythonFloat(-0));
    expect(parsed.s).toBe('10.0 " 7.0');
    expect(parsed.nested).toEqual({ y: new PythonFloat(25) });
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(JSON.parse(body)));
  });

  it("is JSON.parse for text without such numbers, and throws on invalid JSON", () => {
    expect(parseJsonMarkingFloats('{"a": [1, 2.5, "3.0"]}')).toEqual({ a: [1, 2.5, "3.0"] });
    expect(() => parseJsonMarkingFloats('{"a": 1.0')).toThrow(SyntaxError);
    expect(() => parseJsonMarkingFloats("{a: 1.0}")).toThrow(SyntaxError);
  });

  it("tells a caller that already parsed the text when there is nothing to mark", () => {
    expect(parseMarkedFloatsOnly('{"model": "gpt-3.5-turbo", "t": 0.5, "n": 2}')).toBeUndefined();
    expect(parseMarkedFloatsOnly('{"x": 2.0}')).toEqual({ value: { x: new PythonFloat(2) } });
  });
});

describe("rendering a float Python sent as 10.0", () => {
  const variables = parseJsonMarkingFloats(body) as Record<string, unknown>;

  it("f-string: {x} → 10.0, {x:.2f} → 10.00, {x!r}, lists, ints stay ints", () => {
    expect(renderText("{x} {x:.2f} {x!r} {x:>6} {n} {xs} {nested}", "f-string", variables)).toBe("10.0 10.00 10.0   10.0 3 [1.0, 2, 2.5] {'y': 25.0}");
    expect(renderText("{big} {neg}", "f-string", variables)).toBe("1000.0 -0.0");
  });

  it("f-string: an int format code on a float is Python's error", () => {
    expect(() => renderText("{x:d}", "f-string", variables)).toThrow(/Unknown format code 'd' for object of type 'float'/);
  });

  it("jinja2: {{ x }} → 10.0, arithmetic and lists keep the float", () => {
    expect(renderText("{{ x }} {{ x + 1 }} {{ n }} {{ xs }} {{ xs[0] }} {{ nested.y }}", "jinja2", variables)).toBe("10.0 11.0 3 [1.0, 2, 2.5] 1.0 25.0");
  });
});
