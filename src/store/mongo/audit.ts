import type { Collection, Db, Filter } from 'mongodb';
import {
  checkAuditEntry,
  normaliseAuditQuery,
  type AuditDetailValue,
  type AuditEntry,
  type AuditQuery,
  type AuditStore,
} from '../../kim/auditStore.ts';
import { pageBounds } from '../../notifications/inboxStore.ts';
import { isDuplicateKey } from './errors.ts';

/**
 * MongoDB adapter for the audit port (also runs on FerretDB 1.x). One collection, `audit_log`,
 * keyed by the entry id (`_id`). This class only ever inserts: a second entry with the same id is
 * a duplicate-key no-op (the stored one is never overwritten), and there is no update or delete.
 * Each append first takes the next number from a counter document (one atomic single-document
 * `$inc`), so entries with equal `at` keep their insertion order across processes; a number
 * taken by an append that turns out to be a duplicate is simply skipped.
 * (Enforcing that for other clients is a matter of database roles: grant the service `insert` and
 * `find` on this collection only.) The caller owns the client; `init()` creates the indexes.
 */

interface AuditDoc {
  _id: string;
  /** Insertion order among entries with equal `at` (from the counter document). */
  seq: number;
  at: string;
  type: string;
  userId: string | null;
  organisation: string | null;
  caseId: string | null;
  purpose: string | null;
  details: Record<string, AuditDetailValue>;
}

export const AUDIT_COLLECTION = 'audit_log';
/** One document (`_id: 'audit_log'`) whose `seq` numbers the appends. */
export const AUDIT_COUNTER_COLLECTION = 'audit_log_counter';
const COUNTER_ID = 'audit_log';

interface CounterDoc {
  _id: string;
  seq: number;
}

const toEntry = (d: AuditDoc): AuditEntry => ({
  id: d._id,
  at: d.at,
  type: d.type,
  userId: d.userId ?? null,
  organisation: d.organisation ?? null,
  caseId: d.caseId ?? null,
  purpose: d.purpose ?? null,
  details: { ...(d.details ?? {}) },
});

function filterOf(query: AuditQuery): Filter<AuditDoc> {
  const q = normaliseAuditQuery(query);
  const f: Filter<AuditDoc> = {};
  if (q.caseId !== undefined) f.caseId = q.caseId;
  if (q.type !== undefined) f.type = q.type;
  if (q.userId !== undefined) f.userId = q.userId;
  if (q.from !== undefined || q.to !== undefined) {
    f.at = {
      ...(q.from !== undefined ? { $gte: q.from } : {}),
      ...(q.to !== undefined ? { $lte: q.to } : {}),
    };
  }
  return f;
}

export class MongoAudit implements AuditStore {
  private readonly log: Collection<AuditDoc>;
  private readonly counter: Collection<CounterDoc>;

  constructor(db: Db) {
    this.log = db.collection<AuditDoc>(AUDIT_COLLECTION);
    this.counter = db.collection<CounterDoc>(AUDIT_COUNTER_COLLECTION);
  }

  private async nextSeq(): Promise<number> {
    const take = () => this.counter.findOneAndUpdate({ _id: COUNTER_ID }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' });
    let doc: CounterDoc | null;
    try {
      doc = await take();
    } catch (err) {
      // Two first-ever appends raced to create the counter: the other one created it.
      if (!isDuplicateKey(err)) throw err;
      doc = await take();
    }
    if (!doc || typeof doc.seq !== 'number') throw new Error('audit log counter did not answer with a number');
    return doc.seq;
  }

  async init(): Promise<void> {
    await this.log.createIndex({ at: 1, seq: 1 }, { name: 'by_time' });
    await this.log.createIndex({ caseId: 1, at: 1, seq: 1 }, { name: 'by_case' });
    await this.log.createIndex({ type: 1, at: 1, seq: 1 }, { name: 'by_type' });
    await this.log.createIndex({ userId: 1, at: 1, seq: 1 }, { name: 'by_user' });
  }

  async appendAudit(entry: AuditEntry): Promise<boolean> {
    const e = checkAuditEntry(entry);
    // A retry of an entry already there needs no number (by-id read: indexed even on FerretDB).
    if (await this.log.countDocuments({ _id: e.id }, { limit: 1 })) return false;
    const seq = await this.nextSeq();
    try {
      await this.log.insertOne({
        _id: e.id,
        seq,
        at: e.at,
        type: e.type,
        userId: e.userId,
        organisation: e.organisation,
        caseId: e.caseId,
        purpose: e.purpose,
        details: e.details,
      });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async findAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const { skip, limit } = pageBounds(query);
    if (limit === 0) return [];
    const dir = query.sortOrder === 'desc' ? -1 : 1;
    let cursor = this.log.find(filterOf(query)).sort({ at: dir, seq: dir }).skip(skip);
    if (limit !== undefined) cursor = cursor.limit(limit);
    return (await cursor.toArray()).map(toEntry);
  }

  async countAudit(query: AuditQuery = {}): Promise<number> {
    return this.log.countDocuments(filterOf(query));
  }
}
