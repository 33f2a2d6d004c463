/**
 * The embedded scheduler: due timers come from the store (durable, so a restart catches up),
 * delivered in due order, one instance command each. At most one real setTimeout is armed,
 * capped below Node's 2^31−1 ms limit, and re-armed after every commit that brings a timer forward.
 */
import type { Clock } from '../clock.ts';
import type { Store } from '../store/store.ts';
import type { FireTimers, Scheduler, TimerChange } from './scheduler.ts';

const MAX_DELAY = 2 ** 31 - 2;

export class InProcessScheduler implements Scheduler {
  private handle: NodeJS.Timeout | null = null;
  private armedFor: number | null = null;
  private running: Promise<number> | null = null;
  private closed = false;
  private started = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly fire: FireTimers,
    private readonly log: (line: string) => void = (l) => console.error(l),
  ) {}

  async start(): Promise<void> {
    this.started = true;
    await this.runDue();
  }

  /** Removals need nothing here (the store no longer lists them); an earlier addition re-arms. */
  async sync(change: TimerChange): Promise<void> {
    if (!this.started || this.closed || !change.added.length) return;
    const at = Math.min(...change.added.map((t) => Date.parse(t.dueAt)));
    if (this.armedFor !== null && this.armedFor <= at) return;
    this.arm(at);
  }

  private arm(at: number): void {
    if (this.handle) clearTimeout(this.handle);
    this.armedFor = at;
    const delay = Math.min(Math.max(0, at - this.clock.now()), MAX_DELAY);
    this.handle = setTimeout(() => {
      this.handle = null;
      this.armedFor = null;
      void this.runDue().catch((err) => this.log(`scheduler: ${(err as Error).message}`));
    }, delay);
    this.handle.unref?.();
  }

  runDue(): Promise<number> {
    if (this.running) return this.running.then(() => this.runDue());
    this.running = this.deliver().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async deliver(): Promise<number> {
    let fired = 0;
    while (!this.closed) {
      const due = await this.store.dueTimers(new Date(this.clock.now()).toISOString(), 100);
      if (!due.length) break;
      const seen = new Set<string>();
      for (const timer of due) {
        if (seen.has(timer.instanceId)) continue;
        seen.add(timer.instanceId);
        try {
          await this.fire(timer.instanceId);
          fired++;
        } catch (err) {
          this.log(`timer ${timer.id} failed: ${(err as Error).message}`);
        }
      }
      // A timer that could not advance its instance stays due: stop instead of spinning.
      const again = await this.store.dueTimers(new Date(this.clock.now()).toISOString(), 100);
      if (again.length && again.every((t) => due.some((d) => d.id === t.id))) break;
    }
    if (!this.closed) {
      const next = await this.store.nextTimerDue();
      if (next && Date.parse(next) > this.clock.now()) this.arm(Date.parse(next));
    }
    return fired;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.handle) clearTimeout(this.handle);
    this.handle = null;
    if (this.running) await this.running.catch(() => undefined);
  }
}
