/**
 * The controlling figures of the KIM-Koordination's dashboard (issue 6; the seed's "Berichte, Monitoring,
 * Controlling"), aggregated on the store port (both adapters) with no personal data: open and overdue
 * tasks per group, escalations per level and ISO week, active cases per phase, the duration of the
 * arrival procedure; and the same as CSV for German Excel. Served by src/api/routes/stats.ts.
 */
import type { Clock } from '../clock.ts';
import type { AuditEntry } from './auditStore.ts';
import type { Store } from '../store/store.ts';
import { addDays, DAY_MS, isoWeek, localDate, TIME_ZONE } from './calendar.ts';

const PAGE = 500;

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

export async function dashboard(s: { store: Store; clock: Clock }, range: { from: number; to: number }): Promise<Dashboard> {
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
