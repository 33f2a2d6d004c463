/**
 * Cockpit: process instances with filters (process, business key, state, escalation level), from
 * `GET /api/stats/instances` — pseudonymised: the case id, state, dates, escalation level, incidents and
 * the owning organisation, nothing about the people. The filters live in the address:
 * `/cockpit/instanzen?prozess=kim-case-lifecycle&vorgang=FALL&status=laufend&stufe=2&seite=2`.
 */
import { get, query } from '../api.ts';
import { h, replace } from '../dom.ts';
import type { View } from '../main.ts';
import { escalationBadge } from '../views/tasklist.ts';
import { dateTime, stateBadge } from './access.ts';
import { cockpitTabs } from './definitions.ts';

export interface InstanceRow {
  id: string;
  processDefinitionId: string;
  processDefinitionKey: string;
  processDefinitionName: string | null;
  processDefinitionVersion: number | null;
  businessKey: string | null;
  state: string;
  startTime: string;
  endTime: string | null;
  escalationLevel: number | null;
  incidents: number;
  organisation: string | null;
  superProcessInstanceId: string | null;
}

const PAGE = 50;
const STATES = { laufend: 'running', beendet: 'ended' } as const;
const LEVELS = ['keine', '0', '1', '2', '3', '4'] as const;

export const cockpitInstancesView: View = async (app, root, _params, alive) => {
  document.title = 'Instanzen – Cockpit – KIM Herne';
  const params = new URLSearchParams(location.search);
  const process = params.get('prozess') ?? '';
  const businessKey = params.get('vorgang') ?? '';
  const status = (params.get('status') ?? '') as keyof typeof STATES | '';
  const level = (LEVELS as readonly string[]).includes(params.get('stufe') ?? '') ? params.get('stufe')! : '';
  const page = Math.max(1, Number.parseInt(params.get('seite') ?? '1', 10) || 1);

  const go = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    if (!('seite' in changes)) next.delete('seite');
    const s = next.toString();
    app.navigate(`/cockpit/instanzen${s ? `?${s}` : ''}`, { replace: true });
  };

  const [defs, result] = await Promise.all([
    app.definitions(),
    get<{ count: number; items: InstanceRow[] }>(
      `/api/stats/instances${query({
        processDefinitionKey: process || undefined,
        businessKeyLike: businessKey || undefined,
        state: status ? STATES[status] : undefined,
        escalationLevel: level === 'keine' ? 'none' : level || undefined,
        firstResult: (page - 1) * PAGE,
        maxResults: PAGE,
      })}`,
    ),
  ]);
  if (!alive()) return;

  const processSelect = h(
    'select',
    { id: 'filter-process', onchange: (e: Event) => go({ prozess: (e.target as HTMLSelectElement).value }) },
    h('option', { value: '' }, 'Alle Prozesse'),
    [...defs.values()]
      .sort((a, b) => (a.name ?? a.key).localeCompare(b.name ?? b.key, 'de'))
      .map((d) => h('option', { value: d.key, selected: d.key === process }, d.name ?? d.key)),
  );
  const keyInput = h('input', { type: 'search', id: 'filter-business-key', value: businessKey, placeholder: 'z. B. HH-2026 oder FALL-', autocomplete: 'off' });
  const keyForm = h('form', { class: 'inline-form', role: 'search' }, keyInput, h('button', { type: 'submit', class: 'button-quiet small' }, 'Suchen'));
  keyForm.addEventListener('submit', (e) => {
    e.preventDefault();
    go({ vorgang: keyInput.value.trim() });
  });
  const statusSelect = h(
    'select',
    { id: 'filter-state', onchange: (e: Event) => go({ status: (e.target as HTMLSelectElement).value }) },
    h('option', { value: '', selected: !status }, 'alle'),
    h('option', { value: 'laufend', selected: status === 'laufend' }, 'laufend'),
    h('option', { value: 'beendet', selected: status === 'beendet' }, 'beendet'),
  );
  const levelSelect = h(
    'select',
    { id: 'filter-level', onchange: (e: Event) => go({ stufe: (e.target as HTMLSelectElement).value }) },
    h('option', { value: '', selected: !level }, 'alle'),
    LEVELS.map((l) => h('option', { value: l, selected: l === level }, l === 'keine' ? 'keine Eskalation' : `Stufe ${l}`)),
  );

  const rows = result.items.map((i) =>
    h(
      'tr',
      { 'data-instance-id': i.id, 'data-key': i.processDefinitionKey },
      h('td', { class: 'col-business-key' }, h('a', { href: `/cockpit/instanzen/${encodeURIComponent(i.id)}`, 'data-link': true, class: 'task-link' }, i.businessKey ?? i.id.slice(0, 8))),
      h('td', { class: 'col-process' }, i.processDefinitionName ?? app.processName(i.processDefinitionKey, defs), h('span', { class: 'muted' }, ` V${i.processDefinitionVersion ?? '?'}`)),
      h('td', { class: 'col-state' }, stateBadge(i.state)),
      h('td', { class: 'col-start' }, dateTime(i.startTime)),
      h('td', { class: 'col-end' }, dateTime(i.endTime)),
      h('td', { class: 'col-escalation' }, escalationBadge(i.escalationLevel) ?? (i.escalationLevel === 0 ? h('span', { class: 'badge badge-escalation level-0' }, 'Stufe 0') : h('span', { class: 'muted' }, '–'))),
      h('td', { class: 'col-incidents num' }, i.incidents > 0 ? h('span', { class: 'badge badge-incident' }, String(i.incidents)) : h('span', { class: 'muted' }, '–')),
      h('td', { class: 'col-organisation' }, i.organisation ?? h('span', { class: 'muted' }, '–')),
    ),
  );

  const pages = Math.max(1, Math.ceil(result.count / PAGE));
  const pager =
    pages > 1
      ? h(
          'div',
          { class: 'pager' },
          h('button', { type: 'button', class: 'button-quiet small', disabled: page <= 1, onclick: () => go({ seite: String(page - 1) }) }, '← Zurück'),
          h('span', null, `Seite ${page} von ${pages}`),
          h('button', { type: 'button', class: 'button-quiet small', disabled: page >= pages, onclick: () => go({ seite: String(page + 1) }) }, 'Weiter →'),
        )
      : null;

  replace(
    root,
    h(
      'section',
      { class: 'panel cockpit' },
      h('h1', null, 'Cockpit'),
      cockpitTabs('instanzen'),
      h(
        'div',
        { class: 'filters' },
        h('label', { for: 'filter-process' }, 'Prozess'),
        processSelect,
        h('label', { for: 'filter-business-key' }, 'Vorgang'),
        keyForm,
        h('label', { for: 'filter-state' }, 'Status'),
        statusSelect,
        h('label', { for: 'filter-level' }, 'Eskalation'),
        levelSelect,
      ),
      h('p', { class: 'hint', id: 'instance-count' }, result.count === 1 ? '1 Instanz' : `${result.count} Instanzen`),
      rows.length
        ? h(
            'table',
            { class: 'tasks', id: 'instance-table' },
            h(
              'thead',
              null,
              h('tr', null, h('th', null, 'Vorgang'), h('th', null, 'Prozess'), h('th', null, 'Status'), h('th', null, 'Gestartet'), h('th', null, 'Beendet'), h('th', null, 'Eskalation'), h('th', { class: 'num' }, 'Störungen'), h('th', null, 'Organisation')),
            ),
            h('tbody', null, rows),
          )
        : h('p', { class: 'empty', id: 'empty-list' }, 'Keine Instanzen für diese Auswahl.'),
      pager,
      h('p', { class: 'hint' }, 'Pseudonymisiert: Vorgangsnummer, Status, Fristen, Eskalationsstufe und Organisation – keine Namen, Notizen oder Einschätzungen.'),
    ),
  );
};
