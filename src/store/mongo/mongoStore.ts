/**
 * The distributed adapter of the store port: MongoDB through the official driver, and any server
 * speaking its wire protocol without transactions (the tests use FerretDB 1.x).
 *
 * - Commits follow ENGINE.md §2.2: one conditional single-document write of the instance, with an
 *   outbox applied right after it and cleared (outbox.ts); `sweepOutboxes()` re-applies leftovers.
 * - Deployments become visible whole (deployments.ts); identity is MongoIdentity (identity.ts).
 * - Mapping in docs.ts, filters/sorting in queries.ts, indexes in schema.ts, driver errors → domain
 *   errors in errors.ts.
 */
import { MongoClient } from 'mongodb';
import { Conflict, VersionConflict, ValidationError } from '../../errors.ts';
import type { GroupQuery, GroupRecord, TokenRecord, UserQuery, UserRecord } from '../identityStore.ts';
import type {
  ActivityHistoryQuery, ActivityHistoryRecord, JobQuery, DefinitionQuery, DefinitionRecord, DeploymentQuery, DeploymentRecord,
  FollowUpRecord, InstanceCommit, InstanceQuery, InstanceRecord, ResourceRecord, Store, SubscriptionQuery,
  SubscriptionRecord, TaskHistoryQuery, TaskHistoryRecord, TaskQuery, TaskRecord, TimerRecord, VariableHistoryQuery,
  VariableHistoryRecord,
} from '../store.ts';
import { Deployments } from './deployments.ts';
import * as docs from './docs.ts';
import { byId, type Doc } from './docs.ts';
import { domainError } from './errors.ts';
import { MongoIdentity } from './identity.ts';
import { MongoInbox } from './inbox.ts';
import type { InboxStore } from '../../notifications/inboxStore.ts';
import { OutboxApplier, outboxOf, projectionsOf, type Projections } from './outbox.ts';
import { Schedules } from './schedules.ts';
import * as q from './queries.ts';
import { ensureIndexes, openCollections, type Collections } from './schema.ts';

export interface MongoStoreOptions {
  /** `mongodb://…`; the database is the URL's path unless `dbName` is given, else `kim_engine`. */
  url: string;
  dbName?: string;
  /** Where failures after a durable commit are reported (default: console.error). */
  log?: (line: string) => void;
  /** How long an interrupted deployment insert may stay pending before a sweep removes it. */
  pendingDeploymentGraceMs?: number;
  /** Test hooks that simulate a crash at a point of the commit protocol. */
  faults?: {
    /** Runs after the instance write, before its outbox is applied; throwing stops the apply. */
    afterInstanceWrite?: (instanceId: string, version: number) => void | Promise<void>;
  };
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
}

/** Programming errors in a commit (not conflicts): the caller built an inconsistent record. */
function checkCommit(commit: InstanceCommit): void {
  const { instance, expectedVersion } = commit;
  if (instance.version !== expectedVersion + 1) {
    throw new Error(`commit of ${instance.id}: version must be expectedVersion + 1 (${expectedVersion + 1}), got ${instance.version}`);
  }
  const foreign = [...instance.tasks, ...instance.subscriptions, ...instance.timers].find((p) => p.instanceId !== instance.id);
  if (foreign) throw new Error(`commit of ${instance.id}: projection ${foreign.id} belongs to instance ${foreign.instanceId}`);
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 0) throw new ValidationError('limit must be a non-negative integer');
}

export class MongoStore implements Store {
  private open: Open | undefined;
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
        return {
          client, c, outbox: new OutboxApplier(c, this.log), deployments: new Deployments(c), schedules: new Schedules(c),
          identity: new MongoIdentity(c), inbox,
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
  }

  async close(): Promise<void> {
    const open = this.open;
    this.open = undefined;
    if (open) await open.client.close();
  }

  private get o(): Open {
    if (!this.open) throw new Error('MongoStore is not initialised (call init())');
    return this.open;
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
   * replacements); returns how many. Safe to run at any time, from any process.
   */
  async sweepOutboxes(): Promise<number> {
    return (await this.o.outbox.sweep()) + (await this.o.schedules.sweep());
  }

  private async page<T>(coll: keyof Collections, filter: q.Query, sort: q.SortSpec, page: q.Paging, map: (d: Doc) => T): Promise<T[]> {
    if (page.limit === 0) return [];
    const rows = await this.c[coll].find(filter, { sort, skip: page.skip, ...(page.limit === undefined ? {} : { limit: page.limit }) }).toArray();
    return rows.map(map);
  }

  // Deployments and definitions.

  async insertDeployment(deployment: DeploymentRecord, resources: ResourceRecord[], definitions: DefinitionRecord[]): Promise<void> {
    await this.o.deployments.insert(deployment, resources, definitions);
  }

  async getDeployment(id: string): Promise<DeploymentRecord | undefined> {
    const d = await this.c.deployments.findOne(byId(id));
    return d && d.pending === undefined ? docs.deploymentFromDoc(d) : undefined;
  }

  async findDeployments(query: DeploymentQuery): Promise<DeploymentRecord[]> {
    return this.page('deployments', q.deploymentFilter(query), q.deploymentSort(query), q.paging(query), docs.deploymentFromDoc);
  }

  async countDeployments(query: DeploymentQuery): Promise<number> {
    return this.c.deployments.countDocuments(q.deploymentFilter(query));
  }

  async getResources(deploymentId: string): Promise<ResourceRecord[]> {
    const rows = await this.c.resources.find({ deploymentId: { $eq: deploymentId }, ...q.NOT_PENDING }, { sort: { pos: 1 } }).toArray();
    return rows.map(docs.resourceFromDoc);
  }

  async deleteDeployment(id: string): Promise<void> {
    await this.o.deployments.delete(id);
  }

  async getDefinition(id: string): Promise<DefinitionRecord | undefined> {
    const d = await this.c.definitions.findOne(byId(id));
    return d && d.pending === undefined ? docs.definitionFromDoc(d) : undefined;
  }

  private readonly latestDefinitionIds = async (keyFilter: q.Query): Promise<string[]> => {
    const rows = await this.c.definitions.find(keyFilter, { projection: { key: 1, version: 1 } }).toArray();
    const latest = new Map<string, Doc>();
    for (const row of rows) {
      const seen = latest.get(row.key);
      if (!seen || Number(row.version) > Number(seen.version)) latest.set(row.key, row);
    }
    return [...latest.values()].map((d) => d._id);
  };

  async findDefinitions(query: DefinitionQuery): Promise<DefinitionRecord[]> {
    const sort = q.definitionSort(query);
    const paging = q.paging(query);
    return this.page('definitions', await q.definitionFilter(query, this.latestDefinitionIds), sort, paging, docs.definitionFromDoc);
  }

  async countDefinitions(query: DefinitionQuery): Promise<number> {
    return this.c.definitions.countDocuments(await q.definitionFilter(query, this.latestDefinitionIds));
  }

  async latestDefinition(key: string): Promise<DefinitionRecord | undefined> {
    const d = await this.c.definitions.findOne({ key: { $eq: key }, ...q.NOT_PENDING }, { sort: { version: -1 } });
    return d ? docs.definitionFromDoc(d) : undefined;
  }

  /** "Latest" = most recent deployment time; equal times fall back to insertion order. */
  async latestResourceByName(name: string, source: string | null): Promise<ResourceRecord | undefined> {
    const d = await this.c.resources.findOne(
      { name: { $eq: name }, deploymentSource: { $eq: source }, ...q.NOT_PENDING },
      { sort: { deploymentTime: -1, deploymentSeq: -1, pos: -1 } },
    );
    return d ? docs.resourceFromDoc(d) : undefined;
  }

  // Instances.

  async getInstance(id: string): Promise<InstanceRecord | undefined> {
    const d = await this.c.instances.findOne(byId(id), { projection: docs.INSTANCE_PROJECTION });
    return d ? docs.instanceFromDoc(d) : undefined;
  }

  async commitInstance(commit: InstanceCommit): Promise<void> {
    checkCommit(commit);
    const { instance, expectedVersion } = commit;
    const id = instance.id;
    const doc: Doc = { ...docs.instanceToDoc(instance), outbox: JSON.stringify(outboxOf(commit)), hasOutbox: true };

    // The projections known to be stored, so that only changes are written (unknown after a crash).
    let applied: Projections | undefined = { tasks: [], subscriptions: [], timers: [] };
    if (expectedVersion === 0) {
      try {
        await this.c.instances.insertOne(doc);
      } catch (err) {
        throw domainError(err, () => new VersionConflict(`process instance ${id} already exists`));
      }
    } else {
      const conflict = () => new VersionConflict(`process instance ${id} was modified concurrently (expected version ${expectedVersion})`);
      const stored = await this.c.instances.findOne(byId(id), { projection: { version: 1, outbox: 1, tasks: 1, subscriptions: 1, timers: 1 } });
      if (!stored || stored.version !== expectedVersion) throw conflict();
      if (typeof stored.outbox === 'string') {
        // An outbox an interrupted commit left behind: its history and follow-ups must not be lost
        // when this write replaces it (its projections are superseded by this commit's).
        await this.o.outbox.applyEffects(id, stored.version, JSON.parse(stored.outbox));
        applied = undefined;
      } else {
        applied = projectionsOf(stored);
      }
      let matched: number;
      try {
        matched = (await this.c.instances.replaceOne({ _id: { $eq: id }, version: { $eq: expectedVersion } }, doc)).matchedCount;
      } catch (err) {
        throw domainError(err, conflict);
      }
      if (matched === 0) throw conflict();
    }

    // The commit is durable from here on: a failure to apply its outbox must not turn into a
    // command failure (a retry would run the command twice). The outbox stays and is applied by
    // the next commit of this instance or by sweepOutboxes().
    try {
      await this.options.faults?.afterInstanceWrite?.(id, instance.version);
      await this.o.outbox.apply(doc, applied);
    } catch (err) {
      this.log(`mongo store: commit of ${id} v${instance.version} is durable, its outbox is left for the sweeper: ${(err as Error).message}`);
    }
  }

  async findInstances(query: InstanceQuery): Promise<InstanceRecord[]> {
    const sort = q.instanceSort(query);
    const paging = q.paging(query);
    const filter = await q.instanceFilter(query, this.definitionIdsOf);
    if (paging.limit === 0) return [];
    const rows = await this.c.instances
      .find(filter, { sort, skip: paging.skip, projection: docs.INSTANCE_PROJECTION, ...(paging.limit === undefined ? {} : { limit: paging.limit }) })
      .toArray();
    return rows.map(docs.instanceFromDoc);
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

  // Projections.

  async getTask(id: string): Promise<TaskRecord | undefined> {
    const d = await this.c.tasks.findOne(byId(id));
    return d ? docs.taskFromDoc(d) : undefined;
  }

  async findTasks(query: TaskQuery): Promise<TaskRecord[]> {
    return this.page('tasks', q.taskFilter(query), q.taskSort(query), q.paging(query), docs.taskFromDoc);
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
    checkLimit(limit);
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
    return this.page('timers', q.jobFilter(query), q.TIMER_SORT, q.paging(query), docs.timerFromDoc);
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
    checkLimit(limit);
    if (limit === 0) return [];
    const rows = await this.c.followUps.find({}, { sort: { createdAt: 1, ins: 1 }, limit }).toArray();
    return rows.map(docs.followUpFromDoc);
  }

  async deleteFollowUp(id: string): Promise<void> {
    await this.c.followUps.deleteOne(byId(id));
  }

  // History.

  async findActivityHistory(query: ActivityHistoryQuery): Promise<ActivityHistoryRecord[]> {
    return this.page('activityHistory', q.activityHistoryFilter(query), q.activityHistorySort(query), q.paging(query), docs.activityFromDoc);
  }

  async countActivityHistory(query: ActivityHistoryQuery): Promise<number> {
    return this.c.activityHistory.countDocuments(q.activityHistoryFilter(query));
  }

  async findTaskHistory(query: TaskHistoryQuery): Promise<TaskHistoryRecord[]> {
    return this.page('taskHistory', q.taskHistoryFilter(query), q.TASK_HISTORY_SORT, q.paging(query), docs.taskHistoryFromDoc);
  }

  async countTaskHistory(query: TaskHistoryQuery): Promise<number> {
    return this.c.taskHistory.countDocuments(q.taskHistoryFilter(query));
  }

  async findVariableHistory(query: VariableHistoryQuery): Promise<VariableHistoryRecord[]> {
    return this.page('variableHistory', q.variableHistoryFilter(query), q.VARIABLE_HISTORY_SORT, q.paging(query), docs.variableHistoryFromDoc);
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
