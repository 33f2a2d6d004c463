/**
 * The distributed adapter of the store port: MongoDB through the official driver, and any server
 * speaking its wire protocol without transactions (the tests use FerretDB 1.x).
 *
 * - Commits follow ENGINE.md §2.2: one conditional single-document write of the instance, with an
 *   outbox applied right after it and cleared (commit.ts, outbox.ts); `sweepOutboxes()` re-applies
 *   leftovers. Schedule replacements follow the same rule (schedules.ts).
 * - Deployments become visible whole (deployments.ts); identity is MongoIdentity (identity.ts), the
 *   inbox MongoInbox (inbox.ts), both on the same database.
 * - Mapping in docs.ts, filters/sorting/paging in queries.ts, indexes in schema.ts, driver errors →
 *   domain errors in errors.ts.
 * - On FerretDB 1.x only `{ _id: "…" }` filters use an index (everything else scans): by-id reads
 *   and writes use exactly that shape (docs.ts `byId`).
 */
import { MongoClient } from 'mongodb';
import { systemClock } from '../../clock.ts';
import { Conflict } from '../../errors.ts';
import type { InboxStore } from '../../notifications/inboxStore.ts';
import type { GroupQuery, GroupRecord, TokenRecord, UserQuery, UserRecord } from '../identityStore.ts';
import type {
  ActivityHistoryQuery, ActivityHistoryRecord, DefinitionQuery, DefinitionRecord, DeploymentQuery, DeploymentRecord,
  FollowUpRecord, InstanceCommit, InstanceQuery, InstanceRecord, JobQuery, ResourceRecord, Store, SubscriptionQuery,
  SubscriptionRecord, TaskHistoryQuery, TaskHistoryRecord, TaskQuery, TaskRecord, TimerRecord, VariableHistoryQuery,
  VariableHistoryRecord, PurgeResult,
} from '../store.ts';
import { commitInstance, type CommitFaults } from './commit.ts';
import { Deployments } from './deployments.ts';
import * as docs from './docs.ts';
import { byId } from './docs.ts';
import { domainError } from './errors.ts';
import { MongoIdentity } from './identity.ts';
import { MongoInbox } from './inbox.ts';
import { MongoConsents } from './consents.ts';
import { MongoAudit } from './audit.ts';
import type { ConsentStore } from '../../kim/consentStore.ts';
import type { AuditStore } from '../../kim/auditStore.ts';
import { OutboxApplier } from './outbox.ts';
import { Purger, type PurgeFaults } from './purge.ts';
import * as q from './queries.ts';
import { Schedules } from './schedules.ts';
import { ensureIndexes, openCollections, type Collections } from './schema.ts';

export interface MongoStoreOptions {
  /** `mongodb://…`; the database is the URL's path unless `dbName` is given, else `kim_engine`. */
  url: string;
  dbName?: string;
  /** Where failures after a durable commit are reported (default: console.error). */
  log?: (line: string) => void;
  /** How long an interrupted deployment insert may stay pending before a sweep removes it. */
  pendingDeploymentGraceMs?: number;
  /**
   * Also sweep periodically (worker processes): outboxes older than this many ms are applied by
   * whichever process sweeps first. Off by default; `init()` always sweeps once.
   */
  sweepIntervalMs?: number;
  /** Test hooks that simulate a crash at a point of the commit or purge protocol. */
  faults?: CommitFaults & PurgeFaults;
}

const DEFAULT_DB = 'kim_engine';

/** The database named by the URL path (`mongodb://host/db?…`), if any. */
export function dbNameFromUrl(url: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?#]*\/([^?#]*)/.exec(url);
  const name = match?.[1] ? decodeURIComponent(match[1]) : '';
  return name || undefined;
}

interface Open {
  client: MongoClient;
  c: Collections;
  outbox: OutboxApplier;
  deployments: Deployments;
  schedules: Schedules;
  identity: MongoIdentity;
  inbox: MongoInbox;
  consents: MongoConsents;
  audit: MongoAudit;
  purger: Purger;
}

export class MongoStore implements Store {
  private open: Open | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private opening: Promise<Open> | undefined;
  private readonly dbName: string;
  private readonly log: (line: string) => void;

  constructor(private readonly options: MongoStoreOptions) {
    this.dbName = options.dbName ?? dbNameFromUrl(options.url) ?? DEFAULT_DB;
    this.log = options.log ?? ((line) => console.error(line));
  }

  async init(): Promise<void> {
    if (this.open) return;
    this.opening ??= (async () => {
      const client = new MongoClient(this.options.url);
      try {
        await client.connect();
        const db = client.db(this.dbName);
        const c = openCollections(db);
        await ensureIndexes(c);
        const inbox = new MongoInbox(db);
        await inbox.init();
        const consents = new MongoConsents(db);
        await consents.init();
        const audit = new MongoAudit(db);
        await audit.init();
        return {
          client, c, outbox: new OutboxApplier(c, this.log), deployments: new Deployments(c), schedules: new Schedules(c),
          identity: new MongoIdentity(c), inbox, consents, audit, purger: new Purger(c, this.options.faults ?? {}, this.log),
        };
      } catch (err) {
        await client.close().catch(() => undefined);
        throw err;
      }
    })();
    try {
      this.open = await this.opening;
    } finally {
      this.opening = undefined;
    }
    await this.sweepOutboxes();
    await this.open.deployments.sweep(this.options.pendingDeploymentGraceMs ?? 10 * 60_000);
    const every = this.options.sweepIntervalMs;
    if (every && every > 0 && !this.sweeper) {
      this.sweeper = setInterval(() => {
        if (!this.open) return;
        this.sweepOutboxes({ olderThanMs: every }).catch((err) => this.log(`mongo store: outbox sweep failed: ${(err as Error).message}`));
      }, every);
      this.sweeper.unref();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    const open = this.open;
    this.open = undefined;
    if (open) await open.client.close();
  }

  private get o(): Open {
    if (!this.open) throw new Error('MongoStore is not initialised (call init())');
    return this.open;
  }

  get consents(): ConsentStore {
    return this.o.consents;
  }

  get audit(): AuditStore {
    return this.o.audit;
  }

  /** Notification inbox and dead letters (MongoInbox), in the same database. */
  get inbox(): InboxStore {
    return this.o.inbox;
  }

  private get c(): Collections {
    return this.o.c;
  }

  /**
   * The crash sweeper: applies every outbox an interrupted commit left (instances, and schedule
   * replacements); returns how many. Safe to run at any time, from any process. `olderThanMs`
   * leaves instance outboxes younger than that (commits still in flight) alone. It also finishes
   * purges a crash interrupted (purge.ts; not counted in the result).
   */
  async sweepOutboxes(options: { olderThanMs?: number } = {}): Promise<number> {
    const olderThan = options.olderThanMs === undefined ? undefined : systemClock.now() - options.olderThanMs;
    const applied = (await this.o.outbox.sweep(olderThan)) + (await this.o.schedules.sweep());
    await this.o.purger.finishInterrupted(olderThan);
    return applied;
  }

  /** Test hook: another store on the same database whose protocol steps run `faults` (a simulated crash). */
  withFaults(faults: CommitFaults & PurgeFaults): MongoStore {
    return new MongoStore({ ...this.options, faults, sweepIntervalMs: undefined });
  }

  // Deployments and definitions (deployments.ts).

  async insertDeployment(deployment: DeploymentRecord, resources: ResourceRecord[], definitions: DefinitionRecord[]): Promise<void> {
    await this.o.deployments.insert(deployment, resources, definitions);
  }
  async getDeployment(id: string): Promise<DeploymentRecord | undefined> { return this.o.deployments.get(id); }
  async findDeployments(query: DeploymentQuery): Promise<DeploymentRecord[]> { return this.o.deployments.find(query); }
  async countDeployments(query: DeploymentQuery): Promise<number> { return this.o.deployments.count(query); }
  async getResources(deploymentId: string): Promise<ResourceRecord[]> { return this.o.deployments.resources(deploymentId); }
  async deleteDeployment(id: string): Promise<void> { return this.o.deployments.delete(id); }
  async getDefinition(id: string): Promise<DefinitionRecord | undefined> { return this.o.deployments.definition(id); }
  async findDefinitions(query: DefinitionQuery): Promise<DefinitionRecord[]> { return this.o.deployments.findDefinitions(query); }
  async countDefinitions(query: DefinitionQuery): Promise<number> { return this.o.deployments.countDefinitions(query); }
  async latestDefinition(key: string): Promise<DefinitionRecord | undefined> { return this.o.deployments.latestDefinition(key); }
  async latestResourceByName(name: string, source: string | null): Promise<ResourceRecord | undefined> {
    return this.o.deployments.latestResourceByName(name, source);
  }

  // Instances.

  async getInstance(id: string): Promise<InstanceRecord | undefined> {
    const d = await this.c.instances.findOne(byId(id), { projection: docs.INSTANCE_PROJECTION });
    return d ? docs.instanceFromDoc(d) : undefined;
  }

  async commitInstance(commit: InstanceCommit): Promise<void> {
    await commitInstance(this.c, this.o.outbox, commit, this.options.faults ?? {}, this.log);
  }

  async findInstances(query: InstanceQuery): Promise<InstanceRecord[]> {
    const sort = q.instanceSort(query);
    const paging = q.paging(query);
    const filter = await q.instanceFilter(query, this.definitionIdsOf);
    return q.findPage(this.c.instances, filter, sort, paging, docs.instanceFromDoc, docs.INSTANCE_PROJECTION);
  }

  async countInstances(query: InstanceQuery): Promise<number> {
    return this.c.instances.countDocuments(await q.instanceFilter(query, this.definitionIdsOf));
  }

  private readonly definitionIdsOf = async (deploymentId: string): Promise<string[]> => {
    const rows = await this.c.definitions.find({ deploymentId: { $eq: deploymentId } }, { projection: { _id: 1 } }).toArray();
    return rows.map((d) => d._id);
  };

  /** Instances first, so a concurrent outbox apply notices the purge and removes what it wrote. */
  async purgeInstances(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const of = { instanceId: { $in: ids.map(String) } };
    await this.c.instances.deleteMany({ _id: { $in: ids.map(String) } });
    for (const coll of ['tasks', 'subscriptions', 'timers', 'activityHistory', 'taskHistory', 'variableHistory'] as const) {
      await this.c[coll].deleteMany(of);
    }
  }

  /** Without transactions: mark, dependents, instance documents last (purge.ts says what a crash leaves). */
  async purgeEndedInstances(ids: string[]): Promise<PurgeResult> {
    return this.o.purger.purge(ids);
  }

  // Projections.

  async getTask(id: string): Promise<TaskRecord | undefined> {
    const d = await this.c.tasks.findOne(byId(id));
    return d ? docs.taskFromDoc(d) : undefined;
  }

  async findTasks(query: TaskQuery): Promise<TaskRecord[]> {
    return q.findPage(this.c.tasks, q.taskFilter(query), q.taskSort(query), q.paging(query), docs.taskFromDoc);
  }

  async countTasks(query: TaskQuery): Promise<number> {
    return this.c.tasks.countDocuments(q.taskFilter(query));
  }

  async findSubscriptions(query: SubscriptionQuery): Promise<SubscriptionRecord[]> {
    const rows = await this.c.subscriptions.find(q.subscriptionFilter(query), { sort: q.SUBSCRIPTION_SORT }).toArray();
    return rows.map(docs.subscriptionFromDoc);
  }

  async dueTimers(until: string, limit: number): Promise<TimerRecord[]> {
    const bound = q.dateBound('until', until);
    q.checkLimit(limit);
    if (limit === 0) return [];
    const rows = await this.c.timers.find({ $and: [{ dueAt: { $lte: bound } }, q.DUE] }, { sort: q.TIMER_SORT, limit }).toArray();
    return rows.map(docs.timerFromDoc);
  }

  async nextTimerDue(): Promise<string | undefined> {
    const d = await this.c.timers.findOne(q.DUE, { sort: q.TIMER_SORT, projection: { dueAt: 1 } });
    return d ? (d.dueAt as string) : undefined;
  }

  async replaceSchedules(owner: string, timers: TimerRecord[]): Promise<TimerRecord[]> {
    return this.o.schedules.replace(owner, timers);
  }

  async findJobs(query: JobQuery): Promise<TimerRecord[]> {
    return q.findPage(this.c.timers, q.jobFilter(query), q.TIMER_SORT, q.paging(query), docs.timerFromDoc);
  }

  async countJobs(query: JobQuery): Promise<number> {
    return this.c.timers.countDocuments(q.jobFilter(query));
  }

  // Settings.

  async getSetting(key: string): Promise<unknown | undefined> {
    const d = await this.c.settings.findOne(byId(key));
    return d ? docs.fromJson(d.value) : undefined;
  }

  /** Update, else insert; an insert that meets a concurrent one updates instead (no upsert: see outbox.ts). */
  async setSetting(key: string, value: unknown): Promise<void> {
    const json = JSON.stringify(value);
    for (let attempt = 0; ; attempt++) {
      if ((await this.c.settings.updateOne(byId(key), { $set: { value: json } })).matchedCount > 0) return;
      try {
        await this.c.settings.insertOne({ _id: key, value: json });
        return;
      } catch (err) {
        const mapped = domainError(err);
        if (!(mapped instanceof Conflict) || attempt > 0) throw mapped;
      }
    }
  }

  // Follow-up commands.

  async pendingFollowUps(limit: number): Promise<FollowUpRecord[]> {
    q.checkLimit(limit);
    if (limit === 0) return [];
    const rows = await this.c.followUps.find({}, { sort: { createdAt: 1, ins: 1 }, limit }).toArray();
    return rows.map(docs.followUpFromDoc);
  }

  async deleteFollowUp(id: string): Promise<void> {
    await this.c.followUps.deleteOne(byId(id));
  }

  // History.

  async findActivityHistory(query: ActivityHistoryQuery): Promise<ActivityHistoryRecord[]> {
    return q.findPage(this.c.activityHistory, q.activityHistoryFilter(query), q.activityHistorySort(query), q.paging(query), docs.activityFromDoc);
  }

  async countActivityHistory(query: ActivityHistoryQuery): Promise<number> {
    return this.c.activityHistory.countDocuments(q.activityHistoryFilter(query));
  }

  async findTaskHistory(query: TaskHistoryQuery): Promise<TaskHistoryRecord[]> {
    return q.findPage(this.c.taskHistory, q.taskHistoryFilter(query), q.TASK_HISTORY_SORT, q.paging(query), docs.taskHistoryFromDoc);
  }

  async countTaskHistory(query: TaskHistoryQuery): Promise<number> {
    return this.c.taskHistory.countDocuments(q.taskHistoryFilter(query));
  }

  async findVariableHistory(query: VariableHistoryQuery): Promise<VariableHistoryRecord[]> {
    return q.findPage(this.c.variableHistory, q.variableHistoryFilter(query), q.VARIABLE_HISTORY_SORT, q.paging(query), docs.variableHistoryFromDoc);
  }

  async countVariableHistory(query: VariableHistoryQuery): Promise<number> {
    return this.c.variableHistory.countDocuments(q.variableHistoryFilter(query));
  }

  // Identity: delegated to MongoIdentity on the same database.

  async getUser(id: string): Promise<UserRecord | undefined> { return this.o.identity.getUser(id); }
  async createUser(user: UserRecord): Promise<void> { return this.o.identity.createUser(user); }
  async updateUser(user: UserRecord): Promise<void> { return this.o.identity.updateUser(user); }
  async deleteUser(id: string): Promise<void> { return this.o.identity.deleteUser(id); }
  async findUsers(query: UserQuery): Promise<UserRecord[]> { return this.o.identity.findUsers(query); }
  async countUsers(query: UserQuery): Promise<number> { return this.o.identity.countUsers(query); }
  async getGroup(id: string): Promise<GroupRecord | undefined> { return this.o.identity.getGroup(id); }
  async createGroup(group: GroupRecord): Promise<void> { return this.o.identity.createGroup(group); }
  async updateGroup(group: GroupRecord): Promise<void> { return this.o.identity.updateGroup(group); }
  async deleteGroup(id: string): Promise<void> { return this.o.identity.deleteGroup(id); }
  async findGroups(query: GroupQuery): Promise<GroupRecord[]> { return this.o.identity.findGroups(query); }
  async countGroups(query: GroupQuery): Promise<number> { return this.o.identity.countGroups(query); }
  async addMembership(groupId: string, userId: string): Promise<void> { return this.o.identity.addMembership(groupId, userId); }
  async removeMembership(groupId: string, userId: string): Promise<void> { return this.o.identity.removeMembership(groupId, userId); }
  async groupsOf(userId: string): Promise<string[]> { return this.o.identity.groupsOf(userId); }
  async addToken(token: TokenRecord): Promise<void> { return this.o.identity.addToken(token); }
  async findToken(hash: string): Promise<TokenRecord | undefined> { return this.o.identity.findToken(hash); }
  async deleteToken(hash: string): Promise<void> { return this.o.identity.deleteToken(hash); }
}
