import type { Collection, Db } from 'mongodb';
import { NotFound } from '../../errors.ts';
import { requireInstant } from '../../kim/auditStore.ts';
import { checkConsentRecord, type ConsentRecord, type ConsentScope, type ConsentStore } from '../../kim/consentStore.ts';
import { isDuplicateKey } from './errors.ts';

/**
 * MongoDB adapter for the consent port (also runs on FerretDB 1.x). One collection, `consents`,
 * keyed by the record id (`_id`). Single-document writes only, no transactions: an insert with an
 * existing id is a duplicate-key no-op, and withdrawal is one conditional update
 * (`{ _id, withdrawnAt: null }`), so the first withdrawal wins. The caller owns the client;
 * `init()` creates the indexes (idempotent).
 */

interface ConsentDoc {
  _id: string;
  caseId: string;
  personRef: string | null;
  recipient: string;
  purposes: string[];
  dataCategories: string[];
  scope: ConsentScope[];
  grantedAt: string;
  validUntil: string | null;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
  recordedBy: string;
  organisation: string | null;
}

export const CONSENT_COLLECTION = 'consents';

const toConsent = (d: ConsentDoc): ConsentRecord => ({
  id: d._id,
  caseId: d.caseId,
  personRef: d.personRef ?? null,
  recipient: d.recipient,
  purposes: [...d.purposes],
  dataCategories: [...d.dataCategories],
  scope: [...d.scope],
  grantedAt: d.grantedAt,
  validUntil: d.validUntil ?? null,
  withdrawnAt: d.withdrawnAt ?? null,
  withdrawnBy: d.withdrawnBy ?? null,
  recordedBy: d.recordedBy,
  organisation: d.organisation ?? null,
});

export class MongoConsents implements ConsentStore {
  private readonly consents: Collection<ConsentDoc>;

  constructor(db: Db) {
    this.consents = db.collection<ConsentDoc>(CONSENT_COLLECTION);
  }

  async init(): Promise<void> {
    await this.consents.createIndex({ caseId: 1, grantedAt: 1, _id: 1 }, { name: 'by_case' });
  }

  async addConsent(record: ConsentRecord): Promise<boolean> {
    const c = checkConsentRecord(record);
    try {
      await this.consents.insertOne({
        _id: c.id,
        caseId: c.caseId,
        personRef: c.personRef ?? null,
        recipient: c.recipient,
        purposes: c.purposes,
        dataCategories: c.dataCategories,
        scope: c.scope,
        grantedAt: c.grantedAt,
        validUntil: c.validUntil,
        withdrawnAt: c.withdrawnAt,
        withdrawnBy: c.withdrawnBy ?? null,
        recordedBy: c.recordedBy,
        organisation: c.organisation,
      });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async getConsent(id: string): Promise<ConsentRecord | undefined> {
    const doc = await this.consents.findOne({ _id: id });
    return doc ? toConsent(doc) : undefined;
  }

  async listConsents(caseId: string): Promise<ConsentRecord[]> {
    const docs = await this.consents.find({ caseId }).sort({ grantedAt: 1, _id: 1 }).toArray();
    return docs.map(toConsent);
  }

  async withdrawConsent(id: string, at: string, by: string): Promise<ConsentRecord> {
    const when = requireInstant(at, 'withdrawnAt');
    await this.consents.updateOne({ _id: id, withdrawnAt: null }, { $set: { withdrawnAt: when, withdrawnBy: by } });
    const record = await this.getConsent(id);
    if (!record) throw new NotFound(`Consent '${id.slice(0, 80)}' does not exist`);
    return record;
  }

  async deleteConsentsOfCase(caseId: string): Promise<number> {
    return (await this.consents.deleteMany({ caseId: { $eq: caseId } })).deletedCount;
  }
}
