import type Database from 'better-sqlite3';
import { NotFound } from '../../errors.ts';
import { requireInstant } from '../../kim/auditStore.ts';
import { checkConsentRecord, type ConsentRecord, type ConsentScope, type ConsentStore } from '../../kim/consentStore.ts';

/**
 * SQLite adapter for the consent port. The caller owns the connection and executes
 * `SqliteConsents.schema` once before use (SqliteStore in its migration; `init()` does the same
 * for standalone use). Lists are stored as JSON arrays. Inserts are idempotent by primary key;
 * withdrawal is one conditional UPDATE (`withdrawn_at IS NULL`), so the first one wins.
 */

interface ConsentRow {
  id: string;
  case_id: string;
  person_ref: string | null;
  recipient: string;
  purposes: string;
  data_categories: string;
  scope: string;
  granted_at: string;
  valid_until: string | null;
  withdrawn_at: string | null;
  withdrawn_by: string | null;
  recorded_by: string;
  organisation: string | null;
}

const toConsent = (r: ConsentRow): ConsentRecord => ({
  id: r.id,
  caseId: r.case_id,
  personRef: r.person_ref,
  recipient: r.recipient,
  purposes: JSON.parse(r.purposes) as string[],
  dataCategories: JSON.parse(r.data_categories) as string[],
  scope: JSON.parse(r.scope) as ConsentScope[],
  grantedAt: r.granted_at,
  validUntil: r.valid_until,
  withdrawnAt: r.withdrawn_at,
  withdrawnBy: r.withdrawn_by,
  recordedBy: r.recorded_by,
  organisation: r.organisation,
});

export class SqliteConsents implements ConsentStore {
  /** Idempotent DDL; safe to execute on every start. */
  static readonly schema: string = `
CREATE TABLE IF NOT EXISTS consents (
  id              TEXT PRIMARY KEY NOT NULL,
  case_id         TEXT NOT NULL,
  person_ref      TEXT,
  recipient       TEXT NOT NULL,
  purposes        TEXT NOT NULL,
  data_categories TEXT NOT NULL,
  scope           TEXT NOT NULL,
  granted_at      TEXT NOT NULL,
  valid_until     TEXT,
  withdrawn_at    TEXT,
  withdrawn_by    TEXT,
  recorded_by     TEXT NOT NULL,
  organisation    TEXT
);
CREATE INDEX IF NOT EXISTS consents_case ON consents(case_id, granted_at, id);
`;

  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  async init(): Promise<void> {
    this.db.exec(SqliteConsents.schema);
  }

  async addConsent(record: ConsentRecord): Promise<boolean> {
    const c = checkConsentRecord(record);
    const info = this.stmt(
      `INSERT INTO consents (id, case_id, person_ref, recipient, purposes, data_categories, scope, granted_at, valid_until,
         withdrawn_at, withdrawn_by, recorded_by, organisation)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
    ).run(
      c.id, c.caseId, c.personRef ?? null, c.recipient, JSON.stringify(c.purposes), JSON.stringify(c.dataCategories),
      JSON.stringify(c.scope), c.grantedAt, c.validUntil, c.withdrawnAt, c.withdrawnBy ?? null, c.recordedBy, c.organisation,
    );
    return info.changes > 0;
  }

  async getConsent(id: string): Promise<ConsentRecord | undefined> {
    const row = this.stmt('SELECT * FROM consents WHERE id = ?').get(id) as ConsentRow | undefined;
    return row ? toConsent(row) : undefined;
  }

  async listConsents(caseId: string): Promise<ConsentRecord[]> {
    const rows = this.stmt('SELECT * FROM consents WHERE case_id = ? ORDER BY granted_at, id').all(caseId) as ConsentRow[];
    return rows.map(toConsent);
  }

  async withdrawConsent(id: string, at: string, by: string): Promise<ConsentRecord> {
    const when = requireInstant(at, 'withdrawnAt');
    this.stmt('UPDATE consents SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ? AND withdrawn_at IS NULL').run(when, by, id);
    const record = await this.getConsent(id);
    if (!record) throw new NotFound(`Consent '${id.slice(0, 80)}' does not exist`);
    return record;
  }

  async deleteConsentsOfCase(caseId: string): Promise<number> {
    return this.stmt('DELETE FROM consents WHERE case_id = ?').run(caseId).changes;
  }
}
