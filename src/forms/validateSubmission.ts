/**
 * Server-side check of a task completion against the task's form-js form, mirroring what the
 * form-js viewer checks in the browser, so an API client cannot skip it.
 *
 * Rules (decisions are marked ◆):
 * - ◆ Required means "the instance has a value after completion": the value looked at is the
 *   submitted one if the variable is submitted, otherwise the instance's existing value. So a
 *   client may submit only what changed; submitting `null`/`""`/`[]` for a required field
 *   that had a value clears it and is rejected. Missing = undefined, null, `""`, `[]`, and for
 *   a checkbox `false` (form-js: a required checkbox must be ticked, e.g. a consent).
 * - Types, lengths, ranges, patterns and allowed values are checked for submitted values only
 *   (values the process set earlier are the process's business). An empty value (null/`""`)
 *   of an optional field passes.
 * - textfield/textarea: string; minLength/maxLength count the trimmed text (as form-js);
 *   `pattern` is a JavaScript regex tested unanchored (as form-js: write `^…$` to anchor);
 *   `validationType` email/phone.
 * - number: a number (Integer/Long/Short/Double), or a numeric string with
 *   `serializeToString`; min/max (numbers or FEEL), decimalDigits, increment.
 * - checkbox: boolean. select/radio: one of `values[].value`; checklist/taglist: a list whose
 *   items are all in `values[].value`. ◆ With `valuesKey`/`valuesExpression` (options
 *   computed at run time) only the shape is checked, not the allowed values.
 * - datetime: `date` (default) `YYYY-MM-DD` (a real calendar day), `time` `HH:MM` (seconds and
 *   an offset as form-js writes them allowed), `datetime` ISO 8601 date-time.
 * - group: children's keys are top-level (or under the group's `path` if it has one); a key
 *   `a.b` is the field `b` inside the Json variable `a` (form-js paths).
 * - dynamiclist: `path` holds a list of objects; each item is checked with the children,
 *   whose keys are relative to the item. Problems name the item: `persons[1].dateOfBirth`.
 *   An absent list has no items to check.
 * - `conditional.hide` (FEEL over the instance's variables overlaid with the submission; in a
 *   list item also the item's fields, `this`, `parent` and `_i_`): a hidden field (or every
 *   field in a hidden group/list) is not checked at all, as form-js neither validates nor
 *   submits it. ◆ An expression that fails to evaluate counts as not hidden.
 * - `disabled` fields are not checked (form-js does not submit them); `readonly` fields are
 *   not required (the user cannot fill them) but a submitted value is type-checked.
 * - ◆ Variables that are not form fields are allowed: processes and API clients set other
 *   variables (decisions, flags) on completion.
 * - expression, filepicker and unknown custom keyed components: only `required` is checked.
 * All problems are collected; the error names the first in `details.field` and lists all in
 * `details.problems`.
 */
import { evaluate } from 'feelin';
import { fromFeel } from '../engine/feel.ts';
import { ValidationError } from '../errors.ts';
import { isFeel, labelOf, pathSegments, type FormComponent, type FormSchema } from './formSchema.ts';

export interface FormProblem {
  /** The field's data path: `givenName`, `address.street`, `persons[0].givenName`. */
  field: string;
  label?: string;
  message: string;
}

const MAX_PROBLEMS = 100;

// The email pattern of the WHATWG HTML specification (input type=email).
const EMAIL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
// International number: + or 00, country code, subscriber number; digits only (as form-js expects).
const PHONE = /^(\+|00)[1-9]\d{6,19}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?$/;
const DATETIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?$/;

type Data = Record<string, unknown>;

interface Scope {
  /** Where relative paths resolve (the data root or a list item). */
  base: unknown;
  /** Path from `base` to this scope's fields (a group's `path`). */
  prefix: string[];
  /** Display prefix of a list item (`persons[0].`); the prefix path follows it. */
  display: string;
  /** FEEL context for conditions and FEEL validate properties. */
  feel: Data;
  /** Whether values in this scope were submitted; undefined at top level (decided per variable). */
  submitted?: boolean;
}

function isObject(v: unknown): v is Data {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function getPath(base: unknown, path: string[]): unknown {
  let cur = base;
  for (const seg of path) {
    if (!isObject(cur) || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** FEEL `=expr` (or a bare expression) → value; undefined if it fails. */
function feel(expression: string, context: Data): unknown {
  const expr = expression.startsWith('=') ? expression.slice(1) : expression;
  try {
    return fromFeel(evaluate(expr, context).value);
  } catch {
    return undefined;
  }
}

/** A boolean-or-FEEL flag (`disabled`, `readonly`). */
function flag(v: unknown, context: Data): boolean {
  if (v === true) return true;
  if (isFeel(v)) return feel(v, context) === true;
  return false;
}

function isHidden(c: FormComponent, context: Data): boolean {
  const hide = c.conditional?.hide;
  if (typeof hide !== 'string' || !hide.trim()) return false;
  return feel(hide, context) === true;
}

/** A number-or-FEEL validate property; undefined if absent or not a number. */
function numberProp(v: unknown, context: Data): number | undefined {
  const n = isFeel(v) ? feel(v, context) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function decimals(n: number): number {
  const s = String(n);
  const m = /^-?\d*(?:\.(\d+))?(?:e([+-]\d+))?$/i.exec(s);
  if (!m) return 0;
  return Math.max(0, (m[1]?.length ?? 0) - Number(m[2] ?? 0));
}

function realDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

function isDate(v: string): boolean {
  const m = DATE.exec(v);
  return !!m && realDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

class Checker {
  readonly problems: FormProblem[] = [];
  private more = 0;

  constructor(
    private readonly submitted: Data,
    private readonly data: Data,
  ) {}

  private add(c: FormComponent, field: string, what: string): void {
    if (this.problems.length >= MAX_PROBLEMS) {
      this.more++;
      return;
    }
    const label = labelOf(c);
    this.problems.push({ field, ...(label ? { label } : {}), message: `Field '${field}'${label ? ` (${label})` : ''} ${what}` });
  }

  get omitted(): number {
    return this.more;
  }

  components(list: FormComponent[], scope: Scope): void {
    for (const c of list) this.component(c, scope);
  }

  private component(c: FormComponent, scope: Scope): void {
    if (isHidden(c, scope.feel) || flag(c.disabled, scope.feel)) return;
    if (c.type === 'dynamiclist') return this.list(c, scope);
    if (Array.isArray(c.components)) {
      // group (and any other container): children under the group's path, if it has one.
      const sub = typeof c.path === 'string' && c.path ? pathSegments(c.path) : undefined;
      this.components(c.components, sub ? { ...scope, prefix: [...scope.prefix, ...sub] } : scope);
      return;
    }
    if (typeof c.key !== 'string' || !c.key) return; // text, spacer, button …: no value
    const key = pathSegments(c.key);
    if (!key) return;
    const path = [...scope.prefix, ...key];
    const field = scope.display + path.join('.');
    const value = getPath(scope.base, path);
    const wasSubmitted = scope.submitted ?? Object.prototype.hasOwnProperty.call(this.submitted, path[0]);

    if (c.validate?.required === true && !flag(c.readonly, scope.feel)) {
      if (isEmpty(value) || (c.type === 'checkbox' && value === false)) {
        this.add(c, field, 'is required');
        return;
      }
    }
    if (!wasSubmitted || value === undefined || value === null || value === '') return;
    this.value(c, field, value, scope.feel);
  }

  private list(c: FormComponent, scope: Scope): void {
    const sub = pathSegments(c.path ?? '');
    if (!sub) return;
    const path = [...scope.prefix, ...sub];
    const field = scope.display + path.join('.');
    const items = getPath(scope.base, path);
    const wasSubmitted = scope.submitted ?? Object.prototype.hasOwnProperty.call(this.submitted, path[0]);
    if (items === undefined || items === null) return;
    if (!Array.isArray(items)) {
      if (wasSubmitted) this.add(c, field, 'must be a list of objects');
      return;
    }
    items.forEach((item, i) => {
      if (!isObject(item)) {
        if (wasSubmitted) this.add(c, `${field}[${i}]`, 'must be an object');
        return;
      }
      const feelContext: Data = { ...scope.feel, ...item, this: item, parent: isObject(scope.base) ? scope.base : this.data, _this_: item, _parent_: scope.base, _i_: [i + 1] };
      this.components(c.components ?? [], { base: item, prefix: [], display: `${field}[${i}].`, feel: feelContext, submitted: wasSubmitted });
    });
  }

  /** Type and constraint checks of a submitted, non-empty value. */
  private value(c: FormComponent, field: string, value: unknown, context: Data): void {
    const v = c.validate ?? {};
    switch (c.type) {
      case 'textfield':
      case 'textarea': {
        if (typeof value !== 'string') return this.add(c, field, `must be a text (got ${show(value)})`);
        const len = value.trim().length;
        const minLength = numberProp(v.minLength, context);
        const maxLength = numberProp(v.maxLength, context);
        if (minLength !== undefined && len < minLength) this.add(c, field, `must have at least ${minLength} characters`);
        if (maxLength !== undefined && len > maxLength) this.add(c, field, `must have at most ${maxLength} characters`);
        if (typeof v.pattern === 'string' && v.pattern && !new RegExp(v.pattern).test(value)) this.add(c, field, `must match the pattern ${v.pattern}`);
        if (v.validationType === 'email' && !EMAIL.test(value)) this.add(c, field, 'must be a valid e-mail address');
        if (v.validationType === 'phone' && !PHONE.test(value)) this.add(c, field, 'must be an international phone number (e.g. +4930664040900)');
        return;
      }
      case 'number': {
        let n = value;
        if (c.serializeToString === true && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) n = Number(value);
        if (typeof n !== 'number' || !Number.isFinite(n)) return this.add(c, field, `must be a number (got ${show(value)})`);
        const min = numberProp(v.min, context);
        const max = numberProp(v.max, context);
        if (min !== undefined && n < min) this.add(c, field, `must be at least ${min}`);
        if (max !== undefined && n > max) this.add(c, field, `must be at most ${max}`);
        if (typeof c.decimalDigits === 'number' && c.decimalDigits >= 0 && decimals(n) > c.decimalDigits) {
          this.add(c, field, c.decimalDigits === 0 ? 'must be a whole number' : `must have at most ${c.decimalDigits} decimal digits`);
        }
        const step = typeof c.increment === 'string' ? Number(c.increment) : c.increment;
        if (typeof step === 'number' && Number.isFinite(step) && step > 0) {
          const q = n / step;
          if (Math.abs(q - Math.round(q)) > 1e-9) this.add(c, field, `must be a multiple of ${step}`);
        }
        return;
      }
      case 'checkbox':
        if (typeof value !== 'boolean') this.add(c, field, `must be true or false (got ${show(value)})`);
        return;
      case 'select':
      case 'radio': {
        if (typeof value === 'object') return this.add(c, field, `must be a single value (got ${show(value)})`);
        const allowed = this.allowed(c);
        if (allowed && !allowed.includes(value)) this.add(c, field, `must be one of ${allowed.map((a) => String(a)).join(', ')} (got ${show(value)})`);
        return;
      }
      case 'checklist':
      case 'taglist': {
        if (!Array.isArray(value)) return this.add(c, field, `must be a list (got ${show(value)})`);
        const allowed = this.allowed(c);
        const wrong = value.filter((x) => (allowed ? !allowed.includes(x) : typeof x === 'object' && x !== null));
        if (wrong.length) {
          this.add(c, field, allowed ? `may only contain ${allowed.map((a) => String(a)).join(', ')} (got ${show(wrong[0])})` : `must be a list of values (got ${show(wrong[0])})`);
        }
        return;
      }
      case 'datetime': {
        const subtype = c.subtype ?? 'date';
        if (typeof value !== 'string') return this.add(c, field, `must be a ${subtype} as text (got ${show(value)})`);
        if (subtype === 'date' && !isDate(value)) this.add(c, field, `must be a date (YYYY-MM-DD) (got ${show(value)})`);
        if (subtype === 'time' && !TIME.test(value)) this.add(c, field, `must be a time (HH:MM) (got ${show(value)})`);
        if (subtype === 'datetime') {
          const m = DATETIME.exec(value);
          if (!m || !isDate(m[1]) || Number.isNaN(Date.parse(value))) this.add(c, field, `must be a date and time (ISO 8601, e.g. 2026-03-01T08:00Z) (got ${show(value)})`);
        }
        return;
      }
      default:
        return; // expression, filepicker, custom components: required only
    }
  }

  /** The static allowed values, or undefined when options are dynamic. */
  private allowed(c: FormComponent): unknown[] | undefined {
    if (c.valuesKey || c.valuesExpression || !Array.isArray(c.values)) return undefined;
    return c.values.map((o) => o.value);
  }
}

/**
 * Checks submitted variables (`{ name: { type, value } }`) against a form. `existing` are the
 * instance's current variables (plain values). Throws a ValidationError (400) with
 * `details: { field, problems }` when anything is wrong; returns normally otherwise.
 */
export function validateSubmission(
  schema: FormSchema,
  submitted: Record<string, { type: string; value: unknown }>,
  existing: Record<string, unknown>,
): void {
  const problems = formProblems(schema, submitted, existing);
  if (!problems.length) return;
  const extra = problems.length > 1 ? `${problems.length} form fields are invalid: ` : '';
  const message = extra + problems.map((p) => p.message).join('; ');
  throw new ValidationError(message.length > 2000 ? message.slice(0, 1997) + '...' : message, {
    field: problems[0].field,
    problems: problems.map((p) => ({ field: p.field, ...(p.label ? { label: p.label } : {}), message: p.message })),
  });
}

/** The problems `validateSubmission` would report (empty when the submission is valid). */
export function formProblems(
  schema: FormSchema,
  submitted: Record<string, { type: string; value: unknown }>,
  existing: Record<string, unknown>,
): FormProblem[] {
  // fromEntries/spread define own properties, so even a variable named `__proto__` stays data.
  const plain: Data = Object.fromEntries(Object.entries(submitted).map(([k, v]) => [k, v?.value ?? null]));
  const data: Data = { ...existing, ...plain };
  const checker = new Checker(plain, data);
  checker.components(schema.components, { base: data, prefix: [], display: '', feel: data });
  if (checker.omitted) {
    checker.problems.push({ field: '*', message: `... and ${checker.omitted} more problems` });
  }
  return checker.problems;
}
