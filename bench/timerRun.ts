/**
 * One profile of the timer section. The bench process is the API side: `createRuntime` with
 * CLOCK=controlled (SQLite + in-process scheduler, or MongoDB + BullMQ without workers), the
 * instances are started through the engine API in-process (not HTTP), and time is moved with
 * `ClockControl.advanceTo` (what `POST /api/clock/advance` runs). Distributed: the timers are
 * fired by one worker process (`npm run worker`, workers/main.ts, CLOCK=controlled).
 *
 * All `count` timers are due at the same instant, 1 h ahead on the controlled clock (not 1 min:
 * BullMQ delays by Redis's real time, and creating the instances on FerretDB takes longer than a
 * minute; due jobs would be delivered early and re-delayed by the worker while creation runs).
 * Measured: creation; the advance, and until `countInstances({ finished: true })` reaches `count`.
 * Then `direct` more instances (created up front, due 1 h later) are fired by calling
 * `engine.fireTimers` in a loop: the engine's own rate without the scheduler.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.ts';
import { createRuntime } from '../src/runtime.ts';
import { ControlledClock } from '../src/clock.ts';
import { ClockControl } from '../src/engine/clockControl.ts';
import type { BullmqScheduler } from '../src/scheduler/bullmq.ts';
import type { DefinitionRecord } from '../src/store/store.ts';
import { workerProcess, type WorkerHandle } from './children.ts';
import { TIMER_PROCESS_XML } from './process.ts';
import type { Namespace } from './services.ts';
import { cpuMeter } from './cpu.ts';

const HOUR = 3600_000;
const CREATE_CONCURRENCY = 16;

export interface TimerRunResult {
  profile: 'embedded' | 'distributed';
  timers: number;
  createPerSec: number;
  /** From the start of the advance until all `timers` instances had ended. */
  seconds: number;
  perSecond: number;
  /** How long `advanceTo` took, and what it reported as fired. */
  advanceSeconds: number;
  advanceFired: number;
  direct: number;
  directPerSec: number;
  /** CPU per process during the advance (distributed). */
  cpu?: string;
}

async function pool(count: number, size: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(size, count) }, async () => {
    while (next < count) await fn(next++);
  }));
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number, everyMs = 250): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function runTimerProfile(opts: {
  ns?: Namespace; count: number; direct: number; log: (l: string) => void; pids?: Record<string, number | undefined>;
}): Promise<TimerRunResult> {
  const { ns, count, direct, log } = opts;
  const profile = ns ? 'distributed' : 'embedded';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kim-bench-timers-'));
  const env: Record<string, string> = { DATA_DIR: dataDir, CLOCK: 'controlled', DEMO_USERS: 'false', PROCESSES_DIR: path.join(dataDir, 'none') };
  if (ns) Object.assign(env, { MONGODB_URL: ns.mongodbUrl, REDIS_URL: ns.redisUrl });
  const rt = await createRuntime({ config: loadConfig(env, process.cwd()), log: (l) => log(`  service: ${l}`) });
  let worker: WorkerHandle | undefined;
  try {
    const clock = rt.clock as ControlledClock;
    const t0 = Math.floor(Date.now() / 60_000) * 60_000;
    await clock.set(t0);
    await rt.scheduler.start();
    // The worker reads the stored clock, so it starts after the clock is set.
    if (ns) worker = await workerProcess({ MONGODB_URL: ns.mongodbUrl, REDIS_URL: ns.redisUrl, CLOCK: 'controlled' });
    const deployed = await rt.deployer.deploy({ name: 'bench-timers', files: [{ name: 'timers.bpmn', content: Buffer.from(TIMER_PROCESS_XML) }] });
    const definition: DefinitionRecord = deployed.definitions[0]!;
    const due = t0 + HOUR;
    const dueLater = t0 + 2 * HOUR;
    const start = (at: number) => rt.engine.start(definition, { variables: { due: { type: 'String', value: new Date(at).toISOString() } } });

    log(`  ${profile}: creating ${count} + ${direct} instances (engine API in-process, ${CREATE_CONCURRENCY} concurrent)`);
    const c0 = performance.now();
    await pool(count, CREATE_CONCURRENCY, () => start(due));
    const createSeconds = (performance.now() - c0) / 1000;
    const directIds: string[] = [];
    await pool(direct, CREATE_CONCURRENCY, async () => directIds.push((await start(dueLater)).id));
    if (ns) {
      const queue = (rt.scheduler as BullmqScheduler).queue;
      await until(async () => (await queue.getDelayedCount()) >= count + direct, 'the timer jobs in Redis', 120_000);
    }
    const next = await rt.store.nextTimerDue();
    if (next !== new Date(due).toISOString()) throw new Error(`expected the next timer due at ${new Date(due).toISOString()}, store says ${next}`);

    log(`  ${profile}: advancing the clock past the due minute (${count} timers due at once)`);
    const control = new ClockControl(clock, rt.store, rt.scheduler);
    const meter = worker ? cpuMeter({ bench: process.pid, worker: worker.pid, ...opts.pids }) : undefined;
    const a0 = performance.now();
    const advanceFired = await control.advanceTo(due + 60_000);
    const advanceSeconds = (performance.now() - a0) / 1000;
    let ended = await rt.store.countInstances({ finished: true });
    if (ended < count) log(`  ${profile}: advance returned after ${advanceSeconds.toFixed(1)} s with ${ended}/${count} ended (fired ${advanceFired}); waiting for the rest`);
    await until(async () => (ended = await rt.store.countInstances({ finished: true })) >= count, `${count} ended instances (have ${ended})`, 1800_000, 500);
    const seconds = (performance.now() - a0) / 1000;
    const cpu = meter?.report(seconds);
    if (ended !== count) throw new Error(`${ended} instances ended, expected ${count}`);

    let directPerSec = NaN;
    if (direct) {
      // The clock is moved without ClockControl (nothing is delivered); BullMQ holds these jobs for another hour of real time.
      await clock.set(dueLater + 1000);
      const d0 = performance.now();
      for (const id of directIds) await rt.engine.fireTimers(id);
      directPerSec = direct / ((performance.now() - d0) / 1000);
      const all = await rt.store.countInstances({ finished: true });
      if (all !== count + direct) throw new Error(`engine.fireTimers: ${all - count}/${direct} instances ended`);
    }
    return {
      profile, timers: count, createPerSec: count / createSeconds, seconds, perSecond: count / seconds,
      advanceSeconds, advanceFired, direct, directPerSec, cpu,
    };
  } finally {
    await worker?.stop();
    await rt.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
