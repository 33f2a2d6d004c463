import type Database from 'better-sqlite3';
import { Conflict, NotFound } from '../../errors.ts';
import type {
  GroupQuery,
  GroupRecord,
  IdentityStore,
  TokenRecord,
  UserQuery,
  UserRecord,
} from '../identityStore.ts';

/**
 * SQLite adapter for the identity port (users, groups, memberships, API tokens).
 * The caller owns the connection and executes `SqliteIdentity.schema` once before use
 * (SqliteStore does this as part of its own migration). Statements are prepared lazily,
 * so constructing the class before the schema exists is fine.
 *
 * Deletes cascade explicitly (in a transaction), so correctness does not depend on
 * `PRAGMA foreign_keys`; the FK declarations only add a safety net when it is on.
 */

interface UserRow {
  id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  password_hash: string;
}

interface GroupRow {
  id: string;
  name: string | null;
  type: string | null;
}

interface TokenRow {
  hash: string;
  user_id: string;
  name: string | null;
  created_at: string;
}

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  firstName: r.first_name,
  lastName: r.last_name,
  email: r.email,
  passwordHash: r.password_hash,
});

const toGroup = (r: GroupRow): GroupRecord => ({ id: r.id, name: r.name, type: r.type });

const toToken = (r: TokenRow): TokenRecord => ({ hash: r.hash, userId: r.user_id, name: r.name, createdAt: r.created_at });

interface Where {
  sql: string;
  params: unknown[];
}

function paging(query: { firstResult?: number; maxResults?: number }): Where {
  const limit = query.maxResults === undefined ? -1 : Math.max(0, Math.floor(query.maxResults));
  const offset = query.firstResult === undefined ? 0 : Math.max(0, Math.floor(query.firstResult));
  return { sql: ' LIMIT ? OFFSET ?', params: [limit, offset] };
}

function userWhere(q: UserQuery): Where {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (q.id !== undefined) {
    clauses.push('u.id = ?');
    params.push(q.id);
  }
  if (q.idIn !== undefined) {
    clauses.push('u.id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(q.idIn));
  }
  if (q.firstName !== undefined) {
    clauses.push('u.first_name = ?');
    params.push(q.firstName);
  }
  if (q.lastName !== undefined) {
    clauses.push('u.last_name = ?');
    params.push(q.lastName);
  }
  if (q.email !== undefined) {
    clauses.push('u.email = ?');
    params.push(q.email);
  }
  if (q.memberOfGroup !== undefined) {
    clauses.push('EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.group_id = ?)');
    params.push(q.memberOfGroup);
  }
  return { sql: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
}

function groupWhere(q: GroupQuery): Where {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (q.id !== undefined) {
    clauses.push('g.id = ?');
    params.push(q.id);
  }
  if (q.idIn !== undefined) {
    clauses.push('g.id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(q.idIn));
  }
  if (q.name !== undefined) {
    clauses.push('g.name = ?');
    params.push(q.name);
  }
  if (q.type !== undefined) {
    clauses.push('g.type = ?');
    params.push(q.type);
  }
  if (q.member !== undefined) {
    clauses.push('EXISTS (SELECT 1 FROM memberships m WHERE m.group_id = g.id AND m.user_id = ?)');
    params.push(q.member);
  }
  return { sql: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
}

export class SqliteIdentity implements IdentityStore {
  /** Idempotent DDL; safe to execute on every start. */
  static readonly schema: string = `
CREATE TABLE IF NOT EXISTS users (
  id            TEXT PRIMARY KEY NOT NULL,
  first_name    TEXT,
  last_name     TEXT,
  email         TEXT,
  password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS "groups" (
  id   TEXT PRIMARY KEY NOT NULL,
  name TEXT,
  type TEXT
);
CREATE TABLE IF NOT EXISTS memberships (
  group_id TEXT NOT NULL REFERENCES "groups"(id) ON DELETE CASCADE,
  user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX IF NOT EXISTS memberships_user_id ON memberships(user_id);
CREATE TABLE IF NOT EXISTS tokens (
  hash       TEXT PRIMARY KEY NOT NULL,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name       TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_user_id ON tokens(user_id);
CREATE INDEX IF NOT EXISTS users_email ON users(email);
CREATE INDEX IF NOT EXISTS groups_type ON "groups"(type);
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

  private userExists(id: string): boolean {
    return this.stmt('SELECT 1 FROM users WHERE id = ?').get(id) !== undefined;
  }

  private groupExists(id: string): boolean {
    return this.stmt('SELECT 1 FROM "groups" WHERE id = ?').get(id) !== undefined;
  }

  // ---- users -------------------------------------------------------------------------------

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = this.stmt('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row ? toUser(row) : undefined;
  }

  async createUser(user: UserRecord): Promise<void> {
    const info = this.stmt(
      'INSERT INTO users (id, first_name, last_name, email, password_hash) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING',
    ).run(user.id, user.firstName, user.lastName, user.email, user.passwordHash);
    if (info.changes === 0) throw new Conflict(`User with id '${user.id}' already exists`);
  }

  async updateUser(user: UserRecord): Promise<void> {
    const info = this.stmt('UPDATE users SET first_name = ?, last_name = ?, email = ?, password_hash = ? WHERE id = ?').run(
      user.firstName,
      user.lastName,
      user.email,
      user.passwordHash,
      user.id,
    );
    if (info.changes === 0) throw new NotFound(`User with id '${user.id}' does not exist`);
  }

  async deleteUser(id: string): Promise<void> {
    const tx = this.db.transaction((userId: string) => {
      this.stmt('DELETE FROM memberships WHERE user_id = ?').run(userId);
      this.stmt('DELETE FROM tokens WHERE user_id = ?').run(userId);
      return this.stmt('DELETE FROM users WHERE id = ?').run(userId).changes;
    });
    if (tx(id) === 0) throw new NotFound(`User with id '${id}' does not exist`);
  }

  async findUsers(query: UserQuery): Promise<UserRecord[]> {
    const where = userWhere(query);
    const page = paging(query);
    const rows = this.stmt(`SELECT u.* FROM users u${where.sql} ORDER BY u.id${page.sql}`).all(...where.params, ...page.params) as UserRow[];
    return rows.map(toUser);
  }

  async countUsers(query: UserQuery): Promise<number> {
    const where = userWhere(query);
    const row = this.stmt(`SELECT COUNT(*) AS n FROM users u${where.sql}`).get(...where.params) as { n: number };
    return row.n;
  }

  // ---- groups ------------------------------------------------------------------------------

  async getGroup(id: string): Promise<GroupRecord | undefined> {
    const row = this.stmt('SELECT * FROM "groups" WHERE id = ?').get(id) as GroupRow | undefined;
    return row ? toGroup(row) : undefined;
  }

  async createGroup(group: GroupRecord): Promise<void> {
    const info = this.stmt('INSERT INTO "groups" (id, name, type) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING').run(
      group.id,
      group.name,
      group.type,
    );
    if (info.changes === 0) throw new Conflict(`Group with id '${group.id}' already exists`);
  }

  async updateGroup(group: GroupRecord): Promise<void> {
    const info = this.stmt('UPDATE "groups" SET name = ?, type = ? WHERE id = ?').run(group.name, group.type, group.id);
    if (info.changes === 0) throw new NotFound(`Group with id '${group.id}' does not exist`);
  }

  async deleteGroup(id: string): Promise<void> {
    const tx = this.db.transaction((groupId: string) => {
      this.stmt('DELETE FROM memberships WHERE group_id = ?').run(groupId);
      return this.stmt('DELETE FROM "groups" WHERE id = ?').run(groupId).changes;
    });
    if (tx(id) === 0) throw new NotFound(`Group with id '${id}' does not exist`);
  }

  async findGroups(query: GroupQuery): Promise<GroupRecord[]> {
    const where = groupWhere(query);
    const page = paging(query);
    const rows = this.stmt(`SELECT g.* FROM "groups" g${where.sql} ORDER BY g.id${page.sql}`).all(...where.params, ...page.params) as GroupRow[];
    return rows.map(toGroup);
  }

  async countGroups(query: GroupQuery): Promise<number> {
    const where = groupWhere(query);
    const row = this.stmt(`SELECT COUNT(*) AS n FROM "groups" g${where.sql}`).get(...where.params) as { n: number };
    return row.n;
  }

  // ---- memberships -------------------------------------------------------------------------

  private assertUserAndGroup(groupId: string, userId: string): void {
    if (!this.groupExists(groupId)) throw new NotFound(`Group with id '${groupId}' does not exist`);
    if (!this.userExists(userId)) throw new NotFound(`User with id '${userId}' does not exist`);
  }

  /** Idempotent: adding an existing membership is a no-op. */
  async addMembership(groupId: string, userId: string): Promise<void> {
    this.db.transaction(() => {
      this.assertUserAndGroup(groupId, userId);
      this.stmt('INSERT INTO memberships (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING').run(groupId, userId);
    })();
  }

  /** Removing a membership that does not exist is a no-op; an unknown user or group is NotFound. */
  async removeMembership(groupId: string, userId: string): Promise<void> {
    this.db.transaction(() => {
      this.assertUserAndGroup(groupId, userId);
      this.stmt('DELETE FROM memberships WHERE group_id = ? AND user_id = ?').run(groupId, userId);
    })();
  }

  async groupsOf(userId: string): Promise<string[]> {
    const rows = this.stmt('SELECT group_id FROM memberships WHERE user_id = ? ORDER BY group_id').all(userId) as Array<{ group_id: string }>;
    return rows.map((r) => r.group_id);
  }

  // ---- tokens ------------------------------------------------------------------------------

  /** NotFound if the user does not exist; Conflict if the hash is already stored. */
  async addToken(token: TokenRecord): Promise<void> {
    this.db.transaction(() => {
      if (!this.userExists(token.userId)) throw new NotFound(`User with id '${token.userId}' does not exist`);
      const info = this.stmt('INSERT INTO tokens (hash, user_id, name, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(hash) DO NOTHING').run(
        token.hash,
        token.userId,
        token.name,
        token.createdAt,
      );
      if (info.changes === 0) throw new Conflict('Token already exists');
    })();
  }

  async findToken(hash: string): Promise<TokenRecord | undefined> {
    const row = this.stmt('SELECT * FROM tokens WHERE hash = ?').get(hash) as TokenRow | undefined;
    return row ? toToken(row) : undefined;
  }

  /** Deleting an unknown token is a no-op. */
  async deleteToken(hash: string): Promise<void> {
    this.stmt('DELETE FROM tokens WHERE hash = ?').run(hash);
  }
}
