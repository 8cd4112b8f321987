export { costUsd } from "./cost-usd.js";
export { priceFor, priceTable, type ModelPrice } from "./price-for.js";
export { addUsage, emptyUsage } from "./add-usage.js";
