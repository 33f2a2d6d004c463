/**
 * The consent port (KIM-PROCESSES.md §6): consent records per case, for handoffs to the
 * Ausländerbehörde / Einbürgerungsbehörde and other recipients. Adapters:
 * `src/store/sqlite/consents.ts` (SqliteConsents) and `src/store/mongo/consents.ts` (MongoConsents).
 * No driver types cross this boundary; adapters never read the clock.
 *
 * A record changes once at most: withdrawal sets `withdrawnAt` and `withdrawnBy`, and a second
 * withdrawal keeps the first (idempotent). Records are deleted only with their whole case
 * (`deleteConsentsOfCase`, called by the case deletion of src/kim/deletion.ts, §6). Whether a record
 * covers a transfer is decided by `covers`/`checkConsent` in consentGate.ts, at the moment of
 * the transfer, from a fresh load.
 */
import { ValidationError } from '../errors.ts';
import { requireInstant } from './auditStore.ts';

export const CONSENT_SCOPES = ['UEBERLEITUNG', 'DEADLINE_ESCALATION'] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

/** The recipients the domain spec names; the set is open (any lower-case group-like name). */
export const KNOWN_RECIPIENTS = ['abh', 'ebh', 'jobcenter'] as const;
export type ConsentRecipient = (typeof KNOWN_RECIPIENTS)[number] | (string & {});
export const RECIPIENT_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

export interface ConsentRecord {
  id: string;
  /** Business key of the case (`kim-case-lifecycle` / `baustein3-ueberleitung`). */
  caseId: string;
  /** Reference to the person within the case (household member), if the consent is per person. Adapters return null when absent. */
  personRef?: string | null;
  recipient: ConsentRecipient;
  purposes: string[];
  dataCategories: string[];
  scope: ConsentScope[];
  /** Canonical UTC ISO. */
  grantedAt: string;
  /** Exclusive: the consent no longer covers a transfer at or after this instant. */
  validUntil: string | null;
  /** A transfer at or after this instant is not covered. */
  withdrawnAt: string | null;
  /** Who recorded the withdrawal. Adapters return null when not withdrawn. */
  withdrawnBy?: string | null;
  /** User id of who recorded the consent. */
  recordedBy: string;
  /** Organisation of the case manager who recorded it (`org-…`), or null. */
  organisation: string | null;
}

export interface ConsentStore {
  /** Creates tables/indexes; idempotent. */
  init(): Promise<void>;
  /** Inserts the record unless one with its id exists (then nothing changes). True if inserted. */
  addConsent(record: ConsentRecord): Promise<boolean>;
  getConsent(id: string): Promise<ConsentRecord | undefined>;
  /** The case's consents, withdrawn and expired ones included, by `grantedAt` then id. */
  listConsents(caseId: string): Promise<ConsentRecord[]>;
  /**
   * Sets `withdrawnAt`/`withdrawnBy` unless already withdrawn (the first withdrawal is kept) and
   * returns the stored record. NotFound if the id is unknown.
   */
  withdrawConsent(id: string, at: string, by: string): Promise<ConsentRecord>;
  /** Deletes every consent record of the case (erasure of the whole case, §6). Returns how many; 0 on a repeat. */
  deleteConsentsOfCase(caseId: string): Promise<number>;
}

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.length === 0)) {
    throw new ValidationError(`consent ${field} must be an array of non-empty strings`);
  }
  return [...new Set(value as string[])];
}

/**
 * Validates a record and returns it normalised (canonical times, de-duplicated lists, nulls for
 * absent optionals). Adapters call it before writing.
 */
export function checkConsentRecord(record: ConsentRecord): ConsentRecord {
  if (typeof record.id !== 'string' || record.id.length === 0 || record.id.length > 128) throw new ValidationError('consent id must be a non-empty string');
  if (typeof record.caseId !== 'string' || record.caseId.length === 0) throw new ValidationError('consent caseId must be a non-empty string');
  if (typeof record.recipient !== 'string' || !RECIPIENT_PATTERN.test(record.recipient)) throw new ValidationError(`consent recipient must match ${RECIPIENT_PATTERN.source}`);
  const scope = stringList(record.scope, 'scope');
  for (const s of scope) {
    if (!(CONSENT_SCOPES as readonly string[]).includes(s)) throw new ValidationError(`consent scope '${s.slice(0, 80)}' must be one of ${CONSENT_SCOPES.join(', ')}`);
  }
  if (typeof record.recordedBy !== 'string' || record.recordedBy.length === 0) throw new ValidationError('consent recordedBy must be a non-empty string');
  const grantedAt = requireInstant(record.grantedAt, 'consent grantedAt');
  const validUntil = record.validUntil === null || record.validUntil === undefined ? null : requireInstant(record.validUntil, 'consent validUntil');
  if (validUntil !== null && validUntil <= grantedAt) throw new ValidationError('consent validUntil must be after grantedAt');
  const withdrawnAt = record.withdrawnAt === null || record.withdrawnAt === undefined ? null : requireInstant(record.withdrawnAt, 'consent withdrawnAt');
  return {
    id: record.id,
    caseId: record.caseId,
    personRef: record.personRef ?? null,
    recipient: record.recipient,
    purposes: stringList(record.purposes, 'purposes'),
    dataCategories: stringList(record.dataCategories, 'dataCategories'),
    scope: scope as ConsentScope[],
    grantedAt,
    validUntil,
    withdrawnAt,
    withdrawnBy: withdrawnAt === null ? null : (record.withdrawnBy ?? null),
    recordedBy: record.recordedBy,
    organisation: record.organisation ?? null,
  };
}
