export * from "./strip-secrets.js";
