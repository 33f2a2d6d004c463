import { organisationOf } from '../../kim/access.ts';
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { currentUser, requireGroup } from '../../identity/auth.ts';
import { bodyObject, rejectDollarKeys, type JsonObject } from '../../identity/validation.ts';
import { isoNow, systemClock, type Clock } from '../../clock.ts';
import { Conflict, NotFound, ValidationError } from '../../errors.ts';
import { newAuditEntry, toInstant, type AuditStore } from '../../kim/auditStore.ts';
import { CONSENT_SCOPES, RECIPIENT_PATTERN, type ConsentRecord, type ConsentScope, type ConsentStore } from '../../kim/consentStore.ts';
import { QueryReader } from '../query.ts';
import type { AppRouter, AppState, AuthUser } from '../types.ts';

/** Groups (besides admin) that may record, list and withdraw consents. */
export const CONSENT_GROUPS = ['cm-ki', 'cm-traeger', 'cm-koordination', 'kim-koordination'] as const;

/** The `purpose` of the audit entries this router writes. */
export const CONSENT_AUDIT_PURPOSE = 'consent-management';


export interface ConsentsRouterOptions {
  /** Throws (404, audited) if the user may not see the case — e.g. another organisation's case. */
  authorizeCase?: (user: AuthUser, caseId: string) => Promise<void>;
  /** Replaces `organisationOf` (e.g. with a lookup of groups of type ORGANISATION). */
  organisationOf?: (user: AuthUser) => string | null;
  /**
   * Called after every successful withdrawal (also a repeated one), e.g. to correlate message
   * `einwilligungWiderrufen` to the case's instances. Must be idempotent; if it throws, the
   * withdrawal stays recorded and the request answers with the error (a retry is safe).
   */
  onWithdrawn?: (record: ConsentRecord, user: AuthUser) => Promise<void>;
}

const CONSENT_FIELDS = ['id', 'caseId', 'personRef', 'recipient', 'purposes', 'dataCategories', 'scope', 'grantedAt', 'validUntil'];
const CONSENT_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_CASE_ID = 255;
const CONTROL = /[\u0000-\u001f\u007f]/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_ZONE = 'Europe/Berlin';

function text(body: JsonObject, field: string, opts: { required: boolean; max: number }): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) {
    if (opts.required) throw new ValidationError(`${field} is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw new ValidationError(`${field} must be a string`);
  const s = v.trim();
  if (s.length === 0) throw new ValidationError(`${field} must not be empty`);
  if (s.length > opts.max) throw new ValidationError(`${field} must be at most ${opts.max} characters`);
  if (CONTROL.test(s)) throw new ValidationError(`${field} must not contain control characters`);
  if (s.startsWith('$')) throw new ValidationError(`${field} must not start with '$'`);
  return s;
}

function textList(body: JsonObject, field: string, maxItems: number, maxLength: number): string[] {
  const v = body[field];
  if (v === undefined || v === null) throw new ValidationError(`${field} is required`);
  if (!Array.isArray(v)) throw new ValidationError(`${field} must be an array of strings`);
  if (v.length === 0) throw new ValidationError(`${field} must not be empty`);
  if (v.length > maxItems) throw new ValidationError(`${field} may have at most ${maxItems} entries`);
  const out: string[] = [];
  v.forEach((item, i) => {
    if (typeof item !== 'string') throw new ValidationError(`${field}[${i}] must be a string`);
    const s = item.trim();
    if (s.length === 0) throw new ValidationError(`${field}[${i}] must not be empty`);
    if (s.length > maxLength) throw new ValidationError(`${field}[${i}] must be at most ${maxLength} characters`);
    if (CONTROL.test(s)) throw new ValidationError(`${field}[${i}] must not contain control characters`);
    if (!out.includes(s)) out.push(s);
  });
  return out;
}

/** Offset of `zone` from UTC at `ms`, in ms (positive east of Greenwich). */
function zoneOffset(ms: number, zone: string): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(new Date(ms))
    .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

/**
 * `validUntil`: an ISO date-time with zone, or a calendar date (`2027-01-31`), which means
 * "valid through that day in Herne": the consent ends at the following midnight, Europe/Berlin.
 */
function validUntilOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    const d = DATE_ONLY.exec(value);
    if (d) {
      const [y, mo, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
      const check = new Date(Date.UTC(y, mo - 1, day));
      if (check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === day) {
        const nextMidnightUtc = Date.UTC(y, mo - 1, day + 1);
        return new Date(nextMidnightUtc - zoneOffset(nextMidnightUtc, LOCAL_ZONE)).toISOString();
      }
    }
    const iso = toInstant(value);
    if (iso !== undefined) return iso;
  }
  throw new ValidationError('validUntil must be an ISO 8601 date (2027-01-31, valid through that day) or date-time with time zone');
}

interface ConsentInput {
  id: string | undefined;
  caseId: string;
  personRef: string | null;
  recipient: string;
  purposes: string[];
  dataCategories: string[];
  scope: ConsentScope[];
  grantedAt: string;
  validUntil: string | null;
}

function readConsent(body: JsonObject, now: string): ConsentInput {
  for (const key of Object.keys(body)) {
    if (!CONSENT_FIELDS.includes(key)) throw new ValidationError(`${key.slice(0, 80)} is not a known field (allowed: ${CONSENT_FIELDS.join(', ')})`);
  }
  const id = text(body, 'id', { required: false, max: 36 });
  if (id !== undefined && !UUID.test(id)) throw new ValidationError('id must be a UUID');
  const caseId = text(body, 'caseId', { required: true, max: MAX_CASE_ID })!;
  const personRef = text(body, 'personRef', { required: false, max: 255 }) ?? null;
  const recipient = text(body, 'recipient', { required: true, max: 63 })!;
  if (!RECIPIENT_PATTERN.test(recipient)) throw new ValidationError(`recipient must be a lower-case recipient name such as abh, ebh, jobcenter (${RECIPIENT_PATTERN.source})`);
  const purposes = textList(body, 'purposes', 20, 200);
  const dataCategories = textList(body, 'dataCategories', 50, 100);
  const scope = textList(body, 'scope', CONSENT_SCOPES.length, 40);
  scope.forEach((s, i) => {
    if (!(CONSENT_SCOPES as readonly string[]).includes(s)) throw new ValidationError(`scope[${i}] must be one of ${CONSENT_SCOPES.join(', ')}`);
  });
  let grantedAt = now;
  if (body.grantedAt !== undefined && body.grantedAt !== null) {
    const g = toInstant(body.grantedAt);
    if (g === undefined) throw new ValidationError('grantedAt must be an ISO 8601 date-time with time zone (e.g. 2026-03-01T08:00:00Z)');
    if (g > now) throw new ValidationError('grantedAt must not be in the future');
    grantedAt = g;
  }
  const validUntil = validUntilOf(body.validUntil);
  if (validUntil !== null && validUntil <= grantedAt) throw new ValidationError('validUntil must be after grantedAt');
  return { id, caseId, personRef, recipient, purposes, dataCategories, scope: scope as ConsentScope[], grantedAt, validUntil };
}

function consentDto(c: ConsentRecord) {
  return {
    id: c.id,
    caseId: c.caseId,
    personRef: c.personRef ?? null,
    recipient: c.recipient,
    purposes: c.purposes,
    dataCategories: c.dataCategories,
    scope: c.scope,
    grantedAt: c.grantedAt,
    validUntil: c.validUntil,
    withdrawnAt: c.withdrawnAt,
    withdrawnBy: c.withdrawnBy ?? null,
    recordedBy: c.recordedBy,
    organisation: c.organisation,
  };
}

/**
 * Consent records (KIM-PROCESSES.md §6), prefix-less: mount under `/api` behind `authMiddleware`.
 * Admins and the groups in CONSENT_GROUPS may use every route (403 else); withdrawing is exactly
 * as easy as recording.
 *
 * - `POST /consents` `{ caseId, recipient, purposes[], dataCategories[], scope[], grantedAt?,
 *   validUntil?, personRef?, id? }` → 201 with the record; audited `CONSENT_RECORDED`. 400 names
 *   the field. `grantedAt` defaults to now and may not lie in the future; `validUntil` must be
 *   after it. A client-chosen `id` (UUID) makes a retry safe: the same id for the same case and
 *   recipient answers 200 with the stored record (audited once), otherwise 409.
 * - `GET /consents?caseId=` → the case's consents (withdrawn and expired included), by grant
 *   time; audited `READ`.
 * - `POST /consents/{id}/withdraw` → 200 with the record; the first withdrawal's time and user are
 *   kept on repeats; audited `CONSENT_WITHDRAWN` once. 404 if unknown.
 */
export function consentsRouter(
  consents: ConsentStore,
  audit: AuditStore,
  clock: Clock = systemClock,
  options: ConsentsRouterOptions = {},
): AppRouter {
  const orgOf = options.organisationOf ?? organisationOf;
  const router = new Router<AppState>();
  router.use(rejectDollarKeys);

  router.post('/consents', requireGroup(...CONSENT_GROUPS), async (ctx) => {
    const user = currentUser(ctx);
    const now = isoNow(clock);
    const input = readConsent(bodyObject(ctx), now);
    await options.authorizeCase?.(user, input.caseId);
    const record: ConsentRecord = {
      id: input.id ?? randomUUID(),
      caseId: input.caseId,
      personRef: input.personRef,
      recipient: input.recipient,
      purposes: input.purposes,
      dataCategories: input.dataCategories,
      scope: input.scope,
      grantedAt: input.grantedAt,
      validUntil: input.validUntil,
      withdrawnAt: null,
      withdrawnBy: null,
      recordedBy: user.id,
      organisation: orgOf(user),
    };
    let stored = record;
    let created = await consents.addConsent(record);
    if (!created) {
      const existing = await consents.getConsent(record.id);
      if (!existing) created = await consents.addConsent(record);
      else if (existing.caseId !== record.caseId || existing.recipient !== record.recipient) {
        throw new Conflict(`Consent '${record.id}' already exists for another case or recipient`);
      } else stored = existing;
    }
    await audit.appendAudit(newAuditEntry({
      type: 'CONSENT_RECORDED',
      key: [stored.id],
      at: now,
      userId: user.id,
      organisation: orgOf(user),
      caseId: stored.caseId,
      purpose: CONSENT_AUDIT_PURPOSE,
      details: {
        consentId: stored.id,
        recipient: stored.recipient,
        scope: stored.scope.join(','),
        purposes: stored.purposes.join(','),
        dataCategories: stored.dataCategories.join(','),
        grantedAt: stored.grantedAt,
        validUntil: stored.validUntil,
      },
    }));
    ctx.status = created ? 201 : 200;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = consentDto(stored);
  });

  router.get('/consents', requireGroup(...CONSENT_GROUPS), async (ctx) => {
    const user = currentUser(ctx);
    const q = new QueryReader(ctx.query);
    const caseId = q.string('caseId');
    if (caseId === undefined || caseId.trim() === '') throw new ValidationError('caseId is required');
    if (caseId.length > MAX_CASE_ID) throw new ValidationError(`caseId must be at most ${MAX_CASE_ID} characters`);
    await options.authorizeCase?.(user, caseId);
    const list = await consents.listConsents(caseId);
    // Audited before anything is sent: no disclosure without its audit entry.
    await audit.appendAudit(newAuditEntry({
      type: 'READ',
      at: isoNow(clock),
      userId: user.id,
      organisation: orgOf(user),
      caseId,
      purpose: CONSENT_AUDIT_PURPOSE,
      details: { resource: 'consents', count: list.length },
    }));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = list.map(consentDto);
  });

  router.post('/consents/:id/withdraw', requireGroup(...CONSENT_GROUPS), async (ctx) => {
    const user = currentUser(ctx);
    const id = ctx.params.id ?? '';
    if (!CONSENT_ID.test(id)) throw new NotFound(`Consent '${id.slice(0, 80)}' does not exist`);
    if (options.authorizeCase) {
      const existing = await consents.getConsent(id);
      if (!existing) throw new NotFound(`Consent '${id.slice(0, 80)}' does not exist`);
      await options.authorizeCase(user, existing.caseId);
    }
    const record = await consents.withdrawConsent(id, isoNow(clock), user.id);
    await audit.appendAudit(newAuditEntry({
      type: 'CONSENT_WITHDRAWN',
      key: [record.id],
      at: record.withdrawnAt!,
      userId: record.withdrawnBy ?? user.id,
      // A repeat by someone else (after a failed first audit): the organisation is the withdrawer's, unknown here.
      organisation: (record.withdrawnBy ?? user.id) === user.id ? orgOf(user) : null,
      caseId: record.caseId,
      purpose: CONSENT_AUDIT_PURPOSE,
      details: { consentId: record.id, recipient: record.recipient, scope: record.scope.join(',') },
    }));
    if (options.onWithdrawn) await options.onWithdrawn(record, user);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = consentDto(record);
  });

  return router;
}
