import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import Database from 'better-sqlite3';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { errorMiddleware } from '../../src/api/middleware/errors.ts';
import { notificationsRouter } from '../../src/api/routes/notifications.ts';
import type { AppState } from '../../src/api/types.ts';
import { ManualClock } from '../../src/clock.ts';
import { authMiddleware } from '../../src/identity/auth.ts';
import { hashPassword } from '../../src/identity/password.ts';
import { notificationEvent } from '../../src/notifications/events.ts';
import { deadLetterId, notificationId } from '../../src/notifications/inboxStore.ts';
import { createMailer, type Mailer } from '../../src/notifications/mailer.ts';
import { Notifier, resolveRecipients, type NotifierOptions } from '../../src/notifications/notifier.ts';
import { SqliteIdentity } from '../../src/store/sqlite/identity.ts';
import { SqliteInbox } from '../../src/store/sqlite/inbox.ts';
import { basic } from '../helpers/identityApp.ts';

// ---- a real SMTP server on loopback ---------------------------------------------------------

interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  headers: Record<string, string>;
  subject: string;
  text: string;
  raw: string;
}

interface TestSmtp {
  url: string;
  received: ReceivedMail[];
  /** DATA commands seen (accepted or rejected). */
  attempts: number;
  /** Decides per DATA attempt (1-based): undefined accepts, an error rejects with its code. */
  reject: (attempt: number) => { code: number; message: string } | undefined;
  close(): Promise<void>;
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) → text. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
    );
}

function decodeQuotedPrintable(body: string): string {
  const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Minimal RFC 5322 parse of a single-part text message: headers (unfolded, decoded) + body. */
function parseMessage(raw: string): { headers: Record<string, string>; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  const body = raw.slice(split + 4);
  const cte = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const text = cte === 'quoted-printable' ? decodeQuotedPrintable(body) : cte === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : Buffer.from(body, 'latin1').toString('utf8');
  return { headers, text: text.replace(/\r\n/g, '\n') };
}

async function startSmtp(): Promise<TestSmtp> {
  const state = {
    received: [] as ReceivedMail[],
    attempts: 0,
    reject: (_attempt: number): { code: number; message: string } | undefined => undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        state.attempts += 1;
        const rejection = state.reject(state.attempts);
        if (rejection) {
          const err = Object.assign(new Error(rejection.message), { responseCode: rejection.code });
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks).toString('latin1');
        const { headers, text } = parseMessage(raw);
        state.received.push({
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          headers,
          subject: headers['subject'] ?? '',
          text,
          raw,
        });
        callback(null, 'Nachricht angenommen');
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return Object.assign(state, {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as TestSmtp;
}

// ---- the app: auth + notifications router over one temp SQLite db --------------------------

const PASSWORD = 'Test-Passwort-1';
const USERS = {
  sina: { email: 'sina.sachbearbeitung@herne.example', groups: ['cm-ki'] },
  ole: { email: null, groups: ['cm-ki'] },
  koordination: { email: 'kim-koordination@herne.example', groups: ['kim-koordination'] },
  abh: { email: 'abh-postfach@herne.example', groups: ['abh'] },
} as const;
type UserId = keyof typeof USERS;

describe('notifications: SMTP delivery, inbox, retries, dead letters, /api/notifications', function () {
  let dir: string;
  let db: Database.Database;
  let inbox: SqliteInbox;
  let identity: SqliteIdentity;
  let server: Server;
  let baseUrl: string;
  let smtp: TestSmtp;
  let mailer: Mailer;
  const clock = new ManualClock(Date.parse('2026-03-01T08:00:00Z'));
  const sleeps: number[] = [];

  function notifier(extra: Partial<NotifierOptions> = {}): Notifier {
    return new Notifier({
      inbox,
      mailer,
      clock,
      attempts: 5,
      backoffMs: 5,
      sleep: async (ms) => {
        sleeps.push(ms);
        await new Promise((r) => setTimeout(r, ms));
      },
      ...extra,
    });
  }

  function recipients(...ids: UserId[]) {
    return ids.map((id) => ({ userId: id, email: USERS[id].email }));
  }

  async function call(method: string, path: string, user: UserId | undefined): Promise<{ status: number; body: any }> {
    const res = await fetch(baseUrl + path, { method, headers: user ? { Authorization: basic(user, PASSWORD) } : {} });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  const assigned = (id: string, taskName = 'Prüfung der Unterlagen für Familie Müller-Öztürk') =>
    notificationEvent('task.assigned', id, { taskId: `task-${id}`, taskName, processName: 'Ankommensverfahren', dueDate: '2026-03-15' });

  before(async () => {
    smtp = await startSmtp();
    mailer = createMailer({ smtpUrl: smtp.url, from: 'KIM Herne <kim-noreply@herne.example>', connectionTimeout: 2000, greetingTimeout: 2000, socketTimeout: 5000 });
  });

  after(async () => {
    mailer.close();
    await smtp.close();
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kim-notifications-'));
    db = new Database(join(dir, 'kim.db'));
    db.pragma('journal_mode = WAL');
    db.exec(SqliteIdentity.schema);
    db.exec(SqliteInbox.schema);
    identity = new SqliteIdentity(db);
    inbox = new SqliteInbox(db);
    const passwordHash = await hashPassword(PASSWORD);
    for (const [id, u] of Object.entries(USERS)) {
      await identity.createUser({ id, firstName: id, lastName: null, email: u.email, passwordHash });
      for (const g of u.groups) {
        if (!(await identity.getGroup(g))) await identity.createGroup({ id: g, name: g, type: 'WORKFLOW' });
        await identity.addMembership(g, id);
      }
    }
    clock.set(Date.parse('2026-03-01T08:00:00Z'));
    smtp.received.length = 0;
    smtp.attempts = 0;
    smtp.reject = () => undefined;
    sleeps.length = 0;

    const app = new Koa<AppState>();
    app.use(errorMiddleware(() => {}));
    app.use(bodyParser());
    const api = new Router<AppState>({ prefix: '/api' });
    api.use(authMiddleware(identity));
    api.use(notificationsRouter(inbox, clock).routes());
    app.use(api.routes()).use(api.allowedMethods());
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('delivery', () => {
    it('writes one inbox entry per user and e-mails those with an address: recipients, subject, body (umlauts intact)', async () => {
      // Given a task assigned to two users, one of them without e-mail address
      const event = assigned('e1');
      // When notified
      const result = await notifier().notify(event, recipients('sina', 'ole'));
      // Then exactly one e-mail went out, to sina, from the configured sender
      expect(result.created).to.equal(2);
      expect(result.emails.map((e) => [e.userId, e.status, e.attempts])).to.deep.equal([
        ['sina', 'sent', 1],
        ['ole', 'no-address', 0],
      ]);
      expect(smtp.received).to.have.length(1);
      const mail = smtp.received[0]!;
      expect(mail.envelopeTo).to.deep.equal([USERS.sina.email]);
      expect(mail.envelopeFrom).to.equal('kim-noreply@herne.example');
      expect(mail.headers['to']).to.equal(USERS.sina.email);
      expect(mail.headers['content-type']).to.match(/^text\/plain; charset=utf-8/i);
      // And subject and body are the German template with umlauts intact
      expect(mail.subject).to.equal('Neue Aufgabe: Prüfung der Unterlagen für Familie Müller-Öztürk');
      expect(mail.text).to.contain('Ihnen wurde eine Aufgabe zugewiesen.');
      expect(mail.text).to.contain('Aufgabe: Prüfung der Unterlagen für Familie Müller-Öztürk');
      expect(mail.text).to.contain('Prozess: Ankommensverfahren');
      expect(mail.text).to.contain('Fällig am: 15.03.2026');
      expect(mail.text).to.contain('Aufgabe öffnen: /tasks/task-e1');
      // And both users have their inbox entry, with the deterministic id
      for (const user of ['sina', 'ole'] as const) {
        const rows = await inbox.listNotifications(user);
        expect(rows).to.have.length(1);
        expect(rows[0]).to.deep.include({
          id: notificationId('e1', user),
          userId: user,
          event: 'task.assigned',
          eventId: 'e1',
          subject: 'Neue Aufgabe: Prüfung der Unterlagen für Familie Müller-Öztürk',
          link: '/tasks/task-e1',
          createdAt: '2026-03-01T08:00:00.000Z',
          readAt: null,
        });
        expect(rows[0]!.body).to.equal(mail.text.trimEnd() + '\n');
      }
    });

    it('absolute links in e-mails with linkBaseUrl, the inbox keeps the path', async () => {
      await notifier({ linkBaseUrl: 'https://kim.herne.example' }).notify(assigned('e-link'), recipients('sina'));
      expect(smtp.received[0]!.text).to.contain('Aufgabe öffnen: https://kim.herne.example/tasks/task-e-link');
      expect((await inbox.listNotifications('sina'))[0]!.body).to.contain('Aufgabe öffnen: /tasks/task-e-link');
    });

    it('is idempotent: the same event twice → one inbox entry per user and one e-mail', async () => {
      // Given an event delivered twice (at-least-once producers)
      const event = assigned('e-dup');
      const n = notifier();
      const first = await n.notify(event, recipients('sina', 'ole'));
      clock.advance(60_000);
      const second = await n.notify(event, recipients('sina', 'ole', 'sina'));
      // Then the second delivery created nothing and sent nothing
      expect([first.created, first.duplicates]).to.deep.equal([2, 0]);
      expect([second.created, second.duplicates]).to.deep.equal([0, 2]);
      expect(second.emails.find((e) => e.userId === 'sina')!.status).to.equal('duplicate');
      expect(smtp.received).to.have.length(1);
      expect(await inbox.countNotifications('sina')).to.equal(1);
      expect(await inbox.countNotifications('ole')).to.equal(1);
      expect((await inbox.listNotifications('sina'))[0]!.createdAt).to.equal('2026-03-01T08:00:00.000Z');
    });

    it('escalation to the ABH: the mailbox gets the minimal data set only, never case notes or health data', async () => {
      // Given a level-3 escalation whose payload carries more than the ABH may see
      const event = {
        id: 'esc-1',
        type: 'escalation.raised' as const,
        payload: {
          level: 3 as const,
          targetGroup: 'abh',
          caseReference: 'K-2026-0042',
          minimalData: { name: 'Olena Beispiel', dateOfBirth: '1988-04-02', abhAktenzeichen: 'ABH-2025-7781', recommendedPath: 'P25B', keyDeadline: '2026-11-30' },
          caseNotes: 'GEHEIM Fallnotiz',
          healthData: 'GEHEIM Diagnose',
        },
      };
      // When notified
      await notifier().notify(event, recipients('abh'));
      // Then the e-mail has the five fields and none of the rest; the subject names no person
      const mail = smtp.received[0]!;
      expect(mail.subject).to.equal('Eskalation Stufe 3 an die Ausländerbehörde: Fall K-2026-0042');
      expect(mail.text).to.contain('Name: Olena Beispiel');
      expect(mail.text).to.contain('Geburtsdatum: 02.04.1988');
      expect(mail.text).to.contain('Maßgebliche Frist: 30.11.2026');
      expect(mail.raw).to.not.contain('GEHEIM');
      expect((await inbox.listNotifications('abh'))[0]!.body).to.not.contain('GEHEIM');
    });

    it('retries with exponential backoff: rejected twice (451), accepted the third time → delivered once', async () => {
      // Given an SMTP server that rejects the first two attempts with a temporary error
      smtp.reject = (attempt) => (attempt <= 2 ? { code: 451, message: `Voruebergehend nicht verfuegbar (${attempt})` } : undefined);
      // When notified
      const result = await notifier().notify(assigned('e-retry'), recipients('sina'));
      // Then it was delivered once, on the third attempt, after waits of 5 and 10 ms
      expect(result.emails[0]).to.deep.include({ status: 'sent', attempts: 3 });
      expect(smtp.attempts).to.equal(3);
      expect(smtp.received).to.have.length(1);
      expect(sleeps).to.deep.equal([5, 10]);
      expect(await inbox.countDeadLetters()).to.equal(0);
    });

    it('always rejecting → dead letter after the last attempt, with the SMTP error text, shown to kim-koordination', async () => {
      // Given an SMTP server that always rejects temporarily
      smtp.reject = () => ({ code: 451, message: 'Postfach voruebergehend gesperrt' });
      // When notified
      const result = await notifier().notify(assigned('e-dead'), recipients('sina'));
      // Then all 5 attempts were made, with doubling waits, and a dead letter was written
      expect(result.emails[0]).to.deep.include({ status: 'dead-lettered', attempts: 5 });
      expect(smtp.attempts).to.equal(5);
      expect(sleeps).to.deep.equal([5, 10, 20, 40]);
      const [dl] = await inbox.listDeadLetters();
      expect(dl).to.deep.include({ id: deadLetterId('email', 'e-dead', 'sina'), channel: 'email', recipient: USERS.sina.email, attempts: 5 });
      expect(dl!.error).to.contain('451').and.to.contain('Postfach voruebergehend gesperrt');
      expect(dl!.payload).to.deep.include({ eventId: 'e-dead', userId: 'sina', to: USERS.sina.email });
      // And the in-app notification is there regardless
      expect(await inbox.countUnread('sina')).to.equal(1);
      // When kim-koordination reads the dead-letter list over HTTP
      const res = await call('GET', '/api/notifications/dead-letters', 'koordination');
      // Then it shows the failure, without the message text
      expect(res.status).to.equal(200);
      expect(res.body.count).to.equal(1);
      expect(res.body.items[0]).to.deep.include({
        id: dl!.id,
        channel: 'email',
        recipient: USERS.sina.email,
        userId: 'sina',
        event: 'task.assigned',
        eventId: 'e-dead',
        attempts: 5,
        subject: 'Neue Aufgabe: Prüfung der Unterlagen für Familie Müller-Öztürk',
      });
      expect(res.body.items[0].error).to.contain('Postfach voruebergehend gesperrt');
      expect(res.body.items[0]).to.not.have.property('payload');
      expect(JSON.stringify(res.body)).to.not.contain('Ihnen wurde');
      // And an ordinary user gets 403
      expect((await call('GET', '/api/notifications/dead-letters', 'sina')).status).to.equal(403);
    });

    it('a permanent rejection (550) is not retried: dead letter after one attempt', async () => {
      smtp.reject = () => ({ code: 550, message: 'Empfaenger unbekannt' });
      const result = await notifier().notify(assigned('e-550'), recipients('sina'));
      expect(result.emails[0]).to.deep.include({ status: 'dead-lettered', attempts: 1 });
      expect(smtp.attempts).to.equal(1);
      expect(sleeps).to.deep.equal([]);
      expect((await inbox.getDeadLetter(deadLetterId('email', 'e-550', 'sina')))!.error).to.contain('Empfaenger unbekannt');
    });

    it('an address list smuggled into a user\'s e-mail field is not sent to anyone: dead letter, attempts 0', async () => {
      const result = await notifier().notify(assigned('e-bad'), [{ userId: 'sina', email: 'sina@herne.example, fremd@example.org' }]);
      expect(result.emails[0]).to.deep.include({ status: 'dead-lettered', attempts: 0 });
      expect(smtp.attempts).to.equal(0);
      expect(await inbox.countDeadLetters()).to.equal(1);
      expect(await inbox.countNotifications('sina')).to.equal(1);
    });

    it('an unreachable SMTP server ends in a dead letter with the connection error', async () => {
      const dead = createMailer({ smtpUrl: 'smtp://127.0.0.1:1', from: 'kim@herne.example', connectionTimeout: 500 });
      const result = await notifier({ mailer: dead, attempts: 2 }).notify(assigned('e-conn'), recipients('sina'));
      dead.close();
      expect(result.emails[0]).to.deep.include({ status: 'dead-lettered', attempts: 2 });
      expect((await inbox.listDeadLetters())[0]!.error).to.match(/ECONNREFUSED|ECONNECTION/);
    });

    it('resolveRecipients: users and candidate groups, each user once, with the e-mail from the identity store', async () => {
      const r = await resolveRecipients(identity, { users: ['ole', 'niemand', 'sina'], groups: ['cm-ki', 'abh'] });
      expect(r).to.deep.equal([
        { userId: 'abh', email: USERS.abh.email },
        { userId: 'ole', email: null },
        { userId: 'sina', email: USERS.sina.email },
      ]);
      // And the ABH mailbox gets the escalation by its group
      await notifier().notify(
        notificationEvent('escalation.raised', 'esc-group', { level: 1, targetGroup: 'cm-koordination', caseReference: 'K-9' }),
        await resolveRecipients(identity, { groups: ['kim-koordination'] }),
      );
      expect(smtp.received.map((m) => m.envelopeTo)).to.deep.equal([[USERS.koordination.email]]);
      expect(smtp.received[0]!.subject).to.equal('Eskalation Stufe 1: Fall K-9');
    });

    it('without a mailer only the inbox is written; with a queue the e-mail is dispatched instead of sent', async () => {
      const inboxOnly = await new Notifier({ inbox, clock }).notify(assigned('e-nomail'), recipients('sina'));
      expect(inboxOnly.emails[0]!.status).to.equal('disabled');
      const queued: unknown[] = [];
      const viaQueue = await new Notifier({ inbox, clock, dispatchEmail: async (p) => void queued.push(p) }).notify(assigned('e-queue'), recipients('sina', 'ole'));
      expect(viaQueue.emails.map((e) => e.status)).to.deep.equal(['queued', 'no-address']);
      expect(queued).to.deep.equal([
        { eventId: 'e-queue', event: 'task.assigned', userId: 'sina', to: USERS.sina.email, subject: 'Neue Aufgabe: Prüfung der Unterlagen für Familie Müller-Öztürk', text: (await inbox.listNotifications('sina')).find((n) => n.eventId === 'e-queue')!.body },
      ]);
      expect(smtp.received).to.have.length(0);
    });
  });

  describe('GET/POST /api/notifications', () => {
    beforeEach(async () => {
      // Given three notifications for sina (one minute apart) and one for ole
      const n = notifier({ mailer: undefined });
      for (const id of ['n1', 'n2', 'n3']) {
        await n.notify(assigned(id, `Aufgabe ${id}`), recipients('sina'));
        clock.advance(60_000);
      }
      await n.notify(assigned('n-ole', 'Aufgabe für Ole'), recipients('ole'));
    });

    it('lists only the caller\'s own notifications, newest first, with the unread count', async () => {
      const res = await call('GET', '/api/notifications', 'sina');
      expect(res.status).to.equal(200);
      expect(res.body.unread).to.equal(3);
      expect(res.body.count).to.equal(3);
      expect(res.body.items.map((i: any) => i.subject)).to.deep.equal(['Neue Aufgabe: Aufgabe n3', 'Neue Aufgabe: Aufgabe n2', 'Neue Aufgabe: Aufgabe n1']);
      expect(res.body.items[0]).to.have.keys(['id', 'event', 'subject', 'body', 'link', 'createdAt', 'readAt']);
      expect(JSON.stringify(res.body)).to.not.contain('Ole');
      const ole = await call('GET', '/api/notifications', 'ole');
      expect(ole.body.items.map((i: any) => i.subject)).to.deep.equal(['Neue Aufgabe: Aufgabe für Ole']);
    });

    it('pages with firstResult/maxResults', async () => {
      const res = await call('GET', '/api/notifications?firstResult=1&maxResults=1', 'sina');
      expect(res.body.items.map((i: any) => i.subject)).to.deep.equal(['Neue Aufgabe: Aufgabe n2']);
      expect(res.body.count).to.equal(3);
      expect((await call('GET', '/api/notifications?maxResults=-1', 'sina')).status).to.equal(400);
      expect((await call('GET', '/api/notifications?unreadOnly=vielleicht', 'sina')).status).to.equal(400);
    });

    it('marks one read (204), unreadOnly then leaves it out; read-all marks the rest', async () => {
      const id = notificationId('n2', 'sina');
      expect((await call('POST', `/api/notifications/${id}/read`, 'sina')).status).to.equal(204);
      // Marking again is fine and keeps the first read time
      clock.advance(60_000);
      expect((await call('POST', `/api/notifications/${id}/read`, 'sina')).status).to.equal(204);
      const unread = await call('GET', '/api/notifications?unreadOnly=true', 'sina');
      expect(unread.body.unread).to.equal(2);
      expect(unread.body.items.map((i: any) => i.id)).to.deep.equal([notificationId('n3', 'sina'), notificationId('n1', 'sina')]);
      const all = await call('GET', '/api/notifications', 'sina');
      expect(all.body.items.find((i: any) => i.id === id).readAt).to.equal('2026-03-01T08:03:00.000Z');

      expect((await call('POST', '/api/notifications/read-all', 'sina')).status).to.equal(204);
      expect((await call('GET', '/api/notifications', 'sina')).body.unread).to.equal(0);
      // ole's stays unread
      expect((await call('GET', '/api/notifications', 'ole')).body.unread).to.equal(1);
    });

    it('someone else\'s notification → 404, same as an unknown id; it stays unread', async () => {
      const olesId = notificationId('n-ole', 'ole');
      const foreign = await call('POST', `/api/notifications/${olesId}/read`, 'sina');
      const unknown = await call('POST', `/api/notifications/${'0'.repeat(32)}/read`, 'sina');
      const garbage = await call('POST', '/api/notifications/nicht-da/read', 'sina');
      expect(foreign.status).to.equal(404);
      expect(unknown.status).to.equal(404);
      expect(garbage.status).to.equal(404);
      expect(foreign.body.type).to.equal(unknown.body.type);
      expect(foreign.body.message).to.equal(`Notification '${olesId}' does not exist`);
      expect(await inbox.countUnread('ole')).to.equal(1);
    });

    it('needs authentication', async () => {
      expect((await call('GET', '/api/notifications', undefined)).status).to.equal(401);
    });
  });
});
