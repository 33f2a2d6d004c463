/**
 * Builds @bpmn-io/form-js schemas (the JSON Camunda Modeler writes as `.form` files) from a compact field list.
 */

export type Field =
  | { key: string; label: string; type: 'text' | 'textarea' | 'number' | 'checkbox' | 'date'; required?: boolean; readonly?: boolean }
  | { key: string; label: string; type: 'select'; values: Array<[value: string, label: string]>; required?: boolean; readonly?: boolean }
  | { key: string; label: string; type: 'list'; fields: Field[] };

let counter = 0;
const nextId = (prefix: string) => `${prefix}_${(++counter).toString(36)}`;

function component(f: Field): Record<string, unknown> {
  const validate = {
    ...('required' in f && f.required ? { validate: { required: true } } : {}),
    ...('readonly' in f && f.readonly ? { readonly: true } : {}),
  };
  switch (f.type) {
    case 'text':
      return { type: 'textfield', key: f.key, label: f.label, id: nextId('Field'), ...validate };
    case 'textarea':
      return { type: 'textarea', key: f.key, label: f.label, id: nextId('Field'), ...validate };
    case 'number':
      return { type: 'number', key: f.key, label: f.label, id: nextId('Field'), ...validate };
    case 'checkbox':
      return { type: 'checkbox', key: f.key, label: f.label, id: nextId('Field'), ...validate };
    case 'date':
      return { type: 'datetime', subtype: 'date', key: f.key, dateLabel: f.label, id: nextId('Field'), ...validate };
    case 'select':
      return { type: 'select', key: f.key, label: f.label, id: nextId('Field'), values: f.values.map(([value, label]) => ({ label, value })), ...validate };
    case 'list':
      return {
        type: 'dynamiclist', path: f.key, label: f.label, id: nextId('List'), isRepeating: true, allowAddRemove: true,
        defaultRepetitions: 1, components: f.fields.map(component),
      };
  }
}

/** The form-js schema for one user task's form (`<taskId>.form`). */
export function formSchema(id: string, fields: Field[]): Record<string, unknown> {
  counter = 0;
  return {
    $schema: 'https://unpkg.com/@bpmn-io/form-json-schema/resources/schema.json',
    schemaVersion: 16,
    exporter: { name: 'kim-engine tools/bpmn', version: '1.0' },
    type: 'default',
    id,
    components: fields.map(component),
  };
}
