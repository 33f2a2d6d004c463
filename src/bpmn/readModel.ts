import type { ModdleElement } from 'bpmn-moddle';
import type { ElementInfo, ProcessModel } from './model.ts';
import { childrenProp, stringProp } from './moddleUtil.ts';
import { readElement } from './readElement.ts';
import { forEachFlowElement } from './walk.ts';

/**
 * Every bpmn:Process among the definitions' root elements, in document order.
 * Participants of a collaboration reference these same root-level processes.
 */
export function processesOf(definitions: ModdleElement): ModdleElement[] {
  return childrenProp(definitions, 'rootElements').filter((element) => element.$instanceOf('bpmn:Process'));
}

/** One ProcessModel per process: flow nodes (not sequence flows) of all nesting levels, by id. */
export function readProcess(process: ModdleElement): ProcessModel {
  const elements: Record<string, ElementInfo> = {};
  forEachFlowElement(process, (element, context) => {
    if (element.id && element.$instanceOf('bpmn:FlowNode')) {
      elements[element.id] = readElement(element, context);
    }
  });
  const model: ProcessModel = {
    id: process.id ?? '',
    isExecutable: process.get('isExecutable') === true,
    elements,
  };
  if (process.name !== undefined) model.name = process.name;
  const versionTag = stringProp(process, 'versionTag');
  if (versionTag !== undefined) model.versionTag = versionTag;
  const historyTimeToLive = stringProp(process, 'historyTimeToLive');
  if (historyTimeToLive !== undefined) model.historyTimeToLive = historyTimeToLive;
  return model;
}
