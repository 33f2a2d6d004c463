import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { NotFound } from '../../src/errors.ts';
import { notificationEvent } from '../../src/notifications/events.ts';
import { deadLetterId, notificationId, type DeadLetterRecord, type InboxStore, type NotificationRecord } from '../../src/notifications/inboxStore.ts';
import type { Mailer } from '../../src/notifications/mailer.ts';
import { Notifier } from '../../src/notifications/notifier.ts';
import { ManualClock } from '../../src/clock.ts';
import { MongoInbox } from '../../src/store/mongo/inbox.ts';
import { SqliteInbox } from '../../src/store/sqlite/inbox.ts';
import { DDL, MIGRATIONS, SCHEMA_VERSION } from '../../src/store/sqlite/schema.ts';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.ts';
import { onSqliteAndMongo } from '../helpers/bothDatabases.ts';

interface InboxFixture {
  inbox: InboxStore;
  cleanup(): Promise<void>;
}

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 8, minute)).toISOString();

function note(eventId: string, userId: string, minute: number, extra: Partial<NotificationRecord> = {}): NotificationRecord {
  return {
    id: notificationId(eventId, userId),
    userId,
    event: 'task.assigned',
    eventId,
    subject: `Neue Aufgabe: ${eventId}`,
    body: `Text für ${userId} – Prüfung`,
    link: `/tasks/${eventId}`,
    caseId: null,
    createdAt: at(minute),
    readAt: null,
    ...extra,
  };
}

function deadLetter(eventId: string, userId: string, minute: number, error = '451 später', caseId: string | null = null): DeadLetterRecord {
  return {
    id: deadLetterId('email', eventId, userId),
    channel: 'email',
    recipient: `${userId}@herne.example`,
    subject: `Neue Aufgabe: ${eventId}`,
    error,
    attempts: 5,
    createdAt: at(minute),
    caseId,
    payload: {
      eventId, event: 'task.assigned', userId, to: `${userId}@herne.example`, subject: `Neue Aufgabe: ${eventId}`, text: 'Grüße',
      ...(caseId ? { caseId } : {}),
    },
  };
}

/** A mailer that refuses every message for good (SMTP 550): the Notifier dead-letters at once. */
const refusingMailer: Mailer = {
  dryRun: false,
  send: async () => {
    throw Object.assign(new Error('Empfaenger unbekannt'), { responseCode: 550 });
  },
  verify: async () => undefined,
  close: () => undefined,
};

/** The behaviour every InboxStore adapter must show, run against SQLite always and MongoDB when available. */
function inboxContract(open: (ctx: Mocha.Context) => Promise<InboxFixture>): void {
  let f: InboxFixture;

  beforeEach(async function () {
    f = await open(this);
    await f.inbox.init();
    await f.inbox.init(); // idempotent
  });

  afterEach(async () => {
    await f?.cleanup();
  });

  it('addNotification is idempotent by id and lists a user\'s own entries, newest first', async () => {
    const { inbox } = f;
    expect(await inbox.addNotification(note('e1', 'sina', 1))).to.equal(true);
    expect(await inbox.addNotification(note('e1', 'sina', 9, { subject: 'zweite Zustellung' }))).to.equal(false);
    expect(await inbox.addNotification(note('e2', 'sina', 2))).to.equal(true);
    expect(await inbox.addNotification(note('e1', 'ole', 3))).to.equal(true);

    const sina = await inbox.listNotifications('sina');
    expect(sina.map((n) => n.eventId)).to.deep.equal(['e2', 'e1']);
    expect(sina[1]).to.deep.equal(note('e1', 'sina', 1));
    expect(await inbox.countNotifications('sina')).to.equal(2);
    expect(await inbox.countUnread('ole')).to.equal(1);
    expect(await inbox.listNotifications('niemand')).to.deep.equal([]);
  });

  it('pages and filters unread', async () => {
    const { inbox } = f;
    for (let i = 1; i <= 5; i++) await inbox.addNotification(note(`e${i}`, 'sina', i));
    expect((await inbox.listNotifications('sina', { firstResult: 1, maxResults: 2 })).map((n) => n.eventId)).to.deep.equal(['e4', 'e3']);
    expect(await inbox.listNotifications('sina', { maxResults: 0 })).to.deep.equal([]);
    expect((await inbox.listNotifications('sina', { firstResult: 4 })).map((n) => n.eventId)).to.deep.equal(['e1']);
    await inbox.markRead('sina', notificationId('e4', 'sina'), at(30));
    expect((await inbox.listNotifications('sina', { unreadOnly: true })).map((n) => n.eventId)).to.deep.equal(['e5', 'e3', 'e2', 'e1']);
    expect(await inbox.countNotifications('sina', { unreadOnly: true })).to.equal(4);
  });

  it('markRead: own only (NotFound otherwise), keeps the first read time; markAllRead touches only the user\'s unread', async () => {
    const { inbox } = f;
    await inbox.addNotification(note('e1', 'sina', 1));
    await inbox.addNotification(note('e2', 'sina', 2));
    await inbox.addNotification(note('e1', 'ole', 1));
    const id = notificationId('e1', 'sina');

    await inbox.markRead('sina', id, at(10));
    await inbox.markRead('sina', id, at(20));
    expect((await inbox.listNotifications('sina')).find((n) => n.id === id)!.readAt).to.equal(at(10));

    let err: unknown;
    try {
      await inbox.markRead('ole', id, at(11));
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(NotFound);
    await inbox.markRead('sina', 'f'.repeat(32), at(11)).then(
      () => expect.fail('expected NotFound'),
      (e) => expect(e).to.be.instanceOf(NotFound),
    );

    expect(await inbox.markAllRead('sina', at(30))).to.equal(1);
    expect(await inbox.markAllRead('sina', at(31))).to.equal(0);
    expect(await inbox.countUnread('sina')).to.equal(0);
    expect(await inbox.countUnread('ole')).to.equal(1);
    expect((await inbox.listNotifications('sina')).map((n) => n.readAt)).to.deep.equal([at(30), at(10)]);

    expect(await inbox.deleteNotificationsOf('sina')).to.equal(2);
    expect(await inbox.countNotifications('sina')).to.equal(0);
    expect(await inbox.countNotifications('ole')).to.equal(1);
  });

  it('dead letters: one per id (a repeat updates error and attempts, keeps createdAt), newest first, get/delete', async () => {
    const { inbox } = f;
    await inbox.addDeadLetter(deadLetter('e1', 'sina', 1));
    await inbox.addDeadLetter(deadLetter('e2', 'ole', 2));
    await inbox.addDeadLetter({ ...deadLetter('e1', 'sina', 5, '550 unbekannt'), attempts: 1 });

    expect(await inbox.countDeadLetters()).to.equal(2);
    const list = await inbox.listDeadLetters();
    expect(list.map((d) => d.payload.eventId)).to.deep.equal(['e2', 'e1']);
    expect(list[1]).to.deep.equal({ ...deadLetter('e1', 'sina', 1, '550 unbekannt'), attempts: 1 });
    expect((await inbox.listDeadLetters({ firstResult: 1, maxResults: 1 })).map((d) => d.payload.eventId)).to.deep.equal(['e1']);
    expect(await inbox.getDeadLetter(deadLetterId('email', 'e2', 'ole'))).to.deep.equal(deadLetter('e2', 'ole', 2));
    await inbox.deleteDeadLetter(deadLetterId('email', 'e2', 'ole'));
    await inbox.deleteDeadLetter('unbekannt');
    expect(await inbox.getDeadLetter(deadLetterId('email', 'e2', 'ole'))).to.equal(undefined);
    expect(await inbox.countDeadLetters()).to.equal(1);
  });

  it('deleteByCase removes every user\'s entries of the named cases, only those; the case id round-trips', async () => {
    const { inbox } = f;
    await inbox.addNotification(note('e1', 'sina', 1, { caseId: 'HH-1' }));
    await inbox.addNotification(note('e1', 'ole', 1, { caseId: 'HH-1' }));
    await inbox.addNotification(note('e2', 'sina', 2, { caseId: 'FALL-HH-1' }));
    await inbox.addNotification(note('e3', 'sina', 3, { caseId: 'HH-2' }));
    await inbox.addNotification(note('e4', 'sina', 4)); // no case
    expect((await inbox.listNotifications('sina')).map((n) => [n.eventId, n.caseId])).to.deep.equal([
      ['e4', null], ['e3', 'HH-2'], ['e2', 'FALL-HH-1'], ['e1', 'HH-1'],
    ]);
    expect((await inbox.listNotifications('ole'))[0]).to.deep.equal(note('e1', 'ole', 1, { caseId: 'HH-1' }));

    expect(await inbox.deleteByCase([])).to.equal(0);
    expect(await inbox.deleteByCase(['', 'UNBEKANNT'])).to.equal(0);
    expect(await inbox.deleteByCase(['HH-1', 'FALL-HH-1', 'HH-1'])).to.equal(3);
    expect((await inbox.listNotifications('sina')).map((n) => n.eventId)).to.deep.equal(['e4', 'e3']);
    expect(await inbox.countNotifications('ole')).to.equal(0);
    expect(await inbox.deleteByCase(['HH-1', 'FALL-HH-1'])).to.equal(0); // idempotent
    // An id that was used once is free again: the same event for a new case is a new entry.
    expect(await inbox.addNotification(note('e1', 'ole', 9, { caseId: 'HH-1' }))).to.equal(true);
  });

  it('deleteDeadLettersByCase removes the dead letters of the named cases, only those', async () => {
    const { inbox } = f;
    await inbox.addDeadLetter(deadLetter('e1', 'sina', 1, '550 unbekannt', 'HH-1'));
    await inbox.addDeadLetter(deadLetter('e2', 'ole', 2, '550 unbekannt', 'HH-2'));
    await inbox.addDeadLetter(deadLetter('e3', 'ole', 3));
    // A repeat that does not know the case keeps the case the first record named.
    await inbox.addDeadLetter({ ...deadLetter('e1', 'sina', 4, '451 wieder'), attempts: 2 });
    expect(await inbox.getDeadLetter(deadLetterId('email', 'e1', 'sina'))).to.deep.include({ caseId: 'HH-1', attempts: 2, createdAt: at(1) });
    expect(await inbox.getDeadLetter(deadLetterId('email', 'e2', 'ole'))).to.deep.equal(deadLetter('e2', 'ole', 2, '550 unbekannt', 'HH-2'));
    expect((await inbox.getDeadLetter(deadLetterId('email', 'e3', 'ole')))!.caseId).to.equal(null);

    expect(await inbox.deleteDeadLettersByCase([])).to.equal(0);
    expect(await inbox.deleteDeadLettersByCase(['HH-1', 'HH-9'])).to.equal(1);
    expect((await inbox.listDeadLetters()).map((d) => d.payload.eventId)).to.deep.equal(['e3', 'e2']);
    expect(await inbox.deleteDeadLettersByCase(['HH-1'])).to.equal(0);
  });

  it('the Notifier records the event\'s caseReference on inbox entries and dead letters; deleteByCase finds them', async () => {
    const { inbox } = f;
    const notifier = new Notifier({ inbox, mailer: refusingMailer, clock: new ManualClock(Date.parse(at(0))) });
    const abh = notificationEvent('escalation.raised', 'esc-3', {
      level: 3, targetGroup: 'abh', caseReference: 'FALL-HH-7', minimalData: { name: 'Olena Beispiel', dateOfBirth: '1988-04-02', abhAktenzeichen: 'ABH-1' },
    });
    const assigned = notificationEvent('task.assigned', 'task-1:assigned', { taskId: 'task-1', taskName: 'Clearing', processName: 'kim', caseReference: 'HH-7' });
    const none = notificationEvent('deadline.reached', 'deadline-9', { what: 'Anmeldung', dueDate: '2026-03-15', escalationLevel: 0 });
    await notifier.notify(abh, [{ userId: 'abh-1', email: 'abh@herne.example' }]);
    await notifier.notify(assigned, [{ userId: 'sina' }]);
    await notifier.notify(none, [{ userId: 'sina' }]);

    expect((await inbox.listNotifications('abh-1')).map((n) => n.caseId)).to.deep.equal(['FALL-HH-7']);
    expect((await inbox.listNotifications('sina')).map((n) => [n.event, n.caseId])).to.have.deep.members([['task.assigned', 'HH-7'], ['deadline.reached', null]]);
    const [dl] = await inbox.listDeadLetters();
    expect(dl).to.deep.include({ caseId: 'FALL-HH-7', attempts: 1 });
    expect(dl!.payload).to.deep.include({ caseId: 'FALL-HH-7' });

    expect(await inbox.deleteByCase(['HH-7', 'FALL-HH-7'])).to.equal(2);
    expect(await inbox.deleteDeadLettersByCase(['HH-7', 'FALL-HH-7'])).to.equal(1);
    expect(await inbox.countNotifications('abh-1')).to.equal(0);
    expect((await inbox.listNotifications('sina')).map((n) => n.event)).to.deep.equal(['deadline.reached']);
    expect(await inbox.countDeadLetters()).to.equal(0);
  });

  it('concurrent duplicate deliveries of one event create one entry per user', async () => {
    const { inbox } = f;
    const notifier = new Notifier({ inbox, clock: new ManualClock(Date.parse(at(0))) });
    const event = notificationEvent('deadline.reached', 'deadline-1', { what: 'Anmeldung', dueDate: '2026-03-15', escalationLevel: 0 });
    const results = await Promise.all(Array.from({ length: 5 }, () => notifier.notify(event, [{ userId: 'sina' }, { userId: 'ole' }])));
    expect(results.reduce((n, r) => n + r.created, 0)).to.equal(2);
    expect(await inbox.countNotifications('sina')).to.equal(1);
    expect(await inbox.countNotifications('ole')).to.equal(1);
    expect((await inbox.listNotifications('ole'))[0]!.subject).to.equal('Frist erreicht: Anmeldung');
  });
}

onSqliteAndMongo('InboxStore contract', inboxContract, {
  sqlite: (db) => ({ inbox: new SqliteInbox(db) }),
  mongo: (db) => ({ inbox: new MongoInbox(db) }),
});

describe('InboxStore: SQLite schema v3 (case of notifications and dead letters)', function () {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kim-inbox-v3-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The inbox tables as the code before v3 created them (no case_id), with one entry and one dead letter. */
  function inboxBeforeV3(db: Database.Database): void {
    db.exec(`
CREATE TABLE notifications (id TEXT PRIMARY KEY NOT NULL, user_id TEXT NOT NULL, event TEXT NOT NULL, event_id TEXT NOT NULL,
  subject TEXT NOT NULL, body TEXT NOT NULL, link TEXT, created_at TEXT NOT NULL, read_at TEXT);
CREATE INDEX notifications_user_created ON notifications(user_id, created_at DESC, id DESC);
CREATE TABLE notification_dead_letters (id TEXT PRIMARY KEY NOT NULL, channel TEXT NOT NULL, recipient TEXT NOT NULL, subject TEXT NOT NULL,
  error TEXT NOT NULL, attempts INTEGER NOT NULL, created_at TEXT NOT NULL, payload TEXT NOT NULL);`);
    const n = note('old-1', 'sina', 1);
    db.prepare('INSERT INTO notifications (id, user_id, event, event_id, subject, body, link, created_at, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(n.id, n.userId, n.event, n.eventId, n.subject, n.body, n.link, n.createdAt, n.readAt);
    const d = deadLetter('old-1', 'sina', 1);
    db.prepare('INSERT INTO notification_dead_letters (id, channel, recipient, subject, error, attempts, created_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(d.id, d.channel, d.recipient, d.subject, d.error, d.attempts, d.createdAt, JSON.stringify(d.payload));
  }
  const columns = (db: Database.Database, table: string) =>
    (db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as Array<{ name: string }>).map((c) => c.name);

  it('SqliteStore migrates a v2 database: existing entries read caseId null, new ones are deleted by case', async () => {
    const file = join(dir, 'kim.db');
    const old = new Database(file);
    old.exec(DDL);
    for (const [version, sql] of MIGRATIONS) if (version <= 2) old.exec(sql);
    inboxBeforeV3(old);
    old.pragma('user_version = 2');
    old.close();

    const store = new SqliteStore({ file });
    await store.init();
    try {
      expect(await store.inbox.listNotifications('sina')).to.deep.equal([note('old-1', 'sina', 1)]);
      expect(await store.inbox.listDeadLetters()).to.deep.equal([deadLetter('old-1', 'sina', 1)]);
      await store.inbox.addNotification(note('new-1', 'sina', 2, { caseId: 'HH-1' }));
      await store.inbox.addDeadLetter(deadLetter('new-1', 'sina', 2, '550', 'HH-1'));
      expect(await store.inbox.deleteByCase(['HH-1'])).to.equal(1);
      expect(await store.inbox.deleteDeadLettersByCase(['HH-1'])).to.equal(1);
      expect((await store.inbox.listNotifications('sina')).map((n) => n.eventId)).to.deep.equal(['old-1']);
      expect(await store.inbox.countDeadLetters()).to.equal(1);
    } finally {
      await store.close();
    }
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).to.equal(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).to.equal(3);
    expect(columns(db, 'notifications')).to.include('case_id');
    expect(columns(db, 'notification_dead_letters')).to.include('case_id');
    const indexes = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).all() as Array<{ name: string }>).map((i) => i.name);
    expect(indexes).to.include.members(['notifications_by_case', 'notification_dead_letters_by_case']);
    db.close();
    // Opening it again (at v3 already) changes nothing.
    const again = new SqliteStore({ file });
    await again.init();
    expect(await again.inbox.countNotifications('sina')).to.equal(1);
    await again.close();
  });

  it('a fresh SqliteStore and a v1 database get the column too; standalone SqliteInbox.init() adds it to old tables', async () => {
    const fresh = new SqliteStore({ file: join(dir, 'fresh.db') });
    await fresh.init();
    await fresh.inbox.addNotification(note('e1', 'sina', 1, { caseId: 'HH-1' }));
    expect(await fresh.inbox.deleteByCase(['HH-1'])).to.equal(1);
    await fresh.close();

    const v1file = join(dir, 'v1.db');
    const v1 = new Database(v1file);
    v1.exec(DDL);
    v1.pragma('user_version = 1');
    v1.close();
    const upgraded = new SqliteStore({ file: v1file });
    await upgraded.init();
    await upgraded.inbox.addNotification(note('e1', 'sina', 1, { caseId: 'HH-1' }));
    expect((await upgraded.inbox.listNotifications('sina'))[0]!.caseId).to.equal('HH-1');
    await upgraded.close();

    const db = new Database(join(dir, 'standalone.db'));
    try {
      inboxBeforeV3(db);
      const inbox = new SqliteInbox(db);
      await inbox.init();
      await inbox.init();
      expect(columns(db, 'notifications')).to.include('case_id');
      expect((await inbox.listNotifications('sina'))[0]!.caseId).to.equal(null);
      expect((await inbox.getDeadLetter(deadLetterId('email', 'old-1', 'sina')))!.caseId).to.equal(null);
    } finally {
      db.close();
    }
  });
});
