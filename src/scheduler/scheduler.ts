/**
 * The timer/job port. The engine never arms timers in memory: every commit records the
 * instance's pending timers in the store, and the scheduler runs `fire(instanceId)` when the
 * earliest falls due. Firing is "run the instance now"; a duplicate delivery finds nothing due,
 * so the effect is exactly once however often a timer is delivered.
 *
 * Adapters: `inProcess.ts` (embedded default: polls the store, one real setTimeout at a time);
 * a BullMQ adapter (distributed profile) slots in behind the same interface.
 */
export interface Scheduler {
  /** Starts delivering due timers; catches up on what fell due while stopped. */
  start(): Promise<void>;
  /** A commit changed an instance's timers: re-arm if something is due earlier. */
  notify(dueAt: string | undefined): void;
  /** Delivers everything due now and waits until it has been processed. */
  runDue(): Promise<number>;
  /** Stops delivering; waits for in-flight deliveries. Idempotent. */
  close(): Promise<void>;
}
