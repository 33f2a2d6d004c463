/**
 * The distributed scheduler: one BullMQ delayed job per pending timer, on Redis.
 *
 * - Job id = timer id + due time (`timerJobId`), so adding the same timer twice is a no-op, and a
 *   timer re-armed under the same id with a new due time gets a new job. (With the bare timer id,
 *   a timer re-armed from inside its own delivery would be lost: the old job is active, so
 *   `remove` cannot remove it, and the add of the new one is a no-op against the active job.)
 * - Removing a timer removes its job; an active job cannot be removed, which is fine: its
 *   delivery runs the instance and finds nothing due.
 * - The store stays the truth. `start()` re-adds a job for every pending timer (the sweeper that
 *   repairs a sync lost in a crash), and `runDue()` delivers what the clock says is due even when
 *   Redis's wall clock disagrees (the controlled clock of tests and demos runs ahead of it).
 * - The processor re-delays a job that arrives before its timer is due by the clock (clock skew
 *   between processes, a controlled clock behind Redis's time), so an early delivery is not lost.
 */
import { DelayedError, Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { isRefreshable, type Clock } from '../clock.ts';
import type { Store, TimerRecord } from '../store/store.ts';
import { TIMER_QUEUE } from './queues.ts';
import type { FireTimers, Scheduler, TimerChange } from './scheduler.ts';

export { TIMER_QUEUE } from './queues.ts';

/** The payload of a timer job. */
export interface TimerJob {
  instanceId: string;
  timerId: string;
  /** ISO time the timer is due. */
  dueAt: string;
}

/** What a processed timer job returns (BullMQ keeps it as the job's return value). */
export interface TimerJobResult {
  instanceId: string;
}

export interface BullmqSchedulerOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  redisUrl: string;
  store: Store;
  clock: Clock;
  fire: FireTimers;
  /** BullMQ key prefix (default `bull`); tests use a unique one each. */
  prefix?: string;
  /** Whether this process runs a timer worker (API processes of the distributed profile do not, unless told to). */
  runWorker: boolean;
  /** Jobs this process's worker runs at once (default 1: due timers are delivered in due order). */
  concurrency?: number;
  /** How long `runDue` waits for the jobs it made due before giving up with a log line (default 120 s). */
  runDueTimeoutMs?: number;
  log?: (line: string) => void;
}

/** Job options of every timer job. */
const JOB_OPTIONS = {
  removeOnComplete: true,
  removeOnFail: 1000,
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
} as const;

/** Far enough in the future to list every pending timer. */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';
const PAGE = 500;
/** A backstop for a lost event: how often `runDue` looks at the jobs it still waits for. */
const POLL_MS = 1000;

/** States in which a job has not been delivered yet (or is being delivered). */
const UNDELIVERED = new Set(['waiting', 'active', 'prioritized', 'waiting-children', 'paused']);

/**
 * The deterministic BullMQ job id of a timer: `<timer id>@<due time in ms>`, with `%` and `:`
 * percent-encoded (BullMQ job ids may not contain `:`; the encoding keeps distinct ids distinct).
 */
export function timerJobId(timer: Pick<TimerRecord, 'id' | 'dueAt'>): string {
  const enc = (s: string) => s.replace(/%/g, '%25').replace(/:/g, '%3A');
  const ms = Date.parse(timer.dueAt);
  return `${enc(timer.id)}@${Number.isNaN(ms) ? enc(timer.dueAt) : ms}`;
}

/** The connection options BullMQ and ioredis both take. */
export interface RedisConnection {
  host: string;
  port: number;
  db?: number;
  username?: string;
  password?: string;
  tls?: Record<string, unknown>;
}

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
 * The timer job processor: runs the instance (`fire`), which completes whatever is due; a
 * duplicate delivery finds nothing due. With a clock, a job that arrives before its timer is due
 * by that clock is put back into the delayed set for the remaining time instead of running.
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

type Outcome = 'delivered' | 'failed' | 'retrying' | 'closed';

export class BullmqScheduler implements Scheduler {
  /** The timer queue (exposed for tests and administration). */
  readonly queue: Queue<TimerJob, TimerJobResult>;
  private readonly connection: RedisConnection;
  private readonly log: (line: string) => void;
  private worker: Worker<TimerJob, TimerJobResult> | null = null;
  private events: Promise<QueueEvents> | null = null;
  /** Per instance, the last sync: syncs of one instance apply in commit order. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Jobs `runDue` waits for: job id → resolvers. */
  private readonly watched = new Map<string, Array<(o: Outcome) => void>>();
  private poll: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private running: Promise<number> | null = null;
  private started = false;
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(private readonly opts: BullmqSchedulerOptions) {
    this.connection = parseRedisUrl(opts.redisUrl);
    this.log = opts.log ?? ((l) => console.error(l));
    this.queue = new Queue<TimerJob, TimerJobResult>(TIMER_QUEUE, { connection: { ...this.connection }, prefix: opts.prefix });
    this.queue.on('error', (err) => this.log(`scheduler: timer queue: ${err.message}`));
  }

  async start(): Promise<void> {
    if (this.closed) throw new Error('scheduler is closed');
    if (this.started) return;
    this.started = true;
    await checkEvictionPolicy(this.connection, this.log);
    await this.reconcile();
    if (this.opts.runWorker) {
      const processor = timerProcessor(async (instanceId) => {
        const result = await this.opts.fire(instanceId);
        // The commit's sync runs after the commit and is not awaited by the engine: finish it before the job completes.
        await this.settled(instanceId);
        return result;
      }, { clock: this.opts.clock });
      this.worker = new Worker<TimerJob, TimerJobResult>(TIMER_QUEUE, processor, {
        connection: { ...this.connection, maxRetriesPerRequest: null },
        prefix: this.opts.prefix,
        concurrency: this.opts.concurrency ?? 1,
      });
      this.worker.on('error', (err) => this.log(`scheduler: timer worker: ${err.message}`));
      this.worker.on('failed', (job, err) => {
        if (job) this.log(`timer job ${job.id} (instance ${job.data.instanceId}) failed, attempt ${job.attemptsMade}: ${err.message}`);
      });
      // Catch up on what fell due while stopped, in due order, and wait for it (as the embedded scheduler does).
      await this.runDue();
    } else {
      // Make the due ones run now, in due order; another process's worker delivers them.
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

  /** Removals first (a re-armed timer keeps its timer id), then additions in due order. */
  private async apply(change: TimerChange): Promise<void> {
    await Promise.all(change.removed.map((t) => this.queue.remove(timerJobId(t))));
    if (this.closed || !change.added.length) return;
    await this.queue.addBulk(sortByDue(change.added).map((t) => this.jobOf(t)));
  }

  private jobOf(t: TimerRecord, delay = Math.max(0, Date.parse(t.dueAt) - this.opts.clock.now())) {
    return {
      name: 'timer',
      data: { instanceId: t.instanceId, timerId: t.id, dueAt: t.dueAt },
      opts: { ...JOB_OPTIONS, jobId: timerJobId(t), delay: Number.isFinite(delay) ? delay : 0 },
    };
  }

  private async addNow(timer: TimerRecord): Promise<void> {
    const job = this.jobOf(timer, 0);
    await this.queue.add(job.name, job.data, job.opts);
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
   * Every pending timer due by `until`, earliest first. The port has no cursor, so pages grow
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
   * The sweeper: a job for every pending timer that is not due yet (adding is idempotent; a
   * failed job with the same id is replaced). Due timers are made to run by `enqueueDue`.
   */
  private async reconcile(): Promise<void> {
    const failed = new Set((await this.queue.getFailed(0, -1)).map((j) => j.id));
    const now = this.opts.clock.now();
    await this.pending(END_OF_TIME, async (page) => {
      const future = page.filter((t) => Date.parse(t.dueAt) > now);
      if (!future.length) return;
      const stale = future.filter((t) => failed.has(timerJobId(t)));
      await Promise.all(stale.map((t) => this.queue.remove(timerJobId(t))));
      await this.queue.addBulk(future.map((t) => this.jobOf(t)));
    });
  }

  /**
   * Makes the jobs of due timers run now, in due order (delay-0 jobs run in insertion order):
   * a delayed job is promoted, a waiting one is queued again behind the earlier ones, a missing,
   * failed or finished one is added afresh. States and jobs are read a page at a time; the moves
   * are made one by one, in due order. Returns the job ids.
   */
  private async enqueueDue(due: TimerRecord[]): Promise<string[]> {
    const ids = due.map(timerJobId);
    for (let i = 0; i < due.length && !this.closed; i += PAGE) {
      const page = due.slice(i, i + PAGE);
      const states = await Promise.all(page.map((t) => this.queue.getJobState(timerJobId(t))));
      const jobs = await Promise.all(page.map((t, k) => (states[k] === 'delayed' ? this.queue.getJob(timerJobId(t)) : undefined)));
      // Promotions are sent without waiting for each reply: one connection keeps them in order.
      // Anything else first lets the promotions sent so far land, so the order holds throughout.
      let promotions: Array<Promise<TimerRecord | null>> = [];
      const flush = async () => {
        const raced = (await Promise.all(promotions)).filter((t): t is TimerRecord => t !== null);
        promotions = [];
        for (const timer of raced) await this.makeRunnable(timer); // raced (BullMQ promoted it, a worker took it …): look again
      };
      for (let k = 0; k < page.length && !this.closed; k++) {
        const timer = page[k]!;
        const state = states[k]!;
        const job = jobs[k];
        if (state === 'delayed' && job) {
          promotions.push(job.promote().then(() => null, () => timer));
          continue;
        }
        await flush();
        if (state === 'waiting') {
          // Re-queue behind the earlier ones (if a worker took it meanwhile, it runs now anyway).
          if ((await this.queue.remove(timerJobId(timer))) === 1) await this.addNow(timer);
        } else if (!UNDELIVERED.has(state)) {
          await this.makeRunnable(timer);
        }
      }
      await flush();
    }
    return ids;
  }

  /** One timer's job, made to run now whatever state it is in (the slow path of `enqueueDue`). */
  private async makeRunnable(timer: TimerRecord): Promise<void> {
    const id = timerJobId(timer);
    for (let attempt = 0; attempt < 5; attempt++) {
      const state = await this.queue.getJobState(id);
      if (UNDELIVERED.has(state)) return;
      if (state === 'delayed') {
        await (await this.queue.getJob(id))?.promote().catch(() => undefined);
      } else {
        if (state !== 'unknown') await this.queue.remove(id); // completed or failed: a fresh job with fresh attempts
        await this.addNow(timer);
      }
    }
    this.log(`scheduler: could not make timer job ${id} run now`);
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
   * Rounds of: make every due timer's job run now, wait until each was delivered (or failed an
   * attempt), again until nothing is due or nothing moved. Counts instances run, as the embedded
   * scheduler does.
   */
  private async deliverDue(): Promise<number> {
    let fired = 0;
    let previous: Set<string> | null = null;
    await this.settled();
    while (!this.closed) {
      const due = await this.pending(this.nowIso());
      if (!due.length) break;
      const ids = due.map(timerJobId);
      // A timer that could not advance its instance stays due: stop instead of spinning.
      if (previous && ids.every((id) => previous!.has(id))) break;
      previous = new Set(ids);
      await this.queueEvents();
      await this.enqueueDue(due);
      const outcomes = await this.waitFor(ids);
      const instances = new Set<string>();
      due.forEach((t, i) => {
        if (outcomes[i] === 'delivered') instances.add(t.instanceId);
      });
      fired += instances.size;
      await this.settled();
    }
    return fired;
  }

  /** QueueEvents (any worker's completions, in any process), created on first use. */
  private queueEvents(): Promise<QueueEvents> {
    this.events ??= (async () => {
      const events = new QueueEvents(TIMER_QUEUE, { connection: { ...this.connection, maxRetriesPerRequest: null }, prefix: this.opts.prefix });
      events.on('error', (err) => this.log(`scheduler: timer events: ${err.message}`));
      // Completion and final failure settle a job; back in the delayed set or removed is looked at (a retry, a cancellation).
      events.on('completed', ({ jobId }) => this.resolve(jobId, 'delivered'));
      events.on('failed', ({ jobId }) => this.resolve(jobId, 'failed'));
      const recheck = ({ jobId }: { jobId: string }) => {
        if (this.watched.has(jobId)) void this.check([jobId]);
      };
      events.on('delayed', recheck);
      events.on('removed', recheck);
      await events.waitUntilReady();
      return events;
    })();
    return this.events;
  }

  /** Resolves per job when it is no longer waiting or active: delivered, failed, or back in the delayed set for a retry. */
  private async waitFor(ids: string[]): Promise<Outcome[]> {
    if (this.closed) return ids.map(() => 'closed');
    const results = ids.map(
      (id) =>
        new Promise<Outcome>((resolve) => {
          const list = this.watched.get(id) ?? [];
          list.push(resolve);
          this.watched.set(id, list);
        }),
    );
    this.poll ??= setInterval(() => {
      if (this.polling) return;
      this.polling = this.check([...this.watched.keys()]).finally(() => {
        this.polling = null;
      });
    }, POLL_MS);
    const timeoutMs = this.opts.runDueTimeoutMs ?? 120_000;
    const timeout = setTimeout(() => {
      const left = ids.filter((id) => this.watched.has(id));
      if (!left.length) return;
      this.log(`scheduler: ${left.length} due timer job(s) not processed within ${timeoutMs} ms (is a timer worker running?): ${left.slice(0, 5).join(', ')}`);
      for (const id of left) this.resolve(id, 'retrying');
    }, timeoutMs);
    try {
      await this.check(ids);
      return await Promise.all(results);
    } finally {
      clearTimeout(timeout);
    }
  }

  private async check(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += PAGE) {
      const chunk = ids.slice(i, i + PAGE).filter((id) => this.watched.has(id));
      const states = await Promise.all(chunk.map((id) => this.queue.getJobState(id).catch(() => 'waiting' as const)));
      chunk.forEach((id, k) => {
        const state = states[k]!;
        if (UNDELIVERED.has(state)) return;
        this.resolve(id, state === 'failed' ? 'failed' : state === 'delayed' ? 'retrying' : 'delivered');
      });
    }
  }

  private resolve(id: string, outcome: Outcome): void {
    const list = this.watched.get(id);
    if (!list) return;
    this.watched.delete(id);
    for (const r of list) r(outcome);
    if (!this.watched.size && this.poll) {
      clearInterval(this.poll);
      this.poll = null;
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      // The worker finishes the jobs it is running; their syncs complete before the queue closes.
      await this.worker?.close().catch((err) => this.log(`scheduler: closing worker: ${(err as Error).message}`));
      for (const id of [...this.watched.keys()]) this.resolve(id, 'closed');
      await this.running?.catch(() => undefined);
      await this.settled();
      const events = this.events;
      if (events) await (await events.catch(() => null))?.close().catch(() => undefined);
      await this.queue.close().catch((err) => this.log(`scheduler: closing queue: ${(err as Error).message}`));
    })();
    return this.closing;
  }
}

function sortByDue(timers: TimerRecord[]): TimerRecord[] {
  return [...timers].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Whether `t` comes after `last` in the store's (dueAt, id) order. */
function after(t: TimerRecord, last: TimerRecord): boolean {
  return t.dueAt > last.dueAt || (t.dueAt === last.dueAt && t.id > last.id);
}
