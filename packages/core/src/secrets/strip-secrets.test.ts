import { describe, expect, it } from "vitest";
import { redactSecrets, stripSecrets } from "./strip-secrets.js";

describe("stripSecrets", () => {
  it("drops credential and endpoint keys and keeps the request", () => {
    const kwargs = { model: "gpt-4o", messages: [], apiKey: "sk-live", baseURL: "http://x", aws_secret_key: "s", temperature: 1 };
    expect(stripSecrets(kwargs)).toEqual({ model: "gpt-4o", messages: [], temperature: 1 });
    expect(kwargs.apiKey).toBe("sk-live");
  });
});

describe("redactSecrets", () => {
  it("hides key-shaped strings", () => {
    const text = "401 Incorrect API key provided: sk-abcdefghijklmnop and AKIAABCDEFGHIJKLMNOP";
    expect(redactSecrets(text)).toBe("401 Incorrect API key provided: [redacted] and [redacted]");
  });
});
