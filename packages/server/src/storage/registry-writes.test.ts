/**
 * The registry cache (cached-registry-reads.ts) is only as fresh as the rule
 * that every write changing a key, prompt, version or label raises the
 * workspace's registry revision in its transaction. This lists every write to
 * those tables in the storage's source; a new one fails here until it is
 * reviewed (does it raise the revision, through `lockPrompt` or itself?) and
 * listed. The behaviour is tested in cached-registry-reads.test.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const storageSource = fileURLToPath(new URL(".", import.meta.url));

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.(test|contract)\.ts$/.test(entry.name) ? [path] : [];
  });
}

describe("writes to the registry's tables", () => {
  it("are only the reviewed ones, each raising the registry revision or needing no raise", () => {
    const writes = sourceFiles(storageSource).flatMap((path) =>
      [...readFileSync(path, "utf8").matchAll(/\.(insertInto|updateTable|deleteFrom)\("(prompt|prompt_version|release_label|api_key|workspace|protected_label)"\)/g)].map(
        (match) => `${relative(storageSource, path)}: ${match[1]} ${match[2]}`,
      ),
    );
    expect(writes.sort()).toEqual(
      [
        // lockPrompt itself (a no-op update that takes the row lock), which raises the revision.
        "repositories/prompt-queries.ts: updateTable prompt",
        // moveLabel: only called after lockPrompt, in publish and label set/move.
        "repositories/prompt-queries.ts: updateTable release_label",
        "repositories/prompt-queries.ts: insertInto release_label",
        // Label deletion: after lockPrompt in the same transaction.
        "repositories/label-repository.ts: deleteFrom release_label",
        // publish: the prompt row (insert-or-nothing), then lockPrompt, then the version and the prompt's head.
        "repositories/prompt-repository.ts: insertInto prompt",
        "repositories/prompt-repository.ts: insertInto prompt_version",
        "repositories/prompt-repository.ts: updateTable prompt",
        // Archiving and unarchiving: after lockPrompt in the same transaction.
        "repositories/prompt-repository.ts: updateTable prompt",
        // A new key: unknown keys are never cached, so nothing to invalidate.
        "repositories/api-key-repository.ts: insertInto api_key",
        // markUsed: last_used_at only, which the cache never serves (the key list reads the table).
        "repositories/api-key-repository.ts: updateTable api_key",
        // Revocation: raises the revision in the same transaction.
        "repositories/api-key-repository.ts: updateTable api_key",
        // A new workspace: nothing cached for it yet (its default protected labels are written in the same transaction).
        "repositories/workspace-repository.ts: insertInto workspace",
        "repositories/protected-label-repository.ts: insertInto protected_label",
        // Protecting and unprotecting a label: raise the revision in the same transaction.
        "repositories/protected-label-repository.ts: insertInto protected_label",
        "repositories/protected-label-repository.ts: deleteFrom protected_label",
        // The raise itself.
        "repositories/registry-revision.ts: updateTable workspace",
        // The workspace's request counter (log ingestion): no registry data changes, nothing cached reads it.
        // (PostgreSQL's one-statement log write, internal/log-write-statement.ts, updates the same counter in SQL.)
        "internal/log-write.ts: updateTable workspace",
        // A workspace's retention (decision 0018): no registry data, nothing cached reads it.
        "repositories/retention-repository.ts: updateTable workspace",
      ].sort(),
    );
  });
});
