import { expect } from 'chai';
import { NotFound, ValidationError } from '../../src/errors.ts';
import { auditId, newAuditEntry, type AuditEntry, type AuditStore } from '../../src/kim/auditStore.ts';
import { checkConsent } from '../../src/kim/consentGate.ts';
import type { ConsentRecord, ConsentStore } from '../../src/kim/consentStore.ts';
import { MongoAudit } from '../../src/store/mongo/audit.ts';
import { MongoConsents } from '../../src/store/mongo/consents.ts';
import { SqliteAudit } from '../../src/store/sqlite/audit.ts';
import { SqliteConsents } from '../../src/store/sqlite/consents.ts';
import { onSqliteAndMongo } from '../helpers/bothDatabases.ts';

interface Fixture {
  consents: ConsentStore;
  audit: AuditStore;
  cleanup(): Promise<void>;
}

const CASE = 'case-2026-0042';
const at = (day: number, minute = 0) => new Date(Date.UTC(2026, 2, day, 9, minute)).toISOString();

function consent(id: string, extra: Partial<ConsentRecord> = {}): ConsentRecord {
  return {
    id,
    caseId: CASE,
    personRef: null,
    recipient: 'abh',
    purposes: ['aufenthaltssicherung'],
    dataCategories: ['name', 'geburtsdatum', 'abhAktenzeichen'],
    scope: ['DEADLINE_ESCALATION'],
    grantedAt: at(1),
    validUntil: null,
    withdrawnAt: null,
    withdrawnBy: null,
    recordedBy: 'demo-cm-traeger-awo',
    organisation: 'org-awo',
    ...extra,
  };
}

function entry(type: string, key: Array<string | number>, when: string, extra: Partial<Omit<AuditEntry, 'id' | 'type' | 'at'>> = {}): AuditEntry {
  return newAuditEntry({ type, key, at: when, ...extra });
}

async function rejects(p: Promise<unknown>, type: new (...args: never[]) => Error, message?: RegExp): Promise<void> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a rejection').to.be.instanceOf(type);
  if (message) expect((err as Error).message).to.match(message);
}

/** What every ConsentStore/AuditStore adapter pair must do; runs on SQLite always, on MongoDB when available. */
function contract(open: (ctx: Mocha.Context) => Promise<Fixture>): void {
  let f: Fixture;

  beforeEach(async function () {
    f = await open(this);
    await f.consents.init();
    await f.audit.init();
    await f.audit.init(); // idempotent
  });

  afterEach(async () => {
    await f?.cleanup();
  });

  describe('ConsentStore', () => {
    it('adds, gets and lists (by grant time, then id; only the case\'s); an existing id is left unchanged', async () => {
      const { consents } = f;
      expect(await consents.addConsent(consent('c2', { grantedAt: at(5) }))).to.equal(true);
      expect(await consents.addConsent(consent('c1', { grantedAt: at(3), recipient: 'jobcenter', scope: ['UEBERLEITUNG', 'DEADLINE_ESCALATION'] }))).to.equal(true);
      expect(await consents.addConsent(consent('c0', { grantedAt: at(5) }))).to.equal(true);
      expect(await consents.addConsent(consent('x1', { caseId: 'case-anders' }))).to.equal(true);
      expect(await consents.addConsent(consent('c2', { recipient: 'ebh', grantedAt: at(1) }))).to.equal(false);

      expect(await consents.getConsent('c2')).to.deep.equal(consent('c2', { grantedAt: at(5) }));
      expect(await consents.getConsent('nope')).to.equal(undefined);
      expect((await consents.listConsents(CASE)).map((c) => c.id)).to.deep.equal(['c1', 'c0', 'c2']);
      expect((await consents.listConsents(CASE))[0]!.scope).to.deep.equal(['UEBERLEITUNG', 'DEADLINE_ESCALATION']);
      expect(await consents.listConsents('case-leer')).to.deep.equal([]);
    });

    it('stores times canonically and absent optionals as null', async () => {
      const { consents } = f;
      const { personRef: _p, withdrawnBy: _w, ...bare } = consent('c1');
      await consents.addConsent({ ...bare, grantedAt: '2026-03-01T10:00:00+01:00', validUntil: '2027-03-01T00:00:00+0100' });
      expect(await consents.getConsent('c1')).to.deep.equal(consent('c1', {
        grantedAt: '2026-03-01T09:00:00.000Z',
        validUntil: '2027-02-28T23:00:00.000Z',
        personRef: null,
        withdrawnBy: null,
      }));
    });

    it('refuses an invalid record', async () => {
      const { consents } = f;
      await rejects(consents.addConsent(consent('c1', { validUntil: at(1) })), ValidationError, /validUntil must be after grantedAt/);
      await rejects(consents.addConsent(consent('c1', { scope: ['ALLES' as never] })), ValidationError, /scope 'ALLES'/);
      await rejects(consents.addConsent(consent('c1', { grantedAt: 'gestern' })), ValidationError, /grantedAt/);
      await rejects(consents.addConsent(consent('c1', { recipient: 'ABH' })), ValidationError, /recipient/);
      expect(await consents.listConsents(CASE)).to.deep.equal([]);
    });

    it('withdraws once: a repeat keeps the first time and user; NotFound for an unknown id', async () => {
      const { consents } = f;
      await consents.addConsent(consent('c1'));
      const first = await consents.withdrawConsent('c1', '2026-04-01T12:00:00+02:00', 'demo-cm-ki');
      expect(first).to.deep.equal(consent('c1', { withdrawnAt: '2026-04-01T10:00:00.000Z', withdrawnBy: 'demo-cm-ki' }));
      const again = await consents.withdrawConsent('c1', at(20), 'admin');
      expect(again).to.deep.equal(first);
      expect(await consents.getConsent('c1')).to.deep.equal(first);
      await rejects(consents.withdrawConsent('unbekannt', at(20), 'admin'), NotFound);
      // Concurrent withdrawals: one time wins and the record agrees with every answer.
      await consents.addConsent(consent('c2'));
      const results = await Promise.all([1, 2, 3, 4].map((m) => consents.withdrawConsent('c2', at(21, m), `user-${m}`)));
      const stored = await consents.getConsent('c2');
      for (const r of results) expect(r).to.deep.equal(stored);
    });

    it('checkConsent reads the store at every check: a withdrawal between two checks flips the answer', async () => {
      const { consents } = f;
      await consents.addConsent(consent('c1'));
      const request = { recipient: 'abh', scope: 'DEADLINE_ESCALATION' as const, dataCategories: ['name', 'abhAktenzeichen'] };
      expect(await checkConsent(consents, CASE, { ...request, at: at(10) })).to.include({ allowed: true, consentId: 'c1' });
      await consents.withdrawConsent('c1', at(10, 1), 'demo-cm-ki');
      const after = await checkConsent(consents, CASE, { ...request, at: at(10, 1) });
      expect(after.allowed).to.equal(false);
      expect(after.reason).to.contain(`consent c1: withdrawn at ${at(10, 1)}`);
    });
  });

  describe('AuditStore', () => {
    it('appends and finds; an existing id is ignored, never overwritten', async () => {
      const { audit } = f;
      const e = entry('ESCALATED_TO_ABH', ['inst-1', 3], at(2), {
        caseId: CASE,
        purpose: 'DEADLINE_ESCALATION',
        details: { level: 3, taskId: 'task-9', notified: true, note: null },
      });
      expect(e.id).to.equal(auditId('ESCALATED_TO_ABH', 'inst-1', 3));
      expect(await audit.appendAudit(e)).to.equal(true);
      expect(await audit.appendAudit({ ...e, at: at(3), userId: 'mallory', details: {} })).to.equal(false);
      expect(await audit.findAudit()).to.deep.equal([{
        id: e.id,
        at: at(2),
        type: 'ESCALATED_TO_ABH',
        userId: null,
        organisation: null,
        caseId: CASE,
        purpose: 'DEADLINE_ESCALATION',
        details: { level: 3, taskId: 'task-9', notified: true, note: null },
      }]);
      expect(await audit.countAudit()).to.equal(1);
    });

    it('concurrent appends of one id insert it once', async () => {
      const { audit } = f;
      const e = entry('TRANSFER_BLOCKED', ['inst-2', 3], at(2), { caseId: CASE });
      const results = await Promise.all([0, 1, 2, 3, 4].map(() => audit.appendAudit(e)));
      expect(results.filter(Boolean)).to.have.length(1);
      expect(await audit.countAudit()).to.equal(1);
    });

    it('filters by case, type, user and an inclusive time range; counts without paging', async () => {
      const { audit } = f;
      const e = [
        entry('ESCALATED_TO_ABH', ['i-A', 3], at(2), { caseId: 'case-A' }),
        entry('TRANSFER_BLOCKED', ['i-B', 3], at(3), { caseId: 'case-B' }),
        entry('READ', ['r1'], at(4), { caseId: 'case-A', userId: 'cm-awo', organisation: 'org-awo', purpose: 'fallbearbeitung' }),
        entry('ACCESS_DENIED', ['d1'], at(5), { caseId: 'case-A', userId: 'cm-ki', organisation: 'org-ki' }),
        entry('WRITE', ['w1'], at(6), { caseId: 'case-B', userId: 'cm-awo', organisation: 'org-awo' }),
        entry('READ', ['r2'], at(7), { userId: 'kim-koord', purpose: 'audit' }),
      ];
      for (const x of [e[3], e[0], e[5], e[1], e[4], e[2]]) await audit.appendAudit(x!);
      const ids = (list: AuditEntry[]) => list.map((x) => x.id);

      expect(ids(await audit.findAudit())).to.deep.equal(e.map((x) => x.id));
      expect(ids(await audit.findAudit({ caseId: 'case-A' }))).to.deep.equal([e[0]!.id, e[2]!.id, e[3]!.id]);
      expect(ids(await audit.findAudit({ type: 'READ' }))).to.deep.equal([e[2]!.id, e[5]!.id]);
      expect(ids(await audit.findAudit({ userId: 'cm-awo' }))).to.deep.equal([e[2]!.id, e[4]!.id]);
      expect(ids(await audit.findAudit({ caseId: 'case-A', type: 'READ', userId: 'cm-awo' }))).to.deep.equal([e[2]!.id]);
      expect(ids(await audit.findAudit({ from: at(3), to: at(5) }))).to.deep.equal([e[1]!.id, e[2]!.id, e[3]!.id]);
      expect(ids(await audit.findAudit({ from: '2026-03-03T10:00:00+01:00' }))).to.deep.equal(e.slice(1).map((x) => x.id));
      expect(await audit.countAudit({ caseId: 'case-A' })).to.equal(3);
      expect(await audit.countAudit({ from: at(3), to: at(5) })).to.equal(3);
      expect(await audit.countAudit({ type: 'EXPORT' })).to.equal(0);
      await rejects(audit.findAudit({ from: 'gestern' }), ValidationError, /from/);
    });

    it('orders by time, then insertion order; pages; desc reverses', async () => {
      const { audit } = f;
      const sameInstant = ['ESCALATED_TO_ABH', 'TRANSFER_BLOCKED', 'WRITE', 'EXPORT', 'TRANSFER', 'READ'].map((type, i) =>
        entry(type, ['catch-up', i], at(9), { caseId: CASE, details: { step: i } }));
      const earlier = entry('WRITE', ['before'], at(8), { caseId: CASE });
      for (const x of sameInstant) await audit.appendAudit(x);
      await audit.appendAudit(earlier);
      const all = [earlier, ...sameInstant].map((x) => x.id);
      const ids = (list: AuditEntry[]) => list.map((x) => x.id);

      expect(ids(await audit.findAudit({ caseId: CASE }))).to.deep.equal(all);
      expect(ids(await audit.findAudit({ sortOrder: 'desc' }))).to.deep.equal([...all].reverse());
      expect(ids(await audit.findAudit({ firstResult: 2, maxResults: 3 }))).to.deep.equal(all.slice(2, 5));
      expect(ids(await audit.findAudit({ firstResult: 5 }))).to.deep.equal(all.slice(5));
      expect(await audit.findAudit({ maxResults: 0 })).to.deep.equal([]);
      expect(await audit.findAudit({ firstResult: 100 })).to.deep.equal([]);
      expect(await audit.countAudit()).to.equal(7);
    });

    it('refuses malformed entries', async () => {
      const { audit } = f;
      const good = entry('WRITE', ['w'], at(1));
      await rejects(audit.appendAudit({ ...good, type: 'write' }), ValidationError, /UPPER_SNAKE_CASE/);
      await rejects(audit.appendAudit({ ...good, at: 'jetzt' }), ValidationError, /at must be an ISO 8601/);
      await rejects(audit.appendAudit({ ...good, details: { nested: { a: 1 } as never } }), ValidationError, /details.nested/);
      await rejects(audit.appendAudit({ ...good, details: { 'a.b': 1 } }), ValidationError, /details key/);
      await rejects(audit.appendAudit({ ...good, details: { $set: 1 } }), ValidationError, /details key/);
      expect(await audit.countAudit()).to.equal(0);
    });

    it('offers no way to change or remove an entry', () => {
      const methods = new Set<string>();
      for (let p = Object.getPrototypeOf(f.audit); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
        for (const m of Object.getOwnPropertyNames(p)) if (m !== 'constructor') methods.add(m);
      }
      const publicMethods = [...methods].filter((m) => typeof (f.audit as unknown as Record<string, unknown>)[m] === 'function');
      expect(publicMethods.filter((m) => /update|delete|remove|replace|purge|clear|set/i.test(m))).to.deep.equal([]);
    });
  });
}

onSqliteAndMongo('Consent and audit contract', contract, {
  sqlite: (db) => ({ consents: new SqliteConsents(db), audit: new SqliteAudit(db) }),
  mongo: (db) => ({ consents: new MongoConsents(db), audit: new MongoAudit(db) }),
});
