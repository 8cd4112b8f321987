import { randomBytes } from "node:crypto";
import { InvalidRequestError } from "@promptline/core";
import type { Selectable } from "kysely";
import type { ApiKeyTable } from "../database-schema.js";
import { sha256Hex } from "../internal/json.js";
import type { ApiKeyRecord, ApiKeyRepository, KeyRole, NewApiKeyOptions } from "../storage.js";
import { raiseRegistryRevision } from "./registry-revision.js";
import type { RepositoryContext } from "./repository-context.js";

/** `pl_` and 32 characters of base64url: 192 random bits, PromptLayer's key look. */
export function generateApiKey(): string {
  return `pl_${randomBytes(24).toString("base64url")}`;
}

/** Enough of the key to recognise it, never more than a third of a short one. */
export function displayPrefix(plaintext: string): string {
  return plaintext.slice(0, Math.min(11, Math.floor(plaintext.length / 3)));
}

export const keyRoles: readonly KeyRole[] = ["runner", "editor", "deployer", "admin"];

/** `role` wins; `admin: true` is an alias of `admin`; neither is a `deployer` (a key from before roles). */
export function roleOf(options: NewApiKeyOptions): KeyRole {
  if (options.role !== undefined) {
    if (!keyRoles.includes(options.role)) throw new InvalidRequestError(`Unknown role "${String(options.role)}": use one of ${keyRoles.join(", ")}.`, ["role"]);
    return options.role;
  }
  return options.admin ? "admin" : "deployer";
}

export function createApiKeyRepository({ db, timestamp, generateApiKey: newKey }: RepositoryContext): ApiKeyRepository {
  const insertKey = (workspaceId: number, plaintext: string, options: NewApiKeyOptions) => {
    const role = roleOf(options);
    return db
      .insertInto("api_key")
      .values({
        workspace_id: workspaceId,
        name: options.name ?? null,
        key_hash: sha256Hex(plaintext),
        prefix: displayPrefix(plaintext),
        role,
        is_admin: role === "admin" ? 1 : 0,
        created_at: timestamp(),
      })
      .onConflict((conflict) => conflict.column("key_hash").doNothing())
      .returningAll()
      .executeTakeFirst();
  };

  const findByHash = (hash: string) => db.selectFrom("api_key").selectAll().where("key_hash", "=", hash).executeTakeFirst();

  return {
    async create(workspaceId, options = {}) {
      const plaintext = newKey();
      const row = await insertKey(workspaceId, plaintext, options);
      // A collision of 192 random bits is not going to happen; a broken generator might.
      if (!row) throw new Error("The generated API key exists already: check the key generator.");
      return { key: toApiKeyRecord(row), plaintext };
    },

    async ensure(workspaceId, plaintext, options = {}) {
      if (plaintext.length < 8) throw new InvalidRequestError("An API key needs at least 8 characters.", ["api_key"]);
      const row = (await insertKey(workspaceId, plaintext, options)) ?? (await findByHash(sha256Hex(plaintext)));
      if (!row) throw new Error("The API key could not be stored.");
      return toApiKeyRecord(row);
    },

    async findByPlaintext(plaintext) {
      const row = await findByHash(sha256Hex(plaintext));
      return row && row.revoked_at === null ? toApiKeyRecord(row) : undefined;
    },

    async list(workspaceId) {
      const rows = await db.selectFrom("api_key").selectAll().where("workspace_id", "=", workspaceId).orderBy("id").execute();
      return rows.map(toApiKeyRecord);
    },

    async markUsed(workspaceId, keyId, at = timestamp()) {
      // Not registry content (the cache never serves it): no revision raise. Never moves backwards.
      await db
        .updateTable("api_key")
        .set({ last_used_at: at })
        .where("workspace_id", "=", workspaceId)
        .where("id", "=", keyId)
        .where((where) => where.or([where("last_used_at", "is", null), where("last_used_at", "<", at)]))
        .execute();
    },

    async revoke(workspaceId, keyId) {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable("api_key")
          .set({ revoked_at: timestamp() })
          .where("workspace_id", "=", workspaceId)
          .where("id", "=", keyId)
          .where("revoked_at", "is", null)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) return false;
        // Instances that cached this key see the new revision on its next use and look it up again.
        await raiseRegistryRevision(trx, workspaceId);
        return true;
      });
    },
  };
}

export function toApiKeyRecord(row: Selectable<ApiKeyTable>): ApiKeyRecord {
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    name: row.name,
    prefix: row.prefix,
    role: toRole(row.role),
    admin: toRole(row.role) === "admin",
    created_at: row.created_at,
    revoked_at: row.revoked_at,
    last_used_at: row.last_used_at ?? null,
  };
}

/** A stored role; anything unexpected reads as the least powerful one. */
function toRole(value: string): KeyRole {
  return keyRoles.includes(value as KeyRole) ? (value as KeyRole) : "runner";
}
