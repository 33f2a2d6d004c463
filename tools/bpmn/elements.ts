/**
 * Building blocks shared by the diagram descriptions: XML escaping, event definitions and the
 * simple nodes every process uses. A user task's form key depends on the process's own forms, so
 * each description keeps its own `userTask`.
 */
import type { NodeSpec } from './layout.ts';

export const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const xmlAttr = (s: string) => xmlText(s).replace(/"/g, '&quot;');

export const timerDate = (feel: string) =>
  `<bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">${xmlText(feel)}</bpmn:timeDate></bpmn:timerEventDefinition>`;
export const timerDuration = (iso: string) =>
  `<bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${xmlText(iso)}</bpmn:timeDuration></bpmn:timerEventDefinition>`;
export const message = (ref: string) => `<bpmn:messageEventDefinition messageRef="${ref}" />`;
export const terminate = '<bpmn:terminateEventDefinition />';
export const nonInterrupting = { cancelActivity: 'false' };

export const gateway = (id: string, name: string, lane: string, col: number, row?: number): NodeSpec => ({ id, kind: 'exclusiveGateway', name, lane, col, row });
export const parallel = (id: string, name: string, lane: string, col: number, row?: number): NodeSpec => ({ id, kind: 'parallelGateway', name, lane, col, row });
/** A service task run as a job by the handler registered for `topic` (src/kim/). */
export const serviceTask = (id: string, name: string, lane: string, col: number, topic: string, row?: number): NodeSpec =>
  ({ id, kind: 'serviceTask', name, lane, col, row, attrs: { 'camunda:type': 'external', 'camunda:topic': topic } });
