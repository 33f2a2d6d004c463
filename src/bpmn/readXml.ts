import { BpmnModdle, type FromXmlError, type FromXmlResult, type ModdleElement, type ModdleWarning } from 'bpmn-moddle';
import camundaSchema from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { ParseError } from '../errors.ts';
import type { LintFinding } from './model.ts';
import { owningProcess, ownerId } from './moddleUtil.ts';

/** A moddle instance that knows BPMN and the camunda extension (the engine reads diagrams with the same setup). */
export function createModdle(): BpmnModdle {
  return new BpmnModdle({ camunda: camundaSchema });
}

/**
 * Parses guarded XML text. Malformed XML and a root other than bpmn:definitions are a ParseError
 * with the parser's message and 1-based line/column in `details` when known.
 */
export async function readXml(text: string): Promise<FromXmlResult> {
  let result: FromXmlResult;
  try {
    result = await createModdle().fromXML(text);
  } catch (err) {
    throw toParseError(err as FromXmlError);
  }
  if (!result.rootElement?.$instanceOf('bpmn:Definitions')) {
    throw new ParseError(`The root element must be bpmn:definitions, found ${result.rootElement?.$type ?? 'nothing'}`);
  }
  return result;
}

function toParseError(err: FromXmlError): ParseError {
  const cause = err.warnings?.[0];
  if (/failed to parse document as/.test(err.message)) {
    const found = cause ? describe(cause.message) : undefined;
    const where = found ? `: ${found.text}` : '';
    return new ParseError(`The root element must be bpmn:definitions${where}`, found?.position);
  }
  const { text, position } = describe(err.message);
  return new ParseError(`Malformed XML: ${text}`, position);
}

/** References whose loss breaks the flow graph of any process: always a ParseError. */
const GRAPH_REFERENCES = new Set(['bpmn:sourceRef', 'bpmn:targetRef', 'bpmn:attachedToRef']);
/** References an executable process cannot run without: a ParseError there, a warning elsewhere. */
const EXECUTION_REFERENCES = new Set(['bpmn:default', 'bpmn:messageRef', 'bpmn:signalRef', 'bpmn:errorRef', 'bpmn:escalationRef']);

/**
 * Turns moddle's warnings into findings (rule `moddle`, category `warn`). Throws a ParseError naming the
 * element for a duplicate id (moddle drops the second element) and for unresolved references that break execution.
 */
export function moddleFindings(warnings: ModdleWarning[]): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const warning of warnings) {
    const { text, position } = describe(warning.message);
    const duplicate = /duplicate ID <([^>]*)>/.exec(text);
    if (duplicate) {
      throw new ParseError(`Duplicate element id: ${duplicate[1]}`, { elementId: duplicate[1], ...position });
    }
    const elementId = ownerId(warning.element);
    if (isFatalReference(warning)) {
      throw new ParseError(`${elementId ?? 'An element'} refers to an unknown element in ${warning.property}: ${String(warning.value)}`, {
        elementId,
        property: warning.property,
        reference: warning.value,
      });
    }
    const finding: LintFinding = { rule: 'moddle', message: text, category: 'warn' };
    if (elementId !== undefined) finding.elementId = elementId;
    findings.push(finding);
  }
  return findings;
}

function isFatalReference(warning: ModdleWarning): boolean {
  if (!warning.message.startsWith('unresolved reference') || !warning.property) return false;
  if (GRAPH_REFERENCES.has(warning.property)) {
    return warning.property === 'bpmn:attachedToRef' || warning.element?.$instanceOf('bpmn:SequenceFlow') === true;
  }
  return EXECUTION_REFERENCES.has(warning.property) && owningProcess(warning.element)?.get('isExecutable') === true;
}

/** Camunda 7 also reads its extension attributes in the old Activiti namespace; moddle here does not. */
const ACTIVITI_NAMESPACE = 'http://activiti.org/bpmn';

/**
 * Namespace declarations on the root that lose information: attributes in the Activiti namespace are kept
 * as unknown attributes only (no assignee, formKey, implementation … is read from them).
 */
export function namespaceFindings(definitions: ModdleElement): LintFinding[] {
  return Object.entries(definitions.$attrs ?? {})
    .filter(([name, uri]) => name.startsWith('xmlns:') && uri === ACTIVITI_NAMESPACE)
    .map(([name]) => ({
      rule: 'kim/activiti-namespace',
      message: `Prefix ${name.slice('xmlns:'.length)} is bound to ${ACTIVITI_NAMESPACE}: its attributes and elements are ignored; use http://camunda.org/schema/1.0/bpmn`,
      category: 'warn' as const,
    }));
}

/**
 * moddle/saxen messages look like `unparsable content <x> detected\n\tline: 0\n\tcolumn: 12\n\tnested error: why`
 * with 0-based positions; this makes one line of them and 1-based positions.
 */
function describe(message: string): { text: string; position?: { line: number; column: number } } {
  const match = /^([\s\S]*?)\n\tline: (\d+)\n\tcolumn: (\d+)(?:\n\tnested error: ([\s\S]*))?$/.exec(message);
  if (!match) return { text: message };
  const position = { line: Number(match[2]) + 1, column: Number(match[3]) + 1 };
  const text = `${match[1]} (line ${position.line}, column ${position.column})${match[4] ? `: ${match[4]}` : ''}`;
  return { text, position };
}
