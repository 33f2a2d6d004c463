/**
 * The KIM's service-task handlers, registered at start (a handler a test registered first is kept):
 * the escalation ladder and consent gate (escalation.ts), the benefit rule (leistungssystem.ts),
 * the Fallkonferenz (fallkonferenz.ts) and the Baustein-3 perspective rule (perspektive.ts).
 */
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { HandlerRegistry } from '../engine/handlers.ts';
import type { Notifier } from '../notifications/index.ts';
import type { Store } from '../store/store.ts';
import { registerEscalationHandlers } from './escalation.ts';
import { registerFallkonferenzHandlers } from './fallkonferenz.ts';
import { registerBenefitRule } from './leistungssystem.ts';
import { registerPerspektiveHandlers } from './perspektive.ts';

export interface KimHandlerDeps {
  store: Store;
  notifier: Notifier;
  clock: Clock;
  config: Pick<Config, 'benefitRules'>;
}

export function registerKimHandlers(handlers: HandlerRegistry, deps: KimHandlerDeps): void {
  // Register into a scratch registry, then copy only what the caller has not registered itself.
  const all = new HandlerRegistry();
  registerEscalationHandlers(all, deps);
  registerBenefitRule(all, deps.config.benefitRules);
  registerFallkonferenzHandlers(all, deps);
  registerPerspektiveHandlers(all, deps);
  for (const [name, handler] of all.entries()) if (!handlers.has(name)) handlers.register(name, handler);
}
