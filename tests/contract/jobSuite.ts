/** Contract: jobs (timers and service-task jobs, incidents) and shared settings. */
import { expect } from 'chai';
import { ValidationError } from '../../src/errors.ts';
import type { InstanceRecord, TimerRecord } from '../../src/store/store.ts';
import { at, createInstance, expectRejection, ids, makeInstance, makeTimer, updateInstance, type StoreContext } from './builders.ts';

/** A service-task job of `instance` (every job field set, as the engine writes them). */
function makeJob(instance: InstanceRecord, executionId: string, dueAt: string, over: Partial<TimerRecord> = {}): TimerRecord {
  return makeTimer(instance, executionId, dueAt, {
    activityId: 'sendMail', timerType: 'job', handler: 'mail', retries: 3, retryCycle: 'R3/PT5M',
    exceptionMessage: null, failedAt: null, ...over,
  });
}

export function jobSuite(ctx: StoreContext): void {
  describe('jobs', function () {
    /** a: timer t(10), job j(20); b: incident i(5) (retries ran out), job with an exception e(30). */
    async function seed() {
      const a = makeInstance('a', { startTime: at(1) });
      const b = makeInstance('b', { startTime: at(2) });
      const timer = makeTimer(a, 't', at(10));
      const job = makeJob(a, 'j', at(20));
      const incident = makeJob(b, 'i', at(5), { retries: 0, exceptionMessage: 'SMTP down', failedAt: at(6) });
      const failing = makeJob(b, 'e', at(30), { retries: 2, exceptionMessage: 'timeout', activityId: 'notify' });
      const va = await createInstance(ctx.store, { ...a, timers: [timer, job] });
      await createInstance(ctx.store, { ...b, timers: [incident, failing] });
      return { va, timer, job, incident, failing };
    }

    it('round-trips job fields; incidents are never due', async function () {
      const { timer, job, incident, failing } = await seed();
      expect(await ctx.store.findJobs({})).to.deep.equal([incident, timer, job, failing]);
      expect(await ctx.store.dueTimers(at(100), 10)).to.deep.equal([timer, job, failing]);
      expect(await ctx.store.dueTimers(at(10), 10)).to.deep.equal([timer]);
      expect(await ctx.store.nextTimerDue()).to.equal(at(10));
    });

    it('filters by kind, exception, retries, instance, activity and id; pages and counts', async function () {
      const { timer, job, incident, failing } = await seed();
      expect(ids(await ctx.store.findJobs({ kind: 'timer' }))).to.deep.equal([timer.id]);
      expect(ids(await ctx.store.findJobs({ kind: 'job' }))).to.deep.equal([incident.id, job.id, failing.id]);
      expect(ids(await ctx.store.findJobs({ withException: true }))).to.deep.equal([incident.id, failing.id]);
      expect(ids(await ctx.store.findJobs({ noRetriesLeft: true }))).to.deep.equal([incident.id]);
      expect(ids(await ctx.store.findJobs({ instanceId: 'a' }))).to.deep.equal([timer.id, job.id]);
      expect(ids(await ctx.store.findJobs({ activityId: 'notify' }))).to.deep.equal([failing.id]);
      expect(await ctx.store.findJobs({ id: job.id })).to.deep.equal([job]);
      expect(ids(await ctx.store.findJobs({ firstResult: 1, maxResults: 2 }))).to.deep.equal([timer.id, job.id]);
      expect(await ctx.store.findJobs({ maxResults: 0 })).to.deep.equal([]);
      expect(await ctx.store.countJobs({})).to.equal(4);
      expect(await ctx.store.countJobs({ kind: 'job', withException: true })).to.equal(2);
      expect(await ctx.store.countJobs({ instanceId: 'a', maxResults: 1 })).to.equal(2);
    });

    it('a job whose retries are set again is due again; a removed job is gone', async function () {
      const { va, timer, job } = await seed();
      const vb = (await ctx.store.getInstance('b'))!;
      const retried = { ...vb.timers[0]!, retries: 1 };
      await updateInstance(ctx.store, vb, { timers: [retried] });
      expect(ids(await ctx.store.dueTimers(at(100), 10))).to.deep.equal([retried.id, timer.id, job.id]);
      await updateInstance(ctx.store, va, { timers: [timer] });
      expect(await ctx.store.findJobs({ instanceId: 'a' })).to.deep.equal([timer]);
      expect(await ctx.store.countJobs({ kind: 'job' })).to.equal(1);
    });
  });

  describe('schedules (timer start events)', function () {
    const owner = 'schedule:invoice';
    /** A schedule job: no instance, `executionId` = definition id, `retries` = occurrences left (absent: unbounded). */
    const schedule = (activityId: string, dueAt: string, over: Partial<TimerRecord> = {}): TimerRecord => ({
      id: `${owner}:${activityId}`, instanceId: owner, activityId, executionId: 'invoice:1:d1', dueAt,
      timerType: 'timeCycle R3/PT1H', ...over,
    });
    const byId = (list: TimerRecord[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));

    it('replaces the whole set of an owner and returns the set it replaced', async function () {
      const morning = schedule('morning', at(60), { retries: 3 });
      const evening = schedule('evening', at(600));
      expect(await ctx.store.replaceSchedules(owner, [morning, evening])).to.deep.equal([]);
      expect(await ctx.store.findJobs({ instanceId: owner })).to.deep.equal([morning, evening]);
      expect(ids(await ctx.store.dueTimers(at(60), 10))).to.deep.equal([morning.id]);
      expect(await ctx.store.nextTimerDue()).to.equal(at(60));

      const next = schedule('morning', at(120), { retries: 2, executionId: 'invoice:2:d2' });
      expect(byId(await ctx.store.replaceSchedules(owner, [next]))).to.deep.equal(byId([morning, evening]));
      expect(await ctx.store.findJobs({ instanceId: owner })).to.deep.equal([next]);
      expect(await ctx.store.replaceSchedules(owner, [])).to.deep.equal([next]);
      expect(await ctx.store.countJobs({ instanceId: owner })).to.equal(0);
      expect(await ctx.store.nextTimerDue()).to.equal(undefined);
    });

    it('lives beside instances: commits and purges do not touch it; owners are schedule:<key>', async function () {
      const s = schedule('start', at(30));
      await ctx.store.replaceSchedules(owner, [s]);
      await ctx.store.replaceSchedules('schedule:review', [schedule('start', at(40), { id: 'schedule:review:start', instanceId: 'schedule:review' })]);
      const i = makeInstance('i1');
      const v1 = await createInstance(ctx.store, { ...i, timers: [makeTimer(i, 't', at(20))] });
      await updateInstance(ctx.store, v1, { timers: [] });
      await ctx.store.purgeInstances(['i1']);
      expect(await ctx.store.findJobs({ instanceId: owner })).to.deep.equal([s]);
      expect(ids(await ctx.store.findJobs({}))).to.deep.equal([s.id, 'schedule:review:start']);
      await expectRejection(ctx.store.replaceSchedules('i1', []), ValidationError);
    });
  });

  describe('settings', function () {
    it('stores named JSON values, overwrites them, and answers undefined for unknown keys', async function () {
      expect(await ctx.store.getSetting('clock')).to.equal(undefined);
      await ctx.store.setSetting('clock', { mode: 'controlled', now: at(5) });
      expect(await ctx.store.getSetting('clock')).to.deep.equal({ mode: 'controlled', now: at(5) });
      await ctx.store.setSetting('clock', { mode: 'controlled', now: at(9), nested: { list: [1, 'two', null] } });
      expect(await ctx.store.getSetting('clock')).to.deep.equal({ mode: 'controlled', now: at(9), nested: { list: [1, 'two', null] } });
      await ctx.store.setSetting('flag', false);
      expect(await ctx.store.getSetting('flag')).to.equal(false);
      expect(await ctx.store.getSetting('clock')).to.deep.equal({ mode: 'controlled', now: at(9), nested: { list: [1, 'two', null] } });
    });
  });
}
