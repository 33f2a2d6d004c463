/** Contract: the versioned instance commit, its projections, and instance queries. */
import { expect } from 'chai';
import { VersionConflict } from '../../src/errors.ts';
import type { InstanceRecord } from '../../src/store/store.ts';
import {
  at, commitOf, createInstance, expectRejection, ids, makeActivity, makeDefinition, makeDeployment, makeFollowUp,
  makeInstance, makeSubscription, makeTask, makeTimer, nextVersion, updateInstance, type StoreContext,
} from './builders.ts';

/** An instance with something in every nested field. */
function richInstance(id: string): InstanceRecord {
  const base = makeInstance(id, {
    businessKey: 'case-42',
    engineState: {
      name: 'invoice', state: 'running', stopped: false, counter: 3.5,
      definitions: [{ executions: [{ id: 'approve_1', status: 'wait', content: { ids: ['a', 'b'], nested: { deep: null } } }] }],
    },
    variables: {
      amount: { type: 'Integer', value: 100 },
      customer: { type: 'Json', value: { name: 'Jörg Müller', tags: ['a', 'b'] }, valueInfo: { serializationDataFormat: 'application/json' } },
      missing: { type: 'Null', value: null },
    },
  });
  return {
    ...base,
    tasks: [makeTask(base, `${id}-t1`, {
      candidateUsers: ['anna'], candidateGroups: ['sales', 'management'], due: at(60), priority: 70,
      localVariables: { item: { type: 'String', value: 'first' }, loopCounter: { type: 'Integer', value: 0 } },
    })],
    subscriptions: [makeSubscription(base, `${id}-s1`)],
    timers: [makeTimer(base, 'timer_1', at(30))],
  };
}

export function instanceSuite(ctx: StoreContext): void {
  describe('instance commit', function () {
    it('writes a new instance that reads back equal (JSON round trip of nested fields)', async function () {
      const instance = await createInstance(ctx.store, richInstance('i1'));
      expect(await ctx.store.getInstance('i1')).to.deep.equal(instance);
      expect(await ctx.store.getInstance('nope')).to.equal(undefined);
    });

    it('updates with the right expected version', async function () {
      const v1 = await createInstance(ctx.store, richInstance('i1'));
      const v2 = await updateInstance(ctx.store, v1, { variables: { amount: { type: 'Integer', value: 200 } }, lastError: 'boom' });
      const v3 = await updateInstance(ctx.store, v2, { state: 'COMPLETED', endTime: at(90), engineState: null, tasks: [], subscriptions: [], timers: [] });
      expect(v3.version).to.equal(3);
      expect(await ctx.store.getInstance('i1')).to.deep.equal(v3);
    });

    it('rejects a stale version with VersionConflict and changes nothing', async function () {
      const v1 = await createInstance(ctx.store, richInstance('i1'), { activityHistory: [makeActivity(richInstance('i1'), 'a1')] });
      const v2 = await updateInstance(ctx.store, v1, { lastError: 'second' });
      const tasksBefore = await ctx.store.findTasks({ instanceId: 'i1' });

      const stale = nextVersion(v1, { lastError: 'stale', tasks: [makeTask(v1, 'stray-task')], subscriptions: [], timers: [] });
      await expectRejection(ctx.store.commitInstance(commitOf(stale, {
        activityHistory: [makeActivity(v1, 'a1', { endTime: at(5) }), makeActivity(v1, 'stray-activity')],
        followUps: [makeFollowUp('stray-follow-up')],
      })), VersionConflict);

      expect(await ctx.store.getInstance('i1')).to.deep.equal(v2);
      expect(await ctx.store.findTasks({ instanceId: 'i1' })).to.deep.equal(tasksBefore);
      expect(await ctx.store.getTask('stray-task')).to.equal(undefined);
      expect(await ctx.store.findSubscriptions({ kind: 'message', name: 'invoiceReceived' })).to.deep.equal(v2.subscriptions);
      expect(await ctx.store.dueTimers(at(1000), 10)).to.deep.equal(v2.timers);
      expect(await ctx.store.findActivityHistory({ instanceId: 'i1' })).to.deep.equal([makeActivity(v1, 'a1')]);
      expect(await ctx.store.pendingFollowUps(10)).to.deep.equal([]);
    });

    it('rejects inserting an existing id (expectedVersion 0) with VersionConflict', async function () {
      const v1 = await createInstance(ctx.store, richInstance('i1'));
      await expectRejection(ctx.store.commitInstance(commitOf(makeInstance('i1', { businessKey: 'other' }), { expectedVersion: 0 })), VersionConflict);
      expect(await ctx.store.getInstance('i1')).to.deep.equal(v1);
    });

    it('rejects an update of an instance that does not exist with VersionConflict', async function () {
      await expectRejection(ctx.store.commitInstance(commitOf(makeInstance('ghost', { version: 4 }))), VersionConflict);
      expect(await ctx.store.getInstance('ghost')).to.equal(undefined);
    });

    it('rejects a commit whose instance version is not expectedVersion + 1', async function () {
      const v1 = await createInstance(ctx.store, richInstance('i1'));
      const error = await expectRejection(ctx.store.commitInstance(commitOf({ ...v1, version: 5 }, { expectedVersion: 1 })), Error);
      expect(error).not.to.be.instanceOf(VersionConflict);
      expect(await ctx.store.getInstance('i1')).to.deep.equal(v1);
    });

    it('lets exactly one of two concurrent commits from the same base version win', async function () {
      const v1 = await createInstance(ctx.store, richInstance('i1'));
      const a = nextVersion(v1, { lastError: 'a', tasks: [makeTask(v1, 'task-a')] });
      const b = nextVersion(v1, { lastError: 'b', tasks: [makeTask(v1, 'task-b')] });
      const results = await Promise.allSettled([ctx.store.commitInstance(commitOf(a)), ctx.store.commitInstance(commitOf(b))]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).to.have.length(1);
      expect(lost).to.have.length(1);
      expect(lost[0]!.reason).to.be.instanceOf(VersionConflict);
      const winner = results[0]!.status === 'fulfilled' ? a : b;
      expect(await ctx.store.getInstance('i1')).to.deep.equal(winner);
      expect(ids(await ctx.store.findTasks({ instanceId: 'i1' }))).to.deep.equal(ids(winner.tasks));
    });
  });

  describe('projections follow the instance record', function () {
    it('projects tasks, subscriptions and timers of a new instance', async function () {
      const v1 = await createInstance(ctx.store, richInstance('i1'));
      const task = v1.tasks[0]!;
      expect(await ctx.store.getTask(task.id)).to.deep.equal(task);
      expect(await ctx.store.findTasks({ instanceId: 'i1' })).to.deep.equal([task]);
      expect(await ctx.store.countTasks({ instanceId: 'i1' })).to.equal(1);
      expect(await ctx.store.findSubscriptions({ kind: 'message', name: 'invoiceReceived' })).to.deep.equal(v1.subscriptions);
      expect(await ctx.store.dueTimers(at(30), 10)).to.deep.equal(v1.timers);
      expect(await ctx.store.nextTimerDue()).to.equal(at(30));
    });

    it('removes the rows of tasks, subscriptions and timers the instance no longer holds', async function () {
      const v1 = await createInstance(ctx.store, richInstance('i1'));
      const newTask = makeTask(v1, 'i1-t2', { taskDefinitionKey: 'review', candidateGroups: ['accounting'] });
      await updateInstance(ctx.store, v1, { tasks: [newTask], subscriptions: [], timers: [] });
      expect(await ctx.store.getTask('i1-t1')).to.equal(undefined);
      expect(await ctx.store.findTasks({ instanceId: 'i1' })).to.deep.equal([newTask]);
      expect(await ctx.store.findTasks({ candidateGroups: ['sales'] })).to.deep.equal([]);
      expect(await ctx.store.findTasks({ candidateUser: 'anna' })).to.deep.equal([]);
      expect(await ctx.store.findTasks({ candidateGroups: ['accounting'] })).to.deep.equal([newTask]);
      expect(await ctx.store.findSubscriptions({ kind: 'message', name: 'invoiceReceived' })).to.deep.equal([]);
      expect(await ctx.store.dueTimers(at(1000), 10)).to.deep.equal([]);
      expect(await ctx.store.nextTimerDue()).to.equal(undefined);
    });

    it('reflects changed task fields (claim) and leaves no strays after a retried commit', async function () {
      const v1 = await createInstance(ctx.store, richInstance('i1'));
      // Another writer moves the instance on.
      const other = makeTask(v1, 'i1-t4');
      const v2 = await updateInstance(ctx.store, v1, { tasks: [{ ...v1.tasks[0]!, assignee: 'anna' }, other] });
      // Our first attempt, based on v1, loses …
      const attempt = nextVersion(v1, { tasks: [makeTask(v1, 'i1-t2'), makeTask(v1, 'i1-t3')] });
      await expectRejection(ctx.store.commitInstance(commitOf(attempt)), VersionConflict);
      // … and the retry on v2 wins.
      const retried = makeTask(v1, 'i1-t5');
      const v3 = await updateInstance(ctx.store, v2, { tasks: [other, retried], subscriptions: [makeSubscription(v2, 'i1-s2', { name: 'reminder' })] });
      expect(ids(await ctx.store.findTasks({ instanceId: 'i1' }))).to.deep.equal(['i1-t4', 'i1-t5']);
      expect(await ctx.store.countTasks({})).to.equal(2);
      expect(await ctx.store.findSubscriptions({ kind: 'message', name: 'invoiceReceived' })).to.deep.equal([]);
      expect(await ctx.store.findSubscriptions({ kind: 'message', name: 'reminder' })).to.deep.equal(v3.subscriptions);
      expect(await ctx.store.getInstance('i1')).to.deep.equal(v3);
    });

    it('finds subscriptions by kind and name, optionally by instance and business key', async function () {
      const a = makeInstance('a', { businessKey: 'case-a', startTime: at(1) });
      const b = makeInstance('b', { businessKey: 'case-b', startTime: at(2) });
      await createInstance(ctx.store, { ...b, subscriptions: [makeSubscription(b, 's'), makeSubscription(b, 'sig', { kind: 'signal', name: 'alarm' })] });
      await createInstance(ctx.store, { ...a, subscriptions: [makeSubscription(a, 's')] });
      const byName = await ctx.store.findSubscriptions({ kind: 'message', name: 'invoiceReceived' });
      expect(byName.map((s) => s.instanceId)).to.deep.equal(['a', 'b']);
      expect(byName[0]).to.deep.equal(makeSubscription(a, 's'));
      expect((await ctx.store.findSubscriptions({ kind: 'message', name: 'invoiceReceived', businessKey: 'case-b' })).map((s) => s.instanceId)).to.deep.equal(['b']);
      expect((await ctx.store.findSubscriptions({ kind: 'message', name: 'invoiceReceived', instanceId: 'a' })).map((s) => s.instanceId)).to.deep.equal(['a']);
      expect(await ctx.store.findSubscriptions({ kind: 'signal', name: 'invoiceReceived' })).to.deep.equal([]);
      expect(await ctx.store.findSubscriptions({ kind: 'signal', name: 'alarm' })).to.deep.equal([makeSubscription(b, 'sig', { kind: 'signal', name: 'alarm' })]);
      expect(await ctx.store.findSubscriptions({ kind: 'message', name: 'alarm' })).to.deep.equal([]);
    });
  });

  describe('instance queries', function () {
    async function seed() {
      await ctx.store.insertDeployment(makeDeployment('d1'), [], [makeDefinition('d1', 'invoice', 1), makeDefinition('d1', 'review', 1)]);
      const a = makeInstance('A', { businessKey: 'case-1', definitionId: 'invoice:1:d1', definitionKey: 'invoice', startTime: at(1) });
      const b = makeInstance('B', { businessKey: 'case-2', definitionId: 'invoice:1:d1', definitionKey: 'invoice', startTime: at(2), state: 'COMPLETED', endTime: at(9) });
      const c = makeInstance('C', { businessKey: 'case-10', definitionId: 'review:1:d1', definitionKey: 'review', startTime: at(3) });
      const d = makeInstance('D', { businessKey: null, definitionId: 'review:2:d9', definitionKey: 'review', startTime: at(4), state: 'EXTERNALLY_TERMINATED', superInstanceId: 'A', rootInstanceId: 'A' });
      for (const i of [c, a, d, b]) await createInstance(ctx.store, i);
      return { a, b, c, d };
    }

    it('filters by ids, business key, definition, state, super instance and deployment', async function () {
      const { a } = await seed();
      expect(await ctx.store.findInstances({ businessKey: 'case-1' })).to.deep.equal([a]);
      expect(ids(await ctx.store.findInstances({}))).to.deep.equal(['A', 'B', 'C', 'D']);
      expect(ids(await ctx.store.findInstances({ ids: ['D', 'B', 'X'] }))).to.deep.equal(['B', 'D']);
      expect(ids(await ctx.store.findInstances({ ids: [] }))).to.deep.equal([]);
      expect(ids(await ctx.store.findInstances({ businessKeyLike: 'case-1%' }))).to.deep.equal(['A', 'C']);
      expect(ids(await ctx.store.findInstances({ definitionKey: 'review' }))).to.deep.equal(['C', 'D']);
      expect(ids(await ctx.store.findInstances({ definitionId: 'invoice:1:d1' }))).to.deep.equal(['A', 'B']);
      expect(ids(await ctx.store.findInstances({ active: true }))).to.deep.equal(['A', 'C']);
      expect(ids(await ctx.store.findInstances({ finished: true }))).to.deep.equal(['B', 'D']);
      expect(ids(await ctx.store.findInstances({ active: true, definitionKey: 'review' }))).to.deep.equal(['C']);
      expect(ids(await ctx.store.findInstances({ superInstanceId: 'A' }))).to.deep.equal(['D']);
      expect(ids(await ctx.store.findInstances({ deploymentId: 'd1' }))).to.deep.equal(['A', 'B', 'C']);
      expect(ids(await ctx.store.findInstances({ deploymentId: 'd9' }))).to.deep.equal([]);
    });

    it('sorts, pages and counts', async function () {
      await seed();
      expect(ids(await ctx.store.findInstances({ sortBy: 'startTime', sortOrder: 'desc' }))).to.deep.equal(['D', 'C', 'B', 'A']);
      expect(ids(await ctx.store.findInstances({ sortBy: 'instanceId', sortOrder: 'desc' }))).to.deep.equal(['D', 'C', 'B', 'A']);
      // Text order; a null business key sorts as the largest value.
      expect(ids(await ctx.store.findInstances({ sortBy: 'businessKey', sortOrder: 'asc' }))).to.deep.equal(['A', 'C', 'B', 'D']);
      expect(ids(await ctx.store.findInstances({ sortBy: 'businessKey', sortOrder: 'desc' }))).to.deep.equal(['D', 'B', 'C', 'A']);
      expect(ids(await ctx.store.findInstances({ sortBy: 'definitionKey' }))).to.deep.equal(['A', 'B', 'C', 'D']);
      expect(ids(await ctx.store.findInstances({ firstResult: 1, maxResults: 2 }))).to.deep.equal(['B', 'C']);
      expect(ids(await ctx.store.findInstances({ firstResult: 3 }))).to.deep.equal(['D']);
      expect(ids(await ctx.store.findInstances({ maxResults: 0 }))).to.deep.equal([]);
      expect(await ctx.store.countInstances({})).to.equal(4);
      expect(await ctx.store.countInstances({ definitionKey: 'invoice', firstResult: 1, maxResults: 1 })).to.equal(2);
      expect(await ctx.store.countInstances({ finished: true })).to.equal(2);
    });
  });
}
