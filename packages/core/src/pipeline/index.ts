export * from "./prepare-request.js";
