export * from "./promptline-error.js";
