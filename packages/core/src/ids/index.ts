export * from "./uuidv7.js";
export * from "./random-id-bytes.js";
