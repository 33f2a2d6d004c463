import type { Collection, Db } from 'mongodb';
import { NotFound } from '../../errors.ts';
import { isDuplicateKey } from './errors.ts';
import {
  caseIdsToMatch,
  pageBounds,
  type DeadLetterQuery,
  type DeadLetterRecord,
  type EmailPayload,
  type InboxQuery,
  type InboxStore,
  type NotificationRecord,
} from '../../notifications/inboxStore.ts';

/**
 * MongoDB adapter for the inbox port (also runs on FerretDB). Two collections,
 * `notifications` and `notification_dead_letters`, keyed by the deterministic ids of the port
 * (`_id`), so a redelivered event is a duplicate-key no-op: no transactions are needed.
 * The caller owns the client; `init()` creates the indexes (idempotent).
 *
 * Every document stores `caseId` (null when no case is known; documents written before the field
 * existed lack it and read as null), indexed for case deletion (`deleteByCase`).
 */

interface NotificationDoc {
  _id: string;
  userId: string;
  event: string;
  eventId: string;
  subject: string;
  body: string;
  link: string | null;
  caseId: string | null;
  createdAt: string;
  readAt: string | null;
}

interface DeadLetterDoc {
  _id: string;
  channel: 'email';
  recipient: string;
  subject: string;
  error: string;
  attempts: number;
  createdAt: string;
  caseId: string | null;
  payload: EmailPayload;
}

export const INBOX_COLLECTIONS = { notifications: 'notifications', deadLetters: 'notification_dead_letters' } as const;

const toNotification = (d: NotificationDoc): NotificationRecord => ({
  id: d._id,
  userId: d.userId,
  event: d.event,
  eventId: d.eventId,
  subject: d.subject,
  body: d.body,
  link: d.link ?? null,
  caseId: d.caseId ?? null,
  createdAt: d.createdAt,
  readAt: d.readAt ?? null,
});

const toDeadLetter = (d: DeadLetterDoc): DeadLetterRecord => ({
  id: d._id,
  channel: d.channel,
  recipient: d.recipient,
  subject: d.subject,
  error: d.error,
  attempts: d.attempts,
  createdAt: d.createdAt,
  caseId: d.caseId ?? null,
  payload: d.payload,
});

export class MongoInbox implements InboxStore {
  private readonly notifications: Collection<NotificationDoc>;
  private readonly deadLetters: Collection<DeadLetterDoc>;

  constructor(db: Db) {
    this.notifications = db.collection<NotificationDoc>(INBOX_COLLECTIONS.notifications);
    this.deadLetters = db.collection<DeadLetterDoc>(INBOX_COLLECTIONS.deadLetters);
  }

  async init(): Promise<void> {
    await this.notifications.createIndex({ userId: 1, createdAt: -1, _id: -1 }, { name: 'user_created' });
    await this.notifications.createIndex({ userId: 1, readAt: 1 }, { name: 'user_read' });
    await this.deadLetters.createIndex({ createdAt: -1, _id: -1 }, { name: 'created' });
    // Case deletion (src/kim/deletion.ts) removes by case.
    await this.notifications.createIndex({ caseId: 1 }, { name: 'by_case' });
    await this.deadLetters.createIndex({ caseId: 1 }, { name: 'by_case' });
  }

  // ---- notifications -----------------------------------------------------------------------

  async addNotification(n: NotificationRecord): Promise<boolean> {
    try {
      await this.notifications.insertOne({
        _id: n.id,
        userId: n.userId,
        event: n.event,
        eventId: n.eventId,
        subject: n.subject,
        body: n.body,
        link: n.link,
        caseId: n.caseId ?? null,
        createdAt: n.createdAt,
        readAt: n.readAt,
      });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  private filter(userId: string, unreadOnly: boolean | undefined) {
    return unreadOnly ? { userId, readAt: null } : { userId };
  }

  async listNotifications(userId: string, query: InboxQuery = {}): Promise<NotificationRecord[]> {
    const { skip, limit } = pageBounds(query);
    if (limit === 0) return [];
    let cursor = this.notifications.find(this.filter(userId, query.unreadOnly)).sort({ createdAt: -1, _id: -1 }).skip(skip);
    if (limit !== undefined) cursor = cursor.limit(limit);
    return (await cursor.toArray()).map(toNotification);
  }

  async countNotifications(userId: string, query: Pick<InboxQuery, 'unreadOnly'> = {}): Promise<number> {
    return this.notifications.countDocuments(this.filter(userId, query.unreadOnly));
  }

  async countUnread(userId: string): Promise<number> {
    return this.countNotifications(userId, { unreadOnly: true });
  }

  async markRead(userId: string, id: string, readAt: string): Promise<void> {
    const res = await this.notifications.updateOne({ _id: id, userId, readAt: null }, { $set: { readAt } });
    if (res.matchedCount > 0) return;
    // Already read (keep the first read time) or not this user's / unknown (404 either way).
    const exists = await this.notifications.countDocuments({ _id: id, userId }, { limit: 1 });
    if (exists === 0) throw new NotFound(`Notification '${id}' does not exist`);
  }

  async markAllRead(userId: string, readAt: string): Promise<number> {
    const res = await this.notifications.updateMany({ userId, readAt: null }, { $set: { readAt } });
    return res.modifiedCount;
  }

  async deleteNotificationsOf(userId: string): Promise<number> {
    return (await this.notifications.deleteMany({ userId })).deletedCount;
  }

  async deleteByCase(caseIds: string[]): Promise<number> {
    const ids = caseIdsToMatch(caseIds);
    if (ids.length === 0) return 0;
    return (await this.notifications.deleteMany({ caseId: { $in: ids } })).deletedCount;
  }

  // ---- dead letters ------------------------------------------------------------------------

  async addDeadLetter(d: DeadLetterRecord): Promise<void> {
    const upsert = () =>
      this.deadLetters.updateOne(
        { _id: d.id },
        {
          // A known case is recorded; an unknown one does not erase the case a first record named.
          $set: { recipient: d.recipient, subject: d.subject, error: d.error, attempts: d.attempts, payload: d.payload, ...(d.caseId ? { caseId: d.caseId } : {}) },
          $setOnInsert: { channel: d.channel, createdAt: d.createdAt, ...(d.caseId ? {} : { caseId: null }) },
        },
        { upsert: true },
      );
    try {
      await upsert();
    } catch (err) {
      // Two upserts of the same id raced: the other one inserted, so this one is now an update.
      if (!isDuplicateKey(err)) throw err;
      await upsert();
    }
  }

  async listDeadLetters(query: DeadLetterQuery = {}): Promise<DeadLetterRecord[]> {
    const { skip, limit } = pageBounds(query);
    if (limit === 0) return [];
    let cursor = this.deadLetters.find({}).sort({ createdAt: -1, _id: -1 }).skip(skip);
    if (limit !== undefined) cursor = cursor.limit(limit);
    return (await cursor.toArray()).map(toDeadLetter);
  }

  async countDeadLetters(): Promise<number> {
    return this.deadLetters.countDocuments({});
  }

  async getDeadLetter(id: string): Promise<DeadLetterRecord | undefined> {
    const doc = await this.deadLetters.findOne({ _id: id });
    return doc ? toDeadLetter(doc) : undefined;
  }

  async deleteDeadLetter(id: string): Promise<void> {
    await this.deadLetters.deleteOne({ _id: id });
  }

  async deleteDeadLettersByCase(caseIds: string[]): Promise<number> {
    const ids = caseIdsToMatch(caseIds);
    if (ids.length === 0) return 0;
    return (await this.deadLetters.deleteMany({ caseId: { $in: ids } })).deletedCount;
  }
}
