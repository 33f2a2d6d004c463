import type { Context, Next } from 'koa';
import { ValidationError } from '../errors.ts';

/**
 * Small request validators for the identity and token routes. Every failure is a
 * ValidationError (400) whose message names the offending field.
 */

export type JsonObject = Record<string, unknown>;

export function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Throws ValidationError if any object key anywhere in `value` starts with `$`
 * (operator-injection guard). Iterative, so deeply nested JSON cannot overflow the stack.
 */
export function assertNoDollarKeys(value: unknown, where: string): void {
  const stack: Array<{ v: unknown; path: string }> = [{ v: value, path: where }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (typeof v[i] === 'object' && v[i] !== null) stack.push({ v: v[i], path: `${path}[${i}]` });
    } else if (isPlainObject(v)) {
      for (const [k, child] of Object.entries(v)) {
        if (k.startsWith('$')) throw new ValidationError(`Key '${k}' in ${path} is not allowed ('$'-prefixed keys are rejected)`);
        if (typeof child === 'object' && child !== null) stack.push({ v: child, path: `${path}.${k}` });
      }
    }
  }
}

/** Koa middleware: rejects `$`-prefixed keys in the query string and in the parsed body. */
export async function rejectDollarKeys(ctx: Context, next: Next): Promise<void> {
  for (const k of Object.keys(ctx.query)) {
    if (k.startsWith('$')) throw new ValidationError(`Query parameter '${k}' is not allowed ('$'-prefixed keys are rejected)`);
  }
  assertNoDollarKeys((ctx.request as { body?: unknown }).body, 'body');
  await next();
}

/** The parsed JSON body as an object (an absent body counts as `{}`). */
export function bodyObject(ctx: Context): JsonObject {
  const body = (ctx.request as { body?: unknown }).body;
  if (body === undefined || body === null || body === '') return {};
  if (!isPlainObject(body)) throw new ValidationError('Request body must be a JSON object');
  return body;
}

export function objectField(obj: JsonObject, field: string, path = field): JsonObject {
  const v = obj[field];
  if (!isPlainObject(v)) throw new ValidationError(`${path} must be an object`);
  return v;
}

export function requiredString(obj: JsonObject, field: string, path = field, maxLength = 255): string {
  const v = obj[field];
  if (v === undefined || v === null) throw new ValidationError(`${path} is required`);
  if (typeof v !== 'string') throw new ValidationError(`${path} must be a string`);
  if (v.length > maxLength) throw new ValidationError(`${path} must be at most ${maxLength} characters`);
  return v;
}

/** undefined/null → null; a string up to maxLength; anything else → 400. */
export function optionalString(obj: JsonObject, field: string, path = field, maxLength = 255): string | null {
  const v = obj[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new ValidationError(`${path} must be a string`);
  if (v.length > maxLength) throw new ValidationError(`${path} must be at most ${maxLength} characters`);
  return v;
}

export function validId(id: string, path: string, pattern: RegExp): string {
  if (!pattern.test(id)) throw new ValidationError(`${path} '${id.slice(0, 80)}' is invalid: must match ${pattern.source}`);
  return id;
}

/** A single-valued query parameter (undefined if absent; 400 if given more than once). */
export function queryString(ctx: Context, name: string): string | undefined {
  const v = ctx.query[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) throw new ValidationError(`Query parameter '${name}' must be given at most once`);
  return v;
}

/** A non-negative integer query parameter. */
export function queryInt(ctx: Context, name: string): number | undefined {
  const v = queryString(ctx, name);
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v)) throw new ValidationError(`Query parameter '${name}' must be a non-negative integer`);
  return Number(v);
}

/** A comma-separated list query parameter (Camunda's `idIn=a,b`). */
export function queryList(ctx: Context, name: string): string[] | undefined {
  const v = queryString(ctx, name);
  if (v === undefined) return undefined;
  return v.split(',').filter((s) => s.length > 0);
}
