/**
 * The render budget: one set of limits shared by every renderer (jinja2,
 * f-string, snippets, placeholders) for one render, so the SDK is protected
 * like the server. Going over any of them is a `TemplateLimitError` naming the
 * limit and its value — never an out-of-memory crash or a stalled event loop.
 *
 * Limits are checked *before* an operation builds a big value wherever the
 * size can be known in advance (`split`, `replace`, `join`, `indent`, printing
 * a list, a format width), and after it otherwise (every result is bounded by
 * a small multiple of values that were already checked).
 */
import { TemplateLimitError } from "../errors/promptline-error.js";

export interface RenderLimits {
  /** Characters of one rendered template (all its texts together). */
  maxOutputLength: number;
  /**
   * Longest string one operation may build (`~`, `+`, a filter, a method call,
   * a format spec). Input variables are not built: a longer one can still be
   * printed, up to `maxOutputLength`.
   */
  maxStringLength: number;
  /** Longest list one operation may build. */
  maxListLength: number;
  /**
   * Characters and list items built by all operations of one render together,
   * including text produced by nested blocks (bounds growth in loops, e.g.
   * `.upper()` of a big string 10,000 times).
   */
  maxBuiltLength: number;
  /** jinja2 evaluation steps (expressions and statements) of one render; a `replace()` counts a step per replacement. */
  maxSteps: number;
  /** Wall time of one render in milliseconds, checked inside the interpreter. */
  maxTimeMs: number;
  /** Largest `range()` a template may build. */
  maxRangeLength: number;
  /** Deepest nesting of jinja2 expressions and statements (`not not …`, `x|f|f|…`, brackets). */
  maxNestingDepth: number;
  /** Largest width or precision in an f-string format spec (`{x:>N}`, `{x:.Nf}`). */
  maxFormatWidth: number;
  /** Characters of one text after its snippets (`@@@name@@@`) are expanded, and of all texts together. */
  maxSnippetExpansionLength: number;
  /** How deep snippets may nest inside snippets. */
  maxSnippetDepth: number;
}

/** The defaults: far above any real prompt, far below what hurts a process. Documented in docs/reliability.md. */
export const defaultRenderLimits: Readonly<RenderLimits> = Object.freeze({
  maxOutputLength: 20_000_000,
  maxStringLength: 5_000_000,
  maxListLength: 100_000,
  maxBuiltLength: 50_000_000,
  maxSteps: 250_000,
  maxTimeMs: 1_000,
  maxRangeLength: 10_000,
  maxNestingDepth: 200,
  maxFormatWidth: 1_000_000,
  maxSnippetExpansionLength: 20_000_000,
  maxSnippetDepth: 5,
});

/** The defaults with some limits replaced; unknown keys and values that are not positive numbers are refused. */
export function resolveRenderLimits(overrides: Partial<RenderLimits> | undefined): RenderLimits {
  if (!overrides) return defaultRenderLimits;
  const limits: RenderLimits = { ...defaultRenderLimits };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!Object.prototype.hasOwnProperty.call(defaultRenderLimits, key)) {
      throw new TypeError(`unknown render limit "${key}": use one of ${Object.keys(defaultRenderLimits).join(", ")}`);
    }
    if (typeof value !== "number" || !(value > 0)) {
      throw new TypeError(`render limit ${key} must be a positive number, got ${String(value)}`);
    }
    limits[key as keyof RenderLimits] = value;
  }
  return limits;
}

/** How often (in steps) the wall clock is read: a clock read per step would show in profiles. */
const clockEvery = 1024;
/** …and after how many characters or items built: one big operation costs as much as many steps. */
const clockEveryBuilt = 1_000_000;

/** The state of one render against its limits. Cheap to make: one per render. */
export class RenderBudget {
  readonly limits: RenderLimits;
  private steps = 0;
  private built = 0;
  private output = 0;
  private snippetText = 0;
  private builtSinceClock = 0;
  /** Set by the first step (an f-string render never reads the clock: it has no steps and is linear in its output). */
  private deadline = 0;

  constructor(
    limits: Partial<RenderLimits> | RenderLimits = defaultRenderLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.limits = limits === defaultRenderLimits ? defaultRenderLimits : resolveRenderLimits(limits);
  }

  exceeded(limit: keyof RenderLimits, detail: string): TemplateLimitError {
    return new TemplateLimitError(limit, this.limits[limit], detail);
  }

  /** One evaluation step; reads the clock every `clockEvery` steps. */
  step(): void {
    const steps = ++this.steps;
    if (steps > this.limits.maxSteps) throw this.exceeded("maxSteps", `the template took more than ${this.limits.maxSteps} evaluation steps`);
    if (steps % clockEvery === 0 || this.deadline === 0) this.checkTime();
  }

  /** Work of `count` steps done by one operation (e.g. the replacements of a `replace()`). */
  work(count: number): void {
    this.steps += count;
    if (this.steps > this.limits.maxSteps) throw this.exceeded("maxSteps", `the template took more than ${this.limits.maxSteps} evaluation steps`);
    this.checkTime();
  }

  checkTime(): void {
    const now = this.now();
    if (this.deadline === 0) this.deadline = now + this.limits.maxTimeMs;
    else if (now > this.deadline) throw this.exceeded("maxTimeMs", `the render took more than ${this.limits.maxTimeMs} ms`);
  }

  /** A string about to be built (or just built) of `length` characters. */
  string(length: number, what = "a string"): void {
    if (length > this.limits.maxStringLength) {
      throw this.exceeded("maxStringLength", `the template built ${what} of ${length} characters`);
    }
  }

  /** A list about to be built (or just built) of `length` items. */
  list(length: number, what = "a list"): void {
    if (length > this.limits.maxListLength) throw this.exceeded("maxListLength", `the template built ${what} of ${length} items`);
  }

  /** Characters or items built by one operation, counted against the growth of the whole render. */
  build(size: number): void {
    this.built += size;
    if (this.built > this.limits.maxBuiltLength) {
      throw this.exceeded("maxBuiltLength", `the template built more than ${this.limits.maxBuiltLength} characters and items in all`);
    }
    this.builtSinceClock += size;
    if (this.builtSinceClock > clockEveryBuilt) {
      this.builtSinceClock = 0;
      this.checkTime();
    }
  }

  /** Characters of rendered output (a finished text). */
  addOutput(length: number): void {
    this.output += length;
    if (this.output > this.limits.maxOutputLength) {
      throw this.exceeded("maxOutputLength", `the rendered template is longer than ${this.limits.maxOutputLength} characters`);
    }
  }

  /** Checks the length of output still being built (a block's text so far, an f-string's next field). */
  checkOutput(pending: number): void {
    if (this.output + pending > this.limits.maxOutputLength) {
      throw this.exceeded("maxOutputLength", `the rendered template is longer than ${this.limits.maxOutputLength} characters`);
    }
  }

  /** Characters of text after snippet expansion, over the whole template. */
  addSnippetText(length: number): void {
    this.snippetText += length;
    if (this.snippetText > this.limits.maxSnippetExpansionLength) {
      throw this.exceeded(
        "maxSnippetExpansionLength",
        `the template's text with its snippets expanded is longer than ${this.limits.maxSnippetExpansionLength} characters`,
      );
    }
  }

  /** A width or precision of a format spec. */
  formatWidth(value: number, what: "width" | "precision"): void {
    if (value > this.limits.maxFormatWidth) {
      throw this.exceeded("maxFormatWidth", `a format spec asks for a ${what} of ${value}`);
    }
  }
}
