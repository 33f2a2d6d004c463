/**
 * `npm run worker`: a worker process of the distributed profile. It runs the timer worker
 * (and, as they arrive, the service-task and notification workers) against the same MongoDB and
 * Redis as the API processes, and serves no HTTP. Any number may run; BullMQ spreads the jobs.
 */
import { ConfigError, loadConfig } from '../src/config.ts';
import { createRuntime } from '../src/runtime.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  if (!config.redisUrl) {
    console.error('Configuration error: a worker process needs REDIS_URL (the embedded profile runs its workers inside `npm start`)');
    process.exit(2);
  }
  const rt = await createRuntime({ config, runWorkers: true });
  const where = `${config.mongodbUrl ? 'MongoDB' : 'SQLite'} store, timers from ${config.redisUrl.replace(/\/\/[^@]*@/, '//***@')}`;
  console.log(`KIM worker starting (${where}); catching up on what fell due while no worker ran …`);
  await rt.engine.drainFollowUps();
  await rt.scheduler.start();
  console.log(`KIM worker running (${where})`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing jobs in flight …`);
    rt.close().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
