import { expect } from 'chai';
import { notificationEvent, type AnyNotificationEvent } from '../../src/notifications/events.ts';
import { checkTemplate, germanDate, renderTemplate } from '../../src/notifications/render.ts';
import { renderNotification, TEMPLATES, templateFor } from '../../src/notifications/templates.ts';

/** Things that must never reach a recipient: case notes, health data, assessment, convictions. */
const SECRETS = {
  caseNotes: 'GEHEIM-Fallnotiz: Trauma nach Flucht, Therapie bei Dr. Beispiel',
  healthData: 'GEHEIM-Diagnose PTBS',
  lifeAreas: [{ area: 'GESUNDHEIT', needLevel: 3, note: 'GEHEIM-Lebensbereich' }],
  convictions: 'GEHEIM-Vorstrafe',
};

function leaks(text: string): string[] {
  return ['GEHEIM', 'Trauma', 'Therapie', 'PTBS', 'Vorstrafe', 'GESUNDHEIT', 'Lebensbereich'].filter((s) => text.includes(s));
}

describe('notification templates (German, whitelisted fields only)', () => {
  it('task.assigned: subject and body name the task, process, due date and link', () => {
    // Given a task assigned with a due date
    const event = notificationEvent('task.assigned', 'task-1:assigned', {
      taskId: 'task-1',
      taskName: 'Anmeldung beim Bürgerzentrum',
      processName: 'Ankommensverfahren',
      dueDate: '2026-03-15',
    });
    // When it is rendered
    const r = renderNotification(event);
    // Then subject and body are German and carry the values
    expect(r.subject).to.equal('Neue Aufgabe: Anmeldung beim Bürgerzentrum');
    expect(r.body).to.contain('Ihnen wurde eine Aufgabe zugewiesen.');
    expect(r.body).to.contain('Aufgabe: Anmeldung beim Bürgerzentrum');
    expect(r.body).to.contain('Prozess: Ankommensverfahren');
    expect(r.body).to.contain('Fällig am: 15.03.2026');
    expect(r.body).to.contain('Aufgabe öffnen: /tasks/task-1');
    expect(r.link).to.equal('/tasks/task-1');
  });

  it('task.assigned without due date says "ohne Frist"; a date-time is shown in Berlin time; links can be absolute', () => {
    // Given one task without a due date and one with a UTC date-time
    const noDue = renderNotification(notificationEvent('task.assigned', 'e1', { taskId: 't 1/ä', taskName: 'Clearing', processName: 'KIM Case Management', dueDate: null }));
    const withTime = renderNotification(
      notificationEvent('task.assigned', 'e2', { taskId: 't2', taskName: 'Clearing', processName: 'KIM', dueDate: '2026-07-01T08:30:00Z' }),
      { linkBaseUrl: 'https://kim.herne.de' },
    );
    // Then the fallback, the local time (CEST = UTC+2) and the encoded link appear
    expect(noDue.body).to.contain('Fällig am: ohne Frist');
    expect(noDue.body).to.contain('Aufgabe öffnen: /tasks/t%201%2F%C3%A4');
    expect(withTime.body).to.contain('Fällig am: 01.07.2026, 10:30 Uhr');
    expect(withTime.body).to.contain('Aufgabe öffnen: https://kim.herne.de/tasks/t2');
  });

  it('deadline.reached: what, due date, escalation level in words; optional lines left out when empty', () => {
    // Given a deadline at level 2 with a case reference and one at level 0 without extras
    const full = renderNotification(
      notificationEvent('deadline.reached', 'd1', {
        what: 'Anmeldung beim Bürgerzentrum',
        dueDate: '2026-02-15',
        escalationLevel: 2,
        caseReference: 'HH-2026-0042',
        taskId: 'task-9',
      }),
    );
    const bare = renderNotification(notificationEvent('deadline.reached', 'd2', { what: 'Schulzuweisung', dueDate: '2026-02-15', escalationLevel: 0 }));
    // Then
    expect(full.subject).to.equal('Frist erreicht: Anmeldung beim Bürgerzentrum');
    expect(full.body).to.contain('Fällig am: 15.02.2026');
    expect(full.body).to.contain('Eskalationsstufe: Stufe 2 – KIM-Koordination (Fachaufsicht)');
    expect(full.body).to.contain('Fall: HH-2026-0042');
    expect(full.body).to.contain('Aufgabe öffnen: /tasks/task-9');
    expect(bare.body).to.contain('Eskalationsstufe: Stufe 0 – Erinnerung an die fallführende Fachkraft');
    expect(bare.body).to.not.contain('Fall:');
    expect(bare.body).to.not.contain('Aufgabe öffnen');
    expect(bare.link).to.equal(null);
  });

  it('escalation.raised below level 3: case reference only, the minimal data set is dropped', () => {
    // Given a level-2 escalation whose payload (wrongly) carries the minimal data set and case notes
    const event = {
      id: 'esc-2',
      type: 'escalation.raised',
      payload: {
        level: 2,
        targetGroup: 'kim-koordination',
        caseReference: 'K-2026-0007',
        reason: 'Ziel seit 30 Tagen überfällig',
        minimalData: { name: 'Olena Beispiel', dateOfBirth: '1988-04-02', abhAktenzeichen: 'ABH-123', recommendedPath: 'P25B', keyDeadline: '2026-11-30' },
        ...SECRETS,
      },
    } as unknown as AnyNotificationEvent;
    // When rendered
    const r = renderNotification(event);
    // Then the internal template is used, without name, birth date or file number
    expect(templateFor(event).name).to.equal('escalation.raised');
    expect(r.subject).to.equal('Eskalation Stufe 2: Fall K-2026-0007');
    expect(r.body).to.contain('für den Fall K-2026-0007 wurde eine Eskalation ausgelöst.');
    expect(r.body).to.contain('Adressat: KIM-Koordination');
    expect(r.body).to.contain('Anlass: Ziel seit 30 Tagen überfällig');
    for (const text of [r.subject, r.body]) {
      expect(text).to.not.contain('Olena');
      expect(text).to.not.contain('02.04.1988');
      expect(text).to.not.contain('ABH-123');
      expect(leaks(text)).to.deep.equal([]);
    }
  });

  it('escalation.raised at level 3 (ABH): exactly the minimal data set, never case notes or health data', () => {
    // Given a level-3 escalation with the minimal data set plus data the ABH may not see,
    // both at the top level and smuggled into the minimal data object
    const event = {
      id: 'esc-3',
      type: 'escalation.raised',
      payload: {
        level: 3,
        targetGroup: 'abh',
        caseReference: 'K-2026-0042',
        reason: 'Kein Antrag 42 Tage vor Fristende',
        minimalData: {
          name: 'Olena Beispiel',
          dateOfBirth: '1988-04-02',
          abhAktenzeichen: 'ABH-2025-7781',
          recommendedPath: 'P25B',
          keyDeadline: '2026-11-30',
          healthData: SECRETS.healthData,
          caseNotes: SECRETS.caseNotes,
        },
        variables: { caseNotes: SECRETS.caseNotes },
        ...SECRETS,
      },
    } as unknown as AnyNotificationEvent;
    // When rendered
    const r = renderNotification(event);
    // Then the ABH variant shows the five minimal fields, in German format
    expect(templateFor(event).name).to.equal('escalation.raised/abh');
    expect(r.subject).to.equal('Eskalation Stufe 3 an die Ausländerbehörde: Fall K-2026-0042');
    expect(r.subject).to.not.contain('Olena');
    expect(r.body).to.contain('die Ausländerbehörde wird um Prüfung eines Falls gebeten (Eskalationsstufe 3).');
    expect(r.body).to.contain('Name: Olena Beispiel');
    expect(r.body).to.contain('Geburtsdatum: 02.04.1988');
    expect(r.body).to.contain('Aktenzeichen: ABH-2025-7781');
    expect(r.body).to.contain('Empfohlener Weg: § 25b AufenthG');
    expect(r.body).to.contain('Maßgebliche Frist: 30.11.2026');
    expect(r.body).to.contain('Art. 22 DSGVO');
    // And nothing else of the payload
    expect(leaks(r.subject + r.body)).to.deep.equal([]);
  });

  it('every event type renders no undeclared payload key, whatever the payload holds', () => {
    // Given payloads of each type stuffed with secrets under many keys
    const events = [
      { id: 'a', type: 'task.assigned', payload: { taskId: 't', taskName: 'Clearing', processName: 'KIM', ...SECRETS } },
      { id: 'b', type: 'deadline.reached', payload: { what: 'Assessment', dueDate: '2026-01-01', escalationLevel: 1, ...SECRETS } },
      { id: 'c', type: 'escalation.raised', payload: { level: 4, targetGroup: 'abh', caseReference: 'K-1', ...SECRETS } },
      { id: 'd', type: 'escalation.raised', payload: { level: 3, targetGroup: 'ebh', caseReference: 'K-2', minimalData: { name: 'A B', dateOfBirth: '2000-01-01', ...SECRETS }, ...SECRETS } },
    ] as unknown as AnyNotificationEvent[];
    for (const event of events) {
      // When rendered
      const r = renderNotification(event);
      // Then no secret appears
      expect(leaks(r.subject + r.body), event.id).to.deep.equal([]);
    }
  });

  it('values cannot inject lines or render objects; a declared field pointing at an object renders as missing', () => {
    // Given a task name with line breaks (an attempt to forge body lines / headers) and an object as process name
    const r = renderNotification({
      id: 'x',
      type: 'task.assigned',
      payload: { taskId: 't', taskName: 'Clearing\r\nBcc: evil@example.org\nName: Geheim', processName: { secret: 'GEHEIM' } },
    } as unknown as AnyNotificationEvent);
    // Then the value stays on one line and the object is not shown
    expect(r.subject).to.equal('Neue Aufgabe: Clearing Bcc: evil@example.org Name: Geheim');
    expect(r.subject).to.not.match(/[\r\n]/);
    expect(r.body.split('\n').filter((l) => l.startsWith('Bcc:') || l.startsWith('Name:'))).to.deep.equal([]);
    expect(r.body).to.contain('Prozess: –');
    expect(r.body).to.not.contain('GEHEIM');
  });

  it('a template that uses an undeclared field is rejected when it is defined', () => {
    expect(() => checkTemplate({ name: 'bad', fields: { a: { path: 'a' } }, subject: '{{a}}', body: 'Hallo {{caseNotes}}' })).to.throw(/undeclared field 'caseNotes'/);
    expect(() => checkTemplate({ name: 'bad2', fields: { a: { path: 'a' } }, subject: 'x\ny', body: '' })).to.throw(/one line/);
    // And the shipped templates all pass the check (they are checked at import; re-check explicitly)
    for (const t of Object.values(TEMPLATES)) expect(() => checkTemplate(t)).to.not.throw();
  });

  it('renderTemplate reads only own properties (no prototype tricks) and formats dates', () => {
    const t = checkTemplate({ name: 't', fields: { v: { path: 'constructor.name' }, d: { path: 'd', format: 'date' } }, subject: 's', body: '{{v}}|{{d}}' });
    expect(renderTemplate(t, { d: 'kein Datum' }).body).to.equal('–|kein Datum\n');
    expect(germanDate('2026-12-31')).to.equal('31.12.2026');
    expect(germanDate('2026-01-15T23:30:00Z')).to.equal('16.01.2026, 00:30 Uhr');
  });
});
