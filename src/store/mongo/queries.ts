/**
 * Filter / sort / paging builders for the port's query types, with the SQLite adapter's semantics
 * (src/store/sqlite/queries.ts; the contract suite pins them):
 * - User values are always literals: equality is `{ $eq: value }`, lists are `$in` of checked
 *   strings/numbers, and a value of any other type is a ValidationError, so nothing a client sends
 *   can become a query operator.
 * - `*Like`: `%` is the only wildcard (`_` and `\` are literal), case-sensitive, anchored at both
 *   ends; the pattern is escaped into a RegExp source, never passed through.
 * - List filters: any of; an empty list matches nothing.
 * - Sorting: nulls sort as the largest value (last ascending, first descending) through a stored
 *   `<field>Null` flag sorted first; ties are broken by further fields in the same direction.
 * - Date bounds are strict and must parse as dates; they compare as canonical ISO strings.
 * - `access` (AccessFilter): an `$or` of its criteria (organisation `$in` the list, where `null`
 *   also matches a missing field; candidate groups; assignee), AND-ed with the other filters; an
 *   empty filter admits nothing. Plain `$in`/`$eq`/`$or`/`$and` only (FerretDB 1.x).
 */
import type { Collection } from 'mongodb';
import { ValidationError } from '../../errors.ts';
import type { Doc } from './docs.ts';
import type {
  AccessFilter, ActivityHistoryQuery, DefinitionQuery, DeploymentQuery, InstanceQuery, JobQuery, Page, SubscriptionQuery, TaskHistoryQuery,
  TaskQuery, VariableHistoryQuery,
} from '../store.ts';

export type Query = Record<string, unknown>;
export type SortSpec = Record<string, 1 | -1>;

/** Documents of a deployment that is still being inserted (see deployments.ts) are invisible. */
export const NOT_PENDING: Query = { pending: { $exists: false } };

function literal(name: string, value: unknown): string | number {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new ValidationError(`${name} must be a string or a number, got ${value === null ? 'null' : typeof value}`);
}

function list(name: string, values: unknown): Array<string | number> {
  if (!Array.isArray(values)) throw new ValidationError(`expected a list for ${name}`);
  return values.map((v) => literal(name, v));
}

function number(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ValidationError(`${name} must be a number`);
  return value;
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Camunda `%` wildcard → anchored, escaped regular expression source (PCRE and RE2 alike). */
export function likeRegex(pattern: string): string {
  if (typeof pattern !== 'string') throw new ValidationError('like pattern must be a string');
  return `^${pattern.split('%').map(escapeRegex).join('[\\s\\S]*')}\\z`;
}

/** A date bound in canonical ISO form (string-comparable with stored values). */
export function dateBound(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new ValidationError(`${name} is not a valid date: ${String(value)}`);
  return new Date(ms).toISOString();
}

/** Organisations of an access filter: strings, or null for rows without an owner. */
function organisationList(values: unknown): Array<string | null> {
  if (!Array.isArray(values) || !values.every((v) => v === null || typeof v === 'string')) {
    throw new ValidationError('access.organisations must be a list of strings or null');
  }
  return [...values];
}

/** What an access filter may look at, per collection. */
interface AccessFields {
  organisation: string;
  /** Tasks: the (multikey) candidate group field. */
  candidateGroups?: string;
  /** Tasks and task history. */
  assignee?: string;
}

/** The `$or` of an access filter's criteria; with none, a condition nothing satisfies. */
function accessCondition(access: AccessFilter, fields: AccessFields): Query {
  if (typeof access !== 'object' || access === null) throw new ValidationError('access must be an object');
  const alternatives: Query[] = [];
  const organisations = organisationList(access.organisations);
  if (organisations.length > 0) alternatives.push({ [fields.organisation]: { $in: organisations } });
  if (access.candidateGroups !== undefined) {
    const groups = list('access.candidateGroups', access.candidateGroups);
    if (fields.candidateGroups !== undefined && groups.length > 0) alternatives.push({ [fields.candidateGroups]: { $in: groups } });
  }
  if (access.assignee !== undefined) {
    const assignee = literal('access.assignee', access.assignee);
    if (fields.assignee !== undefined) alternatives.push({ [fields.assignee]: { $eq: assignee } });
  }
  if (alternatives.length === 0) return { [fields.organisation]: { $in: [] } };
  return alternatives.length === 1 ? alternatives[0]! : { $or: alternatives };
}

/** Accumulates AND-ed conditions. */
class Where {
  private readonly parts: Query[] = [];

  add(condition: Query): this {
    this.parts.push(condition);
    return this;
  }
  eq(field: string, value: unknown): this {
    return value === undefined ? this : this.add({ [field]: { $eq: literal(field, value) } });
  }
  like(field: string, pattern: string | undefined): this {
    return pattern === undefined ? this : this.add({ [field]: { $regex: likeRegex(pattern) } });
  }
  in(field: string, values: unknown, name = field): this {
    return values === undefined ? this : this.add({ [field]: { $in: list(name, values) } });
  }
  /** Strict comparison with a non-null value. */
  cmp(field: string, op: '$lt' | '$gt' | '$lte' | '$gte', value: string | number | undefined): this {
    return value === undefined ? this : this.add({ [field]: { $ne: null, [op]: value } });
  }
  when(flag: boolean | undefined, condition: Query): this {
    return flag ? this.add(condition) : this;
  }
  /** Only documents the access filter admits, when one is given. */
  access(access: AccessFilter | undefined, fields: AccessFields): this {
    return access === undefined ? this : this.add(accessCondition(access, fields));
  }
  build(): Query {
    if (this.parts.length === 0) return {};
    return this.parts.length === 1 ? this.parts[0]! : { $and: this.parts };
  }
}

export interface Paging {
  skip: number;
  /** undefined: no limit; 0: the result is empty (the driver would read 0 as "no limit"). */
  limit: number | undefined;
}

export function paging(page: Page): Paging {
  const first = page.firstResult ?? 0;
  if (!Number.isInteger(first) || first < 0) throw new ValidationError('firstResult must be a non-negative integer');
  if (page.maxResults !== undefined && (!Number.isInteger(page.maxResults) || page.maxResults < 0)) {
    throw new ValidationError('maxResults must be a non-negative integer');
  }
  return { skip: first, limit: page.maxResults };
}

/** One page of `coll`, mapped; `projection` excludes fields. */
export async function findPage<T>(
  coll: Collection<Doc>, filter: Query, sort: SortSpec, page: Paging, map: (d: Doc) => T, projection?: Record<string, 0>,
): Promise<T[]> {
  if (page.limit === 0) return [];
  const rows = await coll
    .find(filter, { sort, skip: page.skip, ...(page.limit === undefined ? {} : { limit: page.limit }), ...(projection ? { projection } : {}) })
    .toArray();
  return rows.map(map);
}

export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 0) throw new ValidationError('limit must be a non-negative integer');
}

interface SortField {
  field: string;
  /** The stored `<field>Null` flag of a nullable field. */
  nullFlag?: string;
}

function orderBy<K extends string>(
  columns: Record<K, SortField>, sortBy: K | undefined, fallback: K, sortOrder: string | undefined, tieBreakers: string[],
): SortSpec {
  if (sortBy !== undefined && !Object.prototype.hasOwnProperty.call(columns, sortBy)) {
    throw new ValidationError(`cannot sort by ${String(sortBy)}`);
  }
  if (sortOrder !== undefined && sortOrder !== 'asc' && sortOrder !== 'desc') {
    throw new ValidationError('sortOrder must be asc or desc');
  }
  const dir = sortOrder === 'desc' ? -1 : 1;
  const main = columns[sortBy ?? fallback];
  const spec: SortSpec = {};
  // false < true: non-null values first ascending, nulls first descending.
  if (main.nullFlag) spec[main.nullFlag] = dir;
  spec[main.field] = dir;
  for (const field of tieBreakers) if (!(field in spec)) spec[field] = dir;
  return spec;
}

// Tasks.

export function taskFilter(q: TaskQuery): Query {
  const w = new Where()
    .in('_id', q.ids, 'ids')
    .eq('assignee', q.assignee)
    .in('assignee', q.assigneeIn, 'assigneeIn')
    .when(q.unassigned, { assignee: { $eq: null } })
    .when(q.assigned, { assignee: { $ne: null } })
    .eq('instanceId', q.instanceId)
    .eq('businessKey', q.businessKey)
    .eq('definitionKey', q.definitionKey)
    .eq('definitionId', q.definitionId)
    .eq('taskDefinitionKey', q.taskDefinitionKey)
    .in('taskDefinitionKey', q.taskDefinitionKeyIn, 'taskDefinitionKeyIn')
    .eq('name', q.name)
    .like('name', q.nameLike)
    .cmp('due', '$lt', dateBound('dueBefore', q.dueBefore))
    .cmp('due', '$gt', dateBound('dueAfter', q.dueAfter))
    .cmp('created', '$lt', dateBound('createdBefore', q.createdBefore))
    .cmp('created', '$gt', dateBound('createdAfter', q.createdAfter))
    .cmp('priority', '$gte', q.minPriority === undefined ? undefined : number('minPriority', q.minPriority))
    .cmp('priority', '$lte', q.maxPriority === undefined ? undefined : number('maxPriority', q.maxPriority))
    .access(q.access, { organisation: 'organisation', candidateGroups: 'candidateGroups', assignee: 'assignee' });

  // Candidate filters (Camunda): the user directly, or any of the user's groups (multikey fields).
  if (q.candidateUser !== undefined || q.candidateUserGroups !== undefined) {
    const alternatives: Query[] = [];
    if (q.candidateUser !== undefined) alternatives.push({ candidateUsers: { $eq: literal('candidateUser', q.candidateUser) } });
    if (q.candidateUserGroups !== undefined) alternatives.push({ candidateGroups: { $in: list('candidateUserGroups', q.candidateUserGroups) } });
    w.add(alternatives.length === 1 ? alternatives[0]! : { $or: alternatives });
  }
  w.in('candidateGroups', q.candidateGroups, 'candidateGroups');
  const candidateQuery = q.candidateUser !== undefined || q.candidateUserGroups !== undefined || q.candidateGroups !== undefined;
  if (candidateQuery && !q.includeAssigned) w.add({ assignee: { $eq: null } });
  return w.build();
}

export function taskSort(q: TaskQuery): SortSpec {
  return orderBy(
    {
      created: { field: 'created' }, dueDate: { field: 'due', nullFlag: 'dueNull' }, priority: { field: 'priority' },
      name: { field: 'name', nullFlag: 'nameNull' }, assignee: { field: 'assignee', nullFlag: 'assigneeNull' },
      id: { field: '_id' },
    },
    q.sortBy, 'created', q.sortOrder, ['created', '_id'],
  );
}

// Instances.

/** `definitionIdsOf(deploymentId)` resolves the deployment filter (a join in SQL). */
export async function instanceFilter(q: InstanceQuery, definitionIdsOf: (deploymentId: string) => Promise<string[]>): Promise<Query> {
  const w = new Where()
    .in('_id', q.ids, 'ids')
    .eq('businessKey', q.businessKey)
    .like('businessKey', q.businessKeyLike)
    .eq('definitionId', q.definitionId)
    .eq('definitionKey', q.definitionKey)
    .when(q.active, { state: { $eq: 'ACTIVE' } })
    .when(q.finished, { state: { $ne: 'ACTIVE' } })
    .eq('superInstanceId', q.superInstanceId)
    .access(q.access, { organisation: 'organisation' });
  if (q.deploymentId !== undefined) {
    w.add({ definitionId: { $in: await definitionIdsOf(String(literal('deploymentId', q.deploymentId))) } });
  }
  return w.build();
}

export function instanceSort(q: InstanceQuery): SortSpec {
  return orderBy(
    {
      instanceId: { field: '_id' }, definitionKey: { field: 'definitionKey' },
      businessKey: { field: 'businessKey', nullFlag: 'businessKeyNull' }, startTime: { field: 'startTime' },
    },
    q.sortBy, 'startTime', q.sortOrder, ['startTime', '_id'],
  );
}

// Definitions and deployments.

/** The part of a definition query that only restricts keys (the scope of "latest version"). */
export function definitionKeyFilter(q: DefinitionQuery): Query {
  return new Where().add(NOT_PENDING).eq('key', q.key).like('key', q.keyLike).build();
}

/** `latestIds(keyFilter)` resolves latestVersion: ids of the highest version of each key. */
export async function definitionFilter(q: DefinitionQuery, latestIds: (keyFilter: Query) => Promise<string[]>): Promise<Query> {
  const w = new Where()
    .add(NOT_PENDING)
    .eq('_id', q.id)
    .eq('key', q.key)
    .like('key', q.keyLike)
    .eq('name', q.name)
    .like('name', q.nameLike)
    .eq('deploymentId', q.deploymentId)
    .eq('version', q.version === undefined ? undefined : number('version', q.version))
    .eq('versionTag', q.versionTag);
  // Camunda: "latest" is over all versions of the key, not over the otherwise filtered set.
  if (q.latestVersion) w.add({ _id: { $in: await latestIds(definitionKeyFilter(q)) } });
  return w.build();
}

export function definitionSort(q: DefinitionQuery): SortSpec {
  return orderBy(
    {
      id: { field: '_id' }, key: { field: 'key' }, name: { field: 'name', nullFlag: 'nameNull' },
      version: { field: 'version' }, deploymentId: { field: 'deploymentId' },
    },
    q.sortBy, 'key', q.sortOrder, ['key', 'version', '_id'],
  );
}

export function deploymentFilter(q: DeploymentQuery): Query {
  return new Where().add(NOT_PENDING).eq('_id', q.id).eq('name', q.name).like('name', q.nameLike).eq('source', q.source).build();
}

export function deploymentSort(q: DeploymentQuery): SortSpec {
  return orderBy(
    { id: { field: '_id' }, name: { field: 'name', nullFlag: 'nameNull' }, deploymentTime: { field: 'deploymentTime' } },
    q.sortBy, 'deploymentTime', q.sortOrder, ['deploymentTime', '_id'],
  );
}

// Subscriptions.

export function subscriptionFilter(q: SubscriptionQuery): Query {
  return new Where().eq('kind', q.kind).eq('name', q.name).eq('instanceId', q.instanceId).eq('businessKey', q.businessKey).build();
}

/** Oldest instance first, then the instance's own order of subscriptions. */
export const SUBSCRIPTION_SORT: SortSpec = { instanceStartTime: 1, instanceId: 1, pos: 1 };

// Timers and jobs.

/** Not an incident: timers (no retries) and jobs with tries left. */
export const DUE: Query = { $or: [{ retries: { $eq: null } }, { retries: { $gt: 0 } }] };

export const TIMER_SORT: SortSpec = { dueAt: 1, _id: 1 };

export function jobFilter(q: JobQuery): Query {
  return new Where()
    .eq('_id', q.id)
    .eq('instanceId', q.instanceId)
    .eq('activityId', q.activityId)
    .when(q.kind === 'job', { handler: { $ne: null } })
    .when(q.kind === 'timer', { handler: { $eq: null } })
    .when(q.withException, { exceptionMessage: { $ne: null } })
    .when(q.noRetriesLeft, { retries: { $eq: 0 } })
    .build();
}

// History.

export function activityHistoryFilter(q: ActivityHistoryQuery): Query {
  return new Where()
    .eq('instanceId', q.instanceId)
    .eq('activityId', q.activityId)
    .eq('activityType', q.activityType)
    .when(q.finished, { endTime: { $ne: null } })
    .when(q.unfinished, { endTime: { $eq: null } })
    .build();
}

export function activityHistorySort(q: ActivityHistoryQuery): SortSpec {
  return orderBy({ startTime: { field: 'startTime' } }, undefined, 'startTime', q.sortOrder, ['seq', '_id']);
}

export function taskHistoryFilter(q: TaskHistoryQuery): Query {
  return new Where()
    .eq('instanceId', q.instanceId)
    .eq('taskDefinitionKey', q.taskDefinitionKey)
    .eq('assignee', q.assignee)
    .when(q.finished, { endTime: { $ne: null } })
    .when(q.unfinished, { endTime: { $eq: null } })
    .eq('businessKey', q.businessKey)
    .eq('definitionKey', q.definitionKey)
    .access(q.access, { organisation: 'organisation', assignee: 'assignee' })
    .build();
}

export const TASK_HISTORY_SORT: SortSpec = { startTime: 1, _id: 1 };

export function variableHistoryFilter(q: VariableHistoryQuery): Query {
  return new Where().eq('instanceId', q.instanceId).eq('name', q.name).like('name', q.nameLike).build();
}

export const VARIABLE_HISTORY_SORT: SortSpec = { createTime: 1, name: 1, _id: 1 };
