/** Camunda typed variables ↔ the plain data form-js works with. Pure. */

export interface TypedValue {
  type: string;
  value: unknown;
  valueInfo?: Record<string, unknown>;
}
export type TypedVariables = Record<string, TypedValue>;

/** Plain values from `GET /task/{id}/form-variables` (Json given as text is parsed). */
export function toPlain(vars: TypedVariables): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(vars)) {
    let value = v?.value ?? null;
    if ((v?.type === 'Json' || v?.type === 'Object') && typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch {
        // keep the text
      }
    }
    out[name] = value;
  }
  return out;
}

const NUMBER_TYPES = new Set(['Integer', 'Long', 'Short', 'Double']);

/** One plain value as a Camunda typed value; a number keeps the variable's earlier numeric type when it fits. */
export function typed(value: unknown, before?: TypedValue): TypedValue {
  if (value === undefined || value === null) return { type: 'Null', value: null };
  if (typeof value === 'string') return { type: 'String', value };
  if (typeof value === 'boolean') return { type: 'Boolean', value };
  if (typeof value === 'number') {
    const integer = Number.isInteger(value);
    if (before && NUMBER_TYPES.has(before.type) && (before.type === 'Double' || integer)) {
      if (before.type !== 'Integer' || Math.abs(value) <= 2147483647) return { type: before.type, value };
    }
    if (!integer) return { type: 'Double', value };
    return { type: Math.abs(value) > 2147483647 ? 'Long' : 'Integer', value };
  }
  return { type: 'Json', value: JSON.stringify(value) };
}

/** The form's submit data as the `variables` of `POST /task/{id}/submit-form`. */
export function toTyped(data: Record<string, unknown>, before: TypedVariables = {}): TypedVariables {
  const out: TypedVariables = {};
  for (const [name, value] of Object.entries(data)) out[name] = typed(value, before[name]);
  return out;
}
