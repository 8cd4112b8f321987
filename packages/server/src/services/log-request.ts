import {
  asChatTemplate,
  buildLogRecord,
  type PromptBlueprint,
  type Usage,
} from "@promptline/core";
import { parseTimestamp } from "../http/timestamps.js";
import type { LogRequestBody } from "@promptline/core/wire";
import type { RequestInsert } from "../storage/index.js";
import { stringMetadata } from "./track-request.js";


/** The blueprint of a logged request: the input conversation, then the output's messages. */
export function logRequestBlueprint(body: LogRequestBody): PromptBlueprint {
  const input = asChatTemplate(body.input);
  const output = asChatTemplate(body.output);
  const answer = body.output.type === "completion"
    ? [{ role: "assistant" as const, content: body.output.content }]
    : output.messages;
  const model: NonNullable<NonNullable<PromptBlueprint["metadata"]>["model"]> = {
    provider: body.provider,
    name: body.model,
    parameters: body.parameters ?? {},
  };
  if (body.api_type) model.api_type = body.api_type;
  return { prompt_template: { ...input, messages: [...input.messages, ...answer] }, metadata: { model } };
}

/**
 * PromptLayer's Python `log_request` sends every keyword with its default
 * (`price: 0.0`, `score: 0`, `function_name: ""`) whether the caller gave it
 * or not: those defaults are not the caller's data. A price of 0 is "not
 * given" (the cost is computed from the tokens when a price is known); a
 * score of 0 counts only with a `score_name` (someone named what they scored).
 */
export function givenPrice(body: LogRequestBody): number | null {
  return body.price != null && body.price > 0 ? body.price : null;
}

export function givenScore(body: LogRequestBody): number | null {
  if (body.score == null) return null;
  if (body.score === 0 && !body.score_name) return null;
  return body.score;
}

export function loggedRequestFrom(body: LogRequestBody, requestId: string, promptName: string | null): RequestInsert {
  const start = parseTimestamp(body.request_start_time, "request_start_time");
  const end = parseTimestamp(body.request_end_time, "request_end_time");
  const usage: Usage | null =
    body.input_tokens == null && body.output_tokens == null
      ? null
      : { input_tokens: body.input_tokens ?? 0, output_tokens: body.output_tokens ?? 0 };
  // Built once, then prompt_id set on it: spreading the record into a new object costs more than building it.
  return Object.assign(
    buildLogRecord({
      request_id: requestId,
      prompt_name: promptName ?? body.prompt_name ?? null,
      prompt_version: body.prompt_version_number ?? null,
      tags: body.tags ?? [],
      metadata: stringMetadata(body.metadata),
      group_id: body.group_id ?? null,
      input_variables: body.prompt_input_variables ?? {},
      status: body.status ?? "SUCCESS",
      provider: body.provider,
      model: body.model,
      function_name: body.function_name || null,
      usage,
      // Unset: the cost is computed from the tokens.
      cost_usd: givenPrice(body) ?? undefined,
      request_start_time: start,
      request_end_time: end,
      request: { input: body.input, parameters: body.parameters ?? {} },
      response: { output: body.output },
      prompt_blueprint: logRequestBlueprint(body),
      error_type: body.error_type ?? null,
      error_message: body.error_message ?? null,
      // One call made by the client itself: nothing to list.
      attempts: [],
    }),
    { prompt_id: body.prompt_id ?? null },
  );
}
