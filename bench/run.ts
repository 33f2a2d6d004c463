/**
 * `npm run bench [-- --quick | --instances N | --phases | --profile embedded|distributed | --timers]`
 *
 * (a) raw ceiling: bpmn-engine alone, in memory (see raw.ts), instances/s;
 * (b) service: the same process over HTTP, 16 concurrent clients, on the embedded profile (one
 *     API process) or the distributed one (MongoDB + Redis/BullMQ: one API process and one worker
 *     process, the deployment shape of docker-compose; API processes run no workers there);
 * (c) ratio (b)/(a) against the goal ≥ 0.5; (d) p50/p99 of the complete request;
 * (e) distributed only: 2 API processes (+ the worker), clients round-robin across both, on a
 *     fresh database.
 * Interleaved (a) → (b) → (a); the baseline is the mean of both (a) runs, so machine noise
 * hits both sides. The service runs in child processes by default, so the load generator's CPU
 * is not charged to the service. `--timers` runs the timer section instead (timers.ts).
 */
import os from 'node:os';
import { parseArgs } from './args.ts';
import { makeClient, deployProcess, percentile, runLoad, serviceInstance, type Client, type LoadResult } from './client.ts';
import { childService, inProcessService, workerProcess, type ServiceHandle, type WorkerHandle } from './children.ts';
import { loadSourceContext, runRaw } from './raw.ts';
import { ADMIN } from './process.ts';
import type { PhaseTotals } from './phases.ts';
import { printPhases, printTable } from './report.ts';
import { openServices, type BenchServices } from './services.ts';
import { cpuMeter } from './cpu.ts';

const GOAL = 0.5;
const args = parseArgs(process.argv.slice(2));
const log = (line: string) => console.error(`[bench] ${line}`);

if (args.timers) {
  const { runTimerBench } = await import('./timers.ts');
  await runTimerBench(args, log);
  process.exit(0);
}

type Phases = { totals: PhaseTotals; instances: number; httpMs: number[] };

// bpmn-engine keeps speeding up for the first ~1000 iterations (JIT); a short warm-up would
// lower the first raw run and so flatter the ratio.
const rawWarmup = args.quick ? 50 : Math.max(50, Math.min(1000, Math.round(args.rawInstances / 2)));
const serviceWarmup = Math.max(args.clients, Math.min(200, Math.round(args.serviceInstances / 5)));
const phaseCount = Math.min(args.quick ? 30 : 200, args.serviceInstances);

/** Deploy, warm up, measure `count` instances across the given API processes (optionally the phase pass on the first). */
async function measure(services: ServiceHandle[], withPhases: boolean): Promise<{ load: LoadResult; phases?: Phases }> {
  const clients: Client[] = services.map((s) => makeClient(s.url, ADMIN, args.clients));
  try {
    await deployProcess(services[0]!.url, ADMIN);
    // The first Basic-auth check pays scrypt (~50 ms); the auth middleware caches it after that.
    for (const c of clients) {
      const warmAuth = await c.request('GET', '/engine-rest/task/count');
      if (warmAuth.status !== 200) throw new Error(`auth warm-up failed: ${warmAuth.status}`);
    }
    await runLoad(clients, serviceWarmup, args.clients);
    if (withPhases) await services[0]!.phases(); // discard warm-up counts
    const load = await runLoad(clients, args.serviceInstances, args.clients);
    if (!withPhases) return { load };
    await services[0]!.phases(); // discard the concurrent run
    log(`(phases) sequential instrumented pass: ${phaseCount} instances`);
    const httpMs: number[] = [];
    for (let i = 0; i < phaseCount; i++) {
      const s = performance.now();
      await serviceInstance(clients[0]!);
      httpMs.push(performance.now() - s);
    }
    return { load, phases: { totals: (await services[0]!.phases()) ?? {}, instances: phaseCount, httpMs } };
  } finally {
    for (const c of clients) c.close();
  }
}

/** One distributed setup on a fresh namespace: a worker process and `apis` API processes. */
async function distributed(svc: BenchServices, apis: number, withPhases: boolean) {
  const ns = await svc.namespace(`${apis}api`);
  const env = { MONGODB_URL: ns.mongodbUrl, REDIS_URL: ns.redisUrl };
  const started: Array<ServiceHandle | WorkerHandle> = [];
  try {
    const worker = await workerProcess(env);
    started.push(worker);
    const handles: ServiceHandle[] = [];
    // One after the other: the first seeds the identity (admin user, groups).
    for (let i = 0; i < apis; i++) handles.push(await childService(withPhases && i === 0, env));
    started.push(...handles);
    log(`  ${apis} API process(es) + 1 worker on ${ns.dbName}, Redis db ${ns.redisDb}`);
    const pids = { ...Object.fromEntries(handles.map((h, i) => [`api${i + 1}`, h.pid])), worker: worker.pid, bench: process.pid, ...svc.pids };
    const t = performance.now();
    const cpu = cpuMeter(pids);
    const result = await measure(handles, withPhases);
    // Warm-up and measured run together (and the phase pass, if any): where the CPU went.
    return { ...result, cpu: cpu.report((performance.now() - t) / 1000) };
  } finally {
    for (const s of started.reverse()) await s.stop();
  }
}

const t0 = performance.now();
log(`node ${process.version}, ${os.cpus().length} cpus, profile ${args.profile}, service ${args.inProcess ? 'in-process' : 'child process'}`);
const sourceContext = await loadSourceContext();

log(`(a1) raw: ${rawWarmup} warm-up + ${args.rawInstances} instances`);
const raw1 = await runRaw(args.rawInstances, rawWarmup, sourceContext);

log(`(b) service: deploy, ${serviceWarmup} warm-up + ${args.serviceInstances} instances, ${args.clients} clients`);
let load: LoadResult;
let load2: LoadResult | undefined;
let phases: Phases | undefined;
let origin: string | undefined;
const cpu: string[] = [];
if (args.profile === 'embedded') {
  const service = await (args.inProcess ? inProcessService : childService)(args.phases);
  try {
    ({ load, phases } = await measure([service], args.phases));
  } finally {
    await service.stop();
  }
} else {
  const svc = await openServices(log);
  origin = svc.origin;
  try {
    let used: string;
    ({ load, phases, cpu: used } = await distributed(svc, 1, args.phases));
    cpu.push(`CPU during (b): ${used}`);
    log(`(e) 2 API processes: ${serviceWarmup} warm-up + ${args.serviceInstances} instances, ${args.clients} clients round-robin`);
    ({ load: load2, cpu: used } = await distributed(svc, 2, false));
    cpu.push(`CPU during (e): ${used}`);
  } finally {
    await svc.close();
  }
}

log(`(a2) raw: ${rawWarmup} warm-up + ${args.rawInstances} instances`);
const raw2 = await runRaw(args.rawInstances, rawWarmup, sourceContext);

const rawMean = (raw1.perSecond + raw2.perSecond) / 2;
const ratio = load.perSecond / rawMean;
const p50 = percentile(load.completeMs, 50);
const p99 = percentile(load.completeMs, 99);
const status = ratio >= GOAL ? 'PASS' : 'BELOW';
const totalSeconds = (performance.now() - t0) / 1000;
const store = origin === 'ferretdb' ? 'FerretDB 1.24 (SQLite backend) as a test stand-in, NOT MongoDB' : origin === 'env' ? 'MONGODB_URL from the environment' : undefined;

printTable({
  raw1, raw2, rawMean, load, ratio, goal: GOAL, status: args.quick ? `${status} (--quick: smoke run, not a verdict)` : status, p50, p99,
  clients: args.clients, profile: args.profile, setup: load2 ? '1 API + 1 worker process' : undefined,
  load2, p50b: load2 && percentile(load2.completeMs, 50), p99b: load2 && percentile(load2.completeMs, 99), setup2: '2 API + 1 worker',
});
if (store) console.log(`Store: ${store}; Redis/BullMQ for the scheduler. FerretDB scans a collection for any filter but {_id}: its figures say little about MongoDB.`);
for (const line of cpu) console.log(line + ' (100 % = one core; warm-up included)');
if (cpu.length) console.log('');
if (phases) printPhases(phases);
console.log('BENCH ' + JSON.stringify({
  section: 'throughput',
  profile: args.profile,
  service: args.inProcess ? 'in-process' : 'child-process',
  ...(store ? { store, setup: '1 API + 1 worker process', cpu } : {}),
  rawPerSec: [round(raw1.perSecond), round(raw2.perSecond)],
  rawMeanPerSec: round(rawMean),
  servicePerSec: round(load.perSecond),
  ratio: Number(ratio.toFixed(2)),
  goal: GOAL,
  status,
  quick: args.quick,
  clients: args.clients,
  completeP50Ms: round(p50),
  completeP99Ms: round(p99),
  ...(load2 ? {
    twoApiPerSec: round(load2.perSecond),
    twoApiScaling: Number((load2.perSecond / load.perSecond).toFixed(2)),
    twoApiRatio: Number((load2.perSecond / rawMean).toFixed(2)),
    twoApiCompleteP50Ms: round(percentile(load2.completeMs, 50)),
    twoApiCompleteP99Ms: round(percentile(load2.completeMs, 99)),
  } : {}),
  rawInstances: args.rawInstances,
  serviceInstances: args.serviceInstances,
  seconds: round(totalSeconds),
  node: process.version,
  cpus: os.cpus().length,
}));

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
