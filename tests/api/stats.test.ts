import { expect } from 'chai';
import { isoWeek, localMidnight } from '../../src/kim/calendar.ts';
import { percentile } from '../../src/kim/dashboard.ts';
import { startKimService, tasksByBusinessKey, vars, work, type KimService } from '../helpers/kim.ts';
import { bpmn, deploy } from '../helpers/service.ts';

/**
 * Statistics for the cockpit and the dashboard (issue 6): Camunda's process-definition statistics with the
 * access filter, and the controlling figures of the KIM-Koordination (JSON and CSV), on real instances:
 * arrival procedures with and without a result, two cases of an AWO case manager with their
 * Erstkontakt escalations, and a service task whose handler fails until its retries run out.
 */
describe('api: statistics for the cockpit and the dashboard', function () {
  this.timeout(180_000);
  let k: KimService;
  let stoerungId: string;
  let fall1: string;

  /** Claims and completes the open task `key` of the case as a demo user of its first candidate group. */
  const workAsGroup = async (businessKey: string, key: string, plain: Record<string, unknown> = {}) => {
    for (let i = 0; i < 3; i++) await k.service.scheduler.runDue(); // service-task jobs (leistungssystem …)
    const task = (await tasksByBusinessKey(k.api, businessKey)).find((t) => t.taskDefinitionKey === key);
    expect(task, `open task ${key} of ${businessKey}`).to.exist;
    await work(k.as(`demo-${task!.candidateGroups[0]}`), businessKey, key, plain);
  };
  /** An EU household of one adult up to the Erstberatung (everything on the day it starts). */
  const arrivalUntilErstberatung = async (hh: string) => {
    const r = await k.as('demo-cm-ki')('POST', '/engine-rest/process-definition/key/ankommensverfahren/start', { businessKey: hh });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    await workAsGroup(hh, 'ersterfassung', {
      householdId: hh, arrivalDate: '2026-03-02', arrivalChannel: 'EU', residenceStatus: 'FREIZUEGIGKEIT_EU', accommodationType: 'PRIVAT', interpreterNeeded: false,
      persons: [{ givenName: 'Ion', familyName: 'Popescu', dateOfBirth: '1985-04-02', nationality: 'RO' }],
    });
    await workAsGroup(hh, 'anmeldung', { registrationDate: '2026-03-02' });
    await workAsGroup(hh, 'leistungspruefungEU', { euFreizuegigkeitGeprueft: true });
    await workAsGroup(hh, 'leistungsantrag', { benefitApplicationDate: '2026-03-02' });
    await workAsGroup(hh, 'leistungsbescheid', { benefitDecisionDate: '2026-03-02' });
    await workAsGroup(hh, 'krankenversicherung', { healthCoverageType: 'GKV' });
    expect((await tasksByBusinessKey(k.api, hh)).map((t) => t.taskDefinitionKey)).to.include('erstberatung');
    return r.body.id as string;
  };
  const fallanfrage = async (caseId: string) => {
    const r = await k.api('POST', '/engine-rest/message', { messageName: 'fallanfrage', businessKey: caseId, resultEnabled: true, processVariables: vars({ caseId, referralSource: 'JOBCENTER', modality: 'WARME_UEBERGABE' }) });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body[0].processInstance.id as string;
  };
  const stat = (list: Array<{ definition: { key: string; version: number } }>, key: string) => {
    const found = list.filter((d) => d.definition.key === key).sort((a, b) => b.definition.version - a.definition.version)[0];
    expect(found, `statistics of ${key}`).to.exist;
    return found as any;
  };

  before(async () => {
    // Now: Monday 2026-03-02, 08:00 UTC (09:00 in Herne).
    k = await startKimService({ now: '2026-03-02T08:00:00Z' });
    k.handlers.register('statsSchnittstelle', () => {
      throw new Error('Schnittstelle nicht erreichbar');
    });
    await deploy(k.api, {
      'stoerung.bpmn': bpmn('stoerung', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="abruf"/>
        <bpmn:serviceTask id="abruf" name="Daten abrufen" camunda:type="external" camunda:topic="statsSchnittstelle">
          <bpmn:extensionElements><camunda:failedJobRetryTimeCycle>R1/PT1M</camunda:failedJobRetryTimeCycle></bpmn:extensionElements>
        </bpmn:serviceTask>
        <bpmn:sequenceFlow id="f1" sourceRef="abruf" targetRef="pruefen"/>
        <bpmn:userTask id="pruefen" camunda:candidateGroups="cm-ki"/><bpmn:sequenceFlow id="f2" sourceRef="pruefen" targetRef="e"/><bpmn:endEvent id="e"/>`),
    });
    const started = await k.api('POST', '/engine-rest/process-definition/key/stoerung/start', { businessKey: 'STOERUNG-1' });
    expect(started.status).to.equal(200);
    stoerungId = started.body.id;
    for (let i = 0; i < 3; i++) await k.service.scheduler.runDue();
    expect((await k.api('GET', `/engine-rest/incident?processInstanceId=${stoerungId}`)).body).to.have.length(1);

    // Arrivals: one reaches its result after 10 days, one after 20; one waits at Ersterfassung, one at the Anmeldung; one is abandoned.
    await arrivalUntilErstberatung('HH-S-1');
    await arrivalUntilErstberatung('HH-S-4');
    expect((await k.as('demo-cm-ki')('POST', '/engine-rest/process-definition/key/ankommensverfahren/start', { businessKey: 'HH-S-2' })).status).to.equal(200);
    expect((await k.as('demo-cm-ki')('POST', '/engine-rest/process-definition/key/ankommensverfahren/start', { businessKey: 'HH-S-5' })).status).to.equal(200);
    await workAsGroup('HH-S-5', 'ersterfassung', {
      householdId: 'HH-S-5', arrivalDate: '2026-03-02', arrivalChannel: 'EU', residenceStatus: 'FREIZUEGIGKEIT_EU', accommodationType: 'PRIVAT', interpreterNeeded: false,
      persons: [{ givenName: 'Maria', familyName: 'Popescu', dateOfBirth: '1988-12-12', nationality: 'RO' }],
    });
    expect((await k.as('demo-cm-ki')('POST', '/engine-rest/process-definition/key/ankommensverfahren/start', { businessKey: 'HH-S-3' })).status).to.equal(200);
    expect((await k.as('demo-cm-ki')('POST', '/engine-rest/message', { messageName: 'ankommensverfahrenAbbrechen', businessKey: 'HH-S-3' })).status).to.equal(204);
    await workAsGroup('HH-S-3', 'abbruchDokumentieren', { ergebnis: 'ABBRUCH', abbruchGrund: 'NICHT_ERREICHBAR' });

    // Two cases of the AWO: one waits for its Erstgespräch (and escalates), one is in the intake.
    fall1 = await fallanfrage('FALL-S-1');
    await fallanfrage('FALL-S-2');
    const awo = k.as('demo-cm-traeger-awo');
    const erstkontakt = (await tasksByBusinessKey(awo, 'FALL-S-1')).find((t) => t.taskDefinitionKey === 'erstkontakt')!;
    expect((await awo('POST', `/engine-rest/task/${erstkontakt.id}/claim`, {})).status).to.equal(204);
    await work(awo, 'FALL-S-2', 'erstkontakt', { firstContactDate: '2026-03-02', givenName: 'Amina', familyName: 'Haddad', dateOfBirth: '1990-05-17' });

    await k.advance('P10D');
    await workAsGroup('HH-S-1', 'erstberatung', { referralTarget: 'MBE', ergebnis: 'ANKOMMEN_ABGESCHLOSSEN' });
    await k.advance('P10D');
    await workAsGroup('HH-S-4', 'erstberatung', { referralTarget: 'KEINER', ergebnis: 'VERWEIS_FACHDIENST' });
    await k.advance('P10D'); // now 2026-04-01 08:00 UTC
    for (let i = 0; i < 3; i++) await k.service.scheduler.runDue();
  });
  after(() => k?.close());

  describe('GET /engine-rest/process-definition/statistics', () => {
    it('counts running instances per definition; failed jobs and incidents only when asked for, in Camunda\'s shape', async () => {
      const plain = await k.api('GET', '/engine-rest/process-definition/statistics');
      expect(plain.status).to.equal(200);
      // Every deployed definition is listed, also those without instances.
      const defs = await k.api('GET', '/engine-rest/process-definition');
      expect(plain.body.map((d: { id: string }) => d.id).sort()).to.deep.equal(defs.body.map((d: { id: string }) => d.id).sort());
      const arrival = stat(plain.body, 'ankommensverfahren');
      // HH-S-1 and HH-S-4 stay open for the arrival phase's later deadlines; HH-S-2 and HH-S-5 wait; HH-S-3 ended.
      expect(arrival).to.include({ instances: 4, failedJobs: 0 });
      expect(arrival.incidents).to.deep.equal([]);
      expect(arrival.definition).to.include({ key: 'ankommensverfahren', name: 'Ankommensverfahren', version: 1 });
      expect(arrival.id).to.equal(arrival.definition.id);
      expect(stat(plain.body, 'kim-case-lifecycle').instances).to.equal(2);
      expect(stat(plain.body, 'stoerung')).to.deep.include({ instances: 1, failedJobs: 0, incidents: [] });

      const full = await k.api('GET', '/engine-rest/process-definition/statistics?failedJobs=true&incidents=true');
      expect(stat(full.body, 'stoerung')).to.deep.include({ instances: 1, failedJobs: 1, incidents: [{ incidentType: 'failedJob', incidentCount: 1 }] });
      expect(stat(full.body, 'ankommensverfahren')).to.deep.include({ failedJobs: 0, incidents: [] });
      const root = await k.api('GET', '/engine-rest/process-definition/statistics?rootIncidents=true');
      expect(stat(root.body, 'stoerung').incidents).to.deep.equal([{ incidentType: 'failedJob', incidentCount: 1 }]);
      const other = await k.api('GET', '/engine-rest/process-definition/statistics?incidentsForType=failedExternalTask');
      expect(stat(other.body, 'stoerung').incidents).to.deep.equal([]);
      const both = await k.api('GET', '/engine-rest/process-definition/statistics?incidents=true&rootIncidents=true');
      expect(both.status).to.equal(400);
      expect(both.body.type).to.equal('InvalidRequestException');
    });

    it('counts only the cases a user may list: the AWO sees its two cases, the DRK none, the KIM-Koordination all', async () => {
      const count = async (user: string) => stat((await k.as(user)('GET', '/engine-rest/process-definition/statistics')).body, 'kim-case-lifecycle').instances;
      expect(await count('demo-cm-traeger-awo')).to.equal(2);
      expect(await count('demo-cm-traeger-drk')).to.equal(0);
      expect(await count('demo-kim-koordination')).to.equal(2);
      expect(await count('demo-cm-ki')).to.equal(0);
      // Unowned instances (the arrival procedure) stay visible to everyone, as in the lists.
      expect(stat((await k.as('demo-cm-traeger-drk')('GET', '/engine-rest/process-definition/statistics')).body, 'ankommensverfahren').instances).to.equal(4);
    });
  });

  describe('GET /engine-rest/process-definition/{id}/statistics', () => {
    it('counts active activity instances per activity (no waiting boundary events), with the failed job at its activity', async () => {
      const defs = (await k.api('GET', '/engine-rest/process-definition/statistics')).body;
      const arrival = stat(defs, 'ankommensverfahren');
      const r = await k.api('GET', `/engine-rest/process-definition/${encodeURIComponent(arrival.id)}/statistics`);
      expect(r.status).to.equal(200);
      const byId = Object.fromEntries((r.body as Array<{ id: string; instances: number }>).map((a) => [a.id, a]));
      expect(byId.ersterfassung).to.deep.equal({ id: 'ersterfassung', instances: 1, failedJobs: 0, incidents: [] });
      // The open tasks of the arrivals, as the task API lists them.
      const tasks = (await k.api('GET', '/engine-rest/task?processDefinitionKey=ankommensverfahren')).body as Array<{ taskDefinitionKey: string }>;
      for (const key of new Set(tasks.map((t) => t.taskDefinitionKey))) {
        expect(byId[key]?.instances, key).to.equal(tasks.filter((t) => t.taskDefinitionKey === key).length);
      }
      const types = new Map((await k.api('GET', '/engine-rest/history/activity-instance?unfinished=true')).body.map((a: { activityId: string; activityType: string }) => [a.activityId, a.activityType]));
      expect(Object.keys(byId).filter((id) => types.get(id) === 'boundaryEvent')).to.deep.equal([]);

      const stoerung = stat(defs, 'stoerung');
      const s = await k.api('GET', `/engine-rest/process-definition/${encodeURIComponent(stoerung.id)}/statistics?failedJobs=true&incidents=true`);
      expect(s.body).to.deep.equal([{ id: 'abruf', instances: 1, failedJobs: 1, incidents: [{ incidentType: 'failedJob', incidentCount: 1 }] }]);
      const byKey = await k.api('GET', '/engine-rest/process-definition/key/stoerung/statistics?incidents=true');
      expect(byKey.body).to.deep.equal([{ id: 'abruf', instances: 1, failedJobs: 0, incidents: [{ incidentType: 'failedJob', incidentCount: 1 }] }]);
      expect((await k.api('GET', '/engine-rest/process-definition/nope:1:x/statistics')).status).to.equal(404);
      expect((await k.api('GET', '/engine-rest/process-definition/key/nope/statistics')).status).to.equal(404);
      expect((await k.api('GET', `/engine-rest/process-definition/${encodeURIComponent(stoerung.id)}/statistics?incidents=true&incidentsForType=failedJob`)).status).to.equal(400);
    });

    it('shows another organisation\'s case to nobody of the DRK', async () => {
      const r = await k.as('demo-cm-traeger-drk')('GET', '/engine-rest/process-definition/key/kim-case-lifecycle/statistics');
      expect(r.status).to.equal(200);
      expect(r.body).to.deep.equal([]);
      const coordination = await k.as('demo-kim-koordination')('GET', '/engine-rest/process-definition/key/kim-case-lifecycle/statistics');
      const ids = (coordination.body as Array<{ id: string }>).map((a) => a.id);
      expect(ids).to.include.members(['erstkontakt', 'intakeEinwilligung']);
    });
  });

  describe('GET /api/stats/dashboard', () => {
    const range = 'from=2026-03-01&to=2026-04-30';

    it('is for the KIM-Koordination and admins only (403 for case managers and others)', async () => {
      for (const user of ['demo-cm-ki', 'demo-cm-traeger-awo', 'demo-cm-koordination', 'demo-abh']) {
        const r = await k.as(user)('GET', `/api/stats/dashboard?${range}`);
        expect(r.status, user).to.equal(403);
        expect((await k.as(user)('GET', `/api/stats/dashboard.csv?${range}`)).status, user).to.equal(403);
        expect((await k.as(user)('GET', '/api/stats/instances')).status, user).to.equal(403);
      }
      expect((await k.as('demo-kim-koordination')('GET', `/api/stats/dashboard?${range}`)).status).to.equal(200);
      expect((await k.api('GET', `/api/stats/dashboard?${range}`)).status).to.equal(200);
      expect((await k.api('GET', '/api/stats/dashboard?from=2026-04-30&to=2026-03-01')).status).to.equal(400);
      expect((await k.api('GET', '/api/stats/dashboard?from=gestern')).status).to.equal(400);
    });

    it('aggregates open and overdue tasks per group, escalations per level and week, cases per phase and the arrival duration', async () => {
      const r = await k.as('demo-kim-koordination')('GET', `/api/stats/dashboard?${range}`);
      expect(r.status).to.equal(200);
      const d = r.body;
      expect(d.from).to.equal('2026-02-28T23:00:00.000Z'); // midnight in Herne
      expect(d.to).to.equal('2026-04-30T21:59:59.999Z'); // end of the day, summer time
      expect(d.timeZone).to.equal('Europe/Berlin');

      // Tasks per group: what the task API lists, with the due dates before now counted as overdue.
      const now = Date.parse('2026-04-01T08:00:00Z');
      const tasks = (await k.api('GET', '/engine-rest/task')).body as Array<{ candidateGroups: string[]; due: string | null }>;
      const expected = new Map<string, { open: number; overdue: number }>();
      for (const t of tasks) {
        for (const g of t.candidateGroups) {
          const e = expected.get(g) ?? { open: 0, overdue: 0 };
          e.open++;
          if (t.due && Date.parse(t.due.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) < now) e.overdue++;
          expected.set(g, e);
        }
      }
      expect(Object.fromEntries(d.tasksByGroup.map((g: any) => [g.group, { open: g.open, overdue: g.overdue }]))).to.deep.equal(Object.fromEntries(expected));
      const cmKi = d.tasksByGroup.find((g: any) => g.group === 'cm-ki');
      expect(cmKi.name).to.equal('Case Management Kommunales Integrationszentrum');
      // HH-S-5's Anmeldung was due on day 14.
      expect(d.tasksByGroup.find((g: any) => g.group === 'buergerzentrum')).to.deep.include({ name: 'Bürgerzentrum (Meldebehörde)', open: 1, overdue: 1 });
      // No names of people anywhere.
      expect(JSON.stringify(d)).to.not.match(/Popescu|Haddad|Amina|Ion\b/);

      // Escalations: ten ISO weeks (W09 … W18); FALL-S-1's Erstkontakt at level 1 (10 working days) and 2 (20).
      expect(d.escalationsByWeek.map((w: any) => w.week)).to.deep.equal(['2026-W09', '2026-W10', '2026-W11', '2026-W12', '2026-W13', '2026-W14', '2026-W15', '2026-W16', '2026-W17', '2026-W18']);
      expect(d.escalationsByWeek[0].weekStart).to.equal('2026-02-23');
      const audit = async (type: string) => (await k.api('GET', `/api/audit?type=${type}&maxResults=500`)).body.items as Array<{ at: string; caseId: string; details: Record<string, any> }>;
      const escalated = await audit('ESCALATED');
      const fall = escalated.filter((e) => e.caseId === 'FALL-S-1').map((e) => [e.details.level, isoWeek(e.at.slice(0, 10)).week]);
      expect(fall.map(([level]) => level).sort()).to.deep.equal([1, 2]);
      for (const [level, week] of fall) expect(d.escalationsByWeek.find((w: any) => w.week === week).levels[level], `level ${level} in ${week}`).to.be.greaterThan(0);
      const levels = [0, 1, 2, 3, 4].map((l) => escalated.filter((e) => e.details.level === l).length);
      levels[3] += (await audit('ESCALATED_TO_ABH')).length;
      expect(d.escalationTotals.levels).to.deep.equal(levels);
      expect(d.escalationTotals.total).to.equal(levels.reduce((a, b) => a + b, 0));
      expect(d.escalationTotals.transferBlocked).to.equal((await audit('TRANSFER_BLOCKED')).length);
      for (const w of d.escalationsByWeek) expect(w.total).to.equal(w.levels.reduce((a: number, b: number) => a + b, 0));

      // Cases per phase: FALL-S-1 (Erstkontakt and its escalation tasks) and FALL-S-2 (intake).
      expect(d.casesByPhase).to.deep.equal([
        { phase: 'Erstkontakt', cases: 1 }, { phase: 'Intake', cases: 1 }, { phase: 'Assessment', cases: 0 }, { phase: 'Hilfeplan', cases: 0 },
        { phase: 'Monitoring', cases: 0 }, { phase: 'Evaluation', cases: 0 }, { phase: 'Abschluss', cases: 0 },
      ]);
      expect(d.activeCases).to.equal(2);
      expect(d.casesWithoutPhase).to.equal(0);

      // Arrival: results after 10 and 20 days (median 15, quartiles 12.5 and 17.5); the abandoned one apart.
      expect(d.arrivalDuration).to.deep.equal({
        completed: 2, medianDays: 15, p25Days: 12.5, p75Days: 17.5,
        byOutcome: { ANKOMMEN_ABGESCHLOSSEN: 1, VERWEIS_FACHDIENST: 1 }, endedWithoutResult: { ABBRUCH: 1 },
      });
    });

    it('takes the range into account: escalations and arrival results outside it are not counted', async () => {
      const r = await k.api('GET', '/api/stats/dashboard?from=2026-03-01&to=2026-03-15');
      expect(r.body.escalationsByWeek.map((w: any) => w.week)).to.deep.equal(['2026-W09', '2026-W10', '2026-W11']);
      expect(r.body.escalationTotals.levels[1] + r.body.escalationTotals.levels[2]).to.equal(
        (await k.api('GET', '/api/audit?type=ESCALATED&from=2026-02-28T23:00:00Z&to=2026-03-15T22:59:59.999Z')).body.items.filter((e: any) => [1, 2].includes(e.details.level)).length,
      );
      expect(r.body.arrivalDuration).to.deep.include({ completed: 1, medianDays: 10, p25Days: 10, p75Days: 10 });
      // The default range: the last 12 weeks up to now.
      const dflt = await k.api('GET', '/api/stats/dashboard');
      expect(dflt.body.to).to.equal('2026-04-01T08:00:00.000Z');
      expect(dflt.body.from).to.equal(new Date(localMidnight('2026-01-08')).toISOString());
    });

    it('exports the same figures as CSV for German Excel (BOM, semicolons, decimal comma), audited as EXPORT', async () => {
      const res = await fetch(`${k.service.url}/api/stats/dashboard.csv?${range}`, { headers: { Authorization: 'Basic ' + Buffer.from('demo-kim-koordination:' + passwordOf('demo-kim-koordination')).toString('base64') } });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).to.equal('attachment; filename="kim-dashboard_2026-03-01_2026-04-30.csv"');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
      const lines = text.split('\r\n');
      expect(lines.at(-1)).to.equal('');
      expect(lines[0]).to.equal('Bereich;Kategorie;Kennzahl;Wert');
      expect(lines).to.include.members([
        'Zeitraum;;von;2026-03-01',
        'Zeitraum;;bis;2026-04-30',
        'Fälle je Phase;Erstkontakt;laufende Fälle;1',
        'Fälle je Phase;Intake;laufende Fälle;1',
        'Dauer Ankommensverfahren;;abgeschlossen (Anzahl);2',
        'Dauer Ankommensverfahren;;Median (Tage);15',
        'Dauer Ankommensverfahren;;25. Perzentil (Tage);12,5',
        'Dauer Ankommensverfahren;;75. Perzentil (Tage);17,5',
        'Dauer Ankommensverfahren;ABBRUCH;beendet ohne Ergebnis (Anzahl);1',
      ]);
      const json = (await k.api('GET', `/api/stats/dashboard?${range}`)).body;
      const cmKi = json.tasksByGroup.find((g: any) => g.group === 'cm-ki');
      expect(lines).to.include(`Aufgaben je Gruppe;Case Management Kommunales Integrationszentrum (cm-ki);offen;${cmKi.open}`);
      expect(lines).to.include(`Aufgaben je Gruppe;Case Management Kommunales Integrationszentrum (cm-ki);überfällig;${cmKi.overdue}`);
      for (const w of json.escalationsByWeek) expect(lines).to.include(`Eskalationen je Woche;${w.week};Stufe 1;${w.levels[1]}`);
      expect(lines.filter((l) => l.startsWith('Eskalationen je Woche;'))).to.have.length(10 * 6);
      expect(lines.every((l) => l === '' || l.split(';').length === 4)).to.equal(true);

      const exports = (await k.api('GET', '/api/audit?type=EXPORT&userId=demo-kim-koordination')).body.items;
      expect(exports).to.have.length(1);
      expect(exports[0]).to.deep.include({ purpose: 'controlling', caseId: null });
      expect(exports[0].details).to.include({ resource: 'dashboard.csv', from: '2026-02-28T23:00:00.000Z' });
    });
  });

  describe('GET /api/stats/instances (the cockpit\'s instance list)', () => {
    it('filters by process, business key, state and escalation level, and shows no case data beyond the pseudonymised fields', async () => {
      const ko = k.as('demo-kim-koordination');
      const cases = await ko('GET', '/api/stats/instances?processDefinitionKey=kim-case-lifecycle');
      expect(cases.status).to.equal(200);
      expect(cases.body.count).to.equal(2);
      expect(cases.body.items.map((i: any) => i.businessKey).sort()).to.deep.equal(['FALL-S-1', 'FALL-S-2']);
      const one = cases.body.items.find((i: any) => i.businessKey === 'FALL-S-1');
      expect(Object.keys(one).sort()).to.deep.equal([
        'businessKey', 'endTime', 'escalationLevel', 'id', 'incidents', 'organisation', 'processDefinitionId', 'processDefinitionKey',
        'processDefinitionName', 'processDefinitionVersion', 'startTime', 'state', 'superProcessInstanceId',
      ]);
      expect(one).to.include({ id: fall1, state: 'ACTIVE', escalationLevel: 2, organisation: 'org-awo', processDefinitionVersion: 1, incidents: 0 });

      const level2 = await ko('GET', '/api/stats/instances?escalationLevel=2');
      expect(level2.body.items.map((i: any) => i.businessKey)).to.include('FALL-S-1').and.not.include('FALL-S-2');
      expect(level2.body.items.every((i: any) => i.escalationLevel === 2)).to.equal(true);
      const none = await ko('GET', '/api/stats/instances?processDefinitionKey=kim-case-lifecycle&escalationLevel=none');
      expect(none.body.items.map((i: any) => i.businessKey)).to.deep.equal(['FALL-S-2']);

      const ended = await ko('GET', '/api/stats/instances?processDefinitionKey=ankommensverfahren&state=ended');
      expect(ended.body.items.map((i: any) => [i.businessKey, i.state])).to.deep.equal([['HH-S-3', 'COMPLETED']]);
      expect(ended.body.items[0].endTime).to.be.a('string');
      const running = await ko('GET', '/api/stats/instances?processDefinitionKey=ankommensverfahren&state=running');
      expect(running.body.count).to.equal(4);
      const byKey = await ko('GET', '/api/stats/instances?businessKeyLike=S-4');
      expect(byKey.body.items.map((i: any) => i.businessKey)).to.deep.equal(['HH-S-4']);
      const paged = await ko('GET', '/api/stats/instances?maxResults=2&firstResult=1');
      expect(paged.body.items).to.have.length(2);
      expect(paged.body.count).to.be.greaterThan(4);

      const broken = await ko('GET', '/api/stats/instances?processDefinitionKey=stoerung');
      expect(broken.body.items[0]).to.include({ businessKey: 'STOERUNG-1', incidents: 1 });
      expect((await ko('GET', '/api/stats/instances?state=weg')).status).to.equal(400);
    });

    it('after "Erneut versuchen" (new retries) a repaired job leaves no incident in the statistics', async () => {
      k.handlers.register('statsSchnittstelle', () => ({ abgerufen: true }));
      const [incident] = (await k.api('GET', `/engine-rest/incident?processInstanceId=${stoerungId}`)).body;
      expect((await k.as('demo-kim-koordination')('PUT', `/engine-rest/job/${incident.configuration}/retries`, { retries: 1 })).status).to.equal(204);
      for (let i = 0; i < 3; i++) await k.service.scheduler.runDue();
      const s = await k.api('GET', '/engine-rest/process-definition/key/stoerung/statistics?failedJobs=true&incidents=true');
      expect(s.body).to.deep.equal([{ id: 'pruefen', instances: 1, failedJobs: 0, incidents: [] }]);
    });
  });

  describe('helpers', () => {
    it('ISO weeks, Herne midnights and percentiles', () => {
      expect(isoWeek('2026-01-01')).to.deep.equal({ week: '2026-W01', monday: '2025-12-29' });
      expect(isoWeek('2027-01-03')).to.deep.equal({ week: '2026-W53', monday: '2026-12-28' });
      expect(isoWeek('2026-03-29')).to.deep.equal({ week: '2026-W13', monday: '2026-03-23' });
      expect(new Date(localMidnight('2026-03-29')).toISOString()).to.equal('2026-03-28T23:00:00.000Z');
      expect(new Date(localMidnight('2026-03-30')).toISOString()).to.equal('2026-03-29T22:00:00.000Z');
      expect(new Date(localMidnight('2026-10-25')).toISOString()).to.equal('2026-10-24T22:00:00.000Z');
      expect(percentile([], 0.5)).to.equal(null);
      expect(percentile([4], 0.25)).to.equal(4);
      expect(percentile([1, 2, 3, 4], 0.5)).to.equal(2.5);
      expect(percentile([1, 2, 3, 4, 5], 0.25)).to.equal(2);
    });
  });

  function passwordOf(user: string): string {
    return k.service.createdUsers.find((u) => u.id === user)!.password;
  }
});
