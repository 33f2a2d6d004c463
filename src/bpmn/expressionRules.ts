import type { ModdleElement } from 'bpmn-moddle';
import { FEEL_LANGUAGE, feelExpressions, feelSyntaxError, hasMethodCall, isExpression } from './feelCheck.ts';
import { bodyOf, childProp, childrenProp, extensionValues, stringProp } from './moddleUtil.ts';
import type { Report } from './violation.ts';

/** A raw value the engine resolves at run time, and the attribute it came from (for messages). */
interface ExpressionValue {
  attribute: string;
  value: string;
}

const ASSIGNMENT_ATTRIBUTES = ['assignee', 'candidateUsers', 'candidateGroups', 'dueDate', 'followUpDate', 'priority', 'formKey'] as const;
const TIMER_KINDS = ['timeDate', 'timeDuration', 'timeCycle'] as const;

/**
 * Checks the conditions and expression-valued attributes of one flow element:
 * condition languages other than FEEL and FEEL that does not parse are refused;
 * literal conditions and JUEL-style method calls are warned about.
 */
export function checkExpressions(element: ModdleElement, elementId: string, report: Report): void {
  for (const condition of conditionsOf(element)) {
    checkCondition(condition, elementId, report);
  }
  for (const { attribute, value } of expressionValues(element)) {
    checkValue(value, attribute, elementId, feelExpressions(value), report);
  }
}

/**
 * A FormalExpression that decides control flow. With language="feel", the engine evaluates the whole body of a
 * sequence flow condition as FEEL (src/engine/session.ts `getScript`); a completionCondition is always resolved
 * like any other value (`=…`, `${…}` or literal).
 */
interface Condition {
  attribute: string;
  condition: ModdleElement;
  languageApplies: boolean;
}

function conditionsOf(element: ModdleElement): Condition[] {
  const found: Condition[] = [];
  const add = (attribute: string, condition: ModdleElement | undefined, languageApplies: boolean): void => {
    if (condition) found.push({ attribute, condition, languageApplies });
  };
  add('conditionExpression', childProp(element, 'conditionExpression'), true);
  add('completionCondition', childProp(childProp(element, 'loopCharacteristics'), 'completionCondition'), false);
  for (const definition of childrenProp(element, 'eventDefinitions')) {
    if (definition.$instanceOf('bpmn:ConditionalEventDefinition')) add('condition', childProp(definition, 'condition'), true);
  }
  return found;
}

function checkCondition({ attribute, condition, languageApplies }: Condition, elementId: string, report: Report): void {
  const language = stringProp(condition, 'language');
  const body = stringProp(condition, 'body') ?? '';
  if (language !== undefined && !FEEL_LANGUAGE.test(language)) {
    report({
      rule: 'kim/condition-language',
      severity: 'refuse',
      elementId,
      message: `Condition language "${language}" is not allowed, only "feel": ${elementId}`,
      details: { attribute, language },
    });
    return;
  }
  if (language !== undefined && languageApplies) {
    // The whole body is FEEL, a leading `=` is optional.
    const trimmed = body.trim();
    checkValue(body, attribute, elementId, [trimmed.startsWith('=') ? trimmed.slice(1) : trimmed], report);
  } else if (isExpression(body) || body.trim() === '') {
    checkValue(body, attribute, elementId, feelExpressions(body), report);
  } else {
    report({
      rule: 'kim/literal-condition',
      severity: 'warn',
      elementId,
      message: `The ${attribute} of ${elementId} is not an expression (=… or \${…}) and is used as literal text: ${body.trim()}`,
      details: { attribute, expression: body },
    });
  }
}

/** Refuses the value when one of its FEEL expressions does not parse; warns about method calls. */
function checkValue(raw: string, attribute: string, elementId: string, expressions: string[], report: Report): void {
  const invalid = expressions.find((expression) => feelSyntaxError(expression) !== undefined);
  if (invalid !== undefined) {
    const position = feelSyntaxError(invalid);
    report({
      rule: 'kim/feel',
      severity: 'refuse',
      elementId,
      message: `Invalid FEEL expression in ${attribute} of ${elementId}: ${raw.trim()}`,
      details: { attribute, expression: raw, invalidPart: invalid, position },
    });
    return;
  }
  if (expressions.some(hasMethodCall)) {
    report({
      rule: 'kim/feel-method-call',
      severity: 'warn',
      elementId,
      message: `The ${attribute} of ${elementId} calls a method (${raw.trim()}); FEEL has no methods, this is probably JUEL and will fail at run time`,
      details: { attribute, expression: raw },
    });
  }
}

/** Every expression-valued attribute of a flow element, except conditions. */
function expressionValues(element: ModdleElement): ExpressionValue[] {
  const values: ExpressionValue[] = [];
  const add = (attribute: string, value: string | undefined): void => {
    if (value !== undefined) values.push({ attribute, value });
  };
  for (const name of ASSIGNMENT_ATTRIBUTES) add(`camunda:${name}`, stringProp(element, name));

  const loop = childProp(element, 'loopCharacteristics');
  add('camunda:collection', stringProp(loop, 'collection'));
  add('loopCardinality', bodyOf(loop, 'loopCardinality'));

  for (const definition of childrenProp(element, 'eventDefinitions')) {
    if (!definition.$instanceOf('bpmn:TimerEventDefinition')) continue;
    for (const kind of TIMER_KINDS) add(kind, bodyOf(definition, kind));
  }

  add('calledElement', stringProp(element, 'calledElement'));

  for (const extension of extensionValues(element)) {
    if (extension.$instanceOf('camunda:In') || extension.$instanceOf('camunda:Out')) {
      const tag = extension.$instanceOf('camunda:In') ? 'camunda:in' : 'camunda:out';
      add(`${tag} sourceExpression`, stringProp(extension, 'sourceExpression'));
      add(`${tag} businessKey`, stringProp(extension, 'businessKey'));
    } else if (extension.$instanceOf('camunda:InputOutput')) {
      for (const parameter of childrenProp(extension, 'inputParameters')) {
        addParameter(`camunda:inputParameter ${stringProp(parameter, 'name') ?? ''}`.trim(), parameter, add);
      }
      for (const parameter of childrenProp(extension, 'outputParameters')) {
        addParameter(`camunda:outputParameter ${stringProp(parameter, 'name') ?? ''}`.trim(), parameter, add);
      }
    }
  }
  return values;
}

/**
 * Text values of an input/output parameter, including those nested in camunda:list / camunda:map.
 * camunda:script bodies are not FEEL; scripts are refused by executionRules.ts.
 */
function addParameter(attribute: string, node: ModdleElement, add: (attribute: string, value: string | undefined) => void): void {
  if (node.$instanceOf('camunda:Script')) return;
  add(attribute, stringProp(node, 'value'));
  const definition = childProp(node, 'definition');
  if (definition) addParameter(attribute, definition, add);
  for (const item of childrenProp(node, 'items')) addParameter(attribute, item, add);
  for (const entry of childrenProp(node, 'entries')) addParameter(`${attribute} ${stringProp(entry, 'key') ?? ''}`.trim(), entry, add);
}
