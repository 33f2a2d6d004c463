/**
 * The audit port (KIM-PROCESSES.md §6): an append-only log of every read of case data, write,
 * export, transfer, blocked transfer, escalation and denied access — who, organisation, case,
 * purpose, time. Adapters: `src/store/sqlite/audit.ts` (SqliteAudit) and
 * `src/store/mongo/audit.ts` (MongoAudit). No driver types cross this boundary.
 *
 * - Append-only: the port has no update or delete. `appendAudit` inserts, and an entry whose id
 *   already exists is ignored (never overwritten), so a retried command that derives its id from
 *   a natural key (`auditId('ESCALATED_TO_ABH', instanceId, 3)`) audits once. SQLite also
 *   refuses UPDATE and DELETE on the table by trigger.
 * - Times are canonical UTC ISO strings (`toISOString()`); `checkAuditEntry` normalises them, so
 *   string order is time order in both adapters. Adapters never read the clock.
 * - Order: `at` ascending, then insertion order (an adapter-internal sequence), so entries written
 *   at one instant (a catch-up firing several overdue steps) list in the order they were written;
 *   `sortOrder: 'desc'` reverses it. The same in every adapter.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ValidationError } from '../errors.ts';

/** The entry types named in the domain spec; others may be added (UPPER_SNAKE_CASE). */
export const AUDIT_TYPES = [
  'ESCALATED_TO_ABH',
  'ESCALATED',
  'TRANSFER_BLOCKED',
  'ACCESS_DENIED',
  'CONSENT_RECORDED',
  'CONSENT_WITHDRAWN',
  'READ',
  'WRITE',
  'EXPORT',
  'TRANSFER',
] as const;
export type KnownAuditType = (typeof AUDIT_TYPES)[number];
/** A known type, or another UPPER_SNAKE_CASE name (`(string & {})` keeps the known ones suggested). */
export type AuditType = KnownAuditType | (string & {});

export const AUDIT_TYPE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;
const DETAIL_KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_DETAILS = 50;
const MAX_TEXT = 2000;

export type AuditDetailValue = string | number | boolean | null;

export interface AuditEntry {
  /** Deterministic (`auditId(type, ...naturalKey)`) where the caller has a natural key, else `randomAuditId()`. */
  id: string;
  /** When it happened (the caller's clock), canonical UTC ISO. */
  at: string;
  type: AuditType;
  /** Who; null = the system (a timer, an escalation handler). */
  userId: string | null;
  /** The acting user's organisation (`org-…`), or null. */
  organisation: string | null;
  /** Business key of the case concerned, or null. */
  caseId: string | null;
  /** Why (`audit`, `consent-management`, `DEADLINE_ESCALATION` …), or null. */
  purpose: string | null;
  /** Flat facts only (ids, levels, reasons); never case notes or other personal data. */
  details: Record<string, AuditDetailValue>;
}

export interface AuditQuery {
  caseId?: string;
  type?: AuditType;
  userId?: string;
  /** Inclusive lower bound on `at` (ISO). */
  from?: string;
  /** Inclusive upper bound on `at` (ISO). */
  to?: string;
  /** Default `asc` (chronological). */
  sortOrder?: 'asc' | 'desc';
  firstResult?: number;
  maxResults?: number;
}

export interface AuditStore {
  /** Creates tables/indexes (and the append-only triggers); idempotent. */
  init(): Promise<void>;
  /** Inserts the entry unless one with its id exists (then nothing changes). True if inserted. */
  appendAudit(entry: AuditEntry): Promise<boolean>;
  findAudit(query?: AuditQuery): Promise<AuditEntry[]>;
  /** Counts what `findAudit` would return without paging. */
  countAudit(query?: Omit<AuditQuery, 'firstResult' | 'maxResults' | 'sortOrder'>): Promise<number>;
}

function digest(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p, 'utf8').update('\u0000');
  return h.digest('hex').slice(0, 32);
}

/**
 * Deterministic audit id from the entry type and the caller's natural key, e.g.
 * `auditId('ESCALATED_TO_ABH', instanceId, 3)`: a retried command finds its entry there already.
 */
export function auditId(type: AuditType, ...naturalKey: Array<string | number>): string {
  if (naturalKey.length === 0) throw new Error('auditId needs a natural key (use randomAuditId() otherwise)');
  return digest('audit', type, ...naturalKey.map(String));
}

/** A fresh random id (32 hex), for entries without a natural key (a read, a denied access). */
export function randomAuditId(): string {
  return randomBytes(16).toString('hex');
}

/** Builds an entry: nulls for what is not given, a deterministic id if `key` is given, else a random one. */
export function newAuditEntry(input: {
  type: AuditType;
  at: string;
  key?: Array<string | number>;
  userId?: string | null;
  organisation?: string | null;
  caseId?: string | null;
  purpose?: string | null;
  details?: Record<string, AuditDetailValue>;
}): AuditEntry {
  return checkAuditEntry({
    id: input.key && input.key.length > 0 ? auditId(input.type, ...input.key) : randomAuditId(),
    at: input.at,
    type: input.type,
    userId: input.userId ?? null,
    organisation: input.organisation ?? null,
    caseId: input.caseId ?? null,
    purpose: input.purpose ?? null,
    details: input.details ?? {},
  });
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * An ISO 8601 date-time with an explicit zone (`Z`, `+01:00`, or Camunda's `+0100`) → canonical
 * UTC ISO (`2026-03-01T08:00:00.000Z`); undefined if it is not one. Zone-less times are refused:
 * they would mean different instants on differently configured servers.
 */
export function toInstant(value: unknown): string | undefined {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value)) return undefined;
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(ms)) return undefined;
  return new Date(ms).toISOString();
}

/** `toInstant` or a ValidationError naming the field. */
export function requireInstant(value: unknown, field: string): string {
  const iso = toInstant(value);
  if (iso === undefined) throw new ValidationError(`${field} must be an ISO 8601 date-time with time zone (e.g. 2026-03-01T08:00:00Z)`);
  return iso;
}

function nullableText(value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new ValidationError(`audit entry ${field} must be a string or null`);
  if (value.length > MAX_TEXT) throw new ValidationError(`audit entry ${field} is longer than ${MAX_TEXT} characters`);
  return value;
}

/**
 * Validates an entry and returns it normalised (canonical `at`, nulls for absent optionals,
 * a copy of the details). Adapters call it before writing, so every stored entry has one shape.
 */
export function checkAuditEntry(entry: AuditEntry): AuditEntry {
  if (typeof entry.id !== 'string' || entry.id.length === 0 || entry.id.length > 128) throw new ValidationError('audit entry id must be a non-empty string');
  if (typeof entry.type !== 'string' || !AUDIT_TYPE_PATTERN.test(entry.type)) throw new ValidationError(`audit entry type '${String(entry.type).slice(0, 80)}' must be UPPER_SNAKE_CASE`);
  const at = requireInstant(entry.at, 'audit entry at');
  const details: Record<string, AuditDetailValue> = {};
  const raw = entry.details ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ValidationError('audit entry details must be an object');
  const keys = Object.keys(raw);
  if (keys.length > MAX_DETAILS) throw new ValidationError(`audit entry details may have at most ${MAX_DETAILS} keys`);
  for (const k of keys) {
    if (!DETAIL_KEY.test(k)) throw new ValidationError(`audit entry details key '${k.slice(0, 80)}' is invalid`);
    const v = raw[k];
    if (v === null || typeof v === 'boolean') details[k] = v;
    else if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new ValidationError(`audit entry details.${k} must be a finite number`);
      details[k] = v;
    } else if (typeof v === 'string') {
      if (v.length > MAX_TEXT) throw new ValidationError(`audit entry details.${k} is longer than ${MAX_TEXT} characters`);
      details[k] = v;
    } else throw new ValidationError(`audit entry details.${k} must be a string, number, boolean or null`);
  }
  return {
    id: entry.id,
    at,
    type: entry.type,
    userId: nullableText(entry.userId, 'userId'),
    organisation: nullableText(entry.organisation, 'organisation'),
    caseId: nullableText(entry.caseId, 'caseId'),
    purpose: nullableText(entry.purpose, 'purpose'),
    details,
  };
}

/** The query with canonical time bounds (ValidationError for a bad one). */
export function normaliseAuditQuery<Q extends AuditQuery>(query: Q): Q {
  return {
    ...query,
    from: query.from === undefined ? undefined : requireInstant(query.from, 'from'),
    to: query.to === undefined ? undefined : requireInstant(query.to, 'to'),
  };
}
