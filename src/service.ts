/**
 * The composition root: store, engine, scheduler, HTTP server. `startService` is what
 * `npm start` and the tests run; `stop()` lets in-flight requests finish, then closes the store.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { buildApp } from './api/app.ts';
import type { Config } from './config.ts';
import { HandlerRegistry } from './engine/handlers.ts';
import { seedIdentity } from './identity/seed.ts';
import type { Store } from './store/store.ts';
import type { Clock } from './clock.ts';
import type { Deployer } from './engine/deployer.ts';
import type { ProcessEngine } from './engine/processEngine.ts';
import type { Scheduler } from './scheduler/scheduler.ts';
import { createRuntime } from './runtime.ts';
import { ControlledClock } from './clock.ts';
import { createDeletion, SweepingClockControl } from './kim/deletion.ts';

export interface ServiceOptions {
  config: Config;
  clock?: Clock;
  handlers?: HandlerRegistry;
  /** Where lines for people go (first-start credentials, where it listens). */
  log?: (line: string) => void;
}

export interface RunningService {
  url: string;
  port: number;
  store: Store;
  engine: ProcessEngine;
  scheduler: Scheduler;
  profile: 'embedded' | 'distributed';
  /** Credentials created at this start (printed once). */
  createdUsers: Array<{ id: string; password: string; groups: string[] }>;
  stop(): Promise<void>;
}

/** Deploys every BPMN file in the processes directory (with its forms), skipping unchanged ones. */
async function deployProcesses(deployer: Deployer, dir: string, log: (l: string) => void): Promise<string[]> {
  if (!fs.existsSync(dir)) return [];
  const files: Array<{ name: string; content: Buffer }> = [];
  const walk = (d: string, prefix: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory()) walk(path.join(d, entry.name), prefix + entry.name + '/');
      else if (/\.(bpmn|form)$/.test(entry.name)) files.push({ name: entry.name, content: fs.readFileSync(path.join(d, entry.name)) });
    }
  };
  walk(dir, '');
  if (!files.some((f) => f.name.endsWith('.bpmn'))) return [];
  const result = await deployer.deploy({ name: 'processes', source: 'kim-engine startup', enableDuplicateFiltering: true, deployChangedOnly: true, files });
  if (result.created) log(`Deployed ${result.definitions.map((d) => `${d.key} v${d.version}`).join(', ')}`);
  return result.definitions.map((d) => d.key);
}

export async function startService(opts: ServiceOptions): Promise<RunningService> {
  const { config } = opts;
  const log = opts.log ?? ((l: string) => console.log(l));
  const rt = await createRuntime({ config, clock: opts.clock, handlers: opts.handlers, log });
  const { store, engine, scheduler, deployer, clock } = rt;

  const { created } = await seedIdentity(store, { adminUser: config.adminUser, adminPassword: config.adminPassword, demo: config.demoUsers });
  // Schedules of timer start events: new versions get theirs; unchanged ones keep what is due.
  await deployProcesses(deployer, config.processesDir, log);
  for (const d of await store.findDefinitions({ latestVersion: true })) await engine.syncSchedules(d.key);
  await engine.drainFollowUps();
  await scheduler.start();

  // The daily deletion sweep (§6, src/kim/deletion.ts) runs where the workers run; with the controlled clock, advancing it runs the sweep.
  const { sweep } = createDeletion(rt, { runSweep: rt.profile === 'embedded' || config.runWorkers, controlled: clock instanceof ControlledClock, log });
  const clockControl = clock instanceof ControlledClock
    ? new SweepingClockControl(clock, store, scheduler, async () => {
      for (const d of await store.findDefinitions({ latestVersion: true })) await engine.syncSchedules(d.key, true);
    }, sweep, log)
    : undefined;
  const app = buildApp({ store, engine, deployer, clock, clockControl, publicUrl: config.publicUrl, limits: { maxBodyBytes: config.maxBodyBytes, maxFileBytes: config.maxFileBytes } });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;

  let stopping: Promise<void> | null = null;
  return {
    url,
    port,
    store,
    engine,
    scheduler,
    profile: rt.profile,
    createdUsers: created,
    stop() {
      stopping ??= (async () => {
        // Stop accepting connections; requests in flight finish, idle keep-alive sockets close.
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await sweep.stop();
        await rt.close();
      })();
      return stopping;
    },
  };
}
