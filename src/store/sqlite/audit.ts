import type Database from 'better-sqlite3';
import {
  checkAuditEntry,
  normaliseAuditQuery,
  type AuditDetailValue,
  type AuditEntry,
  type AuditQuery,
  type AuditStore,
} from '../../kim/auditStore.ts';
import { pageBounds } from '../../notifications/inboxStore.ts';

/**
 * SQLite adapter for the audit port. The caller owns the connection and executes
 * `SqliteAudit.schema` once before use (SqliteStore in its migration; `init()` does the same for
 * standalone use). Append-only in the database itself: `BEFORE UPDATE` and `BEFORE DELETE`
 * triggers abort any change to a stored row, whoever issues it. Inserts are idempotent by id
 * (`ON CONFLICT DO NOTHING`, which neither updates nor fires the triggers). `seq`
 * (AUTOINCREMENT: increasing, never reused) keeps insertion order among entries with equal `at`.
 */

interface AuditRow {
  seq: number;
  id: string;
  at: string;
  type: string;
  user_id: string | null;
  organisation: string | null;
  case_id: string | null;
  purpose: string | null;
  details: string;
}

const toEntry = (r: AuditRow): AuditEntry => ({
  id: r.id,
  at: r.at,
  type: r.type,
  userId: r.user_id,
  organisation: r.organisation,
  caseId: r.case_id,
  purpose: r.purpose,
  details: JSON.parse(r.details) as Record<string, AuditDetailValue>,
});

function where(query: AuditQuery): { sql: string; params: unknown[] } {
  const q = normaliseAuditQuery(query);
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    clauses.push(clause);
    params.push(value);
  };
  if (q.caseId !== undefined) add('case_id = ?', q.caseId);
  if (q.type !== undefined) add('type = ?', q.type);
  if (q.userId !== undefined) add('user_id = ?', q.userId);
  if (q.from !== undefined) add('at >= ?', q.from);
  if (q.to !== undefined) add('at <= ?', q.to);
  return { sql: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
}

export class SqliteAudit implements AuditStore {
  /** Idempotent DDL (table, indexes, append-only triggers); safe to execute on every start. */
  static readonly schema: string = `
CREATE TABLE IF NOT EXISTS audit_log (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  at           TEXT NOT NULL,
  type         TEXT NOT NULL,
  user_id      TEXT,
  organisation TEXT,
  case_id      TEXT,
  purpose      TEXT,
  details      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log(at, seq);
CREATE INDEX IF NOT EXISTS audit_log_case ON audit_log(case_id, at, seq);
CREATE INDEX IF NOT EXISTS audit_log_type ON audit_log(type, at, seq);
CREATE INDEX IF NOT EXISTS audit_log_user ON audit_log(user_id, at, seq);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit log is append-only');
END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit log is append-only');
END;
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
    this.db.exec(SqliteAudit.schema);
  }

  async appendAudit(entry: AuditEntry): Promise<boolean> {
    const e = checkAuditEntry(entry);
    const info = this.stmt(
      `INSERT INTO audit_log (id, at, type, user_id, organisation, case_id, purpose, details)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
    ).run(e.id, e.at, e.type, e.userId, e.organisation, e.caseId, e.purpose, JSON.stringify(e.details));
    return info.changes > 0;
  }

  async findAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const { sql, params } = where(query);
    const dir = query.sortOrder === 'desc' ? 'DESC' : 'ASC';
    const { skip, limit } = pageBounds(query);
    const rows = this.stmt(`SELECT * FROM audit_log${sql} ORDER BY at ${dir}, seq ${dir} LIMIT ? OFFSET ?`).all(
      ...params,
      limit ?? -1,
      skip,
    ) as AuditRow[];
    return rows.map(toEntry);
  }

  async countAudit(query: AuditQuery = {}): Promise<number> {
    const { sql, params } = where(query);
    return (this.stmt(`SELECT COUNT(*) AS n FROM audit_log${sql}`).get(...params) as { n: number }).n;
  }
}
