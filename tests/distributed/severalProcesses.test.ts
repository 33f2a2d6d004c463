/**
 * Several processes, one truth: 2 API processes and 2 worker processes on the same MongoDB and
 * Redis. Instances are started round-robin through both APIs, their tasks completed concurrently
 * through both, their timers fired by either worker; then a worker is killed with SIGKILL in the
 * middle of a batch of timer jobs and restarted.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { makeApi, bpmn, deploy } from '../helpers/service.ts';
import { startChild, type Child } from '../helpers/processes.ts';
import { requireService, uniqueName } from '../helpers/requireService.ts';

const INSTANCES = Number(process.env.MULTI_PROCESS_INSTANCES ?? 500);
const ADMIN = { user: 'admin', password: 'admin-secret-1' };

const diagram = bpmn('mp', `
  <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="work"/>
  <bpmn:userTask id="work" camunda:candidateGroups="cm-ki"/><bpmn:sequenceFlow id="f1" sourceRef="work" targetRef="wait"/>
  <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>PT2S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="e"/><bpmn:endEvent id="e"/>`);

async function pool<T>(items: T[], size: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  }));
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('distributed: several API and worker processes, one truth', function () {
  this.timeout(600_000);
  let mongoUrl: string;
  let env: Record<string, string>;
  let dbName: string;
  let dataDir: string;
  const children: Child[] = [];

  before(async function () {
    const base = requireService(this, 'MONGODB_URL');
    const redis = requireService(this, 'REDIS_URL');
    dbName = uniqueName('kim_mp');
    mongoUrl = base.replace(/\/[^/]*$/, `/${dbName}`);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kim-mp-'));
    env = {
      MONGODB_URL: mongoUrl,
      REDIS_URL: `${redis.replace(/\/\d*$/, '')}/${Math.floor(Math.random() * 15) + 1}`,
      ADMIN_USER: ADMIN.user,
      ADMIN_PASSWORD: ADMIN.password,
      DEMO_USERS: 'false',
      PORT: '0',
      DATA_DIR: dataDir,
      PROCESSES_DIR: path.join(dataDir, 'none'),
    };
  });

  after(async () => {
    await Promise.all(children.map((c) => c.kill('SIGKILL')));
    if (mongoUrl) {
      const client = await MongoClient.connect(mongoUrl);
      await client.db(dbName).dropDatabase().catch(() => undefined);
      await client.close();
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('every instance ends exactly once, no task is completed twice, no timer is lost or fired twice; a worker killed with SIGKILL loses nothing', async () => {
    const apis = [await startChild('api', env), await startChild('api', env)];
    children.push(...apis);
    const workers = [await startChild('worker', env), await startChild('worker', env)];
    children.push(...workers);
    const clients = apis.map((a) => makeApi(() => a.url!));
    expect((await deploy(clients[0], { 'mp.bpmn': diagram })).status).to.equal(200);

    // Start round-robin through both APIs.
    const ids: string[] = new Array(INSTANCES);
    await pool([...Array(INSTANCES).keys()], 16, async (i) => {
      const r = await clients[i % 2]('POST', '/engine-rest/process-definition/key/mp/start', { businessKey: `mp-${i}` });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      ids[i] = r.body.id;
    });
    const tasks = (await clients[0]('GET', `/engine-rest/task?processDefinitionKey=mp&maxResults=${INSTANCES * 2}`)).body as Array<{ id: string }>;
    expect(tasks).to.have.length(INSTANCES);

    // Complete every task through both APIs at once: each task is sent to both; exactly one wins.
    const statuses: number[] = [];
    await pool(tasks, 16, async (task) => {
      const results = await Promise.all(clients.map((c) => c('POST', `/engine-rest/task/${task.id}/complete`, {})));
      statuses.push(...results.map((r) => r.status));
    });
    expect(statuses.filter((s) => s === 204)).to.have.length(INSTANCES);
    expect(statuses.filter((s) => s !== 204 && s !== 404)).to.deep.equal([]);

    // The timers (PT2S) fire on either worker; kill one worker with SIGKILL while they do.
    await new Promise((r) => setTimeout(r, 1800));
    await workers[0].kill('SIGKILL');
    const replacement = await startChild('worker', env);
    children.push(replacement);

    const client = await MongoClient.connect(mongoUrl);
    try {
      const db = client.db(dbName);
      await waitFor(async () => (await clients[1]('GET', '/engine-rest/history/process-instance/count?finished=true')).body.count === INSTANCES, 300_000, 'all instances to end');

      const history = (await clients[0]('GET', `/engine-rest/history/process-instance?processDefinitionKey=mp&maxResults=${INSTANCES * 2}`)).body as Array<{ id: string; state: string }>;
      expect(history).to.have.length(INSTANCES);
      expect(new Set(history.map((h) => h.id)).size).to.equal(INSTANCES);
      expect(history.every((h) => h.state === 'COMPLETED')).to.equal(true);

      // No task completed twice, no timer fired twice: one finished `work` and one `wait` per instance.
      const taskHistory = (await clients[0]('GET', `/engine-rest/history/task?processDefinitionKey=mp&maxResults=${INSTANCES * 3}`)).body as Array<{ processInstanceId: string; deleteReason: string }>;
      expect(taskHistory).to.have.length(INSTANCES);
      expect(taskHistory.every((t) => t.deleteReason === 'completed')).to.equal(true);
      const waits = (await clients[1]('GET', `/engine-rest/history/activity-instance?activityId=wait&maxResults=${INSTANCES * 3}`)).body as Array<{ processInstanceId: string; endTime: string | null; canceled: boolean }>;
      expect(waits).to.have.length(INSTANCES);
      expect(waits.every((w) => w.endTime && !w.canceled)).to.equal(true);
      expect(new Set(waits.map((w) => w.processInstanceId)).size).to.equal(INSTANCES);

      // Nothing left behind: no timers, no open tasks, no unapplied outbox.
      expect((await clients[0]('GET', '/engine-rest/task/count')).body.count).to.equal(0);
      expect(await db.collection('timers').countDocuments({})).to.equal(0);
      expect(await db.collection('instances').countDocuments({ outbox: { $exists: true } })).to.equal(0);
    } finally {
      await client.close();
    }
  });
});
