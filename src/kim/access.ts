/**
 * Who may see which case data (KIM-PROCESSES.md §6, issue 5 "access by organisation").
 *
 * A case belongs to an organisation (`InstanceRecord.organisation`, from the variable `organisation`;
 * instances started from a case inherit it). For an owned instance a user's view is:
 * - `full`: admins and members of the owning organisation (`org-…` group). A candidate-group match is
 *   not enough: a Träger case manager never sees another organisation's case.
 * - `pseudonymised`: `kim-koordination` and `cm-koordination` — lists and escalations, only the
 *   variables in `PSEUDONYMISED_VARIABLES` (no names, no notes, no assessment).
 * - `consented`: `abh`/`ebh` staff, while a consent for their authority covers the case now (any
 *   scope) — only `AUTHORITY_VARIABLES` (the minimal data set and the handoff's own fields).
 * - `none`: everyone else; the API answers 404 (the case's existence is not revealed) and audits
 *   `ACCESS_DENIED`.
 * Instances without an owner (the arrival procedure, where the offices work by candidate group) are
 * `full` for everyone, as before.
 */
import type { Clock } from '../clock.ts';
import { Forbidden, NotFound } from '../errors.ts';
import type { AccessFilter, InstanceRecord, Store, TypedValue } from '../store/store.ts';
import { newAuditEntry } from './auditStore.ts';
import { covers } from './consentGate.ts';
import { MINIMAL_DATA_SET } from './escalation.ts';

export type View = 'full' | 'pseudonymised' | 'consented' | 'none';

export interface AccessUser {
  id: string;
  groups: string[];
  isAdmin: boolean;
}

/** Organisations are groups named `org-…` (type ORGANISATION, src/identity/seed.ts). */
export const ORGANISATION_PREFIX = 'org-';
export const CASE_MANAGER_GROUPS = ['cm-ki', 'cm-traeger'];
export const COORDINATION_GROUPS = ['kim-koordination', 'cm-koordination'];
export const AUTHORITY_GROUPS = ['abh', 'ebh'];
/** Processes whose instances are cases: the first case manager who claims or completes a task takes the case on. */
export const CASE_PROCESSES = ['kim-case-lifecycle', 'baustein3-ueberleitung'];

/** What the coordination sees of a case: state, deadlines, levels, outcomes — nothing about the person. */
export const PSEUDONYMISED_VARIABLES: readonly string[] = [
  'caseId', 'organisation', 'escalationLevel', 'ergebnis', 'closureReason', 'closureDate', 'deletionDueAt', 'referralSource', 'modality',
  'caseAccepted', 'interfaceProblem', 'intakeDate', 'firstAppointmentDate', 'recommendedPath', 'keyDeadline', 'riskLevel', 'handoffRecipient',
  'transferAllowed', 'applicationFiledAt', 'abhAppointmentDate', 'decision', 'arrivalChannel', 'benefitSystem', 'themenKandidaten', 'agenda',
];

/** What the Ausländer-/Einbürgerungsbehörde sees of a consented case: the minimal data set and the handoff's own steps. */
export const AUTHORITY_VARIABLES: readonly string[] = [
  ...MINIMAL_DATA_SET, 'escalationLevel', 'handoffRecipient', 'ueberleitungAm', 'documents', 'acknowledgedAt', 'abhAppointmentDate',
  'applicationFiledAt', 'fiktionIssuedAt', 'fiktionValidUntil', 'documentsRequested', 'documentsRequestedAt', 'requestedDocuments',
  'documentsSubmittedAt', 'decision', 'decisionDate', 'grantedTitle', 'abhRueckmeldung',
];

export function organisationsOf(user: AccessUser): string[] {
  return user.groups.filter((g) => g.startsWith(ORGANISATION_PREFIX));
}

/**
 * The user's organisation for audit entries and consent records: their `org-…` group; the first
 * in name order if they have several; null if none (admins, authority staff).
 */
export function organisationOf(user: AccessUser): string | null {
  return organisationsOf(user).sort()[0] ?? null;
}

const isCoordination = (user: AccessUser) => user.groups.some((g) => COORDINATION_GROUPS.includes(g));
const authoritiesOf = (user: AccessUser) => user.groups.filter((g) => AUTHORITY_GROUPS.includes(g));
export const isCaseManager = (user: AccessUser) => user.groups.some((g) => CASE_MANAGER_GROUPS.includes(g));

/** The case an instance belongs to, for consents and audit: its variable `caseId`, else its business key. */
export function caseIdOfInstance(instance: Pick<InstanceRecord, 'variables' | 'businessKey'>): string | null {
  const v = instance.variables.caseId?.value;
  return typeof v === 'string' && v !== '' ? v : instance.businessKey;
}

export class AccessPolicy {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** The store filter for list queries, or undefined when the user may list everything. */
  filter(user: AccessUser): AccessFilter | undefined {
    if (user.isAdmin || isCoordination(user)) return undefined;
    return { organisations: [null, ...organisationsOf(user)], candidateGroups: authoritiesOf(user), assignee: user.id };
  }

  /** The user's view of an instance (consents are read now, never cached). */
  async viewOf(user: AccessUser, instance: Pick<InstanceRecord, 'organisation' | 'variables' | 'businessKey'>): Promise<View> {
    const owner = instance.organisation ?? null;
    if (user.isAdmin || owner === null || organisationsOf(user).includes(owner)) return 'full';
    if (isCoordination(user)) return 'pseudonymised';
    const authorities = authoritiesOf(user);
    const caseId = caseIdOfInstance(instance);
    if (authorities.length > 0 && caseId) {
      const consents = await this.store.consents.listConsents(caseId);
      const at = new Date(this.clock.now()).toISOString();
      for (const recipient of authorities) {
        for (const scope of ['UEBERLEITUNG', 'DEADLINE_ESCALATION'] as const) {
          if (covers(consents, { recipient, scope, at }).allowed) return 'consented';
        }
      }
    }
    return 'none';
  }

  /** The instance as the user may see it, or 404 after auditing `ACCESS_DENIED`. */
  async require(user: AccessUser, instance: InstanceRecord, resource: string, notFound: string): Promise<View> {
    const view = await this.viewOf(user, instance);
    if (view !== 'none') return view;
    await this.store.audit.appendAudit(newAuditEntry({
      type: 'ACCESS_DENIED',
      at: new Date(this.clock.now()).toISOString(),
      userId: user.id,
      organisation: organisationOf(user),
      caseId: caseIdOfInstance(instance),
      purpose: 'ACCESS',
      details: { resource, instanceId: instance.id, owner: instance.organisation },
    }));
    throw new NotFound(notFound);
  }

  /**
   * For case-level resources (consents): 404 (audited) if an instance of the case is owned by an
   * organisation the user may not see. A case without instances, or without an owner, is open.
   */
  async requireCase(user: AccessUser, caseId: string): Promise<void> {
    if (user.isAdmin) return;
    for (const instance of await this.store.findInstances({ businessKey: caseId, maxResults: 50 })) {
      if ((instance.organisation ?? null) !== null) {
        await this.require(user, instance, 'case', `Case '${caseId.slice(0, 80)}' does not exist`);
        return;
      }
    }
  }

  /** Audits a read of an owned case's variables (§6: every read of case data). */
  async auditRead(user: AccessUser, instance: InstanceRecord, resource: string, view: View): Promise<void> {
    if ((instance.organisation ?? null) === null) return;
    await this.store.audit.appendAudit(newAuditEntry({
      type: 'READ',
      at: new Date(this.clock.now()).toISOString(),
      userId: user.id,
      organisation: organisationOf(user),
      caseId: caseIdOfInstance(instance),
      purpose: 'CASEWORK',
      details: { resource, instanceId: instance.id, view },
    }));
  }

  /**
   * The organisation a claim or completion by this user gives a case that has none yet: a case
   * manager's own organisation, for instances of the case processes only.
   */
  takesOver(user: AccessUser, instance: Pick<InstanceRecord, 'organisation' | 'definitionKey'>): string | null {
    if ((instance.organisation ?? null) !== null || !CASE_PROCESSES.includes(instance.definitionKey) || !isCaseManager(user)) return null;
    return organisationOf(user);
  }
}

/** Does a list filter admit this instance? The store applies the same rule to instance queries (by owning organisation). */
export function admits(filter: AccessFilter | undefined, instance: Pick<InstanceRecord, 'organisation'>): boolean {
  return filter === undefined || filter.organisations.includes(instance.organisation ?? null);
}

/**
 * The owning organisation is set by taking a case on, or by the coordination (reassignment) and
 * admins. Anyone else may name only an organisation of their own (e.g. a Träger case manager opening
 * a case by `fallanfrage`); anything else is refused, so nobody hands a case to, or takes it from,
 * another organisation by writing the variable.
 */
export function checkOrganisationWrite(user: AccessUser, variables: Record<string, TypedValue>): void {
  if (!('organisation' in variables) || user.isAdmin || isCoordination(user)) return;
  const value = variables.organisation?.value;
  if (typeof value === 'string' && organisationsOf(user).includes(value)) return;
  throw new Forbidden(`User ${user.id} may not set the variable 'organisation' to ${JSON.stringify(value ?? null)}: a case belongs to the organisation that takes it on`);
}

/** The variables a view shows. */
export function project(view: View, variables: Record<string, TypedValue>): Record<string, TypedValue> {
  if (view === 'full') return variables;
  return Object.fromEntries(Object.entries(variables).filter(([k]) => mayRead(view, k)));
}

/** May a variable of this name be shown in this view? */
export function mayRead(view: View, name: string): boolean {
  if (view === 'full') return true;
  if (view === 'pseudonymised') return PSEUDONYMISED_VARIABLES.includes(name);
  if (view === 'consented') return AUTHORITY_VARIABLES.includes(name);
  return false;
}
