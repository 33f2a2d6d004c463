/**
 * The dashboard of the KIM-Koordination ("Berichte, Monitoring, Controlling"): charts of the figures of
 * `GET /api/stats/dashboard` — open and overdue tasks per group, escalations per level and ISO week,
 * running cases per phase, and the duration of the arrival procedure (median with quartiles) — with a
 * time-range selector (in the address: `/dashboard?von=2026-01-01&bis=2026-03-31`), a CSV export and links
 * into the cockpit. Aggregates only: no case and no person appears here.
 */
import { get, query } from '../api.ts';
import { barChart, legend, rangeFigure, routeChartLinks } from '../charts.ts';
import { h, replace } from '../dom.ts';
import { formatDateTime, TIME_ZONE } from '../due.ts';
import type { View } from '../main.ts';

export interface DashboardData {
  from: string;
  to: string;
  generatedAt: string;
  timeZone: string;
  tasksByGroup: Array<{ group: string | null; name: string; open: number; overdue: number }>;
  escalationsByWeek: Array<{ week: string; weekStart: string; levels: number[]; total: number; transferBlocked: number }>;
  escalationTotals: { levels: number[]; total: number; transferBlocked: number };
  casesByPhase: Array<{ phase: string; cases: number }>;
  activeCases: number;
  casesWithoutPhase: number;
  arrivalDuration: {
    completed: number;
    medianDays: number | null;
    p25Days: number | null;
    p75Days: number | null;
    byOutcome: Record<string, number>;
    endedWithoutResult: Record<string, number>;
  };
}

const COLORS = {
  open: '#1d4f91',
  overdue: '#b3261e',
  levels: ['#9db7d9', '#e0b400', '#e07b00', '#b3261e', '#6b1a8f'],
  blocked: '#3b4652',
  phase: '#2b7a78',
};

const LEVEL_LABELS = ['Stufe 0 (Erinnerung)', 'Stufe 1 (CM-Koordination)', 'Stufe 2 (KIM-Koordination)', 'Stufe 3 (Ausländerbehörde)', 'Stufe 4 (Leitungsrunde)'];

const OUTCOME_TEXT: Record<string, string> = {
  ANKOMMEN_ABGESCHLOSSEN: 'Ankommen abgeschlossen',
  UEBERGABE_KIM_CM: 'Übergabe ins KIM-Case-Management',
  VERWEIS_FACHDIENST: 'Verweis an Fachdienst',
  WEGZUG: 'Wegzug',
  ABBRUCH: 'Abbruch',
};

const PRESETS = [
  { key: '4w', label: 'Letzte 4 Wochen', days: 27 },
  { key: '12w', label: 'Letzte 12 Wochen', days: 83 },
  { key: '6m', label: 'Letzte 6 Monate', days: 182 },
  { key: '12m', label: 'Letzte 12 Monate', days: 364 },
] as const;

const dayOf = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const germanDay = (day: string) => day.split('-').reverse().join('.');
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function card(id: string, title: string, ...body: Array<Node | null>): HTMLElement {
  return h('figure', { class: 'panel dashboard-card', id }, h('figcaption', null, h('h2', null, title)), ...body);
}

export const dashboardView: View = async (app, root, _params, alive) => {
  document.title = 'Dashboard – KIM Herne';
  const params = new URLSearchParams(location.search);
  const today = dayOf(app.now());
  const preset = PRESETS.find((p) => p.key === params.get('zeitraum')) ?? (params.get('von') || params.get('bis') ? null : PRESETS[1]);
  const bis = preset ? today : ISO_DAY.test(params.get('bis') ?? '') ? params.get('bis')! : today;
  const von = preset ? addDays(today, -preset.days) : ISO_DAY.test(params.get('von') ?? '') ? params.get('von')! : addDays(bis, -83);
  const range = query({ from: von, to: bis });

  const d = await get<DashboardData>(`/api/stats/dashboard${range}`);
  if (!alive()) return;

  const go = (q: Record<string, string>) => app.navigate(`/dashboard?${new URLSearchParams(q).toString()}`, { replace: true });
  const presetSelect = h(
    'select',
    { id: 'range-preset', onchange: (e: Event) => {
      const v = (e.target as HTMLSelectElement).value;
      if (v) go({ zeitraum: v });
    } },
    PRESETS.map((p) => h('option', { value: p.key, selected: preset?.key === p.key }, p.label)),
    h('option', { value: '', selected: !preset }, 'Eigener Zeitraum'),
  );
  const fromInput = h('input', { type: 'date', id: 'range-from', value: von, max: today });
  const toInput = h('input', { type: 'date', id: 'range-to', value: bis, max: today });
  const rangeForm = h(
    'form',
    { class: 'inline-form range-form' },
    h('label', { for: 'range-from' }, 'von'),
    fromInput,
    h('label', { for: 'range-to' }, 'bis'),
    toInput,
    h('button', { type: 'submit', class: 'button-quiet small' }, 'Anwenden'),
  );
  rangeForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!ISO_DAY.test(fromInput.value) || !ISO_DAY.test(toInput.value)) return app.flash('Bitte zwei gültige Daten angeben.', 'error');
    if (fromInput.value > toInput.value) return app.flash('Das Startdatum liegt nach dem Enddatum.', 'error');
    go({ von: fromInput.value, bis: toInput.value });
  });
  const csv = h('a', { href: `/api/stats/dashboard.csv${range}`, class: 'button-link', id: 'csv-export', download: `kim-dashboard_${von}_${bis}.csv` }, 'CSV exportieren');

  // 1. Open and overdue tasks per group.
  const groups = d.tasksByGroup;
  const tasksCard = card(
    'chart-tasks',
    'Offene und überfällige Aufgaben je Gruppe',
    groups.length
      ? barChart({
          id: 'tasks-by-group',
          label: `Offene und überfällige Aufgaben je Gruppe (Stand ${formatDateTime(Date.parse(d.generatedAt))})`,
          categories: groups.map((g) => g.name),
          categoryTitles: groups.map((g) => (g.group ? `${g.name} (${g.group})` : g.name)),
          series: [
            { key: 'offen', label: 'offen', color: COLORS.open, values: groups.map((g) => g.open) },
            { key: 'ueberfaellig', label: 'überfällig', color: COLORS.overdue, values: groups.map((g) => g.overdue) },
          ],
          orientation: 'horizontal',
          unit: 'Aufgaben',
        })
      : h('p', { class: 'empty' }, 'Keine offenen Aufgaben.'),
    legend([
      { key: 'offen', label: 'offen', color: COLORS.open },
      { key: 'ueberfaellig', label: 'überfällig', color: COLORS.overdue },
    ]),
    h('p', { class: 'hint' }, 'Stand jetzt; eine Aufgabe für mehrere Gruppen zählt bei jeder.'),
  );

  // 2. Escalations per level and ISO week, blocked transfers as a line.
  const weeks = d.escalationsByWeek;
  const escalationsCard = card(
    'chart-escalations',
    'Eskalationen je Woche und Stufe',
    barChart({
      id: 'escalations-by-week',
      label: `Eskalationen je Kalenderwoche und Stufe, ${germanDay(von)} bis ${germanDay(bis)}`,
      categories: weeks.map((w) => `KW ${Number(w.week.slice(-2))}`),
      categoryTitles: weeks.map((w) => `KW ${Number(w.week.slice(-2))}/${w.week.slice(0, 4)} (ab ${germanDay(w.weekStart)})`),
      series: LEVEL_LABELS.map((label, level) => ({ key: `stufe-${level}`, label, color: COLORS.levels[level]!, values: weeks.map((w) => w.levels[level] ?? 0) })),
      mode: 'stacked',
      line: { key: 'blockiert', label: 'Übermittlung blockiert (keine Einwilligung)', color: COLORS.blocked, values: weeks.map((w) => w.transferBlocked) },
      href: (_i, series) => `/cockpit/instanzen?stufe=${series.replace('stufe-', '')}`,
      unit: 'Eskalationen',
    }),
    legend([
      ...LEVEL_LABELS.map((label, level) => ({ key: `stufe-${level}`, label: `${label}: ${d.escalationTotals.levels[level] ?? 0}`, color: COLORS.levels[level]!, href: `/cockpit/instanzen?stufe=${level}` })),
      { key: 'blockiert', label: `Übermittlung blockiert: ${d.escalationTotals.transferBlocked}`, color: COLORS.blocked, dashed: true },
    ]),
    h('p', { class: 'hint' }, `${d.escalationTotals.total} Eskalationen im Zeitraum. Ein Klick auf eine Stufe zeigt die Instanzen, die jetzt auf dieser Stufe stehen.`),
  );

  // 3. Running cases per phase.
  const phasesCard = card(
    'chart-phases',
    'Laufende Fälle je Phase',
    barChart({
      id: 'cases-by-phase',
      label: `Laufende Fälle im Case Management je Phase (${d.activeCases} Fälle)`,
      categories: d.casesByPhase.map((p) => p.phase),
      series: [{ key: 'faelle', label: 'laufende Fälle', color: COLORS.phase, values: d.casesByPhase.map((p) => p.cases) }],
      href: () => '/cockpit/instanzen?prozess=kim-case-lifecycle&status=laufend',
      unit: 'Fälle',
      height: 240,
    }),
    h(
      'p',
      { class: 'hint' },
      d.activeCases === 1 ? '1 laufender Fall' : `${d.activeCases} laufende Fälle`,
      d.casesWithoutPhase ? `, davon ${d.casesWithoutPhase} ohne offene Aufgabe (z. B. wartend auf eine Frist)` : '',
      '. Stand jetzt. ',
      h('a', { href: '/cockpit/instanzen?prozess=kim-case-lifecycle&status=laufend', 'data-link': true }, 'Fälle im Cockpit'),
    ),
  );

  // 4. Duration of the arrival procedure.
  const a = d.arrivalDuration;
  const days = (n: number | null) => (n === null ? '–' : `${n.toLocaleString('de-DE', { maximumFractionDigits: 1 })} Tage`);
  const outcomes = Object.entries(a.byOutcome).sort(([, x], [, y]) => y - x);
  const ended = Object.entries(a.endedWithoutResult);
  const arrivalCard = card(
    'chart-arrival',
    'Dauer des Ankommensverfahrens',
    a.completed > 0 && a.medianDays !== null
      ? h(
          'div',
          { class: 'figure-row' },
          h('div', { class: 'big-figure' }, h('span', { class: 'big-number', id: 'arrival-median' }, days(a.medianDays)), h('span', { class: 'big-label' }, 'Median bis zum Ergebnis')),
          h(
            'dl',
            { class: 'quartiles' },
            h('dt', null, '25 % nach höchstens'),
            h('dd', { id: 'arrival-p25' }, days(a.p25Days)),
            h('dt', null, '75 % nach höchstens'),
            h('dd', { id: 'arrival-p75' }, days(a.p75Days)),
            h('dt', null, 'Haushalte'),
            h('dd', { id: 'arrival-count' }, String(a.completed)),
          ),
        )
      : h('p', { class: 'empty', id: 'arrival-empty' }, 'Im Zeitraum hat kein Ankommensverfahren sein Ergebnis erreicht.'),
    a.completed > 0 && a.medianDays !== null
      ? rangeFigure({ id: 'arrival-duration', label: `Dauer bis zum Ergebnis: Median ${days(a.medianDays)}, mittlere Hälfte ${days(a.p25Days)} bis ${days(a.p75Days)}`, median: a.medianDays, p25: a.p25Days ?? a.medianDays, p75: a.p75Days ?? a.medianDays, unit: 'Tage' })
      : null,
    outcomes.length || ended.length
      ? h(
          'ul',
          { class: 'outcomes' },
          outcomes.map(([o, n]) => h('li', null, `${OUTCOME_TEXT[o] ?? o}: ${n}`)),
          ended.map(([o, n]) => h('li', { class: 'muted' }, `${OUTCOME_TEXT[o] ?? o}: ${n} (nicht in der Dauer)`)),
        )
      : null,
    h(
      'p',
      { class: 'hint' },
      'Vom Start bis zum festgestellten Ergebnis, dessen Zeitpunkt im gewählten Zeitraum liegt. ',
      h('a', { href: '/cockpit/instanzen?prozess=ankommensverfahren', 'data-link': true }, 'Ankommensverfahren im Cockpit'),
    ),
  );

  const grid = h('div', { class: 'dashboard-grid' }, tasksCard, escalationsCard, phasesCard, arrivalCard);
  routeChartLinks(grid, (url) => app.navigate(url));
  replace(
    root,
    h(
      'div',
      { class: 'dashboard' },
      h(
        'section',
        { class: 'panel dashboard-head' },
        h('h1', null, 'Dashboard'),
        h('p', { class: 'lead', id: 'dashboard-range' }, `Zeitraum ${germanDay(von)} bis ${germanDay(bis)} · Stand ${formatDateTime(Date.parse(d.generatedAt))}`),
        h('div', { class: 'filters' }, h('label', { for: 'range-preset' }, 'Zeitraum'), presetSelect, rangeForm, h('span', { class: 'spacer' }), csv),
      ),
      grid,
      h('p', { class: 'hint' }, 'Nur zusammengefasste Zahlen, keine Fall- oder Personendaten. Der CSV-Export wird protokolliert.'),
    ),
  );
};
