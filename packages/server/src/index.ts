export { createApp, serverVersion, type CreateAppOptions } from "./app.js";
export { checkOperatorKey, checkSessionSecret, minOperatorKeyLength, minSessionSecretLength, startServer, type RunningServer, type StartServerOptions } from "./start-server.js";
export * from "./storage/index.js";
export type { DashboardOptions, PlaygroundChunk, PlaygroundRegistry, PlaygroundRunContext, PlaygroundRunInput, PlaygroundRunner } from "./routes/dashboard-routes.js";
