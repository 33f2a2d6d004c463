import { ParseError } from '../errors.ts';
import { findViolations } from './executionRules.ts';
import { lint } from './lint.ts';
import type { LintFinding, ParsedDiagram, ProcessModel } from './model.ts';
import { processesOf, readProcess } from './readModel.ts';
import { moddleFindings, namespaceFindings, readXml } from './readXml.ts';
import type { Violation } from './violation.ts';
import { DEFAULT_MAX_DIAGRAM_BYTES, guardXml } from './xmlGuard.ts';

export interface ParseOptions {
  /** Upper bound for the upload in bytes; default 5 MiB. */
  maxBytes?: number;
}

/**
 * Turns an uploaded BPMN diagram into what the service stores and runs.
 * Throws PayloadTooLarge over `maxBytes`; ParseError (with `details.elementId` when an element is to blame)
 * for unreadable or unsafe XML and for an executable process this engine will not run (scripts, non-FEEL
 * conditions, Java/JUEL implementations or listeners, FEEL that does not parse).
 * Non-executable processes are kept for viewing: their problems come back as warnings, like lint findings.
 */
export async function parseDiagram(xml: string | Buffer, options: ParseOptions = {}): Promise<ParsedDiagram> {
  const text = guardXml(xml, options.maxBytes ?? DEFAULT_MAX_DIAGRAM_BYTES);
  const moddleContext = await readXml(text);
  const definitions = moddleContext.rootElement;
  const warnings: LintFinding[] = [...moddleFindings(moddleContext.warnings), ...namespaceFindings(definitions)];

  const processes: ProcessModel[] = [];
  for (const process of processesOf(definitions)) {
    if (!process.id) throw new ParseError('A bpmn:process has no id');
    const model = readProcess(process);
    const violations = findViolations(process);
    if (model.isExecutable) {
      const refused = violations.filter((violation) => violation.severity === 'refuse');
      if (refused.length > 0) throw refusal(refused);
      warnings.push(...violations.map(toFinding));
    } else {
      warnings.push(...violations.filter((violation) => violation.severity === 'refuse').map(toFinding));
    }
    processes.push(model);
  }
  if (processes.length === 0) throw new ParseError('The diagram contains no bpmn:process');

  warnings.push(...(await lint(definitions)));
  return { definitionsId: definitions.id ?? '', processes, warnings, moddleContext };
}

/** The first refused violation as the error; all of them in `details.problems` so a modeler can show every one. */
function refusal(refused: Violation[]): ParseError {
  const [first] = refused;
  return new ParseError(first.message, {
    elementId: first.elementId,
    rule: first.rule,
    ...first.details,
    problems: refused.map(({ rule, elementId, message }) => ({ rule, elementId, message })),
  });
}

function toFinding(violation: Violation): LintFinding {
  return { rule: violation.rule, elementId: violation.elementId, message: violation.message, category: 'warn' };
}
