import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { SMTPServer } from 'smtp-server';
import { ManualClock } from '../../src/clock.ts';
import { createEmailWorker, emailJobId, enqueueEmail, NOTIFICATION_QUEUE, type EmailJobPayload } from '../../src/notifications/emailQueue.ts';
import { notificationEvent } from '../../src/notifications/events.ts';
import { deadLetterId } from '../../src/notifications/inboxStore.ts';
import { createMailer, type Mailer } from '../../src/notifications/mailer.ts';
import { Notifier } from '../../src/notifications/notifier.ts';
import { NOTIFICATION_QUEUE as QUEUES_NOTIFICATION_QUEUE } from '../../src/scheduler/queues.ts';
import { SqliteInbox } from '../../src/store/sqlite/inbox.ts';
import { requireService, uniqueName } from '../helpers/requireService.ts';

/** A loopback SMTP server that records envelopes and rejects as told. */
async function startSmtp() {
  const state = {
    attempts: 0,
    delivered: [] as Array<{ to: string[]; raw: string }>,
    reject: (_attempt: number): { code: number; message: string } | undefined => undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        state.attempts += 1;
        const r = state.reject(state.attempts);
        if (r) return callback(Object.assign(new Error(r.message), { responseCode: r.code }));
        state.delivered.push({ to: session.envelope.rcptTo.map((a) => a.address), raw: Buffer.concat(chunks).toString('latin1') });
        callback(null);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return Object.assign(state, {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('notifications: BullMQ e-mail queue (REDIS_URL)', function () {
  let redisUrl: string;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let mailer: Mailer;
  let redis: Redis;
  let queue: Queue;
  let worker: Worker | undefined;
  let prefix: string;
  let dir: string;
  let db: Database.Database;
  let inbox: SqliteInbox;
  const clock = new ManualClock(Date.parse('2026-03-01T08:00:00Z'));

  const payload = (eventId: string, userId = 'sina'): EmailJobPayload => ({
    eventId,
    event: 'task.assigned',
    userId,
    to: `${userId}@herne.example`,
    subject: 'Neue Aufgabe: Prüfung',
    text: 'Guten Tag,\n\nIhnen wurde eine Aufgabe zugewiesen.\n',
  });

  function startWorker(): Worker {
    worker = createEmailWorker(mailer, inbox, { connection: redis, prefix, clock, concurrency: 2, log: () => {} });
    return worker;
  }

  before(async function () {
    redisUrl = requireService(this, 'REDIS_URL');
    smtp = await startSmtp();
    mailer = createMailer({ smtpUrl: smtp.url, from: 'kim@herne.example', connectionTimeout: 2000, greetingTimeout: 2000 });
  });

  after(async () => {
    mailer?.close();
    await smtp?.close();
  });

  beforeEach(async () => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    prefix = uniqueName('kimtest');
    queue = new Queue(NOTIFICATION_QUEUE, { connection: redis, prefix });
    dir = mkdtempSync(join(tmpdir(), 'kim-email-queue-'));
    db = new Database(join(dir, 'inbox.db'));
    inbox = new SqliteInbox(db);
    await inbox.init();
    smtp.attempts = 0;
    smtp.delivered.length = 0;
    smtp.reject = () => undefined;
  });

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.quit();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses the queue name from src/scheduler/queues.ts', () => {
    expect(NOTIFICATION_QUEUE).to.equal('kim-notifications');
    expect(NOTIFICATION_QUEUE).to.equal(QUEUES_NOTIFICATION_QUEUE);
  });

  it('one job per deterministic id: the same e-mail enqueued three times is sent once', async () => {
    // Given the same e-mail enqueued three times (two before and one after processing)
    const p = payload('e1');
    const ids = [await enqueueEmail(queue, p), await enqueueEmail(queue, p)];
    expect(ids[0]).to.equal(emailJobId(p)).and.to.equal(ids[1]);
    expect(ids[0]).to.not.contain(':');
    // When a worker runs
    startWorker();
    await until('delivery', () => smtp.delivered.length === 1);
    await until('completion', async () => (await queue.getJobCounts('completed')).completed === 1);
    await enqueueEmail(queue, p);
    await sleep(300);
    // Then exactly one e-mail went out, to the payload's address, and no dead letter exists
    expect(smtp.delivered).to.have.length(1);
    expect(smtp.delivered[0]!.to).to.deep.equal(['sina@herne.example']);
    const counts = await queue.getJobCounts('completed', 'waiting', 'delayed', 'failed', 'active');
    expect(counts).to.deep.equal({ completed: 1, waiting: 0, delayed: 0, failed: 0, active: 0 });
    expect(await inbox.countDeadLetters()).to.equal(0);
  });

  it('the Notifier hands e-mails to the queue: an event delivered twice → one inbox entry, one e-mail', async () => {
    // Given a notifier whose e-mail step is the queue
    const notifier = new Notifier({ inbox, clock, dispatchEmail: async (p) => void (await enqueueEmail(queue, p, { backoffMs: 10 })) });
    const event = notificationEvent('task.assigned', 'task-7:assigned', { taskId: 'task-7', taskName: 'Schulzuweisung', processName: 'Ankommensverfahren', dueDate: null });
    startWorker();
    // When the event arrives twice
    const first = await notifier.notify(event, [{ userId: 'sina', email: 'sina@herne.example' }, { userId: 'ole', email: 'ole@herne.example' }]);
    const second = await notifier.notify(event, [{ userId: 'sina', email: 'sina@herne.example' }, { userId: 'ole', email: 'ole@herne.example' }]);
    // Then each user has one inbox entry and got one e-mail
    expect(first.emails.map((e) => e.status)).to.deep.equal(['queued', 'queued']);
    expect(second.created).to.equal(0);
    await until('two deliveries', () => smtp.delivered.length === 2);
    await sleep(300);
    expect(smtp.delivered.map((d) => d.to[0]).sort()).to.deep.equal(['ole@herne.example', 'sina@herne.example']);
    expect(await inbox.countNotifications('sina')).to.equal(1);
    expect(await inbox.countNotifications('ole')).to.equal(1);
  });

  it('retries with backoff: rejected twice (451), then delivered once', async () => {
    smtp.reject = (n) => (n <= 2 ? { code: 451, message: 'Spaeter nochmal' } : undefined);
    await enqueueEmail(queue, payload('e-retry'), { attempts: 5, backoffMs: 10 });
    startWorker();
    await until('delivery', () => smtp.delivered.length === 1);
    expect(smtp.attempts).to.equal(3);
    await until('completion', async () => (await queue.getJobCounts('completed')).completed === 1);
    const job = await queue.getJob(emailJobId(payload('e-retry')));
    expect(job!.attemptsMade).to.equal(3);
    expect(await inbox.countDeadLetters()).to.equal(0);
  });

  it('failing SMTP → dead letter after the last attempt (job.attemptsMade >= attempts), job removed from Redis', async () => {
    // Given an SMTP server that always rejects temporarily
    smtp.reject = () => ({ code: 451, message: 'Postfach voruebergehend gesperrt' });
    const p = payload('e-dead');
    await enqueueEmail(queue, p, { attempts: 3, backoffMs: 10 });
    const w = startWorker();
    const failures: number[] = [];
    w.on('failed', (job) => job && failures.push(job.attemptsMade));
    // When the worker has used up its attempts
    await until('dead letter', async () => (await inbox.countDeadLetters()) === 1);
    await until('final failure', () => failures.includes(3));
    // Then three attempts were made and the dead letter holds the error and payload
    expect(smtp.attempts).to.equal(3);
    expect(failures).to.deep.equal([1, 2, 3]);
    const dl = await inbox.getDeadLetter(deadLetterId('email', 'e-dead', 'sina'));
    expect(dl).to.deep.include({ channel: 'email', recipient: 'sina@herne.example', attempts: 3, createdAt: '2026-03-01T08:00:00.000Z', payload: p });
    expect(dl!.error).to.contain('451').and.to.contain('Postfach voruebergehend gesperrt');
    expect(smtp.delivered).to.have.length(0);
    // And the failed job (with its personal data) is gone from Redis
    await until('job removal', async () => (await queue.getJob(emailJobId(p))) === undefined);
  });

  it('a permanent rejection (550) is not retried: dead letter after one attempt', async () => {
    smtp.reject = () => ({ code: 550, message: 'Empfaenger unbekannt' });
    await enqueueEmail(queue, payload('e-550'), { attempts: 5, backoffMs: 10 });
    startWorker();
    await until('dead letter', async () => (await inbox.countDeadLetters()) === 1);
    await sleep(200);
    expect(smtp.attempts).to.equal(1);
    const [dl] = await inbox.listDeadLetters();
    expect(dl!.attempts).to.equal(1);
    expect(dl!.error).to.contain('Empfaenger unbekannt');
  });
});
