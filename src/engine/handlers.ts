/**
 * Named service-task handlers registered in code. A diagram names a handler by
 * `camunda:type="external" camunda:topic="…"` or `camunda:delegateExpression="${name}"`;
 * the handler gets the variables and returns variables to set. For now handlers run inline
 * in the command (a later job runner moves them out); a throwing handler fails the command and
 * the instance stays at its last wait state.
 */
import type { Clock } from '../clock.ts';
import type { ElementInfo } from '../bpmn/model.ts';

export interface HandlerContext {
  variables: Readonly<Record<string, unknown>>;
  instanceId: string;
  clock: Clock;
  businessKey?: string | null;
  definitionKey?: string;
  /** The service task's id and name (a handler may use the name as the text of a notification). */
  elementId?: string;
  elementName?: string | null;
  /** The job's id: stable across retries of the same job (a natural key for audit entries). */
  jobId?: string;
}

export type Handler = (ctx: HandlerContext) => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;

/**
 * Thrown by a handler to take the BPMN error path: an error boundary event (or error event
 * sub-process) with this error code catches it. Anything else a handler throws is a technical
 * failure: the job is retried, and when its retries run out an incident is raised.
 */
export class BpmnError extends Error {
  constructor(
    readonly code: string,
    message = code,
  ) {
    super(message);
    this.name = 'BpmnError';
  }
}

/**
 * A handler output value meaning "raise the variable to at least `value`": applied against the
 * variable's value at the moment the result continues the instance, so two results computed from
 * the same snapshot (jobs running side by side) can never lower it. Used for `escalationLevel`.
 */
const AT_LEAST = Symbol.for('kim.engine.atLeast');

export class AtLeast {
  readonly [AT_LEAST] = true;
  constructor(readonly value: number) {}

  /** Recognised by brand, not `instanceof`: a handler module may be loaded twice (tests, plugins). */
  static is(v: unknown): v is AtLeast {
    return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[AT_LEAST] === true;
  }

  applyTo(current: unknown): number {
    const n = Number(current);
    return Number.isFinite(n) ? Math.max(n, this.value) : this.value;
  }
}

export const atLeast = (value: number) => new AtLeast(value);

/** The error a command fails with when a handler is missing or throws. */
export class HandlerError extends Error {
  constructor(
    message: string,
    readonly elementId: string,
  ) {
    super(message);
    this.name = 'HandlerError';
  }
}

export class HandlerRegistry {
  private readonly handlers = new Map<string, Handler>();

  register(name: string, handler: Handler): this {
    this.handlers.set(name, handler);
    return this;
  }

  has(name: string): boolean {
    return this.handlers.has(name);
  }

  entries(): Array<[string, Handler]> {
    return [...this.handlers];
  }

  /** The handler name an element refers to, or undefined. */
  static nameOf(info: ElementInfo): string | undefined {
    const impl = info.implementation;
    if (!impl) return undefined;
    if (impl.kind === 'external') return impl.topic;
    if (impl.kind === 'delegateExpression') return impl.expression.replace(/^\s*[$#]\{\s*|\s*\}\s*$/g, '').replace(/^=/, '').trim();
    return undefined;
  }

  /** Runs a handler by name; a BpmnError passes through, other failures become HandlerError. */
  async run(name: string, elementId: string, ctx: HandlerContext): Promise<Record<string, unknown> | void> {
    const handler = this.handlers.get(name);
    if (!handler) throw new HandlerError(`No handler registered for '${name}' (service task ${elementId})`, elementId);
    try {
      return await handler(ctx);
    } catch (err) {
      if (err instanceof BpmnError) throw err;
      throw new HandlerError(`Handler '${name}' failed at ${elementId}: ${(err as Error).message}`, elementId);
    }
  }
}
