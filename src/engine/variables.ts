/**
 * Camunda 7 typed variables: `{ "value": …, "type": "String|Boolean|Integer|Long|Double|Date|Json|Null|Object" }`.
 * Stored typed; handed to FEEL and the engine as plain values.
 */
import { ValidationError } from '../errors.ts';
import type { TypedValue } from '../store/store.ts';

export type PlainVariables = Record<string, unknown>;
export type TypedVariables = Record<string, TypedValue>;

const NAME = /^[A-Za-z_][A-Za-z0-9_\-.]{0,127}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Rejects `$`-prefixed or otherwise odd names anywhere a name reaches the store. */
export function checkName(name: string, what = 'variable'): void {
  if (!NAME.test(name)) throw new ValidationError(`Invalid ${what} name: ${JSON.stringify(name).slice(0, 80)}`);
}

function normalizeType(type: unknown): string {
  if (type === undefined || type === null) return '';
  if (typeof type !== 'string') throw new ValidationError('Variable type must be a string');
  const lower = type.toLowerCase();
  const known: Record<string, string> = {
    string: 'String', boolean: 'Boolean', integer: 'Integer', long: 'Long', short: 'Short', double: 'Double',
    date: 'Date', json: 'Json', null: 'Null', object: 'Object',
  };
  const t = known[lower];
  if (!t) throw new ValidationError(`Unsupported value type '${type}'`);
  return t;
}

function inferType(value: unknown): string {
  if (value === null || value === undefined) return 'Null';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? (Math.abs(value) > 2147483647 ? 'Long' : 'Integer') : 'Double';
  return 'Json';
}

/** Converts one request value (`{value,type,valueInfo}`) to a stored typed value; 400 on a mismatch. */
export function toTyped(name: string, input: unknown): TypedValue {
  checkName(name);
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new ValidationError(`Variable '${name}' must be an object with 'value' and 'type'`);
  const { value, type, valueInfo } = input as { value?: unknown; type?: unknown; valueInfo?: unknown };
  let t = normalizeType(type);
  if (!t) t = inferType(value);
  const fail = (): never => {
    throw new ValidationError(`Cannot convert value ${JSON.stringify(value)?.slice(0, 60)} of variable '${name}' to type ${t}`);
  };
  let v: unknown = value ?? null;
  switch (t) {
    case 'Null':
      v = null;
      break;
    case 'String':
      if (v !== null && typeof v !== 'string') fail();
      break;
    case 'Boolean':
      if (v === 'true' || v === 'false') v = v === 'true';
      if (v !== null && typeof v !== 'boolean') fail();
      break;
    case 'Integer':
    case 'Long':
    case 'Short':
      if (typeof v === 'string' && /^-?\d+$/.test(v)) v = Number(v);
      if (v !== null && (typeof v !== 'number' || !Number.isInteger(v))) fail();
      if (t === 'Integer' && typeof v === 'number' && Math.abs(v) > 2147483647) fail();
      break;
    case 'Double':
      if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) v = Number(v);
      if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) fail();
      break;
    case 'Date':
      if (v !== null && (typeof v !== 'string' || !ISO_DATE.test(v) || Number.isNaN(Date.parse(v)))) fail();
      break;
    case 'Json':
    case 'Object':
      if (typeof v === 'string') {
        try {
          v = JSON.parse(v);
        } catch {
          fail();
        }
      }
      checkKeys(v, name);
      t = 'Json';
      break;
  }
  const out: TypedValue = { type: t, value: v };
  if (valueInfo && typeof valueInfo === 'object') out.valueInfo = valueInfo as Record<string, unknown>;
  return out;
}

/** Json values may not carry `$`-prefixed keys (they would reach a document store as operators). */
function checkKeys(v: unknown, name: string, depth = 0): void {
  if (depth > 32) throw new ValidationError(`Variable '${name}' is nested too deeply`);
  if (Array.isArray(v)) v.forEach((x) => checkKeys(x, name, depth + 1));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k.startsWith('$')) throw new ValidationError(`Variable '${name}' contains a '$'-prefixed key`);
      checkKeys(x, name, depth + 1);
    }
  }
}

/** Converts a request's `variables` map; 400 for anything that is not a map of typed values. */
export function parseVariables(input: unknown): TypedVariables {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new ValidationError("'variables' must be an object");
  const out: TypedVariables = {};
  for (const [name, value] of Object.entries(input)) out[name] = toTyped(name, value);
  return out;
}

/** Stores a value the engine produced (FEEL result, call output) with its inferred type. */
export function fromPlain(value: unknown): TypedValue {
  return { type: inferType(value), value: value === undefined ? null : value };
}

export function toPlain(vars: TypedVariables): PlainVariables {
  const out: PlainVariables = {};
  for (const [k, v] of Object.entries(vars)) out[k] = v.value;
  return out;
}

/** The Camunda response shape of a variable map. */
export function toResponse(vars: TypedVariables): Record<string, { type: string; value: unknown; valueInfo: Record<string, unknown> }> {
  const out: Record<string, { type: string; value: unknown; valueInfo: Record<string, unknown> }> = {};
  for (const [k, v] of Object.entries(vars)) out[k] = { type: v.type, value: v.value, valueInfo: v.valueInfo ?? {} };
  return out;
}
