/**
 * The BullMQ queue names of the distributed profile, in one place: the API processes add jobs,
 * the worker processes (`workers/`) consume them, and both must agree on the names.
 * BullMQ queue names may not contain ':'.
 */

/** Delayed jobs, one per pending timer and due time (`src/scheduler/bullmq.ts`); its worker runs 1 at a time by default. */
export const TIMER_QUEUE = 'kim-timers';

/**
 * Service-task jobs (external topics and registered handlers): one job per pending job record and
 * due time, a retry under its new due time (`src/scheduler/bullmq.ts`), with their own worker
 * (`jobConcurrency`), so a long-running handler never holds up a timer.
 */
export const JOB_QUEUE = 'kim-jobs';

/** Notification jobs (e-mail, in-app inbox). */
export const NOTIFICATION_QUEUE = 'kim-notifications';

export const QUEUES = { timers: TIMER_QUEUE, jobs: JOB_QUEUE, notifications: NOTIFICATION_QUEUE } as const;
