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
import { ProcessEngine } from './engine/processEngine.ts';
import { InProcessScheduler } from './scheduler/inProcess.ts';
import { diffTimers, type Scheduler } from './scheduler/scheduler.ts';
import { SqliteStore } from './store/sqlite/sqliteStore.ts';
import type { Store } from './store/store.ts';

export interface Runtime {
  config: Config;
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
    return new MongoStore({ url: config.mongodbUrl });
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

  let scheduler: Scheduler | undefined;
  const engine = new ProcessEngine({
    store,
    clock,
    handlers: opts.handlers,
    onCommit: (before, after) => {
      void scheduler?.sync(diffTimers(after.id, before?.timers ?? [], after.timers)).catch((err) => log(`scheduler: ${(err as Error).message}`));
    },
    onSchedules: (change) => {
      void scheduler?.sync(change).catch((err) => log(`scheduler: ${(err as Error).message}`));
    },
  });
  // A worker reads the shared controlled clock before each delivery, so all processes agree on the time.
  const fire = async (id: string) => {
    if (isRefreshable(clock)) await clock.refresh();
    return engine.fireTimers(id);
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
    clock,
    store,
    engine,
    scheduler: chosen,
    deployer,
    profile: config.mongodbUrl || config.redisUrl ? 'distributed' : 'embedded',
    close() {
      closing ??= (async () => {
        await chosen.close();
        await store.close();
      })();
      return closing;
    },
  };
}
