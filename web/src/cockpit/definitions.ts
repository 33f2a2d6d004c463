/**
 * Cockpit start page: the deployed processes with their versions, running instances and incidents
 * (`GET /engine-rest/process-definition/statistics`), each linking to its instances.
 */
import { get } from '../api.ts';
import { h, replace } from '../dom.ts';
import type { View } from '../main.ts';

export interface DefinitionStatistics {
  id: string;
  instances: number;
  failedJobs: number;
  incidents: Array<{ incidentType: string; incidentCount: number }>;
  definition: { id: string; key: string; name: string | null; version: number; versionTag: string | null; deploymentId: string };
}

/** The cockpit's sub-navigation. */
export function cockpitTabs(active: 'prozesse' | 'instanzen'): HTMLElement {
  const tab = (key: typeof active, href: string, label: string) =>
    h('a', { href, class: `tab${key === active ? ' active' : ''}`, 'data-link': true, 'aria-current': key === active ? 'page' : undefined }, label);
  return h('nav', { class: 'tabs', 'aria-label': 'Cockpit' }, tab('prozesse', '/cockpit', 'Prozesse'), tab('instanzen', '/cockpit/instanzen', 'Instanzen'));
}

export const cockpitDefinitionsView: View = async (_app, root, _params, alive) => {
  document.title = 'Cockpit – KIM Herne';
  const stats = await get<DefinitionStatistics[]>('/engine-rest/process-definition/statistics?failedJobs=true&incidents=true');
  if (!alive()) return;

  const byKey = new Map<string, DefinitionStatistics[]>();
  for (const s of stats) byKey.set(s.definition.key, [...(byKey.get(s.definition.key) ?? []), s]);
  const groups = [...byKey.values()]
    .map((versions) => versions.sort((a, b) => b.definition.version - a.definition.version))
    .sort((a, b) => (a[0]!.definition.name ?? a[0]!.definition.key).localeCompare(b[0]!.definition.name ?? b[0]!.definition.key, 'de'));

  const rows = groups.map((versions) => {
    const latest = versions[0]!;
    const d = latest.definition;
    const running = versions.reduce((n, v) => n + v.instances, 0);
    const incidents = versions.reduce((n, v) => n + v.incidents.reduce((m, i) => m + i.incidentCount, 0), 0);
    const instancesLink = `/cockpit/instanzen?prozess=${encodeURIComponent(d.key)}`;
    return h(
      'tr',
      { 'data-key': d.key },
      h('td', { class: 'col-name' }, h('a', { href: instancesLink, 'data-link': true, class: 'task-link' }, d.name ?? d.key), h('div', { class: 'muted mono' }, d.key)),
      h(
        'td',
        { class: 'col-version' },
        h('span', { class: 'version-latest', title: d.versionTag ? `Versions-Tag ${d.versionTag}` : undefined }, `Version ${d.version}`),
        versions.length > 1 ? h('div', { class: 'muted' }, `${versions.length} Versionen`) : null,
      ),
      h(
        'td',
        { class: 'col-instances num' },
        h('a', { href: `${instancesLink}&status=laufend`, 'data-link': true, class: 'count-link', 'data-count': 'instances' }, String(running)),
        versions.length > 1 && running > 0
          ? h('div', { class: 'muted version-split' }, versions.filter((v) => v.instances > 0).map((v) => `V${v.definition.version}: ${v.instances}`).join(' · '))
          : null,
      ),
      h('td', { class: 'col-incidents num' }, incidents > 0 ? h('span', { class: 'badge badge-incident', 'data-count': 'incidents' }, `${incidents} ${incidents === 1 ? 'Störung' : 'Störungen'}`) : h('span', { class: 'muted' }, '–')),
    );
  });

  replace(
    root,
    h(
      'section',
      { class: 'panel cockpit' },
      h('h1', null, 'Cockpit'),
      cockpitTabs('prozesse'),
      rows.length
        ? h(
            'table',
            { class: 'tasks', id: 'definition-table' },
            h('thead', null, h('tr', null, h('th', null, 'Prozess'), h('th', null, 'Version'), h('th', { class: 'num' }, 'Laufende Instanzen'), h('th', { class: 'num' }, 'Störungen'))),
            h('tbody', null, rows),
          )
        : h('p', { class: 'empty' }, 'Es sind keine Prozesse bereitgestellt.'),
      h('p', { class: 'hint' }, 'Gezählt werden laufende Instanzen aller Versionen. Störungen sind automatische Schritte, deren Wiederholungen erschöpft sind.'),
    ),
  );
};
