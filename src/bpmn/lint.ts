import { createRequire } from 'node:module';
import { Linter, type LintConfig, type LintReport, type Resolver, type RuleFactory } from 'bpmnlint';
import type { ModdleElement } from 'bpmn-moddle';
import type { LintFinding } from './model.ts';
import { lintConfig } from './lintConfig.ts';

const require = createRequire(import.meta.url);
const NAME = /^[a-z][a-z-]*$/;

/**
 * Resolves bpmnlint's own rules and configs (CommonJS modules in bpmnlint/rules and bpmnlint/config);
 * bpmnlint's NodeResolver is not usable from ESM. Other packages are not resolved.
 */
const resolver: Resolver = {
  resolveRule(pkg: string, ruleName: string): RuleFactory {
    if (pkg !== 'bpmnlint' || !NAME.test(ruleName)) throw new Error(`unknown rule <${pkg}/${ruleName}>`);
    return require(`bpmnlint/rules/${ruleName}`) as RuleFactory;
  },
  resolveConfig(pkg: string, configName: string): LintConfig {
    if (pkg !== 'bpmnlint' || !NAME.test(configName)) throw new Error(`unknown config <${pkg}/${configName}>`);
    return require(`bpmnlint/config/${configName}`) as LintConfig;
  },
};

/**
 * Lints the definitions (default: lintConfig). Never throws: a failing linter becomes one finding with
 * rule `lint`, a failing rule one finding with that rule's name.
 */
export async function lint(definitions: ModdleElement, config: LintConfig = lintConfig): Promise<LintFinding[]> {
  let results: Record<string, LintReport[]>;
  try {
    // A Linter per call: it caches rule instances, and some rules (no-duplicate-sequence-flows) keep state
    // in them, so a shared Linter would report a diagram's flows as duplicates of the previous diagram's.
    results = await new Linter({ config, resolver }).lint(definitions);
  } catch (err) {
    return [{ rule: 'lint', message: `Lint failed: ${(err as Error).message}`, category: 'warn' }];
  }
  const findings: LintFinding[] = [];
  for (const [rule, reports] of Object.entries(results)) {
    for (const report of reports) {
      const finding: LintFinding = {
        rule,
        message: report.category === 'rule-error' ? `Lint rule failed: ${report.message}` : report.message,
        category: report.category === 'rule-error' ? 'warn' : report.category,
      };
      if (report.id !== undefined) finding.elementId = report.id;
      findings.push(finding);
    }
  }
  return findings;
}
