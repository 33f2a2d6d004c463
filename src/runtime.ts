/**
 * The parts every process of the service has, chosen by configuration:
 * - store: SQLite under DATA_DIR (embedded) or MongoDB (MONGODB_URL);
 * - scheduler: in-process (embedded) or BullMQ on Redis (REDIS_URL), with or without workers;
 * - the engine wired to both. API processes add HTTP on top (service.ts); worker processes
 *   (workers/main.ts) only deliver timers and jobs.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from './clock.ts';
import { ControlledClock, isRefreshable, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { Deployer } from './engine/deployer.ts';
import { HandlerRegistry } from './engine/handlers.ts';
import { registerKimHandlers } from './kim/handlers.ts';
import { ProcessEngine } from './engine/processEngine.ts';
import { InProcessScheduler } from './scheduler/inProcess.ts';
import { diffTimers, type Scheduler } from './scheduler/scheduler.ts';
import { SqliteStore } from './store/sqlite/sqliteStore.ts';
import type { Store } from './store/store.ts';
import { createMailer } from './notifications/mailer.ts';
import { Notifier } from './notifications/notifier.ts';
import type { EmailPayload } from './notifications/inboxStore.ts';
import { notifyAssignments, registerNotificationHandler } from './engine/notifications.ts';

export interface Runtime {
  config: Config;
  notifier: Notifier;
  clock: Clock;
  store: Store;
  engine: ProcessEngine;
  scheduler: Scheduler;
  deployer: Deployer;
  /** 'embedded' or 'distributed' (either URL set). */
  profile: 'embedded' | 'distributed';
  close(): Promise<void>;
}

export interface RuntimeOptions {
  config: Config;
  clock?: Clock;
  handlers?: HandlerRegistry;
  log?: (line: string) => void;
  /** Overrides config.runWorkers (worker processes always run them). */
  runWorkers?: boolean;
}

/** The store of the configured profile; the MongoDB driver is loaded only when used. */
export async function createStore(config: Config): Promise<Store> {
  if (config.mongodbUrl) {
    const { MongoStore } = await import('./store/mongo/mongoStore.ts');
    // The sweeper re-applies outboxes a crash left behind (every process runs one; they are idempotent).
    return new MongoStore({ url: config.mongodbUrl, sweepIntervalMs: 60_000 });
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  return new SqliteStore({ file: path.join(config.dataDir, 'kim-engine.sqlite') });
}

export async function createRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const { config } = opts;
  const log = opts.log ?? ((l: string) => console.log(l));
  const store = await createStore(config);
  await store.init();
  const clock = opts.clock ?? (config.clock === 'controlled' ? new ControlledClock(store) : systemClock);
  if (isRefreshable(clock)) await clock.refresh();

  // Notifications: inbox always; e-mail when SMTP_URL is set, through the BullMQ queue when Redis is.
  const mailer = config.smtpUrl ? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom }) : undefined;
  const closers: Array<() => Promise<unknown>> = [];
  let dispatchEmail: ((payload: EmailPayload) => Promise<void>) | undefined;
  if (config.redisUrl && mailer) {
    // BullMQ is loaded only in the distributed profile.
    const { Queue } = await import('bullmq');
    const { parseRedisUrl } = await import('./scheduler/bullmq.ts');
    const { createEmailWorker, enqueueEmail, NOTIFICATION_QUEUE } = await import('./notifications/emailQueue.ts');
    const connection = parseRedisUrl(config.redisUrl);
    const queue = new Queue(NOTIFICATION_QUEUE, { connection });
    closers.push(() => queue.close());
    dispatchEmail = async (p) => void (await enqueueEmail(queue, p));
    if (opts.runWorkers ?? config.runWorkers) {
      const worker = createEmailWorker(mailer, store.inbox, { connection: { ...connection, maxRetriesPerRequest: null }, clock, log });
      closers.push(() => worker.close());
    }
  }
  const notifier = new Notifier({ inbox: store.inbox, mailer, clock, linkBaseUrl: config.publicUrl, dispatchEmail });
  const handlers = opts.handlers ?? new HandlerRegistry();
  if (!handlers.has('benachrichtigen')) registerNotificationHandler(handlers, notifier, store, clock);
  registerKimHandlers(handlers, { store, notifier, clock, config });
  const onAssignments = notifyAssignments(notifier, store, log);

  let scheduler: Scheduler | undefined;
  const engine = new ProcessEngine({
    store,
    clock,
    handlers,
    // Rules that change with the law, readable from FEEL in every diagram (`config.benefitCutoverDate`).
    feelGlobals: { config: { benefitCutoverDate: config.benefitRules.cutoverDate, benefitLawInForce: config.benefitRules.lawInForce } },
    onCommit: (before, after) => {
      void scheduler?.sync(diffTimers(after.id, before?.timers ?? [], after.timers)).catch((err) => log(`scheduler: ${(err as Error).message}`));
      onAssignments(before, after);
    },
    onSchedules: (change) => {
      void scheduler?.sync(change).catch((err) => log(`scheduler: ${(err as Error).message}`));
    },
  });
  // A worker reads the shared controlled clock before each delivery, so all processes agree on the time.
  const fire = async (id: string, what?: 'timers' | 'jobs') => {
    if (isRefreshable(clock)) await clock.refresh();
    return engine.fireTimers(id, what);
  };
  let chosen: Scheduler;
  if (config.redisUrl) {
    const { BullmqScheduler } = await import('./scheduler/bullmq.ts');
    chosen = new BullmqScheduler({ redisUrl: config.redisUrl, store, clock, fire, runWorker: opts.runWorkers ?? config.runWorkers, log });
  } else {
    chosen = new InProcessScheduler(store, clock, fire, log);
  }
  scheduler = chosen;
  const deployer = new Deployer(store, clock, { maxFileBytes: config.maxFileBytes });

  let closing: Promise<void> | null = null;
  return {
    config,
    notifier,
    clock,
    store,
    engine,
    scheduler: chosen,
    deployer,
    profile: config.mongodbUrl || config.redisUrl ? 'distributed' : 'embedded',
    close() {
      closing ??= (async () => {
        await chosen.close();
        for (const close of closers) await close();
        mailer?.close?.();
        await store.close();
      })();
      return closing;
    },
  };
}
