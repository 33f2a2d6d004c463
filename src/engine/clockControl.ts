/**
 * Moving a controlled clock: every timer that falls due in the span fires, in due order, each
 * once, with the clock standing at its due time while it fires; the call returns when all have
 * been processed, so a test (or a demo) can look at the result right after it.
 */
import { evaluate } from 'feelin';
import type { ControlledClock } from '../clock.ts';
import { ValidationError } from '../errors.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import type { Store } from '../store/store.ts';
import { fromFeel } from './feel.ts';

/** `P14D`, `PT2H`, `P1M` (calendar months) or a FEEL duration expression such as `duration("P14D") * 2`. */
export function addDuration(fromMs: number, duration: string): number {
  const expr = /^-?P/.test(duration.trim()) ? `duration("${duration.trim()}")` : duration.replace(/^=/, '');
  let result: unknown;
  try {
    result = fromFeel(evaluate(`date and time("${new Date(fromMs).toISOString()}") + (${expr})`, {}).value);
  } catch {
    result = null;
  }
  const ms = typeof result === 'string' ? Date.parse(result) : NaN;
  if (Number.isNaN(ms)) throw new ValidationError(`'duration' must be an ISO 8601 or FEEL duration, got '${duration}'`);
  if (ms < fromMs) throw new ValidationError('The clock only moves forward: the duration must not be negative');
  return ms;
}

export class ClockControl {
  constructor(
    private readonly clock: ControlledClock,
    private readonly store: Store,
    private readonly scheduler: Scheduler,
    /** Called after the clock was set: computes the timer-start schedules afresh from the new now. */
    private readonly onSet?: () => Promise<void>,
  ) {}

  /**
   * Pins the clock. Moving it backwards is allowed (a scenario may start over); nothing fires.
   * Timer-start schedules are computed again from the new time (their next occurrence after it).
   */
  async set(ms: number): Promise<void> {
    await this.clock.set(ms);
    await this.onSet?.();
  }

  /** Advances to `target`, firing what falls due on the way, earliest first. Returns how many deliveries ran. */
  async advanceTo(target: number): Promise<number> {
    let fired = 0;
    let stuckAt: string | undefined;
    for (;;) {
      const next = await this.store.nextTimerDue();
      if (!next || Date.parse(next) > target) break;
      if (next === stuckAt) break; // due but cannot advance (a failing instance): don't spin
      if (Date.parse(next) > this.clock.now()) await this.clock.set(Date.parse(next));
      const n = await this.scheduler.runDue();
      fired += n;
      if ((await this.store.nextTimerDue()) === next) stuckAt = next;
    }
    if (target > this.clock.now()) await this.clock.set(target);
    fired += await this.scheduler.runDue();
    return fired;
  }
}
