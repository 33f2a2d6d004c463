/**
 * The e-mail step on BullMQ (distributed profile). The Notifier writes the inbox entries and hands
 * each e-mail to `enqueueEmail` (its `dispatchEmail` option); a worker runs `emailProcessor`.
 *
 * - Job id = `email-` + `deadLetterId('email', eventId, userId)`: the same e-mail enqueued twice
 *   is one job (while BullMQ keeps the job: completed ones for a day by default).
 * - Completed jobs keep only ids (KIM-PROCESSES.md §6, case deletion): the day a completed job is
 *   kept is what makes a redelivered event a duplicate (see notifier.ts), so it is not removed at
 *   once; but right after the send the processor replaces the job's data with `redactEmailJob` —
 *   event id, event type, user id and case id, no address, subject or mail text — so a case purged
 *   meanwhile does not linger in Redis with the mail (a level-3 escalation's carries name, date of
 *   birth and file number). `keepCompletedSeconds: 0` removes completed jobs at once instead (and
 *   gives up the deduplication after completion). Jobs still waiting or retrying keep their text
 *   until they are sent or dead-lettered.
 * - Retries are BullMQ's: `attempts` (default 5) with exponential `backoff`.
 * - On the last attempt (`job.attemptsMade + 1 >= job.opts.attempts`, checked inside the
 *   processor before it rethrows, so the write cannot be lost between the failure and a `failed`
 *   listener) and on a permanent error (SMTP 5xx → UnrecoverableError, no further tries), the
 *   processor writes the dead letter. Failed jobs are then removed from Redis: the dead letter
 *   keeps the payload, and personal data is not kept twice (KIM-PROCESSES.md §6).
 */
import { UnrecoverableError, Worker, type ConnectionOptions, type Job, type JobsOptions, type Queue } from 'bullmq';
import { isoNow, systemClock, type Clock } from '../clock.ts';
import { NOTIFICATION_QUEUE } from '../scheduler/queues.ts';
import { deadLetterId, notificationId, type EmailPayload, type InboxStore } from './inboxStore.ts';
import { isPermanentMailError, mailErrorText, type Mailer, type SendResult } from './mailer.ts';

export { NOTIFICATION_QUEUE } from '../scheduler/queues.ts';

/** The job name of an e-mail job on the notification queue. */
export const EMAIL_JOB = 'email';

/** The payload of an e-mail job (the same shape a dead letter keeps). */
export type EmailJobPayload = EmailPayload;

export interface EmailJobSettings {
  /** Tries in all (default 5). */
  attempts?: number;
  /** First retry delay in ms, doubled each time (default 1000). */
  backoffMs?: number;
  /**
   * Seconds a completed (already redacted, see above) job is kept, which is also how long a
   * duplicate is recognised (default 86 400); 0 removes a completed job at once.
   */
  keepCompletedSeconds?: number;
}

/** Deterministic job id of an e-mail (no ':' — BullMQ forbids it in custom ids). */
export function emailJobId(payload: Pick<EmailJobPayload, 'eventId' | 'userId'>): string {
  return `email-${deadLetterId('email', payload.eventId, payload.userId)}`;
}

export function emailJobOptions(payload: EmailJobPayload, settings: EmailJobSettings = {}): JobsOptions {
  const keep = Math.max(0, Math.floor(settings.keepCompletedSeconds ?? 86_400));
  return {
    jobId: emailJobId(payload),
    attempts: Math.max(1, Math.floor(settings.attempts ?? 5)),
    backoff: { type: 'exponential', delay: settings.backoffMs ?? 1000 },
    // Kept for the deduplication window only, and by then with ids alone (`redactEmailJob`): no mail text.
    removeOnComplete: keep === 0 ? true : { age: keep },
    // The dead letter keeps the payload; personal data is not kept twice.
    removeOnFail: true,
  };
}

/**
 * What a completed e-mail job keeps: the ids (event, user, case), no address, subject or text.
 * The processor writes it over the job's data right after the send (see the top of this file).
 */
export function redactEmailJob(p: EmailJobPayload): EmailJobPayload {
  return { eventId: p.eventId, event: p.event, userId: p.userId, to: '', subject: '', text: '', ...(p.caseId ? { caseId: p.caseId } : {}) };
}

/** True for the data of a job `redactEmailJob` has emptied (sent already: never sent again). */
export function isRedactedEmailJob(p: EmailJobPayload): boolean {
  return p.to === '' && p.text === '';
}

/** Adds the e-mail job (a no-op if a job with its id exists). Returns the job id. */
export async function enqueueEmail(queue: Queue, payload: EmailJobPayload, settings: EmailJobSettings = {}): Promise<string> {
  const opts = emailJobOptions(payload, settings);
  await queue.add(EMAIL_JOB, payload, opts);
  return opts.jobId!;
}

/** True when the attempt now running is the job's last one. */
export function isLastAttempt(job: Pick<Job, 'attemptsMade' | 'opts'>): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

export interface EmailProcessorOptions {
  clock?: Clock;
  log?: (line: string) => void;
}

/** The worker's processor: sends the e-mail; on the last failed attempt writes the dead letter. */
export function emailProcessor(mailer: Mailer, inbox: InboxStore, options: EmailProcessorOptions = {}) {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? ((line: string) => console.error(line));
  return async function processEmail(job: Job<EmailJobPayload>): Promise<SendResult> {
    const p = job.data;
    // A completed job run again (e.g. retried by hand): it was sent, and its text is gone.
    if (isRedactedEmailJob(p)) return { messageId: '', accepted: [], rejected: [] };
    let sent: SendResult;
    try {
      sent = await mailer.send({
        to: p.to,
        subject: p.subject,
        text: p.text,
        messageId: `<${notificationId(p.eventId, p.userId)}@kim-notifications>`,
      });
    } catch (err) {
      const permanent = isPermanentMailError(err);
      const error = mailErrorText(err);
      if (permanent || isLastAttempt(job)) {
        await inbox.addDeadLetter({
          id: deadLetterId('email', p.eventId, p.userId),
          channel: 'email',
          recipient: p.to,
          subject: p.subject,
          error,
          attempts: job.attemptsMade + 1,
          createdAt: isoNow(clock),
          caseId: p.caseId ?? null,
          payload: p,
        });
      }
      if (permanent) throw new UnrecoverableError(error);
      throw err;
    }
    // Sent: the completed job keeps ids only. A failure here must not fail the job (it would be
    // sent again); the text then stays until the job is removed (`keepCompletedSeconds`).
    try {
      await job.updateData(redactEmailJob(p));
    } catch (err) {
      log(`[notifications] e-mail job ${job.id}: removing the mail text from the completed job failed: ${(err as Error).message}`);
    }
    return sent;
  };
}

export interface EmailWorkerOptions extends EmailProcessorOptions {
  connection: ConnectionOptions;
  /** BullMQ key prefix (default `bull`). */
  prefix?: string;
  /** E-mails sent at once (default 4). */
  concurrency?: number;
}

/** A worker on the notification queue running `emailProcessor`. Close it with `worker.close()`. */
export function createEmailWorker(mailer: Mailer, inbox: InboxStore, options: EmailWorkerOptions): Worker<EmailJobPayload, SendResult> {
  const worker = new Worker<EmailJobPayload, SendResult>(NOTIFICATION_QUEUE, emailProcessor(mailer, inbox, options), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 4,
  });
  const log = options.log ?? ((line: string) => console.error(line));
  worker.on('failed', (job, err) => {
    if (job && (job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError)) {
      log(`[notifications] e-mail job ${job.id} failed for good after ${job.attemptsMade} attempt(s); dead letter written`);
    }
  });
  worker.on('error', (err) => log(`[notifications] e-mail worker error: ${err.message}`));
  return worker;
}
