/**
 * Run warnings (a parameter dropped or renamed on the way to the provider)
 * are printed once per process per distinct text, as PromptLayer prints its
 * `warning`: visible the first time, not once per call in a hot loop.
 */
export function createWarnOnce(print: (warning: string) => void): (warning: string) => void {
  const seen = new Set<string>();
  return (warning) => {
    if (seen.has(warning)) return;
    // Bounded: a warning that embeds request data must not grow the set forever.
    if (seen.size >= 1000) seen.clear();
    seen.add(warning);
    print(warning);
  };
}

/** The process-wide default: `console.warn`, each distinct warning once. */
export const warnOncePerProcess = createWarnOnce((warning) => console.warn(`[promptline] warning: ${warning}`));
