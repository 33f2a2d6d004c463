/**
 * form-js form schemas (the JSON the Camunda Modeler's form editor writes, `*.form`):
 * `{ "type": "default", "id": …, "schemaVersion": …, "components": [ … ] }`.
 *
 * `parseFormSchema` checks the structure the validator relies on (an object with a
 * `components` array, every component an object with a `type`, keyed fields with a key,
 * dynamic lists with a path, well-formed `values` and `validate`, compilable patterns) and
 * throws `FormSchemaError` (400) naming the first thing wrong. Everything else in a schema
 * (layout, labels, appearance, properties) is passed through untouched.
 */
import { ValidationError } from '../errors.ts';

export interface FormOption {
  label?: string;
  value: unknown;
}

export interface FormValidate {
  required?: boolean;
  /** Number or FEEL (`=…`), as in form-js. */
  min?: number | string;
  max?: number | string;
  minLength?: number | string;
  maxLength?: number | string;
  /** A JavaScript regular expression, not anchored (form-js tests `new RegExp(pattern).test(value)`). */
  pattern?: string;
  validationType?: 'email' | 'phone' | 'custom' | string;
  [other: string]: unknown;
}

export interface FormComponent {
  type: string;
  id?: string;
  key?: string;
  /** group (optional) and dynamiclist (required): where the children's values live. */
  path?: string;
  label?: string;
  validate?: FormValidate;
  values?: FormOption[];
  /** Dynamic options (input data / FEEL): the allowed values are not known to the schema. */
  valuesKey?: string;
  valuesExpression?: string;
  /** datetime: `date` (default), `time` or `datetime`. */
  subtype?: string;
  /** number: the value is submitted as a string. */
  serializeToString?: boolean;
  decimalDigits?: number;
  increment?: number | string;
  disabled?: boolean | string;
  readonly?: boolean | string;
  conditional?: { hide?: string };
  components?: FormComponent[];
  [other: string]: unknown;
}

export interface FormSchema {
  type?: string;
  id?: string;
  schemaVersion?: number;
  components: FormComponent[];
  [other: string]: unknown;
}

/** Components whose value is submitted under `key`. */
export const KEYED_TYPES: ReadonlySet<string> = new Set([
  'textfield', 'textarea', 'number', 'checkbox', 'checklist', 'radio', 'select', 'taglist', 'datetime', 'expression', 'filepicker',
]);

/** Components with children. */
export const CONTAINER_TYPES: ReadonlySet<string> = new Set(['group', 'dynamiclist']);

/** Components with static or dynamic options. */
export const OPTION_TYPES: ReadonlySet<string> = new Set(['select', 'radio', 'checklist', 'taglist']);

export const DATETIME_SUBTYPES: ReadonlySet<string> = new Set(['date', 'time', 'datetime']);

const MAX_DEPTH = 16;
const MAX_COMPONENTS = 2000;

/** A form schema that cannot be used (400 at deploy time; the resolver reports it as 409 at run time). */
export class FormSchemaError extends ValidationError {}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `a.b.c` → `['a','b','c']`; undefined if any segment is empty. */
export function pathSegments(path: string): string[] | undefined {
  const parts = path.split('.');
  return parts.every((p) => p.length > 0) ? parts : undefined;
}

/** True for a FEEL expression as form-js writes them (`=…`). */
export function isFeel(v: unknown): v is string {
  return typeof v === 'string' && v.startsWith('=');
}

/**
 * Parses and checks a form schema (JSON text or an already parsed value).
 * `name` is used in messages only.
 */
export function parseFormSchema(input: unknown, name = 'form'): FormSchema {
  let raw = input;
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    try {
      raw = JSON.parse(input.toString());
    } catch {
      throw new FormSchemaError(`Form ${name} is not valid JSON`);
    }
  }
  if (!isObject(raw)) throw new FormSchemaError(`Form ${name} must be a JSON object`);
  if (!Array.isArray(raw.components)) throw new FormSchemaError(`Form ${name} has no 'components' array`);
  const count = { n: 0 };
  checkComponents(raw.components, name, 'components', 0, count);
  return raw as FormSchema;
}

function checkComponents(list: unknown[], name: string, where: string, depth: number, count: { n: number }): void {
  if (depth > MAX_DEPTH) throw new FormSchemaError(`Form ${name}: components are nested too deeply (${where})`);
  list.forEach((c, i) => checkComponent(c, name, `${where}[${i}]`, depth, count));
}

function checkComponent(c: unknown, name: string, where: string, depth: number, count: { n: number }): void {
  if (++count.n > MAX_COMPONENTS) throw new FormSchemaError(`Form ${name} has more than ${MAX_COMPONENTS} components`);
  const fail = (msg: string): never => {
    throw new FormSchemaError(`Form ${name}: ${where}${isObject(c) && typeof c.type === 'string' ? ` (${c.type})` : ''} ${msg}`);
  };
  if (!isObject(c)) return fail('must be an object');
  if (typeof c.type !== 'string' || !c.type) return fail("has no 'type'");
  if (KEYED_TYPES.has(c.type) && (typeof c.key !== 'string' || !pathSegments(c.key))) fail("has no valid 'key'");
  if (c.key !== undefined && (typeof c.key !== 'string' || !pathSegments(c.key))) fail("has an invalid 'key'");
  if (c.type === 'dynamiclist' && (typeof c.path !== 'string' || !pathSegments(c.path))) fail("has no valid 'path'");
  if (c.path !== undefined && c.path !== '' && (typeof c.path !== 'string' || !pathSegments(c.path))) fail("has an invalid 'path'");
  if (c.components !== undefined) {
    if (!Array.isArray(c.components)) fail("has a 'components' that is not an array");
    checkComponents(c.components as unknown[], name, `${where}.components`, depth + 1, count);
  }
  if (c.values !== undefined) {
    if (!Array.isArray(c.values)) fail("has 'values' that is not an array");
    (c.values as unknown[]).forEach((o, i) => {
      if (!isObject(o) || !('value' in o)) fail(`has an option ${i} without 'value'`);
    });
  }
  if (c.subtype !== undefined && c.type === 'datetime' && !DATETIME_SUBTYPES.has(String(c.subtype))) fail(`has an unknown subtype '${String(c.subtype)}'`);
  if (c.conditional !== undefined && !isObject(c.conditional)) fail("has a 'conditional' that is not an object");
  if (c.validate !== undefined) {
    if (!isObject(c.validate)) return fail("has a 'validate' that is not an object");
    const v = c.validate;
    for (const k of ['min', 'max', 'minLength', 'maxLength'] as const) {
      if (v[k] === undefined || v[k] === null || v[k] === '') continue;
      if (!isFeel(v[k]) && (typeof v[k] !== 'number' || !Number.isFinite(v[k]))) fail(`has a non-numeric validate.${k}`);
    }
    if (v.pattern !== undefined && v.pattern !== null && v.pattern !== '') {
      if (typeof v.pattern !== 'string') fail('has a validate.pattern that is not a string');
      try {
        new RegExp(v.pattern as string);
      } catch {
        fail(`has an invalid validate.pattern ${JSON.stringify(v.pattern).slice(0, 80)}`);
      }
    }
  }
}

/** Label for messages: the component's label unless it is an expression or template. */
export function labelOf(c: FormComponent): string | undefined {
  // datetime fields carry `dateLabel`/`timeLabel` instead of `label`.
  for (const l of [c.label, c.dateLabel, c.timeLabel]) {
    if (typeof l === 'string' && l.trim() && !l.startsWith('=') && !l.includes('{{')) return l.trim();
  }
  return undefined;
}
