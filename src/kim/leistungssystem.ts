/**
 * The business rule `leistungssystem` (KIM-PROCESSES.md §2 step 5): which benefit system applies,
 * `benefitSystem` = `ASYLBLG` | `SGB2` | `SGB12`, with `benefitRule` saying which rule decided.
 *
 * - Gestattung or Duldung (asylum procedure, toleration) → `ASYLBLG`.
 * - §24 AufenthG (Ukraine): first granted (Fiktionsbescheinigung, else the application, else arrival)
 *   before the cut-over date → `SGB2`; on or after it → `ASYLBLG`, but only once the law is in force;
 *   until then `SGB2`.
 * - Not able to work (`erwerbsfaehig = false`) → `SGB12`.
 * - Everyone else (recognised refugees, EU citizens, family reunification) → `SGB2`.
 *
 * The cut-over date and the in-force flag change with the law: they are configuration
 * (`BENEFIT_CUTOVER_DATE`, `BENEFIT_LAW_IN_FORCE`), not code.
 */
import type { HandlerRegistry } from '../engine/handlers.ts';

export interface BenefitRules {
  /** ISO date: §24 first granted on or after it falls under the AsylbLG (once in force). */
  cutoverDate: string;
  /** Whether the law moving §24 holders to the AsylbLG is in force. */
  lawInForce: boolean;
}

const day = (v: unknown): string | null => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : null);

export function decideBenefitSystem(vars: Readonly<Record<string, unknown>>, rules: BenefitRules): { benefitSystem: 'ASYLBLG' | 'SGB2' | 'SGB12'; benefitRule: string } {
  const status = String(vars.residenceStatus ?? '').toUpperCase();
  if (/GESTATTUNG|DULDUNG/.test(status)) return { benefitSystem: 'ASYLBLG', benefitRule: `Aufenthaltsstatus ${status}` };
  if (vars.arrivalChannel === 'UKRAINE_24' || /24/.test(status)) {
    const granted = day(vars.fiktionIssuedAt) ?? day(vars.abhApplicationDate) ?? day(vars.arrivalDate);
    if (granted && granted >= rules.cutoverDate) {
      if (rules.lawInForce) return { benefitSystem: 'ASYLBLG', benefitRule: `§24 erstmals erteilt ${granted}, ab Stichtag ${rules.cutoverDate}, Rechtsänderung in Kraft` };
      return { benefitSystem: 'SGB2', benefitRule: `§24 erstmals erteilt ${granted}, ab Stichtag ${rules.cutoverDate}, Rechtsänderung noch nicht in Kraft` };
    }
    return { benefitSystem: 'SGB2', benefitRule: `§24 erstmals erteilt ${granted ?? 'unbekannt'}, vor Stichtag ${rules.cutoverDate}` };
  }
  if (vars.arrivalChannel === 'ZUWEISUNG' && status === '') return { benefitSystem: 'ASYLBLG', benefitRule: 'Zuweisung nach FlüAG (Asylverfahren)' };
  if (vars.erwerbsfaehig === false) return { benefitSystem: 'SGB12', benefitRule: 'nicht erwerbsfähig' };
  return { benefitSystem: 'SGB2', benefitRule: 'erwerbsfähig, Aufenthaltstitel oder Freizügigkeit' };
}

export function registerBenefitRule(handlers: HandlerRegistry, rules: BenefitRules): void {
  handlers.register('leistungssystem', ({ variables }) => decideBenefitSystem(variables, rules));
}
