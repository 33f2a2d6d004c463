/**
 * The scheduler contract against the BullMQ adapter on a real Redis (REDIS_URL), plus what only
 * BullMQ has: job ids, a worker in another process, real delays, early deliveries, and service-task
 * jobs on their own queue (`kim-jobs`) next to the timers (`kim-timers`).
 * Every test uses its own BullMQ prefix and obliterates its queues afterwards.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { ManualClock, type Clock } from '../../src/clock.ts';
import {
  BullmqScheduler, checkEvictionPolicy, parseRedisUrl, timerJobId, timerProcessor, type TimerJob, type TimerJobResult,
} from '../../src/scheduler/bullmq.ts';
import { JOB_QUEUE, NOTIFICATION_QUEUE, TIMER_QUEUE } from '../../src/scheduler/queues.ts';
import type { FireTimers, Scheduler } from '../../src/scheduler/scheduler.ts';
import type { Store, TimerRecord } from '../../src/store/store.ts';
import { requireService, uniqueName } from '../helpers/requireService.ts';
import { describeScheduler, SchedulerWorld } from './schedulerContract.ts';

let redisUrl = '';

const HOUR = 3600_000;

/** One test's BullMQ namespace: admin queues (timers, service-task jobs) and events on them, obliterated afterwards. */
class Namespace {
  readonly prefix = uniqueName('kimtest');
  /** `kim-timers`. */
  readonly queue: Queue<TimerJob, TimerJobResult>;
  /** `kim-jobs`. */
  readonly jobs: Queue<TimerJob, TimerJobResult>;
  private events: QueueEvents | null = null;
  private readonly listeners: QueueEvents[] = [];
  constructor() {
    this.queue = new Queue<TimerJob, TimerJobResult>(TIMER_QUEUE, { connection: parseRedisUrl(redisUrl), prefix: this.prefix });
    this.jobs = new Queue<TimerJob, TimerJobResult>(JOB_QUEUE, { connection: parseRedisUrl(redisUrl), prefix: this.prefix });
  }
  /** Jobs still to be delivered, on both queues. */
  async leftovers(): Promise<number> {
    let n = 0;
    for (const q of [this.queue, this.jobs]) {
      const counts = await q.getJobCounts('delayed', 'waiting', 'active', 'prioritized');
      n += Object.values(counts).reduce((a, b) => a + b, 0);
    }
    return n;
  }
  /** Every job one queue holds, in any state (finished ones included). */
  async total(queue: Queue<TimerJob, TimerJobResult>): Promise<number> {
    const counts = await queue.getJobCounts('delayed', 'waiting', 'active', 'prioritized', 'waiting-children', 'completed', 'failed');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }
  /** The ids of the jobs completed on a queue from now on (by any worker). */
  async completions(name: string): Promise<string[]> {
    const ids: string[] = [];
    const events = new QueueEvents(name, { connection: { ...parseRedisUrl(redisUrl), maxRetriesPerRequest: null }, prefix: this.prefix });
    this.listeners.push(events);
    events.on('completed', ({ jobId }) => ids.push(jobId));
    await events.waitUntilReady();
    return ids;
  }
  /** Loses every job of both queues. */
  async lose(): Promise<void> {
    await this.queue.obliterate({ force: true });
    await this.jobs.obliterate({ force: true });
  }
  /** Adds a job for the timer under another id (a duplicate BullMQ would deliver) and waits until it was processed. */
  async deliverDuplicate(timer: TimerRecord): Promise<void> {
    this.events ??= new QueueEvents(TIMER_QUEUE, { connection: { ...parseRedisUrl(redisUrl), maxRetriesPerRequest: null }, prefix: this.prefix });
    await this.events.waitUntilReady();
    const job = await this.queue.add('timer', { instanceId: timer.instanceId, timerId: timer.id, dueAt: timer.dueAt }, { jobId: `dup-${Date.now()}`, removeOnComplete: false });
    await job.waitUntilFinished(this.events, 10_000);
  }
  async cleanup(): Promise<void> {
    await this.events?.close();
    for (const events of this.listeners) await events.close();
    await this.lose();
    await this.queue.close();
    await this.jobs.close();
  }
}

describe('BullmqScheduler', function () {
  let ns: Namespace;
  const made: BullmqScheduler[] = [];
  const logs: string[] = [];

  before(function () {
    redisUrl = requireService(this, 'REDIS_URL');
  });

  beforeEach(function () {
    ns = new Namespace();
    logs.length = 0;
  });

  afterEach(async function () {
    for (const s of made.splice(0)) await s.close();
    await ns?.cleanup();
    // A failed job, a worker or connection error: nothing of that kind is expected in any test.
    expect(logs, 'the scheduler logged').to.deep.equal([]);
  });

  const make = (deps: { store: Store; clock: Clock; fire: FireTimers }, runWorker = true) => {
    const s = new BullmqScheduler({ redisUrl, prefix: ns.prefix, runWorker, log: (l) => logs.push(l), ...deps });
    made.push(s);
    return s;
  };

  describeScheduler('bullmq', async (deps) => make(deps), {
    leftovers: () => ns.leftovers(),
    deliverDuplicate: (timer) => ns.deliverDuplicate(timer),
    lose: () => ns.lose(),
  });

  describe('BullMQ specifics', function () {
    let dir: string;
    let w: SchedulerWorld;
    let makeScheduler: (deps: Parameters<typeof make>[0]) => Promise<Scheduler>;

    beforeEach(async function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kim-scheduler-'));
      makeScheduler = async (deps) => make(deps);
      w = new SchedulerWorld(dir, (deps) => makeScheduler(deps));
      await w.init();
    });

    afterEach(async function () {
      await w?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('job ids are deterministic, free of ":", and differ by due time; queue names come from one place', function () {
      const t = { id: 'inst-1:pause_abc_0', dueAt: '2026-03-01T09:00:00.000Z' };
      expect(timerJobId(t)).to.equal(timerJobId({ ...t })).and.not.contain(':');
      expect(timerJobId(t)).to.equal(`inst-1%3Apause_abc_0@${Date.parse(t.dueAt)}`);
      expect(timerJobId({ ...t, dueAt: '2026-03-01T10:00:00.000Z' })).to.not.equal(timerJobId(t));
      expect(timerJobId({ ...t, dueAt: '2026-03-01T10:00:00+01:00' })).to.equal(timerJobId(t));
      expect(timerJobId({ id: 'a:b', dueAt: t.dueAt })).to.not.equal(timerJobId({ id: 'a%3Ab', dueAt: t.dueAt }));
      expect([TIMER_QUEUE, JOB_QUEUE, NOTIFICATION_QUEUE]).to.deep.equal(['kim-timers', 'kim-jobs', 'kim-notifications']);
    });

    it('parses Redis URLs and checks the eviction policy', async function () {
      expect(parseRedisUrl('redis://127.0.0.1:16400')).to.deep.equal({ host: '127.0.0.1', port: 16400 });
      expect(parseRedisUrl('rediss://u:p%40ss@cache.example:6380/3')).to.deep.equal({ host: 'cache.example', port: 6380, db: 3, username: 'u', password: 'p@ss', tls: {} });
      expect(() => parseRedisUrl('http://x')).to.throw(/redis:\/\//);
      const lines: string[] = [];
      expect(await checkEvictionPolicy(parseRedisUrl(redisUrl), (l) => lines.push(l))).to.equal('noeviction');
      expect(lines).to.deep.equal([]);
      expect(await checkEvictionPolicy({ host: '127.0.0.1', port: 1 }, (l) => lines.push(l))).to.equal(undefined);
      expect(lines).to.have.length(1).and.to.match(/maxmemory-policy/);
    });

    it('timerProcessor runs the instance named by the job', async function () {
      const calls: string[] = [];
      const processor = timerProcessor(async (id) => calls.push(id));
      const job = { data: { instanceId: 'i-1', timerId: 'i-1:x', dueAt: '2026-03-01T09:00:00.000Z' } } as Job<TimerJob, TimerJobResult>;
      expect(await processor(job)).to.deep.equal({ instanceId: 'i-1' });
      expect(calls).to.deep.equal(['i-1']);
    });

    it('runDue in a process without a worker waits for the worker of another process', async function () {
      const api = make({ store: w.store, clock: w.clock, fire: w.fire }, false);
      w.scheduler = api;
      await api.start();
      const a = await w.startWait(Date.parse('2026-03-01T09:00:00Z'));
      const b = await w.startWait(Date.parse('2026-03-01T08:30:00Z'));
      const worker = make({ store: w.store, clock: w.clock, fire: w.fire }, true);
      await worker.start();
      w.clock.advance(2 * 3600_000);
      expect(await api.runDue()).to.equal(2);
      expect(w.fired).to.deep.equal([b.id, a.id]);
      expect(await w.taskKeys(a.id)).to.deep.equal(['danach']);
      expect(await w.taskKeys(b.id)).to.deep.equal(['danach']);
      expect(await ns.leftovers()).to.equal(0);
    });

    it('a delayed job fires on its own on the real clock (no runDue)', async function () {
      // Engine and scheduler on real time for this one test (the world's clock follows Date.now()).
      w.clock.now = () => Date.now();
      await w.boot();
      const i = await w.startWait(Date.now() + 300);
      expect(await ns.queue.getDelayedCount()).to.equal(1);
      const deadline = Date.now() + 5000;
      while (((await w.taskKeys(i.id)).length === 0 || (await ns.leftovers()) > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(await w.taskKeys(i.id)).to.deep.equal(['danach']);
      expect(w.fired).to.deep.equal([i.id]);
      expect(await ns.leftovers()).to.equal(0);
    });

    it('a job delivered before its timer is due by the clock goes back to the delayed set, and fires when due', async function () {
      await w.boot();
      const i = await w.startWait(Date.parse('2026-03-01T09:00:00Z'));
      const [timer] = await w.timersOf(i.id);
      const job = await ns.queue.getJob(timerJobId(timer!));
      await job!.promote(); // as if another process's clock ran ahead
      const deadline = Date.now() + 5000;
      while ((await ns.queue.getJobState(job!.id!)) !== 'delayed' || (await ns.queue.getJob(job!.id!))!.attemptsStarted === 0) {
        if (Date.now() > deadline) throw new Error('the early job was not processed');
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(w.fired).to.deep.equal([]);
      expect(await ns.queue.getDelayedCount()).to.equal(1);
      w.clock.advance(3600_000);
      expect(await w.runDue()).to.equal(1);
      expect(w.fired).to.deep.equal([i.id]);
      expect(await w.taskKeys(i.id)).to.deep.equal(['danach']);
      expect(await ns.leftovers()).to.equal(0);
    });

    it('a timer re-armed under the same id from inside its own delivery gets a new job (the due time is in the job id)', async function () {
      const clock = new ManualClock(Date.parse('2026-03-01T08:00:00Z'));
      const first: TimerRecord = { id: 'inst-x:wait_1', instanceId: 'inst-x', activityId: 'wait', executionId: 'wait_1', dueAt: '2026-03-01T08:00:00.000Z', timerType: 'timeCycle' };
      const second: TimerRecord = { ...first, dueAt: '2026-03-01T09:00:00.000Z' };
      let scheduler: BullmqScheduler;
      const fired: string[] = [];
      const fire: FireTimers = async (id) => {
        fired.push(id);
        if (fired.length === 1) await scheduler.sync({ instanceId: id, removed: [first], added: [second] });
      };
      scheduler = make({ store: w.store, clock, fire }, true);
      await scheduler.start();
      await scheduler.sync({ instanceId: 'inst-x', added: [first], removed: [] });
      const deadline = Date.now() + 5000;
      while (fired.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      while ((await ns.queue.getActiveCount()) + (await ns.queue.getWaitingCount()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(fired).to.deep.equal(['inst-x']);
      const delayed = await ns.queue.getDelayed();
      expect(delayed.map((j) => j.id)).to.deep.equal([timerJobId(second)]);
      expect(delayed[0]!.data).to.deep.equal({ instanceId: 'inst-x', timerId: second.id, dueAt: second.dueAt });
    });

    describe('service-task jobs on their own queue', function () {
      /** Waits until the instance's first try failed, its retry is delayed on kim-jobs, and the first try's job is gone. */
      async function firstTryFailed(instanceId: string): Promise<TimerRecord> {
        await w.until(async () => {
          const [job] = await w.jobsOf(instanceId);
          const busy = (await ns.jobs.getActiveCount()) + (await ns.jobs.getWaitingCount());
          return job?.retries === 2 && busy === 0 && (await ns.jobs.getDelayedCount()) === 1;
        }, 'the first try failed and its retry is delayed');
        return (await w.jobsOf(instanceId))[0]!;
      }

      it('a service-task job lands on kim-jobs (not on kim-timers) and runs there', async function () {
        const api = make({ store: w.store, clock: w.clock, fire: w.fire }, false);
        w.scheduler = api;
        await api.start();
        expect([api.queue.name, api.jobQueue.name]).to.deep.equal([TIMER_QUEUE, JOB_QUEUE]);
        const i = await w.startService();
        const [job] = await w.jobsOf(i.id);
        expect(job!.handler).to.equal('pruefen');
        const waiting = await ns.jobs.getWaiting();
        expect(waiting.map((j) => j.id)).to.deep.equal([timerJobId(job!)]);
        expect(waiting[0]!.data).to.deep.equal({ instanceId: i.id, timerId: job!.id, dueAt: job!.dueAt });
        expect(waiting[0]!.opts).to.include({ attempts: 5 });
        expect(await ns.total(ns.queue), 'a job on kim-timers').to.equal(0);

        const onJobs = await ns.completions(JOB_QUEUE);
        const onTimers = await ns.completions(TIMER_QUEUE);
        const worker = make({ store: w.store, clock: w.clock, fire: w.fire }, true);
        await worker.start(); // its catch-up waits for the due job
        await w.until(async () => onJobs.length > 0, 'the kim-jobs completion event');
        expect(w.handled).to.deep.equal([i.id]);
        expect(await w.taskKeys(i.id)).to.deep.equal(['danach']);
        expect(onJobs).to.deep.equal([timerJobId(job!)]);
        expect(onTimers).to.deep.equal([]);
        expect(await ns.total(ns.queue)).to.equal(0);
        expect(await ns.total(ns.jobs)).to.equal(0);
      });

      it("a failing handler's retry (new due time) is re-added on kim-jobs; after completion no job is left on either queue", async function () {
        await w.boot();
        w.failures = 1;
        const due = w.clock.now() + HOUR;
        const i = await w.startService();
        const retry = await firstTryFailed(i.id);
        expect(w.handled).to.deep.equal([i.id]);
        expect(retry.dueAt).to.equal(new Date(due).toISOString());
        const delayed = await ns.jobs.getDelayed();
        expect(delayed.map((j) => j.id)).to.deep.equal([timerJobId(retry)]);
        expect(delayed[0]!.data).to.deep.equal({ instanceId: i.id, timerId: retry.id, dueAt: retry.dueAt });
        expect(await ns.total(ns.jobs), 'the first try\'s job is kept').to.equal(1);
        expect(await ns.total(ns.queue), 'a job on kim-timers').to.equal(0);

        w.clock.advance(HOUR);
        expect(await w.runDue()).to.equal(1);
        expect(w.handled).to.deep.equal([i.id, i.id]);
        expect(await w.taskKeys(i.id)).to.deep.equal(['danach']);
        expect(await w.jobsOf(i.id)).to.deep.equal([]);
        expect(await ns.total(ns.queue)).to.equal(0);
        expect(await ns.total(ns.jobs)).to.equal(0);
      });

      it('a timer and a job due at the same time both run via runDue, each from its own queue', async function () {
        await w.boot();
        w.failures = 1;
        const job = await w.startService();
        const retry = await firstTryFailed(job.id);
        const timer = await w.startWait(Date.parse(retry.dueAt));
        const [t] = await w.timersOf(timer.id);
        expect(t!.dueAt).to.equal(retry.dueAt);
        expect((await ns.queue.getDelayed()).map((j) => j.id)).to.deep.equal([timerJobId(t!)]);
        expect((await ns.jobs.getDelayed()).map((j) => j.id)).to.deep.equal([timerJobId(retry)]);

        const onJobs = await ns.completions(JOB_QUEUE);
        const onTimers = await ns.completions(TIMER_QUEUE);
        const firedBefore = w.fired.length;
        w.clock.advance(HOUR);
        expect(await w.runDue()).to.equal(2);
        expect(w.fired.slice(firedBefore)).to.have.members([job.id, timer.id]);
        expect(w.handled).to.deep.equal([job.id, job.id]);
        expect(await w.taskKeys(job.id)).to.deep.equal(['danach']);
        expect(await w.taskKeys(timer.id)).to.deep.equal(['danach']);
        await w.until(async () => onJobs.length > 0 && onTimers.length > 0, 'the completion events of both queues');
        expect(onJobs).to.deep.equal([timerJobId(retry)]);
        expect(onTimers).to.deep.equal([timerJobId(t!)]);
        expect(await ns.total(ns.queue)).to.equal(0);
        expect(await ns.total(ns.jobs)).to.equal(0);
      });

      it('long-running handlers (several at once) do not hold up a timer', async function () {
        // Engine and scheduler on real time for this one test (the world's clock follows Date.now()).
        w.clock.now = () => Date.now();
        await w.boot();
        let release!: () => void;
        w.gate = new Promise<void>((r) => (release = r));
        try {
          const a = await w.startService();
          const b = await w.startService();
          await w.until(async () => w.handled.length === 2, 'both handlers run at once (jobConcurrency 4)');
          const timer = await w.startWait(Date.now() + 200);
          await w.until(async () => (await w.taskKeys(timer.id)).length > 0, 'the timer fired while the handlers ran');
          expect(await w.taskKeys(timer.id)).to.deep.equal(['danach']);
          expect(await w.taskKeys(a.id)).to.deep.equal([]);
          expect(await w.taskKeys(b.id)).to.deep.equal([]);
          release();
          w.gate = null;
          await w.until(async () => (await w.taskKeys(a.id)).length > 0 && (await w.taskKeys(b.id)).length > 0 && (await ns.leftovers()) === 0, 'the handlers finished');
          expect(w.handled).to.have.members([a.id, b.id]).and.have.length(2);
        } finally {
          release();
          w.gate = null;
        }
      });

      it('start() re-adds a lost retry on kim-jobs and clears a service-task job an older version left on kim-timers', async function () {
        await w.boot();
        w.failures = 1;
        const i = await w.startService();
        const retry = await firstTryFailed(i.id);
        await w.stop();
        await ns.lose();
        // As a version that kept service-task jobs on the timer queue would have left it.
        await ns.queue.add('timer', { instanceId: i.id, timerId: retry.id, dueAt: retry.dueAt }, { jobId: timerJobId(retry), delay: HOUR });

        await w.boot();
        expect((await ns.jobs.getDelayed()).map((j) => j.id)).to.deep.equal([timerJobId(retry)]);
        expect(await ns.total(ns.queue), 'a job on kim-timers').to.equal(0);
        w.clock.advance(HOUR);
        expect(await w.runDue()).to.equal(1);
        expect(w.handled).to.deep.equal([i.id, i.id]);
        expect(await w.taskKeys(i.id)).to.deep.equal(['danach']);
        expect(await ns.leftovers()).to.equal(0);
      });

      it('a job whose retries ran out (an incident) gets no job; new retries put it back on kim-jobs', async function () {
        await w.boot();
        w.failures = 3;
        const i = await w.startService();
        await firstTryFailed(i.id);
        for (let left = 1; left >= 0; left--) {
          w.clock.advance(HOUR);
          await w.runDue();
          expect((await w.jobsOf(i.id))[0]!.retries).to.equal(left);
        }
        const [incident] = await w.jobsOf(i.id);
        expect(incident!.failedAt).to.be.a('string');
        expect(w.handled).to.deep.equal([i.id, i.id, i.id]);
        expect(await ns.leftovers()).to.equal(0);
        // An incident synced under a new due time (as a retries change to 0 would) adds no job.
        await w.scheduler!.sync({ instanceId: i.id, added: [{ ...incident!, dueAt: new Date(w.clock.now() + 1000).toISOString() }], removed: [] });
        expect(await ns.total(ns.jobs)).to.equal(0);

        w.clock.advance(60_000);
        await w.engine.setJobRetries(incident!.id, 1); // due now: synced onto kim-jobs, delivered on its own
        await w.settle();
        await w.until(async () => (await w.taskKeys(i.id)).length > 0 && (await ns.leftovers()) === 0, 'the job ran again');
        expect(w.handled).to.deep.equal([i.id, i.id, i.id, i.id]);
        expect(await w.taskKeys(i.id)).to.deep.equal(['danach']);
        expect(await ns.leftovers()).to.equal(0);
        expect(await ns.total(ns.queue)).to.equal(0);
      });
    });

    it('start() warns when Redis may evict keys (checked against the real server: noeviction, so no warning)', async function () {
      await w.boot();
      expect(logs.filter((l) => /maxmemory-policy/.test(l))).to.deep.equal([]);
    });
  });
});
