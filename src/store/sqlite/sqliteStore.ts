/**
 * The embedded adapter: one better-sqlite3 connection (WAL, synchronous=FULL), schema in
 * schema.ts, query builders in queries.ts, mapping in rows.ts, the versioned commit in commit.ts.
 * better-sqlite3 is synchronous; methods are async only to satisfy the port, and every
 * multi-statement write runs in one transaction. Several processes may open the same file:
 * writes take the lock up front (BEGIN IMMEDIATE) and wait up to busy_timeout for it.
 */
import Database from 'better-sqlite3';
import { Conflict, ValidationError } from '../../errors.ts';
import type { GroupQuery, GroupRecord, TokenRecord, UserQuery, UserRecord } from '../identityStore.ts';
import type {
  ActivityHistoryQuery, ActivityHistoryRecord, JobQuery, DefinitionQuery, DefinitionRecord, DeploymentQuery,
  DeploymentRecord, FollowUpRecord, InstanceCommit, InstanceQuery, InstanceRecord, ResourceRecord, Store,
  SubscriptionQuery, SubscriptionRecord, TaskHistoryQuery, TaskHistoryRecord, TaskQuery, TaskRecord,
  TimerRecord, VariableHistoryQuery, VariableHistoryRecord, PurgeResult,
} from '../store.ts';
import { emptyPurgeResult, followUpConcerns } from '../store.ts';
import { checkCommit, writeCommit } from './commit.ts';
import { SqliteIdentity } from './identity.ts';
import { SqliteInbox } from './inbox.ts';
import { SqliteConsents } from './consents.ts';
import { SqliteAudit } from './audit.ts';
import type { ConsentStore } from '../../kim/consentStore.ts';
import type { AuditStore } from '../../kim/auditStore.ts';
import type { InboxStore } from '../../notifications/inboxStore.ts';
import * as q from './queries.ts';
import * as rows from './rows.ts';
import { migrate } from './schema.ts';

type Row = Record<string, unknown>;

/** Timer-start schedules are owned by `schedule:<key>` (src/engine/schedules.ts), never by an instance. */
const isScheduleOwnerId = (id: string) => id.startsWith('schedule:');

export interface SqliteStoreOptions {
  /** Database file path, or `':memory:'`. */
  file: string;
}

export class SqliteStore implements Store {
  private db: Database.Database | undefined;
  private identity: SqliteIdentity | undefined;
  private inboxStore: SqliteInbox | undefined;
  private consentStore: SqliteConsents | undefined;
  private auditStore: SqliteAudit | undefined;
  /** Prepared statements by SQL text; query shapes are bounded (lists bind as one JSON parameter). */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly options: SqliteStoreOptions) {}

  async init(): Promise<void> {
    if (this.db) return;
    const db = new Database(this.options.file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      // `%` patterns match case-sensitively, as a Mongo regex or Postgres LIKE would.
      db.pragma('case_sensitive_like = ON');
      migrate(db);
      db.exec(SqliteIdentity.schema);
      db.exec(SqliteInbox.schema);
      db.exec(SqliteConsents.schema);
      db.exec(SqliteAudit.schema);
    } catch (err) {
      db.close();
      throw err;
    }
    this.db = db;
    this.identity = new SqliteIdentity(db);
    this.inboxStore = new SqliteInbox(db);
    this.consentStore = new SqliteConsents(db);
    this.auditStore = new SqliteAudit(db);
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    this.identity = undefined;
    this.statements.clear();
    if (db?.open) db.close();
  }

  private get conn(): Database.Database {
    if (!this.db) throw new Error('SqliteStore is not initialised (call init())');
    return this.db;
  }

  /** Notification inbox and dead letters, in the same database. */
  get inbox(): InboxStore {
    if (!this.inboxStore) throw new Error('SqliteStore is not initialised (call init())');
    return this.inboxStore;
  }

  get consents(): ConsentStore {
    if (!this.consentStore) throw new Error('SqliteStore is not initialised (call init())');
    return this.consentStore;
  }

  get audit(): AuditStore {
    if (!this.auditStore) throw new Error('SqliteStore is not initialised (call init())');
    return this.auditStore;
  }

  private get ids(): SqliteIdentity {
    if (!this.identity) throw new Error('SqliteStore is not initialised (call init())');
    return this.identity;
  }

  private readonly prepare = (sql: string): Database.Statement => {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.conn.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  };

  private all(sql: string, params: unknown[]): Row[] {
    return this.prepare(sql).all(...params) as Row[];
  }

  private one(sql: string, params: unknown[]): Row | undefined {
    return this.prepare(sql).get(...params) as Row | undefined;
  }

  private count(table: string, alias: string, where: q.Sql): number {
    return Number((this.one(`SELECT COUNT(*) AS n FROM ${table} ${alias} ${where.where}`, where.params) as Row).n);
  }

  private page(table: string, alias: string, where: q.Sql, order: string, page: { firstResult?: number; maxResults?: number }): Row[] {
    const limit = q.paging(page);
    return this.all(`SELECT ${alias}.* FROM ${table} ${alias} ${where.where} ${order} ${limit.where}`, [...where.params, ...limit.params]);
  }

  private transaction<T>(fn: () => T): T {
    return this.conn.transaction(fn).immediate();
  }

  // Deployments and definitions.

  async insertDeployment(deployment: DeploymentRecord, resources: ResourceRecord[], definitions: DefinitionRecord[]): Promise<void> {
    try {
      this.transaction(() => {
        const d = rows.deploymentToRow(deployment);
        this.prepare(rows.insertSql('deployments', d)).run(d);
        for (const resource of resources) {
          const r = rows.resourceToRow(resource);
          this.prepare(rows.insertSql('resources', r)).run(r);
        }
        for (const definition of definitions) {
          const r = rows.definitionToRow(definition);
          this.prepare(rows.insertSql('definitions', r)).run(r);
        }
      });
    } catch (err) {
      if (err instanceof Database.SqliteError && /^SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)$/.test(err.code)) {
        throw new Conflict(`deployment ${deployment.id}: duplicate id or definition version (${err.message})`);
      }
      throw err;
    }
  }

  async getDeployment(id: string): Promise<DeploymentRecord | undefined> {
    const row = this.one('SELECT * FROM deployments WHERE id = ?', [id]);
    return row && rows.deploymentFromRow(row);
  }

  async findDeployments(query: DeploymentQuery): Promise<DeploymentRecord[]> {
    return this.page('deployments', 'p', q.deploymentWhere(query), q.deploymentOrder(query), query).map(rows.deploymentFromRow);
  }

  async countDeployments(query: DeploymentQuery): Promise<number> {
    return this.count('deployments', 'p', q.deploymentWhere(query));
  }

  async getResources(deploymentId: string): Promise<ResourceRecord[]> {
    return this.all('SELECT * FROM resources WHERE deployment_id = ? ORDER BY rowid', [deploymentId]).map(rows.resourceFromRow);
  }

  async deleteDeployment(id: string): Promise<void> {
    this.transaction(() => {
      this.prepare('DELETE FROM definitions WHERE deployment_id = ?').run(id);
      this.prepare('DELETE FROM resources WHERE deployment_id = ?').run(id);
      this.prepare('DELETE FROM deployments WHERE id = ?').run(id);
    });
  }

  async getDefinition(id: string): Promise<DefinitionRecord | undefined> {
    const row = this.one('SELECT * FROM definitions WHERE id = ?', [id]);
    return row && rows.definitionFromRow(row);
  }

  async findDefinitions(query: DefinitionQuery): Promise<DefinitionRecord[]> {
    return this.page('definitions', 'd', q.definitionWhere(query), q.definitionOrder(query), query).map(rows.definitionFromRow);
  }

  async countDefinitions(query: DefinitionQuery): Promise<number> {
    return this.count('definitions', 'd', q.definitionWhere(query));
  }

  async latestDefinition(key: string): Promise<DefinitionRecord | undefined> {
    const row = this.one('SELECT * FROM definitions WHERE key = ? ORDER BY version DESC LIMIT 1', [key]);
    return row && rows.definitionFromRow(row);
  }

  /** "Latest" = most recent deployment time; equal times fall back to insertion order. */
  async latestResourceByName(name: string, source: string | null): Promise<ResourceRecord | undefined> {
    const row = this.one(
      `SELECT r.* FROM resources r JOIN deployments p ON p.id = r.deployment_id
       WHERE r.name = ? AND p.source IS ? ORDER BY p.deployment_time DESC, p.rowid DESC, r.rowid DESC LIMIT 1`,
      [name, source],
    );
    return row && rows.resourceFromRow(row);
  }

  // Instances.

  async getInstance(id: string): Promise<InstanceRecord | undefined> {
    const row = this.one('SELECT * FROM instances WHERE id = ?', [id]);
    return row && rows.instanceFromRow(row);
  }

  async commitInstance(commit: InstanceCommit): Promise<void> {
    checkCommit(commit);
    this.transaction(() => writeCommit(this.prepare, commit));
  }

  async findInstances(query: InstanceQuery): Promise<InstanceRecord[]> {
    return this.page('instances', 'i', q.instanceWhere(query), q.instanceOrder(query), query).map(rows.instanceFromRow);
  }

  async countInstances(query: InstanceQuery): Promise<number> {
    return this.count('instances', 'i', q.instanceWhere(query));
  }

  async purgeInstances(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const list = JSON.stringify(ids);
    const of = 'instance_id IN (SELECT value FROM json_each(?))';
    this.transaction(() => {
      this.prepare(`DELETE FROM task_candidates WHERE task_id IN (SELECT id FROM tasks WHERE ${of})`).run(list);
      for (const table of ['tasks', 'subscriptions', 'timers', 'activity_history', 'task_history', 'variable_history']) {
        this.prepare(`DELETE FROM ${table} WHERE ${of}`).run(list);
      }
      this.prepare('DELETE FROM instances WHERE id IN (SELECT value FROM json_each(?))').run(list);
    });
  }

  /**
   * One IMMEDIATE transaction for the whole call: the state check and every delete land together or
   * not at all. `schedule:<key>` owners are not instances and are reported missing, never touched.
   */
  async purgeEndedInstances(ids: string[]): Promise<PurgeResult> {
    const result = emptyPurgeResult();
    const wanted = [...new Set(ids.map(String))];
    const targets = wanted.filter((id) => !isScheduleOwnerId(id));
    if (targets.length === 0) {
      result.missing = wanted;
      return result;
    }
    const list = JSON.stringify(targets);
    const set = new Set(targets);
    const of = 'instance_id IN (SELECT value FROM json_each(?))';
    return this.transaction(() => {
      const found = this.all('SELECT id, state FROM instances WHERE id IN (SELECT value FROM json_each(?))', [list]);
      const running = found.filter((r) => r.state === 'ACTIVE').map((r) => String(r.id));
      if (running.length > 0) {
        throw new Conflict(`Process instance(s) ${running.join(', ')} still running: only ended instances can be purged`, { runningInstanceIds: running });
      }
      const present = new Set(found.map((r) => String(r.id)));
      result.purged = targets.filter((id) => present.has(id));
      result.missing = wanted.filter((id) => !present.has(id));
      result.removedTimers = this.all(`SELECT * FROM timers WHERE ${of} ORDER BY due_at, id`, [list]).map(rows.timerFromRow);
      this.prepare(`DELETE FROM task_candidates WHERE task_id IN (SELECT id FROM tasks WHERE ${of})`).run(list);
      const del = (table: string) => this.prepare(`DELETE FROM ${table} WHERE ${of}`).run(list).changes;
      const c = result.counts;
      c.tasks = del('tasks');
      c.subscriptions = del('subscriptions');
      c.timers = del('timers');
      c.activityHistory = del('activity_history');
      c.taskHistory = del('task_history');
      c.variableHistory = del('variable_history');
      const pending = this.all('SELECT id, type, payload_json FROM follow_ups', []);
      const remove = this.prepare('DELETE FROM follow_ups WHERE id = ?');
      for (const f of pending) {
        const payload = JSON.parse(String(f.payload_json)) as Record<string, unknown>;
        if (followUpConcerns({ id: String(f.id), type: String(f.type), payload }, set)) c.followUps += remove.run(f.id).changes;
      }
      c.instances = this.prepare('DELETE FROM instances WHERE id IN (SELECT value FROM json_each(?))').run(list).changes;
      return result;
    });
  }

  // Projections.

  async getTask(id: string): Promise<TaskRecord | undefined> {
    const row = this.one('SELECT * FROM tasks WHERE id = ?', [id]);
    return row && rows.taskFromRow(row);
  }

  async findTasks(query: TaskQuery): Promise<TaskRecord[]> {
    return this.page('tasks', 't', q.taskWhere(query), q.taskOrder(query), query).map(rows.taskFromRow);
  }

  async countTasks(query: TaskQuery): Promise<number> {
    return this.count('tasks', 't', q.taskWhere(query));
  }

  /** Oldest instance first, then the instance's own order of subscriptions. */
  async findSubscriptions(query: SubscriptionQuery): Promise<SubscriptionRecord[]> {
    const where: string[] = ['s.kind = ?', 's.name = ?'];
    const params: unknown[] = [query.kind, query.name];
    for (const [col, value] of [['s.instance_id', query.instanceId], ['s.business_key', query.businessKey]] as const) {
      if (value !== undefined) {
        where.push(`${col} = ?`);
        params.push(value);
      }
    }
    return this.all(
      `SELECT s.* FROM subscriptions s JOIN instances i ON i.id = s.instance_id
       WHERE ${where.join(' AND ')} ORDER BY i.start_time, s.instance_id, s.pos`,
      params,
    ).map(rows.subscriptionFromRow);
  }

  async dueTimers(until: string, limit: number): Promise<TimerRecord[]> {
    const bound = q.dateBound('until', until);
    if (!Number.isInteger(limit) || limit < 0) throw new ValidationError('limit must be a non-negative integer');
    return this.all('SELECT * FROM timers WHERE due_at <= ? AND (retries IS NULL OR retries > 0) ORDER BY due_at, id LIMIT ?', [bound, limit]).map(rows.timerFromRow);
  }

  async nextTimerDue(): Promise<string | undefined> {
    const row = this.one('SELECT MIN(due_at) AS due FROM timers WHERE retries IS NULL OR retries > 0', []);
    return (row?.due as string | null) ?? undefined;
  }

  async replaceSchedules(owner: string, timers: TimerRecord[]): Promise<TimerRecord[]> {
    if (!owner.startsWith('schedule:')) throw new ValidationError('Schedules are owned by schedule:<key>');
    return this.transaction(() => {
      const previous = this.all('SELECT * FROM timers WHERE instance_id = ?', [owner]).map(rows.timerFromRow);
      this.prepare('DELETE FROM timers WHERE instance_id = ?').run(owner);
      for (const t of timers) {
        const row = rows.timerToRow({ ...t, instanceId: owner });
        this.prepare(rows.insertSql('timers', row)).run(row);
      }
      return previous;
    });
  }

  private jobWhere(query: JobQuery): { sql: string; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.id !== undefined) (where.push('id = ?'), params.push(query.id));
    if (query.instanceId !== undefined) (where.push('instance_id = ?'), params.push(query.instanceId));
    if (query.activityId !== undefined) (where.push('activity_id = ?'), params.push(query.activityId));
    if (query.kind === 'job') where.push('handler IS NOT NULL');
    if (query.kind === 'timer') where.push('handler IS NULL');
    if (query.withException) where.push('exception_message IS NOT NULL');
    if (query.noRetriesLeft) where.push('retries = 0');
    return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
  }

  async findJobs(query: JobQuery): Promise<TimerRecord[]> {
    const { sql, params } = this.jobWhere(query);
    const limit = q.paging(query);
    return this.all(`SELECT * FROM timers ${sql} ORDER BY due_at, id ${limit.where}`, [...params, ...limit.params]).map(rows.timerFromRow);
  }

  async countJobs(query: JobQuery): Promise<number> {
    const { sql, params } = this.jobWhere(query);
    return Number(this.one(`SELECT COUNT(*) AS n FROM timers ${sql}`, params)?.n ?? 0);
  }

  async getSetting(key: string): Promise<unknown | undefined> {
    const row = this.one('SELECT value_json FROM settings WHERE key = ?', [key]);
    return row ? JSON.parse(String(row.value_json)) : undefined;
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    this.prepare('INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json').run(key, JSON.stringify(value));
  }

  // Follow-up commands.

  async pendingFollowUps(limit: number): Promise<FollowUpRecord[]> {
    if (!Number.isInteger(limit) || limit < 0) throw new ValidationError('limit must be a non-negative integer');
    return this.all('SELECT * FROM follow_ups ORDER BY created_at, rowid LIMIT ?', [limit]).map(rows.followUpFromRow);
  }

  async deleteFollowUp(id: string): Promise<void> {
    this.prepare('DELETE FROM follow_ups WHERE id = ?').run(id);
  }

  // History.

  async findActivityHistory(query: ActivityHistoryQuery): Promise<ActivityHistoryRecord[]> {
    return this.page('activity_history', 'h', q.activityHistoryWhere(query), q.activityHistoryOrder(query), query)
      .map(rows.activityFromRow);
  }

  async countActivityHistory(query: ActivityHistoryQuery): Promise<number> {
    return this.count('activity_history', 'h', q.activityHistoryWhere(query));
  }

  async findTaskHistory(query: TaskHistoryQuery): Promise<TaskHistoryRecord[]> {
    return this.page('task_history', 'h', q.taskHistoryWhere(query), q.TASK_HISTORY_ORDER, query).map(rows.taskHistoryFromRow);
  }

  async countTaskHistory(query: TaskHistoryQuery): Promise<number> {
    return this.count('task_history', 'h', q.taskHistoryWhere(query));
  }

  async findVariableHistory(query: VariableHistoryQuery): Promise<VariableHistoryRecord[]> {
    return this.page('variable_history', 'h', q.variableHistoryWhere(query), q.VARIABLE_HISTORY_ORDER, query)
      .map(rows.variableHistoryFromRow);
  }

  async countVariableHistory(query: VariableHistoryQuery): Promise<number> {
    return this.count('variable_history', 'h', q.variableHistoryWhere(query));
  }

  // Identity: delegated to SqliteIdentity on the same connection.

  async getUser(id: string): Promise<UserRecord | undefined> { return this.ids.getUser(id); }
  async createUser(user: UserRecord): Promise<void> { return this.ids.createUser(user); }
  async updateUser(user: UserRecord): Promise<void> { return this.ids.updateUser(user); }
  async deleteUser(id: string): Promise<void> { return this.ids.deleteUser(id); }
  async findUsers(query: UserQuery): Promise<UserRecord[]> { return this.ids.findUsers(query); }
  async countUsers(query: UserQuery): Promise<number> { return this.ids.countUsers(query); }
  async getGroup(id: string): Promise<GroupRecord | undefined> { return this.ids.getGroup(id); }
  async createGroup(group: GroupRecord): Promise<void> { return this.ids.createGroup(group); }
  async updateGroup(group: GroupRecord): Promise<void> { return this.ids.updateGroup(group); }
  async deleteGroup(id: string): Promise<void> { return this.ids.deleteGroup(id); }
  async findGroups(query: GroupQuery): Promise<GroupRecord[]> { return this.ids.findGroups(query); }
  async countGroups(query: GroupQuery): Promise<number> { return this.ids.countGroups(query); }
  async addMembership(groupId: string, userId: string): Promise<void> { return this.ids.addMembership(groupId, userId); }
  async removeMembership(groupId: string, userId: string): Promise<void> { return this.ids.removeMembership(groupId, userId); }
  async groupsOf(userId: string): Promise<string[]> { return this.ids.groupsOf(userId); }
  async addToken(token: TokenRecord): Promise<void> { return this.ids.addToken(token); }
  async findToken(hash: string): Promise<TokenRecord | undefined> { return this.ids.findToken(hash); }
  async deleteToken(hash: string): Promise<void> { return this.ids.deleteToken(hash); }
}
