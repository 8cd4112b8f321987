export { buildLogRecord, latencyBetween, maxErrorMessageLength, type LogRecordFields } from "./build-log-record.js";
