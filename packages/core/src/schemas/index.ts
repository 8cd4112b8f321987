export * from "./content.js";
export * from "./tools.js";
export * from "./message.js";
export * from "./template.js";
export * from "./metadata.js";
export * from "./blueprint.js";
export * from "./input-limits.js";
export * from "./log-record.js";
