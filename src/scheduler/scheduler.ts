/**
 * The timer port. The engine never arms timers in memory: every commit records the instance's
 * pending timers in the store, and the scheduler makes sure `fire(instanceId)` runs when one falls
 * due. Firing is "run the instance now"; a duplicate delivery finds nothing due, so the effect is
 * exactly once however often a timer is delivered (BullMQ is at-least-once).
 *
 * Adapters: `inProcess.ts` (embedded default: reads due timers from the store, one real
 * setTimeout at a time) and `bullmq.ts` (distributed: one delayed job per timer and due time).
 */
import type { TimerRecord } from '../store/store.ts';

/** What one commit changed about an instance's timers. */
export interface TimerChange {
  instanceId: string;
  /** Timers the instance has now and did not have before (adding twice is a no-op). */
  added: TimerRecord[];
  /** Timers the instance had and no longer has: their activity ended or fired (removing an unknown one is a no-op). */
  removed: TimerRecord[];
}

/**
 * Runs one instance so that what is due completes: `timers` (timer events), `jobs` (service-task
 * handlers), or both when not given. Queues that carry only one kind pass it, so a handler never
 * runs on a timer worker.
 */
export type FireTimers = (instanceId: string, what?: 'timers' | 'jobs') => Promise<unknown>;

export interface Scheduler {
  /** Starts delivering due timers; catches up on what fell due while stopped, in due order. */
  start(): Promise<void>;
  /** Applies the timer changes of a commit (called after the commit; safe to repeat). */
  sync(change: TimerChange): Promise<void>;
  /** Delivers everything due by the clock now and resolves when it has been processed; returns how many instances ran. */
  runDue(): Promise<number>;
  /** Stops delivering; waits for in-flight deliveries. Idempotent. */
  close(): Promise<void>;
}

/** The timer changes between two versions of an instance's timer list. */
export function diffTimers(instanceId: string, before: TimerRecord[], after: TimerRecord[]): TimerChange {
  const key = (t: TimerRecord) => `${t.id}@${t.dueAt}`;
  const had = new Set(before.map(key));
  const has = new Set(after.map(key));
  return {
    instanceId,
    added: after.filter((t) => !had.has(key(t))),
    removed: before.filter((t) => !has.has(key(t))),
  };
}
