/**
 * Record ↔ document mapping of the MongoDB adapter.
 *
 * Conventions (mirroring the SQLite adapter's rows.ts, so both adapters return identical records):
 * - `_id` is the record id; composite ids are the JSON text of their parts (unambiguous).
 * - Queryable scalars are real fields; timestamps are ISO strings, the compared ones (task
 *   created/due/followUp, timer dueAt) normalised to `toISOString()` form on write.
 * - Free-form nested values (engine state, variables, process model, payloads, a variable's value,
 *   the instance's own task/subscription/timer lists, the outbox) are stored as JSON text: the
 *   round trip is exactly the SQLite adapter's, and user-chosen keys (`$x`, `a.b`) never become
 *   document field names (FerretDB rejects those, and they must never reach a query).
 * - Nullable sort keys carry a `<field>Null` boolean so that nulls sort as the largest value.
 * - `organisation` (instances, tasks, task history) is always stored, null included: the access
 *   filters match `null` with `$in`, which also matches a missing field (documents written before
 *   the field existed), so both read as "no owner".
 * - Documents written by an instance commit's outbox carry `iv`, the instance version that wrote
 *   them: an apply never overwrites a document written by a later version (see outbox.ts).
 */
import type { ObjectId } from 'mongodb';
import type {
  ActivityHistoryRecord, DefinitionRecord, DeploymentRecord, FollowUpRecord, InstanceRecord, ResourceRecord,
  SubscriptionRecord, TaskHistoryRecord, TaskRecord, TimerRecord, VariableHistoryRecord,
} from '../store.ts';

/** Every document of the adapter: string ids, anything else per collection. */
export type Doc = { _id: string; [field: string]: any };

export function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

export function fromJson<T>(text: unknown): T {
  return (text === null || text === undefined ? null : JSON.parse(text as string)) as T;
}

/** Canonical UTC form of a timestamp; values that do not parse as a date are kept verbatim. */
export function isoUtc(value: string): string;
export function isoUtc(value: string | null): string | null;
export function isoUtc(value: string | null): string | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

/**
 * The filter for one document by id. A string is always a literal (it cannot be an operator), and
 * this exact shape `{ _id: "…" }` is the only filter FerretDB 1.x's SQLite backend answers from
 * its primary key instead of scanning and decoding the whole collection; anything else goes
 * through `$eq`.
 */
export const byId = (id: string): { _id: string } =>
  (typeof id === 'string' ? { _id: id } : ({ _id: { $eq: id } } as unknown as { _id: string }));

/** Unambiguous id from several parts (e.g. a subscription id is unique only within its instance). */
export const compositeId = (...parts: string[]): string => JSON.stringify(parts);

const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string));

/** The instance's own task list; tasks written before `organisation` existed read as null. */
const tasksFromJson = (text: unknown): TaskRecord[] =>
  fromJson<TaskRecord[]>(text).map((t) => (t.organisation === undefined ? { ...t, organisation: null } : t));

// Deployments, resources, definitions.

export const deploymentToDoc = (d: DeploymentRecord, seq: ObjectId): Doc => ({
  _id: d.id, name: d.name, nameNull: d.name === null, source: d.source, deploymentTime: d.deploymentTime,
  tenantId: d.tenantId, seq,
});
export const deploymentFromDoc = (d: Doc): DeploymentRecord => ({
  id: d._id, name: strOrNull(d.name), source: strOrNull(d.source), deploymentTime: d.deploymentTime,
  tenantId: strOrNull(d.tenantId),
});

/** Resources carry their deployment's source/time/order, so "latest by name" is one indexed query. */
export const resourceToDoc = (r: ResourceRecord, pos: number, deployment: Doc): Doc => ({
  _id: r.id, deploymentId: r.deploymentId, name: r.name, content: r.content, hash: r.hash, pos,
  deploymentSource: deployment.source, deploymentTime: deployment.deploymentTime, deploymentSeq: deployment.seq,
});
export const resourceFromDoc = (d: Doc): ResourceRecord => ({
  id: d._id, deploymentId: d.deploymentId, name: d.name, content: d.content, hash: d.hash,
});

export const definitionToDoc = (d: DefinitionRecord): Doc => ({
  _id: d.id, key: d.key, name: d.name, nameNull: d.name === null, version: d.version, versionTag: d.versionTag,
  deploymentId: d.deploymentId, resourceName: d.resourceName, hash: d.hash, executable: d.executable,
  model: JSON.stringify(d.model), xml: d.xml, historyTimeToLive: d.historyTimeToLive,
});
export const definitionFromDoc = (d: Doc): DefinitionRecord => ({
  id: d._id, key: d.key, name: strOrNull(d.name), version: Number(d.version), versionTag: strOrNull(d.versionTag),
  deploymentId: d.deploymentId, resourceName: d.resourceName, hash: d.hash, executable: d.executable === true,
  model: fromJson(d.model), xml: d.xml,
  historyTimeToLive: d.historyTimeToLive === null || d.historyTimeToLive === undefined ? null : Number(d.historyTimeToLive),
});

// Instances.

/** The instance document without its outbox (outbox.ts adds that). */
export const instanceToDoc = (i: InstanceRecord): Doc => ({
  _id: i.id, version: i.version, definitionId: i.definitionId, definitionKey: i.definitionKey,
  businessKey: i.businessKey, businessKeyNull: i.businessKey === null, state: i.state, startTime: i.startTime,
  endTime: i.endTime, startUserId: i.startUserId, superInstanceId: i.superInstanceId,
  superExecutionId: i.superExecutionId, rootInstanceId: i.rootInstanceId, organisation: i.organisation ?? null,
  engineState: toJson(i.engineState),
  variables: JSON.stringify(i.variables), tasks: JSON.stringify(i.tasks),
  subscriptions: JSON.stringify(i.subscriptions), timers: JSON.stringify(i.timers), lastError: i.lastError,
  deleteReason: i.deleteReason,
});
export const instanceFromDoc = (d: Doc): InstanceRecord => ({
  id: d._id, version: Number(d.version), definitionId: d.definitionId, definitionKey: d.definitionKey,
  businessKey: strOrNull(d.businessKey), state: d.state, startTime: d.startTime, endTime: strOrNull(d.endTime),
  startUserId: strOrNull(d.startUserId), superInstanceId: strOrNull(d.superInstanceId),
  superExecutionId: strOrNull(d.superExecutionId), rootInstanceId: d.rootInstanceId,
  organisation: strOrNull(d.organisation), engineState: fromJson(d.engineState), variables: fromJson(d.variables),
  tasks: tasksFromJson(d.tasks),
  subscriptions: fromJson(d.subscriptions), timers: fromJson(d.timers), lastError: strOrNull(d.lastError),
  deleteReason: strOrNull(d.deleteReason),
});

/** What reads of an instance never return. */
export const INSTANCE_PROJECTION = { outbox: 0, hasOutbox: 0, outboxAt: 0 } as const;

// Projections (written by the outbox apply, with the writing instance version `iv`).

export const taskToDoc = (t: TaskRecord, iv: number): Doc => ({
  _id: t.id, instanceId: t.instanceId, iv, executionId: t.executionId, definitionId: t.definitionId,
  definitionKey: t.definitionKey, taskDefinitionKey: t.taskDefinitionKey, name: t.name, nameNull: t.name === null,
  assignee: t.assignee, assigneeNull: t.assignee === null, owner: t.owner, candidateUsers: [...t.candidateUsers],
  candidateGroups: [...t.candidateGroups], created: isoUtc(t.created), due: isoUtc(t.due), dueNull: t.due === null,
  followUp: isoUtc(t.followUp), priority: t.priority, formKey: t.formKey, businessKey: t.businessKey,
  organisation: t.organisation ?? null, localVariables: JSON.stringify(t.localVariables),
});
export const taskFromDoc = (d: Doc): TaskRecord => ({
  id: d._id, instanceId: d.instanceId, executionId: d.executionId, definitionId: d.definitionId,
  definitionKey: d.definitionKey, taskDefinitionKey: d.taskDefinitionKey, name: strOrNull(d.name),
  assignee: strOrNull(d.assignee), owner: strOrNull(d.owner), candidateUsers: [...(d.candidateUsers ?? [])],
  candidateGroups: [...(d.candidateGroups ?? [])], created: d.created, due: strOrNull(d.due),
  followUp: strOrNull(d.followUp), priority: Number(d.priority), formKey: strOrNull(d.formKey),
  businessKey: strOrNull(d.businessKey), organisation: strOrNull(d.organisation), localVariables: fromJson(d.localVariables),
});

/** `pos` and the instance's start time give findSubscriptions its order (oldest instance first). */
export const subscriptionToDoc = (s: SubscriptionRecord, pos: number, instanceStartTime: string, iv: number): Doc => ({
  _id: compositeId(s.instanceId, s.id), id: s.id, instanceId: s.instanceId, iv, pos, instanceStartTime,
  businessKey: s.businessKey, definitionId: s.definitionId, kind: s.kind, name: s.name, refId: s.refId,
  activityId: s.activityId, executionId: s.executionId,
});
export const subscriptionFromDoc = (d: Doc): SubscriptionRecord => ({
  id: d.id, instanceId: d.instanceId, businessKey: strOrNull(d.businessKey), definitionId: d.definitionId,
  kind: d.kind, name: d.name, refId: d.refId, activityId: d.activityId, executionId: d.executionId,
});

/** Timers and service-task jobs; the job fields are null for a timer (and absent from its record). */
export const timerToDoc = (t: TimerRecord, iv: number): Doc => ({
  _id: t.id, instanceId: t.instanceId, iv, activityId: t.activityId, executionId: t.executionId,
  dueAt: isoUtc(t.dueAt), timerType: t.timerType, handler: t.handler ?? null, retries: t.retries ?? null,
  retryCycle: t.retryCycle ?? null, exceptionMessage: t.exceptionMessage ?? null, failedAt: t.failedAt ?? null,
});
export const timerFromDoc = (d: Doc): TimerRecord => ({
  id: d._id, instanceId: d.instanceId, activityId: d.activityId, executionId: d.executionId, dueAt: d.dueAt,
  timerType: strOrNull(d.timerType),
  ...(d.handler !== null && d.handler !== undefined
    ? {
        handler: d.handler as string, retries: d.retries === null || d.retries === undefined ? 0 : Number(d.retries),
        retryCycle: strOrNull(d.retryCycle), exceptionMessage: strOrNull(d.exceptionMessage), failedAt: strOrNull(d.failedAt),
      }
    : d.retries !== null && d.retries !== undefined
      ? { retries: Number(d.retries) } // a schedule: occurrences left
      : {}),
});

// History.

export const activityToDoc = (a: ActivityHistoryRecord, iv: number): Doc => ({
  _id: a.id, instanceId: a.instanceId, iv, definitionId: a.definitionId, definitionKey: a.definitionKey,
  activityId: a.activityId, activityName: a.activityName, activityType: a.activityType, executionId: a.executionId,
  startTime: a.startTime, endTime: a.endTime, canceled: a.canceled, taskId: a.taskId, assignee: a.assignee,
  calledProcessInstanceId: a.calledProcessInstanceId, seq: a.seq,
});
export const activityFromDoc = (d: Doc): ActivityHistoryRecord => ({
  id: d._id, instanceId: d.instanceId, definitionId: d.definitionId, definitionKey: d.definitionKey,
  activityId: d.activityId, activityName: strOrNull(d.activityName), activityType: d.activityType,
  executionId: d.executionId, startTime: d.startTime, endTime: strOrNull(d.endTime), canceled: d.canceled === true,
  taskId: strOrNull(d.taskId), assignee: strOrNull(d.assignee),
  calledProcessInstanceId: strOrNull(d.calledProcessInstanceId), seq: Number(d.seq),
});

export const taskHistoryToDoc = (t: TaskHistoryRecord, iv: number): Doc => ({
  _id: t.id, instanceId: t.instanceId, iv, definitionId: t.definitionId, definitionKey: t.definitionKey,
  taskDefinitionKey: t.taskDefinitionKey, name: t.name, assignee: t.assignee, candidateGroups: [...t.candidateGroups],
  startTime: t.startTime, endTime: t.endTime, due: t.due, deleteReason: t.deleteReason, businessKey: t.businessKey,
  organisation: t.organisation ?? null,
});
export const taskHistoryFromDoc = (d: Doc): TaskHistoryRecord => ({
  id: d._id, instanceId: d.instanceId, definitionId: d.definitionId, definitionKey: d.definitionKey,
  taskDefinitionKey: d.taskDefinitionKey, name: strOrNull(d.name), assignee: strOrNull(d.assignee),
  candidateGroups: [...(d.candidateGroups ?? [])], startTime: d.startTime, endTime: strOrNull(d.endTime),
  due: strOrNull(d.due), deleteReason: strOrNull(d.deleteReason), businessKey: strOrNull(d.businessKey),
  organisation: strOrNull(d.organisation),
});

export const variableHistoryToDoc = (v: VariableHistoryRecord, iv: number): Doc => ({
  _id: v.id, instanceId: v.instanceId, iv, definitionKey: v.definitionKey, name: v.name, type: v.type,
  value: toJson(v.value), createTime: v.createTime, state: v.state,
});
export const variableHistoryFromDoc = (d: Doc): VariableHistoryRecord => ({
  id: d._id, instanceId: d.instanceId, definitionKey: d.definitionKey, name: d.name, type: d.type,
  value: fromJson(d.value), createTime: d.createTime, state: d.state,
});

// Follow-ups: `ins` (an ObjectId made at insert) keeps insertion order for equal createdAt.

export const followUpToDoc = (f: FollowUpRecord, ins: ObjectId): Doc => ({
  _id: f.id, type: f.type, payload: JSON.stringify(f.payload), createdAt: f.createdAt, ins,
});
export const followUpFromDoc = (d: Doc): FollowUpRecord => ({
  id: d._id, type: d.type, payload: fromJson(d.payload), createdAt: d.createdAt,
});
