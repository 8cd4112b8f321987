import { z } from "zod";
import { apiV1Operations } from "@promptline/core/wire";

const jsonSchema = (schema: z.ZodType, io: "input" | "output" = "input") =>
  z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;

/** The OpenAPI 3.1 document of `/api/v1`, generated from the wire contract the routes validate with and the clients read answers through. */
export function buildOpenApiDocument(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of apiV1Operations) {
    const parameters: unknown[] = [...op.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
      name: match[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    if (op.query) {
      const schema = jsonSchema(op.query);
      const properties = (schema.properties ?? {}) as Record<string, unknown>;
      const required = new Set((schema.required as string[] | undefined) ?? []);
      for (const [name, property] of Object.entries(properties)) {
        parameters.push({ name, in: "query", required: required.has(name), schema: property });
      }
    }
    const operation: Record<string, unknown> = {
      summary: op.summary,
      parameters,
      security: [{ apiKey: [] }],
      responses: {
        [String(op.status ?? 200)]: {
          description: "Success",
          ...(op.answer && { content: { "application/json": { schema: jsonSchema(op.answer, "output") } } }),
        },
        "4XX": { description: "The caller's mistake", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
      },
    };
    if (op.body) operation.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(op.body) } } };
    paths[op.path] = { ...paths[op.path], [op.method]: operation };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Promptline API", version },
    paths,
    components: {
      securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "X-API-KEY" } },
      schemas: {
        Error: {
          type: "object",
          required: ["success", "message", "error"],
          properties: {
            success: { const: false },
            message: { type: "string" },
            error: { type: "object", properties: { code: { type: "string" }, message: { type: "string" } } },
          },
        },
      },
    },
  };
}
