import { readFileSync } from "node:fs";
import { formatReport, type BenchReport } from "./lib/report.js";

// Prints the tables of a saved `npm run bench -- --json` run: node bench/dist/format-report.js results.json
const file = process.argv[2];
if (!file) {
  console.error("usage: node bench/dist/format-report.js <results.json>");
  process.exit(2);
}
console.log(formatReport(JSON.parse(readFileSync(file, "utf8")) as BenchReport));
