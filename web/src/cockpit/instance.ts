/**
 * Cockpit: one process instance — its facts (pseudonymised: case id, state, dates, escalation level,
 * organisation), the diagram with active tokens and per-activity counts, its incidents with
 * "Erneut versuchen" (`PUT /engine-rest/job/{id}/retries`), its history as a timeline, its audit entries
 * (`GET /api/audit?caseId=`), and — only on request — its variables as the API returns them to the user
 * (for the KIM-Koordination pseudonymised by the service); case notes are never shown.
 */
import { ApiError, describeError, get, query, request } from '../api.ts';
import { h, replace } from '../dom.ts';
import { parseDate } from '../due.ts';
import type { View } from '../main.ts';
import { escalationBadge } from '../views/tasklist.ts';
import { activityTypeText, AUDIT_TYPE_TEXT, dateTime, duration, stateBadge } from './access.ts';
import type { InstanceRow } from './instances.ts';

interface ActivityInstance {
  id: string;
  activityId: string;
  activityName: string | null;
  activityType: string;
  startTime: string;
  endTime: string | null;
  durationInMillis: number | null;
  canceled: boolean;
  calledProcessInstanceId: string | null;
}

interface Incident {
  id: string;
  activityId: string;
  incidentTimestamp: string | null;
  incidentMessage: string | null;
  configuration: string;
}

interface AuditItem {
  id: string;
  at: string;
  type: string;
  userId: string | null;
  organisation: string | null;
  purpose: string | null;
  details: Record<string, string | number | boolean | null>;
}

/** Variables the cockpit never shows, whatever the API returns: case notes and free-text remarks. */
export const NOTE_VARIABLE = /(notiz|note|notes|bemerkung|kommentar|comment|beschreibung|description)/i;

/** Open activity-history rows that are tokens (a waiting boundary event is not one). */
const isToken = (type: string) => type !== 'boundaryEvent' && (!/[pP]rocess$/.test(type) || type === 'subProcess');

function notFound(root: HTMLElement): void {
  document.title = 'Instanz nicht gefunden – KIM Herne';
  replace(
    root,
    h(
      'section',
      { class: 'panel' },
      h('h1', null, 'Instanz nicht gefunden'),
      h('p', null, 'Die Prozessinstanz gibt es nicht oder sie ist für Sie nicht sichtbar.'),
      h('p', null, h('a', { href: '/cockpit/instanzen', 'data-link': true }, 'Zu den Instanzen')),
    ),
  );
}

function detailsText(details: AuditItem['details'], instanceId: string): string {
  return Object.entries(details)
    .filter(([k, v]) => !NOTE_VARIABLE.test(k) && !(k === 'instanceId' && v === instanceId))
    .map(([k, v]) => `${k}: ${v === null ? '–' : String(v)}`)
    .join(' · ');
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

export const cockpitInstanceView: View = async (app, root, params, alive) => {
  const id = params.id!;
  const summary = await get<{ count: number; items: InstanceRow[] }>(`/api/stats/instances${query({ processInstanceId: id })}`);
  const instance = summary.items[0];
  if (!alive()) return;
  if (!instance) return notFound(root);
  const label = instance.businessKey ?? instance.id;
  document.title = `${label} – Cockpit – KIM Herne`;
  const running = instance.state === 'ACTIVE';

  const [defs, xml, activities, incidents, audit] = await Promise.all([
    app.definitions(),
    get<{ bpmn20Xml: string }>(`/engine-rest/process-definition/${encodeURIComponent(instance.processDefinitionId)}/xml`).then((r) => r.bpmn20Xml).catch(() => null),
    get<ActivityInstance[]>(`/engine-rest/history/activity-instance${query({ processInstanceId: id, sortOrder: 'asc' })}`).catch((err) => {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }),
    running ? get<Incident[]>(`/engine-rest/incident${query({ processInstanceId: id })}`) : Promise.resolve([] as Incident[]),
    instance.businessKey
      ? get<{ items: AuditItem[]; count: number }>(`/api/audit${query({ caseId: instance.businessKey, sortOrder: 'desc', maxResults: 100 })}`).catch(() => null)
      : Promise.resolve({ items: [], count: 0 }),
  ]);
  if (!alive()) return;
  if (activities === null) return notFound(root);

  // Counts per activity for the diagram.
  const active = new Map<string, number>();
  const done = new Map<string, number>();
  for (const a of activities) {
    if (a.endTime === null) {
      if (isToken(a.activityType)) active.set(a.activityId, (active.get(a.activityId) ?? 0) + 1);
    } else if (!a.canceled) done.set(a.activityId, (done.get(a.activityId) ?? 0) + 1);
  }
  const incidentCounts = new Map<string, number>();
  for (const i of incidents) incidentCounts.set(i.activityId, (incidentCounts.get(i.activityId) ?? 0) + 1);
  const names = new Map(activities.map((a) => [a.activityId, a.activityName ?? a.activityId]));

  const processName = instance.processDefinitionName ?? app.processName(instance.processDefinitionKey, defs);
  const end = instance.endTime ? parseDate(instance.endTime) : app.now();
  const facts = h(
    'dl',
    { class: 'facts' },
    h('dt', null, 'Prozess'),
    h('dd', null, h('a', { href: `/cockpit/instanzen?prozess=${encodeURIComponent(instance.processDefinitionKey)}`, 'data-link': true }, processName), ` (Version ${instance.processDefinitionVersion ?? '?'})`),
    h('dt', null, 'Status'),
    h('dd', { id: 'instance-state' }, stateBadge(instance.state)),
    h('dt', null, 'Eskalation'),
    h('dd', { id: 'instance-escalation' }, escalationBadge(instance.escalationLevel) ?? (instance.escalationLevel === 0 ? 'Stufe 0' : 'keine')),
    h('dt', null, 'Gestartet'),
    h('dd', null, dateTime(instance.startTime)),
    h('dt', null, running ? 'Laufzeit' : 'Beendet'),
    h('dd', null, running ? duration(end - parseDate(instance.startTime)) : `${dateTime(instance.endTime)} (nach ${duration(end - parseDate(instance.startTime))})`),
    h('dt', null, 'Organisation'),
    h('dd', null, instance.organisation ?? 'keine (offen nach Zuständigkeit)'),
    instance.superProcessInstanceId
      ? [h('dt', null, 'Aufgerufen von'), h('dd', null, h('a', { href: `/cockpit/instanzen/${encodeURIComponent(instance.superProcessInstanceId)}`, 'data-link': true }, 'übergeordnete Instanz'))]
      : null,
  );

  // Incidents with "Erneut versuchen".
  const incidentPanel = h(
    'section',
    { class: 'panel', id: 'incidents' },
    h('h2', null, `Störungen (${incidents.length})`),
    incidents.length
      ? h(
          'ul',
          { class: 'incident-list' },
          incidents.map((i) => {
            const button = h('button', { type: 'button', class: 'button-primary small', 'data-action': 'retry', 'data-job': i.configuration }, 'Erneut versuchen');
            button.addEventListener('click', async () => {
              button.disabled = true;
              try {
                await request('PUT', `/engine-rest/job/${encodeURIComponent(i.configuration)}/retries`, { retries: 1 });
                app.flash(`„${names.get(i.activityId) ?? i.activityId}“ wird erneut ausgeführt.`);
                setTimeout(() => alive() && app.navigate(location.pathname, { replace: true }), 800);
              } catch (err) {
                button.disabled = false;
                app.flash(describeError(err), 'error');
              }
            });
            return h(
              'li',
              { class: 'incident', 'data-activity': i.activityId },
              h('div', { class: 'incident-head' }, h('strong', null, names.get(i.activityId) ?? i.activityId), h('span', { class: 'muted' }, ` seit ${dateTime(i.incidentTimestamp)}`), button),
              i.incidentMessage ? h('p', { class: 'incident-message' }, i.incidentMessage) : null,
            );
          }),
        )
      : h('p', { class: 'hint' }, running ? 'Keine Störungen.' : 'Die Instanz ist beendet.'),
  );

  // The history as a timeline.
  const timeline = h(
    'ol',
    { class: 'timeline', id: 'timeline' },
    activities.map((a) => {
      const boundary = a.activityType === 'boundaryEvent';
      const state = a.endTime === null ? (boundary ? 'wartet' : 'läuft') : a.canceled ? (boundary ? 'nicht ausgelöst' : 'abgebrochen') : 'abgeschlossen';
      const cls = a.endTime === null ? 'open' : a.canceled ? 'canceled' : 'done';
      return h(
        'li',
        { class: `timeline-entry ${cls}`, 'data-activity': a.activityId },
        h('span', { class: 'timeline-dot', 'aria-hidden': 'true' }),
        h(
          'div',
          { class: 'timeline-body' },
          h('div', null, h('strong', { class: 'timeline-name' }, a.activityName ?? a.activityId), h('span', { class: 'muted' }, ` · ${activityTypeText(a.activityType)}`), h('span', { class: `badge timeline-state state-${cls}` }, state)),
          h(
            'div',
            { class: 'timeline-times' },
            h('span', null, 'Start ', h('time', { datetime: a.startTime }, dateTime(a.startTime))),
            a.endTime ? h('span', null, ' · Ende ', h('time', { datetime: a.endTime }, dateTime(a.endTime)), a.durationInMillis ? ` · ${duration(a.durationInMillis)}` : '') : null,
            a.calledProcessInstanceId ? h('span', null, ' · ', h('a', { href: `/cockpit/instanzen/${encodeURIComponent(a.calledProcessInstanceId)}`, 'data-link': true }, 'aufgerufene Instanz')) : null,
          ),
        ),
      );
    }),
  );

  const auditPanel = h(
    'section',
    { class: 'panel', id: 'audit' },
    h('h2', null, 'Protokoll (Audit)'),
    audit === null
      ? h('p', { class: 'hint' }, 'Das Protokoll ist nicht verfügbar.')
      : audit.items.length
        ? h(
            'table',
            { class: 'tasks audit-table' },
            h('thead', null, h('tr', null, h('th', null, 'Zeitpunkt'), h('th', null, 'Ereignis'), h('th', null, 'Wer'), h('th', null, 'Zweck'), h('th', null, 'Angaben'))),
            h(
              'tbody',
              null,
              audit.items.map((e) =>
                h(
                  'tr',
                  { 'data-audit-type': e.type },
                  h('td', { class: 'nowrap' }, dateTime(e.at)),
                  h('td', null, AUDIT_TYPE_TEXT[e.type] ?? e.type),
                  h('td', null, e.userId ?? 'System', e.organisation ? h('div', { class: 'muted' }, e.organisation) : null),
                  h('td', null, e.purpose ?? '–'),
                  h('td', { class: 'audit-details' }, detailsText(e.details, id)),
                ),
              ),
            ),
          )
        : h('p', { class: 'hint' }, instance.businessKey ? 'Keine Einträge zu diesem Vorgang.' : 'Ohne Vorgangsnummer gibt es keine Einträge.'),
    audit && audit.count > audit.items.length ? h('p', { class: 'hint' }, `Die neuesten ${audit.items.length} von ${audit.count} Einträgen.`) : null,
  );

  // Variables: only when asked for (each read of an owned case is audited by the service).
  const variablesBody = h('div', { class: 'variables-body' });
  const variablesPanel = h(
    'details',
    { class: 'panel variables', id: 'variables' },
    h('summary', null, h('h2', { class: 'inline' }, 'Variablen anzeigen')),
    h('p', { class: 'hint' }, app.session.isAdmin ? 'Notizen werden im Cockpit nicht angezeigt.' : 'So, wie der Dienst sie für die KIM-Koordination freigibt (bei Fällen pseudonymisiert: keine Namen, Notizen oder Einschätzungen). Der Abruf wird protokolliert.'),
    variablesBody,
  );
  let loaded = false;
  variablesPanel.addEventListener('toggle', async () => {
    if (!(variablesPanel as HTMLDetailsElement).open || loaded) return;
    loaded = true;
    replace(variablesBody, h('p', { class: 'loading' }, 'Wird geladen …'));
    try {
      const list: Array<{ name: string; type: string; value: unknown }> = running
        ? Object.entries(await get<Record<string, { type: string; value: unknown }>>(`/engine-rest/process-instance/${encodeURIComponent(id)}/variables`)).map(([name, v]) => ({ name, ...v }))
        : await get<Array<{ name: string; type: string; value: unknown }>>(`/engine-rest/history/variable-instance${query({ processInstanceId: id })}`);
      const shown = list.filter((v) => !NOTE_VARIABLE.test(v.name)).sort((a, b) => a.name.localeCompare(b.name, 'de'));
      const hidden = list.length - shown.length;
      replace(
        variablesBody,
        shown.length
          ? h(
              'table',
              { class: 'tasks variables-table' },
              h('thead', null, h('tr', null, h('th', null, 'Name'), h('th', null, 'Typ'), h('th', null, 'Wert'))),
              h('tbody', null, shown.map((v) => h('tr', { 'data-variable': v.name }, h('td', { class: 'mono' }, v.name), h('td', null, v.type), h('td', { class: 'variable-value' }, valueText(v.value))))),
            )
          : h('p', { class: 'hint' }, 'Keine Variablen sichtbar.'),
        hidden ? h('p', { class: 'hint' }, `${hidden} Notizfeld${hidden === 1 ? '' : 'er'} ausgeblendet.`) : null,
      );
    } catch (err) {
      loaded = false;
      replace(variablesBody, h('p', { class: 'form-error', role: 'alert' }, err instanceof ApiError && err.status === 404 ? 'Die Variablen sind für Sie nicht sichtbar.' : describeError(err)));
    }
  });

  const diagramHost = h('div', { class: 'diagram-host', id: 'instance-diagram' });
  replace(
    root,
    h(
      'div',
      { class: 'cockpit-instance' },
      h('p', { class: 'back' }, h('a', { href: '/cockpit/instanzen', 'data-link': true }, '← Zu den Instanzen')),
      h('section', { class: 'panel task-head' }, h('div', { class: 'task-title' }, h('h1', { id: 'instance-title' }, `${processName}: ${label}`)), facts),
      h('section', { class: 'panel' }, h('h2', null, 'Diagramm'), diagramHost),
      incidentPanel,
      h('div', { class: 'cockpit-columns' }, h('section', { class: 'panel', id: 'history' }, h('h2', null, `Verlauf (${activities.length} Schritte)`), timeline), auditPanel),
      variablesPanel,
    ),
  );

  const disposers: Array<() => void> = [];
  if (xml) {
    void import('./diagram.ts')
      .then(async ({ showInstanceDiagram }) => {
        if (!alive()) return;
        disposers.push(await showInstanceDiagram(diagramHost, xml, { active, done, incidents: incidentCounts }));
      })
      .catch((err) => {
        console.error(err);
        replace(diagramHost, h('p', { class: 'hint' }, 'Das Diagramm kann nicht angezeigt werden.'));
      });
  } else replace(diagramHost, h('p', { class: 'hint' }, 'Kein Diagramm verfügbar.'));
  return () => disposers.forEach((d) => d());
};
