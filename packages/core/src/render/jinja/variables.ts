import { isNode, type AstNode, type Program } from "./engine.js";

// The free variables of a template: what a caller must (or may) provide.

/** Names jinja2 (or the engine) provides itself; never input variables. */
const engineGlobals = new Set([
  "true",
  "false",
  "none",
  "True",
  "False",
  "None",
  "range",
  "namespace",
  "dict",
  "lipsum",
  "cycler",
  "joiner",
]);

export interface JinjaVariables {
  /** Every free variable, in order of first appearance. */
  all: string[];
  /** Free variables never guarded by a `default` filter or an `is defined`/`is undefined` test. */
  required: string[];
}

/** Walks the AST with jinja2's scoping: loop variables, `set` names and macro arguments are bound, not free. */
export function collectVariables(program: Program): JinjaVariables {
  const seen = new Map<string, { guarded: boolean }>();
  const scopes: Set<string>[] = [new Set()];
  const isBound = (name: string) => scopes.some((scope) => scope.has(name));
  const use = (name: string, guarded: boolean) => {
    if (isBound(name) || engineGlobals.has(name)) return;
    const entry = seen.get(name) ?? { guarded: false };
    if (guarded) entry.guarded = true;
    seen.set(name, entry);
  };
  const bind = (target: unknown) => {
    if (!isNode(target)) return;
    if (target.type === "Identifier") scopes[scopes.length - 1]?.add(target.value as string);
    else if (target.type === "TupleLiteral") for (const item of target.value as unknown[]) bind(item);
    else if (target.type === "MemberExpression") expression(target.object, false);
  };
  const withScope = (names: string[], body: () => void) => {
    scopes.push(new Set(names));
    body();
    scopes.pop();
  };
  const parameterNames = (parameters: unknown): string[] =>
    Array.isArray(parameters)
      ? parameters.flatMap((parameter: AstNode) =>
          parameter.type === "Identifier"
            ? [parameter.value as string]
            : isNode(parameter.key)
              ? [parameter.key.value as string]
              : [],
        )
      : [];
  const parameterDefaults = (parameters: unknown) => {
    if (!Array.isArray(parameters)) return;
    for (const parameter of parameters as AstNode[]) {
      if (parameter.type === "KeywordArgumentExpression") expression(parameter.value, false);
    }
  };
  const filterArguments = (filter: unknown) => {
    if (isNode(filter) && filter.type === "CallExpression") for (const arg of filter.args as unknown[]) expression(arg, false);
  };
  const filterName = (filter: unknown): string | undefined => {
    if (!isNode(filter)) return undefined;
    if (filter.type === "Identifier") return filter.value as string;
    return isNode(filter.callee) ? (filter.callee.value as string) : undefined;
  };

  function expression(node: unknown, guarded: boolean): void {
    if (Array.isArray(node)) {
      for (const item of node) expression(item, guarded);
      return;
    }
    if (node instanceof Map) {
      for (const [key, value] of node) {
        expression(key, false);
        expression(value, false);
      }
      return;
    }
    if (!isNode(node)) return;
    switch (node.type) {
      case "Identifier":
        use(node.value as string, guarded);
        return;
      case "MemberExpression":
        expression(node.object, guarded);
        if (node.computed) expression(node.property, false);
        return;
      case "FilterExpression": {
        const name = filterName(node.filter);
        expression(node.operand, guarded || name === "default" || name === "d");
        filterArguments(node.filter);
        return;
      }
      case "TestExpression": {
        const test = isNode(node.test) ? node.test.value : undefined;
        expression(node.operand, guarded || test === "defined" || test === "undefined");
        return;
      }
      case "CallExpression":
        expression(node.callee, false);
        expression(node.args, false);
        return;
      case "KeywordArgumentExpression":
        expression(node.value, false);
        return;
      case "StringLiteral":
      case "IntegerLiteral":
      case "FloatLiteral":
        return;
      default:
        for (const [key, child] of Object.entries(node)) if (key !== "type") expression(child, false);
    }
  }

  function statements(list: unknown): void {
    if (!Array.isArray(list)) return;
    for (const node of list) statement(node);
  }

  function statement(node: unknown): void {
    if (!isNode(node)) return;
    switch (node.type) {
      case "Program":
        statements(node.body);
        return;
      case "If":
        expression(node.test, false);
        statements(node.body);
        statements(node.alternate);
        return;
      case "For": {
        const iterable = node.iterable as AstNode;
        const select = iterable.type === "SelectExpression";
        expression(select ? iterable.lhs : iterable, false);
        withScope(["loop"], () => {
          bind(node.loopvar);
          if (select) expression(iterable.test, false);
          statements(node.body);
        });
        statements(node.defaultBlock);
        return;
      }
      case "Set":
        if (node.value) expression(node.value, false);
        else withScope([], () => statements(node.body));
        bind(node.assignee);
        return;
      case "Macro":
        bind(node.name);
        parameterDefaults(node.args);
        withScope([...parameterNames(node.args), "caller", "varargs", "kwargs"], () => statements(node.body));
        return;
      case "CallStatement":
        expression(node.call, false);
        parameterDefaults(node.callerArgs);
        withScope(parameterNames(node.callerArgs), () => statements(node.body));
        return;
      case "FilterStatement":
        statements(node.body);
        filterArguments(node.filter);
        return;
      case "Break":
      case "Continue":
      case "Comment":
        return;
      default:
        expression(node, false);
    }
  }

  statement(program);
  const all = [...seen.keys()];
  // The author who guards a variable anywhere expects it may be absent.
  return { all, required: all.filter((name) => !seen.get(name)?.guarded) };
}
