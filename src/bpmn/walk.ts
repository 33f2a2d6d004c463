import type { ModdleElement } from 'bpmn-moddle';
import { childrenProp } from './moddleUtil.ts';

export interface FlowElementContext {
  /** The bpmn:Process being walked. */
  process: ModdleElement;
  /** The process or sub-process that directly contains the element. */
  container: ModdleElement;
  /** True when the container is an event sub-process (`triggeredByEvent`). */
  inEventSubProcess: boolean;
}

/**
 * Visits every flow element (flow nodes and sequence flows) of a process, depth-first through
 * sub-processes of every kind (embedded, event, transaction, ad-hoc).
 */
export function forEachFlowElement(
  process: ModdleElement,
  visit: (element: ModdleElement, context: FlowElementContext) => void,
): void {
  const walk = (container: ModdleElement, inEventSubProcess: boolean): void => {
    for (const element of childrenProp(container, 'flowElements')) {
      visit(element, { process, container, inEventSubProcess });
      if (element.$instanceOf('bpmn:SubProcess')) {
        walk(element, element.get('triggeredByEvent') === true);
      }
    }
  };
  walk(process, false);
}
