/**
 * The inbox port: the in-app notifications per user and the dead-letter list of deliveries that
 * failed for good. Adapters: `src/store/sqlite/inbox.ts` (SqliteInbox) and
 * `src/store/mongo/inbox.ts` (MongoInbox). No driver types cross this boundary.
 *
 * Ids are deterministic (see `notificationId`, `deadLetterId`): the same event delivered twice
 * finds its entry already there, so inserts are idempotent and need no transaction.
 * Adapters never read the clock: timestamps come in with the records and calls.
 *
 * Case deletion (KIM-PROCESSES.md §6): every entry records the case it is about (`caseId`, the
 * case's business key as the producer named it in the event's `caseReference`), so that
 * `deleteByCase` / `deleteDeadLettersByCase` can remove a purged case's notifications — the ABH's
 * level-3 notification carries the minimal data set (name, date of birth, file number).
 */
import { createHash } from 'node:crypto';

export interface NotificationRecord {
  /** `notificationId(eventId, userId)`. */
  id: string;
  userId: string;
  /** Event type (`task.assigned`, `deadline.reached`, `escalation.raised`). */
  event: string;
  /** The producer's event id (the same event delivered twice has the same id). */
  eventId: string;
  subject: string;
  body: string;
  /** In-app link path (`/tasks/{id}`), if any. */
  link: string | null;
  /**
   * The case the notification is about (the event's `caseReference`: business key or `caseId`
   * variable, e.g. `HH-2026-001`, `FALL-HH-2026-001`), null if the producer named none (and for
   * entries written before this field existed). Case deletion removes by it.
   */
  caseId: string | null;
  createdAt: string;
  readAt: string | null;
}

/** What was handed to the mail transport, kept with a dead letter so it can be sent again. */
export interface EmailPayload {
  eventId: string;
  event: string;
  userId: string;
  to: string;
  subject: string;
  text: string;
  /**
   * The case the e-mail is about (as `NotificationRecord.caseId`); set only when known, so that the
   * dead letter the e-mail worker writes from a queued job can be found by case.
   */
  caseId?: string | null;
}

export interface DeadLetterRecord {
  /** `deadLetterId(channel, eventId, userId)`. */
  id: string;
  channel: 'email';
  recipient: string;
  subject: string;
  /** The last error (transport message, SMTP reply). */
  error: string;
  attempts: number;
  createdAt: string;
  /** The case the e-mail was about (`payload.caseId`), null if unknown: case deletion removes by it. */
  caseId: string | null;
  payload: EmailPayload;
}

export interface InboxQuery {
  unreadOnly?: boolean;
  firstResult?: number;
  maxResults?: number;
}

export interface DeadLetterQuery {
  firstResult?: number;
  maxResults?: number;
}

export interface InboxStore {
  /** Creates indexes/tables; idempotent. */
  init(): Promise<void>;
  /** Inserts the entry unless one with its id exists. True if it was inserted. */
  addNotification(n: NotificationRecord): Promise<boolean>;
  /** The user's notifications, newest first. */
  listNotifications(userId: string, query?: InboxQuery): Promise<NotificationRecord[]>;
  countNotifications(userId: string, query?: Pick<InboxQuery, 'unreadOnly'>): Promise<number>;
  countUnread(userId: string): Promise<number>;
  /** Marks one of the user's notifications read (keeps the first read time). NotFound if it is not the user's. */
  markRead(userId: string, id: string, readAt: string): Promise<void>;
  /** Marks all of the user's unread notifications read; returns how many changed. */
  markAllRead(userId: string, readAt: string): Promise<number>;
  /** Removes every notification of a user (user deletion, §6 deletion). Returns how many. */
  deleteNotificationsOf(userId: string): Promise<number>;
  /**
   * Removes every notification (of any user) whose `caseId` is one of `caseIds` (case deletion,
   * §6). Entries without a case id are never matched. Returns how many; idempotent.
   */
  deleteByCase(caseIds: string[]): Promise<number>;

  /**
   * Records a delivery that failed for good. A second record with the same id updates error and
   * attempts and keeps the first `createdAt` (the same e-mail failing again is one dead letter).
   */
  addDeadLetter(d: DeadLetterRecord): Promise<void>;
  /** Newest first. */
  listDeadLetters(query?: DeadLetterQuery): Promise<DeadLetterRecord[]>;
  countDeadLetters(): Promise<number>;
  getDeadLetter(id: string): Promise<DeadLetterRecord | undefined>;
  /** Removes a dead letter (after it was re-sent or dismissed); a no-op if unknown. */
  deleteDeadLetter(id: string): Promise<void>;
  /** Removes every dead letter whose `caseId` is one of `caseIds` (case deletion, §6). Returns how many. */
  deleteDeadLettersByCase(caseIds: string[]): Promise<number>;
}

function digest(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p, 'utf8').update('\u0000');
  return h.digest('hex').slice(0, 32);
}

/** Deterministic inbox id: one entry per event and user, however often the event arrives. */
export function notificationId(eventId: string, userId: string): string {
  return digest('notification', eventId, userId);
}

/** Deterministic dead-letter (and e-mail job) id: one per channel, event and user. */
export function deadLetterId(channel: 'email', eventId: string, userId: string): string {
  return digest(channel, eventId, userId);
}

/** The case ids a `deleteByCase` call matches: non-empty strings, each once. */
export function caseIdsToMatch(caseIds: readonly string[]): string[] {
  return [...new Set(caseIds.filter((c) => typeof c === 'string' && c !== ''))];
}

/** Page bounds as the adapters apply them: offset ≥ 0, limit ≥ 0 or unlimited. */
export function pageBounds(q: { firstResult?: number; maxResults?: number } | undefined): { skip: number; limit: number | undefined } {
  const skip = q?.firstResult === undefined ? 0 : Math.max(0, Math.floor(q.firstResult));
  const limit = q?.maxResults === undefined ? undefined : Math.max(0, Math.floor(q.maxResults));
  return { skip, limit };
}
