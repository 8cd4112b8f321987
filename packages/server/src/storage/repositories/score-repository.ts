import { InvalidRequestError } from "@promptline/core";
import type { ScoreRepository } from "../storage.js";
import { findRequest } from "./request-queries.js";
import type { RepositoryContext } from "./repository-context.js";

export const defaultScoreName = "default";

export function createScoreRepository({ db, timestamp }: RepositoryContext): ScoreRepository {
  return {
    async add(workspaceId, input) {
      const { score } = input;
      if (typeof score !== "number" || !Number.isFinite(score) || score < 0 || score > 100) {
        throw new InvalidRequestError("A score is a number from 0 to 100.", ["score"]);
      }
      const name = input.name ?? defaultScoreName;
      if (name.trim() === "") throw new InvalidRequestError("A score name must not be empty.", ["name"]);
      const request = await findRequest(db, workspaceId, input.request);
      if (request === undefined) return undefined;
      const now = timestamp();
      const row = await db
        .insertInto("request_score")
        .values({ request_log_id: request.id, workspace_id: workspaceId, name, score, created_at: now, updated_at: now })
        .onConflict((conflict) =>
          conflict.columns(["request_log_id", "name"]).doUpdateSet((eb) => ({ score: eb.ref("excluded.score"), updated_at: eb.ref("excluded.updated_at") })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      // The request as clients know it (its number in the workspace), not the internal id.
      return { ...row, request_log_id: request.number };
    },

    async list(workspaceId, request) {
      const found = await findRequest(db, workspaceId, request);
      if (found === undefined) return [];
      const rows = await db.selectFrom("request_score").selectAll().where("workspace_id", "=", workspaceId).where("request_log_id", "=", found.id).orderBy("name").execute();
      return rows.map((row) => ({ ...row, request_log_id: found.number }));
    },
  };
}
