import { expect } from 'chai';
import { startTestService, type TestService } from '../helpers/service.ts';

describe('api: consents and the audit log in the running service', () => {
  let t: TestService;
  before(async () => (t = await startTestService()));
  after(() => t.close());

  it('records and withdraws a consent; both are in the audit log, with who and which case', async () => {
    const created = await t.api('POST', '/api/consents', {
      caseId: 'FALL-2026-0007',
      recipient: 'abh',
      purposes: ['Aufenthaltssicherung'],
      dataCategories: ['name', 'dateOfBirth', 'abhAktenzeichen'],
      scope: ['UEBERLEITUNG', 'DEADLINE_ESCALATION'],
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body).to.include({ caseId: 'FALL-2026-0007', recipient: 'abh', withdrawnAt: null });
    expect(created.body.grantedAt).to.equal('2026-03-01T08:00:00.000Z');
    const listed = await t.api('GET', '/api/consents?caseId=FALL-2026-0007');
    expect(listed.body.map((c: { id: string }) => c.id)).to.deep.equal([created.body.id]);
    t.clock.advance(86400_000);
    const withdrawn = await t.api('POST', `/api/consents/${created.body.id}/withdraw`, {});
    expect(withdrawn.status).to.equal(200);
    expect(withdrawn.body.withdrawnAt).to.equal('2026-03-02T08:00:00.000Z');

    const audit = await t.api('GET', '/api/audit?caseId=FALL-2026-0007');
    expect(audit.status).to.equal(200);
    const types = audit.body.items.map((e: { type: string }) => e.type);
    expect(types).to.include.members(['CONSENT_RECORDED', 'CONSENT_WITHDRAWN']);
    expect(audit.body.items.every((e: { userId: string; caseId: string }) => e.userId === 'admin' && e.caseId === 'FALL-2026-0007')).to.equal(true);
  });
});
