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

/** Where a controlled clock keeps its time, so every process agrees and a restart keeps it. */
export interface ClockSettings {
  getSetting(key: string): Promise<unknown | undefined>;
  setSetting(key: string, value: unknown): Promise<void>;
}

const CLOCK_KEY = 'clock';

/**
 * The controlled clock of tests and demos (`CLOCK=controlled`): time stands still until it is
 * set or advanced, and is kept in the store so that API and worker processes read the same time
 * and a restarted service continues where the scenario was. `refresh()` re-reads it (before each
 * request and each job); `now()` answers from memory.
 */
export class ControlledClock implements Clock {
  private current: number;

  constructor(
    private readonly settings: ClockSettings,
    initial: number = Date.now(),
  ) {
    this.current = initial;
  }

  now(): number {
    return this.current;
  }

  /** Loads the stored time, or stores the current one if none is stored yet. */
  async refresh(): Promise<void> {
    const stored = (await this.settings.getSetting(CLOCK_KEY)) as { now?: string } | undefined;
    if (stored?.now) this.current = Date.parse(stored.now);
    else await this.set(this.current);
  }

  async set(ms: number): Promise<void> {
    this.current = ms;
    await this.settings.setSetting(CLOCK_KEY, { now: new Date(ms).toISOString() });
  }
}

/** A clock that can be refreshed from shared storage (the controlled clock). */
export function isRefreshable(clock: Clock): clock is Clock & { refresh(): Promise<void> } {
  return typeof (clock as { refresh?: unknown }).refresh === 'function';
}
