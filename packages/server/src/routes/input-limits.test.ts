import { inputLimits } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTemplate, createRouteHarness, logRecord, publish, snapshotWorkspace, type RouteHarness } from "./route-harness.contract.js";

/**
 * One set of size limits (`inputLimits`, core) on every route of both APIs
 * (issue 13, reproduction 7): one over a limit is a 400 naming the field,
 * nothing stored; at the limit it is accepted.
 */

let h: RouteHarness;
let key: string;
let promptId: number;
let requestIntId: number;

beforeAll(async () => {
  h = await createRouteHarness();
  key = h.a.adminKey;
  promptId = (await publish(h, key, { prompt_name: "poem", ...chatTemplate("Write about {topic}") })).id;
  requestIntId = (await h.call("POST", "/api/v1/requests:batch", { key, body: { records: [logRecord("req-1")] } })).body.results[0].id;
});
afterAll(() => h.close());

const repeat = (count: number, make: (index: number) => string) => Array.from({ length: count }, (_, index) => make(index));
const tags = (count: number, length = 3) => repeat(count, (index) => `${index}`.padStart(length, "t"));
const metadata = (count: number, valueLength = 1) => Object.fromEntries(repeat(count, (index) => `k${index}`).map((name) => [name, "v".repeat(valueLength)]));
const label = (length: number) => "l".repeat(length);

/** [what, method, path, body for `size`] → over the limit a 400, at it a 2xx. */
type LimitCase = [string, string, string | (() => string), (atLimit: boolean) => unknown, RegExp];

const over = (limit: number, atLimit: boolean) => (atLimit ? limit : limit + 1);

const cases: LimitCase[] = [
  // Labels
  ["PromptLayer label name", "POST", () => `/prompts/${promptId}/label`, (at) => ({ prompt_version_number: 1, name: label(over(inputLimits.labelLength, at)) }), /name/],
  ["our label path", "PUT", "", () => ({ version: 1 }), /label/],
  ["PromptLayer publish release_labels", "POST", "/rest/prompt-templates", (at) => ({ prompt_template: { prompt_name: "poem", ...chatTemplate("x") }, release_labels: [label(over(inputLimits.labelLength, at))] }), /release_labels/],
  ["our publish release_labels", "POST", "/api/v1/prompts", (at) => ({ prompt_name: "poem", ...chatTemplate("x"), release_labels: [label(over(inputLimits.labelLength, at))] }), /release_labels/],
  // Tags
  ["PromptLayer publish tags", "POST", "/rest/prompt-templates", (at) => ({ prompt_template: { prompt_name: "poem", ...chatTemplate("x"), tags: tags(over(inputLimits.tags, at)) } }), /tags/],
  ["our publish tags", "POST", "/api/v1/prompts", (at) => ({ prompt_name: "poem", ...chatTemplate("x"), tags: tags(over(inputLimits.tags, at)) }), /tags/],
  ["our publish tag length", "POST", "/api/v1/prompts", (at) => ({ prompt_name: "poem", ...chatTemplate("x"), tags: [label(over(inputLimits.tagLength, at))] }), /tags/],
  ["track-request tags", "POST", "/track-request", (at) => ({ function_name: "x", tags: tags(over(inputLimits.tags, at)) }), /tags/],
  ["log-request tags", "POST", "/log-request", (at) => ({ ...logRequest(), tags: tags(over(inputLimits.tags, at)) }), /tags/],
  ["batch tags", "POST", "/api/v1/requests:batch", (at) => ({ records: [logRecord(`tags-${at}`, { tags: tags(over(inputLimits.tags, at)) })] }), /tags/],
  ["batch tag length", "POST", "/api/v1/requests:batch", (at) => ({ records: [logRecord(`tag-length-${at}`, { tags: [label(over(inputLimits.tagLength, at))] })] }), /tags/],
  // Metadata
  ["track-request metadata keys", "POST", "/track-request", (at) => ({ function_name: "x", metadata: metadata(over(inputLimits.metadataKeys, at)) }), /metadata/],
  ["track-request metadata value (JSON)", "POST", "/track-request", (at) => ({ function_name: "x", metadata: { k: { v: "x".repeat(over(inputLimits.metadataValueLength, at) - 8) } } }), /metadata/],
  ["log-request metadata", "POST", "/log-request", (at) => ({ ...logRequest(), metadata: metadata(over(inputLimits.metadataKeys, at)) }), /metadata/],
  ["batch metadata keys", "POST", "/api/v1/requests:batch", (at) => ({ records: [logRecord(`meta-${at}`, { metadata: metadata(over(inputLimits.metadataKeys, at)) })] }), /metadata/],
  ["batch metadata value", "POST", "/api/v1/requests:batch", (at) => ({ records: [logRecord(`meta-value-${at}`, { metadata: { k: "v".repeat(over(inputLimits.metadataValueLength, at)) } })] }), /metadata/],
  ["batch metadata key length", "POST", "/api/v1/requests:batch", (at) => ({ records: [logRecord(`meta-key-${at}`, { metadata: { [label(over(inputLimits.metadataKeyLength, at))]: "v" } })] }), /metadata/],
  ["PromptLayer track-metadata", "POST", "/library-track-metadata", (at) => ({ request_id: requestIntId, metadata: metadata(over(inputLimits.metadataKeys, at)) }), /metadata/],
  ["our track metadata", "POST", "/api/v1/requests/req-1/metadata", (at) => ({ metadata: metadata(over(inputLimits.metadataKeys, at)) }), /metadata/],
  // Input variables
  ["template fetch input_variables", "POST", "/prompt-templates/poem", (at) => ({ input_variables: metadata(over(inputLimits.inputVariables, at)) }), /input_variables/],
  ["batch input_variables", "POST", "/api/v1/requests:batch", (at) => ({ records: [logRecord(`vars-${at}`, { input_variables: metadata(over(inputLimits.inputVariables, at)) })] }), /input_variables/],
  ["track-request variable name", "POST", "/track-request", (at) => ({ function_name: "x", prompt_input_variables: { [label(over(inputLimits.inputVariableNameLength, at))]: 1 } }), /prompt_input_variables/],
];

function logRequest() {
  return { provider: "openai", model: "m", input: { type: "chat", messages: [] }, output: { type: "chat", messages: [] } };
}

describe("one set of size limits on every route", () => {
  it.each(cases)("%s: over the limit → 400 naming it, nothing stored; at the limit → accepted", async (_, method, pathOrFn, body, named) => {
    let path = typeof pathOrFn === "function" ? pathOrFn() : pathOrFn;
    if (path === "") {
      // The label is in the path: same limit.
      for (const at of [false, true]) {
        const labelPath = `/api/v1/prompts/poem/labels/${label(over(inputLimits.labelLength, at))}`;
        const before = await snapshotWorkspace(h.storage, h.a.id);
        const result = await h.call(method, labelPath, { key, body: body(at) });
        if (at) expect(result.status, result.text).toBe(200);
        else {
          expect(result.status, result.text).toBe(400);
          expect(result.body.message).toMatch(named);
          expect(await snapshotWorkspace(h.storage, h.a.id)).toEqual(before);
        }
      }
      return;
    }
    const before = await snapshotWorkspace(h.storage, h.a.id);
    const refused = await h.call(method, path, { key, body: body(false) });
    expect(refused.status, refused.text.slice(0, 300)).toBe(400);
    expect(refused.body.message).toMatch(named);
    expect(await snapshotWorkspace(h.storage, h.a.id)).toEqual(before);
    path = typeof pathOrFn === "function" ? pathOrFn() : pathOrFn;
    const accepted = await h.call(method, path, { key, body: body(true) });
    expect(accepted.status, accepted.text.slice(0, 300)).toBeLessThan(300);
  });

  it("reproduction: a 1,000,000-character label and a log record with 200,000 tags and 100,000 metadata keys are refused", async () => {
    const before = await snapshotWorkspace(h.storage, h.a.id);
    const longLabel = await h.call("POST", `/prompts/${promptId}/label`, { key, body: { prompt_version_number: 1, name: "x".repeat(1_000_000) } });
    expect(longLabel.status).toBe(400);
    const huge = await h.call("POST", "/track-request", { key, body: { function_name: "x", tags: tags(200_000, 1), metadata: metadata(100_000) } });
    expect(huge.status).toBe(400);
    expect(huge.body.message).toMatch(/tags/);
    expect(await snapshotWorkspace(h.storage, h.a.id)).toEqual(before);
  });

  it("the storage refuses the same label and tag sizes whatever the caller (both APIs share it)", async () => {
    await expect(
      h.storage.labels.set(h.a.id, { prompt: { id: promptId }, name: label(inputLimits.labelLength + 1), version: 1 }),
    ).rejects.toThrow(/at most 256/);
    await expect(
      h.storage.prompts.publish(h.a.id, { name: "poem", prompt_template: chatTemplate("x").prompt_template, tags: tags(inputLimits.tags + 1) }),
    ).rejects.toThrow(/tags/);
  });
});
