/**
 * Statistics for the cockpit and the dashboard of the KIM-Koordination (issue 6), on the store port only
 * (both adapters), with no personal data in anything they return.
 *
 * Camunda 7 runtime statistics (mounted by definitions.ts under `/engine-rest`):
 * - `GET /process-definition/statistics?failedJobs=&incidents=|rootIncidents=|incidentsForType=` → per
 *   definition `{id, instances, failedJobs, incidents: [{incidentType, incidentCount}], definition}`;
 * - `GET /process-definition/{id}/statistics` (and `/key/{key}/statistics`, the latest version) → per
 *   activity `{id, instances, failedJobs, incidents}` for activities with active instances, failed jobs or
 *   incidents.
 * Counts cover the running instances the caller may list (`AccessPolicy.filter`: coordinators and admins
 * all, case managers their organisation's cases and those without owner). Our only incident type is
 * `failedJob` and incidents do not propagate to calling instances, so `incidents` and `rootIncidents`
 * count the same. A failed job is a service-task job whose retries ran out. Boundary events that wait
 * (a timer on a task) are not activity instances here, as in Camunda.
 *
 * This service's own (`/api`, admin and `kim-koordination`, 403 otherwise):
 * - `GET /stats/dashboard?from=&to=` — the controlling figures (see `Dashboard`); `from`/`to` are dates
 *   (`2026-03-01`, whole days in Herne) or ISO date-times; default: the last 12 weeks up to now.
 * - `GET /stats/dashboard.csv?from=&to=` — the same as CSV for German Excel: UTF-8 with BOM, `;` as
 *   separator, CRLF, decimal comma; one row per figure (`Bereich;Kategorie;Kennzahl;Wert`). Audited `EXPORT`.
 * - `GET /stats/instances?processInstanceId=&processDefinitionKey=&businessKeyLike=&state=running|ended&escalationLevel=none|0…4&firstResult=&maxResults=`
 *   — the cockpit's instance list `{count, items}`: ids, process, version, business key (the case id),
 *   state, start/end, escalation level, incident count, owning organisation. Nothing else of the case.
 */
import Router from '@koa/router';
import { currentUser, requireGroup } from '../../identity/auth.ts';
import { ValidationError } from '../../errors.ts';
import { newAuditEntry } from '../../kim/auditStore.ts';
import type { DefinitionRecord, InstanceQuery, InstanceRecord, Store, TimerRecord } from '../../store/store.ts';
import { definitionDto } from '../dto.ts';
import { QueryReader } from '../query.ts';
import { accessPolicy, type Services } from '../services.ts';
import { admits, organisationOf } from '../../kim/access.ts';
import type { AppRouter, AppState, AuthUser } from '../types.ts';
import { addDays, DAY_MS, localDate, localMidnight } from '../../kim/calendar.ts';
import { dashboard, dashboardCsv } from '../../kim/dashboard.ts';

/** The group (besides admin) that sees the cockpit and the dashboard. */
export const STATS_GROUP = 'kim-koordination';
const PAGE = 500;

// ------------------------------------------------------------------------------------------ Camunda statistics

export interface StatisticsOptions {
  failedJobs: boolean;
  /** `all` (incidents=true), `root` (rootIncidents=true), an incident type (incidentsForType), or none. */
  incidents: 'all' | 'root' | { type: string } | null;
}

/** Camunda's query parameters of the statistics resources (400 for combinations Camunda refuses). */
export function statisticsOptions(raw: Record<string, unknown>, level: 'definition' | 'activity'): StatisticsOptions {
  const q = new QueryReader(raw);
  const incidents = q.bool('incidents') === true;
  const root = level === 'definition' && q.bool('rootIncidents') === true;
  const forType = q.string('incidentsForType') || undefined;
  if ([incidents, root, forType !== undefined].filter(Boolean).length > 1) {
    throw new ValidationError(`Only one of ${level === 'definition' ? 'incidents, rootIncidents and incidentsForType' : 'incidents and incidentsForType'} can be set`);
  }
  return { failedJobs: q.bool('failedJobs') === true, incidents: incidents ? 'all' : root ? 'root' : forType !== undefined ? { type: forType } : null };
}

function incidentList(count: number, opts: StatisticsOptions): Array<{ incidentType: string; incidentCount: number }> {
  if (opts.incidents === null || count === 0) return [];
  if (typeof opts.incidents === 'object' && opts.incidents.type !== 'failedJob') return [];
  return [{ incidentType: 'failedJob', incidentCount: count }];
}

/** Service-task jobs whose retries ran out (incidents), of running instances. */
async function incidentJobs(store: Store): Promise<TimerRecord[]> {
  return store.findJobs({ kind: 'job', noRetriesLeft: true });
}

/** Every instance matching the query, page by page (the store's order by id keeps pages stable). */
async function* scan(store: Store, query: InstanceQuery): AsyncGenerator<InstanceRecord> {
  for (let first = 0; ; first += PAGE) {
    const rows = await store.findInstances({ ...query, sortBy: 'instanceId', sortOrder: 'asc', firstResult: first, maxResults: PAGE });
    yield* rows;
    if (rows.length < PAGE) return;
  }
}

/** `GET /process-definition/statistics`: every definition with its running instances, failed jobs and incidents. */
export async function definitionStatistics(s: Services, user: AuthUser, opts: StatisticsOptions) {
  const filter = accessPolicy(s).filter(user);
  const definitions = await s.store.findDefinitions({ sortBy: 'key', sortOrder: 'asc' });
  const failed = new Map<string, number>();
  const instances = new Map<string, InstanceRecord | null>();
  for (const job of await incidentJobs(s.store)) {
    if (!instances.has(job.instanceId)) instances.set(job.instanceId, (await s.store.getInstance(job.instanceId)) ?? null);
    const instance = instances.get(job.instanceId);
    if (!instance || instance.state !== 'ACTIVE' || !admits(filter, instance)) continue;
    failed.set(instance.definitionId, (failed.get(instance.definitionId) ?? 0) + 1);
  }
  const result = [];
  for (const d of definitions.sort((a, b) => a.key.localeCompare(b.key) || a.version - b.version)) {
    const count = await s.store.countInstances({ definitionId: d.id, active: true, access: filter });
    const jobs = failed.get(d.id) ?? 0;
    result.push({ id: d.id, instances: count, failedJobs: opts.failedJobs ? jobs : 0, incidents: incidentList(jobs, opts), definition: definitionDto(d) });
  }
  return result;
}

/** `GET /process-definition/{id}/statistics`: active activity instances, failed jobs and incidents per activity. */
export async function activityStatistics(s: Services, user: AuthUser, definition: DefinitionRecord, opts: StatisticsOptions) {
  const filter = accessPolicy(s).filter(user);
  const visible = new Set<string>();
  for await (const i of scan(s.store, { definitionId: definition.id, active: true, access: filter })) visible.add(i.id);
  const byActivity = new Map<string, { instances: number; failed: number }>();
  const entry = (activityId: string) => {
    let e = byActivity.get(activityId);
    if (!e) byActivity.set(activityId, (e = { instances: 0, failed: 0 }));
    return e;
  };
  if (visible.size > 0) {
    for (const a of await s.store.findActivityHistory({ unfinished: true })) {
      if (a.definitionId !== definition.id || !visible.has(a.instanceId) || a.endTime !== null) continue;
      if (!isToken(a.activityType)) continue;
      entry(a.activityId).instances++;
    }
    for (const job of await incidentJobs(s.store)) {
      if (visible.has(job.instanceId)) entry(job.activityId).failed++;
    }
  }
  return [...byActivity.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, e]) => ({ id, instances: e.instances, failedJobs: opts.failedJobs ? e.failed : 0, incidents: incidentList(e.failed, opts) }));
}

/** Is an open activity-history row of this type a token (an activity instance in Camunda's sense)? */
export function isToken(activityType: string): boolean {
  if (activityType === 'bpmn:BoundaryEvent') return false;
  return !/Process$/.test(activityType) || activityType === 'bpmn:SubProcess';
}

/** A range bound: a calendar day (whole days in Herne; `to` includes its day) or an ISO date-time with zone. */
function bound(q: QueryReader, name: 'from' | 'to'): number | undefined {
  const raw = q.string(name);
  if (raw === undefined || raw === '') return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw) && !Number.isNaN(Date.parse(`${raw}T00:00:00Z`))) {
    return name === 'from' ? localMidnight(raw) : localMidnight(addDays(raw, 1)) - 1;
  }
  const fixed = raw.replace(/ (\d{2}:?\d{2})$/, '+$1'); // an unencoded '+' arrives as a space
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(fixed) || Number.isNaN(Date.parse(fixed.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')))) {
    throw new ValidationError(`Parameter '${name}' must be a date (2026-03-01) or an ISO 8601 date-time with time zone`);
  }
  return Date.parse(fixed.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/** The dashboard's range: `from`/`to` of the query, by default the last 12 weeks up to now. */
export function dashboardRange(raw: Record<string, unknown>, now: number): { from: number; to: number } {
  const q = new QueryReader(raw);
  const to = bound(q, 'to') ?? now;
  const from = bound(q, 'from') ?? localMidnight(addDays(localDate(to), -83));
  if (from > to) throw new ValidationError("Parameter 'from' must not be after 'to'");
  if (to - from > 3 * 366 * DAY_MS) throw new ValidationError('The range may span at most three years');
  return { from, to };
}

// ---------------------------------------------------------------------------------------------- the dashboard

function escalationLevelOf(instance: InstanceRecord): number | null {
  const v = instance.variables.escalationLevel?.value;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

// ------------------------------------------------------------------------------------------------ the router

export function statsRouter(s: Services): AppRouter {
  const router = new Router<AppState>();
  const access = accessPolicy(s);

  router.get('/stats/dashboard', requireGroup(STATS_GROUP), async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await dashboard(s, dashboardRange(ctx.query, s.clock.now()));
  });

  router.get('/stats/dashboard.csv', requireGroup(STATS_GROUP), async (ctx) => {
    const user = currentUser(ctx);
    const range = dashboardRange(ctx.query, s.clock.now());
    const d = await dashboard(s, range);
    await s.store.audit.appendAudit(newAuditEntry({
      type: 'EXPORT',
      at: new Date(s.clock.now()).toISOString(),
      userId: user.id,
      organisation: organisationOf(user),
      caseId: null,
      purpose: 'controlling',
      details: { resource: 'dashboard.csv', from: d.from, to: d.to },
    }));
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Content-Disposition', `attachment; filename="kim-dashboard_${localDate(range.from)}_${localDate(range.to)}.csv"`);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.body = dashboardCsv(d);
  });

  router.get('/stats/instances', requireGroup(STATS_GROUP), async (ctx) => {
    const user = currentUser(ctx);
    const q = new QueryReader(ctx.query);
    const state = q.oneOf('state', ['running', 'ended'] as const);
    const levelParam = q.oneOf('escalationLevel', ['none', '0', '1', '2', '3', '4'] as const);
    const like = q.string('businessKeyLike')?.replace(/%/g, '').trim();
    const { firstResult = 0, maxResults = 50 } = q.page();
    if (maxResults > 500) throw new ValidationError("Parameter 'maxResults' must be at most 500");
    const id = q.string('processInstanceId') || undefined;
    const query: InstanceQuery = {
      ids: id === undefined ? undefined : [id],
      definitionKey: q.string('processDefinitionKey') || undefined,
      definitionId: q.string('processDefinitionId') || undefined,
      businessKeyLike: like ? `%${like}%` : undefined,
      ...(state === 'running' ? { active: true } : state === 'ended' ? { finished: true } : {}),
      access: access.filter(user),
      sortBy: 'startTime',
      sortOrder: 'desc',
    };
    let count: number;
    let page: InstanceRecord[];
    if (levelParam === undefined) {
      [count, page] = await Promise.all([s.store.countInstances(query), s.store.findInstances({ ...query, firstResult, maxResults })]);
    } else {
      const wanted = levelParam === 'none' ? null : Number(levelParam);
      const matching: InstanceRecord[] = [];
      for (let first = 0; ; first += PAGE) {
        const rows = await s.store.findInstances({ ...query, firstResult: first, maxResults: PAGE });
        for (const i of rows) if (escalationLevelOf(i) === wanted) matching.push(i);
        if (rows.length < PAGE) break;
      }
      count = matching.length;
      page = matching.slice(firstResult, firstResult + maxResults);
    }
    const incidents = new Map<string, number>();
    for (const job of await incidentJobs(s.store)) incidents.set(job.instanceId, (incidents.get(job.instanceId) ?? 0) + 1);
    const definitions = new Map<string, DefinitionRecord | undefined>();
    const items = [];
    for (const i of page) {
      if (!definitions.has(i.definitionId)) definitions.set(i.definitionId, await s.store.getDefinition(i.definitionId));
      const d = definitions.get(i.definitionId);
      items.push({
        id: i.id,
        processDefinitionId: i.definitionId,
        processDefinitionKey: i.definitionKey,
        processDefinitionName: d?.name ?? null,
        processDefinitionVersion: d?.version ?? (Number(i.definitionId.split(':')[1]) || null),
        businessKey: i.businessKey,
        state: i.state,
        startTime: i.startTime,
        endTime: i.endTime,
        escalationLevel: escalationLevelOf(i),
        incidents: i.state === 'ACTIVE' ? (incidents.get(i.id) ?? 0) : 0,
        organisation: i.organisation ?? null,
        superProcessInstanceId: i.superInstanceId,
      });
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { count, items };
  });

  return router;
}
