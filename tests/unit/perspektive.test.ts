/**
 * The Baustein-3 perspective rule (src/kim/perspektive.ts, KIM-PROCESSES.md §4 step 1): every path,
 * the boundaries the law draws (27th birthday, 6 vs 4 years with a minor child, more than half of the
 * income, B1 and 5 years for naturalisation), the key deadline D and the risk level; plus the
 * end-state and §74 VwGO helpers and the handler registration.
 */
import { expect } from 'chai';
import { HandlerRegistry } from '../../src/engine/handlers.ts';
import type { KimHandlerDeps } from '../../src/kim/handlers.ts';
import {
  birthday, decidePerspective, ergebnisOfElement, klagefristBis, languageRank, localDay, normaliseStatus, registerPerspektiveHandlers,
} from '../../src/kim/perspektive.ts';

const TODAY = '2026-03-02';

/** A tolerated young adult meeting every §25a requirement. */
const young = {
  residenceStatus: 'DULDUNG', dateOfBirth: '2004-06-15', duldungSince: '2024-01-10', arrivalDate: '2019-08-01', schoolYears: 4,
  residenceValidUntil: '2026-09-30',
};
/** A tolerated adult meeting every §25b requirement. */
const adult = {
  residenceStatus: 'DULDUNG', dateOfBirth: '1980-01-01', arrivalDate: '2019-08-01', incomeShare: 0.6, languageLevel: 'A2', residenceValidUntil: '2027-02-28',
};

describe('perspective rule (Baustein 3)', () => {
  describe('§104c (§7 scenario 10)', () => {
    it('permit expires in 8 months, A2, 60 % own income → P25B, D = residenceValidUntil, handoff to the abh', () => {
      const r = decidePerspective({
        residenceStatus: 'P104C', residenceValidUntil: '2026-11-02', dateOfBirth: '1985-06-15', arrivalDate: '2016-09-01', languageLevel: 'A2', incomeShare: 60,
      }, TODAY);
      expect(r).to.include({ recommendedPath: 'P25B', keyDeadline: '2026-11-02', handoffRecipient: 'abh', riskLevel: 'MITTEL' });
      expect(r.missingRequirements).to.deep.equal([]);
      expect(r.perspektiveBegruendung).to.contain('§104c').and.contain('§25b');
    });

    it('a young §104c holder → P25A; D is the permit expiry when it comes before the 27th birthday', () => {
      const r = decidePerspective({ ...young, residenceStatus: '§ 104c', duldungSince: undefined, residenceValidUntil: '2027-01-31' }, TODAY);
      expect(r).to.include({ recommendedPath: 'P25A', keyDeadline: '2027-01-31' });
      const later = decidePerspective({ ...young, residenceStatus: 'P104C', duldungSince: undefined, residenceValidUntil: '2032-01-31' }, TODAY);
      expect(later.keyDeadline).to.equal('2031-06-15');
    });

    it('D only 60 days away → risk HOCH; missing requirements of a precarious status → HOCH', () => {
      expect(decidePerspective({ residenceStatus: 'P104C', residenceValidUntil: '2026-05-01', arrivalDate: '2016-01-01', languageLevel: 'A2', incomeShare: 0.7, dateOfBirth: '1980-01-01' }, TODAY).riskLevel).to.equal('HOCH');
      const r = decidePerspective({ residenceStatus: 'P104C', residenceValidUntil: '2027-05-01', arrivalDate: '2016-01-01', languageLevel: 'A1', incomeShare: 0.7, dateOfBirth: '1980-01-01' }, TODAY);
      expect(r).to.include({ recommendedPath: 'P25B', riskLevel: 'HOCH' });
      expect(r.missingRequirements).to.deep.equal(['SPRACHE_A2']);
    });
  });

  describe('§25a (well-integrated young people)', () => {
    it('all requirements met → P25A, D = 27th birthday', () => {
      const r = decidePerspective(young, TODAY);
      expect(r).to.include({ recommendedPath: 'P25A', keyDeadline: '2031-06-15', handoffRecipient: 'abh' });
      expect(r.missingRequirements).to.deep.equal([]);
    });

    it('boundary: aged 26 the day before the 27th birthday qualifies; on the birthday not any more', () => {
      const dob = '1999-03-03'; // 27th birthday 2026-03-03
      expect(decidePerspective({ ...young, dateOfBirth: dob }, '2026-03-02')).to.include({ recommendedPath: 'P25A', keyDeadline: '2026-03-03', riskLevel: 'HOCH' });
      const on = decidePerspective({ ...young, dateOfBirth: dob }, '2026-03-03');
      expect(on.recommendedPath).to.equal('P25B');
      expect(on.missingRequirements).to.include('LEBENSUNTERHALT_UEBERWIEGEND_GESICHERT');
    });

    it('boundary: 14th birthday qualifies, 13-year-olds do not', () => {
      expect(decidePerspective({ ...young, dateOfBirth: '2012-03-02' }, TODAY).recommendedPath).to.equal('P25A');
      const r = decidePerspective({ ...young, dateOfBirth: '2012-03-03' }, TODAY);
      expect(r.missingRequirements).to.include('ALTER_14_BIS_UNTER_27');
    });

    it('12 months of toleration, 3 years of stay, 3 years of school or a qualification', () => {
      expect(decidePerspective({ ...young, duldungSince: '2025-03-03' }, TODAY).missingRequirements).to.deep.equal(['DULDUNG_12_MONATE_ODER_104C']);
      expect(decidePerspective({ ...young, duldungSince: '2025-03-02' }, TODAY).missingRequirements).to.deep.equal([]);
      expect(decidePerspective({ ...young, arrivalDate: '2023-03-03' }, TODAY).missingRequirements).to.deep.equal(['AUFENTHALT_3_JAHRE']);
      expect(decidePerspective({ ...young, schoolYears: 2 }, TODAY).missingRequirements).to.deep.equal(['SCHULBESUCH_3_JAHRE_ODER_ABSCHLUSS']);
      expect(decidePerspective({ ...young, schoolYears: 2, qualification: 'BERUFSABSCHLUSS' }, TODAY).missingRequirements).to.deep.equal([]);
    });

    it('born on 29 February: the 27th birthday in a common year is 1 March', () => {
      expect(birthday('2000-02-29', 27)).to.equal('2027-03-01');
      expect(birthday('2000-02-29', 28)).to.equal('2028-02-29');
      expect(decidePerspective({ ...young, dateOfBirth: '2000-02-29' }, TODAY).keyDeadline).to.equal('2027-03-01');
    });
  });

  describe('§25b (sustainable integration)', () => {
    it('all requirements met → P25B, D = residenceValidUntil', () => {
      const r = decidePerspective(adult, TODAY);
      expect(r).to.include({ recommendedPath: 'P25B', keyDeadline: '2027-02-28', handoffRecipient: 'abh' });
      expect(r.missingRequirements).to.deep.equal([]);
    });

    it('boundary: 6 years of stay, or 4 with a minor child', () => {
      const fourYears = { ...adult, arrivalDate: '2022-03-02' };
      expect(decidePerspective(fourYears, TODAY).missingRequirements).to.deep.equal(['AUFENTHALT_6_JAHRE']);
      expect(decidePerspective({ ...fourYears, minorChild: true }, TODAY).missingRequirements).to.deep.equal([]);
      expect(decidePerspective({ ...adult, arrivalDate: '2022-03-03', minorChild: true }, TODAY).missingRequirements).to.deep.equal(['AUFENTHALT_4_JAHRE_MIT_MINDERJAEHRIGEM_KIND']);
      expect(decidePerspective({ ...adult, arrivalDate: undefined, stayYears: 6 }, TODAY).missingRequirements).to.deep.equal([]);
      expect(decidePerspective({ ...adult, arrivalDate: undefined, stayYears: 5 }, TODAY).missingRequirements).to.deep.equal(['AUFENTHALT_6_JAHRE']);
    });

    it('boundary: more than 50 % own income (exactly half is not enough); fraction or percent', () => {
      expect(decidePerspective({ ...adult, incomeShare: 0.5 }, TODAY).missingRequirements).to.deep.equal(['LEBENSUNTERHALT_UEBERWIEGEND_GESICHERT']);
      expect(decidePerspective({ ...adult, incomeShare: 50 }, TODAY).missingRequirements).to.deep.equal(['LEBENSUNTERHALT_UEBERWIEGEND_GESICHERT']);
      expect(decidePerspective({ ...adult, incomeShare: 51 }, TODAY).missingRequirements).to.deep.equal([]);
      expect(decidePerspective({ ...adult, incomeShare: '0,51' }, TODAY).missingRequirements).to.deep.equal([]);
    });

    it('A2 at least', () => {
      expect(decidePerspective({ ...adult, languageLevel: 'A1' }, TODAY).missingRequirements).to.deep.equal(['SPRACHE_A2']);
      expect(decidePerspective({ ...adult, languageLevel: 'b1' }, TODAY).missingRequirements).to.deep.equal([]);
    });

    it('a young person meeting §25b but not §25a gets §25b; meeting neither, the reachable §25a with what is missing', () => {
      expect(decidePerspective({ ...adult, dateOfBirth: '2004-01-01' }, TODAY).recommendedPath).to.equal('P25B');
      const neither = decidePerspective({ ...young, schoolYears: 1, incomeShare: 0.2 }, TODAY);
      expect(neither.recommendedPath).to.equal('P25A');
      expect(neither.missingRequirements).to.deep.equal(['SCHULBESUCH_3_JAHRE_ODER_ABSCHLUSS']);
      expect(neither.riskLevel).to.equal('HOCH');
    });
  });

  describe('§60d Beschäftigungsduldung', () => {
    it('→ P25B_ABS6, D = end of the Beschäftigungsduldung', () => {
      const r = decidePerspective({ residenceStatus: '60d', beschaeftigungsduldungUntil: '2027-08-31', residenceValidUntil: '2026-12-31', dateOfBirth: '1990-01-01' }, TODAY);
      expect(r).to.include({ recommendedPath: 'P25B_ABS6', keyDeadline: '2027-08-31', handoffRecipient: 'abh', riskLevel: 'MITTEL' });
    });
  });

  describe('Einbürgerung (§10 StAG)', () => {
    const lawful = { residenceStatus: 'AUFENTHALTSERLAUBNIS', arrivalDate: '2018-01-10', languageLevel: 'B1', residenceValidUntil: '2027-06-30', dateOfBirth: '1990-02-01' };

    it('5 years of lawful residence and B1 → EINBUERGERUNG, handoff to the ebh', () => {
      const r = decidePerspective(lawful, TODAY);
      expect(r).to.include({ recommendedPath: 'EINBUERGERUNG', handoffRecipient: 'ebh', keyDeadline: '2027-06-30', riskLevel: 'NIEDRIG' });
      expect(r.missingRequirements).to.deep.equal([]);
    });

    it('boundaries: B1, 5 years; a permanent title has no deadline', () => {
      expect(decidePerspective({ ...lawful, languageLevel: 'A2' }, TODAY).missingRequirements).to.deep.equal(['SPRACHE_B1']);
      expect(decidePerspective({ ...lawful, arrivalDate: '2021-03-03' }, TODAY).missingRequirements).to.deep.equal(['RECHTMAESSIGER_AUFENTHALT_5_JAHRE']);
      expect(decidePerspective({ ...lawful, arrivalDate: '2021-03-02' }, TODAY).missingRequirements).to.deep.equal([]);
      expect(decidePerspective({ ...lawful, lawfulStayYears: 4 }, TODAY).missingRequirements).to.deep.equal(['RECHTMAESSIGER_AUFENTHALT_5_JAHRE']);
      const permanent = decidePerspective({ ...lawful, residenceStatus: 'NIEDERLASSUNGSERLAUBNIS', residenceValidUntil: undefined }, TODAY);
      expect(permanent).to.include({ recommendedPath: 'EINBUERGERUNG', keyDeadline: null, riskLevel: 'NIEDRIG' });
    });

    it('years of toleration or §104c do not lead to naturalisation', () => {
      expect(decidePerspective({ ...lawful, residenceStatus: 'DULDUNG' }, TODAY).recommendedPath).to.not.equal('EINBUERGERUNG');
      expect(decidePerspective({ ...lawful, residenceStatus: 'P104C' }, TODAY).recommendedPath).to.not.equal('EINBUERGERUNG');
    });
  });

  describe('helpers', () => {
    it('normalises statuses and language levels', () => {
      expect(normaliseStatus('§104c')).to.equal('P104C');
      expect(normaliseStatus('60 d')).to.equal('P60D');
      expect(normaliseStatus('Duldung')).to.equal('DULDUNG');
      expect(languageRank('B1+')).to.equal(3);
      expect(languageRank('')).to.equal(0);
    });

    it('ergebnis from the service task id: only the end states of §4', () => {
      expect(ergebnisOfElement('ergebnisTitelErteilt')).to.equal('TITEL_ERTEILT');
      expect(ergebnisOfElement('ergebnisAbgelehntVerwiesen')).to.equal('ABGELEHNT_VERWIESEN');
      expect(ergebnisOfElement('ergebnisKeineUebermittlung')).to.equal('KEINE_UEBERMITTLUNG');
      expect(() => ergebnisOfElement('ergebnisTitelErtelt')).to.throw(/names no end state/);
      expect(() => ergebnisOfElement(undefined)).to.throw(/names no end state/);
    });

    it('§74 VwGO: one month, the month end when the day is missing, a weekend moves to Monday', () => {
      expect(klagefristBis('2026-03-16')).to.equal('2026-04-16');
      expect(klagefristBis('2026-01-31')).to.equal('2026-03-02'); // 28.02.2026 is a Saturday
      expect(klagefristBis('2027-01-29')).to.equal('2027-03-01'); // 28.02.2027 is a Sunday
      expect(klagefristBis('2026-06-05')).to.equal('2026-07-06'); // 05.07.2026 is a Sunday
      expect(klagefristBis('2026-12-15')).to.equal('2027-01-15');
    });

    it('today in Herne (Europe/Berlin)', () => {
      expect(localDay(Date.parse('2026-03-01T23:30:00Z'))).to.equal('2026-03-02');
    });
  });

  describe('handlers', () => {
    const deps = (now: string) => ({ clock: { now: () => Date.parse(now) } }) as unknown as KimHandlerDeps;

    it('registers perspektivpruefung, baustein3Ergebnis and baustein3Klagefrist', async () => {
      const handlers = new HandlerRegistry();
      registerPerspektiveHandlers(handlers, deps('2026-03-02T08:00:00Z'));
      const out = await handlers.run('perspektivpruefung', 'perspektivpruefung', {
        variables: { residenceStatus: 'P104C', residenceValidUntil: '2026-11-02', arrivalDate: '2016-09-01', languageLevel: 'A2', incomeShare: 60, dateOfBirth: '1985-06-15' },
        instanceId: 'i1', clock: { now: () => 0 },
      });
      expect(out).to.include({ recommendedPath: 'P25B', keyDeadline: '2026-11-02', handoffRecipient: 'abh', riskLevel: 'MITTEL' });
      expect(await handlers.run('baustein3Ergebnis', 'ergebnisEingebuergert', { variables: {}, instanceId: 'i1', clock: { now: () => 0 }, elementId: 'ergebnisEingebuergert' }))
        .to.deep.equal({ ergebnis: 'EINGEBUERGERT' });
      expect(await handlers.run('baustein3Klagefrist', 'klagefrist', { variables: { decisionDate: '2026-03-16' }, instanceId: 'i1', clock: { now: () => 0 } }))
        .to.deep.equal({ klagefristBis: '2026-04-16' });
      let failed: Error | undefined;
      try {
        await handlers.run('baustein3Klagefrist', 'klagefrist', { variables: {}, instanceId: 'i1', clock: { now: () => 0 } });
      } catch (err) {
        failed = err as Error;
      }
      expect(failed?.message).to.match(/decisionDate/);
    });
  });
});
