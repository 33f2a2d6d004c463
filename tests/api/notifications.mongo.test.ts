import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { NotFound } from '../../src/errors.ts';
import { notificationEvent } from '../../src/notifications/events.ts';
import { deadLetterId, notificationId, type DeadLetterRecord, type InboxStore, type NotificationRecord } from '../../src/notifications/inboxStore.ts';
import { Notifier } from '../../src/notifications/notifier.ts';
import { ManualClock } from '../../src/clock.ts';
import { MongoInbox } from '../../src/store/mongo/inbox.ts';
import { SqliteInbox } from '../../src/store/sqlite/inbox.ts';
import { requireService, uniqueName } from '../helpers/requireService.ts';

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
    createdAt: at(minute),
    readAt: null,
    ...extra,
  };
}

function deadLetter(eventId: string, userId: string, minute: number, error = '451 später'): DeadLetterRecord {
  return {
    id: deadLetterId('email', eventId, userId),
    channel: 'email',
    recipient: `${userId}@herne.example`,
    subject: `Neue Aufgabe: ${eventId}`,
    error,
    attempts: 5,
    createdAt: at(minute),
    payload: { eventId, event: 'task.assigned', userId, to: `${userId}@herne.example`, subject: `Neue Aufgabe: ${eventId}`, text: 'Grüße' },
  };
}

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

describe('InboxStore contract: SqliteInbox', function () {
  inboxContract(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kim-inbox-'));
    const db = new Database(join(dir, 'inbox.db'));
    db.pragma('journal_mode = WAL');
    return {
      inbox: new SqliteInbox(db),
      async cleanup() {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

describe('InboxStore contract: MongoInbox (MONGODB_URL)', function () {
  let client: MongoClient | undefined;

  before(async function () {
    const url = requireService(this, 'MONGODB_URL');
    client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
    await client.connect();
  });

  after(async () => {
    await client?.close();
  });

  inboxContract(async () => {
    const db = client!.db(uniqueName('inbox'));
    return {
      inbox: new MongoInbox(db),
      async cleanup() {
        await db.dropDatabase();
      },
    };
  });
});
