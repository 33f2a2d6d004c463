/**
 * A tiny, safe text renderer for notification templates. No expressions, no code: a template is
 * a subject line and a body with `{{name}}` placeholders, and a list of the fields it may use.
 *
 * Rendering first builds a view that holds only the declared fields, each read from its declared
 * path in the payload and formatted; placeholders are then filled from that view alone. A payload
 * key that no field declares can therefore never appear in the output, whatever the payload holds.
 *
 * - `{{name}}` is replaced by the field's value, or its fallback (default `–`) when empty.
 * - `{{name?}}` marks an optional line: if the value is empty, the whole line is left out.
 * - Values are single-line text: control characters and line breaks become spaces, and each value
 *   is capped in length, so a value cannot forge lines of the body or a header.
 * - Objects and arrays are never rendered (they count as empty): a field must point at a scalar.
 */

export type FieldFormat =
  /** A string, number or boolean, as text. */
  | 'text'
  /** ISO date (`2026-03-01`) → `01.03.2026`; ISO date-time → `01.03.2026, 09:00 Uhr` (Europe/Berlin). */
  | 'date'
  /** A value mapped through the field's `labels` (unknown values render as text). */
  | 'label'
  /** A task id → the in-app link path `/tasks/{id}` (prefixed with the render option `linkBaseUrl`). */
  | 'taskLink';

export interface FieldSpec {
  /** Dotted path into the payload (`minimalData.name`). */
  path: string;
  format?: FieldFormat;
  /** For `label`: value → German label. */
  labels?: Readonly<Record<string, string>>;
  /** Shown for an empty value in a required placeholder (default `–`). */
  fallback?: string;
}

export interface TextTemplate {
  /** Name used in error messages (`task.assigned`, `escalation.raised/abh`). */
  name: string;
  /** The fields this template may use; nothing else of the payload is read. */
  fields: Readonly<Record<string, FieldSpec>>;
  subject: string;
  body: string;
}

export interface RenderOptions {
  /** Prefix for `taskLink` fields, e.g. `https://kim.herne.de` (default: path only). */
  linkBaseUrl?: string;
}

export interface RenderedText {
  subject: string;
  body: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)(\?)?\s*\}\}/g;
const MAX_VALUE_LENGTH = 300;
const MAX_SUBJECT_LENGTH = 200;
const DEFAULT_FALLBACK = '–';

/** Throws if a placeholder names a field the template does not declare (checked when templates are defined). */
export function checkTemplate(t: TextTemplate): TextTemplate {
  for (const [part, text] of [['subject', t.subject], ['body', t.body]] as const) {
    for (const m of text.matchAll(PLACEHOLDER)) {
      if (!Object.hasOwn(t.fields, m[1]!)) throw new Error(`Template '${t.name}' ${part} uses undeclared field '${m[1]}'`);
      if (part === 'subject' && m[2]) throw new Error(`Template '${t.name}': optional placeholders are for body lines only`);
    }
  }
  if (/[\r\n]/.test(t.subject)) throw new Error(`Template '${t.name}': the subject must be one line`);
  return t;
}

/** Reads a dotted path through plain own properties only (no prototype, no getters on arrays). */
function readPath(payload: unknown, path: string): unknown {
  let cur: unknown = payload;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    if (!Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** One line of text: control characters (line breaks included) become spaces; capped. */
export function singleLine(s: string, max = MAX_VALUE_LENGTH): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'ja' : 'nein';
  return '';
}

const berlinDateTime = new Intl.DateTimeFormat('de-DE', {
  timeZone: 'Europe/Berlin',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** German date text for an ISO date or date-time; anything unparseable is kept as text. */
export function germanDate(text: string): string {
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (dateOnly) return `${dateOnly[3]}.${dateOnly[2]}.${dateOnly[1]}`;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return text;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return text;
  const parts = Object.fromEntries(berlinDateTime.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.day}.${parts.month}.${parts.year}, ${parts.hour}:${parts.minute} Uhr`;
}

function formatField(spec: FieldSpec, raw: unknown, opts: RenderOptions): string {
  const text = scalarText(raw);
  if (text === '') return '';
  switch (spec.format ?? 'text') {
    case 'date':
      return singleLine(germanDate(text));
    case 'label':
      return singleLine(spec.labels && Object.hasOwn(spec.labels, text) ? spec.labels[text]! : text);
    case 'taskLink':
      return `${opts.linkBaseUrl ?? ''}/tasks/${encodeURIComponent(text)}`;
    default:
      return singleLine(text);
  }
}

/** The declared fields of a template, read from the payload and formatted; nothing else. */
export function templateView(t: TextTemplate, payload: unknown, opts: RenderOptions = {}): Record<string, string> {
  const view: Record<string, string> = Object.create(null);
  for (const [name, spec] of Object.entries(t.fields)) view[name] = formatField(spec, readPath(payload, spec.path), opts);
  return view;
}

function fill(t: TextTemplate, view: Record<string, string>, line: string): string {
  return line.replace(PLACEHOLDER, (_m, name: string) => view[name] || (t.fields[name]!.fallback ?? DEFAULT_FALLBACK));
}

/** Renders subject and body from the payload, using only the template's declared fields. */
export function renderTemplate(t: TextTemplate, payload: unknown, opts: RenderOptions = {}): RenderedText {
  const view = templateView(t, payload, opts);
  const lines: string[] = [];
  for (const line of t.body.split('\n')) {
    const optional = [...line.matchAll(PLACEHOLDER)].filter((m) => m[2]);
    if (optional.some((m) => !view[m[1]!])) continue;
    lines.push(fill(t, view, line));
  }
  return {
    subject: singleLine(fill(t, view, t.subject), MAX_SUBJECT_LENGTH),
    body: lines.join('\n').replace(/\n{3,}/g, '\n\n').trim() + '\n',
  };
}
