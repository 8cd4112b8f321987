import type { PromptTemplate, SnippetUse, TemplateMetadata } from "@promptline/core";
import type { PlaygroundRegistry } from "./dashboard-routes.js";

/** A version being edited in the playground: run, never stored as a version. */
export interface PlaygroundDraft {
  promptName: string;
  /** With its snippets already expanded (as the template route expands a stored version's). */
  template: PromptTemplate;
  snippets: SnippetUse[];
  metadata: TemplateMetadata;
}

const json = (body: unknown, from: Response) => new Response(JSON.stringify(body), { status: from.status, headers: { "content-type": "application/json" } });

/**
 * The playground's in-process registry, with one prompt's template reads
 * answered by a draft: the runner's SDK client then runs the draft exactly as
 * it runs a stored version (same rendering, codecs, trusted-endpoint rule,
 * logging). The run is logged without a version number, since no version
 * holds this text; the route tags it as a draft in its metadata.
 */
export function registryWithDraft(registry: PlaygroundRegistry, draft: PlaygroundDraft): PlaygroundRegistry {
  const templatePath = `/api/v1/prompts/${encodeURIComponent(draft.promptName)}/template`;
  return {
    baseURL: registry.baseURL,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      if (request.method === "GET" && url.pathname === templatePath) {
        const answer = await registry.fetch(request);
        if (!answer.ok) return answer;
        // The stored version's identity (prompt, labels, revision) with the draft's text and settings; no split to pick from.
        const { label: _label, versions: _versions, ...stored } = (await answer.json()) as { version: Record<string, unknown>; label?: unknown; versions?: unknown };
        return json({ ...stored, version: { ...stored.version, prompt_template: draft.template, metadata: draft.metadata, snippets: draft.snippets } }, answer);
      }
      if (request.method === "POST" && url.pathname === "/api/v1/requests:batch") {
        const body = (await request.json()) as { records?: Array<Record<string, unknown>> };
        const records = (body.records ?? []).map((record) => (record.prompt_name === draft.promptName ? { ...record, prompt_version: null } : record));
        const headers = new Headers(request.headers);
        headers.delete("content-length");
        return registry.fetch(new Request(request.url, { method: "POST", headers, body: JSON.stringify({ ...body, records }) }));
      }
      return registry.fetch(request);
    },
  };
}
