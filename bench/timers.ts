/**
 * `npm run bench -- --timers [--quick] [--profile P]`: N timers due at the same instant, on the
 * embedded and/or the distributed profile (timerRun.ts), against BullMQ's raw delayed-job rate on
 * the same Redis (bullmqRaw.ts), measured before and after the profiles (baseline = the mean).
 * Redis (and, for the distributed profile, MongoDB) come from the environment or are started here.
 */
import os from 'node:os';
import type { BenchArgs, Profile } from './args.ts';
import { rawDelayedJobs, SERVICE_TIMER_CONCURRENCY, type RawJobsResult } from './bullmqRaw.ts';
import { printRows } from './report.ts';
import { openServices } from './services.ts';
import { runTimerProfile, type TimerRunResult } from './timerRun.ts';

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const round = (n: number) => (Number.isFinite(n) ? Math.round(n * 10) / 10 : null);

export function timerCounts(args: BenchArgs, profile: Profile): { count: number; direct: number } {
  const count = args.timerCount ?? (profile === 'embedded' ? (args.quick ? 1000 : 10_000) : args.quick ? 300 : 1000);
  const direct = Math.min(count, profile === 'embedded' ? (args.quick ? 200 : 1000) : args.quick ? 50 : 200);
  return { count, direct };
}

export async function runTimerBench(args: BenchArgs, log: (l: string) => void): Promise<void> {
  const t0 = performance.now();
  const profiles: Profile[] = args.profileGiven ? [args.profile] : ['embedded', 'distributed'];
  const rawJobs = args.rawJobs ?? (args.quick ? 2000 : 10_000);
  log(`node ${process.version}, ${os.cpus().length} cpus; timer section: ${profiles.join(' + ')}, raw BullMQ ${rawJobs} jobs, worker concurrency ${SERVICE_TIMER_CONCURRENCY}`);
  const services = await openServices(log);
  const results: TimerRunResult[] = [];
  let raw1: RawJobsResult;
  let raw2: RawJobsResult;
  try {
    const rawNs = await services.namespace('raw');
    log(`(r1) raw BullMQ: ${rawJobs} delayed jobs due at once, one Worker (concurrency ${SERVICE_TIMER_CONCURRENCY}), trivial processor`);
    raw1 = await rawDelayedJobs(rawNs.redisUrl, rawJobs, log);
    for (const profile of profiles) {
      const { count, direct } = timerCounts(args, profile);
      log(`(t) ${profile}: ${count} timers due at once, + ${direct} fired by engine.fireTimers directly`);
      const ns = profile === 'distributed' ? await services.namespace('timers') : undefined;
      results.push(await runTimerProfile({ ns, count, direct, log, pids: services.pids }));
    }
    log(`(r2) raw BullMQ again`);
    raw2 = await rawDelayedJobs(rawNs.redisUrl, rawJobs, log);
  } finally {
    await services.close();
  }
  const rawMean = (raw1.perSecond + raw2.perSecond) / 2;
  const ferret = services.origin === 'ferretdb';
  const rows: Array<[string, string, string]> = [
    ['(r) raw BullMQ, run 1', `${f1(raw1.perSecond)} jobs/s`, `n=${raw1.jobs}, ${raw1.seconds.toFixed(2)} s from due to last completed (adding took ${raw1.addSeconds.toFixed(1)} s)`],
    ['(r) raw BullMQ, run 2', `${f1(raw2.perSecond)} jobs/s`, `n=${raw2.jobs}, ${raw2.seconds.toFixed(2)} s`],
    ['(r) baseline (mean)', `${f1(rawMean)} jobs/s`, `drift ${f1((100 * Math.abs(raw1.perSecond - raw2.perSecond)) / rawMean)} %`],
  ];
  for (const r of results) {
    const where = r.profile === 'embedded' ? 'SQLite, in-process scheduler' : `${ferret ? 'FerretDB (stand-in, NOT MongoDB)' : 'MongoDB'} + BullMQ, 1 worker process`;
    rows.push(
      [`(t) ${r.profile}: timers fired`, `${f1(r.perSecond)} timers/s`, `n=${r.timers} due at once, ${r.seconds.toFixed(1)} s until all ended; ${where}`],
      [`(t) ${r.profile}: ratio to raw BullMQ`, (r.perSecond / rawMean).toFixed(3), `advance returned after ${r.advanceSeconds.toFixed(1)} s, reported ${r.advanceFired} fired`],
      [`(t) ${r.profile}: engine.fireTimers`, `${f1(r.directPerSec)} inst/s`, `n=${r.direct}, called in a loop (no scheduler); scheduler path at ${f1((100 * r.perSecond) / r.directPerSec)} % of it`],
      [`(t) ${r.profile}: creation`, `${f1(r.createPerSec)} inst/s`, 'engine.start in-process, 16 concurrent (to the timer wait state)'],
    );
    if (r.cpu) rows.push([`(t) ${r.profile}: CPU while firing`, '', `${r.cpu} (100 % = one core)`]);
  }
  printRows(rows);
  if (ferret && results.some((r) => r.profile === 'distributed')) {
    console.log('Distributed store: FerretDB 1.24 (SQLite backend) as a test stand-in, NOT MongoDB: it scans a collection for any filter but {_id}.\n');
  }
  for (const r of results) {
    console.log('BENCH ' + JSON.stringify({
      section: 'timers',
      profile: r.profile,
      ...(r.profile === 'distributed' ? { store: ferret ? 'FerretDB 1.24 (SQLite) test stand-in, not MongoDB' : 'MONGODB_URL', setup: 'in-process runtime (API side) + 1 worker process' } : { setup: 'in-process runtime' }),
      create: 'engine API in-process',
      timers: r.timers,
      seconds: round(r.seconds),
      timersPerSec: round(r.perSecond),
      rawBullmqPerSec: [round(raw1.perSecond), round(raw2.perSecond)],
      rawBullmqMeanPerSec: round(rawMean),
      rawBullmqJobs: rawJobs,
      ratio: Number((r.perSecond / rawMean).toFixed(3)),
      advanceSeconds: round(r.advanceSeconds),
      advanceFired: r.advanceFired,
      fireTimersPerSec: round(r.directPerSec),
      fireTimersN: r.direct,
      createPerSec: round(r.createPerSec),
      ...(r.cpu ? { cpu: r.cpu } : {}),
      workerConcurrency: SERVICE_TIMER_CONCURRENCY,
      quick: args.quick,
      totalSeconds: round((performance.now() - t0) / 1000),
      node: process.version,
      cpus: os.cpus().length,
    }));
  }
}
