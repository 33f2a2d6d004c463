import type { LintConfig } from 'bpmnlint';

/**
 * The bpmnlint configuration used on deploy, shared with the browser modeler.
 * Lint findings never fail a deploy; only the execution rules in executionRules.ts / expressionRules.ts do.
 */
export const lintConfig = {
  extends: 'bpmnlint:recommended',
  // All recommended rules stay on, at bpmnlint's categories. Checked against Camunda Modeler 5 output
  // (collapsed sub-process planes, event sub-processes, compensation) and Camunda Web Modeler output
  // (MIWG C.9.x): no false positives found, so no rule is turned off.
  rules: {},
} satisfies LintConfig;
