import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { Promptline, type PromptTemplate } from "promptline";
import type { BenchContext } from "../lib/context.js";
import { ms, type ScenarioResult } from "../lib/report.js";
import { interleave, ratio, summarize } from "../lib/stats.js";

/**
 * Scenario: what tracing costs a warm `run()` (issue 21). Three clients,
 * interleaved: tracing off, tracing on with `@opentelemetry/api` installed
 * but no tracer provider registered (what most users have), and a provider
 * recording every span (in-memory exporter). No I/O: `fetch` answers the
 * registry and the provider from memory, so the numbers are the SDK's own
 * CPU. Without a provider, tracing must cost nothing measurable.
 */
export async function tracingCostScenario(context: BenchContext): Promise<ScenarioResult> {
  const template: PromptTemplate = { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Summarise {topic}." }] }] };
  const metadata = { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.2, max_tokens: 256 }, api_type: "chat-completions" } };
  const completion = JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 1700000000,
    model: "gpt-4o-mini",
    choices: [{ index: 0, message: { role: "assistant", content: "A short answer." }, finish_reason: "stop" }],
    usage: { prompt_tokens: 31, completion_tokens: 14, total_tokens: 45 },
  });
  const templateAnswer = JSON.stringify({
    prompt: { id: 1, name: "bench", tags: [], latest_version: 1, created_at: "2026-01-01T00:00:00.000Z", updated_at: "2026-01-01T00:00:00.000Z" },
    version: { id: 1, prompt_id: 1, prompt_name: "bench", version: 1, prompt_template: template, metadata, commit_message: null, author_key_id: null, created_at: "2026-01-01T00:00:00.000Z" },
    labels: [],
  });
  const json = (body: string) => new Response(body, { status: 200, headers: { "content-type": "application/json" } });
  const memoryFetch: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.includes("/api/v1/requests:batch")) {
      const records = (JSON.parse(String(init?.body)) as { records: { request_id: string }[] }).records;
      return json(JSON.stringify({ results: records.map((record, index) => ({ request_id: record.request_id, id: index + 1, created: true })) }));
    }
    return json(url.includes("/api/v1/prompts/") ? templateAnswer : completion);
  };

  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const common = {
    apiKey: "pl_bench",
    baseURL: "http://registry.invalid",
    env: { OPENAI_API_KEY: "sk-bench" },
    fetch: memoryFetch,
    flushOnExit: false,
    liveUpdates: false,
    logging: { maxQueueSize: 1_000_000, flushIntervalMs: 60_000, batchSize: 1000 },
  };
  const off = new Promptline({ ...common, tracing: { enabled: false } });
  const noProvider = new Promptline(common);
  const recording = new Promptline(common);
  const params = { promptName: "bench", inputVariables: { topic: "release labels" } };
  try {
    const rounds = context.quick ? 1000 : 5000;
    const warmupRounds = context.quick ? 200 : 500;
    context.log(`tracing cost: ${warmupRounds} warm-up + ${rounds} rounds of 3 variants`);
    const samples = await interleave(
      [
        { name: "tracing off", call: async () => void (await off.run(params)) },
        { name: "@opentelemetry/api, no tracer provider", call: async () => void (await noProvider.run(params)) },
        {
          name: "tracer provider recording every span",
          call: async () => {
            trace.setGlobalTracerProvider(provider);
            try {
              await recording.run(params);
            } finally {
              trace.disable();
            }
          },
        },
      ],
      { warmupRounds, rounds, onRound: (round) => void (round % 500 === 0 && exporter.reset()) },
    );
    const cpu = new Map([...samples].map(([name, metrics]) => [name, summarize((metrics.get("cpu") ?? []).map((value) => value * 1000))]));
    const rows = [...cpu].map(([variant, summary]) => ({ variant, n: summary.n, "CPU µs/run p50": ms(summary.p50), "CPU µs/run mean": ms(summary.mean), "CPU µs/run p99": ms(summary.p99) }));
    const baseline = cpu.get("tracing off")!;
    const idle = cpu.get("@opentelemetry/api, no tracer provider")!;
    const recorded = cpu.get("tracer provider recording every span")!;
    // "Nothing measurable": within 5 % of tracing off, or under 2 µs of CPU, whichever is larger (the clock's grain is 1 µs).
    const allowance = Math.max(baseline.p50 * 0.05, 2);
    return {
      id: "tracing",
      title: "Tracing's cost per warm run() (CPU, no I/O)",
      rows,
      checks: [
        {
          target: "no tracer provider: p50 CPU within max(5 %, 2 µs) of tracing off",
          measured: `${ms(idle.p50)} µs vs ${ms(baseline.p50)} µs (${ratio(idle.p50, baseline.p50)}×)`,
          met: idle.p50 - baseline.p50 <= allowance,
        },
      ],
      notes: [`a provider recording every span costs ${ms(recorded.p50 - baseline.p50)} µs of CPU per run at p50 (${ratio(recorded.p50, baseline.p50)}× tracing off).`],
    };
  } finally {
    await Promise.all([off, noProvider, recording].map((client) => client.close({ timeoutMs: 10 })));
  }
}
