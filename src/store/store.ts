/**
 * The persistence port. One interface, adapters side by side (`sqlite/`, later `mongo/`).
 * No driver types cross this boundary. Every method is async so that a networked adapter fits.
 *
 * Consistency model (ENGINE.md §2):
 * - An instance is one record with a `version`. `commitInstance` writes it only if the stored
 *   version still equals `expectedVersion` (or, for a new instance, if none exists) and throws
 *   `VersionConflict` otherwise. Everything the command derived (task rows, subscriptions,
 *   timers, history, follow-up commands) is written in the same atomic step.
 * - Task rows, subscriptions and timers are projections of the instance record; they are
 *   replaced wholesale per instance on each commit, so a retried commit cannot leave strays.
 */
import type { IdentityStore } from './identityStore.ts';
import type { ProcessModel } from '../bpmn/model.ts';
import type { InboxStore } from '../notifications/inboxStore.ts';
import type { ConsentStore } from '../kim/consentStore.ts';
import type { AuditStore } from '../kim/auditStore.ts';

export interface DeploymentRecord {
  id: string;
  name: string | null;
  source: string | null;
  deploymentTime: string;
  tenantId: string | null;
}

export interface ResourceRecord {
  id: string;
  deploymentId: string;
  name: string;
  /** UTF-8 text of the resource (BPMN XML, form JSON …). */
  content: string;
  /** sha256 of content, for duplicate filtering. */
  hash: string;
}

export interface DefinitionRecord {
  /** `key:version:uuid`, as Camunda forms it. */
  id: string;
  key: string;
  name: string | null;
  version: number;
  versionTag: string | null;
  deploymentId: string;
  resourceName: string;
  /** sha256 of the resource the process came from. */
  hash: string;
  executable: boolean;
  /** Deploy-time model (elements, assignments, messages …). */
  model: ProcessModel;
  /** The BPMN XML of the resource. */
  xml: string;
  historyTimeToLive: number | null;
}

export type InstanceState = 'ACTIVE' | 'COMPLETED' | 'EXTERNALLY_TERMINATED' | 'INTERNALLY_TERMINATED';

/** A user task as held inside the instance record (authoritative), and projected to the task table. */
export interface TaskRecord {
  id: string;
  instanceId: string;
  /** bpmn-engine execution id of the waiting activity (or MI iteration). */
  executionId: string;
  definitionId: string;
  definitionKey: string;
  taskDefinitionKey: string;
  name: string | null;
  assignee: string | null;
  owner: string | null;
  candidateUsers: string[];
  candidateGroups: string[];
  created: string;
  due: string | null;
  followUp: string | null;
  priority: number;
  formKey: string | null;
  businessKey: string | null;
  /** The owning organisation of the task's instance (`InstanceRecord.organisation`), copied at each commit. */
  organisation: string | null;
  /** Activity-local variables of an MI iteration (element variable, loopCounter). */
  localVariables: Record<string, TypedValue>;
}

/** A waiting message/signal catch that correlation can reach. */
export interface SubscriptionRecord {
  id: string;
  instanceId: string;
  businessKey: string | null;
  definitionId: string;
  kind: 'message' | 'signal';
  /** Message/signal name (what `POST /message` names). */
  name: string;
  /** BPMN id of the message/signal element (what the engine is signalled with). */
  refId: string;
  activityId: string;
  executionId: string;
}

/**
 * A durable job owned by an instance: "run this instance at dueAt". Like Camunda's jobs, it is
 * either a timer (a timer event waits) or a service-task job (a handler must run, then the
 * instance continues). A job whose retries ran out is an incident: it stays, but is never due.
 */
export interface TimerRecord {
  /** Deterministic: `${instanceId}:${executionId}`. */
  id: string;
  instanceId: string;
  activityId: string;
  executionId: string;
  dueAt: string;
  /** Timers: timeDate/timeDuration/timeCycle; service-task jobs: `job`. */
  timerType: string | null;
  /** Service-task jobs only: the handler to run (topic or delegate name). */
  handler?: string;
  /** Service-task jobs only: tries left; 0 = incident (not due until retries are set again). */
  retries?: number;
  /** Service-task jobs only: the retry cycle (`R5/PT5M`), and the last failure. */
  retryCycle?: string | null;
  exceptionMessage?: string | null;
  /** When the retries ran out (the incident's timestamp). */
  failedAt?: string | null;
}

/** A command to run after a commit (start a called child, signal a parent …). Idempotent by id. */
export interface FollowUpRecord {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

/** A Camunda-style typed value as stored. */
export interface TypedValue {
  type: string;
  value: unknown;
  valueInfo?: Record<string, unknown>;
}

export interface InstanceRecord {
  id: string;
  version: number;
  definitionId: string;
  definitionKey: string;
  businessKey: string | null;
  state: InstanceState;
  startTime: string;
  endTime: string | null;
  startUserId: string | null;
  superInstanceId: string | null;
  /** The call activity execution in the parent that waits for this instance. */
  superExecutionId: string | null;
  rootInstanceId: string;
  /**
   * The organisation (`org-…`) the case belongs to: the instance's variable `organisation`, else the
   * one of the instance that called it (set at start); null while no case manager has taken it on.
   */
  organisation: string | null;
  /** Serialized bpmn-engine state without `source`; null once ended. */
  engineState: unknown | null;
  variables: Record<string, TypedValue>;
  tasks: TaskRecord[];
  subscriptions: SubscriptionRecord[];
  timers: TimerRecord[];
  /** Last error of an inline service handler that left the instance at its wait state. */
  lastError: string | null;
  /** Incidents kept with the instance (the job runner of a later issue adds retries). */
  deleteReason: string | null;
}

export interface ActivityHistoryRecord {
  /** The activity instance id = bpmn-engine execution id. */
  id: string;
  instanceId: string;
  definitionId: string;
  definitionKey: string;
  activityId: string;
  activityName: string | null;
  activityType: string;
  executionId: string;
  startTime: string;
  endTime: string | null;
  canceled: boolean;
  taskId: string | null;
  assignee: string | null;
  calledProcessInstanceId: string | null;
  /** Order within the instance, to keep the timeline stable for equal timestamps. */
  seq: number;
}

export interface TaskHistoryRecord {
  id: string;
  instanceId: string;
  definitionId: string;
  definitionKey: string;
  taskDefinitionKey: string;
  name: string | null;
  assignee: string | null;
  candidateGroups: string[];
  startTime: string;
  endTime: string | null;
  due: string | null;
  deleteReason: string | null;
  businessKey: string | null;
  /** The instance's owning organisation when the row was last written. */
  organisation: string | null;
}

export interface VariableHistoryRecord {
  /** `${instanceId}:${name}`: history keeps the latest value per variable. */
  id: string;
  instanceId: string;
  definitionKey: string;
  name: string;
  type: string;
  value: unknown;
  createTime: string;
  state: 'CREATED' | 'DELETED';
}

/** What `purgeEndedInstances` removed (counts of rows/documents, across all ids of the call). */
export interface PurgeResult {
  /** Ids whose instance record this call removed. */
  purged: string[];
  /** Ids that named no instance (already purged, or never existed). */
  missing: string[];
  counts: {
    instances: number;
    tasks: number;
    subscriptions: number;
    timers: number;
    activityHistory: number;
    taskHistory: number;
    variableHistory: number;
    followUps: number;
  };
  /**
   * The timer/job records that were still stored for these instances (normally none: an ended
   * instance has no timers): the caller removes their scheduler entries (`Scheduler.sync` with them
   * as `removed`).
   */
  removedTimers: TimerRecord[];
}

/** A PurgeResult with nothing in it (adapters start from it). */
export function emptyPurgeResult(): PurgeResult {
  return {
    purged: [],
    missing: [],
    counts: { instances: 0, tasks: 0, subscriptions: 0, timers: 0, activityHistory: 0, taskHistory: 0, variableHistory: 0, followUps: 0 },
    removedTimers: [],
  };
}

/**
 * Whether a pending follow-up belongs to one of `ids`: recorded by it (ids are
 * `<type>:<instanceId>[:<executionId>]`, src/engine/commitBuilder.ts) or naming it as `parentId`/`childId`.
 */
export function followUpConcerns(f: Pick<FollowUpRecord, 'id' | 'type' | 'payload'>, ids: ReadonlySet<string>): boolean {
  const rest = f.id.startsWith(`${f.type}:`) ? f.id.slice(f.type.length + 1) : '';
  for (const id of ids) if (rest === id || rest.startsWith(`${id}:`)) return true;
  const p = (f.payload ?? {}) as { parentId?: unknown; childId?: unknown };
  return (typeof p.parentId === 'string' && ids.has(p.parentId)) || (typeof p.childId === 'string' && ids.has(p.childId));
}

/** Everything one command writes, atomically. */
export interface InstanceCommit {
  instance: InstanceRecord;
  /** 0 for a new instance. */
  expectedVersion: number;
  /** Activity instances started in this command (inserted, or completed if they also ended). */
  activityHistory: ActivityHistoryRecord[];
  /**
   * Activity instances started by an earlier command that ended in this one: only end time and
   * canceled are set, and only on a row that is still open (start time and order are kept).
   */
  activityEnds?: Array<{ id: string; endTime: string; canceled: boolean }>;
  taskHistory: TaskHistoryRecord[];
  variableHistory: VariableHistoryRecord[];
  /** Follow-up commands to record (applied after the commit, idempotent). */
  followUps: FollowUpRecord[];
  /** Follow-up command ids this command consumed (deleted in the same commit). */
  consumedFollowUps?: string[];
}

export interface Page {
  firstResult?: number;
  maxResults?: number;
}

export interface DefinitionQuery extends Page {
  id?: string;
  key?: string;
  keyLike?: string;
  name?: string;
  nameLike?: string;
  deploymentId?: string;
  version?: number;
  latestVersion?: boolean;
  versionTag?: string;
  sortBy?: 'id' | 'key' | 'name' | 'version' | 'deploymentId';
  sortOrder?: 'asc' | 'desc';
}

export interface DeploymentQuery extends Page {
  id?: string;
  name?: string;
  nameLike?: string;
  source?: string;
  sortBy?: 'id' | 'name' | 'deploymentTime';
  sortOrder?: 'asc' | 'desc';
}

/**
 * Who may see which rows, as a filter the store applies (src/kim/access.ts builds it from the user).
 * A row passes if its `organisation` is in `organisations` (`null` in the list admits rows without an
 * owner), or — tasks only — one of its candidate groups is in `candidateGroups`, or — tasks and task
 * history — it is assigned to `assignee`.
 */
export interface AccessFilter {
  organisations: Array<string | null>;
  candidateGroups?: string[];
  assignee?: string;
}

export interface InstanceQuery extends Page {
  ids?: string[];
  /** Only instances this filter admits (by `organisation`). */
  access?: AccessFilter;
  businessKey?: string;
  businessKeyLike?: string;
  definitionId?: string;
  definitionKey?: string;
  /** Only running instances (`ACTIVE`). */
  active?: boolean;
  /** Only ended ones (history). */
  finished?: boolean;
  superInstanceId?: string;
  deploymentId?: string;
  sortBy?: 'instanceId' | 'definitionKey' | 'businessKey' | 'startTime';
  sortOrder?: 'asc' | 'desc';
}

export interface TaskQuery extends Page {
  ids?: string[];
  /** Only tasks this filter admits (by `organisation`, candidate groups, assignee). */
  access?: AccessFilter;
  assignee?: string;
  assigneeIn?: string[];
  /** Tasks the user may see as candidate: in candidateUsers or in one of `candidateGroupsOf` (the user's groups). */
  candidateUser?: string;
  candidateUserGroups?: string[];
  candidateGroups?: string[];
  /** Also return assigned tasks in candidate queries (Camunda's `includeAssignedTasks`). */
  includeAssigned?: boolean;
  unassigned?: boolean;
  assigned?: boolean;
  instanceId?: string;
  businessKey?: string;
  definitionKey?: string;
  definitionId?: string;
  taskDefinitionKey?: string;
  taskDefinitionKeyIn?: string[];
  name?: string;
  nameLike?: string;
  dueBefore?: string;
  dueAfter?: string;
  createdBefore?: string;
  createdAfter?: string;
  minPriority?: number;
  maxPriority?: number;
  sortBy?: 'created' | 'dueDate' | 'priority' | 'name' | 'assignee' | 'id';
  sortOrder?: 'asc' | 'desc';
}

export interface ActivityHistoryQuery extends Page {
  instanceId?: string;
  activityId?: string;
  activityType?: string;
  finished?: boolean;
  unfinished?: boolean;
  sortOrder?: 'asc' | 'desc';
}

export interface TaskHistoryQuery extends Page {
  instanceId?: string;
  /** Only rows this filter admits (by `organisation`, assignee; `candidateGroups` is ignored). */
  access?: AccessFilter;
  taskDefinitionKey?: string;
  assignee?: string;
  finished?: boolean;
  unfinished?: boolean;
  businessKey?: string;
  definitionKey?: string;
}

export interface VariableHistoryQuery extends Page {
  instanceId?: string;
  name?: string;
  nameLike?: string;
}

export interface JobQuery extends Page {
  id?: string;
  instanceId?: string;
  /** `timer` or `job` (service-task jobs). */
  kind?: 'timer' | 'job';
  /** Only jobs with an exception message. */
  withException?: boolean;
  /** Only jobs whose retries ran out (incidents). */
  noRetriesLeft?: boolean;
  activityId?: string;
}

export interface SubscriptionQuery {
  kind: 'message' | 'signal';
  name: string;
  instanceId?: string;
  businessKey?: string;
}

export interface Store extends IdentityStore {
  /** Notification inbox and e-mail dead letters (src/notifications/inboxStore.ts). */
  readonly inbox: InboxStore;
  /** Consent records (src/kim/consentStore.ts). */
  readonly consents: ConsentStore;
  /** Append-only audit log (src/kim/auditStore.ts). */
  readonly audit: AuditStore;
  /** Creates tables/indexes; idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;

  // Deployments and definitions.
  /** Inserts a deployment with its resources and definitions, atomically. Versions are computed by the caller. */
  insertDeployment(deployment: DeploymentRecord, resources: ResourceRecord[], definitions: DefinitionRecord[]): Promise<void>;
  getDeployment(id: string): Promise<DeploymentRecord | undefined>;
  findDeployments(query: DeploymentQuery): Promise<DeploymentRecord[]>;
  countDeployments(query: DeploymentQuery): Promise<number>;
  getResources(deploymentId: string): Promise<ResourceRecord[]>;
  /** Deletes the deployment, its resources and definitions (instances are the caller's business). */
  deleteDeployment(id: string): Promise<void>;
  getDefinition(id: string): Promise<DefinitionRecord | undefined>;
  findDefinitions(query: DefinitionQuery): Promise<DefinitionRecord[]>;
  countDefinitions(query: DefinitionQuery): Promise<number>;
  /** Highest version of a key, or undefined. */
  latestDefinition(key: string): Promise<DefinitionRecord | undefined>;
  /** The latest resource with this name in any deployment with this `source` (duplicate filtering). */
  latestResourceByName(name: string, source: string | null): Promise<ResourceRecord | undefined>;

  // Instances.
  getInstance(id: string): Promise<InstanceRecord | undefined>;
  /** Atomic, versioned write of an instance and everything the command produced. Throws VersionConflict. */
  commitInstance(commit: InstanceCommit): Promise<void>;
  findInstances(query: InstanceQuery): Promise<InstanceRecord[]>;
  countInstances(query: InstanceQuery): Promise<number>;
  /** Deletes instances with their tasks, subscriptions, timers, history (cascade of a deployment delete, retention). */
  purgeInstances(ids: string[]): Promise<void>;
  /**
   * Erasure of ended instances (KIM-PROCESSES.md §6, src/kim/deletion.ts): removes, for each id, the
   * instance record, its task rows, subscriptions, timers/jobs, activity, task and variable history,
   * and the pending follow-ups it recorded or that name it (`parentId`/`childId`). Audit entries and
   * consents are not touched. Refuses with `Conflict` (before changing anything) if one of the ids
   * is a running (`ACTIVE`) instance. Unknown ids are reported in `missing`, so a repeat is a no-op.
   * SQLite: one transaction for the whole call. MongoDB (no transactions): each instance is marked,
   * then its dependents are deleted, the instance document last; a crash midway leaves the marked
   * instance document, and a repeat of the call (or the adapter's sweeper) finishes the job.
   */
  purgeEndedInstances(ids: string[]): Promise<PurgeResult>;

  // Projections.
  getTask(id: string): Promise<TaskRecord | undefined>;
  findTasks(query: TaskQuery): Promise<TaskRecord[]>;
  countTasks(query: TaskQuery): Promise<number>;
  findSubscriptions(query: SubscriptionQuery): Promise<SubscriptionRecord[]>;
  /** Timers and jobs due at or before `until` (incidents excluded), earliest first. */
  dueTimers(until: string, limit: number): Promise<TimerRecord[]>;
  /** The earliest pending timer's due time, or undefined. */
  nextTimerDue(): Promise<string | undefined>;
  /**
   * Replaces the schedule jobs (timer start events) owned by `owner` (`schedule:<key>`), which
   * belong to no instance; returns the ones it replaced.
   */
  replaceSchedules(owner: string, timers: TimerRecord[]): Promise<TimerRecord[]>;
  /** Jobs (timers and service-task jobs) with Camunda's job filters, ordered by due time. */
  findJobs(query: JobQuery): Promise<TimerRecord[]>;
  countJobs(query: JobQuery): Promise<number>;

  // Settings (a few named JSON values shared by all processes, e.g. the controlled clock).
  getSetting(key: string): Promise<unknown | undefined>;
  setSetting(key: string, value: unknown): Promise<void>;

  // Follow-up commands (the outbox of cross-instance effects).
  pendingFollowUps(limit: number): Promise<FollowUpRecord[]>;
  deleteFollowUp(id: string): Promise<void>;

  // History.
  findActivityHistory(query: ActivityHistoryQuery): Promise<ActivityHistoryRecord[]>;
  countActivityHistory(query: ActivityHistoryQuery): Promise<number>;
  findTaskHistory(query: TaskHistoryQuery): Promise<TaskHistoryRecord[]>;
  countTaskHistory(query: TaskHistoryQuery): Promise<number>;
  findVariableHistory(query: VariableHistoryQuery): Promise<VariableHistoryRecord[]>;
  countVariableHistory(query: VariableHistoryQuery): Promise<number>;
}
