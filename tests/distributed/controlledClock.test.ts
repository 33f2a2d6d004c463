/**
 * The controlled clock across processes: an API process moves the stored clock; a separate
 * worker process fires the timers at the new time, and the advance call returns only when they
 * have been processed.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { bpmn, deploy, makeApi } from '../helpers/service.ts';
import { startChild, type Child } from '../helpers/processes.ts';
import { requireService, uniqueName } from '../helpers/requireService.ts';

describe('distributed: the controlled clock across API and worker processes', function () {
  this.timeout(180_000);
  const children: Child[] = [];
  let mongoUrl = '';
  let dbName = '';
  let dataDir = '';

  after(async () => {
    await Promise.all(children.map((c) => c.kill('SIGKILL')));
    if (mongoUrl) {
      const client = await MongoClient.connect(mongoUrl);
      await client.db(dbName).dropDatabase().catch(() => undefined);
      await client.close();
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('advancing through the API fires the timers on the worker, in order, before it returns; a worker restart keeps the time', async function () {
    const base = requireService(this, 'MONGODB_URL');
    const redis = requireService(this, 'REDIS_URL');
    dbName = uniqueName('kim_clock');
    mongoUrl = base.replace(/\/[^/]*$/, `/${dbName}`);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kim-clock-'));
    const env = {
      MONGODB_URL: mongoUrl,
      REDIS_URL: `${redis.replace(/\/\d*$/, '')}/${Math.floor(Math.random() * 15) + 1}`,
      CLOCK: 'controlled',
      ADMIN_USER: 'admin',
      ADMIN_PASSWORD: 'admin-secret-1',
      DEMO_USERS: 'false',
      PORT: '0',
      DATA_DIR: dataDir,
      PROCESSES_DIR: path.join(dataDir, 'none'),
    };
    const api = await startChild('api', env);
    children.push(api);
    let worker = await startChild('worker', env);
    children.push(worker);
    const call = makeApi(() => api.url!);
    expect((await call('POST', '/api/clock', { now: '2026-03-01T08:00:00Z' })).status).to.equal(200);
    await deploy(call, {
      'deadline.bpmn': bpmn('deadline', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="anmeldung"/>
        <bpmn:userTask id="anmeldung"/>
        <bpmn:boundaryEvent id="d14" attachedToRef="anmeldung" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration>P14D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
        <bpmn:boundaryEvent id="d21" attachedToRef="anmeldung" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration>P21D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="f1" sourceRef="d14" targetRef="erinnerung"/><bpmn:userTask id="erinnerung"/><bpmn:sequenceFlow id="f2" sourceRef="erinnerung" targetRef="e1"/><bpmn:endEvent id="e1"/>
        <bpmn:sequenceFlow id="f3" sourceRef="d21" targetRef="eskalation"/><bpmn:userTask id="eskalation"/><bpmn:sequenceFlow id="f4" sourceRef="eskalation" targetRef="e2"/><bpmn:endEvent id="e2"/>
        <bpmn:sequenceFlow id="f5" sourceRef="anmeldung" targetRef="e"/><bpmn:endEvent id="e"/>`),
    });
    const inst = (await call('POST', '/engine-rest/process-definition/key/deadline/start', {})).body;
    const keys = async () => ((await call('GET', `/engine-rest/task?processInstanceId=${inst.id}`)).body as Array<{ taskDefinitionKey: string; created: string }>);

    const r = await call('POST', '/api/clock/advance', { duration: 'P15D' });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    let tasks = await keys();
    expect(tasks.map((x) => x.taskDefinitionKey).sort()).to.deep.equal(['anmeldung', 'erinnerung']);
    expect(tasks.find((x) => x.taskDefinitionKey === 'erinnerung')!.created).to.equal('2026-03-15T08:00:00.000+0000');

    await worker.kill('SIGTERM');
    worker = await startChild('worker', env);
    children.push(worker);
    await call('POST', '/api/clock/advance', { duration: 'P7D' });
    tasks = await keys();
    expect(tasks.map((x) => x.taskDefinitionKey).sort()).to.deep.equal(['anmeldung', 'erinnerung', 'eskalation']);
    expect(tasks.find((x) => x.taskDefinitionKey === 'eskalation')!.created).to.equal('2026-03-22T08:00:00.000+0000');
    expect((await call('GET', '/api/clock')).body.now).to.equal('2026-03-23T08:00:00.000Z');
  });
});
