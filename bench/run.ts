/**
 * `npm run bench [-- --quick | --instances N | --phases | --profile embedded]`
 *
 * (a) raw ceiling: bpmn-engine alone, in memory (see raw.ts), instances/s;
 * (b) service: the same process over HTTP on the embedded profile, 16 concurrent clients;
 * (c) ratio (b)/(a) against the goal ≥ 0.5; (d) p50/p99 of the complete request.
 * Interleaved (a) → (b) → (a); the baseline is the mean of both (a) runs, so machine noise
 * hits both sides. The service runs in a child process by default, so the load generator's
 * CPU is not charged to the service (2 cores: one serves, one drives).
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './args.ts';
import { makeClient, deployProcess, percentile, runLoad, serviceInstance, type Client } from './client.ts';
import { loadSourceContext, runRaw } from './raw.ts';
import { ADMIN } from './process.ts';
import type { PhaseTotals } from './phases.ts';
import { printPhases, printTable } from './report.ts';

const GOAL = 0.5;
const here = path.dirname(fileURLToPath(import.meta.url));
const args = parseArgs(process.argv.slice(2));
const log = (line: string) => console.error(`[bench] ${line}`);

interface ServiceHandle { url: string; phases(): Promise<PhaseTotals | undefined>; stop(): Promise<void> }

async function childService(phases: boolean): Promise<ServiceHandle> {
  const child: ChildProcess = fork(path.join(here, 'serviceMain.ts'), ['--bench-child', ...(phases ? ['--phases'] : [])], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (type: string) => new Promise<any>((resolve, reject) => {
    const onMessage = (m: { type: string }) => { if (m.type === type) { cleanup(); resolve(m); } };
    const onExit = (code: number | null) => { cleanup(); reject(new Error(`service child exited (${code}) while waiting for '${type}'`)); };
    const cleanup = () => { child.off('message', onMessage); child.off('exit', onExit); };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
  const { url } = await next('ready');
  return {
    url,
    async phases() {
      const reply = next('phases');
      child.send({ type: 'phases' });
      return (await reply).totals;
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

async function inProcessService(phases: boolean): Promise<ServiceHandle> {
  // Imported lazily: in the default (child) mode the bench process never loads the service.
  const { startBenchService } = await import('./serviceMain.ts');
  const svc = await startBenchService({ phases });
  return { url: svc.url, phases: async () => svc.phases(), stop: () => svc.stop() };
}

// bpmn-engine keeps speeding up for the first ~1000 iterations (JIT); a short warm-up would
// lower the first raw run and so flatter the ratio.
const rawWarmup = args.quick ? 50 : Math.max(50, Math.min(1000, Math.round(args.rawInstances / 2)));
const serviceWarmup = Math.max(args.clients, Math.min(200, Math.round(args.serviceInstances / 5)));
const phaseCount = Math.min(args.quick ? 30 : 200, args.serviceInstances);

const t0 = performance.now();
log(`node ${process.version}, ${os.cpus().length} cpus, profile ${args.profile}, service ${args.inProcess ? 'in-process' : 'child process'}`);
const sourceContext = await loadSourceContext();

log(`(a1) raw: ${rawWarmup} warm-up + ${args.rawInstances} instances`);
const raw1 = await runRaw(args.rawInstances, rawWarmup, sourceContext);

log(`(b) service: deploy, ${serviceWarmup} warm-up + ${args.serviceInstances} instances, ${args.clients} clients`);
const service = await (args.inProcess ? inProcessService : childService)(args.phases);
let client: Client | undefined;
let load;
let phases: { totals: PhaseTotals; instances: number; httpMs: number[] } | undefined;
try {
  await deployProcess(service.url, ADMIN);
  client = makeClient(service.url, ADMIN, args.clients);
  // The first Basic-auth check pays scrypt (~50 ms); the auth middleware caches it after that.
  const warmAuth = await client.request('GET', '/engine-rest/task/count');
  if (warmAuth.status !== 200) throw new Error(`auth warm-up failed: ${warmAuth.status}`);
  await runLoad(client, serviceWarmup, args.clients);
  if (args.phases) await service.phases(); // discard warm-up counts
  load = await runLoad(client, args.serviceInstances, args.clients);
  if (args.phases) {
    await service.phases(); // discard the concurrent run
    log(`(phases) sequential instrumented pass: ${phaseCount} instances`);
    const httpMs: number[] = [];
    for (let i = 0; i < phaseCount; i++) {
      const s = performance.now();
      await serviceInstance(client);
      httpMs.push(performance.now() - s);
    }
    phases = { totals: (await service.phases()) ?? {}, instances: phaseCount, httpMs };
  }
} finally {
  client?.close();
  await service.stop();
}

log(`(a2) raw: ${rawWarmup} warm-up + ${args.rawInstances} instances`);
const raw2 = await runRaw(args.rawInstances, rawWarmup, sourceContext);

const rawMean = (raw1.perSecond + raw2.perSecond) / 2;
const ratio = load.perSecond / rawMean;
const p50 = percentile(load.completeMs, 50);
const p99 = percentile(load.completeMs, 99);
const status = ratio >= GOAL ? 'PASS' : 'BELOW';
const totalSeconds = (performance.now() - t0) / 1000;

printTable({ raw1, raw2, rawMean, load, ratio, goal: GOAL, status: args.quick ? `${status} (--quick: smoke run, not a verdict)` : status, p50, p99, clients: args.clients });
if (phases) printPhases(phases);
console.log('BENCH ' + JSON.stringify({
  profile: args.profile,
  service: args.inProcess ? 'in-process' : 'child-process',
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
  rawInstances: args.rawInstances,
  serviceInstances: args.serviceInstances,
  seconds: round(totalSeconds),
  node: process.version,
  cpus: os.cpus().length,
}));

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
