/**
 * Starts the service's real entry points as child processes (API: src/main.ts, worker:
 * workers/main.ts) with a given environment, and waits for their "listening"/"running" line.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  proc: ChildProcess;
  /** API processes: their base URL. */
  url?: string;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function startChild(entry: 'api' | 'worker', env: Record<string, string>, timeoutMs = 60_000): Promise<Child> {
  const script = entry === 'api' ? 'src/main.ts' : 'workers/main.ts';
  const proc = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const child: Child = {
    proc,
    output: () => out,
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill(signal);
      });
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${entry} did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const check = () => {
      const listening = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (entry === 'api' && listening) {
        child.url = listening[1];
        done();
      } else if (entry === 'worker' && /KIM worker starting/.test(out)) done();
    };
    const done = () => {
      clearTimeout(timer);
      proc.stdout!.off('data', check);
      resolve(child);
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code}:\n${out}`));
    });
  });
}
