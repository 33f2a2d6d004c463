/**
 * `npm run services`: starts FerretDB and Redis on free loopback ports, prints
 *
 *   MONGODB_URL=mongodb://127.0.0.1:P/
 *   REDIS_URL=redis://127.0.0.1:Q
 *
 * on stdout (everything else goes to stderr) and keeps them running until SIGINT/SIGTERM/SIGHUP,
 * which stops both and removes their data directories.
 */
import { startServices, type RunningServices } from './services.ts';

let exiting = false;
const starting = startServices({
  onUnexpectedExit: (name, code, signal) => void shutdown(1, `${name} died (code ${code}, signal ${signal})`),
});

async function shutdown(code: number, why: string): Promise<void> {
  if (exiting) return;
  exiting = true;
  process.stderr.write(`[services] ${why}: stopping FerretDB and Redis\n`);
  try {
    // A signal during startup waits for the start to finish (or fail), then stops what started.
    const services = await starting.catch(() => undefined);
    await services?.stop();
  } catch (err) {
    process.stderr.write(`[services] stop failed: ${(err as Error).stack ?? err}\n`);
    code = code || 1;
  }
  process.stderr.write('[services] stopped\n');
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void shutdown(0, signal));
}

let services: RunningServices;
try {
  services = await starting;
} catch (err) {
  process.stderr.write(`[services] could not start: ${(err as Error).message}\n`);
  process.exit(1);
}

if (!exiting) {
  process.stdout.write(`MONGODB_URL=${services.mongodbUrl}\nREDIS_URL=${services.redisUrl}\n`);
  process.stderr.write('[services] running; stop with Ctrl-C or SIGTERM\n');
  // Keep the event loop alive until a signal arrives.
  setInterval(() => {}, 1 << 30);
}
