import { expect } from 'chai';
import { bpmn, deploy, startTestService, type TestService } from '../helpers/service.ts';

// The bi-weekly case conference: every second Monday 09:00 Berlin time.
const conference = (task: string, cycle = 'R/2026-01-05T09:00:00+01:00/P14D') =>
  bpmn('fallkonferenz', `
    <bpmn:startEvent id="every14days"><bpmn:timerEventDefinition><bpmn:timeCycle>${cycle}</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
    <bpmn:sequenceFlow id="f0" sourceRef="every14days" targetRef="${task}"/>
    <bpmn:userTask id="${task}" camunda:candidateGroups="cm-koordination"/><bpmn:sequenceFlow id="f1" sourceRef="${task}" targetRef="e"/><bpmn:endEvent id="e"/>`);

const instances = async (t: TestService) =>
  ((await t.api('GET', '/engine-rest/history/process-instance?processDefinitionKey=fallkonferenz&sortBy=startTime&sortOrder=asc')).body as Array<{ id: string; startTime: string; processDefinitionId: string }>);

describe('feature: timer start events', () => {
  let t: TestService;
  beforeEach(async () => {
    t = await startTestService({ env: { CLOCK: 'controlled' } });
    await t.api('POST', '/api/clock', { now: '2026-03-02T08:00:00Z' });
  });
  afterEach(() => t.close());

  it('a cycle starts one instance per occurrence, at its start event; the schedule is a timer job', async () => {
    await deploy(t.api, { 'fk.bpmn': conference('agenda') });
    const jobs = (await t.api('GET', '/engine-rest/job?jobType=timer')).body;
    expect(jobs).to.have.length(1);
    expect(jobs[0]).to.include({ activityId: 'every14days', dueDate: '2026-03-16T08:00:00.000+0000' });
    expect(await instances(t)).to.have.length(0);

    await t.api('POST', '/api/clock/advance', { duration: 'P29D' });
    const started = await instances(t);
    expect(started.map((i) => i.startTime)).to.deep.equal(['2026-03-16T08:00:00.000+0000', '2026-03-30T08:00:00.000+0000']);
    const tasks = (await t.api('GET', '/engine-rest/task?processDefinitionKey=fallkonferenz')).body;
    expect(tasks).to.have.length(2);
    expect(tasks[0].candidateGroups).to.deep.equal(['cm-koordination']);
    expect((await t.api('GET', '/engine-rest/job?jobType=timer')).body[0].dueDate).to.equal('2026-04-13T08:00:00.000+0000');
  });

  it('occurrences missed while the service was down fire once, and the next is scheduled from now', async () => {
    await deploy(t.api, { 'fk.bpmn': conference('agenda') });
    await t.stop();
    // Six weeks of downtime: three occurrences missed.
    const { ControlledClock } = await import('../../src/clock.ts');
    const { SqliteStore } = await import('../../src/store/sqlite/sqliteStore.ts');
    const store = new SqliteStore({ file: `${t.dataDir}/kim-engine.sqlite` });
    await store.init();
    await new ControlledClock(store).set(Date.parse('2026-04-14T08:00:00Z'));
    await store.close();
    await t.restart();
    await t.api('POST', '/api/clock/advance', { duration: 'PT1M' });
    expect((await instances(t)).map((i) => i.startTime)).to.deep.equal(['2026-04-14T08:00:00.000+0000']);
    expect((await t.api('GET', '/engine-rest/job?jobType=timer')).body[0].dueDate).to.equal('2026-04-27T08:00:00.000+0000');
  });

  it('redeploying replaces the schedule (new version starts the next occurrence); deleting the deployment removes it', async () => {
    const v1 = await deploy(t.api, { 'fk.bpmn': conference('agenda') });
    const v2 = await deploy(t.api, { 'fk.bpmn': conference('tagesordnung') });
    expect(v2.status).to.equal(200);
    expect((await t.api('GET', '/engine-rest/job/count?jobType=timer')).body.count).to.equal(1);
    await t.api('POST', '/api/clock/advance', { duration: 'P15D' });
    const [inst] = await instances(t);
    expect(inst.processDefinitionId).to.match(/^fallkonferenz:2:/);
    expect((await t.api('GET', '/engine-rest/task')).body.map((x: { taskDefinitionKey: string }) => x.taskDefinitionKey)).to.deep.equal(['tagesordnung']);

    expect((await t.api('DELETE', `/engine-rest/deployment/${v2.body.id}?cascade=true`)).status).to.equal(204);
    // The previous version is the latest again, and its schedule comes back, as in Camunda.
    let jobs = (await t.api('GET', '/engine-rest/job?jobType=timer')).body;
    expect(jobs).to.have.length(1);
    expect(jobs[0].processDefinitionId).to.match(/^fallkonferenz:1:/);
    expect(jobs[0].processInstanceId).to.equal(null);
    expect((await t.api('DELETE', `/engine-rest/deployment/${v1.body.id}?cascade=true`)).status).to.equal(204);
    jobs = (await t.api('GET', '/engine-rest/job?jobType=timer')).body;
    expect(jobs).to.have.length(0);
  });

  it('a timeDate start fires once; a process with only a timer start can still be started by hand', async () => {
    await deploy(t.api, {
      'once.bpmn': bpmn('once', `
        <bpmn:startEvent id="at"><bpmn:timerEventDefinition><bpmn:timeDate>2026-03-10T10:00:00Z</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:startEvent>
        <bpmn:sequenceFlow id="f0" sourceRef="at" targetRef="w"/><bpmn:userTask id="w"/><bpmn:sequenceFlow id="f1" sourceRef="w" targetRef="e"/><bpmn:endEvent id="e"/>`),
    });
    const byHand = await t.api('POST', '/engine-rest/process-definition/key/once/start', {});
    expect(byHand.status).to.equal(200);
    expect((await t.api('GET', `/engine-rest/task?processInstanceId=${byHand.body.id}`)).body).to.have.length(1);
    await t.api('POST', '/api/clock/advance', { duration: 'P30D' });
    expect((await t.api('GET', '/engine-rest/history/process-instance/count?processDefinitionKey=once')).body.count).to.equal(2);
    expect((await t.api('GET', '/engine-rest/job/count?jobType=timer')).body.count).to.equal(0);
  });
});
