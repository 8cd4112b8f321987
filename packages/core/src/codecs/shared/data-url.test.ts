import { describe, expect, it } from "vitest";
import { mediaUrl, parseDataUrl, toDataUrl } from "./data-url.js";

describe("parseDataUrl", () => {
  it("splits a base64 data URL into media type and payload", () => {
    expect(parseDataUrl("data:image/png;base64,iVBORw0KGgo=")).toEqual({ mimeType: "image/png", data: "iVBORw0KGgo=" });
  });

  it("keeps a payload that spans lines", () => {
    expect(parseDataUrl("data:application/pdf;base64,AAA\nBBB")).toEqual({ mimeType: "application/pdf", data: "AAA\nBBB" });
  });

  it("returns null for web URLs, data URLs with parameters or without base64, and a missing media type", () => {
    expect(parseDataUrl("https://example.com/cat.png")).toBeNull();
    expect(parseDataUrl("data:text/plain;charset=utf-8;base64,aGk=")).toBeNull();
    expect(parseDataUrl("data:text/plain,hi")).toBeNull();
    expect(parseDataUrl("data:;base64,aGk=")).toBeNull();
  });

  it("round-trips with toDataUrl", () => {
    const url = toDataUrl("image/jpeg", "/9j/4AAQ");
    expect(url).toBe("data:image/jpeg;base64,/9j/4AAQ");
    expect(parseDataUrl(url)).toEqual({ mimeType: "image/jpeg", data: "/9j/4AAQ" });
  });
});

describe("mediaUrl", () => {
  it("wraps bare base64 in a data URL", () => {
    expect(mediaUrl("aGk=", "image/png", "base64")).toBe("data:image/png;base64,aGk=");
  });

  it("keeps a data URL already given as base64, and any url-format url", () => {
    expect(mediaUrl("data:image/gif;base64,R0lG", "image/png", "base64")).toBe("data:image/gif;base64,R0lG");
    expect(mediaUrl("https://example.com/a.png", "image/png", "url")).toBe("https://example.com/a.png");
  });
});
