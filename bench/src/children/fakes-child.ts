import { startFakeProviders, type FakeFault, type FakeProviderName, type FakeReply } from "@promptline/testkit";
import { serveChild } from "../lib/child-process.js";

/** The fake providers in their own process, so they don't share the client's event loop. */
await serveChild<Record<string, never>, { url: string; env: Record<string, string>; openaiBaseURL: string }>(async () => {
  const fakes = await startFakeProviders({ host: "127.0.0.1" });
  return {
    ready: { url: fakes.url, env: { ...fakes.env }, openaiBaseURL: fakes.baseURLs.openai },
    handlers: {
      queue: (params) => {
        const { provider, reply, count } = params as { provider: FakeProviderName; reply: FakeReply; count: number };
        for (let i = 0; i < count; i++) fakes.queue(provider, reply);
        return fakes.pending(provider);
      },
      fault: (params) => {
        const { provider, fault, count } = params as { provider: FakeProviderName; fault: FakeFault; count: number };
        for (let i = 0; i < count; i++) fakes.fault(provider, fault);
        return fakes.pending(provider);
      },
      // The recorded requests grow without bound; the benchmark forgets them between scenarios.
      reset: () => fakes.reset(),
      count: () => fakes.requests.length,
      lastRequest: (provider) => fakes.lastRequest(provider as FakeProviderName),
    },
    stop: () => fakes.close(),
  };
});
