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
import { BullmqScheduler, timerJobId } from '../../src/scheduler/bullmq.ts';
import type { TimerChange } from '../../src/scheduler/scheduler.ts';
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
    expect((await deploy(t.api, { 'case.bpmn': CASE, 'child.bpmn': CHILD })).status).to.equal(200);
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

describe('deletion: scheduler entries of purged instances (queues)', () => {
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
