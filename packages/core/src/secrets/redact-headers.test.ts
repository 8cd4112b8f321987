import { describe, expect, it } from "vitest";
import { isCredentialHeader, redactHeaders } from "./redact-headers.js";

describe("redactHeaders", () => {
  it.each([
    [{ authorization: "Bearer sk-abc" }, { authorization: "Bearer [redacted]" }],
    [{ Authorization: "AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=abc" }, { Authorization: "AWS4-HMAC-SHA256 [redacted]" }],
    [{ "proxy-authorization": "Basic dXNlcjpwdw==" }, { "proxy-authorization": "Basic [redacted]" }],
    [{ authorization: "sk-bare-key" }, { authorization: "[redacted]" }],
    [{ "x-api-key": "Bearer sk-ant" }, { "x-api-key": "[redacted]" }],
    [{ "api-key": "az", "x-goog-api-key": "g", "x-amz-security-token": "t" }, { "api-key": "[redacted]", "x-goog-api-key": "[redacted]", "x-amz-security-token": "[redacted]" }],
    [{ cookie: "s=1", "set-cookie": "s=2" }, { cookie: "[redacted]", "set-cookie": "[redacted]" }],
    [{ "x-custom-secret": "s", "x-session-token": "t", "db-password": "p" }, { "x-custom-secret": "[redacted]", "x-session-token": "[redacted]", "db-password": "[redacted]" }],
    [{ "content-type": "application/json", "anthropic-version": "2023-06-01" }, { "content-type": "application/json", "anthropic-version": "2023-06-01" }],
  ])("redactHeaders(%o)", (headers, expected) => {
    expect(redactHeaders(headers)).toEqual(expected);
  });

  it("tells credential headers by name, in any case", () => {
    expect(["Authorization", "X-API-KEY", "x-goog-api-key", "Cookie", "x-amz-security-token"].every(isCredentialHeader)).toBe(true);
    expect(["accept", "content-type", "anthropic-version", "user-agent"].some(isCredentialHeader)).toBe(false);
  });
});
