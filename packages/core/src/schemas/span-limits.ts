/**
 * What one span (and one export) may hold. Past a limit a span is rejected
 * (reported in OTLP's `partial_success`, the rest stored), never cut: a
 * trace with half an attribute would mislead. The body itself is bounded by
 * the server's `maxBodyBytes`, after decompression too. docs/reliability.md.
 * In core because `/spans-bulk`'s body schema (`core/wire`) counts its spans.
 */
export const spanLimits = {
  /** Spans in one export request; more is a 400 (OpenTelemetry's batch processor sends 512). */
  spansPerRequest: 10_000,
  /** Characters of a span's name. */
  nameLength: 1024,
  /** Attributes of a span (OpenTelemetry's SDK default limit is 128). */
  attributes: 256,
  /** Events and links of a span. */
  events: 256,
  links: 128,
  /** Bytes of a span's attributes, events and links together, as stored JSON. */
  spanBytes: 1024 * 1024,
} as const;
