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
import { errorMiddleware } from '../../src/api/middleware/errors.ts';
import { auditRouter } from '../../src/api/routes/audit.ts';
import { consentsRouter } from '../../src/api/routes/consents.ts';
import type { AppState } from '../../src/api/types.ts';
import { ManualClock } from '../../src/clock.ts';
import { authMiddleware } from '../../src/identity/auth.ts';
import { hashPassword } from '../../src/identity/password.ts';
import { auditId, newAuditEntry, type AuditEntry } from '../../src/kim/auditStore.ts';
import { checkConsent } from '../../src/kim/consentGate.ts';
import { SqliteAudit } from '../../src/store/sqlite/audit.ts';
import { SqliteConsents } from '../../src/store/sqlite/consents.ts';
import { SqliteIdentity } from '../../src/store/sqlite/identity.ts';
import { basic } from '../helpers/identityApp.ts';

const PASSWORD = 'Test-Passwort-1';
const USERS = {
  'cm-awo': ['cm-traeger', 'org-awo'],
  'cm-ki': ['cm-ki', 'org-ki'],
  'cm-koord': ['cm-koordination'],
  'kim-koord': ['kim-koordination'],
  'abh-user': ['abh'],
  'jc-user': ['jobcenter'],
  'admin-user': ['admin'],
} as const;
type UserId = keyof typeof USERS;

const START = '2026-03-02T08:00:00.000Z';
const CASE = 'case-2026-0042';

const validBody = (extra: Record<string, unknown> = {}) => ({
  caseId: CASE,
  recipient: 'abh',
  purposes: ['aufenthaltssicherung'],
  dataCategories: ['name', 'geburtsdatum', 'abhAktenzeichen', 'recommendedPath', 'keyDeadline'],
  scope: ['DEADLINE_ESCALATION', 'UEBERLEITUNG'],
  ...extra,
});

describe('/api/consents and /api/audit (SQLite, over HTTP)', function () {
  let dir: string;
  let db: Database.Database;
  let identity: SqliteIdentity;
  let consents: SqliteConsents;
  let audit: SqliteAudit;
  let server: Server;
  let baseUrl: string;
  const clock = new ManualClock(Date.parse(START));
  let passwordHash: string;

  before(async () => {
    passwordHash = await hashPassword(PASSWORD);
  });

  async function call(method: string, path: string, user: UserId | undefined, body?: unknown): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = user ? { Authorization: basic(user, PASSWORD) } : {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async function record(user: UserId = 'cm-awo', extra: Record<string, unknown> = {}): Promise<any> {
    const res = await call('POST', '/api/consents', user, validBody(extra));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }

  const auditOf = (type: string) => audit.findAudit({ type });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kim-consents-'));
    db = new Database(join(dir, 'kim.db'));
    db.pragma('journal_mode = WAL');
    db.exec(SqliteIdentity.schema);
    db.exec(SqliteConsents.schema);
    db.exec(SqliteAudit.schema);
    identity = new SqliteIdentity(db);
    consents = new SqliteConsents(db);
    audit = new SqliteAudit(db);
    for (const [id, groups] of Object.entries(USERS)) {
      await identity.createUser({ id, firstName: id, lastName: null, email: null, passwordHash });
      for (const g of groups) {
        if (!(await identity.getGroup(g))) await identity.createGroup({ id: g, name: g, type: g.startsWith('org-') ? 'ORGANISATION' : 'WORKFLOW' });
        await identity.addMembership(g, id);
      }
    }
    clock.set(Date.parse(START));

    const app = new Koa<AppState>();
    app.use(errorMiddleware(() => {}));
    app.use(bodyParser());
    const api = new Router<AppState>({ prefix: '/api' });
    api.use(authMiddleware(identity));
    api.use(consentsRouter(consents, audit, clock).routes());
    api.use(auditRouter(audit, clock).routes());
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

  describe('POST /api/consents', () => {
    it('records a consent: 201 with the record, recorder, organisation and grantedAt = now', async () => {
      const res = await call('POST', '/api/consents', 'cm-awo', validBody({ personRef: 'person-1' }));
      expect(res.status).to.equal(201);
      expect(res.body.id).to.match(/^[0-9a-f-]{36}$/);
      expect(res.body).to.deep.equal({
        id: res.body.id,
        caseId: CASE,
        personRef: 'person-1',
        recipient: 'abh',
        purposes: ['aufenthaltssicherung'],
        dataCategories: ['name', 'geburtsdatum', 'abhAktenzeichen', 'recommendedPath', 'keyDeadline'],
        scope: ['DEADLINE_ESCALATION', 'UEBERLEITUNG'],
        grantedAt: START,
        validUntil: null,
        withdrawnAt: null,
        withdrawnBy: null,
        recordedBy: 'cm-awo',
        organisation: 'org-awo',
      });
      expect(await consents.getConsent(res.body.id)).to.deep.equal(res.body);
    });

    it('writes CONSENT_RECORDED with user, organisation, case, purpose, time and the facts of the consent', async () => {
      clock.set(Date.parse('2026-03-02T09:15:00Z'));
      const c = await record('cm-ki', { grantedAt: '2026-03-01T10:00:00+01:00', validUntil: '2027-03-01T00:00:00Z' });
      expect(c.grantedAt).to.equal('2026-03-01T09:00:00.000Z');
      const entries = await auditOf('CONSENT_RECORDED');
      expect(entries).to.deep.equal([{
        id: auditId('CONSENT_RECORDED', c.id),
        at: '2026-03-02T09:15:00.000Z',
        type: 'CONSENT_RECORDED',
        userId: 'cm-ki',
        organisation: 'org-ki',
        caseId: CASE,
        purpose: 'consent-management',
        details: {
          consentId: c.id,
          recipient: 'abh',
          scope: 'DEADLINE_ESCALATION,UEBERLEITUNG',
          purposes: 'aufenthaltssicherung',
          dataCategories: 'name,geburtsdatum,abhAktenzeichen,recommendedPath,keyDeadline',
          grantedAt: '2026-03-01T09:00:00.000Z',
          validUntil: '2027-03-01T00:00:00.000Z',
        },
      }]);
    });

    it('reads a calendar-date validUntil as "through that day" in Herne (next midnight, Europe/Berlin)', async () => {
      const summer = await record('cm-awo', { validUntil: '2026-06-30' });
      expect(summer.validUntil).to.equal('2026-06-30T22:00:00.000Z');
      const winter = await record('cm-awo', { validUntil: '2026-12-31' });
      expect(winter.validUntil).to.equal('2026-12-31T23:00:00.000Z');
      // The day the clocks go forward: 29 March ends at 30 March 00:00 CEST.
      const dst = await record('cm-awo', { validUntil: '2026-03-29' });
      expect(dst.validUntil).to.equal('2026-03-29T22:00:00.000Z');
    });

    it('trims and de-duplicates list entries', async () => {
      const c = await record('cm-awo', { purposes: [' aufenthaltssicherung ', 'aufenthaltssicherung'], scope: ['UEBERLEITUNG', 'UEBERLEITUNG'] });
      expect(c.purposes).to.deep.equal(['aufenthaltssicherung']);
      expect(c.scope).to.deep.equal(['UEBERLEITUNG']);
    });

    const invalid: Array<[string, unknown, RegExp]> = [
      ['missing caseId', validBody({ caseId: undefined }), /^caseId is required$/],
      ['empty caseId', validBody({ caseId: '  ' }), /^caseId must not be empty$/],
      ['caseId not a string', validBody({ caseId: 42 }), /^caseId must be a string$/],
      ['missing recipient', validBody({ recipient: undefined }), /^recipient is required$/],
      ['bad recipient', validBody({ recipient: 'Ausländerbehörde' }), /^recipient must be a lower-case recipient name/],
      ['purposes not an array', validBody({ purposes: 'aufenthaltssicherung' }), /^purposes must be an array of strings$/],
      ['purposes empty', validBody({ purposes: [] }), /^purposes must not be empty$/],
      ['missing dataCategories', validBody({ dataCategories: undefined }), /^dataCategories is required$/],
      ['dataCategories with a number', validBody({ dataCategories: ['name', 7] }), /^dataCategories\[1\] must be a string$/],
      ['missing scope', validBody({ scope: undefined }), /^scope is required$/],
      ['unknown scope', validBody({ scope: ['UEBERLEITUNG', 'ALLES'] }), /^scope\[1\] must be one of UEBERLEITUNG, DEADLINE_ESCALATION$/],
      ['grantedAt not a date', validBody({ grantedAt: 'gestern' }), /^grantedAt must be an ISO 8601 date-time with time zone/],
      ['grantedAt without zone', validBody({ grantedAt: '2026-03-01T10:00:00' }), /^grantedAt must be an ISO 8601 date-time with time zone/],
      ['grantedAt in the future', validBody({ grantedAt: '2026-03-02T08:00:00.001Z' }), /^grantedAt must not be in the future$/],
      ['validUntil not a date', validBody({ validUntil: '31.12.2026' }), /^validUntil must be an ISO 8601 date/],
      ['validUntil impossible date', validBody({ validUntil: '2026-02-30' }), /^validUntil must be an ISO 8601 date/],
      ['validUntil equal to grantedAt', validBody({ grantedAt: '2026-03-01T00:00:00Z', validUntil: '2026-03-01T00:00:00Z' }), /^validUntil must be after grantedAt$/],
      ['validUntil before grantedAt', validBody({ validUntil: '2026-01-01' }), /^validUntil must be after grantedAt$/],
      ['unknown field', validBody({ validUnitl: '2027-01-01' }), /^validUnitl is not a known field/],
      ['server-set field', validBody({ withdrawnAt: null }), /^withdrawnAt is not a known field/],
      ['id not a UUID', validBody({ id: 'meine-id' }), /^id must be a UUID$/],
      ['body not an object', [validBody()], /^Request body must be a JSON object$/],
      ['$ key', validBody({ $where: '1' }), /\$where/],
    ];
    for (const [name, body, message] of invalid) {
      it(`400 naming the field, nothing written: ${name}`, async () => {
        const res = await call('POST', '/api/consents', 'cm-awo', body);
        expect(res.status).to.equal(400);
        expect(res.body.type).to.equal('InvalidRequestException');
        expect(res.body.message).to.match(message);
        expect(await consents.listConsents(CASE)).to.deep.equal([]);
        expect(await audit.countAudit()).to.equal(0);
      });
    }

    it('a client-chosen id makes a retry safe: 201, then 200 with the stored record, audited once; 409 for another case', async () => {
      const id = '0b0e3c58-2f55-4b7e-9a55-4d3c2b1a0f99';
      const first = await call('POST', '/api/consents', 'cm-awo', validBody({ id }));
      expect(first.status).to.equal(201);
      expect(first.body.id).to.equal(id);
      clock.advance(60_000);
      const again = await call('POST', '/api/consents', 'cm-awo', validBody({ id }));
      expect(again.status).to.equal(200);
      expect(again.body).to.deep.equal(first.body);
      expect(await consents.listConsents(CASE)).to.have.length(1);
      expect(await auditOf('CONSENT_RECORDED')).to.have.length(1);

      const other = await call('POST', '/api/consents', 'cm-awo', validBody({ id, caseId: 'case-anders' }));
      expect(other.status).to.equal(409);
      expect(await consents.listConsents('case-anders')).to.deep.equal([]);
    });
  });

  describe('GET /api/consents', () => {
    it('lists the case\'s consents by grant time (withdrawn included), and only that case\'s', async () => {
      const later = await record('cm-awo', { grantedAt: '2026-03-01T12:00:00Z' });
      const earlier = await record('cm-ki', { grantedAt: '2026-02-01T12:00:00Z', recipient: 'jobcenter', scope: ['UEBERLEITUNG'] });
      await record('cm-awo', { caseId: 'case-2026-0099' });
      await call('POST', `/api/consents/${earlier.id}/withdraw`, 'cm-awo');

      const res = await call('GET', `/api/consents?caseId=${CASE}`, 'cm-koord');
      expect(res.status).to.equal(200);
      expect(res.body.map((c: any) => c.id)).to.deep.equal([earlier.id, later.id]);
      expect(res.body[0].withdrawnAt).to.equal(START);
      expect(res.body[1]).to.deep.equal(later);

      expect((await call('GET', '/api/consents?caseId=case-unbekannt', 'cm-awo')).body).to.deep.equal([]);
    });

    it('audits the read (READ, who, organisation, case, purpose, time, count)', async () => {
      await record('cm-awo');
      clock.advance(5 * 60_000);
      await call('GET', `/api/consents?caseId=${CASE}`, 'cm-ki');
      const reads = await auditOf('READ');
      expect(reads).to.have.length(1);
      expect(reads[0]).to.deep.include({
        at: '2026-03-02T08:05:00.000Z',
        userId: 'cm-ki',
        organisation: 'org-ki',
        caseId: CASE,
        purpose: 'consent-management',
        details: { resource: 'consents', count: 1 },
      });
    });

    it('400 without caseId', async () => {
      const res = await call('GET', '/api/consents', 'cm-awo');
      expect(res.status).to.equal(400);
      expect(res.body.message).to.equal('caseId is required');
      expect((await call('GET', '/api/consents?caseId=', 'cm-awo')).status).to.equal(400);
      expect(await audit.countAudit()).to.equal(0);
    });
  });

  describe('POST /api/consents/{id}/withdraw', () => {
    it('withdraws now (200 with the record), and the gate flips for the next transfer', async () => {
      const c = await record('cm-awo');
      const request = { recipient: 'abh', scope: 'DEADLINE_ESCALATION' as const, dataCategories: ['name', 'abhAktenzeichen'] };
      clock.set(Date.parse('2026-04-01T10:00:00Z'));
      expect((await checkConsent(consents, CASE, { ...request, at: '2026-04-01T10:00:00Z' })).allowed).to.equal(true);

      const res = await call('POST', `/api/consents/${c.id}/withdraw`, 'cm-ki');
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ ...c, withdrawnAt: '2026-04-01T10:00:00.000Z', withdrawnBy: 'cm-ki' });

      const after = await checkConsent(consents, CASE, { ...request, at: '2026-04-01T10:00:00Z' });
      expect(after.allowed).to.equal(false);
      expect(after.reason).to.contain(`consent ${c.id}: withdrawn at 2026-04-01T10:00:00.000Z`);
    });

    it('is idempotent: a second withdrawal keeps the first time and user and is audited once', async () => {
      const c = await record('cm-awo');
      clock.set(Date.parse('2026-04-01T10:00:00Z'));
      await call('POST', `/api/consents/${c.id}/withdraw`, 'cm-awo');
      clock.set(Date.parse('2026-04-02T10:00:00Z'));
      const again = await call('POST', `/api/consents/${c.id}/withdraw`, 'kim-koord');
      expect(again.status).to.equal(200);
      expect(again.body).to.include({ withdrawnAt: '2026-04-01T10:00:00.000Z', withdrawnBy: 'cm-awo' });

      const entries = await auditOf('CONSENT_WITHDRAWN');
      expect(entries).to.deep.equal([{
        id: auditId('CONSENT_WITHDRAWN', c.id),
        at: '2026-04-01T10:00:00.000Z',
        type: 'CONSENT_WITHDRAWN',
        userId: 'cm-awo',
        organisation: 'org-awo',
        caseId: CASE,
        purpose: 'consent-management',
        details: { consentId: c.id, recipient: 'abh', scope: 'DEADLINE_ESCALATION,UEBERLEITUNG' },
      }]);
    });

    it('404 for an unknown or malformed id, nothing audited', async () => {
      const unknown = await call('POST', '/api/consents/0b0e3c58-2f55-4b7e-9a55-4d3c2b1a0f99/withdraw', 'cm-awo');
      expect(unknown.status).to.equal(404);
      expect(unknown.body.message).to.match(/does not exist/);
      expect((await call('POST', '/api/consents/%24ne/withdraw', 'cm-awo')).status).to.equal(404);
      expect(await audit.countAudit()).to.equal(0);
    });
  });

  describe('who may', () => {
    it('case managers, coordination and admin may record, list and withdraw', async () => {
      for (const user of ['cm-awo', 'cm-ki', 'cm-koord', 'kim-koord', 'admin-user'] as const) {
        const c = await record(user);
        expect((await call('GET', `/api/consents?caseId=${CASE}`, user)).status).to.equal(200);
        expect((await call('POST', `/api/consents/${c.id}/withdraw`, user)).status).to.equal(200);
      }
    });

    it('403 for ABH, Jobcenter; 401 without credentials; nothing written', async () => {
      const c = await record('cm-awo');
      const before = await audit.countAudit();
      for (const user of ['abh-user', 'jc-user'] as const) {
        const post = await call('POST', '/api/consents', user, validBody());
        expect(post.status).to.equal(403);
        expect(post.body.type).to.equal('AuthorizationException');
        expect((await call('GET', `/api/consents?caseId=${CASE}`, user)).status).to.equal(403);
        expect((await call('POST', `/api/consents/${c.id}/withdraw`, user)).status).to.equal(403);
      }
      expect((await call('POST', '/api/consents', undefined, validBody())).status).to.equal(401);
      expect((await call('GET', `/api/consents?caseId=${CASE}`, undefined)).status).to.equal(401);
      expect(await consents.listConsents(CASE)).to.have.length(1);
      expect((await consents.getConsent(c.id))!.withdrawnAt).to.equal(null);
      expect(await audit.countAudit()).to.equal(before);
    });
  });

  describe('GET /api/audit', () => {
    /** Entries at minutes 0..n of 2026-03-10, alternating two cases and users. */
    async function seed(): Promise<AuditEntry[]> {
      const plan: Array<[string, string | null, string | null]> = [
        ['ESCALATED_TO_ABH', null, 'case-A'],
        ['TRANSFER_BLOCKED', null, 'case-B'],
        ['READ', 'cm-awo', 'case-A'],
        ['ACCESS_DENIED', 'cm-ki', 'case-A'],
        ['WRITE', 'cm-awo', 'case-B'],
        ['ESCALATED_TO_ABH', null, 'case-B'],
      ];
      const entries = plan.map(([type, userId, caseId], i) => newAuditEntry({
        type,
        key: [caseId!, i],
        at: new Date(Date.UTC(2026, 2, 10, 9, i)).toISOString(),
        userId,
        organisation: userId === 'cm-awo' ? 'org-awo' : userId === 'cm-ki' ? 'org-ki' : null,
        caseId,
        purpose: type === 'READ' ? 'fallbearbeitung' : 'DEADLINE_ESCALATION',
        details: { step: i, level: type === 'ESCALATED_TO_ABH' ? 3 : null },
      }));
      for (const e of entries) expect(await audit.appendAudit(e)).to.equal(true);
      return entries;
    }

    const ids = (body: any) => body.items.map((e: any) => e.id);

    it('returns { items, count } chronologically with who, organisation, case, purpose, time', async () => {
      const entries = await seed();
      const res = await call('GET', '/api/audit', 'kim-koord');
      expect(res.status).to.equal(200);
      expect(res.body.count).to.equal(6);
      expect(res.body.items).to.deep.equal(entries);
    });

    it('filters by caseId (alias businessKey), type, userId and an inclusive time range', async () => {
      const e = await seed();
      expect(ids((await call('GET', '/api/audit?caseId=case-A', 'kim-koord')).body)).to.deep.equal([e[0]!.id, e[2]!.id, e[3]!.id]);
      expect(ids((await call('GET', '/api/audit?businessKey=case-B', 'kim-koord')).body)).to.deep.equal([e[1]!.id, e[4]!.id, e[5]!.id]);
      expect(ids((await call('GET', '/api/audit?type=ESCALATED_TO_ABH', 'admin-user')).body)).to.deep.equal([e[0]!.id, e[5]!.id]);
      expect(ids((await call('GET', '/api/audit?type=ESCALATED_TO_ABH&caseId=case-B', 'kim-koord')).body)).to.deep.equal([e[5]!.id]);
      expect(ids((await call('GET', '/api/audit?userId=cm-awo', 'kim-koord')).body)).to.deep.equal([e[2]!.id, e[4]!.id]);
      const range = await call('GET', '/api/audit?from=2026-03-10T09:01:00Z&to=2026-03-10T09:03:00Z', 'kim-koord');
      expect(ids(range.body)).to.deep.equal([e[1]!.id, e[2]!.id, e[3]!.id]);
      expect(range.body.count).to.equal(3);
      // An offset time, with its '+' sent unencoded (arrives as a space), means the same instant.
      const offset = await call('GET', '/api/audit?from=2026-03-10T10:04:00+01:00', 'kim-koord');
      expect(ids(offset.body)).to.deep.equal([e[4]!.id, e[5]!.id]);
    });

    it('pages; count counts all matches; sortOrder=desc is newest first', async () => {
      const e = await seed();
      // The reads themselves are audited at the clock's time (2026-03-02): keep them out with `from`.
      const day = 'from=2026-03-10T00:00:00Z';
      const page = await call('GET', `/api/audit?${day}&firstResult=1&maxResults=2`, 'kim-koord');
      expect(ids(page.body)).to.deep.equal([e[1]!.id, e[2]!.id]);
      expect(page.body.count).to.equal(6);
      const desc = await call('GET', `/api/audit?${day}&sortOrder=desc&maxResults=2`, 'kim-koord');
      expect(ids(desc.body)).to.deep.equal([e[5]!.id, e[4]!.id]);
      const beyond = await call('GET', `/api/audit?${day}&firstResult=50`, 'kim-koord');
      expect(beyond.body).to.deep.equal({ items: [], count: 6 });
      const all = await call('GET', '/api/audit?maxResults=0', 'kim-koord');
      expect(all.body).to.deep.equal({ items: [], count: 9 });
    });

    it('entries written at the same instant list in the order they were written (asc), reversed for desc', async () => {
      clock.set(Date.parse('2026-03-11T08:00:00Z')); // the READ entries of these calls fall after `to`
      const types = ['ESCALATED_TO_ABH', 'TRANSFER_BLOCKED', 'WRITE', 'EXPORT', 'TRANSFER'];
      const written = [];
      for (const [i, type] of types.entries()) {
        const entry = newAuditEntry({ type, key: ['inst-catch-up', i], at: '2026-03-10T09:00:00Z', caseId: 'case-C' });
        await audit.appendAudit(entry);
        written.push(entry.id);
      }
      expect(ids((await call('GET', '/api/audit?caseId=case-C&to=2026-03-10T09:00:00Z', 'kim-koord')).body)).to.deep.equal(written);
      expect(ids((await call('GET', '/api/audit?caseId=case-C&to=2026-03-10T09:00:00Z&sortOrder=desc', 'kim-koord')).body)).to.deep.equal([...written].reverse());
    });

    it('audits each read (READ, purpose audit, the filters) without showing it in its own answer', async () => {
      await seed();
      clock.set(Date.parse('2026-03-11T07:30:00Z'));
      const first = await call('GET', '/api/audit?caseId=case-A&type=READ', 'kim-koord');
      expect(first.body.count).to.equal(1);
      const reads = await audit.findAudit({ type: 'READ', userId: 'kim-koord' });
      expect(reads).to.have.length(1);
      expect(reads[0]).to.deep.include({
        at: '2026-03-11T07:30:00.000Z',
        type: 'READ',
        userId: 'kim-koord',
        organisation: null,
        caseId: 'case-A',
        purpose: 'audit',
        details: { resource: 'audit', type: 'READ', userId: null, from: null, to: null, firstResult: 0, maxResults: 50, count: 1 },
      });
      // The next read sees the first one.
      const second = await call('GET', '/api/audit?caseId=case-A&type=READ', 'kim-koord');
      expect(second.body.count).to.equal(2);
      expect(second.body.items[1]).to.deep.include({ userId: 'kim-koord', purpose: 'audit' });
    });

    it('sees what the consent routes wrote', async () => {
      const c = await record('cm-awo');
      await call('POST', `/api/consents/${c.id}/withdraw`, 'cm-awo');
      const res = await call('GET', `/api/audit?caseId=${CASE}`, 'kim-koord');
      expect(res.body.items.map((e: any) => [e.type, e.userId, e.organisation, e.caseId])).to.deep.equal([
        ['CONSENT_RECORDED', 'cm-awo', 'org-awo', CASE],
        ['CONSENT_WITHDRAWN', 'cm-awo', 'org-awo', CASE],
      ]);
    });

    it('400 for a bad filter, naming it', async () => {
      const cases: Array<[string, RegExp]> = [
        ['type=escalated', /'type'/],
        ['from=gestern', /'from' must be an ISO 8601/],
        ['to=2026-03-10T09:00:00', /'to' must be an ISO 8601/],
        ['from=2026-03-11T00:00:00Z&to=2026-03-10T00:00:00Z', /'from' must not be after 'to'/],
        ['caseId=a&businessKey=b', /'caseId' and 'businessKey'/],
        ['maxResults=-1', /'maxResults'/],
        ['sortOrder=up', /'sortOrder'/],
      ];
      for (const [query, message] of cases) {
        const res = await call('GET', `/api/audit?${query}`, 'kim-koord');
        expect(res.status, query).to.equal(400);
        expect(res.body.message, query).to.match(message);
      }
      expect(await audit.countAudit()).to.equal(0);
    });

    it('403 for everyone but kim-koordination and admin (case managers, cm-koordination, ABH); no entry written', async () => {
      for (const user of ['cm-awo', 'cm-ki', 'cm-koord', 'abh-user'] as const) {
        const res = await call('GET', '/api/audit', user);
        expect(res.status, user).to.equal(403);
      }
      expect((await call('GET', '/api/audit', undefined)).status).to.equal(401);
      expect(await audit.countAudit()).to.equal(0);
    });
  });

  describe('append-only', () => {
    it('the table refuses UPDATE and DELETE, whoever issues them', async () => {
      const entry = newAuditEntry({ type: 'ESCALATED_TO_ABH', key: ['inst-1', 3], at: START, caseId: CASE, details: { level: 3 } });
      await audit.appendAudit(entry);
      expect(() => db.prepare("UPDATE audit_log SET user_id = 'mallory' WHERE id = ?").run(entry.id)).to.throw(/audit log is append-only/);
      expect(() => db.prepare('UPDATE audit_log SET details = ?').run('{}')).to.throw(/audit log is append-only/);
      expect(() => db.prepare('DELETE FROM audit_log WHERE id = ?').run(entry.id)).to.throw(/audit log is append-only/);
      expect(() => db.exec('DELETE FROM audit_log')).to.throw(/audit log is append-only/);
      expect(await audit.findAudit()).to.deep.equal([entry]);
    });

    it('an id that exists is ignored, never overwritten (a retried escalation audits once)', async () => {
      const entry = newAuditEntry({ type: 'ESCALATED_TO_ABH', key: ['inst-1', 3], at: START, caseId: CASE, details: { level: 3 } });
      expect(await audit.appendAudit(entry)).to.equal(true);
      const retried = newAuditEntry({ type: 'ESCALATED_TO_ABH', key: ['inst-1', 3], at: '2026-03-02T08:00:05Z', caseId: CASE, details: { level: 3, retry: true } });
      expect(retried.id).to.equal(entry.id);
      expect(await audit.appendAudit(retried)).to.equal(false);
      expect(await audit.findAudit()).to.deep.equal([entry]);
    });

    it('the port has no way to change or remove an entry', () => {
      const methods = Object.getOwnPropertyNames(SqliteAudit.prototype).filter((m) => m !== 'constructor').sort();
      expect(methods).to.deep.equal(['appendAudit', 'countAudit', 'findAudit', 'init', 'stmt']);
    });
  });
});
