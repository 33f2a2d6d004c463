/**
 * The KIM web app: log in, then the tasklist ("Meine Aufgaben", "Gruppenaufgaben") and a task
 * with its form and diagram. Routes live in the address bar (`/`, `/aufgaben/{id}`); the service
 * answers every such path with this app.
 */
import { ApiError, get, request, setCsrf, setUnauthorizedHandler, type Session } from './api.ts';
import { h, replace } from './dom.ts';
import { loginView } from './views/login.ts';
import { tasklistView } from './views/tasklist.ts';
import { taskView } from './views/task.ts';
import { modelerNavLink, modelerRoutes } from './modeler/route.ts';
import { cockpitNavLinks, cockpitRoutes } from './cockpit/access.ts';
import { cockpitDefinitionsView } from './cockpit/definitions.ts';
import { cockpitInstancesView } from './cockpit/instances.ts';
import { cockpitInstanceView } from './cockpit/instance.ts';
import { dashboardView } from './dashboard/dashboard.ts';

export interface Definition {
  id: string;
  key: string;
  name: string | null;
  version: number;
}

export interface App {
  session: Session;
  /** The service's clock (ms): due dates are reckoned from it, also when a demo runs on a controlled clock. */
  now(): number;
  navigate(url: string, opts?: { replace?: boolean }): void;
  flash(text: string, kind?: 'ok' | 'error'): void;
  /** Latest version of every process definition, by key (cached for the page's life). */
  definitions(): Promise<Map<string, Definition>>;
  /** Display name of a process key. */
  processName(key: string | null | undefined, defs: Map<string, Definition>): string;
}

/** What a view returns: nothing, or a function that frees what it holds (viewers) when the view is left. */
export type Dispose = (() => void) | void;
export type View = (app: App, root: HTMLElement, params: Record<string, string>, alive: () => boolean) => Promise<Dispose> | Dispose;

const root = document.getElementById('app')!;
let session: Session | null = null;
let clockOffset = 0;
let generation = 0;
let dispose: Dispose;
let afterLogin = '/';
let definitionsCache: Promise<Map<string, Definition>> | null = null;

function setSession(s: Session | null): void {
  session = s;
  setCsrf(s);
  clockOffset = s ? Date.parse(s.serverTime) - Date.now() : 0;
  definitionsCache = null;
}

const app: Omit<App, 'session'> = {
  now: () => Date.now() + clockOffset,
  navigate(url, opts = {}) {
    if (opts.replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    void render();
  },
  flash(text, kind = 'ok') {
    const box = document.getElementById('flash');
    if (!box) return;
    const item = h('div', { class: `flash flash-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
    box.replaceChildren(item);
    setTimeout(() => item.remove(), kind === 'error' ? 10000 : 6000);
  },
  definitions() {
    definitionsCache ??= get<Definition[]>('/engine-rest/process-definition?latestVersion=true&sortBy=name&sortOrder=asc')
      .then((list) => new Map(list.map((d) => [d.key, d])))
      .catch(() => new Map());
    return definitionsCache;
  },
  processName(key, defs) {
    if (!key) return '–';
    return defs.get(key)?.name ?? key;
  },
};

function displayName(s: Session): string {
  const name = [s.firstName, s.lastName].filter(Boolean).join(' ');
  return name || s.id;
}

async function logout(): Promise<void> {
  try {
    await request('DELETE', '/api/session');
  } catch {
    // the session may have ended already; the cookie is cleared either way
  }
  setSession(null);
  afterLogin = '/';
  app.navigate('/anmelden', { replace: true });
  app.flash('Sie haben sich abgemeldet.');
}

function shell(s: Session): HTMLElement {
  const view = h('main', { id: 'view', class: 'view' });
  const header = h(
    'header',
    { class: 'topbar' },
    h('a', { href: '/', class: 'brand', 'data-link': true }, h('span', { class: 'brand-mark' }, 'KIM'), ' Herne ', h('span', { class: 'brand-sub' }, 'Aufgaben')),
    h('nav', { class: 'main-nav', 'aria-label': 'Bereiche' }, h('a', { href: '/', class: 'nav-link', 'data-link': true }, 'Aufgaben'), cockpitNavLinks(s), modelerNavLink(s)),
    h(
      'div',
      { class: 'user' },
      h('span', { class: 'user-name', title: s.groups.join(', ') }, displayName(s)),
      s.organisation ? h('span', { class: 'user-org' }, s.organisation) : null,
      h('button', { type: 'button', class: 'button-quiet', id: 'logout', onclick: () => void logout() }, 'Abmelden'),
    ),
  );
  return h('div', { class: 'shell' }, header, h('div', { id: 'flash', class: 'flash-area' }), view);
}

interface Route {
  pattern: RegExp;
  view: View;
  names: string[];
}
const routes: Route[] = [
  { pattern: /^\/$/, view: tasklistView, names: [] },
  { pattern: /^\/aufgaben\/?$/, view: tasklistView, names: [] },
  { pattern: /^\/aufgaben\/([^/]+)$/, view: taskView, names: ['id'] },
  ...modelerRoutes,
  ...cockpitRoutes({ definitions: cockpitDefinitionsView, instances: cockpitInstancesView, instance: cockpitInstanceView, dashboard: dashboardView }),
];

async function render(): Promise<void> {
  const mine = ++generation;
  const alive = () => mine === generation;
  if (typeof dispose === 'function') dispose();
  dispose = undefined;
  const path = location.pathname;

  if (!session) {
    if (path !== '/anmelden') {
      afterLogin = path + location.search;
      history.replaceState(null, '', '/anmelden');
    }
    document.title = 'Anmelden – KIM Herne';
    replace(root);
    dispose = loginView(root, async (s) => {
      setSession(s);
      const target = afterLogin.startsWith('/') && !afterLogin.startsWith('//') && afterLogin !== '/anmelden' ? afterLogin : '/';
      afterLogin = '/';
      app.navigate(target, { replace: true });
    });
    return;
  }
  if (path === '/anmelden') {
    history.replaceState(null, '', '/');
    return render();
  }
  let view = document.getElementById('view');
  if (!view || !root.querySelector('.shell')) {
    replace(root, shell(session));
    view = document.getElementById('view')!;
  }
  const route = routes.find((r) => r.pattern.test(path));
  if (!route) {
    document.title = 'Nicht gefunden – KIM Herne';
    replace(view, h('section', { class: 'panel' }, h('h1', null, 'Seite nicht gefunden'), h('p', null, h('a', { href: '/', 'data-link': true }, 'Zu den Aufgaben'))));
    return;
  }
  const m = route.pattern.exec(path)!;
  const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
  replace(view, h('p', { class: 'loading' }, 'Wird geladen …'));
  try {
    const result = await route.view({ ...app, session }, view, params, alive);
    if (alive()) dispose = result;
    else if (typeof result === 'function') result();
  } catch (err) {
    if (!alive()) return;
    if (err instanceof ApiError && err.status === 401) return; // the handler below shows the login
    console.error(err);
    replace(view, h('section', { class: 'panel' }, h('h1', null, 'Fehler'), h('p', { role: 'alert' }, err instanceof Error ? err.message : String(err))));
  }
}

// Links inside the app change the route without reloading the page.
document.addEventListener('click', (ev) => {
  const a = (ev.target as Element | null)?.closest?.('a[data-link]') as HTMLAnchorElement | null;
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const url = new URL(a.href);
  if (url.origin !== location.origin) return;
  ev.preventDefault();
  app.navigate(url.pathname + url.search);
});
window.addEventListener('popstate', () => void render());

setUnauthorizedHandler(() => {
  if (!session) return;
  setSession(null);
  void render().then(() => app.flash('Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.', 'error'));
});

async function start(): Promise<void> {
  try {
    setSession(await get<Session>('/api/session'));
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) {
      replace(root, h('section', { class: 'panel narrow' }, h('h1', null, 'KIM Herne'), h('p', { role: 'alert' }, 'Der Dienst ist nicht erreichbar. Bitte später erneut versuchen.')));
      return;
    }
    setSession(null);
  }
  await render();
}

void start();
