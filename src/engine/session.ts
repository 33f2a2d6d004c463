/**
 * One command against one instance, inside bpmn-engine: build a fresh Engine, recover the
 * persisted state (or start), let the command act, run to the next wait state, and report what
 * is waiting now (user tasks, message/signal catches, timers, called children) and what happened
 * (activity history, the end). Nothing here does I/O; `processEngine.ts` loads and commits.
 */
import { Engine } from 'bpmn-engine';
import { Timers } from 'bpmn-elements';
import type { Clock } from '../clock.ts';
import { Conflict } from '../errors.ts';
import type { ElementInfo, IoParameter, ProcessModel } from '../bpmn/model.ts';
import { isExpression, resolve } from './feel.ts';
import { elements, type RunnableDefinition } from './definitions.ts';
import { clockFunctions, discardWaiting, interruptScope, parameterValue, triggerEventSubProcess, type PostponedApi } from './scopeControl.ts';
import { AtLeast, HandlerRegistry } from './handlers.ts';

const quietLogger = () => ({ debug() {}, error() {}, warn() {} });

/** Timers are never armed in memory: the scheduler runs the instance again when one is due. */
function recordingTimers() {
  return new Timers({ setTimeout: () => null, clearTimeout: () => undefined } as never);
}

export interface WaitInfo {
  activityId: string;
  executionId: string;
  /** The waiting activity's broker: signals go straight to it (see `signalExecution`). */
  broker?: Broker;
  /** The element's variables local to this wait (MI element variable, loopCounter). */
  locals: Record<string, unknown>;
  /** True if the wait began during this command (not a resumed one). */
  isNew: boolean;
}

export interface TimerWait {
  activityId: string;
  executionId: string;
  expireAt: string;
  timerType: string | null;
}

export interface CallWait {
  activityId: string;
  executionId: string;
  broker?: Broker;
  calledElement: string;
  isNew: boolean;
}

export interface ActivityEvent {
  executionId: string;
  activityId: string;
  activityType: string;
  activityName: string | null;
  start?: string;
  end?: string;
  canceled?: boolean;
}

interface Broker {
  publish(exchange: string, routingKey: string, content: unknown, properties?: Record<string, unknown>): unknown;
}

// The runtime API objects bpmn-engine hands its listener.
interface ElementApi {
  owner?: { broker?: Broker };
  id: string;
  type: string;
  name?: string;
  executionId: string;
  content: Record<string, unknown> & { parent?: { executionId?: string }; expireAt?: string | Date; timerType?: string; calledElement?: string; isRootScope?: boolean; isMultiInstance?: boolean; index?: number };
  signal?: (message?: unknown) => void;
}

interface EngineLike {
  execute(opts: unknown): Promise<unknown>;
  recover(state: unknown): unknown;
  resume(opts: unknown): Promise<unknown>;
  stop(): unknown;
  activityStatus: string;
  state: string;
  execution: {
    definitions: Array<{ getState(): unknown }>;
    getPostponed(): ElementApi[];
    signal(payload: unknown): void;
    cancelActivity(payload: unknown): void;
  };
  environment: { getState(): unknown };
  name: string;
  on(event: string, fn: (...args: unknown[]) => void): void;
}

/** A message for an event sub-process that is still running (one instance at a time in bpmn-elements). */
export class EventSubProcessBusy extends Conflict {}

/** The outcome of a service-task job, handed to the command that continues the instance. */
export type JobResult = { output: Record<string, unknown> } | { error: { code: string; message: string } };

export interface PendingJob {
  activityId: string;
  executionId: string;
  handler: string;
}

export interface SessionOptions {
  instanceId: string;
  definition: RunnableDefinition;
  clock: Clock;
  /** Plain process variables; the session reads and writes this object. */
  variables: Record<string, unknown>;
  /** Results of service-task jobs by execution id: the waiting service task completes with it. */
  jobResults?: Map<string, JobResult>;
  /** Timer start events that complete at once (the one an instance is started at). */
  fireNow?: Set<string>;
  /** Names FEEL can read besides the variables (which win), e.g. `config`. */
  globals?: Record<string, unknown>;
}

export class Session {
  readonly model: ProcessModel;
  private engine: EngineLike;
  readonly waits = new Map<string, WaitInfo>();
  readonly timers = new Map<string, TimerWait>();
  readonly calls = new Map<string, CallWait>();
  /** Event-based gateways that finished in this command: the targets that lost the race. */
  private readonly raceEnds: Array<{ targets: string[] }> = [];
  /** Interrupting event sub-processes started in this command, to apply when the engine has settled. */
  private readonly interrupts: string[] = [];
  /** Call activities cancelled in this command (terminated, interrupted): their called instances end too. */
  readonly canceledCalls = new Set<string>();
  /** Service tasks waiting for their handler to run as a job. */
  readonly jobs = new Map<string, PendingJob>();
  readonly activities = new Map<string, ActivityEvent>();
  ended = false;
  private failure: Error | null = null;
  private readonly clock: Clock;
  private readonly variables: Record<string, unknown>;

  /** Names FEEL can read besides the variables. */
  readonly globals: Record<string, unknown>;
  /** The one start event `start` runs (see `extend`). */
  private startEventId: string | undefined;

  constructor(private readonly opts: SessionOptions) {
    this.model = opts.definition.record.model;
    this.clock = opts.clock;
    this.variables = opts.variables;
    // FEEL's now() and today() read the engine's clock (a controlled clock in tests and demos), not the wall clock.
    this.globals = { ...clockFunctions(opts.clock), ...opts.globals };
    const session = this;
    // Options are typed loosely on purpose: bpmn-engine's typings lag its runtime (clock, extensions).
    const engineOptions: Record<string, unknown> = {
      name: opts.instanceId,
      sourceContext: opts.definition.sourceContext,
      elements,
      Logger: quietLogger,
      timers: recordingTimers(),
      clock: opts.clock,
      fireNow: opts.fireNow,
      expressions: {
        resolveExpression: (expr: unknown, message?: { content?: Record<string, unknown> }) => session.evaluate(expr, message?.content),
        isExpression,
        hasExpression: isExpression,
      },
      scripts: {
        register() {},
        getScript(language: string, element: { behaviour?: { conditionExpression?: { body?: string } } }) {
          // Script conditions with language="feel" are FEEL; every other language was refused at deploy.
          if (String(language).toLowerCase() !== 'feel') return undefined;
          const body = element?.behaviour?.conditionExpression?.body ?? 'false';
          return {
            execute(scope: { content?: Record<string, unknown> }, callback: (err: Error | null, result?: unknown) => void) {
              try {
                callback(null, session.evaluate(body.trim().startsWith('=') ? body : '=' + body, scope?.content));
              } catch (err) {
                callback(err as Error);
              }
            },
          };
        },
      },
      extensions: { kim: (activity: { type: string; id: string; behaviour: Record<string, unknown> }) => session.extend(activity) },
      settings: { disableTrackState: true },
    };
    this.engine = new Engine(engineOptions as never) as unknown as EngineLike;
  }

  /** FEEL context: process variables plus the locals of the element being evaluated. */
  evaluate(expr: unknown, content?: Record<string, unknown>): unknown {
    return resolve(expr, { ...this.globals, ...this.variables, ...this.localsOf(content) });
  }

  /** Local variables of the element being evaluated: MI loop variables, then its input parameters. */
  localsOf(content?: Record<string, unknown>): Record<string, unknown> {
    if (!content) return {};
    const info = typeof content.id === 'string' ? this.model.elements[content.id] : undefined;
    const mi = info?.multiInstance;
    const locals: Record<string, unknown> = {};
    if (mi && content.isMultiInstance && !content.isRootScope) {
      if (typeof content.index === 'number') locals.loopCounter = content.index;
      if (mi.elementVariable in content) locals[mi.elementVariable] = content[mi.elementVariable];
    }
    for (const p of info?.inputParameters ?? []) locals[p.name] = this.parameterValue(p, locals);
    return locals;
  }

  private parameterValue(p: IoParameter, locals: Record<string, unknown>): unknown {
    return parameterValue(p, { ...this.globals, ...this.variables, ...locals });
  }

  /** Output parameters of a completed activity set process variables (in the activity's scope: its locals are visible). */
  private applyOutputs(api: ElementApi): void {
    const info = this.model.elements[api.id];
    if (!info?.outputParameters?.length) return;
    const locals = this.localsOf({ ...api.content, id: api.id });
    for (const p of info.outputParameters) this.variables[p.name] = this.parameterValue(p, locals);
  }

  /**
   * Service tasks become jobs: the task waits (its callback is not called) and the commit records a
   * job; a worker runs the handler outside the command, and the command that continues the
   * instance brings the result, with which the re-executed service task completes at once.
   */
  private extend(activity: { type: string; id: string; behaviour: Record<string, unknown> }) {
    const info = this.model.elements[activity.id];
    // Camunda starts exactly one start event. bpmn-elements starts every activity whose `isStart`
    // flag is set when the process execution activates, so the start events not chosen are made
    // non-starting here, at construction, before the execution reads the flag.
    if (this.startEventId && info?.type === 'bpmn:StartEvent' && info.isProcessStart && activity.id !== this.startEventId) {
      Object.defineProperty(activity, 'isStart', { value: false, configurable: true });
    }
    const handler = info ? HandlerRegistry.nameOf(info) : undefined;
    if (info?.implementation && handler && /ServiceTask|SendTask|BusinessRuleTask/.test(activity.type)) {
      const session = this;
      activity.behaviour.Service = function JobService() {
        return {
          execute(message: { content: Record<string, unknown> }, callback: (err: Error | null, output?: unknown) => void) {
            const executionId = String(message.content.executionId);
            const result = session.opts.jobResults?.get(executionId);
            if (!result) {
              session.jobs.set(executionId, { activityId: activity.id, executionId, handler });
              return;
            }
            session.opts.jobResults!.delete(executionId);
            session.jobs.delete(executionId);
            if ('error' in result) {
              const err = Object.assign(new Error(result.error.message), { code: result.error.code });
              return callback(err);
            }
            const output: Record<string, unknown> = {};
            for (const [name, value] of Object.entries(result.output)) output[name] = AtLeast.is(value) ? value.applyTo(session.variables[name]) : value;
            Object.assign(session.variables, output);
            callback(null, output);
          },
        };
      };
    }
    return { activate() {}, deactivate() {} };
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private listener() {
    return {
      emit: (event: string, api: ElementApi) => {
        if (!api || typeof api !== 'object') return;
        switch (event) {
          case 'activity.start':
            this.onStart(api);
            this.noteInterrupt(api);
            break;
          case 'activity.wait':
            this.onWait(api);
            break;
          case 'activity.timer': {
            const expireAt = api.content.expireAt;
            if (expireAt) {
              this.timers.set(api.executionId, {
                activityId: api.id,
                executionId: api.executionId,
                expireAt: new Date(expireAt).toISOString(),
                timerType: (api.content.timerType as string | undefined) ?? null,
              });
            }
            break;
          }
          case 'activity.timeout':
            this.timers.delete(api.executionId);
            break;
          case 'activity.call':
            this.calls.set(api.executionId, {
              activityId: api.id,
              executionId: api.executionId,
              calledElement: String(api.content.calledElement ?? ''),
              broker: api.owner?.broker,
              isNew: this.activities.has(api.executionId),
            });
            break;
          case 'activity.consumed':
            // A signalled wait took its signal; MI iterations end without an activity.end of their own.
            this.waits.delete(api.executionId);
            break;
          case 'activity.end':
            this.applyOutputs(api);
            this.noteRaceEnd(api);
            this.onLeave(api, false);
            break;
          case 'activity.discard':
            this.onLeave(api, true);
            break;
          case 'activity.leave':
            this.onLeave(api, undefined);
            break;
          case 'process.end':
            this.ended = true;
            break;
          case 'process.error': {
            const err = (api.content as { error?: Error }).error;
            if (err && !this.failure) this.failure = err instanceof Error ? err : new Error(String(err));
            break;
          }
        }
      },
    };
  }

  private onStart(api: ElementApi) {
    const info: ElementInfo | undefined = this.model.elements[api.id];
    // MI root and iterations are separate activity instances, as in Camunda's history.
    this.activities.set(api.executionId, {
      executionId: api.executionId,
      activityId: api.id,
      activityType: info?.type ?? api.type,
      activityName: info?.name ?? api.name ?? null,
      start: this.now(),
    });
  }

  private onWait(api: ElementApi) {
    this.waits.set(api.executionId, {
      activityId: api.id,
      executionId: api.executionId,
      locals: this.localsOf({ ...api.content, id: api.id }),
      // MI iterations listen on the process route only.
      broker: api.content.isMultiInstance ? undefined : api.owner?.broker,
      isNew: this.activities.has(api.executionId),
    });
  }

  /** Records an activity (started in an earlier command) as ended and cancelled now. */
  private closeCanceled(executionId: string, activityId: string): void {
    const rec = this.activities.get(executionId);
    if (rec?.end) return;
    const info = this.model.elements[activityId];
    this.activities.set(executionId, {
      ...(rec ?? { executionId, activityId, activityType: info?.type ?? 'unknown', activityName: info?.name ?? null }),
      end: this.now(),
      canceled: true,
    });
  }

  /** True if the element lies (at any depth) inside the sub-process `containerId`. */
  private inside(activityId: string, containerId: string): boolean {
    for (let p = this.model.elements[activityId]?.parentId; p; p = this.model.elements[p]?.parentId) if (p === containerId) return true;
    return false;
  }

  private onLeave(api: ElementApi, canceled: boolean | undefined) {
    const id = api.executionId;
    // A sub-process that leaves takes what waits inside it along (a recovered one announces no leave for its children).
    const nested: Array<[string, string]> = [];
    const mine = (key: string, activityId: string) => {
      if (key === id || key.startsWith(id + '_')) return true;
      if (!this.inside(activityId, api.id)) return false;
      nested.push([key, activityId]);
      return true;
    };
    for (const [key, w] of [...this.waits]) if (mine(key, w.activityId)) this.waits.delete(key);
    for (const [key, t] of [...this.timers]) if (mine(key, t.activityId)) this.timers.delete(key);
    for (const [key, j] of [...this.jobs]) if (mine(key, j.activityId)) this.jobs.delete(key);
    for (const [key, c] of [...this.calls]) {
      if (key === id) this.calls.delete(key);
      else if (mine(key, c.activityId)) {
        this.canceledCalls.add(key);
        this.calls.delete(key);
      }
    }
    for (const [key, activityId] of nested) this.closeCanceled(key, activityId);
    const known = this.activities.get(id);
    // A leave without end or discard: the activity was interrupted (e.g. by a boundary event).
    if (canceled === undefined) {
      if (known?.end) return;
      canceled = true;
    }
    const info = this.model.elements[api.id];
    if (canceled && info?.type === 'bpmn:CallActivity') this.canceledCalls.add(id);
    const rec = this.activities.get(id) ?? {
      executionId: id,
      activityId: api.id,
      activityType: info?.type ?? api.type,
      activityName: info?.name ?? api.name ?? null,
    };
    if (rec.end) return;
    rec.end = this.now();
    rec.canceled = canceled;
    this.activities.set(id, rec);
  }

  /**
   * Starts a new instance and runs it to its first wait state, from `startEventId` only (the
   * other start events of the process are not started; see `extend`).
   */
  async start(startEventId?: string): Promise<void> {
    this.startEventId = startEventId;
    await this.engine.execute({ listener: this.listener(), variables: {} });
    await this.settle();
  }

  /** Recovers a persisted state and resumes: due timers complete, waits are re-announced. */
  async resume(state: unknown): Promise<void> {
    this.engine.recover(structuredClone(state));
    await this.engine.resume({ listener: this.listener() });
    await this.settle();
  }

  /**
   * Signals one waiting execution (user task, MI iteration, call activity) with output.
   * The signal goes to the activity's own broker, not through the process: a signal routed
   * through the process is handled inside the process's API consumer, and an error thrown as
   * its consequence (error end event in a sub-process) would then reach the boundary events
   * only after the sub-process had already ended (bpmn-elements 17).
   */
  async signalExecution(executionId: string, activityId: string, output?: Record<string, unknown>): Promise<void> {
    const broker = this.waits.get(executionId)?.broker ?? this.calls.get(executionId)?.broker;
    if (broker) broker.publish('api', `activity.signal.${executionId}`, { message: output ?? {} }, { type: 'signal' });
    else this.engine.execution.signal({ id: activityId, executionId, ...(output ? { output } : {}) });
    await this.settle();
  }

  /**
   * Starts the process's event sub-process whose start event catches this bpmn:message. bpmn-elements 17
   * starts event sub-processes only for events thrown inside the process (its delegate path); a message
   * from outside is handed to that same path of the running process execution.
   */
  async triggerEventSubProcess(messageId: string, eventSubProcessId?: string): Promise<void> {
    // bpmn-elements runs one instance of an activity at a time: a second trigger while the event
    // sub-process still runs would fail inside the engine. Say so clearly instead.
    if (eventSubProcessId && this.engine.execution.getPostponed().some((a) => a.id === eventSubProcessId)) {
      throw new EventSubProcessBusy(`Event sub-process ${eventSubProcessId} is still running; it can take message ${messageId} again when it has ended`);
    }
    triggerEventSubProcess(this.engine.execution.definitions, messageId);
    await this.settle();
  }

  /** Delivers a message/signal to a waiting catch by its bpmn:message / bpmn:signal id. */
  async deliver(refId: string, executionId?: string): Promise<void> {
    this.engine.execution.signal({ id: refId, ...(executionId ? { executionId } : {}) });
    await this.settle();
  }

  /**
   * Lets the run reach its wait states. bpmn-elements runs synchronously (handlers run as jobs,
   * outside the command), so one turn of the event loop suffices; a process-level error fails.
   * (The engine's own activityStatus can stay 'executing' after an interrupted sub-process.)
   */
  async settle(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    while (this.interrupts.length > 0 || this.raceEnds.length > 0) {
      const postponed = this.engine.execution.getPostponed() as unknown as PostponedApi[];
      if (this.interrupts.length > 0) interruptScope(postponed, this.interrupts.shift()!);
      else discardWaiting(postponed, this.raceEnds.shift()!.targets, (id) => this.model.elements[id]?.type === 'bpmn:SubProcess');
      await new Promise((r) => setImmediate(r));
    }
    if (this.failure) throw this.failure;
  }

  /**
   * An interrupting event sub-process of the process started: everything else running in the process
   * is cancelled, as BPMN (and Camunda) do. bpmn-elements 17 does not read `isInterrupting`, so the
   * session discards the other activities once the event sub-process has started.
   */
  private noteInterrupt(api: ElementApi): void {
    const info = this.model.elements[api.id];
    if (info?.type !== 'bpmn:StartEvent' || !info.startsProcessEventSubProcess || info.interrupting === false) return;
    const eventSubProcessId = (api.owner as { parent?: { id?: string } } | undefined)?.parent?.id;
    if (eventSubProcessId) this.interrupts.push(eventSubProcessId);
  }

  /**
   * An event-based gateway finished its race: the other events must no longer be awaited. The gateway
   * discards them itself, but when the winner completed while a recovered instance was still being
   * resumed, a loser that was not resumed yet shrugged the discard off and waits again — so the
   * session discards whatever of the gateway's targets still waits once the engine has settled.
   */
  private noteRaceEnd(api: ElementApi): void {
    const info = this.model.elements[api.id];
    if (info?.type !== 'bpmn:EventBasedGateway' || !info.targets) return;
    const winner = (api.content as { taken?: { id?: string } }).taken?.id;
    this.raceEnds.push({ targets: info.targets.filter((t) => t !== winner) });
  }


  get failed(): Error | null {
    return this.failure;
  }

  /** The state to persist: engine state without the embedded source (the definition supplies it). */
  getState(): unknown {
    const execution = this.engine.execution;
    return {
      name: this.engine.name,
      state: this.engine.state,
      stopped: false,
      environment: this.engine.environment.getState(),
      definitions: execution.definitions.map((d) => d.getState()),
    };
  }

  stop(): void {
    try {
      this.engine.stop();
    } catch {
      // already stopped
    }
  }
}
