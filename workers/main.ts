/**
 * `npm run worker`: a worker process of the distributed profile. It runs the timer, service-task
 * and notification workers against the same MongoDB and Redis as the API processes, and serves
 * no HTTP. Any number may run; BullMQ spreads the jobs.
 */
import { configOrExit, run, stopOnSignals } from '../src/entry.ts';
import { createRuntime } from '../src/runtime.ts';
import { ControlledClock } from '../src/clock.ts';
import { createDeletion } from '../src/kim/deletion.ts';

run(async () => {
  const config = configOrExit();
  if (!config.redisUrl) {
    console.error('Configuration error: a worker process needs REDIS_URL (the embedded profile runs its workers inside `npm start`)');
    process.exit(2);
  }
  const rt = await createRuntime({ config, runWorkers: true });
  const where = `${config.mongodbUrl ? 'MongoDB' : 'SQLite'} store, timers from ${config.redisUrl.replace(/\/\/[^@]*@/, '//***@')}`;
  console.log(`KIM worker starting (${where}); catching up on what fell due while no worker ran …`);
  await rt.engine.drainFollowUps();
  await rt.scheduler.start();
  // The daily deletion sweep of case data (§6) runs in the workers, not in API processes.
  const { sweep } = createDeletion(rt, { runSweep: true, controlled: rt.clock instanceof ControlledClock });
  console.log(`KIM worker running (${where})`);
  stopOnSignals('finishing jobs in flight', async () => {
    await sweep.stop();
    await rt.close();
  });
});
