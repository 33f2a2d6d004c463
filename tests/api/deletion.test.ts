/**
 * Deletion of case data (KIM-PROCESSES.md §6, src/kim/deletion.ts, src/api/routes/deletion.ts): the
 * retention sweep on the controlled clock, immediate deletion after a consent withdrawal through the
 * API, cases that still run, who may do it — and the real `kim-case-lifecycle`, closed and gone in 2030.
 */
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { bpmn, deploy, startTestService, type Api, type TestService } from '../helpers/service.ts';
import { startKimService, tasksByBusinessKey, vars, work, type KimService } from '../helpers/kim.ts';
import { requireService, uniqueName } from '../helpers/requireService.ts';
import { ManualClock } from '../../src/clock.ts';
import { CaseDeletion } from '../../src/kim/deletion.ts';
import { Queue } from 'bullmq';
import { createEmailWorker, enqueueEmail, NOTIFICATION_QUEUE } from '../../src/notifications/emailQueue.ts';
import type { Mailer } from '../../src/notifications/mailer.ts';
import { BullmqScheduler, parseRedisUrl, timerJobId } from '../../src/scheduler/bullmq.ts';
import type { TimerChange } from '../../src/scheduler/scheduler.ts';
import { deadLetterId, notificationId, type NotificationRecord } from '../../src/notifications/inboxStore.ts';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.ts';
import type { InstanceRecord, Store, TimerRecord } from '../../src/store/store.ts';

// A tiny case: `bearbeiten` (closure date → deletionDueAt = closureDate + 5 days, as `abschluss` does with + 3 years),
// then a called child with the same business key (like Baustein 3 / abh-eskalation), then the end.
const CASE = bpmn('loesch-fall', `
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="bearbeiten" name="Bearbeiten" camunda:candidateGroups="cm-ki">
      <bpmn:extensionElements><camunda:inputOutput>
        <camunda:outputParameter name="deletionDueAt">=if closureDate = null then null else string(date(closureDate) + duration("P5D"))</camunda:outputParameter>
      </camunda:inputOutput></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:callActivity id="kind" name="Kind" calledElement="loesch-kind"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:extensionElements><camunda:in businessKey="=execution.processBusinessKey" /><camunda:in source="givenName" target="givenName" /></bpmn:extensionElements>
    </bpmn:callActivity>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="bearbeiten" />
    <bpmn:sequenceFlow id="f2" sourceRef="bearbeiten" targetRef="kind" />
    <bpmn:sequenceFlow id="f3" sourceRef="kind" targetRef="end" />`);
const CHILD = bpmn('loesch-kind', `
    <bpmn:startEvent id="s"><bpmn:outgoing>g1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="kindAufgabe" name="Kind-Aufgabe" camunda:candidateGroups="cm-ki"><bpmn:incoming>g1</bpmn:incoming><bpmn:outgoing>g2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="e"><bpmn:incoming>g2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="g1" sourceRef="s" targetRef="kindAufgabe" />
    <bpmn:sequenceFlow id="g2" sourceRef="kindAufgabe" targetRef="e" />`);

// A case that escalates (KIM-PROCESSES.md §5): level 2 tells the KIM-Koordination, level 3 the ABH with
// the minimal data set (name, date of birth, file number); then a task assigned to the case manager.
const ESCALATING = bpmn('loesch-eskalation', `
    <bpmn:startEvent id="start"><bpmn:outgoing>e1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="vorbereiten" name="Vorbereiten" camunda:candidateGroups="cm-ki"><bpmn:incoming>e1</bpmn:incoming><bpmn:outgoing>e2</bpmn:outgoing></bpmn:userTask>
    <bpmn:serviceTask id="stufe2" name="Frist überschritten" camunda:type="external" camunda:topic="eskalationStufe2"><bpmn:incoming>e2</bpmn:incoming><bpmn:outgoing>e3</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:serviceTask id="anAbh" name="Frist gefährdet: Eskalation an die ABH" camunda:type="external" camunda:topic="eskalationAbh"><bpmn:incoming>e3</bpmn:incoming><bpmn:outgoing>e4</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:userTask id="nachbereiten" name="Nachbereiten" camunda:assignee="demo-cm-ki"><bpmn:incoming>e4</bpmn:incoming><bpmn:outgoing>e5</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="ende"><bpmn:incoming>e5</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="e1" sourceRef="start" targetRef="vorbereiten" />
    <bpmn:sequenceFlow id="e2" sourceRef="vorbereiten" targetRef="stufe2" />
    <bpmn:sequenceFlow id="e3" sourceRef="stufe2" targetRef="anAbh" />
    <bpmn:sequenceFlow id="e4" sourceRef="anAbh" targetRef="nachbereiten" />
    <bpmn:sequenceFlow id="e5" sourceRef="nachbereiten" targetRef="ende" />`);

/**
 * The rows a query by instance id answers: none, also when the route answers 404 for an instance id
 * it does not know (the history routes do: they check that the instance is visible first).
 */
async function rowsOf(api: Api, path: string, instanceId: string): Promise<unknown[]> {
  const r = await api('GET', `/engine-rest/${path}?processInstanceId=${instanceId}`);
  if (r.status === 404) return [];
  expect(r.status, `${path}: ${JSON.stringify(r.body)}`).to.equal(200);
  return r.body;
}

/** The distributed profile in one process (MongoDB store, BullMQ timers with workers), on a fresh database and Redis db. */
function distributedEnv(ctx: Mocha.Context): Record<string, string> {
  const mongo = requireService(ctx, 'MONGODB_URL');
  const redis = requireService(ctx, 'REDIS_URL');
  return {
    MONGODB_URL: mongo.replace(/\/[^/]*$/, `/${uniqueName('kim_del')}`),
    REDIS_URL: `${redis.replace(/\/\d*$/, '')}/${Math.floor(Math.random() * 15) + 1}`,
    RUN_WORKERS: 'true',
  };
}

deletionScenarios('embedded (SQLite, in-process scheduler)', () => ({}));
deletionScenarios('distributed (MongoDB, BullMQ)', distributedEnv);

function deletionScenarios(profile: string, envOf: (ctx: Mocha.Context) => Record<string, string>): void {
describe(`api: deletion of case data (§6), ${profile}`, function () {
  let t: TestService;
  let as: (user: string) => Api;
  let env: Record<string, string> = {};
  before(async function () {
    env = envOf(this);
    t = await startTestService({ env: { CLOCK: 'controlled', DEMO_USERS: 'true', ...env } });
    const passwords = new Map(t.service.createdUsers.map((u) => [u.id, u.password]));
    as = (user) => t.api.as(user, passwords.get(user)!);
    expect((await t.api('POST', '/api/clock', { now: '2026-03-02T08:00:00Z' })).status).to.equal(200);
    expect((await deploy(t.api, { 'case.bpmn': CASE, 'child.bpmn': CHILD, 'eskalation.bpmn': ESCALATING })).status).to.equal(200);
  });
  after(async () => {
    await t?.close();
    if (env.MONGODB_URL) {
      const client = await MongoClient.connect(env.MONGODB_URL);
      await client.db().dropDatabase().catch(() => undefined);
      await client.close();
    }
  });

  const advance = async (duration: string) => {
    const r = await t.api('POST', '/api/clock/advance', { duration });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
  };
  const startCase = async (caseId: string): Promise<string> => {
    const r = await as('demo-cm-ki')('POST', '/engine-rest/process-definition/key/loesch-fall/start', {
      businessKey: caseId, variables: vars({ caseId, givenName: 'Amina', familyName: 'Haddad', dateOfBirth: '1990-05-17' }),
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body.id;
  };
  const complete = async (instanceId: string, key: string, plain: Record<string, unknown> = {}) => {
    const tasks = (await t.api('GET', `/engine-rest/task?processInstanceId=${instanceId}`)).body as Array<{ id: string; taskDefinitionKey: string }>;
    const task = tasks.find((x) => x.taskDefinitionKey === key);
    expect(task, `task ${key} of ${instanceId}`).to.exist;
    const r = await t.api('POST', `/engine-rest/task/${task!.id}/complete`, { variables: vars(plain) });
    expect(r.status, JSON.stringify(r.body)).to.equal(204);
  };
  /** Runs a case to its end: closure (sets deletionDueAt unless `closureDate` is null), then the child's task. */
  const closeCase = async (instanceId: string, closureDate: string | null): Promise<string> => {
    await complete(instanceId, 'bearbeiten', closureDate ? { closureDate } : {});
    const children = (await t.api('GET', `/engine-rest/process-instance?superProcessInstance=${instanceId}`)).body as Array<{ id: string }>;
    expect(children).to.have.length(1);
    await complete(children[0]!.id, 'kindAufgabe');
    expect((await t.api('GET', `/engine-rest/history/process-instance/${instanceId}`)).body.state).to.equal('COMPLETED');
    return children[0]!.id;
  };
  const consent = async (caseId: string): Promise<string> => {
    const r = await as('demo-cm-ki')('POST', '/api/consents', {
      caseId, personRef: 'Amina H.', recipient: 'abh', purposes: ['AUFENTHALTSSICHERUNG'], dataCategories: ['STAMMDATEN'], scope: ['DEADLINE_ESCALATION'],
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body.id;
  };
  const audit = async (caseId: string) =>
    ((await t.api('GET', `/api/audit?caseId=${caseId}`)).body.items as Array<{ type: string; userId: string | null; purpose: string; details: Record<string, unknown> }>);
  const due = async (query = '') => {
    const r = await t.api('GET', `/api/cases/deletion-due${query}`);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body.items as Array<{ caseId: string; dueAt: string; instances: number; running: number; runningInstanceIds: string[] }>;
  };
  /** Every trace of the instances, through the REST API and the store's count queries. */
  const expectGone = async (ids: string[], caseId: string) => {
    for (const id of ids) {
      expect((await t.api('GET', `/engine-rest/history/process-instance/${id}`)).status, id).to.equal(404);
      expect((await t.api('GET', `/engine-rest/process-instance/${id}`)).status, id).to.equal(404);
      for (const path of ['history/task', 'history/activity-instance', 'history/variable-instance', 'task', 'job']) {
        expect(await rowsOf(t.api, path, id), `${path} of ${id}`).to.deep.equal([]);
      }
      const store = t.service.store;
      expect(await store.countInstances({ ids: [id] })).to.equal(0);
      expect(await store.countTasks({ instanceId: id })).to.equal(0);
      expect(await store.countJobs({ instanceId: id })).to.equal(0);
      expect(await store.countActivityHistory({ instanceId: id })).to.equal(0);
      expect(await store.countTaskHistory({ instanceId: id })).to.equal(0);
      expect(await store.countVariableHistory({ instanceId: id })).to.equal(0);
      expect((await store.pendingFollowUps(100)).filter((f) => f.id.includes(id))).to.deep.equal([]);
    }
    expect((await t.api('GET', `/engine-rest/history/process-instance?businessKey=${caseId}`)).body).to.deep.equal([]);
    expect(await t.service.store.countInstances({ businessKey: caseId })).to.equal(0);
    expect(await t.service.store.countTaskHistory({ businessKey: caseId })).to.equal(0);
    const consents = await t.api('GET', `/api/consents?caseId=${caseId}`);
    expect(consents.status).to.equal(200);
    expect(consents.body).to.deep.equal([]);
  };

  it('retention: once deletionDueAt has passed, advancing the clock deletes the ended case everywhere and audits DELETED', async () => {
    const caseId = 'FALL-DEL-1';
    const id = await startCase(caseId);
    await consent(caseId);
    const child = await closeCase(id, '2026-03-02'); // deletionDueAt 2026-03-07
    expect((await t.api('GET', `/engine-rest/history/variable-instance?processInstanceId=${id}&variableName=deletionDueAt`)).body[0].value).to.equal('2026-03-07');

    expect((await due()).map((c) => c.caseId)).to.not.include(caseId);
    expect(await due('?until=2026-03-07')).to.deep.include({ caseId, dueAt: '2026-03-07', instances: 2, running: 0, runningInstanceIds: [] });
    await advance('P4D'); // 2026-03-06: not yet
    expect((await t.api('GET', `/engine-rest/history/process-instance/${id}`)).status).to.equal(200);

    await advance('P1D'); // 2026-03-07: due today
    await expectGone([id, child], caseId);
    expect((await due('?until=2026-12-31')).map((c) => c.caseId)).to.not.include(caseId);
    const entries = await audit(caseId);
    expect(entries.map((e) => e.type)).to.include('CONSENT_RECORDED'); // the earlier entries stay
    const deleted = entries.filter((e) => e.type === 'DELETED');
    expect(deleted).to.have.length(1);
    expect(deleted[0]).to.include({ userId: null, purpose: 'RETENTION' });
    expect(deleted[0]!.details).to.include({ instances: 2, consents: 1, taskHistory: 2 });
    // Counts only: every detail is a number.
    expect(Object.values(deleted[0]!.details).every((v) => typeof v === 'number')).to.equal(true);
  });

  it('a case with a running instance is not deleted: skipped by the sweep, 409 from the API with the running ids', async () => {
    const caseId = 'FALL-DEL-2';
    const closed = await startCase(caseId);
    await closeCase(closed, '2026-03-01'); // due 2026-03-06: already past
    const running = await startCase(caseId); // the same case, still open

    await advance('P1D');
    expect((await t.api('GET', `/engine-rest/history/process-instance/${closed}`)).status).to.equal(200);
    expect(await due()).to.deep.include({ caseId, dueAt: '2026-03-06', instances: 3, running: 1, runningInstanceIds: [running] });
    const r = await t.api('POST', `/api/cases/${caseId}/delete`, { reason: 'RETENTION' });
    expect(r.status, JSON.stringify(r.body)).to.equal(409);
    expect(r.body.runningInstanceIds).to.deep.equal([running]);
    expect((await audit(caseId)).filter((e) => e.type === 'DELETED')).to.deep.equal([]);
    expect((await t.api('GET', `/engine-rest/history/process-instance/${closed}`)).status).to.equal(200);

    // Once it has ended too, the next day's sweep deletes the whole case.
    const child = await closeCase(running, '2026-03-08');
    await advance('P1D'); // 2026-03-09: the open one closed 03-08 (due 03-13), so the case waits for the latest date
    expect((await t.api('GET', `/engine-rest/history/process-instance/${closed}`)).status).to.equal(200);
    await advance('P5D'); // 2026-03-14
    await expectGone([closed, running, child], caseId);
  });

  it('consent withdrawn: the KIM-Koordination deletes the ended case at once; a repeat is 404', async () => {
    const caseId = 'FALL-DEL-3';
    const id = await startCase(caseId);
    const consentId = await consent(caseId);
    const child = await closeCase(id, null); // no deletionDueAt: retention alone would keep it
    expect((await as('demo-cm-ki')('POST', `/api/consents/${consentId}/withdraw`, {})).status).to.equal(200);

    const r = await as('demo-kim-koordination')('POST', `/api/cases/${caseId}/delete`, { reason: 'CONSENT_WITHDRAWN' });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body).to.include({ caseId, reason: 'CONSENT_WITHDRAWN' });
    expect(r.body.deletedInstanceIds).to.have.members([id, child]);
    expect(r.body.counts).to.include({ instances: 2, consents: 1 });
    await expectGone([id, child], caseId);

    const entries = await audit(caseId);
    expect(entries.map((e) => e.type)).to.include.members(['CONSENT_RECORDED', 'CONSENT_WITHDRAWN', 'DELETED']);
    expect(entries.find((e) => e.type === 'DELETED')).to.include({ userId: 'demo-kim-koordination', purpose: 'CONSENT_WITHDRAWN' });
    expect((await t.api('POST', `/api/cases/${caseId}/delete`, { reason: 'CONSENT_WITHDRAWN' })).status).to.equal(404);
  });

  it('only admin and the KIM-Koordination: 403 for a case manager; 404 for an unknown case; 400 without a reason', async () => {
    const caseId = 'FALL-DEL-4';
    const id = await startCase(caseId);
    await closeCase(id, null);
    expect((await as('demo-cm-ki')('POST', `/api/cases/${caseId}/delete`, { reason: 'CONSENT_WITHDRAWN' })).status).to.equal(403);
    expect((await as('demo-cm-ki')('GET', '/api/cases/deletion-due')).status).to.equal(403);
    expect((await as('demo-cm-koordination')('POST', `/api/cases/${caseId}/delete`, { reason: 'RETENTION' })).status).to.equal(403);
    expect((await t.api('POST', '/api/cases/FALL-UNBEKANNT/delete', { reason: 'RETENTION' })).status).to.equal(404);
    expect((await t.api('POST', `/api/cases/${caseId}/delete`, {})).status).to.equal(400);
    expect((await t.api('GET', '/api/cases/deletion-due?until=morgen')).status).to.equal(400);
    expect((await t.api('GET', `/engine-rest/history/process-instance/${id}`)).status).to.equal(200);
    // Another legal reason is recorded as given.
    const r = await t.api('POST', `/api/cases/${caseId}/delete`, { reason: 'LOESCHVERLANGEN_ART17' });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect((await audit(caseId)).find((e) => e.type === 'DELETED')).to.include({ userId: 'admin', purpose: 'LOESCHVERLANGEN_ART17' });
  });

  describe('notifications of the case', () => {
    type Note = { id: string; event: string; subject: string; body: string; link: string | null };
    const inboxOf = async (user: string): Promise<Note[]> => {
      const r = await as(user)('GET', '/api/notifications?maxResults=500');
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      return r.body.items;
    };
    /** Starts the escalating case and runs it to its end: levels 2 and 3 notified, the case manager's task assigned and done. */
    const escalatedCase = async (caseId: string): Promise<string> => {
      const r = await as('demo-cm-ki')('POST', '/engine-rest/process-definition/key/loesch-eskalation/start', {
        businessKey: caseId, variables: vars({ caseId, givenName: 'Olena', familyName: 'Beispiel', dateOfBirth: '1988-04-02', abhAktenzeichen: 'ABH-2025-7781' }),
      });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      const id = r.body.id as string;
      await consent(caseId); // recipient abh, scope DEADLINE_ESCALATION: level 3 may go to the ABH
      await complete(id, 'vorbereiten');
      let tasks: Array<{ id: string; taskDefinitionKey: string }> = [];
      for (let i = 0; i < 200 && !tasks.some((x) => x.taskDefinitionKey === 'nachbereiten'); i++) {
        await t.service.scheduler.runDue();
        tasks = (await t.api('GET', `/engine-rest/task?processInstanceId=${id}`)).body;
        if (!tasks.some((x) => x.taskDefinitionKey === 'nachbereiten')) await new Promise((res) => setTimeout(res, 50));
      }
      expect(tasks.map((x) => x.taskDefinitionKey)).to.deep.equal(['nachbereiten']);
      // The assignment notification is written after the commit: wait for it.
      for (let i = 0; i < 100 && !(await inboxOf('demo-cm-ki')).some((n) => n.link === `/tasks/${encodeURIComponent(tasks[0]!.id)}`); i++) {
        await new Promise((res) => setTimeout(res, 50));
      }
      await complete(id, 'nachbereiten');
      expect((await t.api('GET', `/engine-rest/history/process-instance/${id}`)).body.state).to.equal('COMPLETED');
      return id;
    };

    it('the case\'s notifications (escalation levels 2 and 3 with the minimal data set, task assignment) go with it and are counted in DELETED', async () => {
      const caseId = 'FALL-DEL-5';
      const other = 'FALL-DEL-6';
      const id = await escalatedCase(caseId);
      const otherId = await escalatedCase(other);

      // Before: the KIM-Koordination (level 2), the ABH (level 3: name, date of birth, file number) and the case manager (task) were told.
      const ofCase = (notes: Note[], key: string) => notes.filter((n) => n.subject.includes(key) || n.body.includes(key));
      const koordination = await inboxOf('demo-kim-koordination');
      const abh = await inboxOf('demo-abh');
      expect(ofCase(koordination, caseId).map((n) => n.subject)).to.deep.equal(['Eskalation Stufe 2: Fall FALL-DEL-5']);
      expect(ofCase(abh, caseId).map((n) => n.subject)).to.deep.equal(['Eskalation Stufe 3 an die Ausländerbehörde: Fall FALL-DEL-5']);
      expect(ofCase(abh, caseId)[0]!.body).to.contain('Olena Beispiel').and.to.contain('ABH-2025-7781');
      const assignedTask = (await t.api('GET', `/engine-rest/history/task?processInstanceId=${id}&taskDefinitionKey=nachbereiten`)).body[0].id as string;
      const assignments = (await inboxOf('demo-cm-ki')).filter((n) => n.link === `/tasks/${encodeURIComponent(assignedTask)}`);
      expect(assignments.map((n) => n.event)).to.deep.equal(['task.assigned']);
      const before = {
        'demo-kim-koordination': koordination.length, 'demo-abh': abh.length, 'demo-cm-ki': (await inboxOf('demo-cm-ki')).length,
      };

      const r = await as('demo-kim-koordination')('POST', `/api/cases/${caseId}/delete`, { reason: 'CONSENT_WITHDRAWN' });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.counts).to.include({ instances: 1, consents: 1, notifications: 3, deadLetters: 0 });
      await expectGone([id], caseId);

      // After: none of them lists the case's notifications any more; the other case's stay.
      const after = {
        'demo-kim-koordination': await inboxOf('demo-kim-koordination'), 'demo-abh': await inboxOf('demo-abh'), 'demo-cm-ki': await inboxOf('demo-cm-ki'),
      };
      for (const [user, notes] of Object.entries(after)) {
        expect(ofCase(notes, caseId), user).to.deep.equal([]);
        expect(notes.length, user).to.equal(before[user as keyof typeof before] - 1);
      }
      expect(after['demo-cm-ki'].filter((n) => n.link === `/tasks/${encodeURIComponent(assignedTask)}`)).to.deep.equal([]);
      expect(JSON.stringify(after['demo-abh'])).to.not.contain('FALL-DEL-5');
      expect(ofCase(after['demo-abh'], other)).to.have.length(1);
      expect(ofCase(after['demo-kim-koordination'], other)).to.have.length(1);
      expect((await t.api('GET', `/engine-rest/history/process-instance/${otherId}`)).status).to.equal(200);

      const deleted = (await audit(caseId)).filter((e) => e.type === 'DELETED');
      expect(deleted).to.have.length(1);
      expect(deleted[0]!.details).to.include({ instances: 1, consents: 1, notifications: 3, deadLetters: 0 });
      expect(Object.values(deleted[0]!.details).every((v) => typeof v === 'number')).to.equal(true);
    });
  });
});
}

describe('api: deletion of a real kim-case-lifecycle case (processes/)', () => {
  let k: KimService;
  before(async () => (k = await startKimService({ now: '2026-03-02T08:00:00Z' })));
  after(() => k.close());

  it('a case closed in 2026 is kept until 31 Dec 2029 and gone on 2030-01-01, consents included', async () => {
    const ki = k.as('demo-cm-ki');
    const caseId = 'FALL-2026-DEL';
    const started = await ki('POST', '/engine-rest/message', {
      messageName: 'fallanfrage', businessKey: caseId, resultEnabled: true, processVariables: vars({ caseId, referralSource: 'SELBST', modality: 'TANDEM' }),
    });
    expect(started.status, JSON.stringify(started.body)).to.equal(200);
    const id = started.body[0].processInstance.id as string;
    const consent = await ki('POST', '/api/consents', { caseId, recipient: 'abh', purposes: ['AUFENTHALTSSICHERUNG'], dataCategories: ['STAMMDATEN'], scope: ['DEADLINE_ESCALATION'] });
    expect(consent.status, JSON.stringify(consent.body)).to.equal(201);

    const goal = (status: string) => ({ goalId: 'Z1', lifeArea: 'ARBEIT', measure: 'Anerkennung des Berufsabschlusses', responsibleActor: 'Jobcenter', dueDate: '2026-06-30', status });
    await work(ki, caseId, 'erstkontakt', { firstContactDate: '2026-03-02', givenName: 'Amina', familyName: 'Haddad', dateOfBirth: '1990-05-17' });
    await work(ki, caseId, 'intakeEinwilligung', { intakeDate: '2026-03-02', processingConsent: 'ERTEILT', transferConsentsRecorded: true });
    await work(ki, caseId, 'clearing', { caseAccepted: true });
    await work(ki, caseId, 'assessment', { assessmentDate: '2026-03-02', lifeAreas: [{ area: 'ARBEIT', needLevel: 3 }], residenceFlags: [], residenceStatus: 'AUFENTHALTSERLAUBNIS' });
    await work(ki, caseId, 'hilfeplan', { planDate: '2026-03-02', goals: [goal('OFFEN')] });
    await work(ki, caseId, 'linking', { referrals: [{ partner: 'Jobcenter Herne', lifeArea: 'ARBEIT', referralDate: '2026-03-02', warmHandover: true }], lastContactDate: '2026-03-02' });
    await work(ki, caseId, 'verlaufsgespraech', { lastContactDate: '2026-03-02', goals: [goal('ERREICHT')], allGoalsClosed: true });
    await work(ki, caseId, 'evaluation', { evaluationDate: '2026-03-02', evaluationResult: 'Ziele erreicht.', newNeeds: false });
    await work(ki, caseId, 'abschluss', { closureReason: 'ZIELE_ERREICHT', closureDate: '2026-03-02' });
    const history = await k.api('GET', `/engine-rest/history/process-instance/${id}`);
    expect(history.body.state).to.equal('COMPLETED');
    const dueAt = (await k.api('GET', `/engine-rest/history/variable-instance?processInstanceId=${id}&variableName=deletionDueAt`)).body[0].value;
    expect(dueAt).to.equal('2029-12-31');

    // Late in 2029 the case is still there (the clock is set there: four years of fortnightly Fallkonferenzen are not the point here).
    expect((await k.api('POST', '/api/clock', { now: '2029-12-30T08:00:00Z' })).status).to.equal(200);
    await k.advance('PT1H');
    expect((await k.api('GET', `/engine-rest/history/process-instance/${id}`)).status).to.equal(200);
    const listed = await k.as('demo-kim-koordination')('GET', '/api/cases/deletion-due?until=2030-01-01');
    expect(listed.body.items).to.deep.include({ caseId, dueAt: '2029-12-31', instances: 1, running: 0, runningInstanceIds: [] });

    await k.advance('P2D'); // 2030-01-01
    expect((await k.api('GET', `/engine-rest/history/process-instance/${id}`)).status).to.equal(404);
    for (const path of ['history/task', 'history/activity-instance', 'history/variable-instance']) {
      expect(await rowsOf(k.api, path, id), path).to.deep.equal([]);
    }
    expect(await k.service.store.countActivityHistory({ instanceId: id })).to.equal(0);
    expect(await k.service.store.countVariableHistory({ instanceId: id })).to.equal(0);
    expect(await k.service.store.countTaskHistory({ businessKey: caseId })).to.equal(0);
    expect(await tasksByBusinessKey(k.api, caseId)).to.deep.equal([]);
    expect((await k.api('GET', `/api/consents?caseId=${caseId}`)).body).to.deep.equal([]);
    const entries = (await k.api('GET', `/api/audit?caseId=${caseId}&type=DELETED`)).body.items;
    expect(entries).to.have.length(1);
    expect(entries[0]).to.include({ purpose: 'RETENTION', userId: null, caseId });
    expect(entries[0].details).to.include({ instances: 1, consents: 1 });
  });
});

describe('deletion: scheduler entries, notifications and e-mail jobs of purged instances', () => {
  const NOW = Date.parse('2026-03-01T08:00:00Z');
  /**
   * An ended instance of case FALL-Q whose timer and service-task job rows were left behind (the sync of
   * its last commit was lost in a crash): the store still lists them, so the scheduler may hold jobs.
   */
  async function strayTimers(store: Store): Promise<TimerRecord[]> {
    const id = 'inst-q';
    const timers: TimerRecord[] = [
      { id: `${id}:t1`, instanceId: id, activityId: 'frist', executionId: 't1', dueAt: '2026-03-10T00:00:00.000Z', timerType: 'timeDate' },
      { id: `${id}:j1`, instanceId: id, activityId: 'melden', executionId: 'j1', dueAt: '2026-03-02T00:00:00.000Z', timerType: 'job', handler: 'benachrichtigen', retries: 3, retryCycle: null, exceptionMessage: null, failedAt: null },
    ];
    const instance: InstanceRecord = {
      id, version: 1, definitionId: 'fall:1:d', definitionKey: 'fall', businessKey: 'FALL-Q', state: 'COMPLETED', startTime: '2026-01-01T08:00:00.000Z',
      endTime: '2026-02-01T08:00:00.000Z', startUserId: null, superInstanceId: null, superExecutionId: null, rootInstanceId: id, organisation: null,
      engineState: null, variables: { givenName: { type: 'String', value: 'Amina' } }, tasks: [], subscriptions: [], timers, lastError: null, deleteReason: null,
    };
    await store.commitInstance({ instance, expectedVersion: 0, activityHistory: [], taskHistory: [], variableHistory: [], followUps: [] });
    return timers;
  }

  it('purgeCase hands the timers still stored to the scheduler as removed (the path a commit uses)', async () => {
    const store = new SqliteStore({ file: ':memory:' });
    await store.init();
    try {
      const timers = await strayTimers(store);
      const changes: TimerChange[] = [];
      const deletion = new CaseDeletion({ store, clock: new ManualClock(NOW), syncTimers: (c) => void changes.push(c) });
      const result = await deletion.purgeCase('FALL-Q', 'RETENTION');
      expect(result.counts).to.include({ instances: 1, timers: 2 });
      expect(changes).to.deep.equal([{ instanceId: 'inst-q', added: [], removed: [timers[1], timers[0]] }]);
      expect(await store.countJobs({})).to.equal(0);
    } finally {
      await store.close();
    }
  });

  it('purgeCase removes the notifications and dead letters of the case (by its keys and instance ids), not those of a key it shares', async () => {
    const store = new SqliteStore({ file: ':memory:' });
    await store.init();
    try {
      await strayTimers(store); // inst-q, case FALL-Q
      // Its variable caseId names FALL-SHARED, a key a running instance outside this case carries too.
      const q = (await store.getInstance('inst-q'))!;
      await store.commitInstance({
        instance: { ...q, version: 2, variables: { ...q.variables, caseId: { type: 'String', value: 'FALL-SHARED' } } },
        expectedVersion: 1, activityHistory: [], taskHistory: [], variableHistory: [], followUps: [],
      });
      const shared: InstanceRecord = { ...q, id: 'inst-s', version: 1, businessKey: 'FALL-SHARED', state: 'ACTIVE', endTime: null, rootInstanceId: 'inst-s', timers: [] };
      await store.commitInstance({ instance: shared, expectedVersion: 0, activityHistory: [], taskHistory: [], variableHistory: [], followUps: [] });

      const note = (eventId: string, userId: string, caseId: string | null): NotificationRecord => ({
        id: notificationId(eventId, userId), userId, event: 'escalation.raised', eventId, subject: `Eskalation ${eventId}`, body: 'Name: Amina Haddad',
        link: null, caseId, createdAt: '2026-02-01T08:00:00.000Z', readAt: null,
      });
      for (const n of [note('e1', 'demo-abh', 'FALL-Q'), note('e1', 'demo-kim-koordination', 'FALL-Q'), note('e2', 'demo-kim-koordination', 'inst-q'),
        note('e3', 'demo-kim-koordination', 'FALL-SHARED'), note('e4', 'demo-kim-koordination', 'FALL-ANDERS'), note('e5', 'demo-kim-koordination', null)]) {
        await store.inbox.addNotification(n);
      }
      const payload = { eventId: 'e1', event: 'escalation.raised', userId: 'demo-abh', to: 'abh@herne.example', subject: 'Eskalation', text: 'Name: Amina Haddad', caseId: 'FALL-Q' };
      await store.inbox.addDeadLetter({
        id: deadLetterId('email', 'e1', 'demo-abh'), channel: 'email', recipient: payload.to, subject: payload.subject, error: '550', attempts: 1,
        createdAt: '2026-02-01T08:00:00.000Z', caseId: 'FALL-Q', payload,
      });

      const result = await new CaseDeletion({ store, clock: new ManualClock(NOW) }).purgeCase('FALL-Q', 'CONSENT_WITHDRAWN');
      expect(result.instanceIds).to.deep.equal(['inst-q']);
      expect(result.counts).to.include({ instances: 1, notifications: 3, deadLetters: 1 });
      expect((await store.inbox.listNotifications('demo-kim-koordination')).map((n) => n.eventId).sort()).to.deep.equal(['e3', 'e4', 'e5']);
      expect(await store.inbox.countNotifications('demo-abh')).to.equal(0);
      expect(await store.inbox.countDeadLetters()).to.equal(0);
      const [entry] = await store.audit.findAudit({ caseId: 'FALL-Q', type: 'DELETED' });
      expect(entry!.details).to.include({ instances: 1, notifications: 3, deadLetters: 1 });
    } finally {
      await store.close();
    }
  });

  it('BullMQ e-mail jobs: a sent one keeps ids only (no address, subject or text) and still deduplicates; a dead letter names the case', async function () {
    const redisUrl = requireService(this, 'REDIS_URL');
    const store = new SqliteStore({ file: ':memory:' });
    await store.init();
    const connection = parseRedisUrl(redisUrl);
    const prefix = uniqueName('kimdelmail');
    const queue = new Queue(NOTIFICATION_QUEUE, { connection, prefix });
    const sent: string[] = [];
    const mailer: Mailer = {
      dryRun: false,
      async send(m) {
        if (m.to.startsWith('weg')) throw Object.assign(new Error('Empfaenger unbekannt'), { responseCode: 550 });
        sent.push(m.text);
        return { messageId: m.messageId ?? '', accepted: [m.to], rejected: [] };
      },
      verify: async () => undefined,
      close: () => undefined,
    };
    const worker = createEmailWorker(mailer, store.inbox, { connection: { ...connection, maxRetriesPerRequest: null }, prefix, clock: new ManualClock(NOW), log: () => {} });
    const until = async (what: string, check: () => Promise<boolean>) => {
      for (let i = 0; !(await check()); i++) {
        if (i > 300) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      const p = { eventId: 'esc-3', event: 'escalation.raised', userId: 'demo-abh', to: 'abh@herne.example', subject: 'Eskalation Stufe 3: Fall FALL-Q', text: 'Name: Amina Haddad', caseId: 'FALL-Q' };
      const jobId = await enqueueEmail(queue, p);
      await until('completion', async () => (await queue.getJob(jobId))?.finishedOn !== undefined);
      expect(sent).to.deep.equal(['Name: Amina Haddad']);
      const job = await queue.getJob(jobId);
      expect(job!.data).to.deep.equal({ eventId: 'esc-3', event: 'escalation.raised', userId: 'demo-abh', to: '', subject: '', text: '', caseId: 'FALL-Q' });
      expect(JSON.stringify(job!.data)).to.not.contain('Haddad');
      // The completed job still makes a redelivery a duplicate: nothing is sent again.
      await enqueueEmail(queue, p);
      await new Promise((r) => setTimeout(r, 200));
      expect(sent).to.have.length(1);

      const refused = { ...p, eventId: 'esc-4', to: 'weg@herne.example' };
      await enqueueEmail(queue, refused);
      await until('dead letter', async () => (await store.inbox.countDeadLetters()) === 1);
      expect((await store.inbox.listDeadLetters())[0]).to.deep.include({ caseId: 'FALL-Q', payload: refused });
      expect(await store.inbox.deleteDeadLettersByCase(['FALL-Q'])).to.equal(1);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await store.close();
    }
  });

  it('BullMQ: no timer or service-task job of a purged instance survives in Redis', async function () {
    const redisUrl = requireService(this, 'REDIS_URL');
    const store = new SqliteStore({ file: ':memory:' });
    await store.init();
    const clock = new ManualClock(NOW);
    const scheduler = new BullmqScheduler({ redisUrl, store, clock, fire: async () => undefined, prefix: uniqueName('kimdel'), runWorker: false, log: () => {} });
    try {
      const timers = await strayTimers(store);
      await scheduler.sync({ instanceId: 'inst-q', added: timers, removed: [] });
      expect(await scheduler.queue.getJob(timerJobId(timers[0]!)), 'timer job').to.exist;
      expect(await scheduler.jobQueue.getJob(timerJobId(timers[1]!)), 'service-task job').to.exist;

      await new CaseDeletion({ store, clock, syncTimers: (c) => scheduler.sync(c) }).purgeCase('FALL-Q', 'CONSENT_WITHDRAWN');
      expect(await scheduler.queue.getJob(timerJobId(timers[0]!))).to.equal(undefined);
      expect(await scheduler.jobQueue.getJob(timerJobId(timers[1]!))).to.equal(undefined);
      const counts = [await scheduler.queue.getJobCounts(), await scheduler.jobQueue.getJobCounts()];
      expect(counts.flatMap((c) => Object.values(c)).reduce((a, b) => a + b, 0)).to.equal(0);
    } finally {
      await scheduler.queue.obliterate({ force: true });
      await scheduler.jobQueue.obliterate({ force: true });
      await scheduler.close();
      await store.close();
    }
  });
});
