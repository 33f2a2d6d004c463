/**
 * Starts the real service (embedded profile: SQLite, WAL, synchronous=FULL) on a random port
 * with a temporary data directory. Used in-process (`startBenchService`) or as a child process
 * (this file as entry point: reports `{ url }` over IPC, answers 'phases' and 'stop').
 * `env` adds service settings (distributed profile: MONGODB_URL, REDIS_URL, RUN_WORKERS);
 * the child takes them as `--env=<json>`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { startService } from '../src/service.ts';
import { instrument, type PhaseTotals } from './phases.ts';
import { ADMIN } from './process.ts';


export interface BenchService {
  url: string;
  phases(): PhaseTotals | undefined;
  stop(): Promise<void>;
}

export async function startBenchService(opts: { phases?: boolean; env?: Record<string, string> } = {}): Promise<BenchService> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kim-bench-'));
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    ADMIN_USER: ADMIN.user,
    ADMIN_PASSWORD: ADMIN.password,
    DEMO_USERS: 'false',
    PROCESSES_DIR: path.join(dataDir, 'no-processes'),
    ...opts.env,
  }, process.cwd());
  const service = await startService({ config, log: () => {} });
  const totals = opts.phases ? instrument(service) : undefined;
  return {
    url: service.url,
    phases: () => totals?.snapshot(),
    async stop() {
      await service.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

if (process.send && process.argv.includes('--bench-child')) {
  const envArg = process.argv.find((a) => a.startsWith('--env='));
  const env = envArg ? (JSON.parse(envArg.slice('--env='.length)) as Record<string, string>) : undefined;
  const svc = await startBenchService({ phases: process.argv.includes('--phases'), env });
  process.on('message', async (msg: { type: string }) => {
    if (msg.type === 'phases') process.send!({ type: 'phases', totals: svc.phases() });
    if (msg.type === 'stop') {
      await svc.stop();
      process.send!({ type: 'stopped' }, () => process.exit(0));
    }
  });
  process.on('disconnect', () => void svc.stop().finally(() => process.exit(0)));
  process.send({ type: 'ready', url: svc.url });
}
