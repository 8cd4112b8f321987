import { describe, expect, it } from "vitest";
import { UnsupportedProviderError } from "../errors/promptline-error.js";
import { modelDefaults } from "../models/model-defaults.js";
import { codecFor, unrunnableModelReasons } from "../codecs/codec-registry.js";
import { knownProviders } from "./known-providers.js";
import { unsupportedProvider } from "./provider-registry.js";

describe("knownProviders, the one provider list", () => {
  it("is exactly the providers codecFor builds and the model table knows", () => {
    for (const provider of knownProviders) {
      expect(() => codecFor({ provider, templateType: "chat", modelName: "gemini-2.5-flash" }), provider).not.toThrow();
    }
    expect([...knownProviders].sort()).toEqual(Object.keys(modelDefaults).sort());
    expect(() => codecFor({ provider: "openia", templateType: "chat" })).toThrow(UnsupportedProviderError);
  });

  it("names every provider in UnsupportedProviderError", () => {
    const message = unsupportedProvider("openia").message;
    for (const provider of knownProviders) expect(message).toContain(provider);
  });
});

describe("unrunnableModelReasons", () => {
  it("accepts runnable settings and a version without a model", () => {
    expect(unrunnableModelReasons({ provider: "openai", name: "gpt-4o-mini" }, "chat")).toEqual([]);
    expect(unrunnableModelReasons({ provider: "vertexai", name: "claude-sonnet-4" }, "chat")).toEqual([]);
    expect(unrunnableModelReasons(undefined, "chat")).toEqual([]);
  });

  it("says which providers exist for an unknown one", () => {
    const [reason] = unrunnableModelReasons({ provider: "openia", name: "gpt-4o" }, "chat");
    expect(reason).toContain('"openia" is not a provider');
    expect(reason).toContain(knownProviders.join(", "));
  });

  it("refuses a missing model name, a pair the codecs can't build, and a bad fallback", () => {
    expect(unrunnableModelReasons({ provider: "openai", name: " " }, "chat")).toEqual(["metadata.model.name is missing: name the model to call, e.g. gpt-4o-mini."]);
    expect(unrunnableModelReasons({ provider: "vertexai", name: "llama-3" }, "chat")[0]).toContain('provider "vertexai" cannot call model "llama-3"');
    expect(unrunnableModelReasons({ provider: "openai", name: "dall-e-3", api_type: "images" }, "chat")[0]).toContain('api_type "images"');
    expect(unrunnableModelReasons({ provider: "openai", name: "gpt-4o", fallbacks: [{ provider: "antropic", name: "claude" }] }, "chat")).toEqual([
      expect.stringContaining('metadata.model.fallbacks[0].provider "antropic"'),
    ]);
  });
});
