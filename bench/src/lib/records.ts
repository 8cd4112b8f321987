import { randomBytes } from "node:crypto";
import { uuidv7, type LogRecord } from "@promptline/core";
import { benchPrompt, benchVariables } from "./harness.js";

const messages = [
  { role: "system", content: "You are a concise assistant for Promptline. Answer in one sentence." },
  { role: "user", content: [{ type: "text", text: "Summarise release labels for a new user." }] },
];
const answer = "Release labels such as prod point at one version of a prompt, so you can ship or roll back without changing code.";
const completion = {
  id: "chatcmpl-bench0001",
  object: "chat.completion",
  created: 1767225600,
  model: "gpt-4o-mini-2024-07-18",
  choices: [{ index: 0, message: { role: "assistant", content: answer, refusal: null }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: 31, completion_tokens: 24, total_tokens: 55 },
  system_fingerprint: "fp_bench",
};

/** A `/track-request` body as PromptLayer's SDK sends it after a chat completion (contract §2.3). */
export function trackRequestBody(apiKey: string, promptId: number): string {
  return JSON.stringify({
    function_name: "openai.chat.completions.create",
    provider_type: "openai",
    args: [],
    kwargs: { messages, model: "gpt-4o-mini", temperature: 0.2, max_tokens: 256, stream: false },
    tags: ["bench", "track"],
    request_start_time: "2026-01-01T00:00:00.000Z",
    request_end_time: "2026-01-01T00:00:00.420Z",
    api_key: apiKey,
    metadata: { user: "u42", session: "s7" },
    prompt_id: promptId,
    prompt_version: 1,
    prompt_input_variables: benchVariables,
    return_prompt_blueprint: true,
    span_id: "0000000000000000",
    request_response: completion,
  });
}

/** One log record as our SDK ships it to `POST /api/v1/requests:batch`; `i` spreads tags, prompts and users. */
export function logRecord(i: number, requestId = uuidv7(Date.now(), randomBytes(10))): LogRecord {
  return {
    request_id: requestId,
    prompt_name: `prompt-${i % 100}`,
    prompt_version: 1,
    prompt_label: "prod",
    tags: ["bench", `tag-${i % 100}`],
    metadata: { user: `u${i % 1000}` },
    group_id: null,
    input_variables: benchVariables,
    status: "SUCCESS",
    provider: "openai",
    model: "gpt-4o-mini",
    function_name: "openai.chat.completions.create",
    usage: { input_tokens: 31, output_tokens: 24 },
    cost_usd: 0.0000191,
    latency_ms: 420,
    request_start_time: "2026-01-01T00:00:00.000Z",
    request_end_time: "2026-01-01T00:00:00.420Z",
    request: { messages, model: "gpt-4o-mini", temperature: 0.2, max_tokens: 256 },
    response: completion,
    prompt_blueprint: {
      prompt_template: {
        type: "chat",
        input_variables: [],
        messages: [
          ...benchPrompt.prompt_template.messages,
          { role: "assistant", content: [{ type: "text", text: answer }] },
        ],
      },
      metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.2, max_tokens: 256 } } },
    },
    error_type: null,
    error_message: null,
    attempts: [],
  };
}

/**
 * Batch bodies for `requests:batch` built by splicing fresh ids into one
 * serialised record: the load generator then spends its CPU on sending, not
 * on `JSON.stringify`.
 */
export function batchBodyFactory(size: number): (sequence: number) => string {
  const marker = "__REQUEST_ID__";
  const [head, tail] = JSON.stringify(logRecord(7, marker)).split(marker) as [string, string];
  const prefix = randomBytes(6).toString("hex");
  return (sequence) => {
    const parts: string[] = [];
    for (let index = 0; index < size; index++) parts.push(`${head}${prefix}-${sequence}-${index}${tail}`);
    return `{"records":[${parts.join(",")}]}`;
  };
}
