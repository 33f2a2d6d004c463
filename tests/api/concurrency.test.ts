import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../src/config.ts';
import { startService, type RunningService } from '../../src/service.ts';
import { ADMIN, bpmn, deploy, makeApi, startTestService, type Api, type TestService } from '../helpers/service.ts';

/** start → a → b → end */
const twoSteps = bpmn(
  'twoSteps',
  `<bpmn:startEvent id="start"/>
   <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="a"/>
   <bpmn:userTask id="a" name="Erst"/>
   <bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="b"/>
   <bpmn:userTask id="b" name="Dann"/>
   <bpmn:sequenceFlow id="f3" sourceRef="b" targetRef="end"/>
   <bpmn:endEvent id="end"/>`,
);

const N = 50;

/** start → fork → t0 … t49 → join → after → end */
function fanOut(n: number): string {
  let body = `<bpmn:startEvent id="start"/>
   <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="fork"/>
   <bpmn:parallelGateway id="fork"/>
   <bpmn:parallelGateway id="join"/>`;
  for (let i = 0; i < n; i++) {
    body += `
   <bpmn:sequenceFlow id="in${i}" sourceRef="fork" targetRef="t${i}"/>
   <bpmn:userTask id="t${i}" name="Teil ${i}"/>
   <bpmn:sequenceFlow id="out${i}" sourceRef="t${i}" targetRef="join"/>`;
  }
  body += `
   <bpmn:sequenceFlow id="fj" sourceRef="join" targetRef="after"/>
   <bpmn:userTask id="after" name="Danach"/>
   <bpmn:sequenceFlow id="fe" sourceRef="after" targetRef="end"/>
   <bpmn:endEvent id="end"/>`;
  return bpmn('fanOut', body);
}

/** start → work (parallel multi-instance, n iterations) → after → end */
function multiInstance(n: number): string {
  return bpmn(
    'multi',
    `<bpmn:startEvent id="start"/>
     <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
     <bpmn:userTask id="work" name="Teil"><bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>${n}</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>
     <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="after"/>
     <bpmn:userTask id="after" name="Danach"/>
     <bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="end"/>
     <bpmn:endEvent id="end"/>`,
  );
}

type Res = { status: number; body: any };

/** A second service process on the same data directory (SQLite WAL: both write the same file). */
async function secondService(t: TestService): Promise<{ service: RunningService; api: Api }> {
  const config = loadConfig(
    { PORT: '0', DATA_DIR: t.dataDir, ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password, DEMO_USERS: 'false', PROCESSES_DIR: path.join(t.dataDir, 'no-processes') },
    process.cwd(),
  );
  const service = await startService({ config, clock: t.clock, log: () => {} });
  return { service, api: makeApi(() => service.url) };
}

function statuses(rs: Res[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of rs) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

describe('api: concurrent commands', function () {
  this.timeout(60_000);
  let t: TestService;
  beforeEach(async () => {
    t = await startTestService();
  });
  afterEach(async () => {
    await t.close();
  });

  /**
   * Fires 20 completes of one task at once (alternating over the given APIs), each with its own
   * `winner` variable, and checks that exactly one took effect, once.
   */
  async function completeRace(apis: Api[]): Promise<void> {
    expect((await deploy(t.api, { 'two.bpmn': twoSteps })).status).to.equal(200);
    const start = await t.api('POST', '/engine-rest/process-definition/key/twoSteps/start', { businessKey: 'RACE-1' });
    expect(start.status).to.equal(200);
    const id = start.body.id as string;
    const [task] = (await t.api('GET', `/engine-rest/task?processInstanceId=${id}`)).body;
    expect(task.taskDefinitionKey).to.equal('a');

    const rs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => apis[i % apis.length]('POST', `/engine-rest/task/${task.id}/complete`, { variables: { winner: { value: i, type: 'Integer' } } })),
    );

    // Then exactly one 204; the others lost with 404 (task gone) or 409 (version conflict), never a 5xx
    const by = statuses(rs);
    expect(by[204], JSON.stringify(by)).to.equal(1);
    expect((by[404] ?? 0) + (by[409] ?? 0), JSON.stringify(by)).to.equal(19);
    for (const r of rs.filter((x) => x.status !== 204)) {
      expect(r.body.type).to.match(/Exception$/);
      expect(r.body.message).to.be.a('string');
    }
    const winner = rs.findIndex((r) => r.status === 204);

    // And the process advanced exactly once
    for (const api of apis) {
      const tasks = await api('GET', `/engine-rest/task?processInstanceId=${id}`);
      expect(tasks.body.map((x: { taskDefinitionKey: string }) => x.taskDefinitionKey)).to.deep.equal(['b']);
    }
    const histA = await t.api('GET', `/engine-rest/history/task?processInstanceId=${id}&taskDefinitionKey=a`);
    expect(histA.body).to.have.length(1);
    expect(histA.body[0].endTime).to.not.equal(null);
    expect((await t.api('GET', `/engine-rest/history/task/count?processInstanceId=${id}&taskDefinitionKey=b`)).body.count).to.equal(1);
    expect((await t.api('GET', `/engine-rest/history/activity-instance/count?processInstanceId=${id}&activityId=a`)).body.count).to.equal(1);
    expect((await t.api('GET', `/engine-rest/history/activity-instance/count?processInstanceId=${id}&activityId=b`)).body.count).to.equal(1);
    // Only the winner's variables were written
    const vars = await t.api('GET', `/engine-rest/process-instance/${id}/variables`);
    expect(vars.body).to.deep.equal({ winner: { type: 'Integer', value: winner, valueInfo: {} } });
  }

  /**
   * On one instance waiting in 50 parallel user tasks: 50 variable updates and 50 completes at once
   * (alternating over the given APIs). Nothing may be lost and the join must fire exactly once.
   */
  async function fanOutStorm(apis: Api[]): Promise<void> {
    expect((await deploy(t.api, { 'fan.bpmn': fanOut(N) })).status).to.equal(200);
    const start = await t.api('POST', '/engine-rest/process-definition/key/fanOut/start', { businessKey: 'STORM-1' });
    expect(start.status, JSON.stringify(start.body)).to.equal(200);
    const id = start.body.id as string;
    const tasks = (await t.api('GET', `/engine-rest/task?processInstanceId=${id}`)).body as Array<{ id: string; taskDefinitionKey: string }>;
    expect(tasks).to.have.length(N);

    const rs = await Promise.all([
      ...Array.from({ length: N }, (_, i) =>
        apis[i % apis.length]('POST', `/engine-rest/process-instance/${id}/variables`, { modifications: { [`v${i}`]: { value: i, type: 'Integer' } } }),
      ),
      ...tasks.map((task, i) =>
        apis[(i + 1) % apis.length]('POST', `/engine-rest/task/${task.id}/complete`, { variables: { [`done_${task.taskDefinitionKey}`]: { value: true, type: 'Boolean' } } }),
      ),
    ]);
    expect(statuses(rs), JSON.stringify(rs.filter((r) => r.status !== 204).slice(0, 3))).to.deep.equal({ 204: 2 * N });

    // Then every variable is there (no lost update), from either process's view
    for (const api of apis) {
      const vars = await api('GET', `/engine-rest/process-instance/${id}/variables`);
      expect(vars.status).to.equal(200);
      for (let i = 0; i < N; i++) {
        expect(vars.body[`v${i}`], `v${i}`).to.deep.equal({ type: 'Integer', value: i, valueInfo: {} });
        expect(vars.body[`done_t${i}`], `done_t${i}`).to.deep.equal({ type: 'Boolean', value: true, valueInfo: {} });
      }
      expect(Object.keys(vars.body)).to.have.length(2 * N);
    }
    // And the instance is consistent: all 50 done once, the join fired once, one `after` task
    const open = await t.api('GET', `/engine-rest/task?processInstanceId=${id}`);
    expect(open.body.map((x: { taskDefinitionKey: string }) => x.taskDefinitionKey)).to.deep.equal(['after']);
    expect((await t.api('GET', `/engine-rest/history/task/count?processInstanceId=${id}&finished=true`)).body.count).to.equal(N);
    expect((await t.api('GET', `/engine-rest/history/task/count?processInstanceId=${id}&unfinished=true`)).body.count).to.equal(1);
    expect((await t.api('GET', `/engine-rest/history/activity-instance/count?processInstanceId=${id}&activityId=after`)).body.count).to.equal(1);
    expect((await t.api('GET', `/engine-rest/history/variable-instance/count?processInstanceId=${id}`)).body.count).to.equal(2 * N);
    const inst = await t.api('GET', `/engine-rest/history/process-instance/${id}`);
    expect(inst.body.state).to.equal('ACTIVE');

    // And it still runs to the end
    expect((await t.api('POST', `/engine-rest/task/${open.body[0].id}/complete`, {})).status).to.equal(204);
    expect((await t.api('GET', `/engine-rest/history/process-instance/${id}`)).body.state).to.equal('COMPLETED');
  }

  describe('one service process', () => {
    it('Given one open task, when 20 completes arrive at once, then exactly one 204, the rest 404/409, and the process advanced once', async () => {
      await completeRace([t.api]);
    });

    it(`Given ${N} parallel user tasks, when ${N} variable updates and ${N} completes arrive at once, then all ${2 * N} succeed, no update is lost and the join fires once`, async () => {
      await fanOutStorm([t.api]);
    });

    it(`Given ${N} concurrent claims of one task by the admin for different users, then exactly one 204 and the rest 409`, async () => {
      expect((await deploy(t.api, { 'two.bpmn': twoSteps })).status).to.equal(200);
      const start = await t.api('POST', '/engine-rest/process-definition/key/twoSteps/start', {});
      const [task] = (await t.api('GET', `/engine-rest/task?processInstanceId=${start.body.id}`)).body;
      const rs = await Promise.all(Array.from({ length: N }, (_, i) => t.api('POST', `/engine-rest/task/${task.id}/claim`, { userId: `user${i}` })));
      const by = statuses(rs);
      expect(by, JSON.stringify(by)).to.deep.equal({ 204: 1, 409: N - 1 });
      const winner = rs.findIndex((r) => r.status === 204);
      expect((await t.api('GET', `/engine-rest/task/${task.id}`)).body.assignee).to.equal(`user${winner}`);
    });

    it(`Given a parallel multi-instance user task with ${N} iterations, when all are completed at once with variable updates, then all succeed and \`after\` is reached once`, async () => {
      expect((await deploy(t.api, { 'multi.bpmn': multiInstance(N) })).status).to.equal(200);
      const start = await t.api('POST', '/engine-rest/process-definition/key/multi/start', {});
      expect(start.status).to.equal(200);
      const id = start.body.id as string;
      const tasks = (await t.api('GET', `/engine-rest/task?processInstanceId=${id}`)).body as Array<{ id: string }>;
      expect(tasks).to.have.length(N);
      const rs = await Promise.all([
        ...Array.from({ length: N }, (_, i) => t.api('POST', `/engine-rest/process-instance/${id}/variables`, { modifications: { [`v${i}`]: { value: i, type: 'Integer' } } })),
        ...tasks.map((task) => t.api('POST', `/engine-rest/task/${task.id}/complete`, {})),
      ]);
      expect(statuses(rs), JSON.stringify(rs.filter((r) => r.status !== 204).slice(0, 2))).to.deep.equal({ 204: 2 * N });
      const vars = await t.api('GET', `/engine-rest/process-instance/${id}/variables`);
      for (let i = 0; i < N; i++) expect(vars.body[`v${i}`], `v${i}`).to.deep.equal({ type: 'Integer', value: i, valueInfo: {} });
      const open = await t.api('GET', `/engine-rest/task?processInstanceId=${id}`);
      expect(open.body.map((x: { taskDefinitionKey: string }) => x.taskDefinitionKey)).to.deep.equal(['after']);
      expect((await t.api('GET', `/engine-rest/history/task/count?processInstanceId=${id}&taskDefinitionKey=work&finished=true`)).body.count).to.equal(N);
    });
  });

  describe('two service processes on the same data directory', () => {
    let second: { service: RunningService; api: Api } | undefined;
    beforeEach(async () => {
      second = await secondService(t);
    });
    afterEach(async () => {
      await second?.service.stop();
      second = undefined;
    });

    it('Given one open task, when 20 completes are split across both processes, then exactly one 204 (the version check, not the in-process queue, decides)', async () => {
      await completeRace([t.api, second!.api]);
    });

    it(`Given ${N} parallel user tasks, when ${N} variable updates and ${N} completes are split across both processes, then nothing is lost and the join fires once`, async () => {
      await fanOutStorm([t.api, second!.api]);
    });
  });
});
