export * from "./label-routing.js";
