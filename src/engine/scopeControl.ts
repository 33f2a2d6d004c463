/**
 * Corrections the session applies to a running bpmn-elements 17 execution where its behaviour differs
 * from BPMN and Camunda 7, and the small evaluation helpers of the session's FEEL context. Each
 * function acts only on what it is handed; the session decides when (src/engine/session.ts).
 */
import { date as feelDate, dateAndTime } from 'feelin';
import type { Clock } from '../clock.ts';
import type { IoParameter } from '../bpmn/model.ts';
import { resolve } from './feel.ts';

/** A running activity as bpmn-elements lists it (`getPostponed()`). */
export interface PostponedApi {
  id: string;
  owner?: { parent?: { id?: string } };
  discard(): void;
  getPostponed?(): unknown[];
}

/** The private ProcessExecution method that starts event sub-processes for events thrown inside the process. */
interface DelegatingExecution {
  _onDelegateEvent(message: { properties: { type: string }; content: { message: { id: string } } }): boolean;
}

/** FEEL `now()` and `today()` on a clock (UTC), so a controlled clock governs expressions too. */
export function clockFunctions(clock: Clock): Record<string, () => unknown> {
  return {
    now: () => dateAndTime(new Date(clock.now()).toISOString()),
    today: () => feelDate(new Date(clock.now()).toISOString().slice(0, 10)),
  };
}

/** A camunda:inputParameter / outputParameter value in a FEEL context: FEEL or a literal; lists and maps of those. */
export function parameterValue(p: IoParameter, ctx: Record<string, unknown>): unknown {
  if (p.list) return p.list.map((v) => resolve(v, ctx));
  if (p.map) return Object.fromEntries(Object.entries(p.map).map(([k, v]) => [k, resolve(v, ctx)]));
  return p.value === undefined ? null : resolve(p.value, ctx);
}

/**
 * Starts the event sub-processes whose start event catches this bpmn:message. bpmn-elements starts
 * event sub-processes only for events thrown inside the process (its delegate path); a message from
 * outside is handed to that same path of each running process execution.
 */
export function triggerEventSubProcess(definitions: unknown, messageId: string): void {
  for (const definition of definitions as Array<{ getProcesses(): Array<{ execution?: DelegatingExecution }> }>) {
    for (const process of definition.getProcesses()) {
      process.execution?._onDelegateEvent({ properties: { type: 'message' }, content: { message: { id: messageId } } });
    }
  }
}

/**
 * An interrupting event sub-process started: everything else running in its scope is discarded, as
 * BPMN wants (bpmn-elements does not read `isInterrupting`).
 */
export function interruptScope(postponed: PostponedApi[], eventSubProcessId: string): void {
  const scopeId = postponed.find((a) => a.id === eventSubProcessId)?.owner?.parent?.id;
  if (!scopeId) return;
  for (const api of postponed) {
    if (api.id !== eventSubProcessId && api.owner?.parent?.id === scopeId) api.discard();
  }
}

/** Discards the running activities with these ids, also inside running sub-processes. */
export function discardWaiting(postponed: PostponedApi[], ids: string[], isSubProcess: (id: string) => boolean): void {
  for (const api of postponed) {
    if (ids.includes(api.id)) api.discard();
    else if (isSubProcess(api.id) && api.getPostponed) discardWaiting(api.getPostponed() as PostponedApi[], ids, isSubProcess);
  }
}
