import protobuf from "protobufjs";

/**
 * The messages of an OTLP/HTTP trace export, as the OpenTelemetry project
 * defines them (opentelemetry-proto, Apache-2.0: `collector/trace/v1/
 * trace_service.proto`, `trace/v1/trace.proto`, `common/v1/common.proto`,
 * `resource/v1/resource.proto`), with their comments and the messages a
 * trace export doesn't use left out. Field numbers and types are theirs,
 * unchanged: protobufjs decodes with them (decision 0013).
 */
const otlpTraceProto = `
syntax = "proto3";
package opentelemetry.proto;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message Resource {
  repeated KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}

message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message ExportTracePartialSuccess {
  int64 rejected_spans = 1;
  string error_message = 2;
}
message ResourceSpans {
  reserved 1000;
  Resource resource = 1;
  repeated ScopeSpans scope_spans = 2;
  string schema_url = 3;
}
message ScopeSpans {
  InstrumentationScope scope = 1;
  repeated Span spans = 2;
  string schema_url = 3;
}
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  string name = 5;
  enum SpanKind {
    SPAN_KIND_UNSPECIFIED = 0;
    SPAN_KIND_INTERNAL = 1;
    SPAN_KIND_SERVER = 2;
    SPAN_KIND_CLIENT = 3;
    SPAN_KIND_PRODUCER = 4;
    SPAN_KIND_CONSUMER = 5;
  }
  SpanKind kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
  message Event {
    fixed64 time_unix_nano = 1;
    string name = 2;
    repeated KeyValue attributes = 3;
    uint32 dropped_attributes_count = 4;
  }
  repeated Event events = 11;
  uint32 dropped_events_count = 12;
  message Link {
    bytes trace_id = 1;
    bytes span_id = 2;
    string trace_state = 3;
    repeated KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5;
    fixed32 flags = 6;
  }
  repeated Link links = 13;
  uint32 dropped_links_count = 14;
  Status status = 15;
}
message Status {
  reserved 1;
  string message = 2;
  enum StatusCode {
    STATUS_CODE_UNSET = 0;
    STATUS_CODE_OK = 1;
    STATUS_CODE_ERROR = 2;
  }
  StatusCode code = 3;
}
`;

// Field names in lowerCamelCase, as OTLP/JSON spells them, so both encodings read alike afterwards.
const root = protobuf.parse(otlpTraceProto, { keepCase: false }).root;
const requestType = root.lookupType("opentelemetry.proto.ExportTraceServiceRequest");
const responseType = root.lookupType("opentelemetry.proto.ExportTraceServiceResponse");

/**
 * An `ExportTraceServiceRequest` in protobuf → a plain object: camelCase
 * fields, 64-bit integers as decimal strings, bytes as `Uint8Array`, enums
 * as numbers. Throws on bytes that are not such a message.
 */
export function decodeExportTraceRequest(bytes: Uint8Array): unknown {
  return requestType.toObject(requestType.decode(bytes), { longs: String, enums: Number });
}

/** The protobuf answer of an export: empty when every span was accepted. */
export function encodeExportTraceResponse(partialSuccess: { rejectedSpans: number; errorMessage: string } | undefined): Uint8Array {
  return responseType.encode(responseType.fromObject(partialSuccess ? { partialSuccess } : {})).finish();
}
