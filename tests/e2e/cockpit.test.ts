import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { startKimService, tasksByBusinessKey, vars, work, type KimService } from '../helpers/kim.ts';
import { deploy } from '../helpers/service.ts';
import { buildWebApp, launchBrowser, requireChromium, type Browser } from './browser.ts';

/** A process whose automatic step calls an interface (handler `e2eSchnittstelle`), with diagram interchange for bpmn-js. */
const DATENABRUF = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_datenabruf" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="datenabruf" name="Datenabruf Leistungsportal" isExecutable="true">
    <bpmn:startEvent id="s" name="Abruf angestoßen"/>
    <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="abruf"/>
    <bpmn:serviceTask id="abruf" name="Daten abrufen" camunda:type="external" camunda:topic="e2eSchnittstelle">
      <bpmn:extensionElements><camunda:failedJobRetryTimeCycle>R1/PT1M</camunda:failedJobRetryTimeCycle></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f1" sourceRef="abruf" targetRef="pruefen"/>
    <bpmn:userTask id="pruefen" name="Daten prüfen" camunda:candidateGroups="cm-ki"/>
    <bpmn:sequenceFlow id="f2" sourceRef="pruefen" targetRef="e"/>
    <bpmn:endEvent id="e" name="Geprüft"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="p" bpmnElement="datenabruf">
    <bpmndi:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="100" y="102" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="abruf_di" bpmnElement="abruf"><dc:Bounds x="190" y="80" width="100" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="pruefen_di" bpmnElement="pruefen"><dc:Bounds x="350" y="80" width="100" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="e_di" bpmnElement="e"><dc:Bounds x="512" y="102" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="f0_di" bpmnElement="f0"><di:waypoint x="136" y="120"/><di:waypoint x="190" y="120"/></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="290" y="120"/><di:waypoint x="350" y="120"/></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="450" y="120"/><di:waypoint x="512" y="120"/></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;

/**
 * The cockpit and the dashboard of the KIM-Koordination in Chromium, and what a Träger case manager
 * may not open — against the KIM service as `npm start` runs it (processes/ deployed, demo users,
 * controlled clock from 2026-03-02 08:00 UTC).
 */
describe('e2e: cockpit, dashboard and access by organisation in Chromium', function () {
  this.timeout(180_000);
  let k: KimService;
  let b: Browser;
  let page: Page;
  let password: (user: string) => string;
  let waitingInstance: string;
  let brokenInstance: string;
  /** Makes the failing interface of `datenabruf` work again. */
  let repair = () => {};

  /** Claims and completes the open task `key` as a demo user of its first candidate group (service-task jobs run first). */
  const workAsGroup = async (businessKey: string, key: string, plain: Record<string, unknown> = {}) => {
    for (let i = 0; i < 3; i++) await k.service.scheduler.runDue();
    const task = (await tasksByBusinessKey(k.api, businessKey)).find((t) => t.taskDefinitionKey === key);
    expect(task, `open task ${key} of ${businessKey}`).to.exist;
    await work(k.as(`demo-${task!.candidateGroups[0]}`), businessKey, key, plain);
  };
  const startArrival = async (hh: string) => {
    const r = await k.as('demo-cm-ki')('POST', '/engine-rest/process-definition/key/ankommensverfahren/start', { businessKey: hh });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body.id as string;
  };
  const ersterfassung = (hh: string) =>
    workAsGroup(hh, 'ersterfassung', {
      householdId: hh, arrivalDate: '2026-03-02', arrivalChannel: 'EU', residenceStatus: 'FREIZUEGIGKEIT_EU', accommodationType: 'PRIVAT', interpreterNeeded: false,
      persons: [{ givenName: 'Ion', familyName: 'Popescu', dateOfBirth: '1985-04-02', nationality: 'RO' }],
    });
  const fallanfrage = async (caseId: string) => {
    const r = await k.api('POST', '/engine-rest/message', { messageName: 'fallanfrage', businessKey: caseId, resultEnabled: true, processVariables: vars({ caseId, referralSource: 'JOBCENTER', modality: 'WARME_UEBERGABE' }) });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body[0].processInstance.id as string;
  };

  before(async function () {
    requireChromium(this);
    buildWebApp();
    k = await startKimService();
    const passwords = new Map(k.service.createdUsers.map((u) => [u.id, u.password]));
    password = (user) => passwords.get(user) ?? (() => { throw new Error(`no demo user ${user}`); })();

    // A process whose automatic step fails until its retries run out: an incident.
    let broken = true;
    k.handlers.register('e2eSchnittstelle', () => {
      if (broken) throw new Error('Schnittstelle Leistungsportal nicht erreichbar');
      return { abgerufen: true };
    });
    repair = () => (broken = false);
    await deploy(k.api, { 'datenabruf.bpmn': DATENABRUF });
    const started = await k.api('POST', '/engine-rest/process-definition/key/datenabruf/start', { businessKey: 'ABRUF-1' });
    brokenInstance = started.body.id;
    for (let i = 0; i < 3; i++) await k.service.scheduler.runDue();

    // Arrivals: one waits at the Anmeldung, one at the Ersterfassung, one reaches its result after 9 days.
    waitingInstance = await startArrival('HH-C-1');
    await ersterfassung('HH-C-1');
    await startArrival('HH-C-2');
    await startArrival('HH-C-3');
    await ersterfassung('HH-C-3');
    await workAsGroup('HH-C-3', 'anmeldung', { registrationDate: '2026-03-02' });
    await workAsGroup('HH-C-3', 'leistungspruefungEU', { euFreizuegigkeitGeprueft: true });
    await workAsGroup('HH-C-3', 'leistungsantrag', { benefitApplicationDate: '2026-03-02' });
    await workAsGroup('HH-C-3', 'leistungsbescheid', { benefitDecisionDate: '2026-03-02' });
    await workAsGroup('HH-C-3', 'krankenversicherung', { healthCoverageType: 'GKV' });
    // A case of the AWO that waits for its Erstgespräch (and escalates after 10 and 20 working days).
    await fallanfrage('FALL-C-ESK');
    const awo = k.as('demo-cm-traeger-awo');
    const erst = (await tasksByBusinessKey(awo, 'FALL-C-ESK')).find((t) => t.taskDefinitionKey === 'erstkontakt')!;
    expect((await awo('POST', `/engine-rest/task/${erst.id}/claim`, {})).status).to.equal(204);
    await k.advance('P9D');
    await workAsGroup('HH-C-3', 'erstberatung', { referralTarget: 'MBE', ergebnis: 'ANKOMMEN_ABGESCHLOSSEN' });
    await k.advance('P21D'); // now 2026-04-01 08:00 UTC
    for (let i = 0; i < 3; i++) await k.service.scheduler.runDue();

    b = await launchBrowser();
    page = b.page;
  });
  after(async () => {
    await b?.close();
    await k?.close();
  });
  beforeEach(async () => {
    await b.context.clearCookies();
    b.errors.length = 0;
  });
  afterEach(function () {
    if (this.currentTest?.state === 'passed') expect(b.errors, 'errors in the page').to.deep.equal([]);
  });

  async function login(user: string): Promise<void> {
    await page.goto(`${k.service.url}/`);
    await page.locator('#username').fill(user);
    await page.locator('#password').fill(password(user));
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.locator('.user-name').waitFor();
  }

  it('(a) the KIM-Koordination sees the processes with versions and instance counts, opens an instance: diagram with token badges, timeline, incidents with "Erneut versuchen", audit', async () => {
    await login('demo-kim-koordination');
    await page.locator('#nav-cockpit').click();
    await page.waitForURL('**/cockpit');
    const row = page.locator('#definition-table tr[data-key="ankommensverfahren"]');
    await row.waitFor();
    const stats = (await k.api('GET', '/engine-rest/process-definition/statistics')).body as Array<{ instances: number; definition: { key: string; version: number } }>;
    const arrival = stats.filter((s) => s.definition.key === 'ankommensverfahren');
    expect(await row.locator('.col-name a').textContent()).to.equal('Ankommensverfahren');
    expect(await row.locator('.version-latest').textContent()).to.equal(`Version ${Math.max(...arrival.map((a) => a.definition.version))}`);
    expect(await row.locator('[data-count="instances"]').textContent()).to.equal(String(arrival.reduce((n, a) => n + a.instances, 0)));
    expect(await row.locator('[data-count="instances"]').textContent()).to.equal('3');
    expect(await page.locator('#definition-table tr[data-key="datenabruf"] [data-count="incidents"]').textContent()).to.equal('1 Störung');
    expect(await page.locator('#nav-cockpit').getAttribute('class')).to.contain('active');
    await b.screenshot('e1-cockpit-prozesse.png');

    // The process's running instances, filtered; then the waiting one.
    await row.locator('.col-name a').click();
    await page.waitForURL('**/cockpit/instanzen?prozess=ankommensverfahren');
    await page.locator('#instance-table').waitFor();
    expect(await page.locator('#instance-count').textContent()).to.equal('3 Instanzen');
    await page.locator('#filter-business-key').fill('C-1');
    await page.locator('#filter-business-key').press('Enter');
    await page.waitForURL('**/cockpit/instanzen?prozess=ankommensverfahren&vorgang=C-1');
    await page.locator('#instance-count', { hasText: '1 Instanz' }).waitFor();
    await page.locator('#filter-state').selectOption('laufend');
    await page.waitForURL(/status=laufend/);
    await page.locator(`#instance-table tr[data-instance-id="${waitingInstance}"]`).waitFor();
    await b.screenshot('e2-cockpit-instanzen.png');
    await page.locator(`#instance-table tr[data-instance-id="${waitingInstance}"] .task-link`).click();
    await page.waitForURL(`**/cockpit/instanzen/${waitingInstance}`);

    // Diagram with a token badge on the waiting task and history counts; the timeline; the audit panel.
    const token = page.locator('#instance-diagram .kim-token-badge[data-activity="anmeldung"]');
    await token.waitFor();
    expect(await token.textContent()).to.equal('1');
    await page.locator('#instance-diagram .djs-element.kim-active[data-element-id="anmeldung"]').waitFor();
    expect(await page.locator('#instance-diagram .kim-history-badge[data-activity="ersterfassung"]').textContent()).to.equal('1');
    expect(await page.locator('#instance-diagram .kim-token-badge[data-activity="fristAnmeldung14"]').count(), 'a waiting boundary timer is no token').to.equal(0);
    const history = (await k.api('GET', `/engine-rest/history/activity-instance?processInstanceId=${waitingInstance}`)).body as unknown[];
    expect(await page.locator('#timeline .timeline-entry').count()).to.equal(history.length);
    expect(await page.locator('#timeline .timeline-entry[data-activity="ersterfassung"] .timeline-state').textContent()).to.equal('abgeschlossen');
    expect(await page.locator('#timeline .timeline-entry[data-activity="anmeldung"] .timeline-state').textContent()).to.equal('läuft');
    expect(await page.locator('#instance-title').textContent()).to.equal('Ankommensverfahren: HH-C-1');
    await page.locator('#audit').waitFor();
    await page.locator('#incidents', { hasText: 'Keine Störungen.' }).waitFor();
    expect(await page.locator('#variables[open]').count(), 'variables only on request').to.equal(0);
    await b.screenshot('e3-cockpit-instanz.png');

    // An instance with an incident: "Erneut versuchen" sets new retries.
    await page.goto(`${k.service.url}/cockpit/instanzen/${brokenInstance}`);
    const incident = page.locator('#incidents .incident[data-activity="abruf"]');
    await incident.waitFor();
    expect(await incident.locator('.incident-message').textContent()).to.contain('Schnittstelle Leistungsportal nicht erreichbar');
    await page.locator('#instance-diagram .kim-incident-badge[data-activity="abruf"]').waitFor();
    await b.screenshot('e4-cockpit-stoerung.png');
    repair();
    const retried = page.waitForResponse((r) => r.url().includes('/engine-rest/job/') && r.request().method() === 'PUT');
    await incident.getByRole('button', { name: 'Erneut versuchen' }).click();
    expect((await retried).status()).to.equal(204);
    await page.locator('.flash-ok', { hasText: 'wird erneut ausgeführt' }).waitFor();
    for (let i = 0; i < 3; i++) await k.service.scheduler.runDue();
    await page.reload();
    await page.locator('#incidents', { hasText: 'Keine Störungen.' }).waitFor();
    await page.locator('#instance-diagram .kim-token-badge[data-activity="pruefen"]').waitFor();
  });

  it('(b) the dashboard draws its charts (bars per group, weeks, phases; the arrival median) and the CSV export answers text/csv', async () => {
    await login('demo-kim-koordination');
    await page.locator('#nav-dashboard').click();
    await page.waitForURL('**/dashboard');
    const groupsChart = page.locator('svg[data-chart="tasks-by-group"]');
    await groupsChart.waitFor();
    const data = (await k.api('GET', '/api/stats/dashboard?from=2026-01-08&to=2026-04-01')).body;
    expect(await page.locator('#dashboard-range').textContent()).to.match(/^Zeitraum 08\.01\.2026 bis 01\.04\.2026/);
    expect(await groupsChart.locator('rect.bar').count()).to.equal(2 * data.tasksByGroup.length);
    expect(await groupsChart.locator('rect.bar[data-series="ueberfaellig"]').count()).to.equal(data.tasksByGroup.length);
    const cmKi = data.tasksByGroup.find((g: any) => g.group === 'cm-ki');
    expect(await groupsChart.locator(`rect.bar[data-series="offen"][data-category="${cmKi.name}"]`).getAttribute('data-value')).to.equal(String(cmKi.open));
    const phases = page.locator('svg[data-chart="cases-by-phase"]');
    expect(await phases.locator('rect.bar').count()).to.equal(7);
    expect(await phases.locator('rect.bar[data-category="Erstkontakt"]').getAttribute('data-value')).to.equal('1');
    const escalations = page.locator('svg[data-chart="escalations-by-week"]');
    const segments = data.escalationsByWeek.reduce((n: number, w: any) => n + w.levels.filter((c: number) => c > 0).length, 0);
    expect(segments, 'the scenario escalated').to.be.greaterThan(0);
    expect(await escalations.locator('rect.bar').count()).to.equal(segments);
    expect(await escalations.locator('circle.point').count()).to.equal(data.escalationsByWeek.length);
    expect(await escalations.locator('rect.bar[data-series="stufe-1"]').count()).to.be.greaterThan(0);
    expect(await escalations.locator('rect.bar[data-series="stufe-2"]').count()).to.be.greaterThan(0);
    // The arrival: one household reached its result after 9 days.
    expect(await page.locator('#arrival-median').textContent()).to.equal('9 Tage');
    expect(await page.locator('#arrival-count').textContent()).to.equal('1');
    expect(await page.locator('svg[data-chart="arrival-duration"] line.median').getAttribute('data-value')).to.equal('9');
    await page.locator('svg[data-chart="arrival-duration"] rect.iqr').waitFor();
    await b.screenshot('f1-dashboard.png');

    // The CSV export: a link to the same range, answered as CSV for German Excel.
    const href = await page.locator('#csv-export').getAttribute('href');
    expect(href).to.equal('/api/stats/dashboard.csv?from=2026-01-08&to=2026-04-01');
    const csv = await page.request.get(`${k.service.url}${href}`);
    expect(csv.status()).to.equal(200);
    expect(csv.headers()['content-type']).to.equal('text/csv; charset=utf-8');
    const text = (await csv.body()).toString('utf8');
    expect(text.charCodeAt(0)).to.equal(0xfeff);
    expect(text.slice(1).split('\r\n')[0]).to.equal('Bereich;Kategorie;Kennzahl;Wert');
    const download = page.waitForEvent('download');
    await page.locator('#csv-export').click();
    expect((await download).suggestedFilename()).to.equal('kim-dashboard_2026-01-08_2026-04-01.csv');

    // Another range: the last 4 weeks.
    await page.locator('#range-preset').selectOption('4w');
    await page.waitForURL('**/dashboard?zeitraum=4w');
    await page.locator('#dashboard-range', { hasText: 'Zeitraum 05.03.2026 bis 01.04.2026' }).waitFor();
    expect(await page.locator('svg[data-chart="escalations-by-week"] circle.point').count()).to.equal(5); // KW 10 … KW 14
    await b.screenshot('f2-dashboard-4-wochen.png');

    // From a chart into the cockpit: the phase bars lead to the running cases.
    await page.locator('svg[data-chart="cases-by-phase"] a.chart-link').first().click();
    await page.waitForURL('**/cockpit/instanzen?prozess=kim-case-lifecycle&status=laufend');
    await page.locator('#instance-table tr', { hasText: 'FALL-C-ESK' }).waitFor();
    expect(await page.locator('#instance-table tr', { hasText: 'FALL-C-ESK' }).locator('.col-escalation').textContent()).to.equal('Stufe 2');
    expect(await page.locator('#instance-table tr', { hasText: 'FALL-C-ESK' }).locator('.col-organisation').textContent()).to.equal('org-awo');
  });

  it('(c) a Träger case manager cannot open another organisation\'s case: not in the lists, the German not-found page, ACCESS_DENIED audited; no cockpit', async () => {
    // A case the AWO took on (claimed, then handed back to the group: still the AWO's), and an open one for comparison.
    await fallanfrage('FALL-C-AWO');
    await fallanfrage('FALL-C-OFFEN');
    const awo = k.as('demo-cm-traeger-awo');
    const task = (await tasksByBusinessKey(k.api, 'FALL-C-AWO')).find((t) => t.taskDefinitionKey === 'erstkontakt')!;
    expect(task.candidateGroups).to.include('cm-traeger');
    expect((await awo('POST', `/engine-rest/task/${task.id}/claim`, {})).status).to.equal(204);
    const instanceOf = async (caseId: string) => (await k.api('GET', `/engine-rest/process-instance?businessKey=${caseId}`)).body[0].id as string;
    expect((await k.api('GET', `/engine-rest/process-instance/${await instanceOf('FALL-C-AWO')}/variables/organisation`)).body.value).to.equal('org-awo');
    expect((await awo('POST', `/engine-rest/task/${task.id}/unclaim`, {})).status).to.equal(204);

    await login('demo-cm-traeger-drk');
    expect(await page.locator('.user-org').textContent()).to.equal('org-drk');
    expect(await page.locator('#nav-cockpit').count()).to.equal(0);
    expect(await page.locator('#nav-dashboard').count()).to.equal(0);
    await page.locator('.tab[data-list="gruppe"]').click();
    await page.waitForURL('**/?liste=gruppe');
    await page.locator('#task-table tbody tr', { hasText: 'FALL-C-OFFEN' }).waitFor(); // the open case is offered to the DRK …
    expect(await page.locator('#task-table tbody tr', { hasText: 'FALL-C-AWO' }).count()).to.equal(0); // … the AWO's is not
    expect(await page.locator(`#task-table tr[data-task-id="${task.id}"]`).count()).to.equal(0);
    await b.screenshot('g1-traeger-drk-gruppenaufgaben.png');
    await page.locator('.tab[data-list="meine"]').click();
    await page.locator('#task-table, #empty-list').first().waitFor();
    expect(await page.locator(`[data-task-id="${task.id}"]`).count()).to.equal(0);

    // Opening the task directly: the German not-found page, nothing of the case; the attempt is audited.
    const denied = page.waitForResponse((r) => r.url().endsWith(`/engine-rest/task/${task.id}`));
    await page.goto(`${k.service.url}/aufgaben/${task.id}`);
    expect((await denied).status()).to.equal(404);
    await page.locator('h1', { hasText: 'Aufgabe nicht gefunden' }).waitFor();
    expect(await page.locator('main').textContent()).to.contain('Die Aufgabe ist erledigt oder nicht für Sie sichtbar.');
    expect(await page.locator('main').textContent()).to.not.contain('FALL-C-AWO');
    expect(await page.title()).to.equal('Aufgabe nicht gefunden – KIM Herne');
    await b.screenshot('g2-traeger-drk-nicht-gefunden.png');
    const audit = (await k.api('GET', '/api/audit?type=ACCESS_DENIED&userId=demo-cm-traeger-drk')).body.items as Array<{ caseId: string; organisation: string; details: Record<string, unknown> }>;
    expect(audit.filter((e) => e.caseId === 'FALL-C-AWO')).to.have.length.greaterThan(0);
    expect(audit.find((e) => e.caseId === 'FALL-C-AWO')).to.deep.include({ organisation: 'org-drk' });
    expect(audit.find((e) => e.caseId === 'FALL-C-AWO')!.details).to.include({ owner: 'org-awo' });

    // The cockpit and the dashboard are not for case managers.
    await page.goto(`${k.service.url}/cockpit`);
    await page.locator('#forbidden h1', { hasText: 'Keine Berechtigung' }).waitFor();
    await b.screenshot('g3-traeger-keine-berechtigung.png');
    await page.goto(`${k.service.url}/dashboard`);
    await page.locator('#forbidden h1', { hasText: 'Keine Berechtigung' }).waitFor();
    expect((await page.request.get(`${k.service.url}/api/stats/dashboard`)).status()).to.equal(403);
  });

  it('(d) the KIM-Koordination sees an owned case pseudonymised: case id and state, no names and no notes', async () => {
    const caseId = 'FALL-C-PSEUDO';
    const id = await fallanfrage(caseId);
    const awo = k.as('demo-cm-traeger-awo');
    await work(awo, caseId, 'erstkontakt', { firstContactDate: '2026-04-01', givenName: 'Amina', familyName: 'Haddad', dateOfBirth: '1990-05-17' });
    await work(awo, caseId, 'intakeEinwilligung', { intakeDate: '2026-04-01', processingConsent: 'ERTEILT', transferConsentsRecorded: true });
    await work(awo, caseId, 'clearing', { caseAccepted: true, clearingNotiz: 'Vertraulich: gesundheitliche Belastung' });

    await login('demo-kim-koordination');
    await page.goto(`${k.service.url}/cockpit/instanzen/${id}`);
    await page.locator('#instance-diagram .kim-token-badge[data-activity="assessment"]').waitFor();
    await page.locator('#variables summary').click();
    await page.locator('#variables tr[data-variable="caseId"]').waitFor();
    const text = await page.locator('#variables').textContent();
    expect(text).to.contain('FALL-C-PSEUDO');
    expect(text).to.contain('org-awo');
    expect(text).to.not.match(/Amina|Haddad|1990-05-17|Vertraulich|gesundheitliche/);
    expect(await page.locator('#variables tr[data-variable="clearingNotiz"]').count()).to.equal(0);
    await b.screenshot('h1-cockpit-pseudonymisiert.png');
  });
});
