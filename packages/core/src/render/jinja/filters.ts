import { pythonFixed } from "../format-spec.js";
import { enginePrototype, isNode, string, valueClasses, type AstNode, type Environment, type FilterNode, type RuntimeValue } from "./engine.js";
import { runtimeJson, runtimeStr } from "./python-output.js";
import type { SandboxedInterpreter } from "./sandboxed-interpreter.js";
import { countOccurrences, isList, printedSize } from "./sizes.js";

function filterNameOf(filter: FilterNode): string | undefined {
  return filter.type === "Identifier" ? filter.value : filter.callee?.value;
}

function renamed(filter: FilterNode, name: string): FilterNode {
  return filter.type === "Identifier" ? { ...filter, value: name } : { ...filter, callee: { type: "Identifier", value: name } };
}

/** jinja2 filters the engine lacks or gets differently; the rest go to the engine. */
export function applyJinjaFilter(this: SandboxedInterpreter, operand: RuntimeValue, filter: FilterNode, environment: Environment): RuntimeValue {
  const name = filterNameOf(filter);
  const args = () =>
    (filter.args ?? []).filter((arg) => isNode(arg) && arg.type !== "KeywordArgumentExpression").map(
      (arg) => this.evaluate(arg as AstNode, environment),
    );
  const keyword = (key: string): RuntimeValue | undefined => {
    const node = (filter.args ?? []).find(
      (arg) => isNode(arg) && arg.type === "KeywordArgumentExpression" && isNode(arg.key) && arg.key.value === key,
    ) as AstNode | undefined;
    return node ? this.evaluate(node.value as AstNode, environment) : undefined;
  };
  const apply = (value: RuntimeValue, node: FilterNode) => enginePrototype.applyFilter.call(this, value, node, environment);

  const alias = name === "d" ? "default" : name === "count" ? "length" : undefined;
  if (alias) return applyJinjaFilter.call(this, operand, renamed(filter, alias), environment);
  if (operand.type === "UndefinedValue" && name !== "default") {
    // ChainableUndefined: len() is 0, everything else stays undefined and prints "".
    return name === "length" ? new valueClasses.IntegerValue(0) : operand;
  }
  // Filters that can build far more than they are given are sized first.
  switch (name) {
    case "join":
      if (isList(operand)) {
        const items = operand.value as RuntimeValue[];
        const separator = keyword("d")?.value ?? args()[0]?.value;
        const cap = this.budget.limits.maxStringLength;
        let size = typeof separator === "string" ? separator.length * Math.max(0, items.length - 1) : 0;
        for (const item of items) if ((size += printedSize(item, cap)) > cap) break;
        this.budget.string(size, "a string by join");
      }
      break;
    case "indent":
      if (operand.type === "StringValue") {
        const width = keyword("width")?.value ?? args()[0]?.value;
        const text = operand.value as string;
        const cap = this.budget.limits.maxStringLength;
        const perLine = typeof width === "number" ? width : typeof width === "string" ? width.length : 4;
        this.budget.string(text.length + perLine * countOccurrences(text, "\n", cap), "a string by indent");
      }
      break;
    case "string":
      this.checkPrinted(operand);
      break;
    case "tojson": {
      const indent = keyword("indent")?.value ?? args()[0]?.value;
      this.checkPrinted(operand, typeof indent === "number" ? indent : 0);
      break;
    }
  }
  switch (name) {
    // jinja2's own title and capitalize lower-case the rest of each word; the engine's do not.
    case "title":
      if (operand.type !== "StringValue") break;
      return string(
        (operand.value as string)
          .split(/([-\s({[<]+)/)
          .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
          .join(""),
      );
    case "capitalize":
      if (operand.type !== "StringValue") break;
      return string((operand.value as string).charAt(0).toUpperCase() + (operand.value as string).slice(1).toLowerCase());
    case "tojson": {
      const indent = keyword("indent") ?? args()[0];
      return string(runtimeJson(operand, typeof indent?.value === "number" ? indent.value : undefined));
    }
    case "string":
      return string(runtimeStr(operand));
    case "round": {
      if (operand.type !== "IntegerValue" && operand.type !== "FloatValue") break;
      const [precisionArg, methodArg] = args();
      const precision = Number(keyword("precision")?.value ?? precisionArg?.value ?? 0);
      const method = String(keyword("method")?.value ?? methodArg?.value ?? "common");
      const number = operand.value as number;
      const scale = 10 ** precision;
      const rounded =
        method === "ceil"
          ? Math.ceil(number * scale) / scale
          : method === "floor"
            ? Math.floor(number * scale) / scale
            : (number < 0 ? -1 : 1) * Number(pythonFixed(Math.abs(number), Math.max(0, precision)));
      return new valueClasses.FloatValue(rounded);
    }
    case "truncate": {
      if (operand.type !== "StringValue") break;
      const [lengthArg, killwordsArg, endArg, leewayArg] = args();
      const text = operand.value as string;
      const length = Number(keyword("length")?.value ?? lengthArg?.value ?? 255);
      const killwords = Boolean(keyword("killwords")?.value ?? killwordsArg?.value ?? false);
      const end = String(keyword("end")?.value ?? endArg?.value ?? "...");
      const leeway = Number(keyword("leeway")?.value ?? leewayArg?.value ?? 5);
      if (text.length <= length + leeway) return operand;
      const cut = text.slice(0, Math.max(0, length - end.length));
      if (killwords) return string(cut + end);
      const space = cut.lastIndexOf(" ");
      return string((space < 0 ? cut : cut.slice(0, space)) + end);
    }
    case "map": {
      // map('filter_name'): the engine only knows map(attribute=...).
      const [filterArg] = args();
      if (operand.type !== "ArrayValue" || filterArg?.type !== "StringValue") break;
      const inner: FilterNode = { type: "Identifier", value: filterArg.value as string };
      const mapped = (operand.value as RuntimeValue[]).map((item) => applyJinjaFilter.call(this, item, inner, environment));
      return new valueClasses.ArrayValue(mapped);
    }
  }
  return apply(operand, filter);
}
