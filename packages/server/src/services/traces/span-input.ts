import type { SpanEvent, SpanKindName, SpanLink, SpanRecord, SpanStatusCode } from "../../storage/index.js";
import { spanLimits } from "@promptline/core";

/**
 * One span as either OTLP encoding gives it once decoded (protobuf through
 * `otlp-proto.ts`, JSON with its keys in camelCase): ids as bytes or hex,
 * times as decimal strings or numbers, attributes as OTLP `KeyValue`s.
 * PromptLayer's `/spans-bulk` spans are mapped to it too, so one validation
 * serves all three.
 */
export interface SpanInput {
  traceId?: unknown;
  spanId?: unknown;
  parentSpanId?: unknown;
  name?: unknown;
  kind?: unknown;
  startTimeUnixNano?: unknown;
  endTimeUnixNano?: unknown;
  status?: { code?: unknown; message?: unknown } | null;
  /** OTLP `KeyValue[]`, or (PromptLayer) a plain object of values. */
  attributes?: unknown;
  events?: { name?: unknown; timeUnixNano?: unknown; attributes?: unknown }[] | null;
  links?: { traceId?: unknown; spanId?: unknown; attributes?: unknown }[] | null;
}

export interface SpanSource {
  resource: Record<string, unknown>;
  scope: { name: string; version: string | null } | null;
}

const kinds: SpanKindName[] = ["INTERNAL", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"];
const statusCodes: SpanStatusCode[] = ["UNSET", "OK", "ERROR"];

/** A span that can't be stored, and why (one line of `partial_success.error_message`). */
export class SpanRejection extends Error {}

/** NUL and unpaired surrogates: no database stores them as given; telemetry can't be sent back to fix, so they become U+FFFD. */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
export const storableText = (text: string): string => text.replace(unstorable, "\ufffd");

function hexId(value: unknown, bytes: number, what: string): string {
  const hex = value instanceof Uint8Array ? Buffer.from(value).toString("hex") : typeof value === "string" ? value.toLowerCase() : undefined;
  if (hex === undefined || hex.length !== bytes * 2 || !/^[0-9a-f]+$/.test(hex)) {
    throw new SpanRejection(`${what} must be ${bytes} bytes (${bytes * 2} hex digits)`);
  }
  if (/^0+$/.test(hex)) throw new SpanRejection(`${what} is all zeros (an invalid id)`);
  return hex;
}

function optionalHexId(value: unknown, bytes: number, what: string): string | null {
  if (value === undefined || value === null || value === "" || (value instanceof Uint8Array && value.length === 0)) return null;
  return hexId(value, bytes, what);
}

/** Nanoseconds since the epoch as canonical decimal text. */
function nanos(value: unknown, what: string): string {
  // OTLP/JSON may send 64-bit integers as numbers: past 2^53 JSON.parse has rounded them already, the best there is.
  const text = typeof value === "number" && Number.isInteger(value) && value >= 0 ? BigInt(value).toString() : typeof value === "string" ? value.trim() : "";
  if (!/^\d{1,20}$/.test(text)) throw new SpanRejection(`${what} must be nanoseconds since the epoch (a whole number)`);
  const canonical = text.replace(/^0+(?=\d)/, "");
  if (canonical === "0") throw new SpanRejection(`${what} is missing (zero)`);
  if (BigInt(canonical) >= 10n ** 20n) throw new SpanRejection(`${what} is out of range`);
  return canonical;
}

/** An OTLP `AnyValue` as plain JSON: 64-bit integers as numbers when exact, else as decimal text; bytes as base64. */
function anyValue(value: unknown, depth = 0): unknown {
  if (depth > 16) throw new SpanRejection("an attribute value nests more than 16 levels");
  if (value === null || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (typeof v.stringValue === "string") return storableText(v.stringValue);
  if (typeof v.boolValue === "boolean") return v.boolValue;
  if (v.intValue !== undefined && v.intValue !== null) {
    const text = String(v.intValue);
    const number = Number(text);
    return Number.isSafeInteger(number) ? number : text;
  }
  if (v.doubleValue !== undefined && v.doubleValue !== null) {
    const number = Number(v.doubleValue);
    return Number.isFinite(number) ? number : String(v.doubleValue);
  }
  if (v.arrayValue && typeof v.arrayValue === "object") {
    const values = (v.arrayValue as { values?: unknown }).values;
    return Array.isArray(values) ? values.map((item) => anyValue(item, depth + 1)) : [];
  }
  if (v.kvlistValue && typeof v.kvlistValue === "object") return keyValues((v.kvlistValue as { values?: unknown }).values, depth + 1);
  if (v.bytesValue instanceof Uint8Array) return Buffer.from(v.bytesValue).toString("base64");
  if (typeof v.bytesValue === "string") return v.bytesValue;
  return null;
}

/** OTLP `KeyValue[]` (or an already plain object, PromptLayer's) → a plain object. */
export function keyValues(list: unknown, depth = 0): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (Array.isArray(list)) {
    for (const entry of list) {
      if (entry === null || typeof entry !== "object") continue;
      const { key, value } = entry as { key?: unknown; value?: unknown };
      if (typeof key === "string") result[storableText(key)] = anyValue(value, depth);
    }
  } else if (list !== null && typeof list === "object") {
    for (const [key, value] of Object.entries(list)) result[storableText(key)] = plainValue(value, depth);
  }
  return result;
}

/** A PromptLayer attribute value (already JSON), with its text made storable. */
function plainValue(value: unknown, depth: number): unknown {
  if (depth > 16) throw new SpanRejection("an attribute value nests more than 16 levels");
  if (typeof value === "string") return storableText(value);
  if (Array.isArray(value)) return value.map((item) => plainValue(item, depth + 1));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [storableText(key), plainValue(item, depth + 1)]));
  return value === undefined ? null : value;
}

function text(value: unknown): string {
  return typeof value === "string" ? storableText(value) : "";
}

/** One span checked against the limits and put in the stored shape; throws `SpanRejection` saying what is wrong. */
export function toSpanRecord(span: SpanInput, source: SpanSource): SpanRecord {
  const traceId = hexId(span.traceId, 16, "trace id");
  const spanId = hexId(span.spanId, 8, "span id");
  const parentSpanId = optionalHexId(span.parentSpanId, 8, "parent span id");
  const name = text(span.name);
  if (name.length > spanLimits.nameLength) throw new SpanRejection(`name is longer than ${spanLimits.nameLength} characters`);
  const kindNumber = span.kind === undefined || span.kind === null ? 0 : Number(span.kind);
  const kind = kinds[kindNumber];
  if (kind === undefined) throw new SpanRejection(`kind ${String(span.kind)} is not a SpanKind`);
  const start = nanos(span.startTimeUnixNano, "start time");
  const end = nanos(span.endTimeUnixNano, "end time");
  if (BigInt(end) < BigInt(start)) throw new SpanRejection("end time is before start time");
  const code = statusCodes[span.status?.code === undefined || span.status.code === null ? 0 : Number(span.status.code)];
  if (code === undefined) throw new SpanRejection(`status code ${String(span.status?.code)} is not a StatusCode`);
  const statusMessage = text(span.status?.message) || null;

  const attributes = keyValues(span.attributes);
  if (Object.keys(attributes).length > spanLimits.attributes) throw new SpanRejection(`more than ${spanLimits.attributes} attributes`);
  const rawEvents = Array.isArray(span.events) ? span.events : [];
  if (rawEvents.length > spanLimits.events) throw new SpanRejection(`more than ${spanLimits.events} events`);
  const events: SpanEvent[] = rawEvents.map((event, index) => ({
    name: text(event?.name),
    time_unix_nano: nanos(event?.timeUnixNano, `event ${index}'s time`),
    attributes: keyValues(event?.attributes),
  }));
  const rawLinks = Array.isArray(span.links) ? span.links : [];
  if (rawLinks.length > spanLimits.links) throw new SpanRejection(`more than ${spanLimits.links} links`);
  const links: SpanLink[] = rawLinks.map((link, index) => ({
    trace_id: hexId(link?.traceId, 16, `link ${index}'s trace id`),
    span_id: hexId(link?.spanId, 8, `link ${index}'s span id`),
    attributes: keyValues(link?.attributes),
  }));
  const size = Buffer.byteLength(JSON.stringify([attributes, events, links]));
  if (size > spanLimits.spanBytes) throw new SpanRejection(`attributes, events and links take ${size} bytes, over the ${spanLimits.spanBytes}-byte limit`);

  return {
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: parentSpanId,
    name,
    kind,
    start_time_unix_nano: start,
    end_time_unix_nano: end,
    status: { code, message: statusMessage },
    attributes,
    events,
    links,
    resource: source.resource,
    scope: source.scope,
  };
}

export interface SpanBatch {
  spans: SpanRecord[];
  rejected: number;
  /** The first few rejections, one line each ("span 3 (name): trace id must be…"). */
  errors: string[];
}

/** Validates every span of an export; a bad span is counted and described, the good ones kept. */
export function collectSpans(entries: Iterable<{ span: SpanInput; source: SpanSource }>): SpanBatch {
  const batch: SpanBatch = { spans: [], rejected: 0, errors: [] };
  let index = 0;
  for (const { span, source } of entries) {
    try {
      batch.spans.push(toSpanRecord(span, source));
    } catch (error) {
      if (!(error instanceof SpanRejection)) throw error;
      batch.rejected += 1;
      if (batch.errors.length < 10) batch.errors.push(`span ${index}${typeof span.name === "string" ? ` (${span.name.slice(0, 80)})` : ""}: ${error.message}`);
    }
    index += 1;
  }
  return batch;
}
