/**
 * German notification templates, one per event (and the ABH variant of an escalation).
 * Each template lists the payload fields it may use; rendering drops everything else
 * (render.ts), so a notification carries nothing the recipient may not see (KIM-PROCESSES.md §6).
 * Subjects never carry personal data: they show up in mail logs and in the dead-letter list.
 */
import type { AnyNotificationEvent, EscalationLevel } from './events.ts';
import { checkTemplate, renderTemplate, type RenderOptions, type RenderedText, type TextTemplate } from './render.ts';

export const LEVEL_LABELS: Readonly<Record<string, string>> = {
  '0': 'Stufe 0 – Erinnerung an die fallführende Fachkraft',
  '1': 'Stufe 1 – Koordinierende Case-Management-Stelle',
  '2': 'Stufe 2 – KIM-Koordination (Fachaufsicht)',
  '3': 'Stufe 3 – Ausländerbehörde / Einbürgerungsbehörde',
  '4': 'Stufe 4 – Leitungsrunde ABH/KI',
};

export const GROUP_LABELS: Readonly<Record<string, string>> = {
  'cm-ki': 'Case Management des Kommunalen Integrationszentrums',
  'cm-traeger': 'Case Management beim Träger',
  'cm-koordination': 'Koordinierende Case-Management-Stelle',
  'kim-koordination': 'KIM-Koordination',
  abh: 'Ausländerbehörde',
  ebh: 'Einbürgerungsbehörde',
  buergerzentrum: 'Bürgerzentrum (Meldebehörde)',
  'fb41-soziales': 'Fachbereich Soziales',
  jobcenter: 'Jobcenter Herne',
  'fb42-jugend': 'Fachbereich Kinder-Jugend-Familie',
  'ki-schule': 'KI Seiteneinsteigerberatung',
};

export const PATH_LABELS: Readonly<Record<string, string>> = {
  P25A: '§ 25a AufenthG',
  P25B: '§ 25b AufenthG',
  P25B_ABS6: '§ 25b Abs. 6 AufenthG',
  EINBUERGERUNG: 'Einbürgerung (§ 10 StAG)',
};

const FOOTER = 'Diese Nachricht wurde automatisch vom KIM-Prozessportal der Stadt Herne erstellt.';

export const TEMPLATES = {
  'task.assigned': checkTemplate({
    name: 'task.assigned',
    fields: {
      taskName: { path: 'taskName' },
      processName: { path: 'processName' },
      dueDate: { path: 'dueDate', format: 'date', fallback: 'ohne Frist' },
      link: { path: 'taskId', format: 'taskLink' },
    },
    subject: 'Neue Aufgabe: {{taskName}}',
    body: `Guten Tag,

Ihnen wurde eine Aufgabe zugewiesen.

Aufgabe: {{taskName}}
Prozess: {{processName}}
Fällig am: {{dueDate}}

Aufgabe öffnen: {{link}}

${FOOTER}`,
  }),

  'deadline.reached': checkTemplate({
    name: 'deadline.reached',
    fields: {
      what: { path: 'what' },
      dueDate: { path: 'dueDate', format: 'date' },
      level: { path: 'escalationLevel', format: 'label', labels: LEVEL_LABELS },
      caseReference: { path: 'caseReference' },
      link: { path: 'taskId', format: 'taskLink' },
    },
    subject: 'Frist erreicht: {{what}}',
    body: `Guten Tag,

eine Frist ist erreicht.

Was: {{what}}
Fällig am: {{dueDate}}
Eskalationsstufe: {{level}}
Fall: {{caseReference?}}
Aufgabe öffnen: {{link?}}

${FOOTER}`,
  }),

  /** Levels 0, 1, 2 and 4: internal recipients see the pseudonymous case reference, no personal data. */
  'escalation.raised': checkTemplate({
    name: 'escalation.raised',
    fields: {
      levelNumber: { path: 'level' },
      level: { path: 'level', format: 'label', labels: LEVEL_LABELS },
      targetGroup: { path: 'targetGroup', format: 'label', labels: GROUP_LABELS },
      caseReference: { path: 'caseReference' },
      reason: { path: 'reason' },
      link: { path: 'taskId', format: 'taskLink' },
    },
    subject: 'Eskalation Stufe {{levelNumber}}: Fall {{caseReference}}',
    body: `Guten Tag,

für den Fall {{caseReference}} wurde eine Eskalation ausgelöst.

Eskalationsstufe: {{level}}
Adressat: {{targetGroup}}
Anlass: {{reason?}}
Aufgabe öffnen: {{link?}}

Eskalationen sind Hinweise; die Entscheidung trifft eine zuständige Person.

${FOOTER}`,
  }),

  /** Level 3: the ABH/EBH gets the minimal data set of §6 and nothing else. */
  'escalation.raised/abh': checkTemplate({
    name: 'escalation.raised/abh',
    fields: {
      targetGroup: { path: 'targetGroup', format: 'label', labels: GROUP_LABELS },
      caseReference: { path: 'caseReference' },
      reason: { path: 'reason' },
      name: { path: 'minimalData.name' },
      dateOfBirth: { path: 'minimalData.dateOfBirth', format: 'date' },
      abhAktenzeichen: { path: 'minimalData.abhAktenzeichen', fallback: 'noch nicht vergeben' },
      recommendedPath: { path: 'minimalData.recommendedPath', format: 'label', labels: PATH_LABELS },
      keyDeadline: { path: 'minimalData.keyDeadline', format: 'date' },
      link: { path: 'taskId', format: 'taskLink' },
    },
    subject: 'Eskalation Stufe 3 an die {{targetGroup}}: Fall {{caseReference}}',
    body: `Guten Tag,

die {{targetGroup}} wird um Prüfung eines Falls gebeten (Eskalationsstufe 3).

Fall: {{caseReference}}
Anlass: {{reason?}}

Name: {{name}}
Geburtsdatum: {{dateOfBirth}}
Aktenzeichen: {{abhAktenzeichen}}
Empfohlener Weg: {{recommendedPath}}
Maßgebliche Frist: {{keyDeadline}}
Aufgabe öffnen: {{link?}}

Übermittelt wird nur der Mindestdatensatz, soweit die Einwilligung der betroffenen Person ihn deckt.
Die Eskalation ist ein Hinweis; die Entscheidung trifft eine zuständige Person (Art. 22 DSGVO).

${FOOTER}`,
  }),
} as const satisfies Record<string, TextTemplate>;

export type TemplateName = keyof typeof TEMPLATES;

/** The template for an event: an escalation at level 3 uses the ABH variant with the minimal data set. */
export function templateFor(event: AnyNotificationEvent): TextTemplate {
  switch (event.type) {
    case 'task.assigned':
      return TEMPLATES['task.assigned'];
    case 'deadline.reached':
      return TEMPLATES['deadline.reached'];
    case 'escalation.raised':
      return (event.payload.level as EscalationLevel | number) === 3 ? TEMPLATES['escalation.raised/abh'] : TEMPLATES['escalation.raised'];
    default: {
      const unknown: never = event;
      throw new Error(`No template for notification event '${(unknown as { type: string }).type}'`);
    }
  }
}

export interface RenderedNotification extends RenderedText {
  /** In-app link path (`/tasks/{id}`), when the event names a task. */
  link: string | null;
}

/** Renders an event into German subject and body; only the template's declared fields are used. */
export function renderNotification(event: AnyNotificationEvent, opts: RenderOptions = {}): RenderedNotification {
  const template = templateFor(event);
  const text = renderTemplate(template, event.payload, opts);
  const taskId = (event.payload as { taskId?: unknown }).taskId;
  return { ...text, link: typeof taskId === 'string' && taskId !== '' ? `/tasks/${encodeURIComponent(taskId)}` : null };
}
