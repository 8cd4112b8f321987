import { gunzipSync } from "node:zlib";
import { InvalidRequestError, inputLimits, jsonDepthExceeds } from "@promptline/core";
import { spansBulkBody } from "@promptline/core/wire";
import { Hono, type MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppDependencies, AppEnv } from "../app-env.js";
import type { RoutePermissions } from "../http/permissions.js";
import { readBody } from "../http/read-json.js";
import { bodyLimit, readBodyBytes, requestHeader } from "../http/request-body.js";
import { PayloadTooLargeError } from "../http/route-errors.js";
import { camelCaseKeys, otlpEntries, promptLayerEntry } from "../services/traces/export-request.js";
import { decodeExportTraceRequest, encodeExportTraceResponse } from "../services/traces/otlp-proto.js";
import { collectSpans, type SpanBatch } from "../services/traces/span-input.js";

const protobufType = "application/x-protobuf";
const jsonType = "application/json";

/** The body, inflated when sent gzipped (as OTLP exporters may), never past the body limit once inflated. */
async function exportBody(c: Parameters<MiddlewareHandler<AppEnv>>[0]): Promise<Buffer> {
  const encoding = (requestHeader(c, "content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip") {
    throw new HTTPException(415, { message: `Content-Encoding ${encoding} is not supported: send gzip or no encoding.` });
  }
  const bytes = await readBodyBytes(c);
  if (encoding === "identity") return bytes;
  const limit = bodyLimit(c);
  try {
    return gunzipSync(bytes, Number.isFinite(limit) ? { maxOutputLength: limit } : {});
  } catch (error) {
    if (error instanceof RangeError) throw new PayloadTooLargeError(limit, "the limit holds for the body once decompressed");
    throw new InvalidRequestError("The body says Content-Encoding: gzip but is not valid gzip.");
  }
}

function partialSuccess(batch: SpanBatch) {
  return batch.rejected === 0 ? undefined : { rejectedSpans: batch.rejected, errorMessage: batch.errors.join("; ") };
}

/** Who may send spans (decision 0007): like log records, any key. */
export const traceIngestPermissions: RoutePermissions = {
  "POST /v1/traces": "runner",
  "POST /spans-bulk": "runner",
};

/**
 * Span ingestion (issue 21): OTLP/HTTP at `/v1/traces` (protobuf or JSON,
 * gzip or not: every OpenTelemetry exporter, and PromptLayer's Python SDK)
 * and PromptLayer's JS exporter at `/spans-bulk`. Each route checks the key
 * and its role (`auth`, `roles`: header or session, never the body) before reading a
 * byte of the body. Spans that fail
 * validation are counted and described in OTLP's `partial_success`; the
 * others are stored.
 */
export function traceIngestRoutes({ storage }: AppDependencies, auth: MiddlewareHandler<AppEnv>, roles: MiddlewareHandler<AppEnv>) {
  const app = new Hono<AppEnv>();

  app.post("/v1/traces", auth, roles, async (c) => {
    const type = (requestHeader(c, "content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== protobufType && type !== jsonType) {
      throw new HTTPException(415, { message: `POST /v1/traces takes OTLP as ${protobufType} or ${jsonType}, not ${type || "a body without Content-Type"}.` });
    }
    const body = await exportBody(c);
    let request: unknown;
    if (type === protobufType) {
      try {
        request = decodeExportTraceRequest(body);
      } catch {
        throw new InvalidRequestError("The body is not an OTLP ExportTraceServiceRequest in protobuf.");
      }
    } else {
      const text = body.toString("utf8");
      if (jsonDepthExceeds(text)) throw new InvalidRequestError(`The request body nests arrays and objects more than ${inputLimits.jsonDepth} levels deep.`, ["body"]);
      try {
        request = camelCaseKeys(JSON.parse(text));
      } catch {
        throw new InvalidRequestError("The request body is not valid JSON.");
      }
    }
    const batch = collectSpans(otlpEntries(request));
    await storage.spans.insertMany(c.var.workspaceId, batch.spans);
    const partial = partialSuccess(batch);
    if (type === protobufType) {
      return c.body(new Uint8Array(encodeExportTraceResponse(partial)), 200, { "content-type": protobufType });
    }
    // OTLP/JSON spells 64-bit integers as strings.
    return c.json(partial ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } } : {});
  });

  app.post("/spans-bulk", auth, roles, async (c) => {
    const { spans } = await readBody(c, spansBulkBody);
    const batch = collectSpans(spans.map(promptLayerEntry));
    const stored = await storage.spans.insertMany(c.var.workspaceId, batch.spans);
    return c.json({
      success: true,
      accepted: stored.created,
      duplicates: stored.duplicates,
      rejected_spans: batch.rejected,
      ...(batch.rejected > 0 && { error_message: batch.errors.join("; ") }),
    });
  });

  return app;
}
