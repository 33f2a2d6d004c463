/**
 * Who sees the cockpit and the dashboard (the KIM-Koordination and admins), their entries in the top
 * bar, the "keine Berechtigung" page for everyone else, the routes main.ts mounts, and small German
 * formatting helpers shared by the cockpit and the dashboard.
 */
import type { Session } from '../api.ts';
import { h, replace } from '../dom.ts';
import { formatDateTime, parseDate } from '../due.ts';
import type { View } from '../main.ts';

export const COCKPIT_GROUP = 'kim-koordination';

export function mayUseCockpit(session: Pick<Session, 'groups' | 'isAdmin'>): boolean {
  return session.isAdmin || session.groups.includes(COCKPIT_GROUP);
}

/** The German page for users who may not see a screen. */
export function forbiddenPage(root: HTMLElement): void {
  document.title = 'Keine Berechtigung – KIM Herne';
  replace(
    root,
    h(
      'section',
      { class: 'panel', id: 'forbidden' },
      h('h1', null, 'Keine Berechtigung'),
      h('p', null, 'Cockpit und Dashboard stehen nur der KIM-Koordination und der Administration zur Verfügung.'),
      h('p', null, h('a', { href: '/', 'data-link': true }, 'Zu den Aufgaben')),
    ),
  );
}

/**
 * A view only for the cockpit's users; others get `forbiddenPage` (the API answers them 403 too).
 * While it is shown, its entry in the top bar (`#nav-cockpit`, `#nav-dashboard`) is marked active.
 */
export function guarded(view: View, nav: 'cockpit' | 'dashboard'): View {
  return async (app, root, params, alive) => {
    if (!mayUseCockpit(app.session)) return forbiddenPage(root);
    const link = document.getElementById(`nav-${nav}`);
    link?.classList.add('active');
    link?.setAttribute('aria-current', 'page');
    const unmark = () => {
      link?.classList.remove('active');
      link?.removeAttribute('aria-current');
    };
    try {
      const dispose = await view(app, root, params, alive);
      return () => {
        unmark();
        if (typeof dispose === 'function') dispose();
      };
    } catch (err) {
      unmark();
      throw err;
    }
  };
}

/** Routes of the cockpit and the dashboard, in main.ts's shape (bpmn-js is loaded on demand). */
export function cockpitRoutes(views: { definitions: View; instances: View; instance: View; dashboard: View }): Array<{ pattern: RegExp; view: View; names: string[] }> {
  return [
    { pattern: /^\/cockpit\/?$/, view: guarded(views.definitions, 'cockpit'), names: [] },
    { pattern: /^\/cockpit\/instanzen\/?$/, view: guarded(views.instances, 'cockpit'), names: [] },
    { pattern: /^\/cockpit\/instanzen\/([^/]+)$/, view: guarded(views.instance, 'cockpit'), names: ['id'] },
    { pattern: /^\/dashboard\/?$/, view: guarded(views.dashboard, 'dashboard'), names: [] },
  ];
}

/** The top bar's entries "Cockpit" and "Dashboard", for the cockpit's users only (none for others). */
export function cockpitNavLinks(session: Session): HTMLElement[] {
  if (!mayUseCockpit(session)) return [];
  return [
    h('a', { href: '/cockpit', class: 'nav-link', 'data-link': true, id: 'nav-cockpit' }, 'Cockpit'),
    h('a', { href: '/dashboard', class: 'nav-link', 'data-link': true, id: 'nav-dashboard' }, 'Dashboard'),
  ];
}

// ---------------------------------------------------------------------------------------------- formatting

/** "05.03.2026, 09:00 Uhr" of an ISO/Camunda date-time, "–" without one. */
export function dateTime(value: string | null | undefined): string {
  if (!value) return '–';
  const ms = parseDate(value);
  return Number.isFinite(ms) ? formatDateTime(ms) : value;
}

/** "3 Tage 4 Std.", "25 Min.", "12 Sek." */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  const min = Math.floor(ms / 60_000);
  if (min < 1) return `${Math.round(ms / 1000)} Sek.`;
  if (min < 60) return `${min} Min.`;
  const hours = Math.floor(min / 60);
  if (hours < 24) return `${hours} Std. ${min % 60} Min.`;
  const days = Math.floor(hours / 24);
  return `${days} ${days === 1 ? 'Tag' : 'Tage'}${hours % 24 ? ` ${hours % 24} Std.` : ''}`;
}

export const STATE_TEXT: Record<string, string> = {
  ACTIVE: 'läuft',
  COMPLETED: 'abgeschlossen',
  EXTERNALLY_TERMINATED: 'abgebrochen (von außen)',
  INTERNALLY_TERMINATED: 'beendet (Abbruch im Prozess)',
};

export function stateBadge(state: string): HTMLElement {
  return h('span', { class: `badge badge-state state-${state.toLowerCase()}` }, STATE_TEXT[state] ?? state);
}

/** A German name for a BPMN activity type (`userTask`, `bpmn:UserTask`). */
export function activityTypeText(type: string): string {
  const t = type.replace(/^bpmn:/, '');
  const key = t.charAt(0).toLowerCase() + t.slice(1);
  return (
    {
      userTask: 'Aufgabe',
      serviceTask: 'Automatischer Schritt',
      sendTask: 'Senden',
      receiveTask: 'Empfangen',
      manualTask: 'Manuelle Aufgabe',
      businessRuleTask: 'Regel',
      task: 'Schritt',
      startEvent: 'Start',
      endEvent: 'Ende',
      intermediateCatchEvent: 'Warten auf Ereignis',
      intermediateThrowEvent: 'Ereignis',
      boundaryEvent: 'Randereignis',
      exclusiveGateway: 'Entscheidung',
      parallelGateway: 'Verzweigung',
      inclusiveGateway: 'Verzweigung (inklusiv)',
      eventBasedGateway: 'Ereignis-Verzweigung',
      subProcess: 'Teilprozess',
      callActivity: 'Aufruf eines Prozesses',
    } as Record<string, string>
  )[key] ?? t;
}

/** German names of audit entry types. */
export const AUDIT_TYPE_TEXT: Record<string, string> = {
  ESCALATED: 'Eskalation',
  ESCALATED_TO_ABH: 'Eskalation an die ABH (Stufe 3)',
  TRANSFER_BLOCKED: 'Übermittlung blockiert',
  TRANSFER: 'Übermittlung',
  ACCESS_DENIED: 'Zugriff verweigert',
  CONSENT_RECORDED: 'Einwilligung erfasst',
  CONSENT_WITHDRAWN: 'Einwilligung widerrufen',
  READ: 'Lesezugriff',
  WRITE: 'Änderung',
  EXPORT: 'Export',
};
