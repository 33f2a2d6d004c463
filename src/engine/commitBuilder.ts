/**
 * Turns what a session saw into the one atomic write of a command: the next instance record
 * (engine state, variables, tasks, subscriptions, timers), history rows, and follow-ups.
 */
import type { ActivityHistoryRecord, FollowUpRecord, InstanceCommit, InstanceRecord, SubscriptionRecord, TaskHistoryRecord, TaskRecord, TimerRecord, TypedValue, VariableHistoryRecord } from '../store/store.ts';
import { resolve } from './feel.ts';
import { stableId } from './ids.ts';
import type { Session } from './session.ts';
import { createTask } from './taskFactory.ts';
import { fromPlain, type TypedVariables } from './variables.ts';

/** What a command did besides running the engine. */
export interface CommandEffects {
  /** Variables given at start (recorded in history). */
  initialVariables: string[];
  /** Variables the command set explicitly (already typed in the instance). */
  setVariables?: string[];
  completedTaskIds?: string[];
  consumedFollowUps: string[];
  /** Record-only commands: tasks whose row changed (claim), with an end for deleted ones. */
  taskUpdates?: Array<{ task: TaskRecord; end?: string; reason?: string }>;
  variableUpdates?: Array<[string, TypedValue | null]>;
}

export function taskHistoryOf(t: TaskRecord, end: string | null, reason: string | null): TaskHistoryRecord {
  return {
    id: t.id,
    instanceId: t.instanceId,
    definitionId: t.definitionId,
    definitionKey: t.definitionKey,
    taskDefinitionKey: t.taskDefinitionKey,
    name: t.name,
    assignee: t.assignee,
    candidateGroups: t.candidateGroups,
    startTime: t.created,
    endTime: end,
    due: t.due,
    deleteReason: reason,
    businessKey: t.businessKey,
    organisation: t.organisation,
  };
}

/**
 * The owning organisation: the instance's variable `organisation` (an `org-…` group id) wins; without
 * one it keeps what it had (inherited from the caller at start). Every task carries its instance's.
 */
export function stampOrganisation(instance: InstanceRecord): void {
  const v = instance.variables.organisation?.value;
  if (typeof v === 'string' && v !== '') instance.organisation = v;
  else instance.organisation ??= null;
  instance.tasks = instance.tasks.map((t) => (t.organisation === instance.organisation ? t : { ...t, organisation: instance.organisation }));
}

const DEFAULT_TRIES = 3;
const DEFAULT_BACKOFF_MS = 10_000;

/**
 * How often a failing job is tried and how long to wait before try n+1 (n = tries so far).
 * `R5/PT5M`: 5 tries, 5 minutes apart. Without a cycle: 3 tries, 10 s then 20 s (exponential).
 */
export function retryPolicy(cycle: string | null | undefined): { tries: number; delayMs: (triesSoFar: number) => number } {
  const m = cycle ? /^R(\d+)\/(P.+)$/.exec(cycle.trim()) : null;
  if (m) {
    const interval = durationMs(m[2]);
    if (interval !== null) return { tries: Math.max(1, Number(m[1])), delayMs: () => interval };
  }
  return { tries: DEFAULT_TRIES, delayMs: (n) => DEFAULT_BACKOFF_MS * 2 ** Math.max(0, n - 1) };
}

/** ISO 8601 duration in ms (days are 24 h; months 30 d, years 365 d), or null. */
export function durationMs(iso: string): number | null {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) return null;
  const [, y, mo, w, d, h, mi, sec] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return ((((y * 365 + mo * 30 + w * 7 + d) * 24 + h) * 60 + mi) * 60 + sec) * 1000;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function buildCommit(prev: InstanceRecord, session: Session, plain: Record<string, unknown>, effects: CommandEffects, now: string): InstanceCommit {
  const model = session.model;
  const next: InstanceRecord = { ...prev, version: prev.version + 1, variables: { ...prev.variables } };

  // Variables the engine or handlers changed (plain values differ from the typed ones).
  const changed = new Set<string>([...effects.initialVariables, ...(effects.setVariables ?? [])]);
  for (const [name, value] of Object.entries(plain)) {
    if (!(name in next.variables) || !same(next.variables[name].value, value)) {
      next.variables[name] = fromPlain(value);
      changed.add(name);
    }
  }
  stampOrganisation(next);

  // Tasks: keep the ones still waiting (with their assignee), create new ones.
  const prevTasks = new Map(prev.tasks.map((t) => [t.executionId, t]));
  const tasks: TaskRecord[] = [];
  const taskHistory: TaskHistoryRecord[] = [];
  const subscriptions: SubscriptionRecord[] = [];
  for (const wait of session.waits.values()) {
    const info = model.elements[wait.activityId];
    if (!info) continue;
    if (info.type === 'bpmn:UserTask') {
      const existing = prevTasks.get(wait.executionId);
      if (existing) tasks.push(existing);
      else {
        const task = createTask(next, info, wait, { ...session.globals, ...plain }, now);
        tasks.push(task);
        taskHistory.push(taskHistoryOf(task, null, null));
      }
    }
    const ref = info.message ?? info.signal;
    if (ref) {
      subscriptions.push({
        id: stableId(prev.id, wait.executionId),
        instanceId: prev.id,
        businessKey: prev.businessKey,
        definitionId: prev.definitionId,
        kind: info.message ? 'message' : 'signal',
        name: String(resolve(ref.name, plain) ?? ref.name),
        refId: ref.id,
        activityId: wait.activityId,
        executionId: wait.executionId,
      });
    }
  }
  // Message starts of the process's event sub-processes listen as long as the instance runs.
  if (!session.ended) {
    for (const info of Object.values(model.elements)) {
      if (!info.startsProcessEventSubProcess || !info.message) continue;
      subscriptions.push({
        id: stableId(prev.id, 'event-sub-process', info.id),
        instanceId: prev.id,
        businessKey: prev.businessKey,
        definitionId: prev.definitionId,
        kind: 'message',
        name: String(resolve(info.message.name, plain) ?? info.message.name),
        refId: info.message.id,
        activityId: info.id,
        executionId: eventSubProcessExecutionId(prev.id, info.id),
      });
    }
  }
  const live = new Set(tasks.map((t) => t.id));
  const completed = new Set(effects.completedTaskIds ?? []);
  for (const t of prev.tasks) {
    if (!live.has(t.id)) taskHistory.push(taskHistoryOf(t, now, completed.has(t.id) ? 'completed' : 'deleted'));
  }

  const timers: TimerRecord[] = [...session.timers.values()].map((t) => ({
    id: `${prev.id}:${t.executionId}`,
    instanceId: prev.id,
    activityId: t.activityId,
    executionId: t.executionId,
    dueAt: t.expireAt,
    timerType: t.timerType,
  }));
  // Service-task jobs: a waiting one keeps its retries and due time; a new one is due now.
  const prevJobs = new Map(prev.timers.filter((t) => t.handler).map((t) => [t.executionId, t]));
  for (const job of session.jobs.values()) {
    const existing = prevJobs.get(job.executionId);
    if (existing) {
      timers.push(existing);
      continue;
    }
    const retryCycle = model.elements[job.activityId]?.retryCycle ?? null;
    timers.push({
      id: `${prev.id}:${job.executionId}`,
      instanceId: prev.id,
      activityId: job.activityId,
      executionId: job.executionId,
      dueAt: now,
      timerType: 'job',
      handler: job.handler,
      retries: retryPolicy(retryCycle).tries,
      retryCycle,
      exceptionMessage: null,
      failedAt: null,
    });
  }

  // History of activity instances seen in this command.
  const taskByExec = new Map([...tasks, ...prev.tasks].map((t) => [t.executionId, t]));
  let seq = 0;
  const activityEnds = [...session.activities.values()]
    .filter((a) => !a.start && a.end)
    .map((a) => ({ id: a.executionId, endTime: a.end!, canceled: a.canceled ?? false }));
  const activityHistory: ActivityHistoryRecord[] = [...session.activities.values()].filter((a) => a.start).map((a) => ({
    id: a.executionId,
    instanceId: prev.id,
    definitionId: prev.definitionId,
    definitionKey: prev.definitionKey,
    activityId: a.activityId,
    activityName: a.activityName,
    activityType: a.activityType,
    executionId: a.executionId,
    startTime: a.start ?? now,
    endTime: a.end ?? null,
    canceled: a.canceled ?? false,
    taskId: taskByExec.get(a.executionId)?.id ?? null,
    assignee: taskByExec.get(a.executionId)?.assignee ?? null,
    calledProcessInstanceId: session.calls.has(a.executionId) || model.elements[a.activityId]?.type === 'bpmn:CallActivity' ? stableId(prev.id, a.executionId) : null,
    seq: next.version * 100000 + seq++,
  }));

  const followUps: FollowUpRecord[] = [];
  for (const call of session.calls.values()) {
    if (!call.isNew) continue;
    const info = model.elements[call.activityId];
    const vars: TypedVariables = {};
    const ctx = { ...session.globals, ...plain, execution: { processBusinessKey: prev.businessKey, processInstanceId: prev.id } };
    let businessKey: string | null = null;
    for (const m of info?.inMappings ?? []) {
      if (m.all) Object.assign(vars, next.variables);
      if (m.businessKey !== undefined) {
        const bk = resolve(m.businessKey, ctx);
        businessKey = bk === null || bk === undefined ? null : String(bk);
      }
      if (m.target && m.source !== undefined) vars[m.target] = next.variables[m.source] ?? fromPlain(null);
      else if (m.target && m.sourceExpression) vars[m.target] = fromPlain(resolve(m.sourceExpression, ctx));
    }
    followUps.push({
      id: `startCalled:${prev.id}:${call.executionId}`,
      type: 'startCalled',
      payload: { parentId: prev.id, executionId: call.executionId, calledElement: call.calledElement, variables: vars, businessKey, rootInstanceId: prev.rootInstanceId, organisation: next.organisation },
      createdAt: now,
    });
  }

  // A cancelled call activity (terminate end, interrupting boundary event) ends its called instance, as in Camunda.
  // A terminate end announces no leave for the activities it ends: calls still waiting when the instance ended count too.
  const canceledCalls = new Set(session.canceledCalls);
  if (session.ended) for (const executionId of session.calls.keys()) canceledCalls.add(executionId);
  for (const executionId of canceledCalls) {
    followUps.push({
      id: `cancelCalled:${prev.id}:${executionId}`,
      type: 'cancelCalled',
      payload: { childId: stableId(prev.id, executionId), reason: `Aufrufende Aktivität beendet (${prev.definitionKey})` },
      createdAt: now,
    });
  }

  if (session.ended) {
    next.state = 'COMPLETED';
    next.endTime = now;
    next.engineState = null;
    next.tasks = [];
    next.subscriptions = [];
    next.timers = [];
    if (prev.superInstanceId && prev.superExecutionId) {
      followUps.push({
        id: `callDone:${prev.id}`,
        type: 'callDone',
        payload: { parentId: prev.superInstanceId, executionId: prev.superExecutionId, childVariables: next.variables },
        createdAt: now,
      });
    }
  } else {
    next.engineState = session.getState();
    next.tasks = tasks;
    next.subscriptions = subscriptions;
    next.timers = timers;
  }
  stampOrganisation(next);

  const variableHistory: VariableHistoryRecord[] = [...changed].map((name) => ({
    id: `${prev.id}:${name}`,
    instanceId: prev.id,
    definitionKey: prev.definitionKey,
    name,
    type: next.variables[name]?.type ?? 'Null',
    value: next.variables[name]?.value ?? null,
    createTime: now,
    state: 'CREATED',
  }));

  return {
    instance: next,
    expectedVersion: prev.version,
    activityHistory,
    activityEnds,
    taskHistory,
    variableHistory,
    followUps,
    consumedFollowUps: effects.consumedFollowUps,
  };
}

/** The subscription's execution id for an event sub-process start (no execution waits there yet). */
export function eventSubProcessExecutionId(instanceId: string, startEventId: string): string {
  return `${instanceId}:event-sub-process:${startEventId}`;
}
