/**
 * The pure parts of the Fallkonferenz (src/kim/fallkonferenz.ts): rule [A] for generative topics
 * (≥3 observations on one institution and life area from ≥2 organisations within 3 months), the
 * case pseudonym, the ABH-session rule and the topic status chain.
 */
import { expect } from 'chai';
import {
  applyTopicDecisions, caseRef, findTopicCandidates, isAbhSession, minusMonths, normaliseObservation, openDecisions,
  topicsFromCandidates, type RecordedObservation,
} from '../../src/kim/fallkonferenz.ts';

const AS_OF = '2026-06-15';
const CONF = '2026-06-15T07:00:00.000Z';

function obs(date: string, organisation: string | null, extra: Partial<RecordedObservation> = {}): RecordedObservation {
  return { caseRef: caseRef('case-1'), institution: 'JOBCENTER', lifeArea: 'ARBEIT', description: 'Bescheid verzögert', date, organisation, recordedAt: CONF, ...extra };
}

describe('unit: Fallkonferenz', () => {
  describe('rule [A]: generative topic candidates', () => {
    it('three observations from two organisations within three months make one anonymised candidate', () => {
      const found = findTopicCandidates([obs('2026-04-01', 'org-awo'), obs('2026-05-10', 'org-awo'), obs('2026-06-12', 'org-drk')], AS_OF);
      expect(found).to.deep.equal([{
        themaId: 'TH-2026-06-15-JOBCENTER-ARBEIT', institution: 'JOBCENTER', lifeArea: 'ARBEIT', count: 3, organisations: 2, status: 'KANDIDAT',
      }]);
      const json = JSON.stringify(found);
      expect(json).to.not.include('Bescheid');
      expect(json).to.not.include('F-');
    });

    it('two observations are not enough, however many organisations', () => {
      expect(findTopicCandidates([obs('2026-06-01', 'org-awo'), obs('2026-06-02', 'org-drk')], AS_OF)).to.deep.equal([]);
    });

    it('three observations from one organisation are not enough; ones without organisation do not add one', () => {
      expect(findTopicCandidates([obs('2026-06-01', 'org-awo'), obs('2026-06-02', 'org-awo'), obs('2026-06-03', 'org-awo')], AS_OF)).to.deep.equal([]);
      expect(findTopicCandidates([obs('2026-06-01', 'org-awo'), obs('2026-06-02', 'org-awo'), obs('2026-06-03', null)], AS_OF)).to.deep.equal([]);
      const withNull = findTopicCandidates([obs('2026-06-01', 'org-awo'), obs('2026-06-02', null), obs('2026-06-03', 'org-ki')], AS_OF);
      expect(withNull.map((c) => [c.count, c.organisations])).to.deep.equal([[3, 2]]);
    });

    it('the window is three calendar months up to the conference: exactly three months counts, a day more does not', () => {
      expect(minusMonths(AS_OF, 3)).to.equal('2026-03-15');
      const atBoundary = [obs('2026-03-15', 'org-awo'), obs('2026-05-01', 'org-awo'), obs('2026-06-15', 'org-drk')];
      expect(findTopicCandidates(atBoundary, AS_OF)).to.have.length(1);
      const justOutside = [obs('2026-03-14', 'org-awo'), obs('2026-05-01', 'org-awo'), obs('2026-06-15', 'org-drk')];
      expect(findTopicCandidates(justOutside, AS_OF)).to.deep.equal([]);
      // Dated after the conference: not counted.
      expect(findTopicCandidates([obs('2026-05-01', 'org-awo'), obs('2026-05-02', 'org-awo'), obs('2026-06-16', 'org-drk')], AS_OF)).to.deep.equal([]);
      // Month ends clamp: three months before 31 May is 28 February.
      expect(minusMonths('2026-05-31', 3)).to.equal('2026-02-28');
    });

    it('different life areas or institutions are different topics', () => {
      const mixed = [obs('2026-06-01', 'org-awo'), obs('2026-06-02', 'org-drk'), obs('2026-06-03', 'org-ki', { lifeArea: 'WOHNEN' })];
      expect(findTopicCandidates(mixed, AS_OF)).to.deep.equal([]);
      const otherInstitution = [obs('2026-06-01', 'org-awo'), obs('2026-06-02', 'org-drk'), obs('2026-06-03', 'org-ki', { institution: 'ABH' })];
      expect(findTopicCandidates(otherInstitution, AS_OF)).to.deep.equal([]);
      const two = [...mixed, obs('2026-06-04', 'org-ki'), obs('2026-06-05', 'org-awo', { lifeArea: 'WOHNEN' }), obs('2026-06-06', 'org-awo', { lifeArea: 'WOHNEN' })];
      expect(findTopicCandidates(two, AS_OF).map((c) => [c.lifeArea, c.count, c.organisations])).to.deep.equal([['ARBEIT', 3, 3], ['WOHNEN', 3, 2]]);
    });

    it('observations that already raised the topic in an earlier conference do not count again', () => {
      const earlier = '2026-06-01T07:00:00.000Z';
      const list = [obs('2026-05-20', 'org-awo', { recordedAt: earlier }), obs('2026-05-21', 'org-drk', { recordedAt: earlier }), obs('2026-05-22', 'org-ki', { recordedAt: earlier })];
      const raisedAt = new Map([['JOBCENTER|ARBEIT', earlier]]);
      expect(findTopicCandidates(list, AS_OF)).to.have.length(1);
      expect(findTopicCandidates(list, AS_OF, { raisedAt })).to.deep.equal([]);
      const fresh = [...list, obs('2026-06-10', 'org-awo'), obs('2026-06-11', 'org-awo'), obs('2026-06-12', 'org-drk')];
      expect(findTopicCandidates(fresh, AS_OF, { raisedAt }).map((c) => c.count)).to.deep.equal([3]);
    });

    it('the rule values are parameters', () => {
      const list = [obs('2026-06-01', 'org-awo'), obs('2026-06-02', 'org-drk')];
      expect(findTopicCandidates(list, AS_OF, { rule: { minObservations: 2, minOrganisations: 2, windowMonths: 1 } })).to.have.length(1);
    });
  });

  describe('pseudonym', () => {
    it('is stable, short, and does not contain the case id', () => {
      const ref = caseRef('KIM-2026-0042');
      expect(ref).to.match(/^F-[0-9a-f]{8}$/);
      expect(caseRef('KIM-2026-0042')).to.equal(ref);
      expect(ref).to.not.include('0042');
      expect(caseRef('KIM-2026-0043')).to.not.equal(ref);
    });

    it('observations: a case reference that is not a pseudonym is pseudonymised; the organisation defaults to the recorder', () => {
      const o = normaliseObservation({ caseRef: 'KIM-2026-0042', institution: 'jobcenter', lifeArea: 'ARBEIT', description: ' x ', date: '2026-06-01' }, 'org-drk');
      expect(o).to.deep.equal({ caseRef: caseRef('KIM-2026-0042'), institution: 'JOBCENTER', lifeArea: 'ARBEIT', description: 'x', date: '2026-06-01', organisation: 'org-drk' });
      const keep = normaliseObservation({ caseRef: 'F-0123abcd', institution: 'ABH', lifeArea: 'AUFENTHALT', date: '2026-06-01', organisation: 'org-awo' }, 'org-drk');
      expect(keep).to.include({ caseRef: 'F-0123abcd', organisation: 'org-awo' });
      expect(normaliseObservation({ institution: 'ABH', date: '2026-06-01' })).to.equal(null);
    });
  });

  it('ABH session: the first conference of each calendar month (days 1 to 14)', () => {
    expect(isAbhSession('2026-04-13')).to.equal(true);
    expect(isAbhSession('2026-04-14')).to.equal(true);
    expect(isAbhSession('2026-04-15')).to.equal(false);
    expect(isAbhSession('2026-04-27')).to.equal(false);
    // A 14-day rhythm puts exactly one conference on days 1–14 of every month.
    let day = Date.UTC(2026, 0, 5);
    const perMonth = new Map<string, number>();
    for (let i = 0; i < 60; i++, day += 14 * 86_400_000) {
      const d = new Date(day).toISOString().slice(0, 10);
      if (isAbhSession(d)) perMonth.set(d.slice(0, 7), (perMonth.get(d.slice(0, 7)) ?? 0) + 1);
    }
    expect(perMonth.size).to.be.at.least(26);
    expect([...perMonth.values()].every((n) => n === 1)).to.equal(true);
  });

  describe('topic status', () => {
    const candidates = findTopicCandidates([obs('2026-06-01', 'org-awo'), obs('2026-06-02', 'org-drk'), obs('2026-06-03', 'org-ki'),
      obs('2026-06-01', 'org-awo', { lifeArea: 'WOHNEN' }), obs('2026-06-02', 'org-drk', { lifeArea: 'WOHNEN' }), obs('2026-06-03', 'org-ki', { lifeArea: 'WOHNEN' })], AS_OF);
    const [arbeit, wohnen] = candidates.map((c) => c.themaId);

    it('KANDIDAT → VALIDIERT → LENKUNGSKREIS → BESCHLOSSEN → UMSETZUNG → ERLEDIGT, or VERWORFEN; verlauf keeps each step', () => {
      let topics = topicsFromCandidates(candidates, '2026-06-15');
      expect(openDecisions(topics).map((d) => [d.themaId, d.status, d.entscheidung])).to.deep.equal([[arbeit, 'KANDIDAT', null], [wohnen, 'KANDIDAT', null]]);
      topics = applyTopicDecisions(topics, [{ themaId: arbeit, entscheidung: 'VALIDIERT' }, { themaId: wohnen, entscheidung: 'VERWORFEN' }], '2026-06-16');
      expect(topics.map((t) => t.status)).to.deep.equal(['LENKUNGSKREIS', 'VERWORFEN']);
      expect(openDecisions(topics).map((d) => d.themaId)).to.deep.equal([arbeit]);
      topics = applyTopicDecisions(topics, [{ themaId: arbeit, entscheidung: 'BESCHLOSSEN', massnahme: 'Feste Ansprechperson im Jobcenter' }], '2026-07-01');
      expect(topics[0]).to.include({ status: 'UMSETZUNG', massnahme: 'Feste Ansprechperson im Jobcenter' });
      topics = applyTopicDecisions(topics, [{ themaId: arbeit, entscheidung: 'ERLEDIGT', ergebnis: 'Eingerichtet' }], '2026-09-01');
      expect(topics[0].verlauf).to.deep.equal([
        { status: 'KANDIDAT', am: '2026-06-15' }, { status: 'VALIDIERT', am: '2026-06-16' }, { status: 'LENKUNGSKREIS', am: '2026-06-16' },
        { status: 'BESCHLOSSEN', am: '2026-07-01' }, { status: 'UMSETZUNG', am: '2026-07-01' }, { status: 'ERLEDIGT', am: '2026-09-01' },
      ]);
      expect(openDecisions(topics)).to.deep.equal([]);
    });

    it('a decision the status does not allow, or for an unknown topic, changes nothing; counts are not taken from the decision', () => {
      const topics = topicsFromCandidates(candidates, '2026-06-15');
      const after = applyTopicDecisions(topics, [
        { themaId: arbeit, entscheidung: 'ERLEDIGT', count: 99 }, { themaId: 'TH-unknown', entscheidung: 'VALIDIERT' }, { themaId: wohnen, entscheidung: null },
      ], '2026-06-16');
      expect(after).to.deep.equal(topics);
      const validated = applyTopicDecisions(topics, [{ themaId: arbeit, entscheidung: 'VALIDIERT', count: 99, institution: 'Frau X' }], '2026-06-16');
      expect(validated[0]).to.include({ count: 3, institution: 'JOBCENTER' });
    });
  });
});
