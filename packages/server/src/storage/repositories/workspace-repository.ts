import { InvalidRequestError, PromptlineError } from "@promptline/core";
import type { WorkspaceRecord, WorkspaceRepository } from "../storage.js";
import { protectDefaultLabels } from "./protected-label-repository.js";
import { registryRevisionReader } from "./registry-revision.js";
import type { RepositoryContext } from "./repository-context.js";

export const defaultWorkspaceSlug = "default";

/** A workspace's public columns (not its registry revision, which is the cache's business). */
const workspaceColumns = ["id", "slug", "name", "created_at"] as const;

export function createWorkspaceRepository({ db, timestamp }: RepositoryContext): WorkspaceRepository {
  const getBySlug = (slug: string): Promise<WorkspaceRecord | undefined> =>
    db.selectFrom("workspace").select(workspaceColumns).where("slug", "=", slug).executeTakeFirst();

  /** The new workspace, with its default labels protected in the same transaction; undefined when the slug is taken. */
  const insertIfAbsent = (slug: string, name: string) =>
    db.transaction().execute(async (trx) => {
      const now = timestamp();
      const created = await trx
        .insertInto("workspace")
        .values({ slug, name, created_at: now })
        .onConflict((conflict) => conflict.column("slug").doNothing())
        .returning(workspaceColumns)
        .executeTakeFirst();
      if (created) await protectDefaultLabels(trx, created.id, now);
      return created;
    });

  const registryRevision = registryRevisionReader(db);

  return {
    registryRevision,

    async create({ slug, name }) {
      if (slug.trim() === "") throw new InvalidRequestError("A workspace needs a non-empty slug.", ["slug"]);
      const created = await insertIfAbsent(slug, name ?? slug);
      if (!created) throw new PromptlineError("conflict", `A workspace with slug "${slug}" exists already: pick another slug.`);
      return created;
    },

    get: (workspaceId) => db.selectFrom("workspace").select(workspaceColumns).where("id", "=", workspaceId).executeTakeFirst(),

    getDefault: () => getBySlug(defaultWorkspaceSlug),

    async ensureDefault() {
      // Insert-or-nothing then read: two servers starting at once both end up with the same row.
      await insertIfAbsent(defaultWorkspaceSlug, "Default workspace");
      const workspace = await getBySlug(defaultWorkspaceSlug);
      if (!workspace) throw new PromptlineError("internal_error", "The default workspace could not be created.");
      return workspace;
    },
  };
}
