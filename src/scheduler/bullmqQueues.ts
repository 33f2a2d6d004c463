/**
 * One BullMQ queue of the distributed scheduler (`bullmq.ts`): `kim-timers` holds the timers,
 * `kim-jobs` the service-task jobs, each with its own worker, so a long-running handler never
 * holds up a timer and handler workers scale on their own. A `SchedulerQueue` owns its Queue,
 * its Worker (if this process runs one), its QueueEvents (created when `runDue` first waits on
 * it) and the jobs `runDue` waits for; the scheduler routes every store record to one of them.
 */
import { Queue, QueueEvents, Worker, type Job, type JobsOptions } from 'bullmq';
import type { Clock } from '../clock.ts';
import type { TimerRecord } from '../store/store.ts';

/** The payload of a timer or service-task job. */
export interface TimerJob {
  instanceId: string;
  timerId: string;
  /** ISO time the timer (or job) is due. */
  dueAt: string;
}

/** What a processed job returns (BullMQ keeps it as the job's return value). */
export interface TimerJobResult {
  instanceId: string;
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

/** How a job `runDue` waited for ended. */
export type Outcome = 'delivered' | 'failed' | 'retrying' | 'closed';

export type JobProcessor = (job: Job<TimerJob, TimerJobResult>, token?: string) => Promise<TimerJobResult>;

/** Store rows and Redis states are read this many at a time. */
export const PAGE = 500;
/** A backstop for a lost event: how often `runDue` looks at the jobs it still waits for. */
const POLL_MS = 1000;

/** States in which a job has not been delivered yet (or is being delivered). */
const UNDELIVERED = new Set(['waiting', 'active', 'prioritized', 'waiting-children', 'paused']);

/**
 * The deterministic BullMQ job id of a timer or service-task job: `<record id>@<due time in ms>`,
 * with `%` and `:` percent-encoded (BullMQ job ids may not contain `:`; the encoding keeps
 * distinct ids distinct).
 */
export function timerJobId(timer: Pick<TimerRecord, 'id' | 'dueAt'>): string {
  const enc = (s: string) => s.replace(/%/g, '%25').replace(/:/g, '%3A');
  const ms = Date.parse(timer.dueAt);
  return `${enc(timer.id)}@${Number.isNaN(ms) ? enc(timer.dueAt) : ms}`;
}

export function sortByDue(timers: TimerRecord[]): TimerRecord[] {
  return [...timers].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export interface SchedulerQueueOptions {
  /** The BullMQ queue name (`queues.ts`). */
  name: string;
  /** What its jobs are, for log lines: `timer`, `service-task`. */
  label: string;
  connection: RedisConnection;
  prefix?: string;
  clock: Clock;
  /** Options of every job added (attempts, backoff, retention); the job id and delay are set per job. */
  jobOptions: JobsOptions;
  log: (line: string) => void;
  /** Whether the scheduler is closing: long loops stop early. */
  closed: () => boolean;
}

export class SchedulerQueue {
  readonly queue: Queue<TimerJob, TimerJobResult>;
  private worker: Worker<TimerJob, TimerJobResult> | null = null;
  private events: Promise<QueueEvents> | null = null;
  /** Jobs `runDue` waits for: job id → resolvers. */
  private readonly watched = new Map<string, Array<(o: Outcome) => void>>();
  private poll: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;

  constructor(private readonly opts: SchedulerQueueOptions) {
    this.queue = new Queue<TimerJob, TimerJobResult>(opts.name, { connection: { ...opts.connection }, prefix: opts.prefix });
    this.queue.on('error', (err) => opts.log(`scheduler: ${opts.label} queue: ${err.message}`));
  }

  /** Starts this process's worker on the queue. */
  startWorker(processor: JobProcessor, concurrency: number): void {
    const { label, log } = this.opts;
    this.worker = new Worker<TimerJob, TimerJobResult>(this.opts.name, processor, {
      connection: { ...this.opts.connection, maxRetriesPerRequest: null },
      prefix: this.opts.prefix,
      concurrency,
    });
    this.worker.on('error', (err) => log(`scheduler: ${label} worker: ${err.message}`));
    this.worker.on('failed', (job, err) => {
      if (job) log(`${label} job ${job.id} (instance ${job.data.instanceId}) failed, attempt ${job.attemptsMade}: ${err.message}`);
    });
  }

  /** Removes a record's job; an unknown one is a no-op, an active one is left (its delivery finds nothing due). */
  remove(t: Pick<TimerRecord, 'id' | 'dueAt'>): Promise<number> {
    return this.queue.remove(timerJobId(t));
  }

  /** Adds a delayed job per record, in due order (adding twice is a no-op). */
  async add(records: TimerRecord[]): Promise<void> {
    if (records.length) await this.queue.addBulk(sortByDue(records).map((t) => this.jobOf(t)));
  }

  /** The ids of the failed jobs the queue keeps (the sweeper replaces them). */
  async failedIds(): Promise<Set<string>> {
    return new Set((await this.queue.getFailed(0, -1)).map((j) => j.id!));
  }

  /** The sweeper's part for records not due yet: a failed job with the same id is replaced, the rest are added. */
  async repair(records: TimerRecord[], failed: Set<string>): Promise<void> {
    if (!records.length) return;
    const stale = records.filter((t) => failed.has(timerJobId(t)));
    await Promise.all(stale.map((t) => this.remove(t)));
    await this.add(records);
  }

  private jobOf(t: TimerRecord, delay = Math.max(0, Date.parse(t.dueAt) - this.opts.clock.now())) {
    return {
      name: 'timer',
      data: { instanceId: t.instanceId, timerId: t.id, dueAt: t.dueAt },
      opts: { ...this.opts.jobOptions, jobId: timerJobId(t), delay: Number.isFinite(delay) ? delay : 0 },
    };
  }

  private async addNow(timer: TimerRecord): Promise<void> {
    const job = this.jobOf(timer, 0);
    await this.queue.add(job.name, job.data, job.opts);
  }

  /**
   * Makes the jobs of due records (given in due order) run now, in due order (delay-0 jobs run in
   * insertion order): a delayed job is promoted, a waiting one is queued again behind the earlier
   * ones, a missing, failed or finished one is added afresh. States and jobs are read a page at a
   * time; the moves are made one by one, in due order.
   */
  async enqueueDue(due: TimerRecord[]): Promise<void> {
    const closed = this.opts.closed;
    for (let i = 0; i < due.length && !closed(); i += PAGE) {
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
      for (let k = 0; k < page.length && !closed(); k++) {
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
          if ((await this.remove(timer)) === 1) await this.addNow(timer);
        } else if (!UNDELIVERED.has(state)) {
          await this.makeRunnable(timer);
        }
      }
      await flush();
    }
  }

  /** One record's job, made to run now whatever state it is in (the slow path of `enqueueDue`). */
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
    this.opts.log(`scheduler: could not make ${this.opts.label} job ${id} run now`);
  }

  /** QueueEvents (any worker's completions, in any process), created on first use; resolves when listening. */
  async ready(): Promise<void> {
    this.events ??= (async () => {
      const events = new QueueEvents(this.opts.name, { connection: { ...this.opts.connection, maxRetriesPerRequest: null }, prefix: this.opts.prefix });
      events.on('error', (err) => this.opts.log(`scheduler: ${this.opts.label} events: ${err.message}`));
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
    await this.events;
  }

  /** Resolves per job when it is no longer waiting or active: delivered, failed, or back in the delayed set for a retry. */
  async waitFor(ids: string[], timeoutMs: number): Promise<Outcome[]> {
    if (this.opts.closed()) return ids.map(() => 'closed');
    if (!ids.length) return [];
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
    const timeout = setTimeout(() => {
      const left = ids.filter((id) => this.watched.has(id));
      if (!left.length) return;
      const { label } = this.opts;
      this.opts.log(`scheduler: ${left.length} due ${label} job(s) not processed within ${timeoutMs} ms (is a ${label} worker running?): ${left.slice(0, 5).join(', ')}`);
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

  /** Stops the worker; it finishes the jobs it is running. */
  async closeWorker(): Promise<void> {
    await this.worker?.close().catch((err) => this.opts.log(`scheduler: closing ${this.opts.label} worker: ${(err as Error).message}`));
  }

  /** Stops waiting: whatever `runDue` still waits for ends as `closed`. */
  abandon(): void {
    for (const id of [...this.watched.keys()]) this.resolve(id, 'closed');
  }

  /** Closes the events and the queue (after `closeWorker` and `abandon`). */
  async close(): Promise<void> {
    const events = this.events;
    if (events) await (await events.catch(() => null))?.close().catch(() => undefined);
    await this.queue.close().catch((err) => this.opts.log(`scheduler: closing ${this.opts.label} queue: ${(err as Error).message}`));
  }
}
