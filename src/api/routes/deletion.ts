/**
 * Deletion of case data (KIM-PROCESSES.md §6; src/kim/deletion.ts), admin and `kim-koordination` only:
 *
 * - `POST /api/cases/{caseId}/delete` `{ "reason": "CONSENT_WITHDRAWN" | "RETENTION" | other text }`:
 *   purges every instance of the case (business key) with its tasks, history, jobs and consents, and
 *   audits `DELETED`. 404 if no instance has that business key (or the caller may not see the case),
 *   409 `{ runningInstanceIds }` while one still runs (nothing is cancelled), else 200 with the counts.
 * - `GET /api/cases/deletion-due[?until=YYYY-MM-DD]`: the cases due by today (or `until`) and not yet
 *   purged, pseudonymised: case id, due date, number of instances, the running ones that block it.
 */
import Router from '@koa/router';
import { currentUser, requireGroup } from '../../identity/auth.ts';
import { bodyObject, rejectDollarKeys } from '../../identity/validation.ts';
import { ValidationError } from '../../errors.ts';
import { newAuditEntry } from '../../kim/auditStore.ts';
import { CaseDeletion, dueMs, type CaseDeletionResult } from '../../kim/deletion.ts';
import { QueryReader } from '../query.ts';
import { accessPolicy, type Services } from '../services.ts';
import type { AppRouter, AppState } from '../types.ts';
import { organisationOf } from '../../kim/access.ts';

/** Group (besides admin) that may delete cases and list the due ones. */
export const DELETION_GROUP = 'kim-koordination';

const MAX_CASE_ID = 255;
const MAX_REASON = 200;
const CONTROL = /[\u0000-\u001f\u007f]/;

const deletions = new WeakMap<Services, CaseDeletion>();

/**
 * The deletion service of these services (one per app). Jobs of purged timers leave the scheduler
 * through the engine's scheduler hook (`onSchedules` = `Scheduler.sync`, as timer-start schedules do).
 */
export function caseDeletion(s: Services): CaseDeletion {
  let d = deletions.get(s);
  if (!d) deletions.set(s, (d = new CaseDeletion({ store: s.store, clock: s.clock, syncTimers: (change) => s.engine.onSchedules?.(change) })));
  return d;
}

const resultDto = (r: CaseDeletionResult) => ({
  caseId: r.caseId,
  reason: r.reason,
  deletedInstanceIds: r.instanceIds,
  counts: r.counts,
});

export function deletionRouter(s: Services): AppRouter {
  const router = new Router<AppState>();
  router.use(rejectDollarKeys);

  router.post('/cases/:caseId/delete', requireGroup(DELETION_GROUP), async (ctx) => {
    const user = currentUser(ctx);
    const caseId = ctx.params.caseId ?? '';
    if (caseId.trim() === '' || caseId.length > MAX_CASE_ID || CONTROL.test(caseId)) throw new ValidationError(`caseId must be 1 to ${MAX_CASE_ID} characters`);
    const body = bodyObject(ctx);
    const raw = body.reason;
    if (typeof raw !== 'string' || raw.trim() === '') throw new ValidationError("'reason' is required: CONSENT_WITHDRAWN, RETENTION or another legal reason");
    const reason = raw.trim();
    if (reason.length > MAX_REASON || CONTROL.test(reason)) throw new ValidationError(`'reason' must be at most ${MAX_REASON} characters without control characters`);
    await accessPolicy(s).requireCase(user, caseId);
    const result = await caseDeletion(s).purgeCase(caseId, reason, { userId: user.id, organisation: organisationOf(user) });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = resultDto(result);
  });

  router.get('/cases/deletion-due', requireGroup(DELETION_GROUP), async (ctx) => {
    const user = currentUser(ctx);
    const q = new QueryReader(ctx.query);
    const until = q.string('until') || undefined;
    let now = s.clock.now();
    if (until !== undefined) {
      const ms = /^\d{4}-\d{2}-\d{2}$/.test(until) ? dueMs(until) : undefined;
      if (ms === undefined) throw new ValidationError("Parameter 'until' must be a date (YYYY-MM-DD)");
      now = Math.max(now, ms);
    }
    const due = await caseDeletion(s).listDue(now);
    await s.store.audit.appendAudit(newAuditEntry({
      type: 'READ',
      at: new Date(s.clock.now()).toISOString(),
      userId: user.id,
      organisation: organisationOf(user),
      caseId: null,
      purpose: 'RETENTION',
      details: { resource: 'deletion-due', count: due.length },
    }));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      items: due.map((d) => ({ caseId: d.caseId, dueAt: d.dueAt, instances: d.instances, running: d.runningInstanceIds.length, runningInstanceIds: d.runningInstanceIds })),
      count: due.length,
    };
  });

  return router;
}
