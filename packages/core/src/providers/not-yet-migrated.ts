/**
 * TEMPORARY (decision 0014): the three providers issue 18 added, gathered
 * here until each moves into its own folder in a commit of its own — the
 * proof that a provider is one folder plus one line in `provider-list.ts`.
 */
export const notYetMigrated = [] as const;
