/** Contract: history upserts and queries, the follow-up outbox, timers, purging, identity smoke checks. */
import { expect } from 'chai';
import { Conflict } from '../../src/errors.ts';
import {
  at, createInstance, ids, makeActivity, makeFollowUp, makeInstance, makeSubscription, makeTask, makeTaskHistory,
  makeTimer, makeVariableHistory, expectRejection, updateInstance, type StoreContext,
} from './builders.ts';

export function historySuite(ctx: StoreContext): void {
  describe('history', function () {
    it('upserts activity history by id and queries it by instance, activity, finished state', async function () {
      const i1 = makeInstance('i1');
      const other = makeInstance('other');
      const start = makeActivity(i1, 'a-start', { activityId: 'start', activityName: null, activityType: 'startEvent', startTime: at(0), endTime: at(0), seq: 0 });
      const approve = makeActivity(i1, 'a-approve', { startTime: at(0), seq: 1, taskId: 'task-1' });
      await createInstance(ctx.store, other, { activityHistory: [makeActivity(other, 'o-approve', { startTime: at(1) })] });
      const v1 = await createInstance(ctx.store, i1, { activityHistory: [approve, start] });

      expect(await ctx.store.findActivityHistory({ instanceId: 'i1' })).to.deep.equal([start, approve]);
      expect(ids(await ctx.store.findActivityHistory({ instanceId: 'i1', unfinished: true }))).to.deep.equal(['a-approve']);
      expect(ids(await ctx.store.findActivityHistory({ instanceId: 'i1', finished: true }))).to.deep.equal(['a-start']);

      const ended = { ...approve, endTime: at(5), assignee: 'anna', canceled: true };
      await updateInstance(ctx.store, v1, {}, { activityHistory: [ended] });
      expect(await ctx.store.findActivityHistory({ instanceId: 'i1' })).to.deep.equal([start, ended]);
      expect(await ctx.store.findActivityHistory({ instanceId: 'i1', unfinished: true })).to.deep.equal([]);
      expect(ids(await ctx.store.findActivityHistory({ instanceId: 'i1', sortOrder: 'desc' }))).to.deep.equal(['a-approve', 'a-start']);
      expect(ids(await ctx.store.findActivityHistory({ activityId: 'approve' }))).to.deep.equal(['a-approve', 'o-approve']);
      expect(ids(await ctx.store.findActivityHistory({ activityType: 'startEvent' }))).to.deep.equal(['a-start']);
      expect(ids(await ctx.store.findActivityHistory({ unfinished: true }))).to.deep.equal(['o-approve']);
      expect(ids(await ctx.store.findActivityHistory({ instanceId: 'i1', firstResult: 1, maxResults: 5 }))).to.deep.equal(['a-approve']);
      expect(await ctx.store.countActivityHistory({ instanceId: 'i1' })).to.equal(2);
      expect(await ctx.store.countActivityHistory({})).to.equal(3);
    });

    it('upserts task history by id and queries it', async function () {
      const i1 = makeInstance('i1', { businessKey: 'case-1', definitionKey: 'invoice' });
      const i2 = makeInstance('i2', { businessKey: 'case-2', definitionKey: 'review' });
      const th1 = makeTaskHistory(i1, 'th1', { startTime: at(1) });
      const th2 = makeTaskHistory(i2, 'th2', { taskDefinitionKey: 'check', assignee: 'bob', startTime: at(2) });
      const v1 = await createInstance(ctx.store, i1, { taskHistory: [th1] });
      await createInstance(ctx.store, i2, { taskHistory: [th2] });
      const done = { ...th1, assignee: 'anna', endTime: at(3), deleteReason: 'completed' };
      await updateInstance(ctx.store, v1, {}, { taskHistory: [done] });

      expect(await ctx.store.findTaskHistory({ instanceId: 'i1' })).to.deep.equal([done]);
      expect(await ctx.store.findTaskHistory({})).to.deep.equal([done, th2]);
      expect(ids(await ctx.store.findTaskHistory({ finished: true }))).to.deep.equal(['th1']);
      expect(ids(await ctx.store.findTaskHistory({ unfinished: true }))).to.deep.equal(['th2']);
      expect(ids(await ctx.store.findTaskHistory({ assignee: 'anna' }))).to.deep.equal(['th1']);
      expect(ids(await ctx.store.findTaskHistory({ businessKey: 'case-2' }))).to.deep.equal(['th2']);
      expect(ids(await ctx.store.findTaskHistory({ definitionKey: 'invoice' }))).to.deep.equal(['th1']);
      expect(ids(await ctx.store.findTaskHistory({ taskDefinitionKey: 'check' }))).to.deep.equal(['th2']);
      expect(ids(await ctx.store.findTaskHistory({ firstResult: 1 }))).to.deep.equal(['th2']);
      expect(await ctx.store.countTaskHistory({})).to.equal(2);
      expect(await ctx.store.countTaskHistory({ finished: true })).to.equal(1);
    });

    it('keeps the latest value per variable and queries variable history', async function () {
      const i1 = makeInstance('i1');
      const amount = makeVariableHistory(i1, 'amount', 100, { createTime: at(1) });
      const address = makeVariableHistory(i1, 'address', { street: 'Hauptstraße 1', zip: '44623' }, { createTime: at(2) });
      const v1 = await createInstance(ctx.store, i1, { variableHistory: [amount, address] });
      const changed = { ...amount, value: 250 };
      await updateInstance(ctx.store, v1, {}, { variableHistory: [changed] });

      expect(await ctx.store.findVariableHistory({ instanceId: 'i1' })).to.deep.equal([changed, address]);
      expect(await ctx.store.findVariableHistory({ name: 'address' })).to.deep.equal([address]);
      expect(ids(await ctx.store.findVariableHistory({ nameLike: 'a%' }))).to.deep.equal(['i1:amount', 'i1:address']);
      expect(ids(await ctx.store.findVariableHistory({ nameLike: '%dd%' }))).to.deep.equal(['i1:address']);
      expect(ids(await ctx.store.findVariableHistory({ maxResults: 1 }))).to.deep.equal(['i1:amount']);
      expect(await ctx.store.countVariableHistory({ instanceId: 'i1' })).to.equal(2);
      expect(await ctx.store.countVariableHistory({ instanceId: 'other' })).to.equal(0);
    });
  });

  describe('follow-up commands', function () {
    it('records follow-ups with a commit, ignores duplicate ids, deletes consumed ones', async function () {
      const f1 = makeFollowUp('f1', { createdAt: at(2) });
      const f2 = makeFollowUp('f2', { type: 'signalParent', payload: { parent: 'p', variables: { x: { type: 'String', value: 'y' } } }, createdAt: at(1) });
      const v1 = await createInstance(ctx.store, makeInstance('i1'), { followUps: [f1, f2] });
      expect(await ctx.store.pendingFollowUps(10)).to.deep.equal([f2, f1]);
      expect(await ctx.store.pendingFollowUps(1)).to.deep.equal([f2]);

      const v2 = await updateInstance(ctx.store, v1, {}, { followUps: [{ ...f1, payload: { changed: true } }] });
      expect(await ctx.store.pendingFollowUps(10)).to.deep.equal([f2, f1]);

      const f3 = makeFollowUp('f3', { createdAt: at(3) });
      await updateInstance(ctx.store, v2, {}, { consumedFollowUps: ['f2'], followUps: [f3] });
      expect(await ctx.store.pendingFollowUps(10)).to.deep.equal([f1, f3]);

      await ctx.store.deleteFollowUp('f1');
      await ctx.store.deleteFollowUp('never-existed');
      expect(await ctx.store.pendingFollowUps(10)).to.deep.equal([f3]);
    });
  });

  describe('timers', function () {
    it('returns due timers earliest first up to the limit, and the next due time', async function () {
      expect(await ctx.store.nextTimerDue()).to.equal(undefined);
      const a = makeInstance('a');
      const b = makeInstance('b');
      const a1 = makeTimer(a, 'late', at(30));
      const a2 = makeTimer(a, 'early', at(10));
      const b1 = makeTimer(b, 'middle', at(20), { timerType: null });
      await createInstance(ctx.store, { ...a, timers: [a1, a2] });
      await createInstance(ctx.store, { ...b, timers: [b1] });

      expect(await ctx.store.dueTimers(at(20), 10)).to.deep.equal([a2, b1]);
      expect(await ctx.store.dueTimers(at(100), 2)).to.deep.equal([a2, b1]);
      expect(await ctx.store.dueTimers(at(100), 10)).to.deep.equal([a2, b1, a1]);
      expect(await ctx.store.dueTimers(at(9), 10)).to.deep.equal([]);
      expect(await ctx.store.nextTimerDue()).to.equal(at(10));
    });
  });

  describe('purgeInstances', function () {
    async function seed(id: string) {
      const i = makeInstance(id, { businessKey: `case-${id}` });
      await createInstance(ctx.store, {
        ...i,
        tasks: [makeTask(i, `${id}-task`, { candidateGroups: ['sales'] })],
        subscriptions: [makeSubscription(i, `${id}-sub`)],
        timers: [makeTimer(i, 'timer', at(10))],
      }, {
        activityHistory: [makeActivity(i, `${id}-act`)],
        taskHistory: [makeTaskHistory(i, `${id}-task`)],
        variableHistory: [makeVariableHistory(i, 'amount', 1)],
        followUps: [makeFollowUp(`${id}-follow-up`)],
      });
    }

    it('removes everything of the purged instances and nothing of others', async function () {
      await seed('a');
      await seed('b');
      await seed('c');
      await ctx.store.purgeInstances(['a', 'c']);
      await ctx.store.purgeInstances([]);

      for (const id of ['a', 'c']) {
        expect(await ctx.store.getInstance(id)).to.equal(undefined);
        expect(await ctx.store.getTask(`${id}-task`)).to.equal(undefined);
        expect(await ctx.store.countTasks({ instanceId: id })).to.equal(0);
        expect(await ctx.store.countActivityHistory({ instanceId: id })).to.equal(0);
        expect(await ctx.store.countTaskHistory({ instanceId: id })).to.equal(0);
        expect(await ctx.store.countVariableHistory({ instanceId: id })).to.equal(0);
      }
      expect(ids(await ctx.store.findInstances({}))).to.deep.equal(['b']);
      expect(ids(await ctx.store.findTasks({ candidateGroups: ['sales'] }))).to.deep.equal(['b-task']);
      expect((await ctx.store.findSubscriptions({ kind: 'message', name: 'invoiceReceived' })).map((s) => s.instanceId)).to.deep.equal(['b']);
      expect(ids(await ctx.store.dueTimers(at(100), 10))).to.deep.equal(['b:timer']);
      expect(await ctx.store.countActivityHistory({})).to.equal(1);
      expect(await ctx.store.countTaskHistory({})).to.equal(1);
      expect(await ctx.store.countVariableHistory({})).to.equal(1);
      // The outbox is not per instance and stays.
      expect(await ctx.store.pendingFollowUps(10)).to.have.length(3);
      // A purged id can be used again.
      await createInstance(ctx.store, makeInstance('a'));
      expect(await ctx.store.countInstances({})).to.equal(2);
    });
  });

  describe('identity (smoke)', function () {
    it('creates users and groups with memberships', async function () {
      await ctx.store.createUser({ id: 'anna', firstName: 'Anna', lastName: 'Schmidt', email: 'anna@example.org', passwordHash: 'scrypt$x' });
      await ctx.store.createGroup({ id: 'sales', name: 'Sales', type: 'WORKFLOW' });
      await ctx.store.addMembership('sales', 'anna');
      expect(await ctx.store.getUser('anna')).to.deep.equal({ id: 'anna', firstName: 'Anna', lastName: 'Schmidt', email: 'anna@example.org', passwordHash: 'scrypt$x' });
      expect(await ctx.store.groupsOf('anna')).to.deep.equal(['sales']);
      expect(await ctx.store.countUsers({ memberOfGroup: 'sales' })).to.equal(1);
      await expectRejection(ctx.store.createUser({ id: 'anna', firstName: null, lastName: null, email: null, passwordHash: 'h' }), Conflict);
    });
  });
}
