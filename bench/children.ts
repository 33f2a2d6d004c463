/**
 * The service's processes as the bench runs them: an API process (bench/serviceMain.ts, forked,
 * `{ url }` over IPC) or in this process, and a worker process (the real `npm run worker` entry,
 * workers/main.ts, ready when it prints its "KIM worker running" line; stopped with SIGTERM).
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PhaseTotals } from './phases.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ServiceHandle { url: string; pid: number; phases(): Promise<PhaseTotals | undefined>; stop(): Promise<void> }

export async function childService(phases: boolean, env?: Record<string, string>): Promise<ServiceHandle> {
  const argv = ['--bench-child', ...(phases ? ['--phases'] : []), ...(env ? [`--env=${JSON.stringify(env)}`] : [])];
  const child: ChildProcess = fork(path.join(here, 'serviceMain.ts'), argv, {
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
    pid: child.pid!,
    async phases() {
      const reply = next('phases');
      child.send({ type: 'phases' });
      return (await reply).totals;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

export async function inProcessService(phases: boolean, env?: Record<string, string>): Promise<ServiceHandle> {
  // Imported lazily: in the default (child) mode the bench process never loads the service.
  const { startBenchService } = await import('./serviceMain.ts');
  const svc = await startBenchService({ phases, env });
  return { url: svc.url, pid: process.pid, phases: async () => svc.phases(), stop: () => svc.stop() };
}

export interface WorkerHandle { pid: number; stop(): Promise<void> }

/** `npm run worker` with `env` (MONGODB_URL, REDIS_URL, CLOCK …); its output goes to our stderr. */
export async function workerProcess(env: Record<string, string>, timeoutMs = 120_000): Promise<WorkerHandle> {
  const child = fork(path.join(here, '..', 'workers', 'main.ts'), [], {
    execArgv: [...process.execArgv, '--import', pathToFileURL(path.join(here, 'exitWithParent.ts')).href],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within ${timeoutMs} ms: ${out}`)), timeoutMs);
    const onExit = (code: number | null) => { clearTimeout(timer); reject(new Error(`worker exited (${code}) during start: ${out}`)); };
    child.once('exit', onExit);
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      if (/KIM worker running/.test(out)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve();
      }
    });
  });
  child.stdout!.on('data', (d: Buffer) => process.stderr.write(`[worker] ${d}`));
  return {
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const hard = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(hard);
    },
  };
}
