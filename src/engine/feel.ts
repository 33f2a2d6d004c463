/**
 * FEEL evaluation (feelin) for everything a diagram computes: conditions, assignments,
 * timers, collections, mappings. `=expr` and `${expr}` (and `#{expr}`) are FEEL; a string with
 * `${…}` inside other text is a template whose parts are FEEL. Nothing else is evaluated:
 * no JavaScript from a diagram ever runs.
 */
import { evaluate, FeelDate, FeelDateTime, FeelDuration, FeelTime } from 'feelin';

const wholeExpression = /^\s*[$#]\{([\s\S]+)\}\s*$/;
const templatePart = /[$#]\{([^}]+)\}/g;

/** True if the raw attribute value is an expression (as opposed to a literal). */
export function isExpression(raw: unknown): raw is string {
  return typeof raw === 'string' && (raw.trimStart().startsWith('=') || /[$#]\{[^}]+\}/.test(raw));
}

/** Converts feelin's temporal objects to ISO strings, deeply; other values pass through. */
export function fromFeel(value: unknown): unknown {
  if (value instanceof FeelDateTime || value instanceof FeelDate || value instanceof FeelTime || value instanceof FeelDuration) {
    return value.iso;
  }
  if (Array.isArray(value)) return value.map(fromFeel);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromFeel(v);
    return out;
  }
  return value;
}

/** Thrown when an expression fails at run time (the command fails and nothing is committed). */
export class ExpressionError extends Error {}

function evalFeel(expression: string, context: Record<string, unknown>): unknown {
  try {
    return fromFeel(evaluate(expression, context).value);
  } catch (err) {
    throw new ExpressionError(`FEEL expression failed: ${expression}: ${(err as Error).message}`);
  }
}

/**
 * Resolves a raw attribute value against variables. Literals come back unchanged;
 * `=expr` / `${expr}` give the FEEL result; templates give a string.
 */
export function resolve(raw: unknown, context: Record<string, unknown>): unknown {
  if (typeof raw !== 'string') return raw;
  const trimmed = raw.trimStart();
  if (trimmed.startsWith('=')) return evalFeel(trimmed.slice(1), context);
  const whole = wholeExpression.exec(raw);
  if (whole && !whole[1].includes('}')) return evalFeel(whole[1], context);
  if (!templatePart.test(raw)) return raw;
  templatePart.lastIndex = 0;
  return raw.replace(templatePart, (_m, inner: string) => {
    const v = evalFeel(inner, context);
    return v === null || v === undefined ? '' : String(v);
  });
}
