import { InvalidRequestError, PromptlineError, PromptNotFoundError, logRecordSchema, promptTemplateSchema } from "@promptline/core";
import type { LogRecord, PromptTemplate } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StorageOptions } from "./kysely-storage.js";
import { LabelProtectedError } from "./storage-errors.js";
import type { RequestInsert, RequestLogRow, SpanRecord, Storage, WorkspaceRecord } from "./storage.js";

/** Builds a storage for the suite; it receives the suite's clock. */
export type StorageFactory = (options: StorageOptions) => Promise<Storage>;

/** The suites' clock: every reading advances it by one second, so timestamps are distinct, ordered and reproducible. */
export interface SuiteClock {
  /** Reads the clock (and advances it). */
  now(): Date;
  /** The time now, without advancing. */
  current(): Date;
  advance(ms: number): void;
}

/**
 * One storage for a whole suite, on a `SuiteClock` starting at `startIso`:
 * opened before the suite's first test (handed to `opened`), closed after its last.
 */
export function suiteStorage(factory: StorageFactory, startIso: string, opened: (storage: Storage) => void): SuiteClock {
  let time = Date.parse(startIso);
  const clock: SuiteClock = {
    now: () => new Date((time += 1000)),
    current: () => new Date(time),
    advance: (ms) => {
      time += ms;
    },
  };
  let storage: Storage | undefined;
  beforeAll(async () => {
    storage = await factory({ now: clock.now });
    opened(storage);
  });
  afterAll(async () => {
    await storage?.close();
  });
  return clock;
}

/** A root INTERNAL span, status UNSET, with no attributes, events, links, resource or scope; `fields` name it and set the rest. */
export function spanRecord(fields: Pick<SpanRecord, "trace_id" | "span_id" | "name" | "start_time_unix_nano" | "end_time_unix_nano"> & Partial<SpanRecord>): SpanRecord {
  return {
    parent_span_id: null,
    kind: "INTERNAL",
    status: { code: "UNSET", message: null },
    attributes: {},
    events: [],
    links: [],
    resource: {},
    scope: null,
    ...fields,
  };
}

/**
 * The storage contract: every `Storage` implementation, on every database,
 * must pass it. One storage serves the whole suite; each test works in
 * workspaces of its own, which also exercises the scoping on every query.
 */
export function storageContract(factory: StorageFactory): void {
  describe("storage contract", () => {
    let storage: Storage;
    let workspaceCount = 0;
    suiteStorage(factory, "2025-01-01T00:00:00.000Z", (opened) => (storage = opened));

    const newWorkspace = (): Promise<WorkspaceRecord> => storage.workspaces.create({ slug: `ws-${++workspaceCount}` });

    describe("lifecycle", () => {
      it("answers ping and migrates idempotently", async () => {
        await expect(storage.ping()).resolves.toBeUndefined();
        await storage.migrate();
        await storage.migrate();
        expect(["sqlite", "postgres"]).toContain(storage.dialect);
      });
    });

    describe("workspaces", () => {
      it("ensures one default workspace, even when asked concurrently", async () => {
        const all = await Promise.all(Array.from({ length: 5 }, () => storage.workspaces.ensureDefault()));
        expect(new Set(all.map((workspace) => workspace.id)).size).toBe(1);
        expect(all[0]?.slug).toBe("default");
        expect((await storage.workspaces.getDefault())?.id).toBe(all[0]?.id);
      });

      it("creates workspaces with unique slugs and gets them by id", async () => {
        const workspace = await storage.workspaces.create({ slug: "team-ünïcode", name: "Team Ü" });
        expect(await storage.workspaces.get(workspace.id)).toEqual(workspace);
        expect(workspace.name).toBe("Team Ü");
        const duplicate = storage.workspaces.create({ slug: "team-ünïcode" });
        await expect(duplicate).rejects.toSatisfy((error) => PromptlineError.isInstance(error) && error.code === "conflict");
        expect(await storage.workspaces.get(987654)).toBeUndefined();
      });
    });

    describe("API keys", () => {
      it("returns the plaintext once, stores only a hash, and finds the key by plaintext", async () => {
        const workspace = await newWorkspace();
        const { key, plaintext } = await storage.apiKeys.create(workspace.id, { name: "ci", admin: true });
        expect(plaintext).toMatch(/^pl_[A-Za-z0-9_-]{32}$/);
        expect(plaintext.startsWith(key.prefix)).toBe(true);
        expect(key.prefix.length).toBeLessThan(plaintext.length / 2);
        expect(key).toMatchObject({ workspace_id: workspace.id, name: "ci", admin: true, revoked_at: null });
        expect(await storage.apiKeys.findByPlaintext(plaintext)).toEqual(key);
        expect(await storage.apiKeys.findByPlaintext(`${plaintext}x`)).toBeUndefined();
        const listed = await storage.apiKeys.list(workspace.id);
        expect(listed).toEqual([key]);
        expect(JSON.stringify(listed)).not.toContain(plaintext.slice(key.prefix.length));
      });

      it("revokes at once, only in its own workspace", async () => {
        const workspace = await newWorkspace();
        const other = await newWorkspace();
        const { key, plaintext } = await storage.apiKeys.create(workspace.id);
        expect(key.admin).toBe(false);
        expect(await storage.apiKeys.revoke(other.id, key.id)).toBe(false);
        expect(await storage.apiKeys.findByPlaintext(plaintext)).toBeDefined();
        expect(await storage.apiKeys.revoke(workspace.id, key.id)).toBe(true);
        expect(await storage.apiKeys.findByPlaintext(plaintext)).toBeUndefined();
        expect(await storage.apiKeys.revoke(workspace.id, key.id)).toBe(false);
        const [listed] = await storage.apiKeys.list(workspace.id);
        expect(listed?.revoked_at).toEqual(expect.any(String));
      });

      it("ensures a seeded key idempotently and never revives a revoked one", async () => {
        const workspace = await newWorkspace();
        const seed = `seed-${workspace.id}-secret-key-value`;
        const first = await storage.apiKeys.ensure(workspace.id, seed, { admin: true });
        const second = await storage.apiKeys.ensure(workspace.id, seed, { admin: true });
        expect(second).toEqual(first);
        expect(first.admin).toBe(true);
        expect((await storage.apiKeys.findByPlaintext(seed))?.id).toBe(first.id);
        expect(await storage.apiKeys.list(workspace.id)).toHaveLength(1);
        await storage.apiKeys.revoke(workspace.id, first.id);
        const again = await storage.apiKeys.ensure(workspace.id, seed, { admin: true });
        expect(again.id).toBe(first.id);
        expect(again.revoked_at).not.toBeNull();
        expect(await storage.apiKeys.findByPlaintext(seed)).toBeUndefined();
        await expect(storage.apiKeys.ensure(workspace.id, "short")).rejects.toBeInstanceOf(InvalidRequestError);
      });

      it("records a key's last use, never moving it backwards, only in its own workspace", async () => {
        const workspace = await newWorkspace();
        const other = await newWorkspace();
        const { key } = await storage.apiKeys.create(workspace.id);
        expect(key.last_used_at).toBeNull();
        await storage.apiKeys.markUsed(other.id, key.id, "2026-01-02T00:00:00.000Z");
        expect((await storage.apiKeys.list(workspace.id))[0]?.last_used_at).toBeNull();
        await storage.apiKeys.markUsed(workspace.id, key.id, "2026-01-02T00:00:00.000Z");
        await storage.apiKeys.markUsed(workspace.id, key.id, "2026-01-01T00:00:00.000Z");
        expect((await storage.apiKeys.list(workspace.id))[0]?.last_used_at).toBe("2026-01-02T00:00:00.000Z");
        await storage.apiKeys.markUsed(workspace.id, key.id, "2026-01-03T00:00:00.000Z");
        expect((await storage.apiKeys.list(workspace.id))[0]?.last_used_at).toBe("2026-01-03T00:00:00.000Z");
      });

      it("gives a key a role: role wins, admin: true is admin, neither is deployer; an unknown role is refused", async () => {
        const workspace = await newWorkspace();
        const roles = [];
        for (const role of ["runner", "editor", "deployer", "admin"] as const) {
          const { key, plaintext } = await storage.apiKeys.create(workspace.id, { name: role, role });
          expect(key).toMatchObject({ role, admin: role === "admin" });
          expect((await storage.apiKeys.findByPlaintext(plaintext))?.role).toBe(role);
          roles.push(role);
        }
        expect((await storage.apiKeys.create(workspace.id, { admin: true })).key.role).toBe("admin");
        expect((await storage.apiKeys.create(workspace.id, { admin: false })).key.role).toBe("deployer");
        expect((await storage.apiKeys.create(workspace.id)).key.role).toBe("deployer");
        expect((await storage.apiKeys.ensure(workspace.id, `seed-${workspace.id}-runner-key`, { role: "runner" })).role).toBe("runner");
        expect((await storage.apiKeys.list(workspace.id)).map((key) => key.role)).toEqual([...roles, "admin", "deployer", "deployer", "runner"]);
        // @ts-expect-error -- a caller outside TypeScript's reach
        await expect(storage.apiKeys.create(workspace.id, { role: "owner" })).rejects.toBeInstanceOf(InvalidRequestError);
      });

      it("lists only the workspace's own keys", async () => {
        const workspace = await newWorkspace();
        const other = await newWorkspace();
        await storage.apiKeys.create(workspace.id);
        expect(await storage.apiKeys.list(other.id)).toEqual([]);
      });
    });

    describe("dashboard sessions", () => {
      it("remembers a sign-out per workspace until the token's expiry, then forgets it", async () => {
        const { id: ws } = await newWorkspace();
        const { id: other } = await newWorkspace();
        expect(await storage.sessions.isRevoked(ws, "s-1")).toBe(false);
        await storage.sessions.revoke(ws, "s-1", "2999-01-01T00:00:00.000Z");
        await storage.sessions.revoke(ws, "s-1", "2999-01-01T00:00:00.000Z");
        expect(await storage.sessions.isRevoked(ws, "s-1")).toBe(true);
        expect(await storage.sessions.isRevoked(other, "s-1")).toBe(false);
        // An entry past its expiry is dropped by the next sign-out (the token is refused for its expiry anyway).
        await storage.sessions.revoke(ws, "s-old", "2000-01-01T00:00:00.000Z");
        await storage.sessions.revoke(ws, "s-2", "2999-01-01T00:00:00.000Z");
        expect(await storage.sessions.isRevoked(ws, "s-old")).toBe(false);
        expect(await storage.sessions.isRevoked(ws, "s-2")).toBe(true);
      });

      it("keeps one session-signing secret: the first candidate stored wins, later ones read it", async () => {
        const first = await storage.sessions.signingSecret(`candidate-${Math.random()}`);
        const racing = await Promise.all(["x", "y", "z"].map((name) => storage.sessions.signingSecret(`${name}-${Math.random()}`)));
        expect(racing).toEqual([first, first, first]);
        expect(await storage.sessions.signingSecret("another")).toBe(first);
      });
    });

    describe("archived prompts", () => {
      it("leave the list (and come back with archived: true), keep their versions, refuse new ones, and raise the registry revision", async () => {
        const { id: ws } = await newWorkspace();
        await storage.prompts.publish(ws, { name: "kept", prompt_template: chat("Hi") });
        await storage.prompts.publish(ws, { name: "retired", prompt_template: chat("Bye"), release_labels: ["staging"] });
        const before = await storage.workspaces.registryRevision(ws);
        const archived = await storage.prompts.setArchived(ws, { name: "retired" }, true);
        expect(archived?.archived_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
        expect(await storage.workspaces.registryRevision(ws)).toBeGreaterThan(before!);
        expect((await storage.prompts.list(ws)).items.map((item) => item.prompt.name)).toEqual(["kept"]);
        expect((await storage.prompts.list(ws, { archived: true })).items.map((item) => item.prompt.name)).toEqual(["retired"]);
        // Readable as before (its history stays), but no new version.
        expect((await storage.prompts.getVersion(ws, { name: "retired" }, { label: "staging" }))?.prompt.archived_at).toBe(archived?.archived_at);
        await expect(storage.prompts.publish(ws, { name: "retired", prompt_template: chat("Again") })).rejects.toMatchObject({ code: "prompt_archived" });
        // Idempotent: archiving again keeps the first time.
        expect((await storage.prompts.setArchived(ws, { name: "retired" }, true))?.archived_at).toBe(archived?.archived_at);
        const restored = await storage.prompts.setArchived(ws, { name: "retired" }, false);
        expect(restored?.archived_at).toBeNull();
        expect((await storage.prompts.publish(ws, { name: "retired", prompt_template: chat("Again") })).version.version).toBe(2);
        expect(await storage.prompts.setArchived(ws, { name: "missing" }, true)).toBeUndefined();
        const other = await newWorkspace();
        expect(await storage.prompts.setArchived(other.id, { name: "kept" }, true)).toBeUndefined();
      });

      it("archiving a prompt that has a protected label needs an actor who may change protected labels", async () => {
        const { id: ws } = await newWorkspace();
        await storage.protectedLabels.protect(ws, "prod");
        await storage.prompts.publish(ws, { name: "live", prompt_template: chat("Hi"), release_labels: ["prod"] });
        await expect(storage.prompts.setArchived(ws, { name: "live" }, true, { may_change_protected: false })).rejects.toMatchObject({ label: "prod" });
        expect((await storage.prompts.get(ws, { name: "live" }))?.archived_at).toBeNull();
        expect((await storage.prompts.setArchived(ws, { name: "live" }, true, { may_change_protected: true }))?.archived_at).not.toBeNull();
      });
    });

    describe("prompts", () => {
      it("publishes consecutive versions and resolves them by number, label and newest", async () => {
        const { id: ws } = await newWorkspace();
        const first = await storage.prompts.publish(ws, {
          name: "greeting",
          prompt_template: chat("Hello {name}"),
          metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.5 } } },
          commit_message: "first",
          tags: ["demo"],
          release_labels: ["prod"],
        });
        expect(first.created).toBe(true);
        expect(first.version).toMatchObject({ version: 1, prompt_name: "greeting", commit_message: "first", prompt_id: first.prompt.id });
        expect(first.prompt).toMatchObject({ name: "greeting", tags: ["demo"], latest_version: 1, workspace_id: ws });
        expect(first.labels.map((label) => [label.name, label.prompt_version_number])).toEqual([["prod", 1]]);

        const second = await storage.prompts.publish(ws, { name: "greeting", prompt_template: chat("Hi {name}"), release_labels: ["staging"] });
        expect(second.version.version).toBe(2);
        expect(second.prompt.tags).toEqual(["demo"]);
        expect(second.labels.map((label) => `${label.name}@${label.prompt_version_number}`)).toEqual(["prod@1", "staging@2"]);

        const newest = await storage.prompts.getVersion(ws, { name: "greeting" });
        expect(newest?.version.prompt_template).toEqual(chat("Hi {name}"));
        expect(newest?.version.metadata).toEqual({});
        expect(newest?.labels).toEqual(["staging"]);
        const byNumber = await storage.prompts.getVersion(ws, { name: "greeting" }, { version: 1 });
        expect(byNumber?.version.metadata).toEqual(first.version.metadata);
        expect(byNumber?.labels).toEqual(["prod"]);
        expect((await storage.prompts.getVersion(ws, { name: "greeting" }, { label: "prod" }))?.version.version).toBe(1);
        // Label supersedes version.
        expect((await storage.prompts.getVersion(ws, { name: "greeting" }, { label: "staging", version: 1 }))?.version.version).toBe(2);
        expect(await storage.prompts.getVersion(ws, { name: "greeting" }, { version: 3 })).toBeUndefined();
        expect(await storage.prompts.getVersion(ws, { name: "greeting" }, { label: "nope" })).toBeUndefined();
        expect(await storage.prompts.getVersion(ws, { name: "nope" })).toBeUndefined();
        expect((await storage.prompts.listVersions(ws, { name: "greeting" })).map((version) => version.version)).toEqual([2, 1]);
        expect(await storage.prompts.listVersions(ws, { name: "nope" })).toEqual([]);
      });

      it("finds a prompt by name, numeric id, or identifier (name first)", async () => {
        const { id: ws } = await newWorkspace();
        const target = await storage.prompts.publish(ws, { name: "target", prompt_template: chat("t") });
        const id = target.prompt.id;
        expect((await storage.prompts.get(ws, { id }))?.name).toBe("target");
        expect((await storage.prompts.get(ws, { identifier: String(id) }))?.name).toBe("target");
        expect((await storage.prompts.get(ws, { identifier: "target" }))?.id).toBe(id);
        // A prompt literally named like another prompt's id wins for the identifier.
        const numericName = await storage.prompts.publish(ws, { name: String(id), prompt_template: chat("n") });
        expect((await storage.prompts.get(ws, { identifier: String(id) }))?.id).toBe(numericName.prompt.id);
        expect((await storage.prompts.getVersion(ws, { id: numericName.prompt.id }))?.prompt.name).toBe(String(id));
        expect(await storage.prompts.get(ws, { id: 99_999_999 })).toBeUndefined();
        expect(await storage.prompts.get(ws, { identifier: "12345678901234567890" })).toBeUndefined();
      });

      it("gives 20 concurrent publishes of one prompt distinct consecutive versions", async () => {
        const { id: ws } = await newWorkspace();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            storage.prompts.publish(ws, { name: "busy", prompt_template: chat(`v${index}`), release_labels: ["prod"] }),
          ),
        );
        const numbers = results.map((result) => result.version.version).sort((a, b) => a - b);
        expect(numbers).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
        expect((await storage.prompts.get(ws, { name: "busy" }))?.latest_version).toBe(20);
        // Each version holds the template its own publish sent.
        for (const result of results) {
          const stored = await storage.prompts.getVersion(ws, { name: "busy" }, { version: result.version.version });
          expect(stored?.version.prompt_template).toEqual(result.version.prompt_template);
        }
        // The label moved 20 times; the history is one unbroken chain ending where the label points.
        const history = await storage.labels.history(ws, { name: "busy" }, { label: "prod" });
        expect(history).toHaveLength(20);
        expect(history[0]?.from_version).toBeNull();
        history.slice(1).forEach((move, index) => expect(move.from_version).toBe(history[index]?.to_version));
        const [label] = await storage.labels.list(ws, { name: "busy" });
        expect(label?.prompt_version_number).toBe(history.at(-1)?.to_version);
      });

      it("creates no version when the newest one is unchanged, whatever the key order", async () => {
        const { id: ws } = await newWorkspace();
        const metadata = { model: { provider: "anthropic", name: "claude", parameters: { max_tokens: 100, temperature: 1 } }, team: "x" };
        const first = await storage.prompts.publish(ws, { name: "file", prompt_template: chat("same"), metadata, skip_if_unchanged: true });
        expect(first.created).toBe(true);
        const reordered = { team: "x", model: { parameters: { temperature: 1, max_tokens: 100 }, name: "claude", provider: "anthropic" } };
        const again = await storage.prompts.publish(ws, {
          name: "file",
          prompt_template: chat("same"),
          metadata: reordered,
          commit_message: "only the message differs",
          skip_if_unchanged: true,
          release_labels: ["prod"],
        });
        expect(again.created).toBe(false);
        expect(again.version.id).toBe(first.version.id);
        expect(again.labels.map((label) => label.prompt_version_number)).toEqual([1]);
        const changed = await storage.prompts.publish(ws, {
          name: "file",
          prompt_template: chat("same"),
          metadata: { ...metadata, team: "y" },
          skip_if_unchanged: true,
        });
        expect(changed).toMatchObject({ created: true, version: { version: 2 } });
        // Without the flag an identical publish is a new version.
        const forced = await storage.prompts.publish(ws, { name: "file", prompt_template: chat("same"), metadata: { ...metadata, team: "y" } });
        expect(forced.version.version).toBe(3);
      });

      it("replaces tags only when given", async () => {
        const { id: ws } = await newWorkspace();
        await storage.prompts.publish(ws, { name: "tagged", prompt_template: chat("a"), tags: ["a", "b", "a"] });
        expect((await storage.prompts.get(ws, { name: "tagged" }))?.tags).toEqual(["a", "b"]);
        await storage.prompts.publish(ws, { name: "tagged", prompt_template: chat("b") });
        expect((await storage.prompts.get(ws, { name: "tagged" }))?.tags).toEqual(["a", "b"]);
        await storage.prompts.publish(ws, { name: "tagged", prompt_template: chat("c"), tags: [] });
        expect((await storage.prompts.get(ws, { name: "tagged" }))?.tags).toEqual([]);
      });

      it("rejects a publish without a name or with an empty label", async () => {
        const { id: ws } = await newWorkspace();
        await expect(storage.prompts.publish(ws, { name: " ", prompt_template: chat("a") })).rejects.toBeInstanceOf(InvalidRequestError);
        await expect(storage.prompts.publish(ws, { name: "ok", prompt_template: chat("a"), release_labels: [""] })).rejects.toBeInstanceOf(
          InvalidRequestError,
        );
        expect(await storage.prompts.get(ws, { name: "ok" })).toBeUndefined();
      });

      it("lists with pagination, newest first, each with its version, labels and usage", async () => {
        const { id: ws } = await newWorkspace();
        for (const name of ["alpha", "beta", "gamma", "delta", "epsilon"]) {
          await storage.prompts.publish(ws, { name, prompt_template: chat(name) });
        }
        await storage.prompts.publish(ws, { name: "beta", prompt_template: chat("beta 2"), release_labels: ["prod"] });
        await storage.requests.insertMany(ws, [log({ request_id: "b1", prompt_name: "beta" }), log({ request_id: "b2", prompt_name: "beta" })]);

        const first = await storage.prompts.list(ws, { per_page: 2 });
        expect(first).toMatchObject({ page: 1, per_page: 2, total: 5, pages: 3 });
        expect(first.items.map((item) => item.prompt.name)).toEqual(["beta", "epsilon"]);
        const beta = first.items[0];
        expect(beta?.version.version).toBe(2);
        expect(beta?.labels.map((label) => label.name)).toEqual(["prod"]);
        expect(beta?.request_count).toBe(2);
        expect(beta?.last_used_at).toEqual(expect.any(String));
        expect(first.items[1]).toMatchObject({ request_count: 0, last_used_at: null });

        const pages = await Promise.all([1, 2, 3].map((page) => storage.prompts.list(ws, { page, per_page: 2 })));
        expect(pages.flatMap((page) => page.items.map((item) => item.prompt.name))).toEqual(["beta", "epsilon", "delta", "gamma", "alpha"]);
        expect((await storage.prompts.list(ws, { page: 4, per_page: 2 })).items).toEqual([]);
        await expect(storage.prompts.list(ws, { per_page: 0 })).rejects.toBeInstanceOf(InvalidRequestError);
        await expect(storage.prompts.list(ws, { page: 0 })).rejects.toBeInstanceOf(InvalidRequestError);
      });

      it("filters the list by label, showing the labelled version", async () => {
        const { id: ws } = await newWorkspace();
        await storage.prompts.publish(ws, { name: "one", prompt_template: chat("1"), release_labels: ["prod"] });
        await storage.prompts.publish(ws, { name: "one", prompt_template: chat("1b") });
        await storage.prompts.publish(ws, { name: "two", prompt_template: chat("2") });
        const listed = await storage.prompts.list(ws, { label: "prod" });
        expect(listed.total).toBe(1);
        expect(listed.items.map((item) => [item.prompt.name, item.version.version, item.prompt.latest_version])).toEqual([["one", 1, 2]]);
        expect((await storage.prompts.list(ws, { label: "nope" })).items).toEqual([]);
      });

      it("searches names case-insensitively as plain text", async () => {
        const { id: ws } = await newWorkspace();
        const names = ["Support-Reply", "support_summary", "supportXsummary", "100% off", "Robert'); DROP TABLE prompt;--", "Ünïcödé Prompt 😀"];
        for (const name of names) await storage.prompts.publish(ws, { name, prompt_template: chat(name) });
        const search = async (text: string) => (await storage.prompts.list(ws, { search: text })).items.map((item) => item.prompt.name).sort();
        expect(await search("SUPPORT")).toEqual(["Support-Reply", "supportXsummary", "support_summary"].sort());
        expect(await search("support_")).toEqual(["support_summary"]);
        expect(await search("%")).toEqual(["100% off"]);
        expect(await search("'); drop table")).toEqual(["Robert'); DROP TABLE prompt;--"]);
        expect(await search("' OR '1'='1")).toEqual([]);
        expect(await search("ünïcödé")).toEqual(["Ünïcödé Prompt 😀"]);
        expect(await search("😀")).toEqual(["Ünïcödé Prompt 😀"]);
        expect((await storage.prompts.list(ws)).total).toBe(names.length);
        const robert = await storage.prompts.getVersion(ws, { name: "Robert'); DROP TABLE prompt;--" });
        expect(robert?.version.prompt_template).toEqual(chat("Robert'); DROP TABLE prompt;--"));
      });

      it("keeps workspaces apart", async () => {
        const { id: ws } = await newWorkspace();
        const { id: other } = await newWorkspace();
        const published = await storage.prompts.publish(ws, { name: "private", prompt_template: chat("secret"), release_labels: ["prod"] });
        expect(await storage.prompts.get(other, { name: "private" })).toBeUndefined();
        expect(await storage.prompts.get(other, { id: published.prompt.id })).toBeUndefined();
        expect(await storage.prompts.get(other, { identifier: String(published.prompt.id) })).toBeUndefined();
        expect(await storage.prompts.getVersion(other, { name: "private" }, { label: "prod" })).toBeUndefined();
        expect(await storage.prompts.listVersions(other, { id: published.prompt.id })).toEqual([]);
        expect((await storage.prompts.list(other)).total).toBe(0);
        // The same name is a different prompt with its own numbering.
        const mine = await storage.prompts.publish(other, { name: "private", prompt_template: chat("mine") });
        expect(mine.version.version).toBe(1);
        expect(mine.prompt.id).not.toBe(published.prompt.id);
        expect((await storage.prompts.getVersion(ws, { name: "private" }))?.version.prompt_template).toEqual(chat("secret"));
      });
    });

    describe("protected labels", () => {
      it("a new workspace protects prod; protect and unprotect say whether they changed anything, per workspace", async () => {
        const { id: ws } = await newWorkspace();
        const { id: other } = await newWorkspace();
        expect(await storage.protectedLabels.list(ws)).toEqual(["prod"]);
        expect(await storage.protectedLabels.protect(ws, "staging")).toBe(true);
        expect(await storage.protectedLabels.protect(ws, "staging")).toBe(false);
        expect(await storage.protectedLabels.protect(ws, "canary ü")).toBe(true);
        expect(await storage.protectedLabels.list(ws)).toEqual(["canary ü", "prod", "staging"]);
        expect(await storage.protectedLabels.unprotect(ws, "prod")).toBe(true);
        expect(await storage.protectedLabels.unprotect(ws, "prod")).toBe(false);
        expect(await storage.protectedLabels.list(ws)).toEqual(["canary ü", "staging"]);
        expect(await storage.protectedLabels.list(other)).toEqual(["prod"]);
        expect(await storage.protectedLabels.unprotect(other, "staging")).toBe(false);
        await expect(storage.protectedLabels.protect(ws, "")).rejects.toBeInstanceOf(InvalidRequestError);
      });

      it("the default workspace protects prod when created, and ensureDefault doesn't protect it again once unprotected", async () => {
        const workspace = await storage.workspaces.ensureDefault();
        expect(await storage.protectedLabels.list(workspace.id)).toContain("prod");
        await storage.protectedLabels.unprotect(workspace.id, "prod");
        await storage.workspaces.ensureDefault();
        expect(await storage.protectedLabels.list(workspace.id)).not.toContain("prod");
        await storage.protectedLabels.protect(workspace.id, "prod");
      });
    });

    describe("release labels", () => {
      it("creates, moves, and deletes a label, recording every move once", async () => {
        const { id: ws } = await newWorkspace();
        const { key } = await storage.apiKeys.create(ws);
        for (const text of ["v1", "v2", "v3"]) await storage.prompts.publish(ws, { name: "labelled", prompt_template: chat(text) });

        const created = await storage.labels.set(ws, { prompt: { name: "labelled" }, name: "prod", version: 1, actor_key_id: key.id });
        expect(created).toMatchObject({ name: "prod", prompt_version_number: 1, workspace_id: ws });
        const same = await storage.labels.set(ws, { prompt: { name: "labelled" }, name: "prod", version: 1 });
        expect(same.id).toBe(created.id);
        const moved = await storage.labels.set(ws, { prompt: { name: "labelled" }, name: "prod", version: 3, actor_key_id: key.id });
        expect(moved).toMatchObject({ id: created.id, prompt_version_number: 3 });
        const patched = await storage.labels.move(ws, created.id, 2);
        expect(patched?.prompt_version_number).toBe(2);
        expect((await storage.prompts.getVersion(ws, { name: "labelled" }, { label: "prod" }))?.version.prompt_template).toEqual(chat("v2"));
        expect(await storage.labels.get(ws, created.id)).toEqual(patched);
        expect(await storage.labels.list(ws, { name: "labelled" })).toEqual([patched]);

        expect(await storage.labels.delete(ws, created.id, { actor_key_id: key.id })).toBe(true);
        expect(await storage.labels.delete(ws, created.id)).toBe(false);
        expect(await storage.labels.get(ws, created.id)).toBeUndefined();
        expect(await storage.labels.list(ws, { name: "labelled" })).toEqual([]);
        expect(await storage.prompts.getVersion(ws, { name: "labelled" }, { label: "prod" })).toBeUndefined();

        const history = await storage.labels.history(ws, { name: "labelled" });
        expect(history.map((move) => [move.label_name, move.from_version, move.to_version, move.actor_key_id])).toEqual([
          ["prod", null, 1, key.id],
          ["prod", 1, 3, key.id],
          ["prod", 3, 2, null],
          ["prod", 2, null, key.id],
        ]);
        expect(new Set(history.map((move) => move.created_at)).size).toBe(4);
      });

      it("refuses a protected label to a caller that may not change one, changing nothing; allows it otherwise", async () => {
        const { id: ws } = await newWorkspace();
        const { key: editor } = await storage.apiKeys.create(ws, { name: "editor-key", role: "editor" });
        const { key: deployer } = await storage.apiKeys.create(ws, { name: "deployer-key", role: "deployer" });
        const asEditor = { actor_key_id: editor.id, may_change_protected: false };
        const asDeployer = { actor_key_id: deployer.id, may_change_protected: true };
        await storage.prompts.publish(ws, { name: "guarded", prompt_template: chat("v1"), release_labels: ["prod", "staging"], ...asDeployer });
        await storage.prompts.publish(ws, { name: "guarded", prompt_template: chat("v2") });
        const labels = await storage.labels.list(ws, { name: "guarded" });
        const prod = labels.find((label) => label.name === "prod")!;
        const snapshot = async () => ({
          versions: await storage.prompts.listVersions(ws, { name: "guarded" }),
          labels: await storage.labels.list(ws, { name: "guarded" }),
          history: await storage.labels.history(ws, { name: "guarded" }),
        });
        const before = await snapshot();

        const refused = (promise: Promise<unknown>) => expect(promise).rejects.toSatisfy((error) => error instanceof LabelProtectedError && error.label === "prod");
        await refused(storage.labels.set(ws, { prompt: { name: "guarded" }, name: "prod", version: 2, ...asEditor }));
        // Even where it points already: the answer doesn't depend on the label's state.
        await refused(storage.labels.set(ws, { prompt: { name: "guarded" }, name: "prod", version: 1, ...asEditor }));
        await refused(storage.labels.move(ws, prod.id, 2, asEditor));
        await refused(storage.labels.delete(ws, prod.id, asEditor));
        // A publish naming a protected label keeps nothing: no version, no move of the other label.
        await refused(storage.prompts.publish(ws, { name: "guarded", prompt_template: chat("v3"), release_labels: ["staging", "prod"], ...asEditor }));
        await refused(storage.prompts.publish(ws, { name: "brand-new", prompt_template: chat("x"), release_labels: ["prod"], ...asEditor }));
        expect(await snapshot()).toEqual(before);
        expect(await storage.prompts.get(ws, { name: "brand-new" })).toBeUndefined();

        // Labels that aren't protected move for anyone; protected ones for a caller that may.
        expect((await storage.labels.set(ws, { prompt: { name: "guarded" }, name: "staging", version: 2, ...asEditor })).prompt_version_number).toBe(2);
        expect((await storage.labels.move(ws, prod.id, 2, asDeployer))?.prompt_version_number).toBe(2);
        expect(await storage.labels.delete(ws, prod.id, asDeployer)).toBe(true);

        // Once unprotected, an editor may; the history says who moved what.
        expect(await storage.protectedLabels.unprotect(ws, "prod")).toBe(true);
        await storage.labels.set(ws, { prompt: { name: "guarded" }, name: "prod", version: 1, ...asEditor });
        const history = await storage.labels.history(ws, { name: "guarded" }, { label: "prod" });
        expect(history.map((move) => [move.from_version, move.to_version, move.actor_key_id, move.actor_key_name])).toEqual([
          [null, 1, deployer.id, "deployer-key"],
          [1, 2, deployer.id, "deployer-key"],
          [2, null, deployer.id, "deployer-key"],
          [null, 1, editor.id, "editor-key"],
        ]);
      });

      it("moves a label atomically under concurrent moves", async () => {
        const { id: ws } = await newWorkspace();
        for (let index = 1; index <= 5; index++) await storage.prompts.publish(ws, { name: "raced", prompt_template: chat(`v${index}`) });
        await Promise.all(
          Array.from({ length: 12 }, (_, index) => storage.labels.set(ws, { prompt: { name: "raced" }, name: "prod", version: (index % 5) + 1 })),
        );
        const history = await storage.labels.history(ws, { name: "raced" }, { label: "prod" });
        expect(history[0]?.from_version).toBeNull();
        history.slice(1).forEach((move, index) => {
          expect(move.from_version).toBe(history[index]?.to_version);
          expect(move.to_version).not.toBe(move.from_version);
        });
        const labels = await storage.labels.list(ws, { name: "raced" });
        expect(labels).toHaveLength(1);
        expect(labels[0]?.prompt_version_number).toBe(history.at(-1)?.to_version);
      });

      it("refuses unknown prompts and versions with PromptNotFoundError", async () => {
        const { id: ws } = await newWorkspace();
        await storage.prompts.publish(ws, { name: "p", prompt_template: chat("p") });
        await expect(storage.labels.set(ws, { prompt: { name: "p" }, name: "prod", version: 2 })).rejects.toBeInstanceOf(PromptNotFoundError);
        await expect(storage.labels.set(ws, { prompt: { name: "q" }, name: "prod", version: 1 })).rejects.toBeInstanceOf(PromptNotFoundError);
        await expect(storage.labels.set(ws, { prompt: { name: "p" }, name: "", version: 1 })).rejects.toBeInstanceOf(InvalidRequestError);
        const label = await storage.labels.set(ws, { prompt: { name: "p" }, name: "prod", version: 1 });
        await expect(storage.labels.move(ws, label.id, 7)).rejects.toBeInstanceOf(PromptNotFoundError);
        expect(await storage.labels.history(ws, { name: "p" })).toHaveLength(1);
        expect(await storage.labels.move(ws, 99_999_999, 1)).toBeUndefined();
      });

      it("keeps workspaces apart", async () => {
        const { id: ws } = await newWorkspace();
        const { id: other } = await newWorkspace();
        const published = await storage.prompts.publish(ws, { name: "p", prompt_template: chat("p"), release_labels: ["prod"] });
        const label = published.labels[0];
        if (!label) throw new Error("expected a label");
        expect(await storage.labels.get(other, label.id)).toBeUndefined();
        expect(await storage.labels.list(other, { id: published.prompt.id })).toEqual([]);
        expect(await storage.labels.history(other, { id: published.prompt.id })).toEqual([]);
        expect(await storage.labels.move(other, label.id, 1)).toBeUndefined();
        expect(await storage.labels.delete(other, label.id)).toBe(false);
        await expect(storage.labels.set(other, { prompt: { id: published.prompt.id }, name: "x", version: 1 })).rejects.toBeInstanceOf(
          PromptNotFoundError,
        );
        expect(await storage.labels.list(ws, { name: "p" })).toEqual([label]);
      });
    });

    describe("request log", () => {
      it("stores a record and returns every field, by integer id and by request_id", async () => {
        const { id: ws } = await newWorkspace();
        const published = await storage.prompts.publish(ws, { name: "greeting", prompt_template: chat("Hello {name}") });
        const group = await storage.groups.create(ws);
        const record = log({
          request_id: "01970000-0000-7000-8000-000000000001",
          prompt_name: "greeting",
          prompt_version: 1,
          prompt_label: "prod",
          tags: ["b-tag", "a-tag", "日本語"],
          metadata: { user: "u1", "ключ": "значение 🚀" },
          group_id: group.id,
          input_variables: { name: "Ada", list: [1, { nested: true }] },
          status: "ERROR",
          function_name: "openai.chat.completions.create",
          usage: { input_tokens: 12, output_tokens: 34, cached_input_tokens: 2 },
          cost_usd: 0.00042,
          latency_ms: 812.5,
          request_start_time: "2025-01-01T00:00:00.000Z",
          request_end_time: "2025-01-01T00:00:00.812Z",
          request: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello Ada" }] },
          response: { id: "chatcmpl-1", choices: [] },
          prompt_blueprint: { prompt_template: chat("Hello Ada"), metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } } },
          error_type: "PROVIDER_RATE_LIMIT",
          error_message: "Rate limit reached",
          warnings: ['Dropped "logprobs": o3 does not accept it.'],
          snippets: [{ name: "tone", version: 2 }],
          trace_id: "0af7651916cd43dd8448eb211c80319c",
          span_id: "b7ad6b7169203331",
          attempts: [
            { provider: "anthropic", model: "claude-sonnet-4", status: "SKIPPED", error_type: "CIRCUIT_OPEN", latency_ms: 0 },
            { provider: "openai", model: "gpt-4o-mini", status: "ERROR", error_type: "PROVIDER_RATE_LIMIT", latency_ms: 812.5 },
          ],
        });
        const row = await storage.requests.insert(ws, record);
        expect(row).toEqual({
          ...record,
          id: expect.any(Number),
          workspace_id: ws,
          prompt_id: published.prompt.id,
          created_at: expect.any(String),
          scores: {},
        });
        expect(Number.isSafeInteger(row.id)).toBe(true);
        expect(await storage.requests.get(ws, row.id)).toEqual(row);
        expect(await storage.requests.get(ws, record.request_id)).toEqual(row);
        expect(await storage.requests.get(ws, "unknown")).toBeUndefined();
        expect(await storage.requests.get(ws, 99_999_999)).toBeUndefined();
      });

      it("stores nulls as null: unknown cost, no usage, no response", async () => {
        const { id: ws } = await newWorkspace();
        const row = await storage.requests.insert(ws, log({ request_id: "bare", prompt_name: "not-published" }));
        expect(row).toMatchObject({
          prompt_id: null,
          prompt_name: "not-published",
          usage: null,
          cost_usd: null,
          latency_ms: null,
          response: null,
          prompt_blueprint: null,
          error_type: null,
          tags: [],
          metadata: {},
          group_id: null,
          warnings: [],
          snippets: [],
          attempts: [],
        });
      });

      it("links by PromptLayer's prompt_id, only within the workspace", async () => {
        const { id: ws } = await newWorkspace();
        const { id: other } = await newWorkspace();
        const published = await storage.prompts.publish(ws, { name: "linked", prompt_template: chat("x") });
        const mine = await storage.requests.insert(ws, log({ request_id: "pl-1", prompt_id: published.prompt.id, prompt_version: 1 }));
        expect(mine).toMatchObject({ prompt_id: published.prompt.id, prompt_name: "linked", prompt_version: 1 });
        const theirs = await storage.requests.insert(other, log({ request_id: "pl-1", prompt_id: published.prompt.id }));
        expect(theirs).toMatchObject({ prompt_id: null, prompt_name: null });
        // Numbers count per workspace: the same number names each workspace's own request.
        expect(await storage.requests.get(ws, mine.id)).toMatchObject({ workspace_id: ws, prompt_name: "linked" });
        expect(await storage.requests.get(other, theirs.id)).toMatchObject({ workspace_id: other, prompt_name: null });
      });

      it("links each record of a group by the id it asks for first, else by its name, and keeps the name it gave", async () => {
        const { id: ws } = await newWorkspace();
        const alpha = await storage.prompts.publish(ws, { name: "alpha", prompt_template: chat("a") });
        const beta = await storage.prompts.publish(ws, { name: "beta", prompt_template: chat("b") });
        const unknownId = 987_654_321;
        await storage.requests.insertMany(ws, [
          log({ request_id: "by-name", prompt_name: "beta" }),
          log({ request_id: "id-first", prompt_id: alpha.prompt.id, prompt_name: "beta" }),
          log({ request_id: "unknown-id", prompt_id: unknownId, prompt_name: "beta" }),
          log({ request_id: "unknown-both", prompt_id: unknownId, prompt_name: "gamma" }),
          log({ request_id: "id-only", prompt_id: beta.prompt.id }),
        ]);
        expect(await storage.requests.get(ws, "by-name")).toMatchObject({ prompt_id: beta.prompt.id, prompt_name: "beta" });
        expect(await storage.requests.get(ws, "id-first")).toMatchObject({ prompt_id: alpha.prompt.id, prompt_name: "beta" });
        expect(await storage.requests.get(ws, "unknown-id")).toMatchObject({ prompt_id: beta.prompt.id, prompt_name: "beta" });
        expect(await storage.requests.get(ws, "unknown-both")).toMatchObject({ prompt_id: null, prompt_name: "gamma" });
        expect(await storage.requests.get(ws, "id-only")).toMatchObject({ prompt_id: beta.prompt.id, prompt_name: "beta" });
      });

      it("numbers requests per workspace (1, 2, 3… in each, whatever the others log), and finds them by that number only in their workspace", async () => {
        const { id: ws } = await newWorkspace();
        const { id: other } = await newWorkspace();
        const first = await storage.requests.insertMany(ws, ["n-a", "n-b", "n-c"].map((request_id) => log({ request_id })));
        await storage.requests.insertMany(other, Array.from({ length: 7 }, (_, index) => log({ request_id: `o-${index}` })));
        const later = await storage.requests.insert(ws, log({ request_id: "n-d" }));
        expect([...first.map((result) => result.id), later.id]).toEqual([1, 2, 3, 4]);
        expect((await storage.requests.query(other, { limit: 10 })).items.map((row) => row.id).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7]);
        // Every helper that takes the number finds the workspace's own request.
        expect(await storage.requests.updateMetadata(ws, 2, { k: "v" })).toBe(true);
        expect((await storage.scores.add(ws, { request: 2, score: 7 }))?.request_log_id).toBe(2);
        expect(await storage.requests.get(ws, 2)).toMatchObject({ request_id: "n-b", metadata: { k: "v" }, scores: { default: 7 } });
        expect(await storage.requests.get(other, 2)).toMatchObject({ request_id: "o-1", metadata: {} });
        expect(await storage.requests.get(ws, 5)).toBeUndefined();
        // A re-sent record keeps its number.
        const again = await storage.requests.insertMany(ws, [log({ request_id: "n-b" })]);
        expect(again[0]).toMatchObject({ id: 2, created: false });
      });

      it("gives concurrent writers of one workspace distinct numbers", async () => {
        const { id: ws } = await newWorkspace();
        const results = await Promise.all(Array.from({ length: 40 }, (_, index) => storage.requests.insertMany(ws, [log({ request_id: `c-${index}` })])));
        expect(results.flat().map((result) => result.id).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
      });

      it("refuses records for a workspace that does not exist, storing nothing", async () => {
        await expect(storage.requests.insertMany(987_654_321, [log({ request_id: "nowhere", tags: ["t"] })])).rejects.toBeInstanceOf(InvalidRequestError);
      });

      it("numbers each batch's new records consecutively, in its order by request_id, when batches commit concurrently", async () => {
        const { id: ws } = await newWorkspace();
        const batches = await Promise.all(
          Array.from({ length: 6 }, (_, batch) => storage.requests.insertMany(ws, Array.from({ length: 20 }, (_, index) => log({ request_id: `k-${batch}-${String(19 - index).padStart(2, "0")}` })))),
        );
        for (const results of batches) {
          const numbers = [...results].sort((a, b) => (a.request_id < b.request_id ? -1 : 1)).map((result) => result.id);
          expect(numbers).toEqual(Array.from({ length: 20 }, (_, index) => (numbers[0] ?? 0) + index));
        }
        expect(new Set(batches.flat().map((result) => result.id)).size).toBe(120);
      });

      it("inserts a batch idempotently on request_id", async () => {
        const { id: ws } = await newWorkspace();
        const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => `req-${from + index}`);
        const first = await storage.requests.insertMany(ws, ids(1, 5).map((request_id) => log({ request_id, tags: ["t"], metadata: { k: "v" } })));
        expect(first.map((result) => result.created)).toEqual([true, true, true, true, true]);
        const second = await storage.requests.insertMany(
          ws,
          [...ids(4, 8), "req-8"].map((request_id) => log({ request_id, model: "second", tags: ["t"], metadata: { k: "v" } })),
        );
        expect(second.map((result) => [result.request_id, result.created])).toEqual([
          ["req-4", false],
          ["req-5", false],
          ["req-6", true],
          ["req-7", true],
          ["req-8", true],
          ["req-8", false],
        ]);
        expect(second[0]?.id).toBe(first[3]?.id);
        expect(second[5]?.id).toBe(second[4]?.id);
        const all = await storage.requests.query(ws, { limit: 100 });
        expect(all.items.map((row) => row.request_id).sort()).toEqual(ids(1, 8).sort());
        // The original of a duplicate is kept as it was, tags and metadata not doubled.
        expect(await storage.requests.get(ws, "req-4")).toMatchObject({ model: "gpt-4o-mini", tags: ["t"], metadata: { k: "v" } });
        expect(await storage.requests.insertMany(ws, [])).toEqual([]);
      });

      it("stores each record once when overlapping batches arrive at the same time", async () => {
        const { id: ws } = await newWorkspace();
        // Large, differently rotated batches: on PostgreSQL, batches taking their row locks in different orders deadlock.
        const records = Array.from({ length: 300 }, (_, index) => log({ request_id: `c-${index}`, tags: ["c"] }));
        const batches = await Promise.all(
          Array.from({ length: 5 }, (_, copy) => storage.requests.insertMany(ws, [...records.slice(copy * 60), ...records.slice(0, copy * 60)])),
        );
        const created = batches.flat().filter((result) => result.created);
        expect(created.map((result) => result.request_id).sort()).toEqual(records.map((record) => record.request_id).sort());
        const idsByRequest = new Map<string, Set<number>>();
        for (const result of batches.flat()) idsByRequest.set(result.request_id, (idsByRequest.get(result.request_id) ?? new Set()).add(result.id));
        expect([...idsByRequest.values()].every((ids) => ids.size === 1)).toBe(true);
        const stored = await storage.requests.query(ws, { tags: ["c"], limit: 500 });
        expect(stored.items).toHaveLength(300);
        expect(stored.items.every((row) => row.tags.length === 1)).toBe(true);
      });

      it("accepts a large batch in one call", async () => {
        const { id: ws } = await newWorkspace();
        const records = Array.from({ length: 450 }, (_, index) => log({ request_id: `bulk-${index}`, tags: ["bulk", `n${index % 3}`], metadata: { i: String(index) } }));
        const results = await storage.requests.insertMany(ws, records);
        expect(results.filter((result) => result.created)).toHaveLength(450);
        expect(new Set(results.map((result) => result.id)).size).toBe(450);
        const page = await storage.requests.query(ws, { tags: ["n1"], metadata: { i: "31" } });
        expect(page.items.map((row) => row.request_id)).toEqual(["bulk-31"]);
      });

      it("rejects records with non-string metadata or no request_id", async () => {
        const { id: ws } = await newWorkspace();
        const bad = { ...log({ request_id: "x" }), metadata: { n: 1 } } as unknown as RequestInsert;
        await expect(storage.requests.insertMany(ws, [log({ request_id: "fine" }), bad])).rejects.toBeInstanceOf(InvalidRequestError);
        await expect(storage.requests.insert(ws, { ...log({ request_id: "y" }), request_id: "" })).rejects.toBeInstanceOf(InvalidRequestError);
        expect(await storage.requests.get(ws, "fine")).toBeUndefined();
      });

      describe("concurrent writers (group commit)", () => {
        it("stores 200 concurrent single inserts once each, answering every caller with its own id", async () => {
          const { id: ws } = await newWorkspace();
          const requestIds = Array.from({ length: 200 }, (_, index) => `solo-${index}`);
          const results = await Promise.all(requestIds.map((request_id) => storage.requests.insertMany(ws, [log({ request_id, tags: ["solo"] })])));
          expect(results.map((result) => result.length)).toEqual(requestIds.map(() => 1));
          expect(results.map(([result]) => result?.request_id)).toEqual(requestIds);
          expect(results.every(([result]) => result?.created === true)).toBe(true);
          expect(new Set(results.map(([result]) => result?.id)).size).toBe(200);
          // Each caller's id is the row of its own record.
          for (const [result] of results.filter((_, index) => index % 37 === 0)) {
            expect((await storage.requests.get(ws, result?.id ?? -1))?.request_id).toBe(result?.request_id);
          }
          const stored = await storage.requests.query(ws, { tags: ["solo"], limit: 500 });
          expect(stored.items.map((row) => row.request_id).sort()).toEqual([...requestIds].sort());
        });

        it("fails only the caller of a record that breaks the transaction", async () => {
          const { id: ws } = await newWorkspace();
          // Passes validation but cannot be written (JSON has no BigInt): fails inside the transaction.
          const unwritable = { ...log({ request_id: "unwritable" }), request: { n: 1n } } as unknown as RequestInsert;
          const invalid = { ...log({ request_id: "invalid" }), metadata: { n: 1 } } as unknown as RequestInsert;
          const outcomes = await Promise.allSettled([
            ...Array.from({ length: 10 }, (_, index) => storage.requests.insertMany(ws, [log({ request_id: `ok-a${index}` })])),
            storage.requests.insertMany(ws, [log({ request_id: "sibling" }), unwritable]),
            storage.requests.insert(ws, invalid),
            ...Array.from({ length: 10 }, (_, index) => storage.requests.insertMany(ws, [log({ request_id: `ok-b${index}` })])),
          ]);
          expect(outcomes.map((outcome) => outcome.status)).toEqual([...Array(10).fill("fulfilled"), "rejected", "rejected", ...Array(10).fill("fulfilled")]);
          expect((outcomes[11] as PromiseRejectedResult).reason).toBeInstanceOf(InvalidRequestError);
          const stored = await storage.requests.query(ws, { limit: 100 });
          expect(stored.items.map((row) => row.request_id).sort()).toEqual(
            [...Array.from({ length: 10 }, (_, index) => `ok-a${index}`), ...Array.from({ length: 10 }, (_, index) => `ok-b${index}`)].sort(),
          );
          // The failed caller's whole batch is rolled back, its sibling included.
          expect(await storage.requests.get(ws, "sibling")).toBeUndefined();
        });

        it("keeps request_id idempotency and workspace scoping across concurrent callers", async () => {
          const [{ id: ws }, { id: other }] = await Promise.all([newWorkspace(), newWorkspace()]);
          await storage.requests.insertMany(ws, [log({ request_id: "dup-0" })]);
          const calls = Array.from({ length: 60 }, (_, index) => ({ workspace: index % 2 === 0 ? ws : other, request_id: `dup-${index % 5}` }));
          const results = await Promise.all(calls.map((call) => storage.requests.insertMany(call.workspace, [log({ request_id: call.request_id })])));
          for (const workspace of [ws, other]) {
            const mine = results.flat().filter((_, index) => calls[index]?.workspace === workspace);
            const created = mine.filter((result) => result.created).map((result) => result.request_id).sort();
            // dup-0 was stored in ws before: re-sent, not created again.
            expect(created).toEqual(workspace === ws ? ["dup-1", "dup-2", "dup-3", "dup-4"] : ["dup-0", "dup-1", "dup-2", "dup-3", "dup-4"]);
            const idsByRequest = new Map<string, Set<number>>();
            for (const result of mine) idsByRequest.set(result.request_id, (idsByRequest.get(result.request_id) ?? new Set()).add(result.id));
            expect([...idsByRequest.values()].every((ids) => ids.size === 1)).toBe(true);
            expect((await storage.requests.query(workspace, { limit: 100 })).items).toHaveLength(5);
          }
          const [mineDup] = results[0] ?? [];
          const [theirsDup] = results[5] ?? [];
          expect(mineDup?.request_id).toBe(theirsDup?.request_id);
          expect((await storage.requests.get(ws, mineDup!.id))?.workspace_id).toBe(ws);
          expect((await storage.requests.get(other, theirsDup!.id))?.workspace_id).toBe(other);
        });
      });

      describe("queries", () => {
        let ws: number;
        let rows: RequestLogRow[];

        beforeAll(async () => {
          ({ id: ws } = await newWorkspace());
          const specs: Array<Partial<LogRecord>> = [
            { prompt_name: "a", prompt_version: 1, prompt_label: "prod", tags: ["x"], metadata: { user: "u1", env: "prod" }, status: "SUCCESS", provider: "openai", model: "gpt-4o" },
            { prompt_name: "a", prompt_version: 2, tags: ["x", "y"], metadata: { user: "u2" }, status: "ERROR", provider: "openai", model: "gpt-4o-mini" },
            { prompt_name: "b", prompt_version: 1, prompt_label: "prod", tags: ["y"], metadata: { user: "u1" }, status: "SUCCESS", provider: "anthropic", model: "claude" },
            { prompt_name: "b", prompt_version: 1, tags: [], metadata: {}, status: "CANCELLED", provider: "anthropic", model: "claude" },
            { tags: ["标签"], metadata: { "ключ": "значение" }, status: "SUCCESS", provider: "google", model: "gemini" },
            { prompt_name: "a", prompt_version: 2, prompt_label: "staging", tags: ["x", "' OR 1=1 --"], metadata: { user: "u1", env: "dev" }, status: "ERROR", provider: "openai", model: "gpt-4o" },
          ];
          rows = [];
          for (const [index, spec] of specs.entries()) {
            // Two records share one batch (and one created_at) to exercise the id tie-break.
            if (index === 3) continue;
            const batch = index === 2 ? [specs[2], specs[3]] : [spec];
            const inserted = await storage.requests.insertMany(ws, batch.map((entry, offset) => log({ request_id: `q-${index + offset}`, ...entry })));
            for (const result of inserted) {
              const row = await storage.requests.get(ws, result.id);
              if (row) rows.push(row);
            }
          }
        });

        const inRange = (row: RequestLogRow, from: number, to: number) =>
          row.created_at >= (rows[from]?.created_at ?? "") && row.created_at < (rows[to]?.created_at ?? "");
        const newestFirst = (items: RequestLogRow[]) =>
          [...items].sort((a, b) => (a.created_at === b.created_at ? b.id - a.id : a.created_at < b.created_at ? 1 : -1)).map((row) => row.request_id);

        const cases: Array<[string, () => Parameters<Storage["requests"]["query"]>[1], (row: RequestLogRow) => boolean]> = [
          ["prompt name", () => ({ prompt_name: "a" }), (row) => row.prompt_name === "a"],
          ["prompt name and version", () => ({ prompt_name: "a", prompt_version: 2 }), (row) => row.prompt_name === "a" && row.prompt_version === 2],
          ["label", () => ({ prompt_label: "prod" }), (row) => row.prompt_label === "prod"],
          ["tag", () => ({ tags: ["x"] }), (row) => row.tags.includes("x")],
          ["two tags", () => ({ tags: ["x", "y"] }), (row) => row.tags.includes("x") && row.tags.includes("y")],
          ["unicode tag", () => ({ tags: ["标签"] }), (row) => row.tags.includes("标签")],
          ["SQL-looking tag", () => ({ tags: ["' OR 1=1 --"] }), (row) => row.tags.includes("' OR 1=1 --")],
          ["unknown tag", () => ({ tags: ["' OR '1'='1"] }), () => false],
          ["metadata", () => ({ metadata: { user: "u1" } }), (row) => row.metadata.user === "u1"],
          ["two metadata keys", () => ({ metadata: { user: "u1", env: "prod" } }), (row) => row.metadata.user === "u1" && row.metadata.env === "prod"],
          ["unicode metadata", () => ({ metadata: { "ключ": "значение" } }), (row) => row.metadata["ключ"] === "значение"],
          ["status", () => ({ status: "ERROR" }), (row) => row.status === "ERROR"],
          ["provider", () => ({ provider: "anthropic" }), (row) => row.provider === "anthropic"],
          ["model", () => ({ model: "gpt-4o" }), (row) => row.model === "gpt-4o"],
          [
            "combined",
            () => ({ provider: "openai", status: "ERROR", tags: ["x"], metadata: { user: "u1" } }),
            (row) => row.provider === "openai" && row.status === "ERROR" && row.tags.includes("x") && row.metadata.user === "u1",
          ],
          ["time range", () => ({ from: rows[1]?.created_at, to: rows[4]?.created_at }), (row) => inRange(row, 1, 4)],
          ["tag in a time range", () => ({ tags: ["x"], from: rows[1]?.created_at, to: rows[5]?.created_at }), (row) => row.tags.includes("x") && inRange(row, 1, 5)],
          [
            "metadata in a time range",
            () => ({ metadata: { user: "u1" }, from: rows[2]?.created_at }),
            (row) => row.metadata.user === "u1" && row.created_at >= (rows[2]?.created_at ?? ""),
          ],
          ["metadata and model", () => ({ metadata: { user: "u1" }, model: "gpt-4o", prompt_name: "a" }), (row) => row.metadata.user === "u1" && row.model === "gpt-4o" && row.prompt_name === "a"],
        ];

        it.each(cases)("filters by %s, newest first", async (_name, query, matches) => {
          const expected = newestFirst(rows.filter(matches));
          const page = await storage.requests.query(ws, query());
          expect(page.items.map((row) => row.request_id)).toEqual(expected);
          expect(page.next_cursor).toBeNull();
        });

        it("has data for every filter case", () => {
          expect(rows).toHaveLength(6);
          for (const [name, , matches] of cases) {
            if (name !== "unknown tag") expect(rows.some(matches), name).toBe(true);
          }
        });
      });

      it("pages through every row exactly once, newest first", async () => {
        const { id: ws } = await newWorkspace();
        const inserted: string[] = [];
        for (let batch = 0; batch < 5; batch++) {
          const records = Array.from({ length: 5 }, (_, index) => log({ request_id: `p-${batch}-${index}`, tags: batch % 2 === 0 ? ["even"] : [] }));
          await storage.requests.insertMany(ws, records);
          inserted.push(...records.map((record) => record.request_id));
        }
        const visit = async (query: { limit: number; tags?: string[] }) => {
          const seen: RequestLogRow[] = [];
          let cursor: string | null = null;
          do {
            const page: Awaited<ReturnType<Storage["requests"]["query"]>> = await storage.requests.query(ws, { ...query, cursor });
            expect(page.items.length).toBeLessThanOrEqual(query.limit);
            seen.push(...page.items);
            cursor = page.next_cursor;
          } while (cursor);
          return seen;
        };
        const all = await visit({ limit: 7 });
        expect(all.map((row) => row.request_id)).toEqual([...inserted].reverse());
        for (let index = 1; index < all.length; index++) {
          const [newer, older] = [all[index - 1], all[index]];
          expect(newer && older && (newer.created_at > older.created_at || (newer.created_at === older.created_at && newer.id > older.id))).toBe(true);
        }
        const even = await visit({ limit: 4, tags: ["even"] });
        expect(even.map((row) => row.request_id)).toEqual(inserted.filter((id) => /^p-[024]-/.test(id)).reverse());
        expect((await visit({ limit: 25 })).length).toBe(25);
        await expect(storage.requests.query(ws, { cursor: "not-a-cursor" })).rejects.toBeInstanceOf(InvalidRequestError);
        await expect(storage.requests.query(ws, { limit: 0 })).rejects.toBeInstanceOf(InvalidRequestError);
      });

      it("refuses a cursor holding a NUL or anything but a timestamp with InvalidRequestError (PostgreSQL would fail on the NUL)", async () => {
        const { id: ws } = await newWorkspace();
        for (const position of [["2025-01-01T00:00:00.000Z\u0000", 1], ["\u0000", 1], ["x", 1]]) {
          const cursor = Buffer.from(JSON.stringify(position)).toString("base64url");
          await expect(storage.requests.query(ws, { cursor })).rejects.toBeInstanceOf(InvalidRequestError);
        }
      });

      it("merges metadata after the fact", async () => {
        const { id: ws } = await newWorkspace();
        await storage.requests.insert(ws, log({ request_id: "m", metadata: { a: "1", b: "2" } }));
        expect(await storage.requests.updateMetadata(ws, "m", { b: "3", "ключ 🗝": "значение" })).toBe(true);
        expect((await storage.requests.get(ws, "m"))?.metadata).toEqual({ a: "1", b: "3", "ключ 🗝": "значение" });
        expect((await storage.requests.query(ws, { metadata: { b: "3" } })).items.map((row) => row.request_id)).toEqual(["m"]);
        expect((await storage.requests.query(ws, { metadata: { b: "2" } })).items).toEqual([]);
        expect(await storage.requests.updateMetadata(ws, "missing", { a: "1" })).toBe(false);
        await expect(storage.requests.updateMetadata(ws, "m", { n: 5 } as unknown as Record<string, string>)).rejects.toBeInstanceOf(
          InvalidRequestError,
        );
      });

      it("aggregates the log per time bucket, with the query's filters, within the workspace", async () => {
        const { id: ws } = await newWorkspace();
        const { id: other } = await newWorkspace();
        await storage.requests.insertMany(ws, [
          log({ request_id: "s-1", status: "ERROR", latency_ms: 100, cost_usd: 0.5, tags: ["chart"], usage: { input_tokens: 3, output_tokens: 4 } }),
          log({ request_id: "s-2", status: "SUCCESS", latency_ms: 300, cost_usd: null, tags: ["chart"], usage: { input_tokens: 10, output_tokens: 20 } }),
          log({ request_id: "s-3", status: "SUCCESS", provider: "anthropic", latency_ms: null, cost_usd: 0.25 }),
        ]);
        const [day, ...rest] = await storage.requests.stats(ws, { bucket: "day" });
        expect(rest).toEqual([]);
        expect(day).toEqual({ start: expect.stringMatching(/^\d{4}-\d\d-\d\dT00:00:00\.000Z$/), count: 3, errors: 1, avg_latency_ms: 200, cost_usd: 0.75, input_tokens: 13, output_tokens: 24 });
        const tagged = await storage.requests.stats(ws, { bucket: "hour", tags: ["chart"] });
        expect(tagged).toEqual([expect.objectContaining({ start: expect.stringMatching(/T\d\d:00:00\.000Z$/), count: 2, errors: 1, cost_usd: 0.5 })]);
        expect(await storage.requests.stats(ws, { bucket: "minute", provider: "anthropic" })).toEqual([
          expect.objectContaining({ count: 1, errors: 0, avg_latency_ms: null, cost_usd: 0.25, input_tokens: 0 }),
        ]);
        expect(await storage.requests.stats(ws, { bucket: "day", to: "2000-01-01T00:00:00.000Z" })).toEqual([]);
        expect(await storage.requests.stats(other, { bucket: "day" })).toEqual([]);
        await expect(storage.requests.stats(ws, { bucket: "week" as never })).rejects.toBeInstanceOf(InvalidRequestError);
      });

      it("links a request to a prompt version after the fact", async () => {
        const { id: ws } = await newWorkspace();
        const published = await storage.prompts.publish(ws, { name: "late", prompt_template: chat("a"), release_labels: ["prod"] });
        await storage.prompts.publish(ws, { name: "late", prompt_template: chat("b") });
        const row = await storage.requests.insert(ws, log({ request_id: "unlinked" }));
        expect(await storage.requests.setPrompt(ws, row.id, { prompt: { name: "late" }, label: "prod", input_variables: { topic: "cats" } })).toBe(true);
        expect(await storage.requests.get(ws, row.id)).toMatchObject({
          prompt_id: published.prompt.id,
          prompt_name: "late",
          prompt_version: 1,
          prompt_label: "prod",
          input_variables: { topic: "cats" },
        });
        expect(await storage.requests.setPrompt(ws, "unlinked", { prompt: { name: "late" } })).toBe(true);
        expect(await storage.requests.get(ws, "unlinked")).toMatchObject({ prompt_version: 2, prompt_label: null, input_variables: { topic: "cats" } });
        await expect(storage.requests.setPrompt(ws, row.id, { prompt: { name: "nope" } })).rejects.toBeInstanceOf(PromptNotFoundError);
        await expect(storage.requests.setPrompt(ws, row.id, { prompt: { name: "late" }, version: 9 })).rejects.toBeInstanceOf(PromptNotFoundError);
        expect(await storage.requests.setPrompt(ws, "missing", { prompt: { name: "late" } })).toBe(false);
        expect((await storage.prompts.list(ws)).items[0]?.request_count).toBe(1);
      });

      it("assigns requests to groups of the workspace", async () => {
        const { id: ws } = await newWorkspace();
        const { id: other } = await newWorkspace();
        const group = await storage.groups.create(ws);
        const next = await storage.groups.create(ws);
        expect(Number.isSafeInteger(group.id)).toBe(true);
        expect(next.id).toBeGreaterThan(group.id);
        expect(await storage.groups.get(ws, group.id)).toEqual(group);
        const foreign = await storage.groups.create(other);
        await storage.requests.insertMany(ws, [log({ request_id: "g1" }), log({ request_id: "g2" })]);
        expect(await storage.requests.setGroup(ws, "g1", group.id)).toBe(true);
        expect((await storage.requests.query(ws, { group_id: group.id })).items.map((row) => row.request_id)).toEqual(["g1"]);
        await expect(storage.requests.setGroup(ws, "g2", foreign.id)).rejects.toBeInstanceOf(InvalidRequestError);
        expect(await storage.requests.setGroup(ws, "missing", group.id)).toBe(false);
        expect(await storage.groups.get(other, group.id)).toBeUndefined();
      });

      it("scores a request, one score per name, 0 to 100", async () => {
        const { id: ws } = await newWorkspace();
        const row = await storage.requests.insert(ws, log({ request_id: "scored" }));
        const first = await storage.scores.add(ws, { request: "scored", score: 80 });
        expect(first).toMatchObject({ name: "default", score: 80, request_log_id: row.id, workspace_id: ws });
        await storage.scores.add(ws, { request: row.id, score: 95 });
        await storage.scores.add(ws, { request: row.id, name: "relevance ✓", score: 0 });
        expect((await storage.requests.get(ws, row.id))?.scores).toEqual({ default: 95, "relevance ✓": 0 });
        expect((await storage.scores.list(ws, "scored")).map((score) => score.name)).toEqual(["default", "relevance ✓"]);
        for (const score of [-1, 100.5, Number.NaN]) {
          await expect(storage.scores.add(ws, { request: row.id, score })).rejects.toBeInstanceOf(InvalidRequestError);
        }
        expect(await storage.scores.add(ws, { request: "missing", score: 50 })).toBeUndefined();
      });

      it("keeps workspaces apart", async () => {
        const { id: ws } = await newWorkspace();
        const { id: other } = await newWorkspace();
        const row = await storage.requests.insert(ws, log({ request_id: "shared-id", tags: ["t"], metadata: { k: "v" } }));
        expect(await storage.requests.get(other, row.id)).toBeUndefined();
        expect(await storage.requests.get(other, "shared-id")).toBeUndefined();
        expect((await storage.requests.query(other, {})).items).toEqual([]);
        expect((await storage.requests.query(other, { tags: ["t"] })).items).toEqual([]);
        expect((await storage.requests.query(other, { metadata: { k: "v" } })).items).toEqual([]);
        expect(await storage.requests.updateMetadata(other, row.id, { k: "changed" })).toBe(false);
        const otherGroup = await storage.groups.create(other);
        expect(await storage.requests.setGroup(other, row.id, otherGroup.id)).toBe(false);
        await storage.prompts.publish(other, { name: "theirs", prompt_template: chat("x") });
        expect(await storage.requests.setPrompt(other, row.id, { prompt: { name: "theirs" } })).toBe(false);
        expect(await storage.scores.add(other, { request: row.id, score: 1 })).toBeUndefined();
        expect(await storage.scores.list(other, row.id)).toEqual([]);
        // The same client id in another workspace is another request.
        const [theirs] = await storage.requests.insertMany(other, [log({ request_id: "shared-id" })]);
        expect(theirs?.created).toBe(true);
        expect(await storage.requests.get(ws, row.id)).toEqual(row);
      });
    });

    describe("spans", () => {
      const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      const span = (spanId: string, fields: Partial<SpanRecord> = {}): SpanRecord =>
        spanRecord({
          trace_id: traceId,
          span_id: spanId,
          name: `op ${spanId}`,
          start_time_unix_nano: "1735689600000000000",
          end_time_unix_nano: "1735689600500000000",
          ...fields,
        });

      it("stores spans exactly and returns a trace by start time, nanoseconds intact", async () => {
        const { id: ws } = await newWorkspace();
        const root = span("00f067aa0ba902b7", {
          name: "handle request",
          kind: "SERVER",
          start_time_unix_nano: "1735689600000000001",
          end_time_unix_nano: "1735689601999999999",
          status: { code: "ERROR", message: "boom — ünïcode" },
          attributes: { "http.route": "/x", count: 3, ok: true, list: ["a", "b"], nested: { k: 1 } },
          events: [{ name: "exception", time_unix_nano: "1735689601000000000", attributes: { "exception.message": "boom" } }],
          links: [{ trace_id: "0af7651916cd43dd8448eb211c80319c", span_id: "b7ad6b7169203331", attributes: {} }],
          resource: { "service.name": "svc" },
          scope: { name: "promptline", version: "0.1.0" },
        });
        const child = span("53995c3f42cd8ad8", { parent_span_id: root.span_id, kind: "CLIENT", start_time_unix_nano: "1735689600100000000" });
        // 2001-09-09 is when nanoseconds since the epoch gained their 19th digit: text order must still be time order.
        const early = span("1111111111111111", { start_time_unix_nano: "999999999000000000", end_time_unix_nano: "999999999000000001" });
        expect(await storage.spans.insertMany(ws, [child, root, early])).toEqual({ created: 3, duplicates: 0 });
        const trace = await storage.spans.trace(ws, traceId);
        expect(trace.map((stored) => stored.span_id)).toEqual([early.span_id, root.span_id, child.span_id]);
        expect(trace[1]).toEqual({ ...root, created_at: expect.any(String) });
        expect(trace[0]?.start_time_unix_nano).toBe("999999999000000000");
      });

      it("is idempotent on (trace id, span id): a re-sent span changes nothing", async () => {
        const { id: ws } = await newWorkspace();
        const first = span("aaaaaaaaaaaaaaaa", { name: "first" });
        expect(await storage.spans.insertMany(ws, [first, { ...first, name: "copy in the same batch" }])).toEqual({ created: 1, duplicates: 1 });
        expect(await storage.spans.insertMany(ws, [{ ...first, name: "re-sent" }, span("bbbbbbbbbbbbbbbb")])).toEqual({ created: 1, duplicates: 1 });
        const trace = await storage.spans.trace(ws, traceId);
        expect(trace.map((stored) => [stored.span_id, stored.name])).toEqual([
          ["aaaaaaaaaaaaaaaa", "first"],
          ["bbbbbbbbbbbbbbbb", "op bbbbbbbbbbbbbbbb"],
        ]);
        // The same ids under the same trace in one batch of many rows (more than one INSERT statement).
        const many = Array.from({ length: 1200 }, (_, index) => span(`d${(index + 1).toString(16).padStart(15, "0")}`));
        expect(await storage.spans.insertMany(ws, [...many, ...many])).toEqual({ created: 1200, duplicates: 1200 });
      });

      it("keeps workspaces apart: the same trace id elsewhere is another trace", async () => {
        const { id: ws } = await newWorkspace();
        const { id: other } = await newWorkspace();
        await storage.spans.insertMany(ws, [span("aaaaaaaaaaaaaaaa", { name: "mine" })]);
        expect(await storage.spans.trace(other, traceId)).toEqual([]);
        expect(await storage.spans.insertMany(other, [span("aaaaaaaaaaaaaaaa", { name: "theirs" })])).toEqual({ created: 1, duplicates: 0 });
        expect((await storage.spans.trace(ws, traceId)).map((stored) => stored.name)).toEqual(["mine"]);
        expect((await storage.spans.trace(other, traceId)).map((stored) => stored.name)).toEqual(["theirs"]);
        await storage.spans.insertMany(other, [span("bbbbbbbbbbbbbbbb", { start_time_unix_nano: "1735689700000000000", end_time_unix_nano: "1735689700000000000" })]);
        expect((await storage.spans.recent(other)).map((stored) => stored.span_id)).toEqual(["bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa"]);
        expect((await storage.spans.recent(other, 1)).map((stored) => stored.span_id)).toEqual(["bbbbbbbbbbbbbbbb"]);
        expect((await storage.spans.recent(ws)).map((stored) => stored.name)).toEqual(["mine"]);
      });

      it("links a request to its trace by span id, whichever arrives first, within the workspace", async () => {
        const { id: ws } = await newWorkspace();
        const { id: other } = await newWorkspace();
        // The request first (PromptLayer tracks it inside its span, which is exported when it ends).
        const before = await storage.requests.insert(ws, log({ request_id: "tracked-first", span_id: "aaaaaaaaaaaaaaaa" }));
        expect(before).toMatchObject({ span_id: "aaaaaaaaaaaaaaaa", trace_id: null });
        const stranger = await storage.requests.insert(other, log({ request_id: "elsewhere", span_id: "aaaaaaaaaaaaaaaa" }));
        await storage.spans.insertMany(ws, [span("aaaaaaaaaaaaaaaa"), span("bbbbbbbbbbbbbbbb")]);
        expect(await storage.requests.get(ws, before.id)).toMatchObject({ trace_id: traceId, span_id: "aaaaaaaaaaaaaaaa" });
        expect(await storage.requests.get(other, stranger.id)).toMatchObject({ trace_id: null });
        // The span first.
        const after = await storage.requests.insert(ws, log({ request_id: "tracked-after", span_id: "bbbbbbbbbbbbbbbb" }));
        expect(after).toMatchObject({ trace_id: traceId, span_id: "bbbbbbbbbbbbbbbb" });
        // A trace id the client gave is kept.
        const own = await storage.requests.insert(ws, log({ request_id: "own", trace_id: "0af7651916cd43dd8448eb211c80319c", span_id: "bbbbbbbbbbbbbbbb" }));
        expect(own.trace_id).toBe("0af7651916cd43dd8448eb211c80319c");
        expect(await storage.spans.requestsOfTrace(ws, traceId)).toEqual([
          { id: before.id, request_id: "tracked-first", span_id: "aaaaaaaaaaaaaaaa" },
          { id: after.id, request_id: "tracked-after", span_id: "bbbbbbbbbbbbbbbb" },
        ]);
        expect(await storage.spans.requestsOfTrace(other, traceId)).toEqual([]);
      });

      it("lists a workspace's traces newest first, filtered by time and span name, a page at a time", async () => {
        const { id: ws } = await newWorkspace();
        const { id: other } = await newWorkspace();
        const traceA = "a".repeat(32);
        const traceB = "b".repeat(32);
        const traceC = "c".repeat(32);
        const second = (s: number) => `${1735689600 + s}000000000`;
        await storage.spans.insertMany(ws, [
          // A: root arrives with a child; starts at +0.
          span("a000000000000001", { trace_id: traceA, name: "checkout", start_time_unix_nano: second(0), end_time_unix_nano: second(3) }),
          span("a000000000000002", { trace_id: traceA, parent_span_id: "a000000000000001", name: "llm 100%_done", start_time_unix_nano: second(1), end_time_unix_nano: second(2) }),
          // B: starts at +10; its root has not arrived (the earliest span names it).
          span("b000000000000001", { trace_id: traceB, parent_span_id: "ffffffffffffffff", name: "Search", start_time_unix_nano: second(10), end_time_unix_nano: second(11) }),
          // C: starts at +20, the newest.
          span("c000000000000001", { trace_id: traceC, name: "search again", start_time_unix_nano: second(20), end_time_unix_nano: second(25) }),
        ]);
        await storage.requests.insert(ws, log({ request_id: "in-a-1", trace_id: traceA, span_id: "a000000000000002" }));
        await storage.requests.insert(ws, log({ request_id: "in-a-2", trace_id: traceA, span_id: "a000000000000002" }));
        // Another workspace's trace, newest of all and with the same name, never shows.
        await storage.spans.insertMany(other, [span("d000000000000001", { trace_id: "d".repeat(32), name: "checkout", start_time_unix_nano: second(30), end_time_unix_nano: second(31) })]);

        const all = await storage.spans.traces(ws, { limit: 50 });
        expect(all.next_cursor).toBeNull();
        expect(all.traces).toEqual([
          { trace_id: traceC, root_span_name: "search again", start_time_unix_nano: second(20), end_time_unix_nano: second(25), span_count: 1, request_count: 0 },
          { trace_id: traceB, root_span_name: "Search", start_time_unix_nano: second(10), end_time_unix_nano: second(11), span_count: 1, request_count: 0 },
          { trace_id: traceA, root_span_name: "checkout", start_time_unix_nano: second(0), end_time_unix_nano: second(3), span_count: 2, request_count: 2 },
        ]);
        const ids = async (query: Parameters<typeof storage.spans.traces>[1]) => (await storage.spans.traces(ws, query)).traces.map((trace) => trace.trace_id);
        // Time range on the trace's start: since inclusive, until exclusive.
        expect(await ids({ limit: 50, since_unix_nano: second(10) })).toEqual([traceC, traceB]);
        expect(await ids({ limit: 50, until_unix_nano: second(10) })).toEqual([traceA]);
        expect(await ids({ limit: 50, since_unix_nano: second(1), until_unix_nano: second(20) })).toEqual([traceB]);
        // Name: any span's name, case-insensitive, LIKE wildcards literal.
        expect(await ids({ limit: 50, name: "SEARCH" })).toEqual([traceC, traceB]);
        expect(await ids({ limit: 50, name: "100%_" })).toEqual([traceA]);
        expect(await ids({ limit: 50, name: "0_d" })).toEqual([]);
        expect(await ids({ limit: 50, name: "%" })).toEqual([traceA]);
        // Pages: the cursor goes on where the last page stopped.
        const first = await storage.spans.traces(ws, { limit: 2 });
        expect(first.traces.map((trace) => trace.trace_id)).toEqual([traceC, traceB]);
        const rest = await storage.spans.traces(ws, { limit: 2, cursor: first.next_cursor! });
        expect(rest).toMatchObject({ traces: [{ trace_id: traceA }], next_cursor: null });
        await expect(storage.spans.traces(ws, { limit: 2, cursor: "not-a-cursor" })).rejects.toThrow(/Invalid cursor/);
        expect((await storage.spans.traces(other, { limit: 50 })).traces.map((trace) => trace.trace_id)).toEqual(["d".repeat(32)]);
      });
    });
  });
}

function chat(text: string): PromptTemplate {
  return promptTemplateSchema.parse({ type: "chat", messages: [{ role: "user", content: [{ type: "text", text }] }] });
}

function log(fields: Partial<RequestInsert> & { request_id: string }): RequestInsert {
  const { prompt_id, ...record } = fields;
  return {
    ...logRecordSchema.parse({ status: "SUCCESS", provider: "openai", model: "gpt-4o-mini", ...record }),
    ...(prompt_id === undefined ? {} : { prompt_id }),
  };
}
