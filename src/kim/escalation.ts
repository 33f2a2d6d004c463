/**
 * The escalation ladder of KIM-PROCESSES.md §5 as service-task handlers, so that a diagram decides
 * *when* (its timers) and these decide *what happens* at each level:
 *
 * - `eskalationStufe0` … `eskalationStufe2`, `eskalationStufe4`: raise the process variable
 *   `escalationLevel` to at least that level (never lower it), notify the level's group
 *   (0: the case's own people — `ownerGroup`, else the owning `organisation`, else `cm-ki`; 1: `cm-koordination`;
 *   2 and 4: `kim-koordination`) and audit `ESCALATED` with the level. The service task's name is the
 *   reason shown in the notification.
 * - `eskalationAbh` (level 3): the automatic escalation to the Ausländerbehörde. The consent gate is
 *   evaluated now, at the moment of the transfer (recipient `abh`, scope `DEADLINE_ESCALATION`).
 *   Covered: audit `ESCALATED_TO_ABH`, the ABH mailbox (group `abh`) is notified with the minimal
 *   data set only, `escalationLevel` ≥ 3, `transferAllowed = true` — the diagram then hands the minimal
 *   data set to the `abhEskalation` task (process `abh-eskalation`, called with exactly those
 *   variables). Not covered: audit `TRANSFER_BLOCKED`, `transferAllowed = false`, `escalationLevel` ≥ 2
 *   and the KIM-Koordination is notified — the diagram then creates `interneEskalation`.
 * - `uebermittlungPruefen`: the Baustein-3 handoff (scope `UEBERLEITUNG`) to `handoffRecipient`
 *   (`abh` or `ebh`): audit `TRANSFER` or `TRANSFER_BLOCKED`, sets `transferAllowed`.
 *
 * The case is the variable `caseId` if set, else the instance's business key. Audit entries have the
 * job id as natural key, so a retried job audits once.
 */
import type { Clock } from '../clock.ts';
import { atLeast, type HandlerContext, type HandlerRegistry } from '../engine/handlers.ts';
import { stableId } from '../engine/ids.ts';
import { notificationEvent, resolveRecipients, type EscalationLevel, type MinimalDataSet, type Notifier } from '../notifications/index.ts';
import type { Store } from '../store/store.ts';
import { newAuditEntry } from './auditStore.ts';
import { checkConsent } from './consentGate.ts';

export const LEVEL_GROUPS: Record<EscalationLevel, string | null> = { 0: null, 1: 'cm-koordination', 2: 'kim-koordination', 3: 'abh', 4: 'kim-koordination' };

/** The variables the `abhEskalation` task may carry (§6): nothing else goes to the ABH. */
export const MINIMAL_DATA_SET = ['givenName', 'familyName', 'dateOfBirth', 'abhAktenzeichen', 'recommendedPath', 'keyDeadline'] as const;

interface Deps {
  store: Store;
  notifier: Notifier;
  clock: Clock;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : v instanceof Date ? v.toISOString() : null);

export function caseIdOf(ctx: HandlerContext): string | null {
  return text(ctx.variables.caseId) ?? ctx.businessKey ?? null;
}

/** The person concerned: `givenName`/`familyName`/`dateOfBirth`, else the first of `persons`. */
export function minimalDataOf(vars: Readonly<Record<string, unknown>>): MinimalDataSet {
  const persons = Array.isArray(vars.persons) ? (vars.persons as Array<Record<string, unknown>>) : [];
  const first = persons[0] ?? {};
  const given = text(vars.givenName) ?? text(first.givenName) ?? '';
  const family = text(vars.familyName) ?? text(first.familyName) ?? '';
  return {
    name: `${given} ${family}`.trim(),
    dateOfBirth: text(vars.dateOfBirth) ?? text(first.dateOfBirth) ?? '',
    abhAktenzeichen: text(vars.abhAktenzeichen),
    recommendedPath: text(vars.recommendedPath),
    keyDeadline: text(vars.keyDeadline),
  };
}

/** A pseudonymous reference for notifications: never a name. */
function caseReference(caseId: string | null, instanceId: string): string {
  return caseId ?? instanceId;
}

export function registerEscalationHandlers(handlers: HandlerRegistry, deps: Deps): void {
  const { store, notifier, clock } = deps;
  const now = () => new Date(clock.now()).toISOString();
  const reasonOf = (ctx: HandlerContext) => ctx.elementName ?? ctx.elementId ?? 'Frist überschritten';

  async function notifyLevel(ctx: HandlerContext, level: EscalationLevel, group: string, minimalData: MinimalDataSet | null) {
    const event = notificationEvent('escalation.raised', stableId('escalation.raised', ctx.instanceId, ctx.jobId ?? '', group), {
      level,
      targetGroup: group,
      caseReference: caseReference(caseIdOf(ctx), ctx.instanceId),
      reason: reasonOf(ctx),
      minimalData,
    });
    await notifier.notify(event, await resolveRecipients(store, { groups: [group] }));
  }

  for (const level of [0, 1, 2, 4] as const) {
    handlers.register(`eskalationStufe${level}`, async (ctx) => {
      // Level 0 goes to the case's own people: `ownerGroup` if the diagram names one, else the owning organisation.
      const group = LEVEL_GROUPS[level] ?? text(ctx.variables.ownerGroup) ?? text(ctx.variables.organisation) ?? 'cm-ki';
      await store.audit.appendAudit(newAuditEntry({
        type: 'ESCALATED',
        at: now(),
        key: [ctx.instanceId, ctx.jobId ?? reasonOf(ctx), level],
        caseId: caseIdOf(ctx),
        purpose: 'DEADLINE_ESCALATION',
        details: { level, targetGroup: group, elementId: ctx.elementId ?? null, instanceId: ctx.instanceId },
      }));
      await notifyLevel(ctx, level, group, null);
      return { escalationLevel: atLeast(level) };
    });
  }

  handlers.register('eskalationAbh', async (ctx) => {
    const caseId = caseIdOf(ctx);
    const at = now();
    const decision = caseId
      ? await checkConsent(store.consents, caseId, { recipient: 'abh', scope: 'DEADLINE_ESCALATION', at })
      : { allowed: false, reason: 'no case id (variable caseId or business key)' };
    const details = { instanceId: ctx.instanceId, elementId: ctx.elementId ?? null, recipient: 'abh', reason: decision.reason, consentId: decision.consentId ?? null };
    if (decision.allowed) {
      await store.audit.appendAudit(newAuditEntry({
        type: 'ESCALATED_TO_ABH', at, key: [ctx.instanceId, ctx.jobId ?? at, 3], caseId, purpose: 'DEADLINE_ESCALATION', details: { ...details, level: 3 },
      }));
      await notifyLevel(ctx, 3, 'abh', minimalDataOf(ctx.variables));
      return { transferAllowed: true, transferConsentId: decision.consentId ?? null, escalationLevel: atLeast(3) };
    }
    await store.audit.appendAudit(newAuditEntry({
      type: 'TRANSFER_BLOCKED', at, key: [ctx.instanceId, ctx.jobId ?? at, 'abh'], caseId, purpose: 'DEADLINE_ESCALATION', details,
    }));
    await notifyLevel(ctx, 2, 'kim-koordination', null);
    return { transferAllowed: false, transferConsentId: null, escalationLevel: atLeast(2) };
  });

  handlers.register('uebermittlungPruefen', async (ctx) => {
    const caseId = caseIdOf(ctx);
    const recipient = text(ctx.variables.handoffRecipient) ?? 'abh';
    if (recipient !== 'abh' && recipient !== 'ebh') throw new Error(`handoffRecipient must be 'abh' or 'ebh', not '${recipient}'`);
    const at = now();
    const decision = caseId
      ? await checkConsent(store.consents, caseId, { recipient, scope: 'UEBERLEITUNG', at })
      : { allowed: false, reason: 'no case id (variable caseId or business key)' };
    const details = { instanceId: ctx.instanceId, elementId: ctx.elementId ?? null, recipient, reason: decision.reason, consentId: decision.consentId ?? null };
    await store.audit.appendAudit(newAuditEntry({
      type: decision.allowed ? 'TRANSFER' : 'TRANSFER_BLOCKED', at, key: [ctx.instanceId, ctx.jobId ?? at, recipient], caseId, purpose: 'UEBERLEITUNG', details,
    }));
    return { transferAllowed: decision.allowed, transferConsentId: decision.consentId ?? null };
  });
}
