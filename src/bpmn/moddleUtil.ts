import type { ModdleElement } from 'bpmn-moddle';

/** Small typed accessors for moddle elements, whose properties are untyped at this level. */

export function isModdleElement(value: unknown): value is ModdleElement {
  return typeof value === 'object' && value !== null && typeof (value as { $type?: unknown }).$type === 'string';
}

/** A string property, or undefined when absent or not a string. */
export function stringProp(element: ModdleElement | undefined, property: string): string | undefined {
  const value = element?.[property];
  return typeof value === 'string' ? value : undefined;
}

/** A boolean property including schema defaults (moddle's `get`). */
export function booleanProp(element: ModdleElement, property: string): boolean | undefined {
  const value = element.get(property);
  return typeof value === 'boolean' ? value : undefined;
}

export function childProp(element: ModdleElement | undefined, property: string): ModdleElement | undefined {
  const value = element?.[property];
  return isModdleElement(value) ? value : undefined;
}

export function childrenProp(element: ModdleElement | undefined, property: string): ModdleElement[] {
  const value = element?.[property];
  return Array.isArray(value) ? value.filter(isModdleElement) : [];
}

/** The body text of a child expression such as `conditionExpression` or `timeDuration`. */
export function bodyOf(element: ModdleElement | undefined, property: string): string | undefined {
  return stringProp(childProp(element, property), 'body');
}

/** The children of `<bpmn:extensionElements>` (camunda:in, camunda:inputOutput, listeners …). */
export function extensionValues(element: ModdleElement): ModdleElement[] {
  return childrenProp(childProp(element, 'extensionElements'), 'values');
}

/** The bpmn:Process an element belongs to, if any. */
export function owningProcess(element: ModdleElement | undefined): ModdleElement | undefined {
  for (let current = element; current; current = current.$parent) {
    if (current.$instanceOf('bpmn:Process')) return current;
  }
  return undefined;
}

/**
 * The id to name in a message about an element: the nearest flow element or process
 * (event definitions and expressions usually have no id of their own), else the nearest id.
 */
export function ownerId(element: ModdleElement | undefined): string | undefined {
  let fallback: string | undefined;
  for (let current = element; current; current = current.$parent) {
    if (current.id && (current.$instanceOf('bpmn:FlowElement') || current.$instanceOf('bpmn:Process'))) return current.id;
    fallback ??= current.id;
  }
  return fallback;
}

/**
 * Visits every moddle element below `root` that is a contained child (not a reference),
 * e.g. everything inside an `extensionElements`.
 */
export function forEachDescendant(root: ModdleElement, visit: (element: ModdleElement) => void): void {
  const seen = new Set<ModdleElement>();
  const walk = (element: ModdleElement): void => {
    for (const [key, value] of Object.entries(element)) {
      if (key.startsWith('$')) continue;
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) {
        if (!isModdleElement(item) || seen.has(item) || item.$parent !== element) continue;
        seen.add(item);
        visit(item);
        walk(item);
      }
    }
  };
  walk(root);
}
