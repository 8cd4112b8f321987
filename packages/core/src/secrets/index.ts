export * from "./strip-secrets.js";
export * from "./redact-headers.js";
