/**
 * Minimal declarations for bpmnlint 11 (CommonJS, no published typings for its main export).
 * Mirrors bpmnlint/lib/types.d.ts for the parts this service uses.
 */
declare module 'bpmnlint' {
  export type LintCategory = 'off' | 'warn' | 'error' | 'info';
  export type RuleSetting = LintCategory | 0 | 1 | 2 | 3 | [LintCategory | 0 | 1 | 2 | 3, unknown?];

  export interface LintConfig {
    extends?: string | string[];
    rules?: Record<string, RuleSetting>;
  }

  export interface Reporter {
    report(id: string, message: string, pathOrContext?: string[] | Record<string, unknown>): void;
  }

  export type CheckFunction = (node: unknown, reporter: Reporter) => boolean | void;

  export interface RuleDefinition {
    meta?: { documentation?: { url?: string } };
    check: CheckFunction | { enter?: CheckFunction; leave?: CheckFunction };
  }

  export type RuleFactory = (ruleConfig?: unknown) => RuleDefinition;

  export interface Resolver {
    resolveRule(pkg: string, ruleName: string): RuleFactory | Promise<RuleFactory>;
    resolveConfig(pkg: string, configName: string): LintConfig | Promise<LintConfig>;
  }

  /** One finding; `category` is `rule-error` when the rule itself threw. */
  export interface LintReport {
    id?: string;
    message: string;
    path?: string[];
    category: 'warn' | 'error' | 'info' | 'rule-error';
    meta?: RuleDefinition['meta'];
  }

  export class Linter {
    constructor(options: { config?: LintConfig; resolver: Resolver });
    /** Findings keyed by rule name; rules without findings are absent. */
    lint(definitions: unknown, config?: LintConfig): Promise<Record<string, LintReport[]>>;
  }
}
