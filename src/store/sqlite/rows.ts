/**
 * Row ↔ record mapping. Rows are what better-sqlite3 binds/returns (snake_case, JSON as TEXT,
 * booleans as 0/1). `toRow` functions produce objects for named parameters (`@column`);
 * `fromRow` functions rebuild the port's records exactly (a JSON round trip for nested values).
 */
import type {
  ActivityHistoryRecord, DefinitionRecord, DeploymentRecord, FollowUpRecord, InstanceRecord,
  ResourceRecord, SubscriptionRecord, TaskHistoryRecord, TaskRecord, TimerRecord, VariableHistoryRecord,
} from '../store.ts';

type Row = Record<string, unknown>;

/** JSON text or NULL; `undefined` is stored as NULL (and reads back as null). */
export function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

export function fromJson<T>(text: unknown): T {
  return (text === null || text === undefined ? null : JSON.parse(text as string)) as T;
}

/**
 * Canonical UTC form of a timestamp (`toISOString()`), so that text comparison orders by time.
 * Values that do not parse as a date are kept verbatim.
 */
export function isoUtc(value: string): string;
export function isoUtc(value: string | null): string | null;
export function isoUtc(value: string | null): string | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

const str = (v: unknown): string => v as string;
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string));
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The instance's own task list; tasks written before schema v2 have no `organisation` (read: null). */
const tasksFromJson = (text: unknown): TaskRecord[] =>
  fromJson<TaskRecord[]>(text).map((t) => (t.organisation === undefined ? { ...t, organisation: null } : t));

export const deploymentToRow = (d: DeploymentRecord): Row => ({
  id: d.id, name: d.name, source: d.source, deployment_time: d.deploymentTime, tenant_id: d.tenantId,
});
export const deploymentFromRow = (r: Row): DeploymentRecord => ({
  id: str(r.id), name: strOrNull(r.name), source: strOrNull(r.source),
  deploymentTime: str(r.deployment_time), tenantId: strOrNull(r.tenant_id),
});

export const resourceToRow = (r: ResourceRecord): Row => ({
  id: r.id, deployment_id: r.deploymentId, name: r.name, content: r.content, hash: r.hash,
});
export const resourceFromRow = (r: Row): ResourceRecord => ({
  id: str(r.id), deploymentId: str(r.deployment_id), name: str(r.name), content: str(r.content), hash: str(r.hash),
});

export const definitionToRow = (d: DefinitionRecord): Row => ({
  id: d.id, key: d.key, name: d.name, version: d.version, version_tag: d.versionTag,
  deployment_id: d.deploymentId, resource_name: d.resourceName, hash: d.hash,
  executable: d.executable ? 1 : 0, model_json: JSON.stringify(d.model), xml: d.xml,
  history_ttl: d.historyTimeToLive,
});
export const definitionFromRow = (r: Row): DefinitionRecord => ({
  id: str(r.id), key: str(r.key), name: strOrNull(r.name), version: num(r.version),
  versionTag: strOrNull(r.version_tag), deploymentId: str(r.deployment_id),
  resourceName: str(r.resource_name), hash: str(r.hash), executable: num(r.executable) === 1,
  model: fromJson(r.model_json), xml: str(r.xml), historyTimeToLive: numOrNull(r.history_ttl),
});

export const instanceToRow = (i: InstanceRecord): Row => ({
  id: i.id, version: i.version, definition_id: i.definitionId, definition_key: i.definitionKey,
  business_key: i.businessKey, state: i.state, start_time: i.startTime, end_time: i.endTime,
  start_user_id: i.startUserId, super_instance_id: i.superInstanceId,
  super_execution_id: i.superExecutionId, root_instance_id: i.rootInstanceId,
  organisation: i.organisation ?? null, engine_state_json: toJson(i.engineState), variables_json: JSON.stringify(i.variables),
  tasks_json: JSON.stringify(i.tasks), subscriptions_json: JSON.stringify(i.subscriptions),
  timers_json: JSON.stringify(i.timers), last_error: i.lastError, delete_reason: i.deleteReason,
});
export const instanceFromRow = (r: Row): InstanceRecord => ({
  id: str(r.id), version: num(r.version), definitionId: str(r.definition_id),
  definitionKey: str(r.definition_key), businessKey: strOrNull(r.business_key),
  state: str(r.state) as InstanceRecord['state'], startTime: str(r.start_time),
  endTime: strOrNull(r.end_time), startUserId: strOrNull(r.start_user_id),
  superInstanceId: strOrNull(r.super_instance_id), superExecutionId: strOrNull(r.super_execution_id),
  rootInstanceId: str(r.root_instance_id), organisation: strOrNull(r.organisation),
  engineState: fromJson(r.engine_state_json), variables: fromJson(r.variables_json), tasks: tasksFromJson(r.tasks_json),
  subscriptions: fromJson(r.subscriptions_json), timers: fromJson(r.timers_json),
  lastError: strOrNull(r.last_error), deleteReason: strOrNull(r.delete_reason),
});

/** Task projection row; compared timestamps are canonicalised (see isoUtc). */
export const taskToRow = (t: TaskRecord): Row => ({
  id: t.id, instance_id: t.instanceId, execution_id: t.executionId, definition_id: t.definitionId,
  definition_key: t.definitionKey, task_definition_key: t.taskDefinitionKey, name: t.name,
  assignee: t.assignee, owner: t.owner, candidate_users_json: JSON.stringify(t.candidateUsers),
  candidate_groups_json: JSON.stringify(t.candidateGroups), created: isoUtc(t.created),
  due: isoUtc(t.due), follow_up: isoUtc(t.followUp), priority: t.priority, form_key: t.formKey,
  business_key: t.businessKey, organisation: t.organisation ?? null,
  local_variables_json: JSON.stringify(t.localVariables),
});
export const taskFromRow = (r: Row): TaskRecord => ({
  id: str(r.id), instanceId: str(r.instance_id), executionId: str(r.execution_id),
  definitionId: str(r.definition_id), definitionKey: str(r.definition_key),
  taskDefinitionKey: str(r.task_definition_key), name: strOrNull(r.name),
  assignee: strOrNull(r.assignee), owner: strOrNull(r.owner),
  candidateUsers: fromJson(r.candidate_users_json), candidateGroups: fromJson(r.candidate_groups_json),
  created: str(r.created), due: strOrNull(r.due), followUp: strOrNull(r.follow_up),
  priority: num(r.priority), formKey: strOrNull(r.form_key), businessKey: strOrNull(r.business_key),
  organisation: strOrNull(r.organisation), localVariables: fromJson(r.local_variables_json),
});

export const subscriptionToRow = (s: SubscriptionRecord, pos: number): Row => ({
  id: s.id, instance_id: s.instanceId, pos, business_key: s.businessKey, definition_id: s.definitionId,
  kind: s.kind, name: s.name, ref_id: s.refId, activity_id: s.activityId, execution_id: s.executionId,
});
export const subscriptionFromRow = (r: Row): SubscriptionRecord => ({
  id: str(r.id), instanceId: str(r.instance_id), businessKey: strOrNull(r.business_key),
  definitionId: str(r.definition_id), kind: str(r.kind) as SubscriptionRecord['kind'], name: str(r.name),
  refId: str(r.ref_id), activityId: str(r.activity_id), executionId: str(r.execution_id),
});

export const timerToRow = (t: TimerRecord): Row => ({
  id: t.id, instance_id: t.instanceId, activity_id: t.activityId, execution_id: t.executionId,
  due_at: isoUtc(t.dueAt), timer_type: t.timerType, handler: t.handler ?? null,
  retries: t.retries ?? null, retry_cycle: t.retryCycle ?? null,
  exception_message: t.exceptionMessage ?? null, failed_at: t.failedAt ?? null,
});
export const timerFromRow = (r: Row): TimerRecord => ({
  id: str(r.id), instanceId: str(r.instance_id), activityId: str(r.activity_id),
  executionId: str(r.execution_id), dueAt: str(r.due_at), timerType: strOrNull(r.timer_type),
  ...(r.handler !== null && r.handler !== undefined
    ? {
        handler: str(r.handler), retries: numOrNull(r.retries) ?? 0, retryCycle: strOrNull(r.retry_cycle),
        exceptionMessage: strOrNull(r.exception_message), failedAt: strOrNull(r.failed_at),
      }
    : r.retries !== null && r.retries !== undefined
      ? { retries: num(r.retries) }
      : {}),
});

export const activityToRow = (a: ActivityHistoryRecord): Row => ({
  id: a.id, instance_id: a.instanceId, definition_id: a.definitionId, definition_key: a.definitionKey,
  activity_id: a.activityId, activity_name: a.activityName, activity_type: a.activityType,
  execution_id: a.executionId, start_time: a.startTime, end_time: a.endTime,
  canceled: a.canceled ? 1 : 0, task_id: a.taskId, assignee: a.assignee,
  called_process_instance_id: a.calledProcessInstanceId, seq: a.seq,
});
export const activityFromRow = (r: Row): ActivityHistoryRecord => ({
  id: str(r.id), instanceId: str(r.instance_id), definitionId: str(r.definition_id),
  definitionKey: str(r.definition_key), activityId: str(r.activity_id),
  activityName: strOrNull(r.activity_name), activityType: str(r.activity_type),
  executionId: str(r.execution_id), startTime: str(r.start_time), endTime: strOrNull(r.end_time),
  canceled: num(r.canceled) === 1, taskId: strOrNull(r.task_id), assignee: strOrNull(r.assignee),
  calledProcessInstanceId: strOrNull(r.called_process_instance_id), seq: num(r.seq),
});

export const taskHistoryToRow = (t: TaskHistoryRecord): Row => ({
  id: t.id, instance_id: t.instanceId, definition_id: t.definitionId, definition_key: t.definitionKey,
  task_definition_key: t.taskDefinitionKey, name: t.name, assignee: t.assignee,
  candidate_groups_json: JSON.stringify(t.candidateGroups), start_time: t.startTime,
  end_time: t.endTime, due: t.due, delete_reason: t.deleteReason, business_key: t.businessKey,
  organisation: t.organisation ?? null,
});
export const taskHistoryFromRow = (r: Row): TaskHistoryRecord => ({
  id: str(r.id), instanceId: str(r.instance_id), definitionId: str(r.definition_id),
  definitionKey: str(r.definition_key), taskDefinitionKey: str(r.task_definition_key),
  name: strOrNull(r.name), assignee: strOrNull(r.assignee),
  candidateGroups: fromJson(r.candidate_groups_json), startTime: str(r.start_time),
  endTime: strOrNull(r.end_time), due: strOrNull(r.due), deleteReason: strOrNull(r.delete_reason),
  businessKey: strOrNull(r.business_key), organisation: strOrNull(r.organisation),
});

export const variableHistoryToRow = (v: VariableHistoryRecord): Row => ({
  id: v.id, instance_id: v.instanceId, definition_key: v.definitionKey, name: v.name, type: v.type,
  value_json: toJson(v.value), create_time: v.createTime, state: v.state,
});
export const variableHistoryFromRow = (r: Row): VariableHistoryRecord => ({
  id: str(r.id), instanceId: str(r.instance_id), definitionKey: str(r.definition_key),
  name: str(r.name), type: str(r.type), value: fromJson(r.value_json), createTime: str(r.create_time),
  state: str(r.state) as VariableHistoryRecord['state'],
});

export const followUpToRow = (f: FollowUpRecord): Row => ({
  id: f.id, type: f.type, payload_json: JSON.stringify(f.payload), created_at: f.createdAt,
});
export const followUpFromRow = (r: Row): FollowUpRecord => ({
  id: str(r.id), type: str(r.type), payload: fromJson(r.payload_json), createdAt: str(r.created_at),
});

/** `INSERT INTO table (cols) VALUES (@cols)` for a row shape. */
export function insertSql(table: string, row: Row, verb = 'INSERT'): string {
  const cols = Object.keys(row);
  return `${verb} INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})`;
}

/** Insert that overwrites every column of an existing row with the same id. */
export function upsertSql(table: string, row: Row): string {
  const cols = Object.keys(row).filter((c) => c !== 'id');
  return `${insertSql(table, row)} ON CONFLICT (id) DO UPDATE SET ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}`;
}
