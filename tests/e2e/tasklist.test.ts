import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { startKimService, vars, type KimService } from '../helpers/kim.ts';
import { bpmn, deploy } from '../helpers/service.ts';
import { buildWebApp, launchBrowser, requireChromium, type Browser } from './browser.ts';

/**
 * The web app in Chromium, against the KIM service as `npm start` runs it (processes/ deployed,
 * demo users, controlled clock at 2026-03-02 08:00 UTC).
 */
describe('e2e: web app tasklist in Chromium', function () {
  this.timeout(120_000);
  let k: KimService;
  let b: Browser;
  let page: Page;
  let password: (user: string) => string;

  before(async function () {
    requireChromium(this);
    buildWebApp();
    k = await startKimService();
    const passwords = new Map(k.service.createdUsers.map((u) => [u.id, u.password]));
    password = (user) => passwords.get(user) ?? (() => { throw new Error(`no demo user ${user}`); })();
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

  async function login(user: string, pass = password(user)): Promise<void> {
    await page.goto(`${k.service.url}/`);
    await page.locator('#username').fill(user);
    await page.locator('#password').fill(pass);
    await page.getByRole('button', { name: 'Anmelden' }).click();
  }

  /** Starts the arrival procedure as admin, with everything the first form needs except the household id. */
  async function startArrival(businessKey: string): Promise<string> {
    const r = await k.api('POST', '/engine-rest/process-definition/key/ankommensverfahren/start', {
      businessKey,
      variables: vars({
        arrivalDate: '2026-03-01',
        arrivalChannel: 'UKRAINE_24',
        residenceStatus: 'AUFENTHALTSERLAUBNIS_24',
        accommodationType: 'PRIVAT',
        persons: [{ givenName: 'Olena', familyName: 'Kovalenko', dateOfBirth: '1988-04-12', nationality: 'UA' }],
      }),
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    const tasks = await k.api('GET', `/engine-rest/task?processInstanceId=${r.body.id}`);
    expect(tasks.body.map((t: { taskDefinitionKey: string }) => t.taskDefinitionKey)).to.deep.equal(['ersterfassung']);
    return tasks.body[0].id;
  }

  const row = (businessKey: string) => page.locator('#task-table tbody tr', { hasText: businessKey });

  it('Given a wrong password, then the login page shows the error in German and no session starts', async () => {
    await page.goto(`${k.service.url}/aufgaben/irgendwas`);
    await page.waitForURL('**/anmelden');
    await expect(await page.title()).to.equal('Anmelden – KIM Herne');
    await login('demo-cm-ki', 'falsches-Passwort-123');
    const error = page.locator('#login-error');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).to.equal('Anmeldung fehlgeschlagen: Benutzername oder Passwort ist falsch.');
    expect(await page.locator('#password').inputValue(), 'the password field is emptied').to.equal('');
    expect((await b.context.cookies()).map((c) => c.name)).not.to.include('kim_session');
    await b.screenshot('a-anmeldung-falsches-passwort.png');
  });

  it('Given a KIM task offered to cm-ki, then a case manager claims it, sees the server\'s error at the missing required field, fixes it and completes it', async () => {
    const businessKey = 'HH-E2E-1';
    const taskId = await startArrival(businessKey);
    // The form this test relies on: the household id is a required text field, left empty at the start.
    const form = await k.api('GET', `/engine-rest/task/${taskId}/deployed-form`);
    const field = (form.body.components as Array<{ key?: string; type: string; label?: string; validate?: { required?: boolean } }>).find((c) => c.key === 'householdId');
    expect(field, 'ersterfassung.form has householdId').to.include({ type: 'textfield', label: 'Haushalts-ID' });
    expect(field!.validate?.required).to.equal(true);

    await login('demo-cm-ki');
    await page.waitForURL(`${k.service.url}/`);
    await page.locator('.tab[data-list="meine"] .count').waitFor();
    expect(await page.locator('.user-name').textContent()).to.be.a('string').and.not.equal('');

    // Gruppenaufgaben: the task is there, with its process, business key and due date.
    await page.locator('.tab[data-list="gruppe"]').click();
    await page.waitForURL('**/?liste=gruppe');
    await row(businessKey).waitFor();
    expect(await page.locator('.tab[data-list="gruppe"] .count').textContent()).to.equal('1');
    expect(await row(businessKey).locator('.col-process').textContent()).to.equal('Ankommensverfahren');
    expect(await row(businessKey).locator('.task-link').textContent()).to.match(/^Ersterfassung/);
    await b.screenshot('b1-gruppenaufgaben.png');

    // Claim: it moves to "Meine Aufgaben".
    await row(businessKey).getByRole('button', { name: 'Übernehmen' }).click();
    await page.locator('.flash-ok').waitFor();
    await page.locator('.tab[data-list="gruppe"] .count', { hasText: '0' }).waitFor();
    expect(await page.locator('.tab[data-list="meine"] .count').textContent()).to.equal('1');
    await page.locator('.tab[data-list="meine"]').click();
    await row(businessKey).waitFor();
    expect((await k.api('GET', `/engine-rest/task/${taskId}`)).body.assignee).to.equal('demo-cm-ki');

    // Open it: the form (prefilled with the instance's variables) and the diagram with the task marked.
    await row(businessKey).locator('.task-link').click();
    await page.waitForURL(`**/aufgaben/${taskId}`);
    await page.locator('#task-form .fjs-form').waitFor();
    await page.locator('#task-diagram .djs-element.kim-current[data-element-id="ersterfassung"]').waitFor();
    await page.locator('.kim-current-label', { hasText: 'Aktuelle Aufgabe' }).waitFor();
    expect(await page.locator('#task-business-key').textContent()).to.equal(businessKey);
    const householdInput = page.getByLabel('Haushalts-ID');
    expect(await householdInput.inputValue()).to.equal('');
    expect(await page.getByLabel('Vorname').first().inputValue(), 'prefilled from the variables').to.equal('Olena');
    await page.locator('#task-form button', { hasText: 'Eintrag hinzufügen' }).waitFor(); // form-js's own texts in German
    await b.screenshot('b2-aufgabe-geoeffnet.png');

    // Submit with the required field empty: the server answers 400 naming householdId; the error shows at that field.
    const refused = page.waitForResponse((r) => r.url().endsWith(`/engine-rest/task/${taskId}/submit-form`));
    await page.locator('#complete').click();
    const answer = await refused;
    expect(answer.status()).to.equal(400);
    expect((await answer.json()).field).to.equal('householdId');
    const fieldWithError = page.locator('.fjs-form-field.fjs-has-errors', { has: page.getByLabel('Haushalts-ID') });
    await fieldWithError.waitFor();
    expect(await fieldWithError.locator('.fjs-form-field-error').textContent()).to.equal('Pflichtfeld – bitte ausfüllen.');
    expect(await page.locator('.fjs-has-errors').count(), 'only the field the server named').to.equal(1);
    expect(await page.locator('#task-error').textContent()).to.equal('Bitte das markierte Feld prüfen.');
    expect((await k.api('GET', `/engine-rest/task/${taskId}`)).status, 'nothing completed').to.equal(200);
    await b.screenshot('b3-fehler-am-feld.png');

    // Fix it and complete: back to the list, where the task is gone from "Meine Aufgaben".
    await householdInput.fill(businessKey);
    const accepted = page.waitForResponse((r) => r.url().endsWith(`/engine-rest/task/${taskId}/submit-form`));
    await page.locator('#complete').click();
    expect((await accepted).status()).to.equal(204);
    await page.waitForURL(`${k.service.url}/`);
    await page.locator('.flash-ok', { hasText: 'ist abgeschlossen' }).waitFor();
    await page.locator('#empty-list').waitFor();
    expect(await row(businessKey).count()).to.equal(0);
    expect(await page.locator('.tab[data-list="meine"] .count').textContent()).to.equal('0');
    const instanceId = (await k.api('GET', `/engine-rest/history/process-instance?processInstanceBusinessKey=${businessKey}`)).body[0].id;
    const done = (await k.api('GET', `/engine-rest/history/task?processInstanceId=${instanceId}&taskDefinitionKey=ersterfassung`)).body;
    expect(done).to.have.length(1);
    expect(done[0]).to.include({ id: taskId, assignee: 'demo-cm-ki', deleteReason: 'completed' });
    const householdId = await k.api('GET', `/engine-rest/history/variable-instance?processInstanceId=${instanceId}&variableName=householdId`);
    expect(householdId.body.map((v: { value: unknown }) => v.value)).to.deep.equal([businessKey]);
    await b.screenshot('b4-abgeschlossen.png');

    // Log out: back at the login, and the old session is gone.
    await page.locator('#logout').click();
    await page.waitForURL('**/anmelden');
    expect((await page.request.get(`${k.service.url}/api/session`)).status()).to.equal(401);
  });

  it('Given a logged-in page, then a state-changing request with the session cookie but without the CSRF header is refused with 403', async () => {
    const taskId = await startArrival('HH-E2E-2');
    // An escalated case shows its level as a badge in the list.
    const instanceId = (await k.api('GET', `/engine-rest/task/${taskId}`)).body.processInstanceId;
    expect((await k.api('PUT', `/engine-rest/process-instance/${instanceId}/variables/escalationLevel`, { value: 2, type: 'Integer' })).status).to.equal(204);
    await login('demo-cm-ki');
    await page.locator('.tab[data-list="meine"]').waitFor();
    // Written as a string: the test runner's transpiler would add helpers the page does not have.
    const result = (await page.evaluate(`(async () => {
      const url = '/engine-rest/task/${taskId}/claim';
      const without = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      const session = await (await fetch('/api/session')).json();
      const withToken = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken }, body: '{}' });
      return { without: without.status, message: (await without.json()).message, withToken: withToken.status, cookieVisible: document.cookie.includes('kim_session') };
    })()`)) as { without: number; message: string; withToken: number; cookieVisible: boolean };
    expect(result.without).to.equal(403);
    expect(result.message).to.match(/X-CSRF-Token/);
    expect(result.withToken, 'the same request with the token').to.equal(204);
    expect(result.cookieVisible, 'the session cookie is HttpOnly').to.equal(false);
    // Playwright's request context shares the page's cookies, but sends no CSRF token: refused too.
    const viaRequest = await page.request.post(`${k.service.url}/engine-rest/task/${taskId}/unclaim`, { data: {} });
    expect(viaRequest.status()).to.equal(403);
    expect((await k.api('GET', `/engine-rest/task/${taskId}`)).body.assignee).to.equal('demo-cm-ki');
    await page.reload();
    await row('HH-E2E-2').locator('.badge-escalation', { hasText: 'Stufe 2' }).waitFor();
    await b.screenshot('c-csrf-meine-aufgaben.png');
    await page.locator('.tab[data-list="gruppe"]').click();
    await page.locator('#task-table, #empty-list').first().waitFor();
    await b.screenshot('c2-gruppenaufgaben.png');
  });

  it('Given tasks with different due dates and priorities, then the list shows the due dates as people read them, filters by process and overdue, and sorts by priority', async () => {
    // Now is 2026-03-02 09:00 in Herne (08:00 UTC, the controlled clock).
    const fristen = bpmn(
      'fristen',
      `<bpmn:startEvent id="start"/>
       <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="fork"/>
       <bpmn:parallelGateway id="fork"/>
       <bpmn:sequenceFlow id="f1" sourceRef="fork" targetRef="verpasst"/>
       <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="heute"/>
       <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="bald"/>
       <bpmn:userTask id="verpasst" name="Frist verpasst" camunda:candidateGroups="cm-ki" camunda:dueDate="2026-02-28T10:00:00Z" camunda:priority="50"/>
       <bpmn:userTask id="heute" name="Heute erledigen" camunda:candidateGroups="cm-ki" camunda:dueDate="2026-03-02T16:00:00Z" camunda:priority="20"/>
       <bpmn:userTask id="bald" name="Bald erledigen" camunda:candidateGroups="cm-ki" camunda:dueDate="2026-03-05T10:00:00Z" camunda:priority="80"/>
       <bpmn:endEvent id="end"/>`,
    ).replace('<bpmn:process id="fristen"', '<bpmn:process id="fristen" name="Fristen-Demo"');
    const dep = await deploy(k.api, { 'fristen.bpmn': fristen });
    expect(dep.status, JSON.stringify(dep.body)).to.equal(200);
    expect((await k.api('POST', '/engine-rest/process-definition/key/fristen/start', { businessKey: 'FRIST-1' })).status).to.equal(200);

    await login('demo-cm-ki');
    await page.locator('.tab[data-list="gruppe"]').waitFor();
    const names = () => page.locator('#task-table .task-link').allTextContents();
    const dues = () => page.locator('#task-table .col-due').allTextContents();

    await page.goto(`${k.service.url}/?liste=gruppe&prozess=fristen`);
    await page.locator('#task-table').waitFor();
    expect(await page.locator('#filter-process').inputValue()).to.equal('fristen');
    expect(await names()).to.deep.equal(['Frist verpasst', 'Heute erledigen', 'Bald erledigen']);
    expect(await dues()).to.deep.equal(['seit 2 Tagen überfällig', 'heute fällig', 'fällig in 3 Tagen']);
    expect(await page.locator('.due-overdue').getAttribute('title')).to.equal('Fällig am 28.02.2026, 11:00 Uhr');
    expect(await page.locator('.tab[data-list="gruppe"] .count').textContent()).to.equal('3');
    await b.screenshot('d1-fristen.png');

    await page.locator('#filter-overdue').check();
    await page.waitForURL('**ueberfaellig=1**');
    await page.waitForFunction(() => document.querySelectorAll('#task-table tbody tr').length === 1);
    expect(await names()).to.deep.equal(['Frist verpasst']);

    await page.locator('#filter-overdue').uncheck();
    await page.waitForFunction(() => document.querySelectorAll('#task-table tbody tr').length === 3);
    // "Fällig bis heute": the overdue task and today's, not the one in 3 days.
    await page.locator('#filter-due').selectOption('0');
    await page.waitForURL('**faelligInTagen=0**');
    await page.waitForFunction(() => document.querySelectorAll('#task-table tbody tr').length === 2);
    expect(await names()).to.deep.equal(['Frist verpasst', 'Heute erledigen']);
    await page.locator('#filter-due').selectOption('7');
    await page.waitForFunction(() => document.querySelectorAll('#task-table tbody tr').length === 3);
    await page.locator('#filter-due').selectOption('');
    await page.locator('#sort').selectOption('prioritaet');
    await page.waitForURL('**sortierung=prioritaet**');
    await page.waitForFunction(() => document.querySelector('#task-table .task-link')?.textContent === 'Bald erledigen');
    expect(await names()).to.deep.equal(['Bald erledigen', 'Frist verpasst', 'Heute erledigen']);
    expect(await page.locator('#task-table tbody tr').first().locator('.badge-priority').textContent()).to.equal('Priorität hoch');
    await b.screenshot('d2-sortiert-nach-prioritaet.png');
  });
});
