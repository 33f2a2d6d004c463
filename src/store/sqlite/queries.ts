/**
 * WHERE / ORDER BY / LIMIT builders for the port's query types. Values only ever travel as
 * positional parameters; the SQL text is assembled from fixed fragments and whitelisted columns,
 * so the set of distinct SQL strings stays small (statements are cached by text).
 *
 * Semantics shared with every adapter (the contract suite pins them):
 * - `*Like` filters: `%` is the only wildcard; `_` and `\` are literal. Matching is case-sensitive.
 * - List filters (`ids`, `assigneeIn`, …): any of; an empty list matches nothing.
 * - Sorting: nulls sort as the largest value (last ascending, first descending); ties are broken
 *   by further columns in the same direction so that paging is stable.
 * - Date bounds (`dueBefore`, `createdAfter`, …) are strict and must parse as dates.
 * - `access` (AccessFilter): a row passes if any of its criteria admits it (organisation in the
 *   list, `null` admitting rows without one; a candidate group; the assignee); an empty filter
 *   admits nothing. It is AND-ed with the other filters.
 */
import { ValidationError } from '../../errors.ts';
import type {
  AccessFilter, ActivityHistoryQuery, DefinitionQuery, DeploymentQuery, InstanceQuery, Page, TaskHistoryQuery,
  TaskQuery, VariableHistoryQuery,
} from '../store.ts';

export interface Sql {
  where: string;
  params: unknown[];
}

/** Accumulates AND-ed conditions with their parameters. */
class Where {
  private readonly parts: string[] = [];
  readonly params: unknown[] = [];

  add(sql: string, ...params: unknown[]): this {
    this.parts.push(sql);
    this.params.push(...params);
    return this;
  }
  eq(col: string, value: string | number | undefined): this {
    return value === undefined ? this : this.add(`${col} = ?`, value);
  }
  like(col: string, pattern: string | undefined): this {
    return pattern === undefined ? this : this.add(`${col} LIKE ? ESCAPE '\\'`, likePattern(pattern));
  }
  in(col: string, values: readonly (string | number)[] | undefined): this {
    if (values === undefined) return this;
    if (!Array.isArray(values)) throw new ValidationError(`expected a list for ${col}`);
    return this.add(`${col} IN (SELECT value FROM json_each(?))`, JSON.stringify(values));
  }
  cmp(col: string, op: '<' | '>' | '<=' | '>=', value: string | number | undefined): this {
    return value === undefined ? this : this.add(`${col} ${op} ?`, value);
  }
  /** `sql` with one `?` for `value`, only when the value is given. */
  param(sql: string, value: string | number | undefined): this {
    return value === undefined ? this : this.add(sql, value);
  }
  when(flag: boolean | undefined, sql: string): this {
    return flag ? this.add(sql) : this;
  }
  /** Only rows the access filter admits (see accessCondition), when one is given. */
  access(access: AccessFilter | undefined, cols: AccessColumns): this {
    if (access === undefined) return this;
    const { where, params } = accessCondition(access, cols);
    return this.add(where, ...params);
  }
  build(): Sql {
    return { where: this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '', params: this.params };
  }
}

/** What an access filter may look at, per row type. */
interface AccessColumns {
  organisation: string;
  /** Tasks: the task id column, matched through task_candidates (kind 'group'). */
  candidateTaskId?: string;
  /** Tasks and task history. */
  assignee?: string;
}

/** Checks the shape of an access filter (values are literals: strings, and null for "no owner"). */
export function checkAccess(access: AccessFilter): AccessFilter {
  if (typeof access !== 'object' || access === null) throw new ValidationError('access must be an object');
  const { organisations, candidateGroups, assignee } = access;
  if (!Array.isArray(organisations) || !organisations.every((o) => o === null || typeof o === 'string')) {
    throw new ValidationError('access.organisations must be a list of strings or null');
  }
  if (candidateGroups !== undefined && (!Array.isArray(candidateGroups) || !candidateGroups.every((g) => typeof g === 'string'))) {
    throw new ValidationError('access.candidateGroups must be a list of strings');
  }
  if (assignee !== undefined && typeof assignee !== 'string') throw new ValidationError('access.assignee must be a string');
  return access;
}

/** The OR of an access filter's criteria (`0`, admitting nothing, when there are none). */
function accessCondition(access: AccessFilter, cols: AccessColumns): Sql {
  const { organisations, candidateGroups, assignee } = checkAccess(access);
  const alt: string[] = [];
  const params: unknown[] = [];
  const named = organisations.filter((o): o is string => o !== null);
  if (named.length > 0) {
    alt.push(`${cols.organisation} IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(named));
  }
  // `NULL IN (…)` is never true: rows without an owner need their own term.
  if (organisations.includes(null)) alt.push(`${cols.organisation} IS NULL`);
  if (cols.candidateTaskId !== undefined && candidateGroups !== undefined && candidateGroups.length > 0) {
    alt.push(`${cols.candidateTaskId} IN (SELECT c.task_id FROM task_candidates c WHERE c.kind = 'group' AND c.value IN (SELECT value FROM json_each(?)))`);
    params.push(JSON.stringify(candidateGroups));
  }
  if (cols.assignee !== undefined && assignee !== undefined) {
    alt.push(`${cols.assignee} = ?`);
    params.push(assignee);
  }
  return { where: alt.length === 0 ? '0' : `(${alt.join(' OR ')})`, params };
}

/** Camunda `%` wildcard → LIKE pattern with `\` escape: `_` and `\` become literal. */
export function likePattern(pattern: string): string {
  if (typeof pattern !== 'string') throw new ValidationError('like pattern must be a string');
  return pattern.replace(/[\\_]/g, (c) => '\\' + c);
}

/** A date bound in canonical ISO form (text-comparable with stored values). */
export function dateBound(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new ValidationError(`${name} is not a valid date: ${String(value)}`);
  return new Date(ms).toISOString();
}

/** `LIMIT ? OFFSET ?` with its parameters; no maxResults means no limit. */
export function paging(page: Page): Sql {
  const first = page.firstResult ?? 0;
  const max = page.maxResults ?? -1;
  if (!Number.isInteger(first) || first < 0) throw new ValidationError(`firstResult must be a non-negative integer`);
  if (page.maxResults !== undefined && (!Number.isInteger(max) || max < 0)) {
    throw new ValidationError(`maxResults must be a non-negative integer`);
  }
  return { where: 'LIMIT ? OFFSET ?', params: [max, first] };
}

interface SortColumn {
  col: string;
  nullable?: boolean;
}

/** ORDER BY for a whitelisted sort key, followed by tie-breakers in the same direction. */
function orderBy<K extends string>(
  columns: Record<K, SortColumn>, sortBy: K | undefined, fallback: K, sortOrder: string | undefined,
  tieBreakers: string[],
): string {
  if (sortBy !== undefined && !Object.prototype.hasOwnProperty.call(columns, sortBy)) {
    throw new ValidationError(`cannot sort by ${String(sortBy)}`);
  }
  if (sortOrder !== undefined && sortOrder !== 'asc' && sortOrder !== 'desc') {
    throw new ValidationError(`sortOrder must be asc or desc`);
  }
  const dir = sortOrder === 'desc' ? 'DESC' : 'ASC';
  const main = columns[sortBy ?? fallback];
  const nulls = main.nullable ? (dir === 'ASC' ? ' NULLS LAST' : ' NULLS FIRST') : '';
  const rest = tieBreakers.filter((c) => c !== main.col).map((c) => `${c} ${dir}`);
  return `ORDER BY ${[`${main.col} ${dir}${nulls}`, ...rest].join(', ')}`;
}

// Tasks (alias t).

export function taskWhere(q: TaskQuery): Sql {
  const w = new Where()
    .in('t.id', q.ids)
    .eq('t.assignee', q.assignee)
    .in('t.assignee', q.assigneeIn)
    .when(q.unassigned, 't.assignee IS NULL')
    .when(q.assigned, 't.assignee IS NOT NULL')
    .eq('t.instance_id', q.instanceId)
    .eq('t.business_key', q.businessKey)
    .eq('t.definition_key', q.definitionKey)
    .eq('t.definition_id', q.definitionId)
    .eq('t.task_definition_key', q.taskDefinitionKey)
    .in('t.task_definition_key', q.taskDefinitionKeyIn)
    .eq('t.name', q.name)
    .like('t.name', q.nameLike)
    .cmp('t.due', '<', dateBound('dueBefore', q.dueBefore))
    .cmp('t.due', '>', dateBound('dueAfter', q.dueAfter))
    .cmp('t.created', '<', dateBound('createdBefore', q.createdBefore))
    .cmp('t.created', '>', dateBound('createdAfter', q.createdAfter))
    .cmp('t.priority', '>=', q.minPriority)
    .cmp('t.priority', '<=', q.maxPriority)
    .access(q.access, { organisation: 't.organisation', candidateTaskId: 't.id', assignee: 't.assignee' });

  // Candidate filters (Camunda): the user directly, or any of the user's groups. `t.id IN (…)`
  // rather than a correlated EXISTS, so the lookup runs on the (kind, value) index.
  if (q.candidateUser !== undefined || q.candidateUserGroups !== undefined) {
    const alt: string[] = [];
    const params: unknown[] = [];
    if (q.candidateUser !== undefined) {
      alt.push(`SELECT c.task_id FROM task_candidates c WHERE c.kind = 'user' AND c.value = ?`);
      params.push(q.candidateUser);
    }
    if (q.candidateUserGroups !== undefined) {
      alt.push(`SELECT c.task_id FROM task_candidates c WHERE c.kind = 'group' AND c.value IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(q.candidateUserGroups));
    }
    w.add(`t.id IN (${alt.join(' UNION ')})`, ...params);
  }
  if (q.candidateGroups !== undefined) {
    w.add(
      `t.id IN (SELECT c.task_id FROM task_candidates c WHERE c.kind = 'group' AND c.value IN (SELECT value FROM json_each(?)))`,
      JSON.stringify(q.candidateGroups),
    );
  }
  const candidateQuery = q.candidateUser !== undefined || q.candidateUserGroups !== undefined || q.candidateGroups !== undefined;
  if (candidateQuery && !q.includeAssigned) w.add('t.assignee IS NULL');
  return w.build();
}

export function taskOrder(q: TaskQuery): string {
  return orderBy(
    {
      created: { col: 't.created' }, dueDate: { col: 't.due', nullable: true }, priority: { col: 't.priority' },
      name: { col: 't.name', nullable: true }, assignee: { col: 't.assignee', nullable: true }, id: { col: 't.id' },
    },
    q.sortBy, 'created', q.sortOrder, ['t.created', 't.id'],
  );
}

// Instances (alias i).

export function instanceWhere(q: InstanceQuery): Sql {
  return new Where()
    .in('i.id', q.ids)
    .eq('i.business_key', q.businessKey)
    .like('i.business_key', q.businessKeyLike)
    .eq('i.definition_id', q.definitionId)
    .eq('i.definition_key', q.definitionKey)
    .when(q.active, `i.state = 'ACTIVE'`)
    .when(q.finished, `i.state <> 'ACTIVE'`)
    .eq('i.super_instance_id', q.superInstanceId)
    .param('i.definition_id IN (SELECT d.id FROM definitions d WHERE d.deployment_id = ?)', q.deploymentId)
    .access(q.access, { organisation: 'i.organisation' })
    .build();
}

export function instanceOrder(q: InstanceQuery): string {
  return orderBy(
    {
      instanceId: { col: 'i.id' }, definitionKey: { col: 'i.definition_key' },
      businessKey: { col: 'i.business_key', nullable: true }, startTime: { col: 'i.start_time' },
    },
    q.sortBy, 'startTime', q.sortOrder, ['i.start_time', 'i.id'],
  );
}

// Definitions (alias d).

export function definitionWhere(q: DefinitionQuery): Sql {
  return new Where()
    .eq('d.id', q.id)
    .eq('d.key', q.key)
    .like('d.key', q.keyLike)
    .eq('d.name', q.name)
    .like('d.name', q.nameLike)
    .eq('d.deployment_id', q.deploymentId)
    .eq('d.version', q.version)
    .eq('d.version_tag', q.versionTag)
    // Camunda: "latest" is over all versions of the key, not over the otherwise filtered set.
    .when(q.latestVersion, 'd.version = (SELECT MAX(d2.version) FROM definitions d2 WHERE d2.key = d.key)')
    .build();
}

export function definitionOrder(q: DefinitionQuery): string {
  return orderBy(
    {
      id: { col: 'd.id' }, key: { col: 'd.key' }, name: { col: 'd.name', nullable: true },
      version: { col: 'd.version' }, deploymentId: { col: 'd.deployment_id' },
    },
    q.sortBy, 'key', q.sortOrder, ['d.key', 'd.version', 'd.id'],
  );
}

// Deployments (alias p).

export function deploymentWhere(q: DeploymentQuery): Sql {
  return new Where()
    .eq('p.id', q.id)
    .eq('p.name', q.name)
    .like('p.name', q.nameLike)
    .eq('p.source', q.source)
    .build();
}

export function deploymentOrder(q: DeploymentQuery): string {
  return orderBy(
    { id: { col: 'p.id' }, name: { col: 'p.name', nullable: true }, deploymentTime: { col: 'p.deployment_time' } },
    q.sortBy, 'deploymentTime', q.sortOrder, ['p.deployment_time', 'p.id'],
  );
}

// History (alias h).

export function activityHistoryWhere(q: ActivityHistoryQuery): Sql {
  return new Where()
    .eq('h.instance_id', q.instanceId)
    .eq('h.activity_id', q.activityId)
    .eq('h.activity_type', q.activityType)
    .when(q.finished, 'h.end_time IS NOT NULL')
    .when(q.unfinished, 'h.end_time IS NULL')
    .build();
}

export function activityHistoryOrder(q: ActivityHistoryQuery): string {
  return orderBy({ startTime: { col: 'h.start_time' } }, undefined, 'startTime', q.sortOrder, ['h.seq', 'h.id']);
}

export function taskHistoryWhere(q: TaskHistoryQuery): Sql {
  return new Where()
    .eq('h.instance_id', q.instanceId)
    .eq('h.task_definition_key', q.taskDefinitionKey)
    .eq('h.assignee', q.assignee)
    .when(q.finished, 'h.end_time IS NOT NULL')
    .when(q.unfinished, 'h.end_time IS NULL')
    .eq('h.business_key', q.businessKey)
    .eq('h.definition_key', q.definitionKey)
    .access(q.access, { organisation: 'h.organisation', assignee: 'h.assignee' })
    .build();
}

export const TASK_HISTORY_ORDER = 'ORDER BY h.start_time ASC, h.id ASC';

export function variableHistoryWhere(q: VariableHistoryQuery): Sql {
  return new Where()
    .eq('h.instance_id', q.instanceId)
    .eq('h.name', q.name)
    .like('h.name', q.nameLike)
    .build();
}

export const VARIABLE_HISTORY_ORDER = 'ORDER BY h.create_time ASC, h.name ASC, h.id ASC';
