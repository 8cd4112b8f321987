import type { SessionRepository } from "../storage.js";
import type { RepositoryContext } from "./repository-context.js";

const sessionSecretName = "session-signing";

export function createSessionRepository({ db, timestamp }: RepositoryContext): SessionRepository {
  return {
    async revoke(workspaceId, tokenId, expiresAt) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto("revoked_session")
          .values({ workspace_id: workspaceId, token_id: tokenId, expires_at: expiresAt })
          .onConflict((conflict) => conflict.columns(["workspace_id", "token_id"]).doNothing())
          .execute();
        // Tokens past their expiry are refused anyway: forget them, so the list stays as long as the live sign-outs.
        await trx.deleteFrom("revoked_session").where("workspace_id", "=", workspaceId).where("expires_at", "<", timestamp()).execute();
      });
    },

    async isRevoked(workspaceId, tokenId) {
      const row = await db
        .selectFrom("revoked_session")
        .select("token_id")
        .where("workspace_id", "=", workspaceId)
        .where("token_id", "=", tokenId)
        .executeTakeFirst();
      return row !== undefined;
    },

    async signingSecret(candidate) {
      await db
        .insertInto("server_secret")
        .values({ name: sessionSecretName, value: candidate, created_at: timestamp() })
        .onConflict((conflict) => conflict.column("name").doNothing())
        .execute();
      const row = await db.selectFrom("server_secret").select("value").where("name", "=", sessionSecretName).executeTakeFirstOrThrow();
      return row.value;
    },
  };
}
