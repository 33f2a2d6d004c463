/**
 * A task's form with form-js (loaded on demand). Validation messages in German; the server's
 * problems (`details.problems` of a 400) are shown at the fields they name.
 */
import { Form } from '@bpmn-io/form-js';
import { formJsMessage, formJsUiText, pathText, serverProblemText } from './messages.ts';
import type { Problem } from './api.ts';

export interface TaskForm {
  /** What the form submits (visible, enabled fields), without client-side checks blocking it. */
  data(): Record<string, unknown>;
  /** Shows the problems at their fields; returns those no field of the form shows. */
  showProblems(problems: Problem[]): Problem[];
  destroy(): void;
}

interface FieldInstance {
  id: string;
  valuePath: Array<string | number>;
  indexes?: Record<string, number>;
}

/** form-js module: its validator's messages in German. */
class GermanValidation {
  static $inject = ['validator'];
  constructor(validator: any) {
    for (const name of ['validateField', 'validateFieldInstance'] as const) {
      const original = validator[name]?.bind(validator);
      if (original) validator[name] = (...args: unknown[]) => (original(...args) as string[]).map(formJsMessage);
    }
  }
}
const germanValidation = { __init__: ['germanValidation'], germanValidation: ['type', GermanValidation] };

const UI_ATTRIBUTES = ['aria-label', 'title', 'placeholder'];

/** Keeps form-js's interface texts German while it renders (it knows only English ones). */
function germanize(root: HTMLElement): MutationObserver {
  const text = (node: Text) => {
    const t = node.data.trim();
    const de = t && formJsUiText(t);
    if (de && de !== t) node.data = node.data.replace(t, de);
  };
  const element = (el: Element) => {
    for (const a of UI_ATTRIBUTES) {
      const v = el.getAttribute(a);
      const de = v && formJsUiText(v);
      if (de && de !== v) el.setAttribute(a, de);
    }
  };
  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) return text(node as Text);
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    element(node as Element);
    const it = document.createTreeWalker(node, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = it.nextNode(); n; n = it.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) text(n as Text);
      else element(n as Element);
    }
  };
  walk(root);
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'characterData') text(r.target as Text);
      else if (r.type === 'attributes') element(r.target as Element);
      else r.addedNodes.forEach(walk);
    }
  });
  observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: UI_ATTRIBUTES });
  return observer;
}

function setIn(target: Record<string, any>, path: Array<string | number>, value: unknown): void {
  let cur: any = target;
  path.forEach((seg, i) => {
    if (i === path.length - 1) cur[seg] = value;
    else cur = cur[seg] ??= typeof path[i + 1] === 'number' ? [] : {};
  });
}

export async function showForm(host: HTMLElement, schema: Record<string, unknown>, data: Record<string, unknown>, opts: { readOnly: boolean }): Promise<TaskForm> {
  host.replaceChildren();
  const form = new Form({ container: host, additionalModules: [germanValidation], properties: { readOnly: opts.readOnly } } as any);
  const observer = germanize(host);
  await form.importSchema(schema as any, data);
  const f = form as any;
  return {
    data() {
      // submit() validates too and shows form-js's messages; the server's answer replaces them.
      const result = f.submit() as { data: Record<string, unknown> };
      f._setState({ errors: {} });
      return result.data;
    },
    showProblems(problems) {
      const instances = (f.get('formFieldInstanceRegistry').getAllKeyed() as FieldInstance[]).map((i) => ({ ...i, path: pathText(i.valuePath) }));
      const errors: Record<string, any> = {};
      const unplaced: Problem[] = [];
      for (const p of problems) {
        const field = instances.find((i) => i.path === p.field);
        if (!field) {
          unplaced.push(p);
          continue;
        }
        const at = [field.id, ...Object.values(field.indexes ?? {})];
        setIn(errors, at, [serverProblemText(p)]);
      }
      f._setState({ errors });
      // The first field with a problem comes into view.
      requestAnimationFrame(() => {
        const first = host.querySelector('.fjs-has-errors');
        first?.scrollIntoView({ block: 'center', behavior: 'smooth' });
        (first?.querySelector('input, select, textarea') as HTMLElement | null)?.focus({ preventScroll: true });
      });
      return unplaced;
    },
    destroy() {
      observer.disconnect();
      form.destroy();
    },
  };
}
