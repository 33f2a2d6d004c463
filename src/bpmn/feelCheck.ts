import { parseExpression } from 'feelin';

/**
 * FEEL syntax checks at deploy time. Which parts of a raw attribute value are FEEL follows the
 * run-time rules in src/engine/feel.ts exactly: `=rest` is FEEL; a value that is one `${…}` / `#{…}`
 * (without `}` inside) is FEEL; otherwise each `${…}` part of a template is FEEL; anything else is a literal.
 */

/** feelin dialect used for checking; the run time evaluates with feelin's default dialect too. */
export const FEEL_DIALECT: string | undefined = undefined;

/**
 * The only condition `language` the engine runs (src/engine/session.ts `getScript`, compared case-insensitively);
 * such a condition body is FEEL as a whole, with or without a leading `=`.
 */
export const FEEL_LANGUAGE = /^feel$/i;

const WHOLE_EXPRESSION = /^\s*[$#]\{([\s\S]+)\}\s*$/;
const TEMPLATE_PART = /[$#]\{([^}]+)\}/g;

/** The FEEL expressions inside a raw value, or an empty list when the value is a literal. */
export function feelExpressions(raw: string): string[] {
  const trimmed = raw.trimStart();
  if (trimmed.startsWith('=')) return [trimmed.slice(1)];
  const whole = WHOLE_EXPRESSION.exec(raw);
  if (whole && !whole[1].includes('}')) return [whole[1]];
  return [...raw.matchAll(TEMPLATE_PART)].map((match) => match[1]);
}

/** True when the raw value contains FEEL (as opposed to being a literal). */
export function isExpression(raw: string): boolean {
  return feelExpressions(raw).length > 0;
}

/** The first syntax error of a FEEL expression as [from, to] within it, or undefined when it parses. */
export function feelSyntaxError(expression: string): { from: number; to: number } | undefined {
  if (expression.trim() === '') {
    return { from: 0, to: expression.length };
  }
  let error: { from: number; to: number } | undefined;
  parseExpression(expression, {}, FEEL_DIALECT).iterate({
    enter(node) {
      if (error) return false;
      if (node.type.isError) {
        error = { from: node.from, to: node.to };
        return false;
      }
      return undefined;
    },
  });
  return error;
}

/**
 * True when a FEEL expression calls a function reached through a path (`execution.getVariable("x")`):
 * valid FEEL syntax, but almost always a JUEL method call that fails at run time.
 */
export function hasMethodCall(expression: string): boolean {
  let found = false;
  parseExpression(expression, {}, FEEL_DIALECT).iterate({
    enter(node) {
      if (found) return false;
      if (node.name === 'FunctionInvocation' && node.node.firstChild?.name === 'PathExpression') {
        found = true;
        return false;
      }
      return undefined;
    },
  });
  return found;
}
