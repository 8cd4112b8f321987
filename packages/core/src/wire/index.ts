/**
 * `@promptline/core/wire`: the wire contract (decision 0015). Every body and
 * answer of `/api/v1` and of PromptLayer's root routes as zod schemas with the types inferred from them, the
 * list of routes the OpenAPI document is generated from, and `readAnswer`,
 * the clients' one way to read an answer. Schemas and errors only: no
 * codecs, no template engine, so the dashboard can bundle it.
 */
export * from "./api-v1-requests.js";
export * from "./api-v1-answers.js";
export * from "./api-v1-operations.js";
export * from "./promptlayer-requests.js";
export * from "./track-request-body.js";
export * from "./promptlayer-answers.js";
export * from "./promptlayer-operations.js";
export { readAnswer, issuePath } from "./read-answer.js";
export { PromptlineError, UnexpectedResponseError } from "../errors/promptline-error.js";
