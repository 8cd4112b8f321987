import type { Kysely, Migration } from "kysely";

/**
 * Split and segmented release labels (decision 0008): a label's routing
 * (`{split, sticky_by, segments}` as JSON text; null for a plain label, whose
 * `prompt_version_id` is all there is), and the routing before and after each
 * move in the label's history, so a rollback can restore a split exactly.
 */
export const labelRoutingMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("release_label").addColumn("routing", "text").execute();
    await db.schema.alterTable("label_history").addColumn("from_routing", "text").execute();
    await db.schema.alterTable("label_history").addColumn("to_routing", "text").execute();
  },
};
