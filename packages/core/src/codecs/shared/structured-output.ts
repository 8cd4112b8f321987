import type { Content } from "../../schemas/content.js";
import type { AssistantMessage } from "../../schemas/message.js";
import type { ToolCall } from "../../schemas/tools.js";
import { isRecord } from "./content.js";

/**
 * Structured output where a provider has no `response_format` of its own
 * (Anthropic, Bedrock Converse): the JSON schema becomes the input schema of
 * one tool the model is forced to call, and the call's input is the answer.
 * Read back, that call becomes the answer's text, so a blueprint holds the
 * JSON text exactly where an OpenAI answer would have it (decision 0010).
 */

/** The tool that carries a structured answer. A name of its own, so a template's tools never clash with it. */
export const STRUCTURED_OUTPUT_TOOL_NAME = "json_response";

/** What a template's `response_format` asks for, when it asks for JSON. */
export interface JsonResponseFormat {
  /** The schema's name (`response` for plain JSON mode). */
  name: string;
  /** The JSON schema the answer must match; for plain JSON mode (`json_object`), any object. */
  schema: Record<string, unknown>;
}

const anyObject: Record<string, unknown> = { type: "object" };

/**
 * OpenAI's `response_format` (`{type:"json_schema", json_schema:{name, schema}}`
 * or `{type:"json_object"}`), as our parameters hold it whatever the provider.
 * Undefined for none, `{type:"text"}`, or a shape we can't read.
 */
export function readJsonResponseFormat(value: unknown): JsonResponseFormat | undefined {
  if (!isRecord(value)) return undefined;
  if (value.type === "json_object") return { name: "response", schema: anyObject };
  if (value.type !== "json_schema" || !isRecord(value.json_schema)) return undefined;
  const spec = value.json_schema;
  const name = typeof spec.name === "string" && spec.name !== "" ? spec.name : "response";
  return { name, schema: isRecord(spec.schema) ? spec.schema : anyObject };
}

/** Whether `value` is a `response_format` that asks for JSON (with or without a schema). */
export function asksForJson(value: unknown): boolean {
  return isRecord(value) && (value.type === "json_object" || value.type === "json_schema");
}

/** The forced tool's description: what the model is asked, and (read back) the schema's name. */
export function structuredOutputToolDescription(format: JsonResponseFormat): string {
  return `Give your answer as this tool's input: a JSON value matching the "${format.name}" schema. Call it exactly once.`;
}

/** The `response_format` a forced structured-output tool stands for (the inverse of the tool's making). */
export function responseFormatOfTool(description: unknown, schema: unknown): Record<string, unknown> {
  const name = typeof description === "string" ? /"([^"]+)" schema/u.exec(description)?.[1] : undefined;
  if (name === "response" && isRecord(schema) && Object.keys(schema).length === 1 && schema.type === "object") return { type: "json_object" };
  return { type: "json_schema", json_schema: { name: name ?? "response", schema: isRecord(schema) ? schema : anyObject } };
}

/**
 * The answer with the structured-output tool's call as its text: the call's
 * arguments (the JSON text) become the last text block, as an OpenAI answer
 * holds it. Other tool calls stay. Unchanged when `toolName` is undefined.
 * Works on stream deltas too: a fragment of the call's arguments becomes a
 * text fragment.
 */
export function withStructuredAnswer(message: AssistantMessage, toolName: string | undefined): AssistantMessage {
  const calls = message.tool_calls;
  if (toolName === undefined || !calls || calls.length === 0) return message;
  const structured: ToolCall[] = [];
  const others: ToolCall[] = [];
  for (const call of calls) (call.function.name === toolName ? structured : others).push(call);
  if (structured.length === 0) return message;
  const text = structured.map((call) => call.function.arguments).join("");
  const content: Content[] = [...(message.content ?? [])];
  if (text !== "") content.push({ type: "text", text });
  return { ...message, content, tool_calls: others.length > 0 ? others : null };
}
