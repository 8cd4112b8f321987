import { describe, expect, it } from "vitest";
import { trackRequestBodySchema } from "@promptline/core/wire";
import { toRequestColumns } from "../storage/repositories/request-queries.js";
import { trackedRequestFrom, trackRequestAnswerJson, type TrackRequestAnswer } from "./track-request.js";

const body = trackRequestBodySchema.parse({
  function_name: "openai.chat.completions.create",
  kwargs: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi \"there\" é \ud83d\ude00" }], temperature: 0.2, apiKey: "sk-secret-value" },
  request_response: { id: "x", model: "gpt-4o-mini", choices: [{ index: 0, message: { role: "assistant", content: "Hello" }, finish_reason: "stop" }] },
});

describe("the /track-request answer and blueprint column made from one JSON text", () => {
  it("writes the answer exactly as JSON.stringify writes the answer object", () => {
    const { blueprint } = trackedRequestFrom(body, "id-1", null);
    expect(blueprint).not.toBeNull();
    for (const [number, answerBlueprint] of [[1, blueprint], [9_007_199_254_740_991, blueprint], [42, null]] as const) {
      const answer: TrackRequestAnswer = { success: true, request_id: number, prompt_blueprint: answerBlueprint, message: "Request tracked successfully" };
      expect(trackRequestAnswerJson(number, JSON.stringify(answerBlueprint))).toBe(JSON.stringify(answer));
    }
  });

  it("stores the caller's blueprint text as the column would be made, and not when secrets must go", () => {
    const { insert, blueprint } = trackedRequestFrom(body, "id-1", null);
    const columns = (record: typeof insert) => toRequestColumns(1, record, { promptId: null, promptName: null }, "2026-01-01T00:00:00.000Z");
    const made = columns(insert);
    expect(columns({ ...insert, prompt_blueprint_json: JSON.stringify(blueprint) })).toEqual(made);
    // A text that isn't the blueprint's would show: the column is the text given.
    expect(columns({ ...insert, prompt_blueprint_json: '{"given":true}' }).prompt_blueprint).toBe('{"given":true}');
    // A blueprint whose model parameters hold a secret is cleaned and made again, whatever text came with it.
    const leaky = { ...blueprint!, metadata: { ...blueprint!.metadata, model: { provider: "openai", name: "gpt-4o-mini", parameters: { apiKey: "sk-leak", temperature: 0.2 } } } };
    const stored = columns({ ...insert, prompt_blueprint: leaky, prompt_blueprint_json: JSON.stringify(leaky) }).prompt_blueprint!;
    expect(stored).not.toContain("sk-leak");
    expect(JSON.parse(stored)).toMatchObject({ metadata: { model: { parameters: { temperature: 0.2 } } } });
  });
});
