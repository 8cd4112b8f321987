import { InvalidRequestError, spanLimits } from "@promptline/core";
import { keyValues, storableText, type SpanInput, type SpanSource } from "./span-input.js";

type Entry = { span: SpanInput; source: SpanSource };

const tooMany = (count: number) =>
  new InvalidRequestError(`An export holds ${count} spans; at most ${spanLimits.spansPerRequest} are accepted per request: send smaller batches.`, ["spans"]);

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asObject = (value: unknown): Record<string, unknown> => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** OTLP/JSON allows field names in snake_case as well as lowerCamelCase: read both alike. */
export function camelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCaseKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()), camelCaseKeys(item)]));
}

/**
 * The spans of an `ExportTraceServiceRequest` (decoded from protobuf, or
 * OTLP/JSON with camelCase keys), each with its resource and scope. An
 * export that isn't shaped like one, or holds too many spans, is a 400.
 */
export function otlpEntries(request: unknown): Entry[] {
  if (request === null || typeof request !== "object" || Array.isArray(request)) {
    throw new InvalidRequestError("The body is not an OTLP ExportTraceServiceRequest (an object with resourceSpans).");
  }
  const entries: Entry[] = [];
  for (const resourceSpans of asArray((request as { resourceSpans?: unknown }).resourceSpans)) {
    const resource = keyValues(asObject(asObject(resourceSpans).resource).attributes);
    for (const scopeSpans of asArray(asObject(resourceSpans).scopeSpans)) {
      const scopeObject = asObject(asObject(scopeSpans).scope);
      const scope = typeof scopeObject.name === "string" ? { name: storableText(scopeObject.name), version: typeof scopeObject.version === "string" && scopeObject.version ? storableText(scopeObject.version) : null } : null;
      for (const span of asArray(asObject(scopeSpans).spans)) {
        entries.push({ span: asObject(span) as SpanInput, source: { resource, scope } });
        if (entries.length > spanLimits.spansPerRequest) throw tooMany(entries.length);
      }
    }
  }
  return entries;
}

const promptLayerKinds: Record<string, number> = {
  "SpanKind.INTERNAL": 1,
  "SpanKind.SERVER": 2,
  "SpanKind.CLIENT": 3,
  "SpanKind.PRODUCER": 4,
  "SpanKind.CONSUMER": 5,
};
const promptLayerStatus: Record<string, number> = { "StatusCode.UNSET": 0, "StatusCode.OK": 1, "StatusCode.ERROR": 2 };

/** A PromptLayer span (`{name, context: {trace_id, span_id}, kind: "SpanKind.X", parent_id, start_time, …}`) as an OTLP one. */
export function promptLayerEntry(span: Record<string, unknown>): Entry {
  const context = asObject(span.context);
  const status = asObject(span.status);
  const kind = span.kind === undefined || span.kind === null ? 1 : (promptLayerKinds[String(span.kind)] ?? -1);
  const statusCode = status.status_code === undefined || status.status_code === null ? 0 : (promptLayerStatus[String(status.status_code)] ?? -1);
  return {
    span: {
      traceId: context.trace_id,
      spanId: context.span_id,
      parentSpanId: span.parent_id,
      name: span.name,
      kind,
      startTimeUnixNano: span.start_time,
      endTimeUnixNano: span.end_time,
      status: { code: statusCode, message: status.description },
      attributes: asObject(span.attributes),
      events: asArray(span.events).map((event) => {
        const e = asObject(event);
        return { name: e.name, timeUnixNano: e.timestamp, attributes: asObject(e.attributes) };
      }),
      links: asArray(span.links).map((link) => {
        const l = asObject(link);
        const linked = asObject(l.context);
        // The JS exporter passes OpenTelemetry's SpanContext through as is: camelCase.
        return { traceId: linked.traceId ?? linked.trace_id, spanId: linked.spanId ?? linked.span_id, attributes: asObject(l.attributes) };
      }),
    },
    source: { resource: keyValues(asObject(asObject(span.resource).attributes)), scope: null },
  };
}
