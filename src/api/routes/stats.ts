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
import { newAuditEntry, type AuditEntry } from '../../kim/auditStore.ts';
import type { AccessFilter, DefinitionRecord, InstanceQuery, InstanceRecord, Store, TimerRecord } from '../../store/store.ts';
import { definitionDto } from '../dto.ts';
import { QueryReader } from '../query.ts';
import { accessPolicy, type Services } from '../services.ts';
import type { AppRouter, AppState, AuthUser } from '../types.ts';
import { organisationOf } from './consents.ts';

/** The group (besides admin) that sees the cockpit and the dashboard. */
export const STATS_GROUP = 'kim-koordination';
export const TIME_ZONE = 'Europe/Berlin';
const DAY_MS = 86_400_000;
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

/** Does the list filter admit this instance (the store's rule for instances: by owning organisation)? */
function admits(filter: AccessFilter | undefined, instance: Pick<InstanceRecord, 'organisation'>): boolean {
  return filter === undefined || filter.organisations.includes(instance.organisation ?? null);
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

// ---------------------------------------------------------------------------------------------- time helpers

const dateParts = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day in Herne of an instant (`2026-03-02`). */
export function localDate(ms: number): string {
  return dateParts.format(new Date(ms));
}

/** Minutes Herne is ahead of UTC at an instant. */
function offsetMinutes(ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
    .formatToParts(new Date(ms));
  const n = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** Midnight in Herne at the start of a calendar day (`2026-03-29` → `2026-03-28T23:00:00.000Z`). */
export function localMidnight(date: string): number {
  const utc = Date.parse(`${date}T00:00:00Z`);
  let ms = utc - offsetMinutes(utc) * 60_000;
  ms = utc - offsetMinutes(ms) * 60_000; // the offset at the local midnight itself (DST days)
  return ms;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO 8601 week of a calendar day: `{ week: '2026-W10', monday: '2026-03-02' }`. */
export function isoWeek(date: string): { week: string; monday: string } {
  const d = new Date(`${date}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday = 0
  const monday = addDays(date, -weekday);
  const thursday = new Date(Date.parse(`${monday}T00:00:00Z`) + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const firstMonday = Date.UTC(year, 0, 4) - ((firstThursday.getUTCDay() + 6) % 7) * DAY_MS;
  const week = Math.floor((Date.parse(`${monday}T00:00:00Z`) - firstMonday) / (7 * DAY_MS)) + 1;
  return { week: `${year}-W${String(week).padStart(2, '0')}`, monday };
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

/** Phases of a case (`kim-case-lifecycle`), by the task keys open in it (tools/bpmn/kimCaseLifecycle.ts). */
export const CASE_PHASES: ReadonlyArray<{ phase: string; tasks: readonly string[] }> = [
  { phase: 'Erstkontakt', tasks: ['erstkontakt', 'neuzuweisung', 'fachaufsichtErstkontakt'] },
  { phase: 'Intake', tasks: ['intakeEinwilligung', 'clearing'] },
  { phase: 'Assessment', tasks: ['assessment'] },
  { phase: 'Hilfeplan', tasks: ['hilfeplan', 'linking'] },
  { phase: 'Monitoring', tasks: ['verlaufsgespraech', 'kontaktversuch', 'abschlussVorschlag'] },
  { phase: 'Evaluation', tasks: ['evaluation'] },
  { phase: 'Abschluss', tasks: ['abschluss'] },
];
export const CASE_PROCESS = 'kim-case-lifecycle';
export const ARRIVAL_PROCESS = 'ankommensverfahren';
/** Outcomes that end the arrival procedure without its result (not in the median). */
export const ARRIVAL_ENDED_WITHOUT_RESULT = ['WEGZUG', 'ABBRUCH'];
export const ESCALATION_LEVELS = [0, 1, 2, 3, 4] as const;

export interface Dashboard {
  /** The range (ISO) and the time zone weeks and days are reckoned in. */
  from: string;
  to: string;
  generatedAt: string;
  timeZone: string;
  /** Open tasks per candidate group now (a task offered to two groups counts for both; `group: null` = no group). */
  tasksByGroup: Array<{ group: string | null; name: string; open: number; overdue: number }>;
  /** Escalations in the range per ISO week (every week of the range): `levels[n]` = level n (3 = ESCALATED_TO_ABH). */
  escalationsByWeek: Array<{ week: string; weekStart: string; levels: number[]; total: number; transferBlocked: number }>;
  escalationTotals: { levels: number[]; total: number; transferBlocked: number };
  /** Running cases now, by the phase of their open tasks (the furthest one when tasks of two phases are open). */
  casesByPhase: Array<{ phase: string; cases: number }>;
  activeCases: number;
  /** Running cases with no open task of a known phase (waiting on a timer, a call, …). */
  casesWithoutPhase: number;
  /**
   * Arrival procedures that reached their result (`ergebnis`) in the range: days from the start to the
   * result (the instance may stay open for the arrival phase's later deadlines). WEGZUG/ABBRUCH are
   * counted in `endedWithoutResult`, not in the figures.
   */
  arrivalDuration: {
    completed: number;
    medianDays: number | null;
    p25Days: number | null;
    p75Days: number | null;
    byOutcome: Record<string, number>;
    endedWithoutResult: Record<string, number>;
  };
}

/** Percentile with linear interpolation between closest ranks (sorted input). */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * p;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

const round1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);

async function allAudit(store: Store, type: string, from: string, to: string): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (let first = 0; ; first += PAGE) {
    const rows = await store.audit.findAudit({ type, from, to, firstResult: first, maxResults: PAGE });
    out.push(...rows);
    if (rows.length < PAGE) return out;
  }
}

export async function dashboard(s: Services, range: { from: number; to: number }): Promise<Dashboard> {
  const store = s.store;
  const now = s.clock.now();
  const from = new Date(range.from).toISOString();
  const to = new Date(range.to).toISOString();

  // Open and overdue tasks per candidate group (a snapshot now).
  const groups = new Map<string | null, { open: number; overdue: number }>();
  const caseTasks = new Map<string, Set<string>>();
  for (let first = 0; ; first += PAGE) {
    const tasks = await store.findTasks({ sortBy: 'id', sortOrder: 'asc', firstResult: first, maxResults: PAGE });
    for (const t of tasks) {
      const overdue = t.due !== null && Date.parse(t.due) < now;
      for (const g of t.candidateGroups.length ? t.candidateGroups : [null]) {
        const e = groups.get(g) ?? { open: 0, overdue: 0 };
        e.open++;
        if (overdue) e.overdue++;
        groups.set(g, e);
      }
      if (t.definitionKey === CASE_PROCESS) caseTasks.set(t.instanceId, (caseTasks.get(t.instanceId) ?? new Set()).add(t.taskDefinitionKey));
    }
    if (tasks.length < PAGE) break;
  }
  const tasksByGroup: Dashboard['tasksByGroup'] = [];
  for (const [group, e] of groups) {
    const name = group === null ? 'ohne Gruppe (direkt zugewiesen)' : ((await store.getGroup(group))?.name ?? group);
    tasksByGroup.push({ group, name, ...e });
  }
  tasksByGroup.sort((a, b) => b.open - a.open || b.overdue - a.overdue || String(a.group).localeCompare(String(b.group)));

  // Escalations per level per ISO week (Herne's calendar), from the audit log.
  const weeks = new Map<string, { week: string; weekStart: string; levels: number[]; total: number; transferBlocked: number }>();
  const lastDay = localDate(range.to);
  for (let day = localDate(range.from); ; day = addDays(day, 7)) {
    const w = isoWeek(day <= lastDay ? day : lastDay);
    if (!weeks.has(w.week)) weeks.set(w.week, { week: w.week, weekStart: w.monday, levels: [0, 0, 0, 0, 0], total: 0, transferBlocked: 0 });
    if (day >= lastDay) break;
  }
  const weekOf = (at: string) => weeks.get(isoWeek(localDate(Date.parse(at))).week);
  for (const e of await allAudit(store, 'ESCALATED', from, to)) {
    const level = Number(e.details.level);
    const w = weekOf(e.at);
    if (!w || !Number.isInteger(level) || level < 0 || level > 4) continue;
    w.levels[level]!++;
    w.total++;
  }
  for (const e of await allAudit(store, 'ESCALATED_TO_ABH', from, to)) {
    const w = weekOf(e.at);
    if (!w) continue;
    w.levels[3]!++;
    w.total++;
  }
  for (const e of await allAudit(store, 'TRANSFER_BLOCKED', from, to)) {
    const w = weekOf(e.at);
    if (w) w.transferBlocked++;
  }
  const escalationsByWeek = [...weeks.values()].sort((a, b) => a.weekStart.localeCompare(b.weekStart));
  const escalationTotals = {
    levels: ESCALATION_LEVELS.map((l) => escalationsByWeek.reduce((n, w) => n + w.levels[l]!, 0)),
    total: escalationsByWeek.reduce((n, w) => n + w.total, 0),
    transferBlocked: escalationsByWeek.reduce((n, w) => n + w.transferBlocked, 0),
  };

  // Running cases per phase (a snapshot now).
  const phaseOf = new Map<string, number>();
  CASE_PHASES.forEach((p, i) => p.tasks.forEach((t) => phaseOf.set(t, i)));
  const phaseCounts = CASE_PHASES.map(() => 0);
  let phased = 0;
  for (const keys of caseTasks.values()) {
    const idx = Math.max(-1, ...[...keys].map((k) => phaseOf.get(k) ?? -1));
    if (idx >= 0) {
      phaseCounts[idx]!++;
      phased++;
    }
  }
  const activeCases = await store.countInstances({ definitionKey: CASE_PROCESS, active: true });

  // Duration of the arrival procedure until its result.
  const results = new Map<string, { outcome: string; at: number }>();
  for (let first = 0; ; first += PAGE) {
    const rows = await store.findVariableHistory({ name: 'ergebnis', firstResult: first, maxResults: PAGE });
    for (const r of rows) {
      if (r.definitionKey === ARRIVAL_PROCESS && r.state === 'CREATED' && typeof r.value === 'string' && r.value !== '') {
        results.set(r.instanceId, { outcome: r.value, at: Date.parse(r.createTime) });
      }
    }
    if (rows.length < PAGE) break;
  }
  const durations: number[] = [];
  const byOutcome: Record<string, number> = {};
  const endedWithoutResult: Record<string, number> = {};
  const ids = [...results.keys()];
  for (let i = 0; i < ids.length; i += PAGE) {
    for (const instance of await store.findInstances({ ids: ids.slice(i, i + PAGE) })) {
      const result = results.get(instance.id)!;
      const at = instance.endTime ? Math.min(result.at, Date.parse(instance.endTime)) : result.at;
      if (at < range.from || at > range.to) continue;
      if (ARRIVAL_ENDED_WITHOUT_RESULT.includes(result.outcome)) {
        endedWithoutResult[result.outcome] = (endedWithoutResult[result.outcome] ?? 0) + 1;
        continue;
      }
      byOutcome[result.outcome] = (byOutcome[result.outcome] ?? 0) + 1;
      durations.push((at - Date.parse(instance.startTime)) / DAY_MS);
    }
  }
  durations.sort((a, b) => a - b);

  return {
    from,
    to,
    generatedAt: new Date(now).toISOString(),
    timeZone: TIME_ZONE,
    tasksByGroup,
    escalationsByWeek,
    escalationTotals,
    casesByPhase: CASE_PHASES.map((p, i) => ({ phase: p.phase, cases: phaseCounts[i]! })),
    activeCases,
    casesWithoutPhase: Math.max(0, activeCases - phased),
    arrivalDuration: {
      completed: durations.length,
      medianDays: round1(percentile(durations, 0.5)),
      p25Days: round1(percentile(durations, 0.25)),
      p75Days: round1(percentile(durations, 0.75)),
      byOutcome,
      endedWithoutResult,
    },
  };
}

// ---------------------------------------------------------------------------------------------------- CSV

const LEVEL_NAMES = ['Stufe 0', 'Stufe 1', 'Stufe 2', 'Stufe 3 (ABH)', 'Stufe 4'];

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const text = typeof v === 'number' ? String(v).replace('.', ',') : v;
  // Quote what needs it; a leading = + - @ would be a formula in Excel: neutralise it.
  const safe = /^[=+\-@]/.test(text) && typeof v !== 'number' ? `'${text}` : text;
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The dashboard as CSV for German Excel: BOM, `;`, CRLF, decimal comma. */
export function dashboardCsv(d: Dashboard): string {
  const rows: Array<Array<string | number | null>> = [['Bereich', 'Kategorie', 'Kennzahl', 'Wert']];
  const day = (iso: string) => localDate(Date.parse(iso));
  rows.push(['Zeitraum', '', 'von', day(d.from)], ['Zeitraum', '', 'bis', day(d.to)], ['Zeitraum', '', 'erstellt am', d.generatedAt]);
  for (const g of d.tasksByGroup) {
    const label = g.group === null ? g.name : `${g.name} (${g.group})`;
    rows.push(['Aufgaben je Gruppe', label, 'offen', g.open], ['Aufgaben je Gruppe', label, 'überfällig', g.overdue]);
  }
  for (const w of d.escalationsByWeek) {
    ESCALATION_LEVELS.forEach((l) => rows.push(['Eskalationen je Woche', w.week, LEVEL_NAMES[l]!, w.levels[l]!]));
    rows.push(['Eskalationen je Woche', w.week, 'Übermittlung blockiert', w.transferBlocked]);
  }
  for (const p of d.casesByPhase) rows.push(['Fälle je Phase', p.phase, 'laufende Fälle', p.cases]);
  rows.push(['Fälle je Phase', 'ohne offene Aufgabe', 'laufende Fälle', d.casesWithoutPhase]);
  const a = d.arrivalDuration;
  rows.push(
    ['Dauer Ankommensverfahren', '', 'abgeschlossen (Anzahl)', a.completed],
    ['Dauer Ankommensverfahren', '', 'Median (Tage)', a.medianDays],
    ['Dauer Ankommensverfahren', '', '25. Perzentil (Tage)', a.p25Days],
    ['Dauer Ankommensverfahren', '', '75. Perzentil (Tage)', a.p75Days],
  );
  for (const [outcome, n] of Object.entries(a.byOutcome).sort()) rows.push(['Dauer Ankommensverfahren', outcome, 'Anzahl', n]);
  for (const [outcome, n] of Object.entries(a.endedWithoutResult).sort()) rows.push(['Dauer Ankommensverfahren', outcome, 'beendet ohne Ergebnis (Anzahl)', n]);
  return '\uFEFF' + rows.map((r) => r.map(csvCell).join(';')).join('\r\n') + '\r\n';
}

// ------------------------------------------------------------------------------------------ cockpit instances

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
