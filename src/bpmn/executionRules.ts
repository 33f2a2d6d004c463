import type { ModdleElement } from 'bpmn-moddle';
import { checkExpressions } from './expressionRules.ts';
import { childProp, childrenProp, extensionValues, forEachDescendant, stringProp } from './moddleUtil.ts';
import type { Report, Violation } from './violation.ts';
import { forEachFlowElement } from './walk.ts';

const LISTENER_TYPES = { 'camunda:ExecutionListener': 'Execution listener', 'camunda:TaskListener': 'Task listener' } as const;

/**
 * Everything in one process this engine cannot or will not run, in document order (the process itself first).
 * Conditions and FEEL values are checked in expressionRules.ts.
 */
export function findViolations(process: ModdleElement): Violation[] {
  const violations: Violation[] = [];
  const report = (violation: Violation): void => {
    violations.push(violation);
  };
  checkExtensions(process, process.id ?? '', report);
  forEachFlowElement(process, (element) => {
    const elementId = element.id ?? '';
    if (element.$instanceOf('bpmn:ScriptTask')) {
      report({ rule: 'kim/no-script-task', severity: 'refuse', elementId, message: `Script tasks are not allowed: ${elementId}` });
    }
    checkImplementation(element, elementId, report);
    for (const definition of childrenProp(element, 'eventDefinitions')) {
      checkImplementation(definition, elementId, report);
    }
    checkExtensions(element, elementId, report);
    checkExpressions(element, elementId, report);
  });
  return violations;
}

/** camunda:class / camunda:expression cannot run here; an external task needs a topic. */
function checkImplementation(element: ModdleElement, elementId: string, report: Report): void {
  if (!element.$instanceOf('camunda:ServiceTaskLike')) return;
  const hint = 'use camunda:type="external" with a camunda:topic, or camunda:delegateExpression naming a registered handler';
  if (stringProp(element, 'class') !== undefined) {
    report({ rule: 'kim/implementation', severity: 'refuse', elementId, message: `camunda:class is not allowed (Java classes cannot run on this engine; ${hint}): ${elementId}` });
  } else if (stringProp(element, 'expression') !== undefined) {
    report({ rule: 'kim/implementation', severity: 'refuse', elementId, message: `camunda:expression is not allowed (JUEL cannot run on this engine; ${hint}): ${elementId}` });
  } else if (stringProp(element, 'type') === 'external' && !stringProp(element, 'topic')?.trim()) {
    report({ rule: 'kim/implementation', severity: 'refuse', elementId, message: `External task without camunda:topic: ${elementId}` });
  }
}

/** Listeners of any kind, and scripts anywhere in extension elements (e.g. camunda:inputOutput). */
function checkExtensions(element: ModdleElement, elementId: string, report: Report): void {
  for (const extension of extensionValues(element)) {
    const listenerKind = LISTENER_TYPES[extension.$type as keyof typeof LISTENER_TYPES];
    if (listenerKind) {
      report({ rule: 'kim/no-listener', severity: 'refuse', elementId, message: `${listenerKind}s are not allowed (${listenerReason(extension)}): ${elementId}` });
      continue;
    }
    let hasScript = extension.$instanceOf('camunda:Script');
    forEachDescendant(extension, (descendant) => {
      hasScript ||= descendant.$instanceOf('camunda:Script');
    });
    if (hasScript) {
      report({ rule: 'kim/no-script', severity: 'refuse', elementId, message: `Scripts are not allowed (camunda:script in ${extension.$type}): ${elementId}` });
    }
  }
}

function listenerReason(listener: ModdleElement): string {
  if (childProp(listener, 'script')) return 'camunda:script: no script from a diagram runs on the server';
  if (stringProp(listener, 'class') !== undefined) return 'camunda:class: Java classes cannot run on this engine';
  if (stringProp(listener, 'delegateExpression') !== undefined) return 'camunda:delegateExpression: listener delegates cannot run on this engine';
  if (stringProp(listener, 'expression') !== undefined) return 'camunda:expression: JUEL cannot run on this engine';
  return 'listeners cannot run on this engine';
}
