/**
 * The commands. Each is one function: load → recover → apply → run to the next wait state →
 * commit (versioned) → run follow-ups. Service-task jobs (jobs.ts), timer start events
 * (scheduleCommands.ts) and follow-ups (followUps.ts) are commands of their own files. A lost race (VersionConflict) reloads and retries;
 * within one process a per-instance queue keeps commands on one instance from racing at all.
 * Nothing lives in memory between commands except caches of immutable definitions.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../clock.ts';
import { Conflict, DomainError, NotFound, VersionConflict } from '../errors.ts';
import type { DefinitionRecord, InstanceRecord, Store, TaskRecord } from '../store/store.ts';
import type { TimerChange } from '../scheduler/scheduler.ts';
import { isScheduleOwner } from './schedules.ts';
import { fireSchedule, syncSchedules } from './scheduleCommands.ts';
import { runJob, setJobRetries } from './jobs.ts';
import { applyFollowUp } from './followUps.ts';
import { DefinitionCache } from './definitions.ts';
import { HandlerError, HandlerRegistry } from './handlers.ts';
import { newId } from './ids.ts';
import { KeyedQueue } from './keyedQueue.ts';
import { Session, type JobResult } from './session.ts';
import { buildCommit, stampOrganisation, taskHistoryOf, type CommandEffects } from './commitBuilder.ts';
import { toPlain, type TypedVariables } from './variables.ts';
import { ExpressionError } from './feel.ts';

export interface StartOptions {
  businessKey?: string | null;
  variables?: TypedVariables;
  startUserId?: string | null;
  /** Start by message: the bpmn:message id of the message start event. */
  messageRef?: string;
  superInstanceId?: string;
  superExecutionId?: string;
  rootInstanceId?: string;
  /** The owning organisation inherited from the caller (the variable `organisation` wins). */
  organisation?: string | null;
  /** Deterministic id for a called child or a scheduled start (idempotent start). */
  instanceId?: string;
  /** The start event to start at (message, timer); default: the none start event. */
  startEventId?: string;
}

export interface EngineDeps {
  store: Store;
  clock: Clock;
  handlers?: HandlerRegistry;
  definitions?: DefinitionCache;
  /** Called after every commit with the instance before and after (the scheduler syncs timers from it). */
  onCommit?: (before: InstanceRecord | null, after: InstanceRecord) => void;
  /** Called when the schedules of timer start events change (the scheduler syncs them). */
  onSchedules?: (change: TimerChange) => void;
  /**
   * Read-only names every FEEL expression of every diagram can read (process variables of the same
   * name win), e.g. `config` with the rules that change with the law.
   */
  feelGlobals?: Record<string, unknown>;
}

/** A handler failure or run-time expression error: 500 with its message shown (the caller needs it). */
export class ExecutionFailed extends DomainError {
  override readonly status = 500;
  override readonly type = 'ProcessEngineException';
  override readonly expose = true;
}

const MAX_ATTEMPTS = 25;

/** Set while a follow-up is being applied, so nested drains do not wait for themselves. */
const insideDrain = new AsyncLocalStorage<boolean>();

interface CommandContext {
  instance: InstanceRecord;
  session: Session;
  plain: Record<string, unknown>;
  effects: CommandEffects;
}

export class ProcessEngine {
  readonly store: Store;
  readonly clock: Clock;
  readonly handlers: HandlerRegistry;
  readonly definitions: DefinitionCache;
  private readonly queue = new KeyedQueue();
  private readonly onCommit?: (before: InstanceRecord | null, after: InstanceRecord) => void;
  readonly onSchedules?: (change: TimerChange) => void;
  readonly feelGlobals: Record<string, unknown>;
  private draining: Promise<void> | null = null;

  constructor(deps: EngineDeps) {
    this.store = deps.store;
    this.clock = deps.clock;
    this.handlers = deps.handlers ?? new HandlerRegistry();
    this.definitions = deps.definitions ?? new DefinitionCache();
    this.onCommit = deps.onCommit;
    this.onSchedules = deps.onSchedules;
    this.feelGlobals = deps.feelGlobals ?? {};
  }

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** Starts an instance of a definition and runs it to its first wait state. */
  async start(definition: DefinitionRecord, opts: StartOptions = {}): Promise<InstanceRecord> {
    if (!definition.executable) throw new Conflict(`Process definition ${definition.id} is not executable and cannot be started`);
    const id = opts.instanceId ?? newId();
    const result = await this.queue.run(id, async () => {
      if (opts.instanceId) {
        const existing = await this.store.getInstance(id);
        if (existing) return existing;
      }
      const runnable = await this.definitions.get(definition);
      const variables: TypedVariables = { ...(opts.variables ?? {}) };
      const plain = toPlain(variables);
      const now = this.nowIso();
      const instance: InstanceRecord = {
        id,
        version: 0,
        definitionId: definition.id,
        definitionKey: definition.key,
        businessKey: opts.businessKey ?? null,
        state: 'ACTIVE',
        startTime: now,
        endTime: null,
        startUserId: opts.startUserId ?? null,
        superInstanceId: opts.superInstanceId ?? null,
        superExecutionId: opts.superExecutionId ?? null,
        rootInstanceId: opts.rootInstanceId ?? id,
        organisation: opts.organisation ?? null,
        engineState: null,
        variables,
        tasks: [],
        subscriptions: [],
        timers: [],
        lastError: null,
        deleteReason: null,
      };
      const startEventId = chooseStartEvent(definition, opts);
      const fireNow = definition.model.elements[startEventId ?? '']?.timer ? new Set([startEventId!]) : undefined;
      const session = new Session({ instanceId: id, definition: runnable, clock: this.clock, variables: plain, fireNow, globals: this.feelGlobals });
      const effects: CommandEffects = { initialVariables: Object.keys(variables), consumedFollowUps: [] };
      try {
        await session.start(startEventId);
        if (opts.messageRef) await session.deliver(opts.messageRef);
      } catch (err) {
        session.stop();
        throw this.failure(err);
      }
      const commit = buildCommit(instance, session, plain, effects, now);
      await this.store.commitInstance(commit);
      this.onCommit?.(null, commit.instance);
      return commit.instance;
    });
    await this.drainFollowUps();
    return (await this.store.getInstance(result.id)) ?? result;
  }

  /** Runs one engine command on an existing, active instance. */
  /** @internal The command runner: load → recover → act → commit (versioned, retried). */
  async command(instanceId: string, act: (ctx: CommandContext) => Promise<void>, consumed: string[] = [], jobResults?: Map<string, JobResult>): Promise<InstanceRecord> {
    const result = await this.queue.run(instanceId, async () => {
      for (let attempt = 1; ; attempt++) {
        const instance = await this.store.getInstance(instanceId);
        if (!instance) throw new NotFound(`Process instance ${instanceId} does not exist`);
        if (instance.state !== 'ACTIVE') throw new NotFound(`Process instance ${instanceId} is not active`);
        const definition = await this.store.getDefinition(instance.definitionId);
        if (!definition) throw new NotFound(`Process definition ${instance.definitionId} does not exist`);
        const runnable = await this.definitions.get(definition);
        const plain = toPlain(instance.variables);
        const session = new Session({ instanceId, definition: runnable, clock: this.clock, variables: plain, jobResults: jobResults && new Map(jobResults), globals: this.feelGlobals });
        const effects: CommandEffects = { initialVariables: [], consumedFollowUps: consumed };
        const now = this.nowIso();
        try {
          await session.resume(instance.engineState);
          await act({ instance, session, plain, effects });
        } catch (err) {
          session.stop();
          throw this.failure(err);
        }
        const commit = buildCommit(instance, session, plain, effects, now);
        try {
          await this.store.commitInstance(commit);
          this.onCommit?.(instance, commit.instance);
          return commit.instance;
        } catch (err) {
          if (err instanceof VersionConflict && attempt < MAX_ATTEMPTS) {
            await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
            continue;
          }
          throw err;
        }
      }
    });
    await this.drainFollowUps();
    return result;
  }

  /** A record-only change of an instance (claim, assignee, variables): versioned, no engine run. */
  /** @internal A record-only versioned change (no engine run). */
  async mutate(instanceId: string, change: (instance: InstanceRecord, effects: CommandEffects) => void): Promise<InstanceRecord> {
    return this.queue.run(instanceId, async () => {
      for (let attempt = 1; ; attempt++) {
        const instance = await this.store.getInstance(instanceId);
        if (!instance) throw new NotFound(`Process instance ${instanceId} does not exist`);
        const next: InstanceRecord = structuredClone(instance);
        const effects: CommandEffects = { initialVariables: [], consumedFollowUps: [], taskUpdates: [], variableUpdates: [] };
        change(next, effects);
        stampOrganisation(next);
        next.version = instance.version + 1;
        const now = this.nowIso();
        try {
          await this.store.commitInstance({
            instance: next,
            expectedVersion: instance.version,
            activityHistory: [],
            taskHistory: (effects.taskUpdates ?? []).map((u) => taskHistoryOf(next.tasks.find((x) => x.id === u.task.id) ?? u.task, u.end ?? null, u.reason ?? null)),
            variableHistory: (effects.variableUpdates ?? []).map(([name, v]) => ({
              id: `${instance.id}:${name}`,
              instanceId: instance.id,
              definitionKey: instance.definitionKey,
              name,
              type: v ? v.type : 'Null',
              value: v ? v.value : null,
              createTime: now,
              state: v ? 'CREATED' : 'DELETED',
            })),
            followUps: [],
          });
          this.onCommit?.(instance, next);
          return next;
        } catch (err) {
          if (err instanceof VersionConflict && attempt < MAX_ATTEMPTS) continue;
          throw err;
        }
      }
    });
  }

  private failure(err: unknown): Error {
    if (err instanceof DomainError) return err;
    if (err instanceof HandlerError || err instanceof ExpressionError) return new ExecutionFailed(err.message);
    const e = err as Error & { inner?: Error; source?: unknown };
    const inner = e?.inner instanceof HandlerError || e?.inner instanceof ExpressionError ? e.inner : null;
    if (inner) return new ExecutionFailed(inner.message);
    return new ExecutionFailed(`Execution failed: ${e?.message ?? String(err)}`);
  }

  private async taskOf(taskId: string): Promise<TaskRecord> {
    const task = await this.store.getTask(taskId);
    if (!task) throw new NotFound(`Cannot find task with id ${taskId}`);
    return task;
  }

  /** Completes a user task with variables (set on the process scope). */
  async completeTask(taskId: string, variables: TypedVariables = {}): Promise<InstanceRecord> {
    const task = await this.taskOf(taskId);
    return this.command(task.instanceId, async ({ instance, session, plain, effects }) => {
      const current = instance.tasks.find((t) => t.id === taskId);
      if (!current) throw new NotFound(`Cannot find task with id ${taskId}`);
      setVariables(instance, plain, variables, effects);
      await session.signalExecution(current.executionId, current.taskDefinitionKey);
      if (session.waits.has(current.executionId)) throw new Conflict(`Task ${taskId} could not be completed`);
      effects.completedTaskIds = [taskId];
    });
  }

  /** Claims a task; `variables` (e.g. the owning `organisation`) are set in the same write. */
  async claim(taskId: string, userId: string, variables: TypedVariables = {}): Promise<void> {
    const task = await this.taskOf(taskId);
    await this.mutate(task.instanceId, (instance, effects) => {
      const t = instance.tasks.find((x) => x.id === taskId);
      if (!t) throw new NotFound(`Cannot find task with id ${taskId}`);
      if (t.assignee && t.assignee !== userId) throw new Conflict(`Task ${taskId} is already claimed by someone else`);
      t.assignee = userId;
      for (const [name, v] of Object.entries(variables)) {
        instance.variables[name] = v;
        effects.variableUpdates!.push([name, v]);
      }
      effects.taskUpdates!.push({ task: t });
    });
  }

  async setAssignee(taskId: string, userId: string | null): Promise<void> {
    const task = await this.taskOf(taskId);
    await this.mutate(task.instanceId, (instance, effects) => {
      const t = instance.tasks.find((x) => x.id === taskId);
      if (!t) throw new NotFound(`Cannot find task with id ${taskId}`);
      t.assignee = userId;
      effects.taskUpdates!.push({ task: t });
    });
  }

  /** Sets and deletes process variables (`POST /process-instance/{id}/variables`). */
  async modifyVariables(instanceId: string, modifications: TypedVariables, deletions: string[] = []): Promise<void> {
    await this.mutate(instanceId, (instance, effects) => {
      if (instance.state !== 'ACTIVE') throw new Conflict(`Process instance ${instanceId} is not active`);
      for (const [name, v] of Object.entries(modifications)) {
        instance.variables[name] = v;
        effects.variableUpdates!.push([name, v]);
      }
      for (const name of deletions) {
        if (name in instance.variables) {
          delete instance.variables[name];
          effects.variableUpdates!.push([name, null]);
        }
      }
    });
  }

  /** Delivers a message or signal to a waiting catch of an instance. */
  async deliver(instanceId: string, refId: string, executionId: string, variables: TypedVariables = {}): Promise<InstanceRecord> {
    return this.command(instanceId, async ({ instance, session, plain, effects }) => {
      const sub = instance.subscriptions.find((s) => s.executionId === executionId);
      if (!sub) throw new Conflict(`Execution ${executionId} no longer waits for ${refId}`);
      setVariables(instance, plain, variables, effects);
      const start = session.model.elements[sub.activityId];
      if (start?.startsProcessEventSubProcess) await session.triggerEventSubProcess(refId, start.parentId);
      else await session.deliver(refId, executionId);
    });
  }

  /**
   * Delivery of an instance's due jobs (the scheduler calls this when one falls due): runs the
   * handlers of due service-task jobs, then lets due timers complete. A timer delivered twice
   * finds nothing due; a job delivered twice may run its handler twice (at-least-once, as
   * Camunda's external tasks), but continues the instance once.
   */
  async fireTimers(instanceId: string, what?: 'timers' | 'jobs'): Promise<InstanceRecord | undefined> {
    if (isScheduleOwner(instanceId)) {
      if (what !== 'jobs') await fireSchedule(this, instanceId);
      return undefined;
    }
    const instance = await this.store.getInstance(instanceId);
    if (!instance || instance.state !== 'ACTIVE') return undefined;
    const now = this.clock.now();
    const due = (t: { dueAt: string }) => Date.parse(t.dueAt) <= now;
    const jobs = what === 'timers' ? [] : instance.timers.filter((t) => t.handler && (t.retries ?? 0) > 0 && due(t));
    for (const job of jobs) await this.runJob(instanceId, job.id);
    if (what === 'jobs') return undefined;
    const current = jobs.length ? await this.store.getInstance(instanceId) : instance;
    if (!current || current.state !== 'ACTIVE' || !current.timers.some((t) => !t.handler && due(t))) return current;
    try {
      return await this.command(instanceId, async () => {});
    } catch (err) {
      if (err instanceof NotFound) return undefined;
      throw err;
    }
  }

  /** Timer start events: see scheduleCommands.ts. */
  syncSchedules(key: string, recompute = false): Promise<void> {
    return syncSchedules(this, key, recompute);
  }

  /** Service-task jobs: see jobs.ts. */
  runJob(instanceId: string, jobId: string): Promise<void> {
    return runJob(this, instanceId, jobId);
  }

  setJobRetries(jobId: string, retries: number): Promise<void> {
    return setJobRetries(this, jobId, retries);
  }

  /** Cancels an instance and its called children (`DELETE /process-instance/{id}`). */
  async deleteInstance(instanceId: string, reason: string | null = null): Promise<void> {
    const children = await this.store.findInstances({ superInstanceId: instanceId, active: true });
    for (const child of children) await this.deleteInstance(child.id, reason);
    await this.mutate(instanceId, (instance, effects) => {
      if (instance.state !== 'ACTIVE') throw new NotFound(`Process instance ${instanceId} is not active`);
      const now = this.nowIso();
      for (const t of instance.tasks) effects.taskUpdates!.push({ task: t, end: now, reason: 'deleted' });
      instance.state = 'EXTERNALLY_TERMINATED';
      instance.endTime = now;
      instance.deleteReason = reason;
      instance.engineState = null;
      instance.tasks = [];
      instance.subscriptions = [];
      instance.timers = [];
    });
  }

  /**
   * Applies recorded follow-up commands until none is left (also after a restart). A call from
   * inside a follow-up (starting a child that records follow-ups of its own) returns at once:
   * the running loop picks the new ones up. Any other caller waits for the loop to finish.
   */
  async drainFollowUps(): Promise<void> {
    if (insideDrain.getStore()) return;
    while (this.draining) await this.draining;
    this.draining = insideDrain.run(true, async () => {
      try {
        for (;;) {
          const pending = await this.store.pendingFollowUps(50);
          if (!pending.length) return;
          for (const f of pending) await applyFollowUp(this, f);
        }
      } finally {
        this.draining = null;
      }
    });
    return this.draining;
  }
}

/**
 * Camunda starts an instance at exactly one start event: the one named (message, timer), else the
 * none start event; a process with only timer start events starts at the first (by hand, at once).
 */
function chooseStartEvent(definition: DefinitionRecord, opts: StartOptions): string | undefined {
  const starts = Object.values(definition.model.elements).filter((e) => e.type === 'bpmn:StartEvent' && e.isProcessStart);
  if (opts.startEventId) return opts.startEventId;
  if (opts.messageRef) return starts.find((e) => e.message?.id === opts.messageRef || e.signal?.id === opts.messageRef)?.id;
  const none = starts.find((e) => !e.message && !e.signal && !e.timer);
  if (none) return none.id;
  const timer = starts.find((e) => e.timer);
  if (timer) return timer.id;
  throw new Conflict(`Process ${definition.key} has no none start event: start it by message or signal`);
}

export function setVariables(instance: InstanceRecord, plain: Record<string, unknown>, vars: TypedVariables, effects: CommandEffects): void {
  for (const [name, v] of Object.entries(vars)) {
    instance.variables[name] = v;
    plain[name] = v.value;
    (effects.setVariables ??= []).push(name);
  }
}

