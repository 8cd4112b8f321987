import { InvalidTemplateError, TemplateLimitError } from "../../errors/promptline-error.js";
import { BoundedCache } from "../bounded-cache.js";
import { defaultRenderLimits, type RenderLimits } from "../budget.js";
import { isNode, parse, tokenize, type AstNode, type Program } from "./engine.js";
import { collectVariables, type JinjaVariables } from "./variables.js";

export interface CompiledJinja {
  program: Program;
  variables: JinjaVariables;
  /** Nodes a `for` iterates over: an undefined value there iterates as empty (ChainableUndefined). */
  iterables: WeakSet<object>;
  /** How deep the syntax tree nests (checked against `maxNestingDepth` on every use). */
  depth: number;
}

/** The children of a syntax-tree node (nodes, lists of nodes, and the Map of an object literal). */
function forEachChild(node: AstNode, visit: (child: unknown) => void): void {
  for (const key in node) {
    if (key === "type") continue;
    const child = node[key];
    if (Array.isArray(child)) for (const item of child) visit(item);
    else if (child instanceof Map) {
      for (const [mapKey, value] of child) {
        visit(mapKey);
        visit(value);
      }
    } else visit(child);
  }
}

/**
 * The depth of the syntax tree, walked without recursion, so that
 * `{{ not not … 1 }}` or `1|string|string|…` nested thousands deep is
 * measured (and refused) before anything recursive walks it.
 */
function treeDepth(program: Program): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[program, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (!isNode(node)) continue;
    if (depth > deepest) deepest = depth;
    forEachChild(node, (child) => stack.push([child, depth + 1]));
  }
  return deepest;
}

function checkDepth(depth: number, limits: RenderLimits): void {
  if (depth > limits.maxNestingDepth) {
    throw new TemplateLimitError("maxNestingDepth", limits.maxNestingDepth, `the template nests ${depth} deep`);
  }
}

export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

function collectIterables(node: unknown, out: WeakSet<object>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectIterables(item, out);
    return;
  }
  if (!isNode(node)) return;
  if (node.type === "For" && isNode(node.iterable)) {
    out.add(node.iterable.type === "SelectExpression" && isNode(node.iterable.lhs) ? node.iterable.lhs : node.iterable);
  }
  for (const [key, child] of Object.entries(node)) if (key !== "type") collectIterables(child, out);
}

const compiledTexts = new BoundedCache<string, CompiledJinja>(512);

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Parses (once per distinct text) a jinja2 template; a syntax error is an
 * `InvalidTemplateError`, a template nested deeper than `maxNestingDepth` a
 * `TemplateLimitError`.
 */
export function compileJinja(text: string, limits: RenderLimits = defaultRenderLimits): CompiledJinja {
  let compiled = compiledTexts.get(text);
  if (compiled) {
    checkDepth(compiled.depth, limits);
    return compiled;
  }
  let program: Program;
  try {
    // jinja2's defaults: no trim_blocks, no lstrip_blocks (the engine's Template class turns both on).
    program = parse(tokenize(text, {}));
  } catch (error) {
    // The engine's parser recurses per nesting level: brackets nested thousands deep overflow it.
    if (isStackOverflow(error)) {
      throw new TemplateLimitError("maxNestingDepth", limits.maxNestingDepth, "the template nests too deep to parse", { cause: error });
    }
    throw new InvalidTemplateError(`jinja2 syntax error: ${errorMessage(error)}`, { cause: error });
  }
  const depth = treeDepth(program);
  checkDepth(depth, limits);
  const iterables = new WeakSet<object>();
  collectIterables(program, iterables);
  compiled = { program, variables: collectVariables(program), iterables, depth };
  compiledTexts.set(text, compiled);
  return compiled;
}

export function listJinjaVariables(text: string, limits?: RenderLimits): JinjaVariables {
  return compileJinja(text, limits).variables;
}
