import type { ModdleElement } from 'bpmn-moddle';
import type { ElementInfo, IoParameter, VariableMapping } from './model.ts';
import type { FlowElementContext } from './walk.ts';
import { bodyOf, booleanProp, childProp, childrenProp, extensionValues, stringProp } from './moddleUtil.ts';

const USER_TASK_ATTRIBUTES = ['assignee', 'candidateUsers', 'candidateGroups', 'dueDate', 'followUpDate', 'priority', 'formKey'] as const;
const TIMER_KINDS = ['timeDate', 'timeDuration', 'timeCycle'] as const;

/** Reads what the service needs about one flow node (attribute values stay raw). */
export function readElement(node: ModdleElement, context: FlowElementContext): ElementInfo {
  const info: ElementInfo = { id: node.id ?? '', type: node.$type };
  if (node.name !== undefined) info.name = node.name;
  if (context.container !== context.process && context.container.id) info.parentId = context.container.id;

  for (const attribute of USER_TASK_ATTRIBUTES) {
    const value = stringProp(node, attribute);
    if (value !== undefined) info[attribute] = value;
  }

  const loop = childProp(node, 'loopCharacteristics');
  if (loop?.$instanceOf('bpmn:MultiInstanceLoopCharacteristics')) {
    info.multiInstance = readMultiInstance(loop);
  }

  const calledElement = stringProp(node, 'calledElement');
  if (calledElement !== undefined) info.calledElement = calledElement;
  const inMappings = readMappings(node, 'camunda:In');
  if (inMappings.length > 0) info.inMappings = inMappings;
  const outMappings = readMappings(node, 'camunda:Out');
  if (outMappings.length > 0) info.outMappings = outMappings;

  for (const io of extensionValues(node).filter((e) => e.$instanceOf('camunda:InputOutput'))) {
    const inputs = childrenProp(io, 'inputParameters').map(readParameter);
    const outputs = childrenProp(io, 'outputParameters').map(readParameter);
    if (inputs.length > 0) info.inputParameters = [...(info.inputParameters ?? []), ...inputs];
    if (outputs.length > 0) info.outputParameters = [...(info.outputParameters ?? []), ...outputs];
  }

  const definitions = childrenProp(node, 'eventDefinitions');
  const message = namedRef(childProp(node, 'messageRef'))
    ?? firstOf(definitions, 'bpmn:MessageEventDefinition', (d) => namedRef(childProp(d, 'messageRef')));
  if (message) info.message = message;
  const signal = firstOf(definitions, 'bpmn:SignalEventDefinition', (d) => namedRef(childProp(d, 'signalRef')));
  if (signal) info.signal = signal;
  const timer = firstOf(definitions, 'bpmn:TimerEventDefinition', readTimer);
  if (timer) info.timer = timer;

  const implementation = readImplementation(node)
    ?? firstOf(definitions, 'bpmn:MessageEventDefinition', readImplementation);
  if (implementation) info.implementation = implementation;
  const retryCycle = extensionValues(node).find((value) => value.$instanceOf('camunda:FailedJobRetryTimeCycle'));
  const cycle = retryCycle ? stringProp(retryCycle, 'body')?.trim() : undefined;
  if (cycle) info.retryCycle = cycle;

  if (node.$instanceOf('bpmn:BoundaryEvent')) {
    const attachedTo = childProp(node, 'attachedToRef');
    if (attachedTo?.id) info.attachedToRef = attachedTo.id;
    info.cancelActivity = booleanProp(node, 'cancelActivity') ?? true;
  }

  if (node.$instanceOf('bpmn:EventBasedGateway')) {
    // From the container's sequence flows: <bpmn:outgoing> references are optional in the XML.
    info.targets = childrenProp(context.container, 'flowElements')
      .filter((f) => f.$instanceOf('bpmn:SequenceFlow') && childProp(f, 'sourceRef')?.id === node.id)
      .map((f) => childProp(f, 'targetRef')?.id)
      .filter((id): id is string => !!id);
  }

  if (node.$instanceOf('bpmn:StartEvent')) {
    info.isProcessStart = context.container === context.process;
    info.inEventSubProcess = context.inEventSubProcess;
    if (context.inEventSubProcess && (context.container as { $parent?: unknown }).$parent === context.process) info.startsProcessEventSubProcess = true;
    if (context.inEventSubProcess) info.interrupting = booleanProp(node, 'isInterrupting') ?? true;
  }
  return info;
}

function readParameter(parameter: ModdleElement): IoParameter {
  const result: IoParameter = { name: stringProp(parameter, 'name') ?? '' };
  const definition = childProp(parameter, 'definition');
  if (definition?.$instanceOf('camunda:List')) {
    result.list = childrenProp(definition, 'items').map((item) => stringProp(item, 'value') ?? '');
  } else if (definition?.$instanceOf('camunda:Map')) {
    result.map = Object.fromEntries(childrenProp(definition, 'entries').map((entry) => [stringProp(entry, 'key') ?? '', stringProp(entry, 'value') ?? '']));
  } else {
    const value = stringProp(parameter, 'value');
    if (value !== undefined) result.value = value;
  }
  return result;
}

function readMultiInstance(loop: ModdleElement): NonNullable<ElementInfo['multiInstance']> {
  const multiInstance: NonNullable<ElementInfo['multiInstance']> = {
    sequential: booleanProp(loop, 'isSequential') ?? false,
    elementVariable: stringProp(loop, 'elementVariable') || 'item',
  };
  const collection = stringProp(loop, 'collection');
  if (collection !== undefined) multiInstance.collection = collection;
  const loopCardinality = bodyOf(loop, 'loopCardinality');
  if (loopCardinality !== undefined) multiInstance.loopCardinality = loopCardinality;
  const completionCondition = bodyOf(loop, 'completionCondition');
  if (completionCondition !== undefined) multiInstance.completionCondition = completionCondition;
  return multiInstance;
}

function readMappings(node: ModdleElement, type: 'camunda:In' | 'camunda:Out'): VariableMapping[] {
  return extensionValues(node)
    .filter((value) => value.$instanceOf(type))
    .map((binding) => {
      const mapping: VariableMapping = {};
      const source = stringProp(binding, 'source');
      if (source !== undefined) mapping.source = source;
      const sourceExpression = stringProp(binding, 'sourceExpression');
      if (sourceExpression !== undefined) mapping.sourceExpression = sourceExpression;
      const target = stringProp(binding, 'target');
      if (target !== undefined) mapping.target = target;
      if (stringProp(binding, 'variables') === 'all') mapping.all = true;
      const businessKey = stringProp(binding, 'businessKey');
      if (businessKey !== undefined) mapping.businessKey = businessKey;
      if (binding.get('local') === true) mapping.local = true;
      return mapping;
    });
}

/** `{ id, name }` of a bpmn:Message / bpmn:Signal; a missing name falls back to the id. */
function namedRef(ref: ModdleElement | undefined): { id: string; name: string } | undefined {
  if (!ref?.id) return undefined;
  return { id: ref.id, name: ref.name || ref.id };
}

function readTimer(definition: ModdleElement): ElementInfo['timer'] {
  for (const kind of TIMER_KINDS) {
    const value = bodyOf(definition, kind);
    if (value !== undefined) return { kind, value };
  }
  return undefined;
}

/** Camunda implementation attributes of a service/send/business-rule task or a message event definition. */
function readImplementation(element: ModdleElement): ElementInfo['implementation'] {
  if (!element.$instanceOf('camunda:ServiceTaskLike')) return undefined;
  if (stringProp(element, 'type') === 'external') {
    return { kind: 'external', topic: stringProp(element, 'topic') ?? '' };
  }
  const delegateExpression = stringProp(element, 'delegateExpression');
  if (delegateExpression !== undefined) return { kind: 'delegateExpression', expression: delegateExpression };
  const className = stringProp(element, 'class');
  if (className !== undefined) return { kind: 'class', value: className };
  const expression = stringProp(element, 'expression');
  if (expression !== undefined) return { kind: 'expression', value: expression };
  return undefined;
}

function firstOf<T>(definitions: ModdleElement[], type: string, read: (definition: ModdleElement) => T | undefined): T | undefined {
  for (const definition of definitions) {
    if (!definition.$instanceOf(type)) continue;
    const value = read(definition);
    if (value !== undefined) return value;
  }
  return undefined;
}
