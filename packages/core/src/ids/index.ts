export * from "./uuidv7.js";
