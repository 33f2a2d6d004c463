/** The benefit rule (KIM-PROCESSES.md §2 step 5) and its configuration. */
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { decideBenefitSystem } from '../../src/kim/leistungssystem.ts';

const RULES = { cutoverDate: '2025-04-01', lawInForce: false };

describe('unit: leistungssystem', () => {
  it('Gestattung or Duldung → AsylbLG', () => {
    expect(decideBenefitSystem({ residenceStatus: 'GESTATTUNG' }, RULES).benefitSystem).to.equal('ASYLBLG');
    expect(decideBenefitSystem({ residenceStatus: 'Duldung' }, RULES).benefitSystem).to.equal('ASYLBLG');
    expect(decideBenefitSystem({ arrivalChannel: 'ZUWEISUNG' }, RULES).benefitSystem).to.equal('ASYLBLG');
  });

  it('§24 before the cut-over → SGB II; on or after it → AsylbLG only once the law is in force', () => {
    const before = { arrivalChannel: 'UKRAINE_24', fiktionIssuedAt: '2025-03-31' };
    const on = { arrivalChannel: 'UKRAINE_24', fiktionIssuedAt: '2025-04-01' };
    expect(decideBenefitSystem(before, RULES).benefitSystem).to.equal('SGB2');
    expect(decideBenefitSystem(on, RULES).benefitSystem).to.equal('SGB2');
    expect(decideBenefitSystem(on, RULES).benefitRule).to.contain('noch nicht in Kraft');
    expect(decideBenefitSystem(on, { ...RULES, lawInForce: true }).benefitSystem).to.equal('ASYLBLG');
    expect(decideBenefitSystem(before, { ...RULES, lawInForce: true }).benefitSystem).to.equal('SGB2');
    // Without a Fiktionsbescheinigung the application date counts, then the arrival.
    expect(decideBenefitSystem({ arrivalChannel: 'UKRAINE_24', abhApplicationDate: '2026-02-10' }, { ...RULES, lawInForce: true }).benefitSystem).to.equal('ASYLBLG');
    expect(decideBenefitSystem({ arrivalChannel: 'UKRAINE_24', arrivalDate: '2024-05-01' }, { ...RULES, lawInForce: true }).benefitSystem).to.equal('SGB2');
    // A later cut-over date moves the line.
    expect(decideBenefitSystem(on, { cutoverDate: '2026-07-01', lawInForce: true }).benefitSystem).to.equal('SGB2');
  });

  it('not able to work → SGB XII; recognised refugees and EU citizens → SGB II', () => {
    expect(decideBenefitSystem({ arrivalChannel: 'SEKUNDAER', erwerbsfaehig: false }, RULES).benefitSystem).to.equal('SGB12');
    expect(decideBenefitSystem({ arrivalChannel: 'SEKUNDAER', residenceStatus: 'AUFENTHALTSERLAUBNIS' }, RULES).benefitSystem).to.equal('SGB2');
    expect(decideBenefitSystem({ arrivalChannel: 'EU' }, RULES).benefitSystem).to.equal('SGB2');
  });

  it('configuration: BENEFIT_CUTOVER_DATE and BENEFIT_LAW_IN_FORCE with defaults and clear errors', () => {
    expect(loadConfig({}, '/tmp').benefitRules).to.deep.equal({ cutoverDate: '2025-04-01', lawInForce: false });
    expect(loadConfig({ BENEFIT_CUTOVER_DATE: '2026-07-01', BENEFIT_LAW_IN_FORCE: 'true' }, '/tmp').benefitRules).to.deep.equal({ cutoverDate: '2026-07-01', lawInForce: true });
    expect(() => loadConfig({ BENEFIT_CUTOVER_DATE: '1.7.2026' }, '/tmp')).to.throw(ConfigError, /BENEFIT_CUTOVER_DATE must be an ISO date/);
    expect(() => loadConfig({ BENEFIT_LAW_IN_FORCE: 'vielleicht' }, '/tmp')).to.throw(ConfigError, /BENEFIT_LAW_IN_FORCE must be true or false/);
  });
});
