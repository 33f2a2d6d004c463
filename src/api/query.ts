/**
 * Reading query strings and JSON bodies into typed filters, with one rule everywhere:
 * a `$`-prefixed key or value never reaches the store (400), and a bad value is a 400 naming it.
 */
import { ValidationError } from '../errors.ts';

type Raw = Record<string, unknown>;

/** Rejects `$`-prefixed keys at any depth of a body or query. */
export function rejectOperators(input: unknown, path = ''): void {
  if (Array.isArray(input)) input.forEach((v, i) => rejectOperators(v, `${path}[${i}]`));
  else if (input && typeof input === 'object') {
    for (const [k, v] of Object.entries(input as Raw)) {
      if (k.startsWith('$')) throw new ValidationError(`Parameter '${path}${k}' is not allowed: keys may not start with '$'`);
      rejectOperators(v, `${path}${k}.`);
    }
  }
}

export class QueryReader {
  constructor(private readonly raw: Raw) {
    rejectOperators(raw);
  }

  private one(name: string): string | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined;
    if (typeof v === 'object') throw new ValidationError(`Parameter '${name}' must be a single value`);
    return String(v);
  }

  string(name: string): string | undefined {
    const v = this.one(name);
    if (v !== undefined && v.startsWith('$')) throw new ValidationError(`Parameter '${name}' may not start with '$'`);
    return v;
  }

  bool(name: string): boolean | undefined {
    const v = this.one(name);
    if (v === undefined || v === '') return undefined;
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw new ValidationError(`Parameter '${name}' must be true or false`);
  }

  int(name: string, min = 0): number | undefined {
    const v = this.one(name);
    if (v === undefined || v === '') return undefined;
    if (!/^-?\d+$/.test(v) || Number(v) < min) throw new ValidationError(`Parameter '${name}' must be an integer >= ${min}`);
    return Number(v);
  }

  /** ISO 8601 date-time (Camunda's `yyyy-MM-dd'T'HH:mm:ss.SSSZ` included), normalised to UTC ISO. */
  date(name: string): string | undefined {
    const v = this.one(name);
    if (v === undefined || v === '') return undefined;
    const normalized = v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
    const ms = Date.parse(normalized);
    if (Number.isNaN(ms)) throw new ValidationError(`Parameter '${name}' must be an ISO 8601 date`);
    return new Date(ms).toISOString();
  }

  /** Comma-separated list. */
  list(name: string): string[] | undefined {
    const v = this.string(name);
    if (v === undefined || v === '') return undefined;
    return v.split(',').map((s) => s.trim()).filter(Boolean);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const v = this.one(name);
    if (v === undefined || v === '') return undefined;
    if (!(allowed as readonly string[]).includes(v)) throw new ValidationError(`Parameter '${name}' must be one of ${allowed.join(', ')}`);
    return v as T;
  }

  page(): { firstResult?: number; maxResults?: number } {
    return { firstResult: this.int('firstResult'), maxResults: this.int('maxResults') };
  }
}

/** The JSON body as an object (400 otherwise), checked for `$` keys. */
export function bodyObject(body: unknown): Raw {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('Request body must be a JSON object');
  rejectOperators(body);
  return body as Raw;
}
