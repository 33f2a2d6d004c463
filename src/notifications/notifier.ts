/**
 * Delivers a notification event: one in-app inbox entry per recipient (idempotent by
 * `notificationId(event.id, userId)`) and an e-mail to each recipient with an address.
 *
 * E-mail goes out inline with retries and exponential backoff (attempt n waits
 * `backoffMs · 2^(n-1)`, capped), or, with `dispatchEmail`, is handed to a queue (emailQueue.ts)
 * that retries on its own. What still fails after the last attempt, or fails permanently (SMTP
 * 5xx, an unusable address), lands in the dead-letter list.
 *
 * Duplicates: inline, an e-mail is sent only for a newly created inbox entry, so the same event
 * delivered twice sends one e-mail per user (a crash between the inbox write and the send loses
 * that e-mail). Queued, every delivery enqueues and the deterministic job id deduplicates, so a
 * redelivery repairs a lost enqueue.
 *
 * Every inbox entry, e-mail payload and dead letter records the event's case (`caseReference`,
 * see `caseReferenceOf`), so that deleting the case (src/kim/deletion.ts) removes them too.
 */
import { isoNow, systemClock, type Clock } from '../clock.ts';
import type { IdentityStore } from '../store/identityStore.ts';
import { caseReferenceOf, type AnyNotificationEvent } from './events.ts';
import { deadLetterId, notificationId, type EmailPayload, type InboxStore } from './inboxStore.ts';
import { isPermanentMailError, mailErrorText, type Mailer } from './mailer.ts';
import { renderNotification } from './templates.ts';

export interface Recipient {
  userId: string;
  email?: string | null;
}

export interface RetryPolicy {
  /** Tries in all (default 5). */
  attempts?: number;
  /** Wait after the first failed try in ms; doubles each time (default 1000). */
  backoffMs?: number;
  /** Upper bound of one wait in ms (default 5 minutes). */
  maxBackoffMs?: number;
}

export interface NotifierOptions extends RetryPolicy {
  inbox: InboxStore;
  /** Without a mailer, notifications go to the inbox only. */
  mailer?: Mailer;
  clock?: Clock;
  /** Prefix for the task links in e-mails (`https://kim.herne.de`); the inbox keeps the path. */
  linkBaseUrl?: string;
  /**
   * Hands each e-mail to a queue instead of sending it inline, e.g.
   * `(p) => enqueueEmail(queue, p).then(() => {})`. Retries and dead letters are then the queue's.
   */
  dispatchEmail?: (payload: EmailPayload) => Promise<void>;
  /** Waits between tries (tests may pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

export type EmailStatus = 'sent' | 'queued' | 'dead-lettered' | 'duplicate' | 'no-address' | 'disabled';

export interface EmailOutcome {
  userId: string;
  to: string | null;
  status: EmailStatus;
  attempts: number;
  error?: string;
}

export interface NotifyResult {
  /** Inbox entries created now. */
  created: number;
  /** Recipients whose entry existed already (a redelivered event). */
  duplicates: number;
  emails: EmailOutcome[];
}

export interface SendOutcome {
  ok: boolean;
  attempts: number;
  error?: string;
  permanent?: boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The wait after failed try number `attempt` (1-based). */
export function backoffDelay(attempt: number, policy: RetryPolicy = {}): number {
  const base = policy.backoffMs ?? 1000;
  const max = policy.maxBackoffMs ?? 5 * 60_000;
  return Math.min(max, base * 2 ** Math.max(0, attempt - 1));
}

/** Sends one message, retrying transient failures with exponential backoff. Never throws. */
export async function sendWithRetry(
  mailer: Mailer,
  message: Parameters<Mailer['send']>[0],
  policy: RetryPolicy = {},
  sleep: (ms: number) => Promise<void> = defaultSleep,
): Promise<SendOutcome> {
  const attempts = Math.max(1, Math.floor(policy.attempts ?? 5));
  let error = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await mailer.send(message);
      return { ok: true, attempts: attempt };
    } catch (err) {
      error = mailErrorText(err);
      if (isPermanentMailError(err)) return { ok: false, attempts: attempt, error, permanent: true };
      if (attempt < attempts) await sleep(backoffDelay(attempt, policy));
    }
  }
  return { ok: false, attempts, error };
}

/** A single plain address (no list, no display name, no whitespace): what may go into `to`. */
export function isSingleAddress(s: string): boolean {
  return s.length <= 254 && /^[^\s@,;:<>()"[\]\\]+@[^\s@,;:<>()"[\]\\]+\.[^\s@,;:<>()"[\]\\]+$/.test(s);
}

/**
 * The recipients of a notification from user ids and candidate groups (a task's assignee and
 * candidate users/groups, an escalation's target group): each user once, with the e-mail address
 * from the identity store. Unknown user ids are left out.
 */
export async function resolveRecipients(
  identity: Pick<IdentityStore, 'findUsers'>,
  who: { users?: readonly string[]; groups?: readonly string[] },
): Promise<Recipient[]> {
  const found = new Map<string, Recipient>();
  const users = [...new Set(who.users ?? [])];
  if (users.length > 0) for (const u of await identity.findUsers({ idIn: users })) found.set(u.id, { userId: u.id, email: u.email });
  for (const g of new Set(who.groups ?? [])) {
    for (const u of await identity.findUsers({ memberOfGroup: g })) if (!found.has(u.id)) found.set(u.id, { userId: u.id, email: u.email });
  }
  return [...found.values()].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}

export class Notifier {
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: NotifierOptions) {
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async notify(event: AnyNotificationEvent, recipients: readonly Recipient[]): Promise<NotifyResult> {
    const { inbox } = this.options;
    const forInbox = renderNotification(event);
    const forMail = this.options.linkBaseUrl ? renderNotification(event, { linkBaseUrl: this.options.linkBaseUrl }) : forInbox;
    const createdAt = isoNow(this.clock);
    const caseId = caseReferenceOf(event);

    const byUser = new Map<string, Recipient>();
    for (const r of recipients) if (r.userId && !byUser.has(r.userId)) byUser.set(r.userId, r);

    const result: NotifyResult = { created: 0, duplicates: 0, emails: [] };
    const mails: Array<Promise<EmailOutcome>> = [];
    for (const r of byUser.values()) {
      const id = notificationId(event.id, r.userId);
      const created = await inbox.addNotification({
        id,
        userId: r.userId,
        event: event.type,
        eventId: event.id,
        subject: forInbox.subject,
        body: forInbox.body,
        link: forInbox.link,
        caseId,
        createdAt,
        readAt: null,
      });
      if (created) result.created++;
      else result.duplicates++;

      const to = r.email?.trim() || null;
      if (!to) mails.push(Promise.resolve({ userId: r.userId, to: null, status: 'no-address', attempts: 0 }));
      // Inline: a redelivered event sends nothing. Queued: enqueue again, the job id deduplicates
      // (so a crash between the inbox write and the enqueue is repaired by the redelivery).
      else if (!created && !this.options.dispatchEmail) mails.push(Promise.resolve({ userId: r.userId, to, status: 'duplicate', attempts: 0 }));
      else if (!this.options.mailer && !this.options.dispatchEmail) mails.push(Promise.resolve({ userId: r.userId, to, status: 'disabled', attempts: 0 }));
      else {
        const payload: EmailPayload = {
          eventId: event.id, event: event.type, userId: r.userId, to, subject: forMail.subject, text: forMail.body,
          // Only when known: a payload without a case stays as it was (queued jobs, dead letters).
          ...(caseId ? { caseId } : {}),
        };
        mails.push(this.deliver(payload, id));
      }
    }
    result.emails = await Promise.all(mails);
    return result;
  }

  private async deliver(payload: EmailPayload, notification: string): Promise<EmailOutcome> {
    const base = { userId: payload.userId, to: payload.to };
    if (!isSingleAddress(payload.to)) {
      const error = `Invalid e-mail address for user '${payload.userId}'`;
      await this.deadLetter(payload, error, 0);
      return { ...base, status: 'dead-lettered', attempts: 0, error };
    }
    if (this.options.dispatchEmail) {
      await this.options.dispatchEmail(payload);
      return { ...base, status: 'queued', attempts: 0 };
    }
    const outcome = await sendWithRetry(
      this.options.mailer!,
      { to: payload.to, subject: payload.subject, text: payload.text, messageId: `<${notification}@kim-notifications>` },
      this.options,
      this.sleep,
    );
    if (outcome.ok) return { ...base, status: 'sent', attempts: outcome.attempts };
    await this.deadLetter(payload, outcome.error ?? 'unknown error', outcome.attempts);
    return { ...base, status: 'dead-lettered', attempts: outcome.attempts, error: outcome.error };
  }

  private async deadLetter(payload: EmailPayload, error: string, attempts: number): Promise<void> {
    await this.options.inbox.addDeadLetter({
      id: deadLetterId('email', payload.eventId, payload.userId),
      channel: 'email',
      recipient: payload.to,
      subject: payload.subject,
      error,
      attempts,
      createdAt: isoNow(this.clock),
      caseId: payload.caseId ?? null,
      payload,
    });
  }
}
