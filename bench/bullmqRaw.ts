/**
 * The baseline of the timer section: BullMQ's raw delayed-job rate on the same Redis. `count`
 * delayed jobs, all due at the same instant, the same job options as the service's timer jobs,
 * one Worker with the service's timer-worker concurrency and a trivial processor; the time from
 * the due instant until the last job completed → jobs/s.
 */
import { Queue, Worker } from 'bullmq';
import { parseRedisUrl } from '../src/scheduler/bullmq.ts';

/** The service's timer worker: `BullmqScheduler` runs `concurrency ?? 1`, and createRuntime passes none. */
export const SERVICE_TIMER_CONCURRENCY = 1;
const QUEUE = 'kim-bench-raw-delayed';
/** As JOB_OPTIONS in src/scheduler/bullmq.ts. */
const JOB_OPTIONS = { removeOnComplete: true, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 1000 } } as const;
const CHUNK = 1000;

export interface RawJobsResult { jobs: number; seconds: number; perSecond: number; addSeconds: number; lateAdds: number }

export async function rawDelayedJobs(redisUrl: string, count: number, log: (l: string) => void): Promise<RawJobsResult> {
  const connection = parseRedisUrl(redisUrl);
  const prefix = `kim-bench-${process.pid}-${Date.now().toString(36)}`;
  const queue = new Queue(QUEUE, { connection, prefix });
  let done = 0;
  let lastAt = 0;
  let finished!: () => void;
  const allDone = new Promise<void>((r) => (finished = r));
  const worker = new Worker(QUEUE, async () => undefined, { connection: { ...connection, maxRetriesPerRequest: null }, prefix, concurrency: SERVICE_TIMER_CONCURRENCY });
  worker.on('completed', () => {
    if (++done === count) {
      lastAt = Date.now();
      finished();
    }
  });
  worker.on('failed', (_job, err) => log(`raw BullMQ job failed: ${err.message}`));
  try {
    await worker.waitUntilReady();
    // Adding 10,000 jobs takes ~1-2 s here: due after all are added (checked below), at one instant.
    const dueAt = Date.now() + Math.max(1500, Math.round(count * 0.5));
    const t0 = Date.now();
    let lateAdds = 0;
    for (let i = 0; i < count; i += CHUNK) {
      const n = Math.min(CHUNK, count - i);
      const delay = dueAt - Date.now();
      if (delay <= 0) lateAdds += n;
      await queue.addBulk(Array.from({ length: n }, (_, k) => ({
        name: 'timer',
        data: { instanceId: `raw-${i + k}`, timerId: 't', dueAt: new Date(dueAt).toISOString() },
        opts: { ...JOB_OPTIONS, jobId: `raw-${i + k}@${dueAt}`, delay: Math.max(0, delay) },
      })));
    }
    const addSeconds = (Date.now() - t0) / 1000;
    if (Date.now() > dueAt) log(`WARNING: adding the raw jobs took longer than their delay (${addSeconds.toFixed(1)} s); the rate is understated`);
    await allDone;
    const seconds = (lastAt - dueAt) / 1000;
    return { jobs: count, seconds, perSecond: count / seconds, addSeconds, lateAdds };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}
