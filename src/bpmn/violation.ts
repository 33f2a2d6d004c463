/**
 * A problem with running a process on this engine. `refuse` problems fail the deploy of an executable
 * process and are warnings for a non-executable one; `warn` problems are reported for executable processes only.
 */
export interface Violation {
  /** `kim/…` rule name, as in LintFinding.rule. */
  rule: string;
  severity: 'refuse' | 'warn';
  elementId: string;
  message: string;
  details?: Record<string, unknown>;
}

export type Report = (violation: Violation) => void;
