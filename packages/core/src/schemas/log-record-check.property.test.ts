import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { batchRequestsBody } from "../wire/api-v1-requests.js";
import { logRecordSchema } from "./log-record.js";
import { isWellFormedLogRecord, wellFormedBatchRecords } from "./log-record-check.js";

// The batch route skips zod for records the structural check accepts.
// Whatever it accepts, zod must accept with an equal output; and it must
// accept the usual records, or it would prove nothing.

class Instance {
  type = "text";
}

/** Values that trip hand-written checks. */
const tricky: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(undefined, null, Number.NaN, Number.POSITIVE_INFINITY, -0, -1, 1.5, 0, 2 ** 53, "", "x".repeat(257), true),
  fc.string({ maxLength: 4 }),
  fc.integer(),
  fc.sparseArray(fc.string({ maxLength: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string({ maxLength: 2 }), fc.integer()), { maxKeys: 2 }),
  fc.constant(null).map(() => Object.assign(Object.create(null) as object, { type: "text" })),
  fc.constant(null).map(() => JSON.parse('{"__proto__": {"type": 1}, "type": "text"}') as unknown),
  fc.constant(null).map(() => ({ a: undefined })),
  fc.constant(null).map(() => new Instance()),
  fc.constant(null).map(() => new Date(0)),
  fc.constant(null).map(() => new Map([["type", "text"]])),
  fc.constant(null).map(() => new String("x")),
);

/**
 * Log records built from the schemas' shapes; `noisy`: with tricky values,
 * values the schemas refuse, missing and unknown keys, so most are zod's to
 * judge; otherwise only well-formed values (in zod's sense), mostly accepted.
 */
function logRecordArbitrary(noisy: boolean) {
  const text = fc.string({ minLength: noisy ? 0 : 1, maxLength: 5 });
  /** A field well-formed or tricky. */
  function field<T>(wellFormed: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
    return noisy ? fc.oneof({ weight: 25, arbitrary: wellFormed }, { weight: 1, arbitrary: tricky }) : wellFormed;
  }
  /** One of the values the schema takes, or (noisy) one it refuses. */
  function pick<T>(valid: T[], invalid: T[]): fc.Arbitrary<T> {
    return fc.constantFrom(...valid, ...(noisy ? invalid : []));
  }
  
  const nonEmpty = fc.string({ minLength: 1, maxLength: 5 });
  const opt = <T>(arbitrary: fc.Arbitrary<T>) => field(fc.option(arbitrary, { nil: undefined }));
  const nullishOf = <T>(arbitrary: fc.Arbitrary<T>) => field(fc.oneof(arbitrary, fc.constant(null), fc.constant(undefined)));
  const maybeText = nullishOf(text);
  const json = fc.dictionary(text, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2, noNullPrototype: !noisy });
  /**
   * An object of these fields: keys whose value came out undefined are usually
   * dropped (JSON has no undefined), sometimes one more key is (a required one,
   * maybe), sometimes a key no schema names is added.
   */
  const record = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) =>
    field(
      fc
        .tuple(
          fc.record(fields, { noNullPrototype: true }),
          fc.oneof({ weight: noisy ? 2 : 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat({ max: Object.keys(fields).length - 1 }) }),
          fc.boolean(),
          noisy ? fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: text }) : fc.constant(undefined),
        )
        .map(([value, dropAt, keepUndefined, extra]) => {
          const object: Record<string, unknown> = { ...value };
          for (const key of Object.keys(object)) if (object[key] === undefined && !(noisy && keepUndefined)) delete object[key];
          if (dropAt !== undefined) delete object[Object.keys(fields)[dropAt]!];
          if (extra !== undefined) object.extra = extra;
          return object;
        }),
    );
  const list = <T>(arbitrary: fc.Arbitrary<T>) => field(fc.array(arbitrary, { maxLength: 2 }));

  const contentBlock = fc.oneof(
    record({ type: fc.constant("text"), text: field(text), id: maybeText, annotations: nullishOf(fc.array(record({ type: field(text) }), { maxLength: 1 })), thought_signature: maybeText }),
    record({ type: fc.constant("thinking"), thinking: field(text), signature: maybeText }),
    record({ type: fc.constant("code"), code: field(text), language: maybeText }),
    record({ type: fc.constant("image_url"), image_url: record({ url: field(text), detail: maybeText }), image_variable: maybeText }),
    record({
      type: fc.constant("media"),
      media: record({ title: field(text), type: field(fc.constantFrom("image/png", "image/jpeg")), url: maybeText, format: field(pick(["base64", "url", "neither"], ["other"])) }),
    }),
    record({ type: fc.constant("media_variable"), name: field(text) }),
    record({ type: fc.constant("output_media"), url: field(text), media_type: nullishOf(pick(["image", "video"], ["sound"])), provider_metadata: nullishOf(json) }),
    record({ type: pick(["server_tool_use", "mcp_call"], ["unknown_block"]) }),
  );
  const contents = list(contentBlock);
  const toolCall = record({ id: field(text), type: field(noisy ? fc.option(pick(["function"], ["custom"]), { nil: undefined }) : fc.constant("function")), function: record({ name: field(text), arguments: field(text) }), tool_id: maybeText });
  const role = (name: string) => fc.constant(name);
  const message = fc.oneof(
    record({ role: pick(["system", "user", "developer"], ["robot"]), content: contents, name: maybeText, template_format: opt(pick(["f-string", "jinja2"], ["mustache"])), input_variables: opt(fc.array(text, { maxLength: 2 })) }),
    record({ role: role("assistant"), content: nullishOf(fc.array(contentBlock, { maxLength: 2 })), tool_calls: nullishOf(fc.array(toolCall, { maxLength: 2 })), function_call: nullishOf(record({ name: field(text), arguments: field(text) })) }),
    record({ role: role("tool"), content: contents, tool_call_id: field(text) }),
    record({ role: role("function"), name: field(text), content: nullishOf(fc.array(contentBlock, { maxLength: 1 })) }),
    record({ role: role("placeholder"), name: field(text), dataset_examples: opt(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 })) }),
  );
  const tool = fc.oneof(
    record({ type: fc.constant("function"), function: record({ name: field(nonEmpty), description: field(text), strict: field(fc.boolean()), parameters: field(json) }) }),
    record({ type: pick(["web_search", "mcp"], ["rocket"]), name: maybeText, config: nullishOf(json) }),
    record({ type: fc.constant("registry"), tool_registry_id: field(fc.oneof(fc.integer(), text)), version_number: nullishOf(fc.integer()) }),
    record({ type: fc.constant("variable"), name: field(text) }),
  );
  const template = fc.oneof(
    record({
      type: fc.constant("chat"),
      messages: list(message),
      tools: nullishOf(fc.array(tool, { maxLength: 2 })),
      tool_choice: nullishOf(fc.oneof(text, record({ type: field(text), function: opt(record({ name: field(text) })) }))),
      functions: nullishOf(fc.array(record({ name: field(text), parameters: nullishOf(json) }), { maxLength: 1 })),
      function_call: nullishOf(fc.oneof(text, record({ name: field(text) }))),
      input_variables: opt(fc.array(text, { maxLength: 2 })),
    }),
    record({ type: pick(["completion"], ["essay"]), content: contents, template_format: opt(pick(["f-string", "jinja2"], ["x"])) }),
  );
  const model = record({
    provider: field(nonEmpty),
    name: field(nonEmpty),
    parameters: field(json),
    api_key_env: nullishOf(pick(["TOGETHER_API_KEY"], ["DATABASE_URL"])),
    fallbacks: nullishOf(fc.array(record({ provider: field(text), name: field(text), parameters: nullishOf(json) }), { maxLength: 1 })),
  });
  const blueprint = record({ prompt_template: template, metadata: nullishOf(record({ model: opt(model) })), commit_message: maybeText, report_id: nullishOf(fc.integer()) });
  const count = field(fc.nat());
  const logRecord = record({
    request_id: field(text),
    prompt_name: maybeText,
    prompt_version: nullishOf(noisy ? fc.integer({ min: -1, max: 3 }) : fc.integer({ min: 1, max: 3 })),
    prompt_label: maybeText,
    tags: field(fc.array(text, { maxLength: 2 })),
    metadata: field(fc.dictionary(text, noisy ? fc.oneof(text, fc.integer()) : text, { maxKeys: 2, noNullPrototype: !noisy })),
    group_id: nullishOf(fc.integer()),
    input_variables: field(json),
    status: field(pick(["SUCCESS", "ERROR", "CANCELLED"], ["OK"])),
    provider: field(text),
    model: field(text),
    function_name: maybeText,
    usage: nullishOf(record({ input_tokens: count, output_tokens: count, cached_input_tokens: opt(fc.nat()) })),
    cost_usd: nullishOf(noisy ? fc.double() : fc.double({ min: 0, max: 1, noNaN: true })),
    latency_ms: nullishOf(noisy ? fc.double() : fc.double({ min: 0, max: 1e6, noNaN: true })),
    request_start_time: maybeText,
    request: field(json),
    response: field(fc.jsonValue({ maxDepth: 2 })),
    prompt_blueprint: nullishOf(blueprint),
    error_type: nullishOf(pick(["PROVIDER_ERROR", "CANCELLED"], ["CIRCUIT_OPEN"])),
    warnings: opt(fc.array(text, { maxLength: 2 })),
    snippets: opt(fc.array(record({ name: field(text), version: field(noisy ? fc.integer({ min: 0, max: 2 }) : fc.integer({ min: 1, max: 2 })) }), { maxLength: 2 })),
    trace_id: nullishOf(pick(["0af7651916cd43dd8448eb211c80319c"], ["0".repeat(32), "ABC"])),
    span_id: nullishOf(pick(["b7ad6b7169203331"], ["0".repeat(16)])),
    attempts: field(fc.array(record({ provider: field(nonEmpty), model: field(nonEmpty), status: field(pick(["SUCCESS", "SKIPPED"], ["LOST"])), latency_ms: field(fc.nat()) }), { maxLength: 2 })),
  });
  return logRecord;
}
const logRecord = fc.oneof(logRecordArbitrary(true), logRecordArbitrary(false));

const usual = {
  request_id: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
  prompt_name: "greeting",
  prompt_version: 3,
  tags: ["prod"],
  metadata: { user: "u1" },
  input_variables: { name: "Ada" },
  status: "SUCCESS",
  provider: "openai",
  model: "gpt-4o-mini",
  usage: { input_tokens: 12, output_tokens: 5 },
  cost_usd: 0.0001,
  latency_ms: 321.5,
  request: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi Ada" }] },
  response: { choices: [{ message: { role: "assistant", content: "Hello" } }] },
  prompt_blueprint: {
    prompt_template: {
      type: "chat",
      messages: [
        { role: "system", content: [{ type: "text", text: "Be brief." }] },
        { role: "user", content: [{ type: "text", text: "Hi {name}" }, { type: "media", media: { title: "m", type: "image/png", url: "https://x/y.png", format: "url" } }] },
      ],
      tools: [{ type: "function", function: { name: "f", description: "", strict: false, parameters: { type: "object", properties: {} } } }],
    },
    metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0 } } },
  },
  attempts: [{ provider: "openai", model: "gpt-4o-mini", status: "SUCCESS", latency_ms: 320 }],
};

describe("isWellFormedLogRecord", () => {
  it("accepts only what logRecordSchema accepts, with an equal output", () => {
    fc.assert(
      fc.property(logRecord, (value) => {
        if (!isWellFormedLogRecord(value)) return;
        const parsed = logRecordSchema.safeParse(value);
        expect(parsed.error).toBeUndefined();
        expect(parsed.data).toStrictEqual(value);
      }),
      { numRuns: 4000 },
    );
  });

  it("takes the fast path for the usual records", () => {
    const accepted = { all: 0, chat: 0, completion: 0, tools: 0, media: 0, model: 0 };
    fc.assert(
      fc.property(logRecord, (value) => {
        if (!isWellFormedLogRecord(value)) return;
        accepted.all++;
        const blueprint = (value as { prompt_blueprint?: { prompt_template: { type: string; tools?: unknown[] }; metadata?: { model?: unknown } } }).prompt_blueprint;
        if (!blueprint) return;
        accepted[blueprint.prompt_template.type as "chat" | "completion"]++;
        if (blueprint.prompt_template.tools?.length) accepted.tools++;
        if (JSON.stringify(blueprint).includes('"type":"media"')) accepted.media++;
        if (blueprint.metadata?.model) accepted.model++;
      }),
      { numRuns: 3000 },
    );
    // The fast path is taken for every shape the generator builds, blueprints included.
    for (const count of Object.values(accepted)) expect(count).toBeGreaterThan(5);
    expect(isWellFormedLogRecord(usual)).toBe(true);
    expect(logRecordSchema.parse(usual)).toStrictEqual(usual);
    expect(isWellFormedLogRecord({ ...usual, tags: undefined })).toBe(false); // a default zod fills in
    // Every field zod fills in when absent (its output differs) is left to zod.
    const defaulted = ["tags", "metadata", "input_variables", "request", "attempts", "prompt_blueprint.metadata.model.parameters"];
    const media = "prompt_blueprint.prompt_template.messages.1.content.1.media";
    const tool = "prompt_blueprint.prompt_template.tools.0.function";
    defaulted.push(`${media}.title`, `${media}.type`, `${media}.format`, `${tool}.description`, `${tool}.strict`, `${tool}.parameters`);
    for (const path of defaulted) {
      const record = structuredClone(usual) as Record<string, unknown>;
      const keys = path.split(".");
      const parent = keys.slice(0, -1).reduce<Record<string, unknown>>((object, key) => object[key] as Record<string, unknown>, record);
      delete parent[keys.at(-1)!];
      expect(logRecordSchema.parse(record), path).not.toStrictEqual(record);
      expect(isWellFormedLogRecord(record), path).toBe(false);
    }
    expect(isWellFormedLogRecord({ ...usual, surprise: 1 })).toBe(false); // a key zod strips
    expect(isWellFormedLogRecord({ ...usual, prompt_version: 0 })).toBe(false);
  });
});

describe("wellFormedBatchRecords", () => {
  it("returns batchRequestsBody's records or defers", () => {
    fc.assert(
      fc.property(fc.oneof(tricky, fc.record({ records: fc.oneof(tricky, fc.array(fc.oneof(logRecord, fc.constant(usual)), { maxLength: 3 })) })), (body) => {
        const records = wellFormedBatchRecords(body);
        if (records === undefined) return;
        expect(batchRequestsBody.parse(body).records).toStrictEqual(records);
      }),
      { numRuns: 1000 },
    );
    expect(wellFormedBatchRecords({ records: [usual, usual] })).toHaveLength(2);
    expect(wellFormedBatchRecords({ records: [] })).toBeUndefined();
    expect(wellFormedBatchRecords({ records: [usual, { ...usual, status: "OK" }] })).toBeUndefined();
  });
});
