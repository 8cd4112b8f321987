import { PromptNotFoundError } from "@promptline/core/errors";
import {
  apiKeyListAnswer,
  archiveAnswer,
  createdKeyAnswer,
  labelAnswer,
  labelHistoryAnswer,
  labelListAnswer,
  promptListAnswer,
  publishAnswer,
  requestPageAnswer,
  templateAnswerBody,
  versionListAnswer,
  type ApiKeyAnswer,
  type ArchiveAnswer,
  type createKeyBody,
  type CreatedKeyAnswer,
  type LabelAnswer,
  type LabelMoveAnswer,
  type PromptListAnswer,
  type publishPromptBody,
  type PublishAnswer,
  type RequestPageAnswer,
  type TemplateAnswer,
  type VersionAnswer,
} from "@promptline/core/wire";
import type { SetLabelBody } from "@promptline/core/rollouts";
import type { z } from "zod";
import { RegistryClient, type RegistryClientOptions } from "./registry-client.js";

/** A query string's values: repeated for a list, left out when undefined or empty. */
export type QueryValues = Record<string, string | number | readonly string[] | undefined>;

function queryString(values: QueryValues): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === "") continue;
    for (const item of typeof value === "object" ? value : [value]) query.append(key, String(item));
  }
  return query.size > 0 ? `?${query}` : "";
}

/** The error for a 404; without one, the server's message as an `InvalidRequestError`. */
type NotFound = () => Error;

const promptPath = (name: string) => `/api/v1/prompts/${encodeURIComponent(name)}`;

export interface RegistryApiOptions extends Omit<RegistryClientOptions, "fetch" | "timeoutMs"> {
  fetch?: typeof fetch;
  /** Default 30 s. */
  timeoutMs?: number;
}

/**
 * The registry's `/api/v1` for tools (the `promptline` CLI): prompts, labels,
 * the request log and keys, through the SDK's one registry client (auth,
 * timeout, status → error) with every answer read through the wire contract
 * (`@promptline/core/wire`, decision 0015).
 *
 * @example
 * const registry = new RegistryApi({ baseURL: "http://localhost:8600", apiKey: process.env.PROMPTLINE_API_KEY });
 * const { items } = await registry.prompts({ label: "prod" });
 */
export class RegistryApi {
  private readonly client: RegistryClient;

  constructor(options: RegistryApiOptions) {
    this.client = new RegistryClient({ ...options, fetch: options.fetch ?? fetch, timeoutMs: options.timeoutMs ?? 30_000 });
  }

  get baseURL(): string {
    return this.client.baseURL;
  }

  /** A page of prompts, each with its newest (or labelled) version. */
  prompts(
    query: { search?: string; tag?: readonly string[]; label?: string; archived?: "true"; page?: number; per_page?: number } = {},
  ): Promise<PromptListAnswer> {
    return this.client.call("GET", `/api/v1/prompts${queryString(query)}`, { answer: promptListAnswer, route: "GET /api/v1/prompts" });
  }

  /** Archives a prompt (it can't run or take versions, lists leave it out), or with `archived: false` restores it. */
  setArchived(name: string, archived: boolean): Promise<ArchiveAnswer> {
    const action = archived ? "archive" : "unarchive";
    return this.client.call("POST", `${promptPath(name)}/${action}`, {
      answer: archiveAnswer,
      route: `POST /api/v1/prompts/{name}/${action}`,
      notFound: () => new PromptNotFoundError(name),
    });
  }

  /** One version as stored (snippets not expanded); by default a `PromptNotFoundError` naming the selector when there is none. */
  template(name: string, selector: { version?: number; label?: string } = {}, notFound: NotFound = () => new PromptNotFoundError(name, selector)): Promise<TemplateAnswer> {
    return this.client.call("GET", `${promptPath(name)}/template${queryString(selector)}`, { answer: templateAnswerBody, route: "GET /api/v1/prompts/{name}/template", notFound });
  }

  /** The prompt's versions, newest first. */
  async versions(name: string, notFound?: NotFound): Promise<VersionAnswer[]> {
    const route = "GET /api/v1/prompts/{name}/versions";
    return (await this.client.call("GET", `${promptPath(name)}/versions`, { answer: versionListAnswer, route, ...(notFound && { notFound }) })).items;
  }

  /** Publishes a version (`skip_if_unchanged`: returns the newest one, `created: false`, when nothing changed). */
  publish(body: z.input<typeof publishPromptBody>): Promise<PublishAnswer> {
    return this.client.call("POST", "/api/v1/prompts", { answer: publishAnswer, body });
  }

  /** The prompt's release labels. */
  async labels(name: string, notFound?: NotFound): Promise<LabelAnswer[]> {
    const route = "GET /api/v1/prompts/{name}/labels";
    return (await this.client.call("GET", `${promptPath(name)}/labels`, { answer: labelListAnswer, route, ...(notFound && { notFound }) })).items;
  }

  /** Every move of the prompt's labels (or of one), oldest first. */
  async labelHistory(name: string, label?: string): Promise<LabelMoveAnswer[]> {
    const route = "GET /api/v1/prompts/{name}/labels/history";
    const path = `${promptPath(name)}/labels/history${queryString({ label })}`;
    return (await this.client.call("GET", path, { answer: labelHistoryAnswer, route })).items;
  }

  /** Points a label at one version, or makes it a split (decision 0008). */
  setLabel(name: string, label: string, body: SetLabelBody): Promise<LabelAnswer> {
    const route = "PUT /api/v1/prompts/{name}/labels/{label}";
    return this.client.call("PUT", `${promptPath(name)}/labels/${encodeURIComponent(label)}`, { answer: labelAnswer, route, body });
  }

  /** Puts a label back where it pointed before its last move; `notFound` words an unknown prompt or label. */
  rollbackLabel(name: string, label: string, notFound?: NotFound): Promise<LabelAnswer> {
    const route = "POST /api/v1/prompts/{name}/labels/{label}/rollback";
    return this.client.call("POST", `${promptPath(name)}/labels/${encodeURIComponent(label)}/rollback`, { answer: labelAnswer, route, body: {}, ...(notFound && { notFound }) });
  }

  /** The request log, newest first. */
  requests(query: { prompt?: string; tag?: readonly string[]; status?: string; from?: string; limit?: number; cursor?: string } = {}): Promise<RequestPageAnswer> {
    return this.client.call("GET", `/api/v1/requests${queryString(query)}`, { answer: requestPageAnswer, route: "GET /api/v1/requests" });
  }

  /** The workspace's API keys, revoked ones included (admin). */
  async keys(): Promise<ApiKeyAnswer[]> {
    return (await this.client.call("GET", "/api/v1/keys", { answer: apiKeyListAnswer })).items;
  }

  /** A new key; `key` is the only time the key itself is shown (admin). */
  createKey(body: z.input<typeof createKeyBody>): Promise<CreatedKeyAnswer> {
    return this.client.call("POST", "/api/v1/keys", { answer: createdKeyAnswer, body });
  }

  /** Revokes a key at once (admin). */
  async revokeKey(id: number): Promise<void> {
    await this.client.call("DELETE", `/api/v1/keys/${id}`, { route: "DELETE /api/v1/keys/{id}" });
  }
}
