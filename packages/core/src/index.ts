/**
 * @promptline/core: the pure heart of Promptline, shared by the SDK and the
 * server. Schemas of templates, blueprints and log records; template
 * rendering; provider codecs; model defaults; usage and cost; the error
 * family. No I/O: nothing here reads the environment, the clock or the network.
 */
export * from "./errors/index.js";
export * from "./schemas/index.js";
export * from "./render/index.js";
export * from "./codecs/index.js";
export * from "./providers/index.js";
export * from "./models/index.js";
export * from "./usage/index.js";
export * from "./log-record/index.js";
export * from "./ids/index.js";
export * from "./secrets/index.js";
export * from "./pipeline/index.js";
export * from "./rollouts/index.js";
