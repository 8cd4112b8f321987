import type { RenderBudget } from "../budget.js";

/**
 * The budget of the render in progress. Rendering is synchronous, so one slot
 * is enough; `range()` and the guarded string methods read it. Outside a
 * render it is undefined and they behave as the engine's.
 */
let active: RenderBudget | undefined;

/** The budget of the render in progress, if any. */
export function activeBudget(): RenderBudget | undefined {
  return active;
}

/** Runs `render` with `budget` active, restoring the enclosing render's budget after it. */
export function withActiveBudget<T>(budget: RenderBudget, render: () => T): T {
  const enclosing = active;
  active = budget;
  try {
    return render();
  } finally {
    active = enclosing;
  }
}
