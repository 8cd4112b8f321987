import type { AuthVariables } from "./http/auth.js";
import type { TemplateRenderer } from "./render/template-renderer.js";
import type { RevisionWatcher } from "./services/revision-watcher.js";
import type { TemplateFetch } from "./services/template-response.js";
import type { TrackRequest } from "./services/track-request.js";
import type { Storage } from "./storage/index.js";

/** Hono's environment for every route: what the auth middleware sets. */
export interface AppEnv {
  Variables: AuthVariables;
}

/** What routes need from outside: injected so tests control ids and time. */
export interface AppDependencies {
  storage: Storage;
  /** A new request id (UUIDv7) for requests logged through PromptLayer's routes. */
  mintRequestId: () => string;
  /** The registry revisions that `GET /api/v1/registry/revision` waits on. */
  revisionWatcher: RevisionWatcher;
  /** Renders templates within the render limits, long ones off the event loop. */
  renderer: TemplateRenderer;
  /** Answers template fetches; one per app, shared by the route and the node:http front (decision 0031). */
  templateFetch: TemplateFetch;
  /** Logs PromptLayer's tracked requests; one per app, shared by the route and the node:http front (decision 0032). */
  trackRequest: TrackRequest;
  /** Days a workspace without its own retention keeps its records (`--retention-days`); null: forever. */
  retentionDays: number | null;
}
