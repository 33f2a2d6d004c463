/**
 * Contract: erasure of ended instances (`purgeEndedInstances`, KIM-PROCESSES.md §6) and of a case's
 * consents (`consents.deleteConsentsOfCase`). Every projection of a purged instance is counted
 * afterwards through the port's own count queries; running instances are refused; a repeat is a
 * no-op. MongoDB only: a purge interrupted between its steps is finished by a repeat or the sweeper.
 */
import { expect } from 'chai';
import { Conflict } from '../../src/errors.ts';
import { MongoStore } from '../../src/store/mongo/mongoStore.ts';
import type { FollowUpRecord, InstanceRecord, Store } from '../../src/store/store.ts';
import type { ConsentRecord } from '../../src/kim/consentStore.ts';
import {
  at, createInstance, expectRejection, ids, makeActivity, makeFollowUp, makeInstance, makeSubscription, makeTask,
  makeTaskHistory, makeTimer, makeVariableHistory, type StoreContext,
} from './builders.ts';

const ended = (id: string, over: Partial<InstanceRecord> = {}): InstanceRecord =>
  makeInstance(id, { businessKey: 'FALL-1', state: 'COMPLETED', endTime: at(50), engineState: null, ...over });

const followUpIds = (id: string) => [`startCalled:${id}:exec-call`, `callDone:child-of-${id}`, `cancelCalled:other:${id}`];

/**
 * An instance with one of everything: task (with candidates), subscription, timer, two activity
 * rows, task history, two variable history rows, and follow-ups recorded by it or naming it.
 * (An ended instance normally has no tasks or timers; strays left by a crash must go too.)
 */
async function seed(store: Store, instance: InstanceRecord): Promise<void> {
  const id = instance.id;
  const followUps: FollowUpRecord[] = [
    makeFollowUp(`startCalled:${id}:exec-call`, { type: 'startCalled', payload: { parentId: id, executionId: 'exec-call', variables: { name: { type: 'String', value: 'Amina' } } } }),
    makeFollowUp(`callDone:child-of-${id}`, { type: 'callDone', payload: { parentId: id, executionId: 'x', childVariables: {} } }),
    makeFollowUp(`cancelCalled:other:${id}`, { type: 'cancelCalled', payload: { childId: id, reason: 'r' } }),
  ];
  await createInstance(store, {
    ...instance,
    tasks: [makeTask(instance, `${id}-task`, { candidateGroups: ['cm-ki'], candidateUsers: ['anna'] })],
    subscriptions: [makeSubscription(instance, `${id}-sub`)],
    timers: [makeTimer(instance, 'timer', at(10))],
  }, {
    activityHistory: [makeActivity(instance, `${id}-start`, { activityType: 'startEvent', endTime: at(0) }), makeActivity(instance, `${id}-act`, { seq: 1 })],
    taskHistory: [makeTaskHistory(instance, `${id}-task`)],
    variableHistory: [makeVariableHistory(instance, 'givenName', 'Amina'), makeVariableHistory(instance, 'deletionDueAt', '2029-12-31')],
    followUps,
  });
}

/** Everything the port can count of one instance. */
async function footprint(store: Store, id: string) {
  return {
    instances: await store.countInstances({ ids: [id] }),
    tasks: await store.countTasks({ instanceId: id }),
    candidateTasks: await store.countTasks({ instanceId: id, candidateGroups: ['cm-ki'] }),
    subscriptions: (await store.findSubscriptions({ kind: 'message', name: 'invoiceReceived', instanceId: id })).length,
    jobs: await store.countJobs({ instanceId: id }),
    activityHistory: await store.countActivityHistory({ instanceId: id }),
    taskHistory: await store.countTaskHistory({ instanceId: id }),
    variableHistory: await store.countVariableHistory({ instanceId: id }),
    followUps: (await store.pendingFollowUps(100)).filter((f) => followUpIds(id).includes(f.id)).length,
  };
}

const NOTHING = { instances: 0, tasks: 0, candidateTasks: 0, subscriptions: 0, jobs: 0, activityHistory: 0, taskHistory: 0, variableHistory: 0, followUps: 0 };
const EVERYTHING = { instances: 1, tasks: 1, candidateTasks: 1, subscriptions: 1, jobs: 1, activityHistory: 2, taskHistory: 1, variableHistory: 2, followUps: 3 };

function consent(id: string, caseId: string): ConsentRecord {
  return {
    id, caseId, personRef: null, recipient: 'abh', purposes: ['AUFENTHALTSSICHERUNG'], dataCategories: ['STAMMDATEN'],
    scope: ['DEADLINE_ESCALATION'], grantedAt: at(0), validUntil: null, withdrawnAt: null, withdrawnBy: null, recordedBy: 'anna', organisation: 'org-ki',
  };
}

export function purgeSuite(ctx: StoreContext): void {
  describe('purgeEndedInstances (erasure, §6)', function () {
    it('removes the record and every projection of ended instances, and nothing of others', async function () {
      await seed(ctx.store, ended('a'));
      await seed(ctx.store, ended('b', { state: 'EXTERNALLY_TERMINATED', superInstanceId: 'a', rootInstanceId: 'a' }));
      await seed(ctx.store, makeInstance('keep', { businessKey: 'FALL-2' }));
      await ctx.store.replaceSchedules('schedule:fallkonferenz', [{
        id: 'schedule:fallkonferenz:start', instanceId: 'schedule:fallkonferenz', activityId: 'start', executionId: 'fallkonferenz:1:d', dueAt: at(60), timerType: 'timeCycle',
      }]);
      await ctx.store.commitInstance({ instance: makeInstance('unrelated'), expectedVersion: 0, activityHistory: [], taskHistory: [], variableHistory: [], followUps: [makeFollowUp('startCalled:unrelated:x')] });
      for (const id of ['a', 'b', 'keep']) expect(await footprint(ctx.store, id), id).to.deep.equal(EVERYTHING);

      const result = await ctx.store.purgeEndedInstances(['a', 'b', 'a', 'never-existed']);

      expect(result.purged).to.deep.equal(['a', 'b']);
      expect(result.missing).to.deep.equal(['never-existed']);
      expect(result.counts).to.deep.equal({
        instances: 2, tasks: 2, subscriptions: 2, timers: 2, activityHistory: 4, taskHistory: 2, variableHistory: 4, followUps: 6,
      });
      expect(ids(result.removedTimers)).to.deep.equal(['a:timer', 'b:timer']);
      expect(result.removedTimers[0]).to.include({ instanceId: 'a', dueAt: at(10) });
      for (const id of ['a', 'b']) {
        expect(await footprint(ctx.store, id), id).to.deep.equal(NOTHING);
        expect(await ctx.store.getInstance(id)).to.equal(undefined);
        expect(await ctx.store.getTask(`${id}-task`)).to.equal(undefined);
      }
      expect(await ctx.store.countInstances({ businessKey: 'FALL-1' })).to.equal(0);
      expect(await ctx.store.countTaskHistory({ businessKey: 'FALL-1' })).to.equal(0);
      // Others keep everything: the running instance of another case, the schedules, other follow-ups.
      expect(await footprint(ctx.store, 'keep')).to.deep.equal(EVERYTHING);
      expect(await ctx.store.countJobs({ instanceId: 'schedule:fallkonferenz' })).to.equal(1);
      expect(ids(await ctx.store.pendingFollowUps(100))).to.include('startCalled:unrelated:x');
      expect(await ctx.store.countInstances({})).to.equal(2);
    });

    it('refuses a running instance and changes nothing (Conflict naming it)', async function () {
      await seed(ctx.store, ended('a'));
      await seed(ctx.store, makeInstance('running', { businessKey: 'FALL-1' }));
      const err = await expectRejection(ctx.store.purgeEndedInstances(['a', 'running']), Conflict);
      expect(err.message).to.contain('running');
      expect(err.details).to.deep.equal({ runningInstanceIds: ['running'] });
      expect(await footprint(ctx.store, 'a')).to.deep.equal(EVERYTHING);
      expect(await footprint(ctx.store, 'running')).to.deep.equal(EVERYTHING);
    });

    it('a repeat is a no-op; schedule owners and empty lists are never touched', async function () {
      await seed(ctx.store, ended('a'));
      await ctx.store.replaceSchedules('schedule:x', [{
        id: 'schedule:x:start', instanceId: 'schedule:x', activityId: 'start', executionId: 'x:1:d', dueAt: at(60), timerType: 'timeCycle',
      }]);
      expect((await ctx.store.purgeEndedInstances(['a'])).counts.instances).to.equal(1);
      const again = await ctx.store.purgeEndedInstances(['a', 'schedule:x']);
      expect(again).to.deep.equal({
        purged: [], missing: ['a', 'schedule:x'], removedTimers: [],
        counts: { instances: 0, tasks: 0, subscriptions: 0, timers: 0, activityHistory: 0, taskHistory: 0, variableHistory: 0, followUps: 0 },
      });
      expect((await ctx.store.purgeEndedInstances([])).purged).to.deep.equal([]);
      expect(await ctx.store.countJobs({ instanceId: 'schedule:x' })).to.equal(1);
      expect(await footprint(ctx.store, 'a')).to.deep.equal(NOTHING);
    });

    it('deleteConsentsOfCase removes the consents of that case only; a repeat deletes nothing', async function () {
      await ctx.store.consents.addConsent(consent('c1', 'FALL-1'));
      await ctx.store.consents.addConsent(consent('c2', 'FALL-1'));
      await ctx.store.consents.addConsent(consent('c3', 'FALL-2'));
      await ctx.store.consents.withdrawConsent('c2', at(5), 'anna');
      expect(await ctx.store.consents.deleteConsentsOfCase('FALL-1')).to.equal(2);
      expect(await ctx.store.consents.listConsents('FALL-1')).to.deep.equal([]);
      expect(await ctx.store.consents.getConsent('c1')).to.equal(undefined);
      expect((await ctx.store.consents.listConsents('FALL-2')).map((c) => c.id)).to.deep.equal(['c3']);
      expect(await ctx.store.consents.deleteConsentsOfCase('FALL-1')).to.equal(0);
    });

    it('MongoDB: a purge interrupted between its steps is finished by a repeat, or by the sweeper', async function () {
      const store = ctx.store;
      if (!(store instanceof MongoStore)) this.skip(); // SQLite: one transaction, nothing to interrupt
      const mongo = store as MongoStore;
      await seed(mongo, ended('a'));
      await seed(mongo, ended('b'));
      const crashAfter = (at: 'marked' | 'dependents') => mongo.withFaults({
        afterPurgeStep: (step) => {
          if (step === at) throw new Error(`simulated crash after ${step}`);
        },
      });

      // Crash after the dependents went, before the instance document: it is still there (marked), and findable.
      const first = crashAfter('dependents');
      await first.init();
      try {
        await expectRejection(first.purgeEndedInstances(['a']), Error);
      } finally {
        await first.close();
      }
      expect(await mongo.getInstance('a')).to.include({ id: 'a', state: 'COMPLETED' });
      expect(await footprint(mongo, 'a')).to.deep.equal({ ...NOTHING, instances: 1 });
      const repeat = await mongo.purgeEndedInstances(['a']);
      expect(repeat.purged).to.deep.equal(['a']);
      expect(repeat.counts.instances).to.equal(1);
      expect(await footprint(mongo, 'a')).to.deep.equal(NOTHING);

      // Crash right after marking: nothing is deleted yet; the sweeper (every process runs it) finishes it.
      const second = crashAfter('marked');
      await second.init();
      try {
        await expectRejection(second.purgeEndedInstances(['b']), Error);
      } finally {
        await second.close();
      }
      expect(await footprint(mongo, 'b')).to.deep.equal(EVERYTHING);
      await mongo.sweepOutboxes();
      expect(await footprint(mongo, 'b')).to.deep.equal(NOTHING);
      expect((await mongo.purgeEndedInstances(['a', 'b'])).counts.instances).to.equal(0);
    });
  });
}
