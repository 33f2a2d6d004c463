import { expect } from 'chai';
import Database from 'better-sqlite3';
import { ValidationError } from '../../src/errors.ts';
import { checkConsent, consentMismatch, covers, type ConsentRequest } from '../../src/kim/consentGate.ts';
import type { ConsentRecord, ConsentStore } from '../../src/kim/consentStore.ts';
import { SqliteConsents } from '../../src/store/sqlite/consents.ts';

const T = '2026-06-01T10:00:00.000Z';
const ms = (iso: string) => Date.parse(iso);
const plus = (iso: string, delta: number) => new Date(ms(iso) + delta).toISOString();

function consent(id: string, extra: Partial<ConsentRecord> = {}): ConsentRecord {
  return {
    id,
    caseId: 'case-2026-0042',
    personRef: null,
    recipient: 'abh',
    purposes: ['aufenthaltssicherung'],
    dataCategories: ['name', 'geburtsdatum', 'abhAktenzeichen', 'recommendedPath', 'keyDeadline'],
    scope: ['DEADLINE_ESCALATION'],
    grantedAt: '2026-01-15T09:00:00.000Z',
    validUntil: null,
    withdrawnAt: null,
    withdrawnBy: null,
    recordedBy: 'demo-cm-ki',
    organisation: 'org-ki',
    ...extra,
  };
}

function request(extra: Partial<ConsentRequest> = {}): ConsentRequest {
  return { recipient: 'abh', scope: 'DEADLINE_ESCALATION', at: T, ...extra };
}

describe('consent gate: covers()', () => {
  it('allows when one consent satisfies every rule, naming it and the request', () => {
    const decision = covers([consent('c1')], request({ purpose: 'aufenthaltssicherung', dataCategories: ['name', 'keyDeadline'] }));
    expect(decision.allowed).to.equal(true);
    expect(decision.consentId).to.equal('c1');
    expect(decision.reason).to.equal(
      `consent c1 covers recipient 'abh', scope DEADLINE_ESCALATION, purpose 'aufenthaltssicherung', data categories name, keyDeadline at ${T}`,
    );
  });

  it('denies with "no consent recorded" when the case has none', () => {
    const decision = covers([], request());
    expect(decision).to.deep.equal({ allowed: false, reason: `no consent recorded; required: recipient 'abh', scope DEADLINE_ESCALATION at ${T}` });
  });

  describe('grantedAt (granted at or before the transfer)', () => {
    it('covers a transfer at exactly grantedAt', () => {
      expect(covers([consent('c1', { grantedAt: T })], request()).allowed).to.equal(true);
    });
    it('does not cover a transfer 1 ms before grantedAt', () => {
      const decision = covers([consent('c1', { grantedAt: plus(T, 1) })], request());
      expect(decision.allowed).to.equal(false);
      expect(decision.consentId).to.equal(undefined);
      expect(decision.reason).to.contain(`consent c1: not granted before ${T} (granted at ${plus(T, 1)})`);
    });
  });

  describe('withdrawnAt (not withdrawn at or before the transfer)', () => {
    it('does not cover a transfer at exactly the withdrawal time', () => {
      const decision = covers([consent('c1', { withdrawnAt: T, withdrawnBy: 'demo-cm-ki' })], request());
      expect(decision.allowed).to.equal(false);
      expect(decision.reason).to.contain(`consent c1: withdrawn at ${T}`);
    });
    it('does not cover a transfer after the withdrawal', () => {
      expect(covers([consent('c1', { withdrawnAt: plus(T, -86_400_000) })], request()).allowed).to.equal(false);
    });
    it('still covers a transfer 1 ms before the withdrawal', () => {
      expect(covers([consent('c1', { withdrawnAt: plus(T, 1) })], request()).allowed).to.equal(true);
    });
  });

  describe('validUntil (null or after the transfer)', () => {
    it('does not cover a transfer at exactly validUntil', () => {
      const decision = covers([consent('c1', { validUntil: T })], request());
      expect(decision.allowed).to.equal(false);
      expect(decision.reason).to.contain(`consent c1: expired at ${T}`);
    });
    it('covers a transfer 1 ms before validUntil', () => {
      expect(covers([consent('c1', { validUntil: plus(T, 1) })], request()).allowed).to.equal(true);
    });
    it('covers without an end date', () => {
      expect(covers([consent('c1', { validUntil: null })], request()).allowed).to.equal(true);
    });
  });

  it('compares instants, not strings: an offset time equal to validUntil is the boundary', () => {
    // 12:00+02:00 is 10:00Z = validUntil: not covered; 11:59:59.999+02:00 is covered.
    expect(covers([consent('c1', { validUntil: T })], request({ at: '2026-06-01T12:00:00+02:00' })).allowed).to.equal(false);
    expect(covers([consent('c1', { validUntil: T })], request({ at: '2026-06-01T11:59:59.999+02:00' })).allowed).to.equal(true);
  });

  describe('recipient', () => {
    it('denies when only consents for another recipient exist, and says so', () => {
      const decision = covers([consent('c1', { recipient: 'jobcenter' })], request());
      expect(decision).to.deep.equal({
        allowed: false,
        reason: `no consent for recipient 'abh'; required: recipient 'abh', scope DEADLINE_ESCALATION at ${T}`,
      });
    });
    it('an ABH consent does not cover the EBH', () => {
      expect(covers([consent('c1')], request({ recipient: 'ebh' })).allowed).to.equal(false);
    });
  });

  describe('scope', () => {
    it('a consent for UEBERLEITUNG does not cover a DEADLINE_ESCALATION', () => {
      const decision = covers([consent('c1', { scope: ['UEBERLEITUNG'] })], request());
      expect(decision.allowed).to.equal(false);
      expect(decision.reason).to.contain('consent c1: scope does not include DEADLINE_ESCALATION');
    });
    it('a consent with both scopes covers either', () => {
      const both = consent('c1', { scope: ['UEBERLEITUNG', 'DEADLINE_ESCALATION'] });
      expect(covers([both], request({ scope: 'UEBERLEITUNG' })).allowed).to.equal(true);
      expect(covers([both], request({ scope: 'DEADLINE_ESCALATION' })).allowed).to.equal(true);
    });
  });

  describe('purpose', () => {
    it('denies a purpose the consent does not list', () => {
      const decision = covers([consent('c1')], request({ purpose: 'statistik' }));
      expect(decision.allowed).to.equal(false);
      expect(decision.reason).to.contain("consent c1: purpose 'statistik' not covered");
    });
    it('is not checked when no purpose is requested', () => {
      expect(covers([consent('c1', { purposes: ['anderes'] })], request()).allowed).to.equal(true);
    });
  });

  describe('data categories', () => {
    it('denies when one requested category is missing, naming the missing ones', () => {
      const decision = covers([consent('c1', { dataCategories: ['name', 'geburtsdatum'] })], request({ dataCategories: ['name', 'abhAktenzeichen', 'keyDeadline'] }));
      expect(decision.allowed).to.equal(false);
      expect(decision.reason).to.contain('consent c1: data categories not covered: abhAktenzeichen, keyDeadline');
    });
    it('allows when every requested category is listed; an empty request is covered', () => {
      expect(covers([consent('c1')], request({ dataCategories: ['abhAktenzeichen', 'name'] })).allowed).to.equal(true);
      expect(covers([consent('c1')], request({ dataCategories: [] })).allowed).to.equal(true);
    });
    it('categories are matched exactly (no case folding)', () => {
      expect(covers([consent('c1')], request({ dataCategories: ['Name'] })).allowed).to.equal(false);
    });
  });

  describe('several consents', () => {
    it('allows if one of them covers, naming that one', () => {
      const consents = [
        consent('c-withdrawn', { withdrawnAt: '2026-03-01T00:00:00.000Z' }),
        consent('c-ebh', { recipient: 'ebh' }),
        consent('c-scope', { scope: ['UEBERLEITUNG'] }),
        consent('c-ok', { grantedAt: '2026-02-01T00:00:00.000Z' }),
        consent('c-future', { grantedAt: plus(T, 60_000) }),
      ];
      const decision = covers(consents, request());
      expect(decision.allowed).to.equal(true);
      expect(decision.consentId).to.equal('c-ok');
    });
    it('names the most recently granted of several covering consents', () => {
      const consents = [
        consent('c-old', { grantedAt: '2026-01-01T00:00:00.000Z' }),
        consent('c-new', { grantedAt: '2026-05-01T00:00:00.000Z' }),
        consent('c-mid', { grantedAt: '2026-03-01T00:00:00.000Z' }),
      ];
      expect(covers(consents, request()).consentId).to.equal('c-new');
    });
    it('denies when none covers, with each of the recipient\'s consents and what it lacks', () => {
      const consents = [
        consent('c1', { withdrawnAt: '2026-03-01T00:00:00.000Z' }),
        consent('c2', { validUntil: '2026-05-31T22:00:00.000Z' }),
        consent('c3', { recipient: 'jobcenter' }),
      ];
      const decision = covers(consents, request());
      expect(decision).to.deep.equal({
        allowed: false,
        reason: `no consent covers recipient 'abh', scope DEADLINE_ESCALATION at ${T} ` +
          '(consent c1: withdrawn at 2026-03-01T00:00:00.000Z; consent c2: expired at 2026-05-31T22:00:00.000Z)',
      });
    });
  });

  it('consentMismatch names the first failing rule, undefined when covered', () => {
    expect(consentMismatch(consent('c1'), request())).to.equal(undefined);
    expect(consentMismatch(consent('c1', { recipient: 'ebh', scope: ['UEBERLEITUNG'] }), request())).to.equal("recipient is 'ebh', not 'abh'");
  });

  it('rejects a transfer time that is not a date-time', () => {
    expect(() => covers([consent('c1')], request({ at: 'jetzt' }))).to.throw(ValidationError, /at 'jetzt' is not a date-time/);
    expect(() => covers([], request({ at: '' }))).to.throw(ValidationError);
  });
});

describe('consent gate: checkConsent() loads at every check', () => {
  it('asks the store on every call (no cache)', async () => {
    let loads = 0;
    const list: ConsentRecord[] = [consent('c1')];
    const store: Pick<ConsentStore, 'listConsents'> = {
      async listConsents(caseId) {
        loads += 1;
        return list.filter((c) => c.caseId === caseId).map((c) => ({ ...c }));
      },
    };
    expect((await checkConsent(store, 'case-2026-0042', request())).allowed).to.equal(true);
    list[0] = { ...list[0]!, withdrawnAt: '2026-05-01T00:00:00.000Z' };
    expect((await checkConsent(store, 'case-2026-0042', request())).allowed).to.equal(false);
    expect(loads).to.equal(2);
    expect((await checkConsent(store, 'anderer-fall', request())).reason).to.match(/^no consent recorded/);
  });

  it('a withdrawal in the store between two checks flips the answer (SQLite)', async () => {
    const db = new Database(':memory:');
    try {
      const store = new SqliteConsents(db);
      await store.init();
      await store.addConsent(consent('c1'));
      const first = await checkConsent(store, 'case-2026-0042', request({ at: '2026-06-01T10:00:00Z' }));
      expect(first).to.include({ allowed: true, consentId: 'c1' });

      await store.withdrawConsent('c1', '2026-06-01T10:05:00Z', 'demo-cm-ki');

      const second = await checkConsent(store, 'case-2026-0042', request({ at: '2026-06-01T10:05:00Z' }));
      expect(second.allowed).to.equal(false);
      expect(second.reason).to.contain('consent c1: withdrawn at 2026-06-01T10:05:00.000Z');
      // A transfer evaluated for a moment before the withdrawal was still covered.
      expect((await checkConsent(store, 'case-2026-0042', request({ at: '2026-06-01T10:04:59.999Z' }))).allowed).to.equal(true);
    } finally {
      db.close();
    }
  });
});
