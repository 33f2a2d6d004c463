/**
 * The modeler's routes and nav entry, the small part of the modeler that is in the app's main
 * bundle: it checks the role and loads the modeler itself (bpmn-js Modeler, properties panel,
 * linter, form editor and their stylesheet) only when the page is opened.
 *
 *   /modeler          deployed processes with their versions
 *   /modeler/neu      a new diagram from the template
 *   /modeler/{id}     a deployed version (process definition id) in the modeler
 *
 * Only `kim-koordination` and admin: the service allows deploying to them alone. Others see no
 * nav entry and get a "keine Berechtigung" page at these addresses.
 */
import type { Session } from '../api.ts';
import { h, replace } from '../dom.ts';
import type { View } from '../main.ts';

export const MODELER_GROUP = 'kim-koordination';

export function mayModel(session: Session): boolean {
  return session.isAdmin || session.groups.includes(MODELER_GROUP) || session.groups.includes('admin');
}

function noPermission(root: HTMLElement): void {
  document.title = 'Keine Berechtigung – KIM Herne';
  replace(
    root,
    h(
      'section',
      { class: 'panel', id: 'no-permission' },
      h('h1', null, 'Keine Berechtigung'),
      h('p', null, 'Der Modeler steht nur der KIM-Koordination und den Administratorinnen und Administratoren zur Verfügung.'),
      h('p', null, h('a', { href: '/', 'data-link': true }, 'Zu den Aufgaben')),
    ),
  );
}

/** A modeler view, loaded on demand after the role check. */
function lazy(name: 'listView' | 'newView' | 'editView'): View {
  return async (app, root, params, alive) => {
    if (!mayModel(app.session)) return noPermission(root);
    const page = await import('./page.ts');
    if (!alive()) return;
    const nav = document.getElementById('nav-modeler');
    nav?.classList.add('active');
    let dispose: Awaited<ReturnType<View>>;
    try {
      dispose = await page[name](app, root, params, alive);
    } catch (err) {
      nav?.classList.remove('active');
      throw err;
    }
    return () => {
      nav?.classList.remove('active');
      if (typeof dispose === 'function') dispose();
    };
  };
}

export const modelerRoutes: Array<{ pattern: RegExp; view: View; names: string[] }> = [
  { pattern: /^\/modeler\/?$/, view: lazy('listView'), names: [] },
  { pattern: /^\/modeler\/neu$/, view: lazy('newView'), names: [] },
  { pattern: /^\/modeler\/([^/]+)$/, view: lazy('editView'), names: ['id'] },
];

/** The nav entry, for those who may use the modeler; null for everyone else. */
export function modelerNavLink(session: Session): HTMLElement | null {
  if (!mayModel(session)) return null;
  return h('a', { href: '/modeler', class: 'nav-link', 'data-link': true, id: 'nav-modeler' }, 'Modeler');
}
