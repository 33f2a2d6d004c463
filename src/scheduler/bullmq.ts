/**
 * The distributed scheduler: one BullMQ delayed job per pending store record, on Redis. Timers go
 * to the queue `kim-timers`, service-task jobs (records with a `handler`) to `kim-jobs`, each with
 * its own worker (`bullmqQueues.ts`): a long-running handler never holds up a timer, and handler
 * workers scale on their own (`jobConcurrency`). Both use the same processor, job ids and policy.
 *
 * - Job id = record id + due time (`timerJobId`), so adding the same timer twice is a no-op, and a
 *   timer re-armed under the same id with a new due time gets a new job (a job's retry too). (With
 *   the bare record id, a timer re-armed from inside its own delivery would be lost: the old job is
 *   active, so `remove` cannot remove it, and the add of the new one is a no-op against the active job.)
 * - Removing a timer removes its job; an active job cannot be removed, which is fine: its
 *   delivery runs the instance and finds nothing due. A service-task job whose retries ran out
 *   (an incident) gets no job: it is never due until its retries are set again (a new due time).
 * - The store stays the truth. `start()` re-adds a job for every pending record (the sweeper that
 *   repairs a sync lost in a crash), and `runDue()` delivers what the clock says is due even when
 *   Redis's wall clock disagrees (the controlled clock of tests and demos runs ahead of it).
 * - The processor re-delays a job that arrives before it is due by the clock (clock skew
 *   between processes, a controlled clock behind Redis's time), so an early delivery is not lost.
 */
import { DelayedError, type Job, type Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { isRefreshable, type Clock } from '../clock.ts';
import type { Store, TimerRecord } from '../store/store.ts';
import { PAGE, SchedulerQueue, timerJobId, type Outcome, type RedisConnection, type TimerJob, type TimerJobResult } from './bullmqQueues.ts';
import { JOB_QUEUE, TIMER_QUEUE } from './queues.ts';
import type { FireTimers, Scheduler, TimerChange } from './scheduler.ts';

export { JOB_QUEUE, TIMER_QUEUE } from './queues.ts';
export { timerJobId, type RedisConnection, type TimerJob, type TimerJobResult } from './bullmqQueues.ts';

export interface BullmqSchedulerOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  redisUrl: string;
  store: Store;
  clock: Clock;
  fire: FireTimers;
  /** BullMQ key prefix (default `bull`); tests use a unique one each. */
  prefix?: string;
  /** Whether this process runs the timer and service-task workers (API processes of the distributed profile do not, unless told to). */
  runWorker: boolean;
  /** Timer jobs this process's timer worker runs at once (default 1: due timers are delivered in due order). */
  concurrency?: number;
  /** Service-task jobs this process's job worker runs at once (default 4: handlers may be slow, and need no order). */
  jobConcurrency?: number;
  /** How long `runDue` waits for the jobs it made due before giving up with a log line (default 120 s). */
  runDueTimeoutMs?: number;
  log?: (line: string) => void;
}

/** Job options of every timer and service-task job. */
const JOB_OPTIONS = {
  removeOnComplete: true,
  removeOnFail: 1000,
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
} as const;

/** Far enough in the future to list every pending timer. */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';

/** A service-task job whose retries ran out: an incident, never due. */
const isIncident = (t: TimerRecord) => !!t.handler && (t.retries ?? 1) <= 0;

/** `redis://user:pass@host:port/db` → connection options for BullMQ and ioredis. */
export function parseRedisUrl(url: string): RedisConnection {
  const u = new URL(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`REDIS_URL must start with redis:// or rediss://, got ${u.protocol}`);
  const opts: RedisConnection = { host: u.hostname || '127.0.0.1', port: u.port ? Number(u.port) : 6379 };
  const db = u.pathname.replace(/^\//, '');
  if (db) {
    if (!/^\d+$/.test(db)) throw new Error(`REDIS_URL database must be a number, got ${db}`);
    opts.db = Number(db);
  }
  if (u.username) opts.username = decodeURIComponent(u.username);
  if (u.password) opts.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') opts.tls = {};
  return opts;
}

/** Logs a line unless Redis evicts nothing (`maxmemory-policy noeviction`): evicted keys are lost jobs. */
export async function checkEvictionPolicy(connection: RedisConnection, log: (line: string) => void): Promise<string | undefined> {
  const redis = new Redis({ ...connection, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const reply = (await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    const policy = reply?.[1];
    if (policy !== 'noeviction') {
      log(`WARNING: Redis maxmemory-policy is ${policy ?? 'unknown'}; it must be noeviction, or Redis may evict timer jobs`);
    }
    return policy;
  } catch (err) {
    log(`WARNING: could not read Redis maxmemory-policy (${(err as Error).message}); it must be noeviction`);
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/**
 * The processor of timer and service-task jobs: runs the instance (`fire`), which completes
 * whatever is due; a duplicate delivery finds nothing due. With a clock, a job that arrives before
 * it is due by that clock is put back into the delayed set for the remaining time instead of running.
 */
export function timerProcessor(fire: FireTimers, opts: { clock?: Clock } = {}) {
  return async (job: Job<TimerJob, TimerJobResult>, token?: string): Promise<TimerJobResult> => {
    const { instanceId, dueAt } = job.data;
    if (opts.clock && token) {
      // A controlled clock lives in the store: read what the other processes set before judging.
      if (isRefreshable(opts.clock)) await opts.clock.refresh();
      const early = Date.parse(dueAt) - opts.clock.now();
      if (early > 0) {
        await job.moveToDelayed(Date.now() + early, token);
        throw new DelayedError();
      }
    }
    await fire(instanceId);
    return { instanceId };
  };
}

export class BullmqScheduler implements Scheduler {
  /** The timer queue `kim-timers` (exposed for tests and administration). */
  readonly queue: Queue<TimerJob, TimerJobResult>;
  /** The service-task job queue `kim-jobs` (exposed for tests and administration). */
  readonly jobQueue: Queue<TimerJob, TimerJobResult>;
  private readonly timers: SchedulerQueue;
  private readonly jobs: SchedulerQueue;
  private readonly connection: RedisConnection;
  private readonly log: (line: string) => void;
  /** Per instance, the last sync: syncs of one instance apply in commit order. */
  private readonly chains = new Map<string, Promise<void>>();
  private running: Promise<number> | null = null;
  private started = false;
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(private readonly opts: BullmqSchedulerOptions) {
    this.connection = parseRedisUrl(opts.redisUrl);
    this.log = opts.log ?? ((l) => console.error(l));
    const common = { connection: this.connection, prefix: opts.prefix, clock: opts.clock, jobOptions: JOB_OPTIONS, log: this.log, closed: () => this.closed };
    this.timers = new SchedulerQueue({ ...common, name: TIMER_QUEUE, label: 'timer' });
    this.jobs = new SchedulerQueue({ ...common, name: JOB_QUEUE, label: 'service-task' });
    this.queue = this.timers.queue;
    this.jobQueue = this.jobs.queue;
  }

  async start(): Promise<void> {
    if (this.closed) throw new Error('scheduler is closed');
    if (this.started) return;
    this.started = true;
    await checkEvictionPolicy(this.connection, this.log);
    await this.reconcile();
    if (this.opts.runWorker) {
      const processor = (what: 'timers' | 'jobs') =>
        timerProcessor(async (instanceId) => {
          const result = await this.opts.fire(instanceId, what);
          // The commit's sync runs after the commit and is not awaited by the engine: finish it before the job completes.
          await this.settled(instanceId);
          return result;
        }, { clock: this.opts.clock });
      this.timers.startWorker(processor('timers'), this.opts.concurrency ?? 1);
      this.jobs.startWorker(processor('jobs'), this.opts.jobConcurrency ?? 4);
      // Catch up on what fell due while stopped, in due order, and wait for it (as the embedded scheduler does).
      await this.runDue();
    } else {
      // Make the due ones run now, in due order; another process's workers deliver them.
      await this.enqueueDue(await this.pending(this.nowIso()));
    }
  }

  sync(change: TimerChange): Promise<void> {
    if (this.closed || (!change.added.length && !change.removed.length)) return Promise.resolve();
    const id = change.instanceId;
    const run = (this.chains.get(id) ?? Promise.resolve()).then(() => this.apply(change));
    const done = run.then(() => undefined, () => undefined);
    this.chains.set(id, done);
    void done.then(() => {
      if (this.chains.get(id) === done) this.chains.delete(id);
    });
    return run;
  }

  /** Removals first (a re-armed timer keeps its record id), then additions in due order, each on its record's queue. */
  private async apply(change: TimerChange): Promise<void> {
    await Promise.all(change.removed.map((t) => this.queueOf(t).remove(t)));
    const added = change.added.filter((t) => !isIncident(t));
    if (this.closed || !added.length) return;
    await Promise.all(this.split(added).map(([q, records]) => q.add(records)));
  }

  /** The queue a record's job lives on: service-task jobs (with a handler) on `kim-jobs`, timers on `kim-timers`. */
  private queueOf(t: TimerRecord): SchedulerQueue {
    return t.handler ? this.jobs : this.timers;
  }

  /** The records of each queue, in their order (queues without records left out). */
  private split(records: TimerRecord[]): Array<[SchedulerQueue, TimerRecord[]]> {
    const parts: Array<[SchedulerQueue, TimerRecord[]]> = [
      [this.timers, records.filter((t) => !t.handler)],
      [this.jobs, records.filter((t) => t.handler)],
    ];
    return parts.filter(([, part]) => part.length > 0);
  }

  /** Waits for the syncs in flight (of one instance, or all). */
  private async settled(instanceId?: string): Promise<void> {
    if (instanceId !== undefined) await this.chains.get(instanceId);
    else await Promise.all([...this.chains.values()]);
  }

  private nowIso(): string {
    return new Date(this.opts.clock.now()).toISOString();
  }

  /**
   * Every pending record due by `until`, earliest first. The port has no cursor, so pages grow
   * and what was already seen (by due time and id) is skipped.
   */
  private async pending(until: string, each?: (page: TimerRecord[]) => Promise<void>): Promise<TimerRecord[]> {
    const all: TimerRecord[] = [];
    let last: TimerRecord | null = null;
    for (let limit = PAGE; ; limit *= 2) {
      const rows = await this.opts.store.dueTimers(until, limit);
      const fresh: TimerRecord[] = last ? rows.filter((t) => after(t, last!)) : rows;
      if (fresh.length) {
        last = fresh[fresh.length - 1]!;
        if (each) await each(fresh);
        else all.push(...fresh);
      }
      if (rows.length < limit) return all;
    }
  }

  /**
   * The sweeper: a job for every pending record that is not due yet, on its queue (adding is
   * idempotent; a failed job with the same id is replaced). Due ones are made to run by
   * `enqueueDue`. A service-task job left on the timer queue by a version that kept them there
   * is removed from it (an active one is left: its delivery finds nothing more to do).
   */
  private async reconcile(): Promise<void> {
    const [failedTimers, failedJobs] = await Promise.all([this.timers.failedIds(), this.jobs.failedIds()]);
    const now = this.opts.clock.now();
    await this.pending(END_OF_TIME, async (page) => {
      const jobs = page.filter((t) => t.handler);
      await Promise.all(jobs.map((t) => this.timers.remove(t)));
      const future = page.filter((t) => Date.parse(t.dueAt) > now);
      await Promise.all(this.split(future).map(([q, records]) => q.repair(records, q === this.jobs ? failedJobs : failedTimers)));
    });
  }

  /** Makes the jobs of due records run now, in due order on each queue. */
  private async enqueueDue(due: TimerRecord[]): Promise<void> {
    await Promise.all(this.split(due).map(([q, records]) => q.enqueueDue(records)));
  }

  runDue(): Promise<number> {
    if (this.closed) return Promise.resolve(0);
    if (this.running) return this.running.then(() => this.runDue());
    this.running = this.deliverDue().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * Rounds of: make every due record's job run now (timers and service-task jobs alike, each on its
   * queue), wait until each was delivered (or failed an attempt), again until nothing is due or
   * nothing moved. Counts instances run, as the embedded scheduler does.
   */
  private async deliverDue(): Promise<number> {
    let fired = 0;
    let previous: Set<string> | null = null;
    await this.settled();
    while (!this.closed) {
      const due = await this.pending(this.nowIso());
      if (!due.length) break;
      const ids = due.map(timerJobId);
      // A record that could not advance its instance stays due: stop instead of spinning.
      if (previous && ids.every((id) => previous!.has(id))) break;
      previous = new Set(ids);
      const parts = this.split(due);
      // Listen for completions (of any worker, in any process) before anything is made to run.
      await Promise.all(parts.map(([q]) => q.ready()));
      await this.enqueueDue(due);
      // Wait long enough for big batches (a controlled-clock advance over thousands of timers).
      const timeoutMs = this.opts.runDueTimeoutMs ?? Math.max(120_000, due.length * 500);
      const outcomes: Outcome[][] = await Promise.all(parts.map(([q, records]) => q.waitFor(records.map(timerJobId), timeoutMs)));
      const instances = new Set<string>();
      parts.forEach(([, records], p) => {
        records.forEach((t, i) => {
          if (outcomes[p]![i] === 'delivered') instances.add(t.instanceId);
        });
      });
      fired += instances.size;
      await this.settled();
    }
    return fired;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      // The workers finish the jobs they are running; their syncs complete before the queues close.
      await Promise.all([this.timers.closeWorker(), this.jobs.closeWorker()]);
      this.timers.abandon();
      this.jobs.abandon();
      await this.running?.catch(() => undefined);
      await this.settled();
      await Promise.all([this.timers.close(), this.jobs.close()]);
    })();
    return this.closing;
  }
}

/** Whether `t` comes after `last` in the store's (dueAt, id) order. */
function after(t: TimerRecord, last: TimerRecord): boolean {
  return t.dueAt > last.dueAt || (t.dueAt === last.dueAt && t.id > last.id);
}
