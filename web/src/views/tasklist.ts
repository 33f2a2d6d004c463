/**
 * "Meine Aufgaben" (assigned to me) and "Gruppenaufgaben" (offered to me or my groups, not yet
 * taken), with counts, filters (process, overdue), sorting (due date, priority) and claim/unclaim.
 * The state lives in the address: `/?liste=gruppe&prozess=ankommensverfahren&ueberfaellig=1&sortierung=prioritaet`.
 */
import { describeError, get, post, query } from '../api.ts';
import { h, replace } from '../dom.ts';
import { dueText } from '../due.ts';
import type { App, Definition, View } from '../main.ts';

export interface Task {
  id: string;
  name: string | null;
  assignee: string | null;
  created: string;
  due: string | null;
  priority: number;
  processDefinitionId: string;
  processDefinitionKey: string | null;
  processInstanceId: string;
  taskDefinitionKey: string;
  businessKey: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
}

type List = 'meine' | 'gruppe';

const SORTS = {
  faellig: { label: 'Fälligkeit (früheste zuerst)', sortBy: 'dueDate', sortOrder: 'asc' },
  'faellig-spaet': { label: 'Fälligkeit (späteste zuerst)', sortBy: 'dueDate', sortOrder: 'desc' },
  prioritaet: { label: 'Priorität (höchste zuerst)', sortBy: 'priority', sortOrder: 'desc' },
  'prioritaet-niedrig': { label: 'Priorität (niedrigste zuerst)', sortBy: 'priority', sortOrder: 'asc' },
  neueste: { label: 'Neueste zuerst', sortBy: 'created', sortOrder: 'desc' },
} as const;
type Sort = keyof typeof SORTS;

const PAGE = 100;

/** Escalation level of an instance (variable `escalationLevel`), if the user may see it. */
export async function escalationLevel(instanceId: string): Promise<number | null> {
  try {
    const v = await get<{ value: unknown }>(`/engine-rest/process-instance/${encodeURIComponent(instanceId)}/variables/escalationLevel`);
    return typeof v.value === 'number' ? v.value : null;
  } catch {
    return null;
  }
}

export function escalationBadge(level: number | null): HTMLElement | null {
  if (level === null || level <= 0) return null;
  return h('span', { class: `badge badge-escalation level-${Math.min(level, 4)}`, title: `Eskalationsstufe ${level}` }, `Stufe ${level}`);
}

export function priorityText(p: number): string | null {
  if (p > 50) return 'hoch';
  if (p < 50) return 'niedrig';
  return null;
}

export function dueCell(app: App, due: string | null): HTMLElement {
  const d = dueText(due, app.now());
  return h('span', { class: `due due-${d.state}`, title: d.title || undefined }, d.text);
}

/** The end of the local day `days` days after `now` (ISO), for "fällig bis". */
export function endOfDayIn(now: number, days: number): string {
  const d = new Date(now);
  d.setHours(23, 59, 59, 999);
  d.setDate(d.getDate() + days);
  return d.toISOString();
}

export const tasklistView: View = async (app, root, _params, alive) => {
  const params = new URLSearchParams(location.search);
  const list: List = params.get('liste') === 'gruppe' ? 'gruppe' : 'meine';
  const process = params.get('prozess') ?? '';
  const overdue = params.get('ueberfaellig') === '1';
  // "fällig in den nächsten n Tagen" (0 = heute); ignored when only overdue tasks are shown.
  const withinRaw = params.get('faelligInTagen');
  const within = withinRaw !== null && /^\d{1,3}$/.test(withinRaw) ? Number(withinRaw) : null;
  const sort: Sort = (params.get('sortierung') as Sort) in SORTS ? (params.get('sortierung') as Sort) : 'faellig';
  document.title = `${list === 'meine' ? 'Meine Aufgaben' : 'Gruppenaufgaben'} – KIM Herne`;

  const go = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    const s = next.toString();
    app.navigate(s ? `/?${s}` : '/', { replace: true });
  };

  const me = app.session.id;
  const filters = {
    processDefinitionKey: process || undefined,
    dueBefore: overdue ? new Date(app.now()).toISOString() : within !== null ? endOfDayIn(app.now(), within) : undefined,
  };
  const listQuery = (l: List) => (l === 'meine' ? { assignee: me, ...filters } : { candidateUser: me, ...filters });
  const { sortBy, sortOrder } = SORTS[sort];

  const [defs, mineCount, groupCount, tasks] = await Promise.all([
    app.definitions(),
    get<{ count: number }>(`/engine-rest/task/count${query(listQuery('meine'))}`),
    get<{ count: number }>(`/engine-rest/task/count${query(listQuery('gruppe'))}`),
    get<Task[]>(`/engine-rest/task${query({ ...listQuery(list), sortBy, sortOrder, firstResult: 0, maxResults: PAGE })}`),
  ]);
  if (!alive()) return;

  const tab = (l: List, label: string, count: number) =>
    h(
      'a',
      {
        href: `/?${new URLSearchParams({ ...Object.fromEntries(params), liste: l }).toString()}`,
        class: `tab${l === list ? ' active' : ''}`,
        role: 'tab',
        'aria-selected': l === list ? 'true' : 'false',
        'data-link': true,
        'data-list': l,
      },
      label,
      ' ',
      h('span', { class: 'count', 'data-count': l }, String(count)),
    );

  const processSelect = h(
    'select',
    { id: 'filter-process', onchange: (e: Event) => go({ prozess: (e.target as HTMLSelectElement).value }) },
    h('option', { value: '' }, 'Alle Prozesse'),
    [...defs.values()]
      .sort((a, b) => (a.name ?? a.key).localeCompare(b.name ?? b.key, 'de'))
      .map((d: Definition) => h('option', { value: d.key, selected: d.key === process }, d.name ?? d.key)),
  );
  const withinSelect = h(
    'select',
    { id: 'filter-due', onchange: (e: Event) => go({ faelligInTagen: (e.target as HTMLSelectElement).value || null }) },
    [['', 'alle'], ['0', 'heute'], ['7', 'in 7 Tagen'], ['30', 'in 30 Tagen']].map(([v, label]) =>
      h('option', { value: v, selected: (within === null ? '' : String(within)) === v }, label)),
  );
  const overdueBox = h('input', { type: 'checkbox', id: 'filter-overdue', checked: overdue, onchange: (e: Event) => go({ ueberfaellig: (e.target as HTMLInputElement).checked ? '1' : null }) });
  const sortSelect = h(
    'select',
    { id: 'sort', onchange: (e: Event) => go({ sortierung: (e.target as HTMLSelectElement).value === 'faellig' ? null : (e.target as HTMLSelectElement).value }) },
    (Object.keys(SORTS) as Sort[]).map((k) => h('option', { value: k, selected: k === sort }, SORTS[k].label)),
  );

  const claim = async (t: Task, button: HTMLButtonElement) => {
    button.disabled = true;
    try {
      await post(`/engine-rest/task/${encodeURIComponent(t.id)}/claim`, {});
      app.flash(`„${t.name ?? t.taskDefinitionKey}“ ist jetzt in „Meine Aufgaben“.`);
      go({});
    } catch (err) {
      button.disabled = false;
      app.flash(describeError(err), 'error');
    }
  };
  const unclaim = async (t: Task, button: HTMLButtonElement) => {
    button.disabled = true;
    try {
      await post(`/engine-rest/task/${encodeURIComponent(t.id)}/unclaim`, {});
      app.flash(`„${t.name ?? t.taskDefinitionKey}“ ist zurück in den Gruppenaufgaben.`);
      go({});
    } catch (err) {
      button.disabled = false;
      app.flash(describeError(err), 'error');
    }
  };

  const badgeCells = new Map<string, HTMLElement[]>();
  const rows = tasks.map((t) => {
    const badge = h('td', { class: 'col-escalation' });
    badgeCells.set(t.processInstanceId, [...(badgeCells.get(t.processInstanceId) ?? []), badge]);
    const action = h('button', { type: 'button', class: list === 'gruppe' ? 'button-primary small' : 'button-quiet small', 'data-action': list === 'gruppe' ? 'claim' : 'unclaim' }, list === 'gruppe' ? 'Übernehmen' : 'Zurückgeben');
    action.addEventListener('click', () => void (list === 'gruppe' ? claim(t, action) : unclaim(t, action)));
    const prio = priorityText(t.priority);
    return h(
      'tr',
      { 'data-task-id': t.id },
      h(
        'td',
        { class: 'col-name' },
        h('a', { href: `/aufgaben/${encodeURIComponent(t.id)}`, 'data-link': true, class: 'task-link' }, t.name ?? t.taskDefinitionKey),
        prio ? h('span', { class: `badge badge-priority prio-${prio}`, title: `Priorität ${t.priority}` }, `Priorität ${prio}`) : null,
      ),
      h('td', { class: 'col-process' }, app.processName(t.processDefinitionKey, defs)),
      h('td', { class: 'col-business-key' }, t.businessKey ?? '–'),
      h('td', { class: 'col-due' }, dueCell(app, t.due)),
      badge,
      h('td', { class: 'col-actions' }, action),
    );
  });

  const total = list === 'meine' ? mineCount.count : groupCount.count;
  const table = tasks.length
    ? h(
        'table',
        { class: 'tasks', id: 'task-table' },
        h('thead', null, h('tr', null, h('th', null, 'Aufgabe'), h('th', null, 'Prozess'), h('th', null, 'Vorgang'), h('th', null, 'Fällig'), h('th', null, 'Eskalation'), h('th', null, h('span', { class: 'sr-only' }, 'Aktion')))),
        h('tbody', null, rows),
      )
    : h('p', { class: 'empty', id: 'empty-list' }, overdue || process || within !== null ? 'Keine Aufgaben für diese Auswahl.' : list === 'meine' ? 'Sie haben keine offenen Aufgaben. Neue finden Sie unter „Gruppenaufgaben“.' : 'Keine offenen Gruppenaufgaben.');

  replace(
    root,
    h(
      'section',
      { class: 'panel' },
      h('h1', { class: 'sr-only' }, 'Aufgaben'),
      h('nav', { class: 'tabs', role: 'tablist' }, tab('meine', 'Meine Aufgaben', mineCount.count), tab('gruppe', 'Gruppenaufgaben', groupCount.count)),
      h(
        'div',
        { class: 'filters' },
        h('label', { for: 'filter-process' }, 'Prozess'),
        processSelect,
        h('label', { for: 'filter-due' }, 'Fällig bis'),
        withinSelect,
        h('label', { class: 'check' }, overdueBox, ' nur überfällige'),
        h('label', { for: 'sort' }, 'Sortierung'),
        sortSelect,
        h('button', { type: 'button', class: 'button-quiet small', onclick: () => go({}) }, 'Aktualisieren'),
      ),
      table,
      total > tasks.length ? h('p', { class: 'hint' }, `Es werden die ersten ${tasks.length} von ${total} Aufgaben angezeigt.`) : null,
    ),
  );

  // Escalation badges after the list is shown (one request per instance, the instance's variable).
  await Promise.all(
    [...badgeCells.entries()].map(async ([instanceId, cells]) => {
      const level = await escalationLevel(instanceId);
      if (!alive()) return;
      for (const cell of cells) replace(cell, escalationBadge(level));
    }),
  );
};
