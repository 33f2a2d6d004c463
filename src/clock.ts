/**
 * The one source of time. Nothing else in the service reads the wall clock:
 * engine timers, task due dates, history timestamps and the scheduler all ask a Clock.
 */
export interface Clock {
  /** Current time in ms since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that tests (and later the controlled-clock API) set and advance by hand. */
export class ManualClock implements Clock {
  constructor(private current: number = Date.now()) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
