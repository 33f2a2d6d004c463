import Router from '@koa/router';
import { currentUser, requireGroup } from '../../identity/auth.ts';
import { rejectDollarKeys } from '../../identity/validation.ts';
import { isoNow, systemClock, type Clock } from '../../clock.ts';
import { ValidationError } from '../../errors.ts';
import { AUDIT_TYPE_PATTERN, newAuditEntry, toInstant, type AuditEntry, type AuditStore } from '../../kim/auditStore.ts';
import { QueryReader } from '../query.ts';
import type { AppRouter, AppState, AuthUser } from '../types.ts';
import { organisationOf } from '../../kim/access.ts';

/** Group (besides admin) that may read the audit log. */
export const AUDIT_READ_GROUP = 'kim-koordination';
/** The `purpose` of the READ entry that reading the log writes. */
export const AUDIT_READ_PURPOSE = 'audit';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

export interface AuditRouterOptions {
  /** Replaces `organisationOf` from src/kim/access.ts. */
  organisationOf?: (user: AuthUser) => string | null;
}

const auditDto = (e: AuditEntry) => ({
  id: e.id,
  at: e.at,
  type: e.type,
  userId: e.userId,
  organisation: e.organisation,
  caseId: e.caseId,
  purpose: e.purpose,
  details: e.details,
});

/** A time bound from the query string; a `+` of an unencoded offset arrives as a space. */
function timeParam(q: QueryReader, name: string): string | undefined {
  const raw = q.string(name);
  if (raw === undefined || raw === '') return undefined;
  const iso = toInstant(raw.replace(/ (\d{2}:?\d{2})$/, '+$1'));
  if (iso === undefined) throw new ValidationError(`Parameter '${name}' must be an ISO 8601 date-time with time zone (e.g. 2026-03-01T08:00:00Z)`);
  return iso;
}

/**
 * The audit log (KIM-PROCESSES.md §6), prefix-less: mount under `/api` behind `authMiddleware`.
 *
 * `GET /audit?caseId=|businessKey=&type=&userId=&from=&to=&sortOrder=asc|desc&firstResult=&maxResults=`
 * → `{ items, count }` (`count` = all matches; `from`/`to` inclusive ISO date-times; default
 * chronological, 50 per page, at most 500). Admin or `kim-koordination` only (403 else). Each read
 * is itself audited (`READ`, purpose `audit`, the filters in `details`) before the answer is sent;
 * the answer does not contain its own entry.
 */
export function auditRouter(audit: AuditStore, clock: Clock = systemClock, options: AuditRouterOptions = {}): AppRouter {
  const orgOf = options.organisationOf ?? organisationOf;
  const router = new Router<AppState>();
  router.use(rejectDollarKeys);

  router.get('/audit', requireGroup(AUDIT_READ_GROUP), async (ctx) => {
    const user = currentUser(ctx);
    const q = new QueryReader(ctx.query);
    const caseId = q.string('caseId') || undefined;
    const businessKey = q.string('businessKey') || undefined;
    if (caseId !== undefined && businessKey !== undefined && caseId !== businessKey) {
      throw new ValidationError("Parameters 'caseId' and 'businessKey' name the same filter and must not differ");
    }
    const type = q.string('type') || undefined;
    if (type !== undefined && !AUDIT_TYPE_PATTERN.test(type)) throw new ValidationError("Parameter 'type' must be an audit type such as ESCALATED_TO_ABH");
    const userId = q.string('userId') || undefined;
    const from = timeParam(q, 'from');
    const to = timeParam(q, 'to');
    if (from !== undefined && to !== undefined && from > to) throw new ValidationError("Parameter 'from' must not be after 'to'");
    const sortOrder = q.oneOf('sortOrder', ['asc', 'desc'] as const) ?? 'asc';
    const { firstResult, maxResults } = q.page();
    const paging = { firstResult: firstResult ?? 0, maxResults: Math.min(maxResults ?? DEFAULT_PAGE, MAX_PAGE) };
    const filter = { caseId: caseId ?? businessKey, type, userId, from, to };

    const [items, count] = await Promise.all([audit.findAudit({ ...filter, sortOrder, ...paging }), audit.countAudit(filter)]);
    // Audited before anything is sent: no disclosure without its audit entry.
    await audit.appendAudit(newAuditEntry({
      type: 'READ',
      at: isoNow(clock),
      userId: user.id,
      organisation: orgOf(user),
      caseId: filter.caseId ?? null,
      purpose: AUDIT_READ_PURPOSE,
      details: {
        resource: 'audit',
        type: type ?? null,
        userId: userId ?? null,
        from: from ?? null,
        to: to ?? null,
        firstResult: paging.firstResult,
        maxResults: paging.maxResults,
        count,
      },
    }));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { items: items.map(auditDto), count };
  });

  return router;
}
