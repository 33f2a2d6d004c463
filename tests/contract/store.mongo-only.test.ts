/**
 * What only the MongoDB adapter has: the outbox of the commit rule (ENGINE.md §2.2) and its crash
 * sweeper, deployments without transactions, init/close, indexes, literal-only filter values.
 * Runs against MONGODB_URL (FerretDB in the test setup); pending without it.
 */
import { expect } from 'chai';
import { MongoClient, type Db } from 'mongodb';
import { ValidationError, VersionConflict } from '../../src/errors.ts';
import { dbNameFromUrl, MongoStore, type MongoStoreOptions } from '../../src/store/mongo/mongoStore.ts';
import type { InstanceRecord, Store, TaskQuery } from '../../src/store/store.ts';
import { requireService, uniqueName } from '../helpers/requireService.ts';
import {
  at, commitOf, createInstance, expectRejection, ids, makeActivity, makeDefinition, makeDeployment, makeFollowUp,
  makeInstance, makeResource, makeSubscription, makeTask, makeTaskHistory, makeTimer, makeVariableHistory, nextVersion,
} from './builders.ts';

describe('MongoStore specifics', function () {
  let url = '';
  let admin: MongoClient;
  const created: string[] = [];
  const stores: MongoStore[] = [];

  before(async function () {
    url = requireService(this, 'MONGODB_URL');
    admin = new MongoClient(url);
    await admin.connect();
  });

  afterEach(async function () {
    for (const store of stores.splice(0)) await store.close();
    for (const name of created.splice(0)) await admin.db(name).dropDatabase();
  });

  after(async function () {
    await admin?.close();
  });

  function freshDb(): string {
    const name = uniqueName('kim');
    created.push(name);
    return name;
  }

  async function open(dbName: string, options: Partial<MongoStoreOptions> = {}): Promise<MongoStore> {
    const store = new MongoStore({ url, dbName, ...options });
    stores.push(store);
    await store.init();
    return store;
  }

  const raw = (dbName: string): Db => admin.db(dbName);

  /** Everything the outbox of a commit touches, as read through the port. */
  async function effects(store: Store, instanceId: string) {
    return {
      tasks: await store.findTasks({ instanceId }),
      subscriptions: await store.findSubscriptions({ kind: 'message', name: 'invoiceReceived', instanceId }),
      timers: await store.findJobs({ instanceId }),
      activities: await store.findActivityHistory({ instanceId }),
      taskHistory: await store.findTaskHistory({ instanceId }),
      variables: await store.findVariableHistory({ instanceId }),
      followUps: await store.pendingFollowUps(100),
    };
  }

  /** An instance with one of everything, and a commit producing one of every outbox entry. */
  function everything(id: string) {
    const base = makeInstance(id);
    const instance: InstanceRecord = {
      ...base,
      tasks: [makeTask(base, `${id}-task`, { candidateGroups: ['sales'] })],
      subscriptions: [makeSubscription(base, `${id}-sub`)],
      timers: [makeTimer(base, 'timer', at(10))],
    };
    const extra = {
      activityHistory: [makeActivity(base, `${id}-act`)],
      taskHistory: [makeTaskHistory(base, `${id}-task`)],
      variableHistory: [makeVariableHistory(base, 'amount', 1)],
      followUps: [makeFollowUp(`${id}-follow-up`)],
    };
    return { instance, extra };
  }

  it('takes the database name from the URL path, else kim_engine', function () {
    expect(dbNameFromUrl('mongodb://127.0.0.1:27017/engine?directConnection=true')).to.equal('engine');
    expect(dbNameFromUrl('mongodb://u:p@a:1,b:2/prod')).to.equal('prod');
    expect(dbNameFromUrl('mongodb://127.0.0.1:27017/')).to.equal(undefined);
    expect(dbNameFromUrl('mongodb://127.0.0.1:27017')).to.equal(undefined);
    expect(dbNameFromUrl('mongodb+srv://cluster.example.org/kim%5Fx')).to.equal('kim_x');
  });

  it('init and close are idempotent, data survives reopening, use before init is refused', async function () {
    const dbName = freshDb();
    const first = await open(dbName);
    await first.init();
    const instance = await createInstance(first, makeInstance('i1'));
    await first.close();
    await first.close();
    const second = await open(dbName);
    expect(await second.getInstance('i1')).to.deep.equal(instance);
    await expectRejection(new MongoStore({ url, dbName }).getInstance('i1'), Error);
  });

  it('creates the indexes the hot queries use', async function () {
    const dbName = freshDb();
    await open(dbName);
    const names = async (collection: string) => (await raw(dbName).collection(collection).listIndexes().toArray()).map((i) => i.name);
    expect(await names('tasks')).to.include.members(['by_assignee', 'by_candidate_groups', 'by_candidate_users', 'by_due', 'by_instance']);
    expect(await names('instances')).to.include.members(['by_business_key', 'by_definition_key', 'by_state', 'by_super', 'by_outbox']);
    expect(await names('timers')).to.include.members(['by_due']);
    expect(await names('subscriptions')).to.include.members(['by_name']);
    expect(await names('activity_history')).to.include.members(['by_instance']);
    const unique = (await raw(dbName).collection('definitions').listIndexes().toArray()).find((i) => i.name === 'by_key_version');
    expect(unique?.unique).to.equal(true);
  });

  it('two stores on one database: exactly one commit from the same base version wins', async function () {
    const dbName = freshDb();
    const a = await open(dbName);
    const b = await open(dbName);
    const v1 = await createInstance(a, makeInstance('i1'));
    const results = await Promise.allSettled([
      a.commitInstance(commitOf(nextVersion(v1, { lastError: 'a', tasks: [makeTask(v1, 'task-a')] }))),
      b.commitInstance(commitOf(nextVersion(v1, { lastError: 'b', tasks: [makeTask(v1, 'task-b')] }))),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(lost?.reason).to.be.instanceOf(VersionConflict);
    const winner = (await b.getInstance('i1'))!.lastError!;
    expect(ids(await a.findTasks({ instanceId: 'i1' }))).to.deep.equal([`task-${winner}`]);
  });

  describe('outbox', function () {
    it('a crash between the instance write and the outbox apply: sweepOutboxes applies it once', async function () {
      const dbName = freshDb();
      let crash = true;
      const log: string[] = [];
      const store = await open(dbName, {
        log: (line) => log.push(line),
        faults: { afterInstanceWrite: () => { if (crash) throw new Error('simulated crash'); } },
      });
      const { instance, extra } = everything('i1');
      await createInstance(store, instance, extra); // durable: the caller sees success
      expect(log.join('\n')).to.match(/i1 v1 is durable.*simulated crash/);
      expect(await store.getInstance('i1')).to.deep.equal(instance);
      expect((await raw(dbName).collection('instances').findOne({ _id: 'i1' as never }))?.hasOutbox).to.equal(true);
      expect(await store.getTask('i1-task')).to.equal(undefined);
      expect(await store.countActivityHistory({})).to.equal(0);
      expect(await store.pendingFollowUps(10)).to.deep.equal([]);

      crash = false;
      expect(await store.sweepOutboxes()).to.equal(1);
      const applied = await effects(store, 'i1');
      expect(applied.tasks).to.deep.equal(instance.tasks);
      expect(applied.subscriptions).to.deep.equal(instance.subscriptions);
      expect(applied.timers).to.deep.equal(instance.timers);
      expect(applied.activities).to.deep.equal(extra.activityHistory);
      expect(applied.taskHistory).to.deep.equal(extra.taskHistory);
      expect(applied.variables).to.deep.equal(extra.variableHistory);
      expect(applied.followUps).to.deep.equal(extra.followUps);
      expect(await raw(dbName).collection('instances').findOne({ _id: 'i1' as never }, { projection: { outbox: 1, hasOutbox: 1 } }))
        .to.deep.equal({ _id: 'i1' });

      expect(await store.sweepOutboxes()).to.equal(0);
      expect(await effects(store, 'i1')).to.deep.equal(applied);
      expect(await store.getInstance('i1')).to.deep.equal(instance);
    });

    it('the next commit of the instance applies a leftover outbox before replacing it', async function () {
      const dbName = freshDb();
      let crash = true;
      const store = await open(dbName, { log: () => {}, faults: { afterInstanceWrite: () => { if (crash) throw new Error('crash'); } } });
      const { instance, extra } = everything('i1');
      await createInstance(store, instance, extra);
      crash = false;
      const v2 = nextVersion(instance, { tasks: [] });
      await store.commitInstance(commitOf(v2, {
        activityEnds: [{ id: 'i1-act', endTime: at(5), canceled: false }],
        consumedFollowUps: [],
        followUps: [makeFollowUp('second', { createdAt: at(1) })],
      }));
      const after = await effects(store, 'i1');
      expect(after.activities).to.deep.equal([{ ...extra.activityHistory[0]!, endTime: at(5) }]);
      expect(after.taskHistory).to.deep.equal(extra.taskHistory);
      expect(after.variables).to.deep.equal(extra.variableHistory);
      expect(ids(after.followUps)).to.deep.equal(['i1-follow-up', 'second']);
      expect(after.tasks).to.deep.equal([]);
      expect(await store.sweepOutboxes()).to.equal(0);
    });

    it('init sweeps the outboxes a crashed process left', async function () {
      const dbName = freshDb();
      const crashed = await open(dbName, { log: () => {}, faults: { afterInstanceWrite: () => { throw new Error('crash'); } } });
      const { instance, extra } = everything('i1');
      await createInstance(crashed, instance, extra);
      await crashed.close();
      const restarted = await open(dbName);
      expect(await restarted.getTask('i1-task')).to.deep.equal(instance.tasks[0]);
      expect(ids(await restarted.pendingFollowUps(10))).to.deep.equal(['i1-follow-up']);
      expect(await restarted.sweepOutboxes()).to.equal(0);
    });

    it('periodic sweeps leave commits in flight alone and apply older leftovers', async function () {
      const dbName = freshDb();
      let crash = true;
      const crashed = await open(dbName, { log: () => {}, faults: { afterInstanceWrite: () => { if (crash) throw new Error('crash'); } } });
      const { instance, extra } = everything('i1');
      await createInstance(crashed, instance, extra);
      crash = false;
      expect(await crashed.sweepOutboxes({ olderThanMs: 60_000 })).to.equal(0);
      expect(await crashed.getTask('i1-task')).to.equal(undefined);

      const sweeping = await open(dbName, { sweepIntervalMs: 50 });
      // init swept once already; a new leftover is picked up by the interval.
      crash = true;
      const { instance: other, extra: otherExtra } = everything('i2');
      await createInstance(crashed, other, otherExtra);
      expect(await sweeping.getTask('i2-task')).to.equal(undefined);
      const until = Date.now() + 5_000;
      while (!(await sweeping.getTask('i2-task')) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(await sweeping.getTask('i2-task')).to.deep.equal(other.tasks[0]);
      expect(await sweeping.getTask('i1-task')).to.deep.equal(instance.tasks[0]);
    });

    it('an interrupted schedule replacement is finished by the sweeper', async function () {
      const dbName = freshDb();
      const store = await open(dbName);
      const owner = 'schedule:invoice';
      const s1 = { id: `${owner}:start`, instanceId: owner, activityId: 'start', executionId: 'invoice:1:d1', dueAt: at(30), timerType: 'timeCycle R/PT1H' };
      await store.replaceSchedules(owner, [s1]);
      // Crash state: the owner document was written, its timers were not.
      await raw(dbName).collection('schedules').updateOne({ _id: owner as never }, { $set: { pending: true } });
      await raw(dbName).collection('timers').deleteMany({ instanceId: owner });
      expect(await store.findJobs({ instanceId: owner })).to.deep.equal([]);
      expect(await store.sweepOutboxes()).to.equal(1);
      expect(await store.findJobs({ instanceId: owner })).to.deep.equal([s1]);
      expect(await store.sweepOutboxes()).to.equal(0);
      // The next replacement returns the set as it was and re-reads the stored timers.
      expect(await store.replaceSchedules(owner, [])).to.deep.equal([s1]);
      expect(await store.findJobs({})).to.deep.equal([]);
    });

    it('a late apply of an older outbox never goes back in time', async function () {
      const dbName = freshDb();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let paused!: () => void;
      const pausedAtV2 = new Promise<void>((resolve) => (paused = resolve));
      const log: string[] = [];
      const slow = await open(dbName, {
        log: (line) => log.push(line),
        faults: { afterInstanceWrite: async (_id, version) => { if (version === 2) { paused(); await gate; } } },
      });
      const fast = await open(dbName);

      const base = makeInstance('i1');
      const v1 = await createInstance(fast, { ...base, tasks: [makeTask(base, 't1')] });
      // v2 (slow): task t2, a timer, an open activity; its outbox apply stalls after the write.
      const v2 = nextVersion(v1, { tasks: [makeTask(v1, 't2')], timers: [makeTimer(v1, 'timer', at(10))] });
      const slowCommit = slow.commitInstance(commitOf(v2, { activityHistory: [makeActivity(v1, 'act')] }));
      await pausedAtV2;
      // v3 (fast, another process): t2 done, timer gone, the activity ended.
      const v3 = nextVersion(v2, { tasks: [makeTask(v1, 't3')], timers: [] });
      await fast.commitInstance(commitOf(v3, { activityEnds: [{ id: 'act', endTime: at(5), canceled: false }] }));
      release();
      await slowCommit;

      expect(log).to.deep.equal([]);
      expect(await fast.getInstance('i1')).to.deep.equal(v3);
      expect(ids(await fast.findTasks({}))).to.deep.equal(['t3']);
      expect(await fast.findJobs({})).to.deep.equal([]);
      expect(await fast.findActivityHistory({ instanceId: 'i1' })).to.deep.equal([makeActivity(v1, 'act', { endTime: at(5) })]);
      expect(await fast.sweepOutboxes()).to.equal(0);
    });
  });

  it('deployments: an interrupted publication is finished, an interrupted insert is removed', async function () {
    const dbName = freshDb();
    const store = await open(dbName);
    await store.insertDeployment(makeDeployment('d1'), [makeResource('d1', 'a.bpmn')], [makeDefinition('d1', 'a', 1)]);
    await store.insertDeployment(makeDeployment('d2'), [makeResource('d2', 'b.bpmn')], [makeDefinition('d2', 'b', 1)]);
    // Crash states: d1 between "publishing" and done, d2 still inserting.
    const db = raw(dbName);
    await db.collection('definitions').updateMany({ deploymentId: 'd1' }, { $set: { pending: true } });
    await db.collection('deployments').updateOne({ _id: 'd1' as never }, { $set: { pending: 'publishing' } });
    for (const coll of ['definitions', 'resources']) await db.collection(coll).updateMany({ deploymentId: 'd2' }, { $set: { pending: true } });
    await db.collection('deployments').updateOne({ _id: 'd2' as never }, { $set: { pending: 'inserting' } });
    expect(await store.getDeployment('d1')).to.equal(undefined);
    expect(await store.countDefinitions({})).to.equal(0);
    expect(await store.latestDefinition('a')).to.equal(undefined);

    const restarted = await open(dbName, { pendingDeploymentGraceMs: -1 });
    expect(ids(await restarted.findDeployments({}))).to.deep.equal(['d1']);
    expect(ids(await restarted.findDefinitions({}))).to.deep.equal(['a:1:d1']);
    expect(await restarted.getResources('d1')).to.deep.equal([makeResource('d1', 'a.bpmn')]);
    expect(await db.collection('resources').countDocuments({ deploymentId: 'd2' })).to.equal(0);
    expect(await db.collection('definitions').countDocuments({ deploymentId: 'd2' })).to.equal(0);
    // The version d2 held is free again.
    await restarted.insertDeployment(makeDeployment('d3'), [], [makeDefinition('d3', 'b', 1)]);
    expect((await restarted.latestDefinition('b'))?.deploymentId).to.equal('d3');
  });

  describe('filter values are literals', function () {
    it('rejects operator objects where a value belongs with ValidationError', async function () {
      const store = await open(freshDb());
      const { instance } = everything('i1');
      await createInstance(store, instance);
      const op = { $ne: null } as unknown as string;
      await expectRejection(store.findTasks({ assignee: op }), ValidationError);
      await expectRejection(store.findTasks({ ids: [op] }), ValidationError);
      await expectRejection(store.findTasks({ candidateGroups: [op] }), ValidationError);
      await expectRejection(store.findTasks({ candidateUser: op }), ValidationError);
      await expectRejection(store.countTasks({ minPriority: op as unknown as number }), ValidationError);
      await expectRejection(store.findInstances({ businessKey: op }), ValidationError);
      await expectRejection(store.countInstances({ ids: 'i1' as unknown as string[] }), ValidationError);
      await expectRejection(store.findDefinitions({ key: op }), ValidationError);
      await expectRejection(store.findUsers({ id: op }), ValidationError);
      await expectRejection(store.findTasks({ nameLike: { $regex: '.*' } as unknown as string } as TaskQuery), ValidationError);
    });

    it('like patterns are anchored literals: regex syntax and a trailing newline do not match', async function () {
      const store = await open(freshDb());
      for (const [id, businessKey] of [['a', 'abc'], ['b', 'abc\n'], ['c', 'a.c'], ['d', '(x|y)+']] as const) {
        await createInstance(store, makeInstance(id, { businessKey }));
      }
      expect(ids(await store.findInstances({ businessKeyLike: 'abc' }))).to.deep.equal(['a']);
      expect(ids(await store.findInstances({ businessKeyLike: 'a.c' }))).to.deep.equal(['c']);
      expect(ids(await store.findInstances({ businessKeyLike: '(x|y)+' }))).to.deep.equal(['d']);
      expect(ids(await store.findInstances({ businessKeyLike: 'abc%' }))).to.deep.equal(['a', 'b']);
      expect(ids(await store.findInstances({ businessKeyLike: '.*' }))).to.deep.equal([]);
    });
  });

  describe('organisation', function () {
    it('is always stored on instance, task and task history documents, null included, and indexed', async function () {
      const dbName = freshDb();
      const store = await open(dbName);
      const unowned = makeInstance('i-none');
      const owned = makeInstance('i-awo', { organisation: 'org-awo' });
      await createInstance(store, { ...unowned, tasks: [makeTask(unowned, 't-none')] }, { taskHistory: [makeTaskHistory(unowned, 't-none')] });
      await createInstance(store, { ...owned, tasks: [makeTask(owned, 't-awo')] }, { taskHistory: [makeTaskHistory(owned, 't-awo')] });
      for (const [collection, id, organisation] of [
        ['instances', 'i-none', null], ['instances', 'i-awo', 'org-awo'], ['tasks', 't-none', null], ['tasks', 't-awo', 'org-awo'],
        ['task_history', 't-none', null], ['task_history', 't-awo', 'org-awo'],
      ] as const) {
        const doc = await raw(dbName).collection<{ _id: string }>(collection).findOne({ _id: id });
        expect(doc, `${collection} ${id}`).to.have.property('organisation', organisation);
      }
      for (const collection of ['instances', 'tasks', 'task_history']) {
        const names = (await raw(dbName).collection(collection).listIndexes().toArray()).map((i) => i.name);
        expect(names, collection).to.include('by_organisation');
      }
    });

    it('documents written before the field existed read as null and are admitted by null', async function () {
      const dbName = freshDb();
      const store = await open(dbName);
      const instance = makeInstance('i-old');
      const task = makeTask(instance, 't-old', { candidateGroups: ['sales'] });
      const history = makeTaskHistory(instance, 't-old');
      await createInstance(store, { ...instance, tasks: [task] }, { taskHistory: [history] });
      await createInstance(store, makeInstance('i-drk', { organisation: 'org-drk' }));
      // What the code before the field wrote: no `organisation` anywhere, also not in the instance's own task list.
      const db = raw(dbName);
      const { organisation: _, ...oldTask } = task;
      await db.collection<{ _id: string }>('instances').updateOne({ _id: 'i-old' }, { $unset: { organisation: '' }, $set: { tasks: JSON.stringify([oldTask]) } });
      await db.collection<{ _id: string }>('tasks').updateOne({ _id: 't-old' }, { $unset: { organisation: '' } });
      await db.collection<{ _id: string }>('task_history').updateOne({ _id: 't-old' }, { $unset: { organisation: '' } });
      expect(await db.collection('tasks').countDocuments({ organisation: { $exists: true } })).to.equal(0);

      expect(await store.getInstance('i-old')).to.deep.equal({ ...instance, tasks: [task] });
      expect(await store.getTask('t-old')).to.deep.equal(task);
      expect(await store.findTaskHistory({ instanceId: 'i-old' })).to.deep.equal([history]);
      expect(ids(await store.findInstances({ access: { organisations: [null] } }))).to.deep.equal(['i-old']);
      expect(ids(await store.findInstances({ access: { organisations: [null, 'org-drk'] } }))).to.deep.equal(['i-drk', 'i-old']);
      expect(await store.countInstances({ access: { organisations: ['org-drk'] } })).to.equal(1);
      expect(ids(await store.findTasks({ access: { organisations: [null] } }))).to.deep.equal(['t-old']);
      expect(await store.countTasks({ access: { organisations: ['org-drk'] } })).to.equal(0);
      expect(ids(await store.findTaskHistory({ access: { organisations: [null] } }))).to.deep.equal(['t-old']);
      expect(await store.countTaskHistory({ access: { organisations: ['org-drk'] } })).to.equal(0);
    });
  });
});
