import type Database from 'better-sqlite3';
import { NotFound } from '../../errors.ts';
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
 * SQLite adapter for the inbox port (in-app notifications, dead letters).
 * The caller owns the connection and executes `SqliteInbox.schema` once before use (SqliteStore
 * does this in its migration; `init()` does the same for standalone use). Statements are prepared
 * lazily. Inserts are idempotent by primary key (`ON CONFLICT DO NOTHING`).
 *
 * `case_id` (the case a notification or dead letter is about) came with schema v3: SqliteStore's
 * migration adds it to existing tables (rows written before hold NULL); standalone, `init()` does.
 */

interface NotificationRow {
  id: string;
  user_id: string;
  event: string;
  event_id: string;
  subject: string;
  body: string;
  link: string | null;
  created_at: string;
  read_at: string | null;
  case_id: string | null;
}

interface DeadLetterRow {
  id: string;
  channel: 'email';
  recipient: string;
  subject: string;
  error: string;
  attempts: number;
  created_at: string;
  payload: string;
  case_id: string | null;
}

const toNotification = (r: NotificationRow): NotificationRecord => ({
  id: r.id,
  userId: r.user_id,
  event: r.event,
  eventId: r.event_id,
  subject: r.subject,
  body: r.body,
  link: r.link,
  caseId: r.case_id ?? null,
  createdAt: r.created_at,
  readAt: r.read_at,
});

const toDeadLetter = (r: DeadLetterRow): DeadLetterRecord => ({
  id: r.id,
  channel: r.channel,
  recipient: r.recipient,
  subject: r.subject,
  error: r.error,
  attempts: r.attempts,
  createdAt: r.created_at,
  caseId: r.case_id ?? null,
  payload: JSON.parse(r.payload) as EmailPayload,
});

function limitOffset(q: { firstResult?: number; maxResults?: number } | undefined): unknown[] {
  const { skip, limit } = pageBounds(q);
  return [limit ?? -1, skip];
}

export class SqliteInbox implements InboxStore {
  /** Idempotent DDL; safe to execute on every start. */
  static readonly schema: string = `
CREATE TABLE IF NOT EXISTS notifications (
  id         TEXT PRIMARY KEY NOT NULL,
  user_id    TEXT NOT NULL,
  event      TEXT NOT NULL,
  event_id   TEXT NOT NULL,
  subject    TEXT NOT NULL,
  body       TEXT NOT NULL,
  link       TEXT,
  created_at TEXT NOT NULL,
  read_at    TEXT,
  case_id    TEXT
);
CREATE INDEX IF NOT EXISTS notifications_user_created ON notifications(user_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS notifications_user_unread ON notifications(user_id) WHERE read_at IS NULL;
CREATE INDEX IF NOT EXISTS notifications_by_case ON notifications (case_id);
CREATE TABLE IF NOT EXISTS notification_dead_letters (
  id         TEXT PRIMARY KEY NOT NULL,
  channel    TEXT NOT NULL,
  recipient  TEXT NOT NULL,
  subject    TEXT NOT NULL,
  error      TEXT NOT NULL,
  attempts   INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  payload    TEXT NOT NULL,
  case_id    TEXT
);
CREATE INDEX IF NOT EXISTS notification_dead_letters_created ON notification_dead_letters(created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS notification_dead_letters_by_case ON notification_dead_letters (case_id);
`;

  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  async init(): Promise<void> {
    // Tables from before v3 (standalone use; SqliteStore migrates them): add the case column first.
    for (const table of ['notifications', 'notification_dead_letters']) {
      const columns = this.db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as Array<{ name: string }>;
      if (columns.length > 0 && !columns.some((c) => c.name === 'case_id')) this.db.exec(`ALTER TABLE ${table} ADD COLUMN case_id TEXT`);
    }
    this.db.exec(SqliteInbox.schema);
  }

  // ---- notifications -----------------------------------------------------------------------

  async addNotification(n: NotificationRecord): Promise<boolean> {
    const info = this.stmt(
      `INSERT INTO notifications (id, user_id, event, event_id, subject, body, link, case_id, created_at, read_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
    ).run(n.id, n.userId, n.event, n.eventId, n.subject, n.body, n.link, n.caseId ?? null, n.createdAt, n.readAt);
    return info.changes > 0;
  }

  async listNotifications(userId: string, query: InboxQuery = {}): Promise<NotificationRecord[]> {
    const unread = query.unreadOnly ? ' AND read_at IS NULL' : '';
    const rows = this.stmt(
      `SELECT * FROM notifications WHERE user_id = ?${unread} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
    ).all(userId, ...limitOffset(query)) as NotificationRow[];
    return rows.map(toNotification);
  }

  async countNotifications(userId: string, query: Pick<InboxQuery, 'unreadOnly'> = {}): Promise<number> {
    const unread = query.unreadOnly ? ' AND read_at IS NULL' : '';
    const row = this.stmt(`SELECT COUNT(*) AS n FROM notifications WHERE user_id = ?${unread}`).get(userId) as { n: number };
    return row.n;
  }

  async countUnread(userId: string): Promise<number> {
    return this.countNotifications(userId, { unreadOnly: true });
  }

  async markRead(userId: string, id: string, readAt: string): Promise<void> {
    const info = this.stmt('UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE id = ? AND user_id = ?').run(readAt, id, userId);
    if (info.changes === 0) throw new NotFound(`Notification '${id}' does not exist`);
  }

  async markAllRead(userId: string, readAt: string): Promise<number> {
    return this.stmt('UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL').run(readAt, userId).changes;
  }

  async deleteNotificationsOf(userId: string): Promise<number> {
    return this.stmt('DELETE FROM notifications WHERE user_id = ?').run(userId).changes;
  }

  async deleteByCase(caseIds: string[]): Promise<number> {
    const ids = caseIdsToMatch(caseIds);
    if (ids.length === 0) return 0;
    return this.stmt('DELETE FROM notifications WHERE case_id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids)).changes;
  }

  // ---- dead letters ------------------------------------------------------------------------

  async addDeadLetter(d: DeadLetterRecord): Promise<void> {
    this.stmt(
      `INSERT INTO notification_dead_letters (id, channel, recipient, subject, error, attempts, created_at, payload, case_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET error = excluded.error, attempts = excluded.attempts,
         recipient = excluded.recipient, subject = excluded.subject, payload = excluded.payload,
         case_id = COALESCE(excluded.case_id, notification_dead_letters.case_id)`,
    ).run(d.id, d.channel, d.recipient, d.subject, d.error, d.attempts, d.createdAt, JSON.stringify(d.payload), d.caseId ?? null);
  }

  async listDeadLetters(query: DeadLetterQuery = {}): Promise<DeadLetterRecord[]> {
    const rows = this.stmt('SELECT * FROM notification_dead_letters ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?').all(
      ...limitOffset(query),
    ) as DeadLetterRow[];
    return rows.map(toDeadLetter);
  }

  async countDeadLetters(): Promise<number> {
    return (this.stmt('SELECT COUNT(*) AS n FROM notification_dead_letters').get() as { n: number }).n;
  }

  async getDeadLetter(id: string): Promise<DeadLetterRecord | undefined> {
    const row = this.stmt('SELECT * FROM notification_dead_letters WHERE id = ?').get(id) as DeadLetterRow | undefined;
    return row ? toDeadLetter(row) : undefined;
  }

  async deleteDeadLetter(id: string): Promise<void> {
    this.stmt('DELETE FROM notification_dead_letters WHERE id = ?').run(id);
  }

  async deleteDeadLettersByCase(caseIds: string[]): Promise<number> {
    const ids = caseIdsToMatch(caseIds);
    if (ids.length === 0) return 0;
    return this.stmt('DELETE FROM notification_dead_letters WHERE case_id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids)).changes;
  }
}
