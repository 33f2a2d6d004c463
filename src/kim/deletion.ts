/**
 * Deletion of case data (KIM-PROCESSES.md §6): 3 years after the end of the year of `closureDate`
 * (the `abschluss` task of `kim-case-lifecycle` sets `deletionDueAt` = 31 Dec of the closure year + 3),
 * and at once when a consent is withdrawn and no other legal basis applies (a person decides that:
 * `POST /api/cases/{caseId}/delete`, src/api/routes/deletion.ts).
 *
 * - **The case** is every instance with its business key, plus the whole call tree each of them
 *   belongs to (the arrival procedure that handed the case over, Baustein 3, `abh-eskalation`
 *   children …), repeated over the business keys found, so nothing of the person's file stays behind.
 * - **Only ended cases are purged.** A case with a running instance is reported (API: 409 with the
 *   running ids; sweep: skipped and logged), never cancelled by the deletion.
 * - **Every store**: `Store.purgeEndedInstances` removes records, task rows, subscriptions,
 *   timers/jobs, activity/task/variable history and pending follow-ups; the scheduler drops the jobs
 *   of whatever timers were still stored (`Scheduler.sync` with them as `removed`, the same path a
 *   commit uses, so no BullMQ job survives); the case's consents go once no instance with that key
 *   is left; the notifications about the case go too — every user's in-app entries and the e-mail
 *   dead letters whose case (`caseReference` of the event) is one of the case's keys (business keys,
 *   `caseId` variables, the id asked for) or instance ids (an escalation without a case names its
 *   instance) — before the instances, so a run that fails midway still finds the case to repeat.
 *   (Sent e-mails' completed BullMQ jobs keep ids only, src/notifications/emailQueue.ts.) Audit entries stay (their details are flat facts, no personal data) and one more is
 *   added: `DELETED` (who, case, purpose `RETENTION` | `CONSENT_WITHDRAWN` | the given reason,
 *   details: counts only).
 * - **The daily sweep** (`DeletionSweep`) runs `deleteDueCases` once per calendar day (Europe/Berlin).
 *   Why not a job in the scheduler, like timer-start schedules (`schedule:<key>`)? Those are fired
 *   through the engine's `fireTimers`, which knows only process definitions; a sweep job would need
 *   a new branch there and in both scheduler adapters, for one call a day. Instead: an hourly check
 *   in the processes that run workers (embedded: the service; distributed: `npm run worker`, or API
 *   processes with RUN_WORKERS=true), and the day it last ran is a shared setting, so a restart or a
 *   second process does not repeat it. Running it twice at once is harmless anyway: purging is
 *   idempotent and the audit id is derived from the case and its instances. With `CLOCK=controlled`
 *   the time moves only by `/api/clock`, so there is no interval: advancing the clock runs the sweep
 *   right after the timers (`SweepingClockControl`), and the request answers when it is done.
 */
import { localDate, localMidnight } from './calendar.ts';
import { isRefreshable, type Clock, type ControlledClock } from '../clock.ts';
import { ClockControl } from '../engine/clockControl.ts';
import { Conflict, NotFound } from '../errors.ts';
import type { Scheduler, TimerChange } from '../scheduler/scheduler.ts';
import type { InstanceRecord, PurgeResult, Store, TimerRecord } from '../store/store.ts';
import { newAuditEntry, toInstant } from './auditStore.ts';

export const DELETED_AUDIT_TYPE = 'DELETED';
/** The purposes of a deletion the domain names; any other reason text is accepted as given. */
export const DELETION_REASONS = ['RETENTION', 'CONSENT_WITHDRAWN'] as const;
/** The variable holding when a case's data is due for deletion (ISO date, or date-time with zone). */
export const DELETION_DUE_VARIABLE = 'deletionDueAt';
/** The shared setting that records the day the sweep last ran. */
export const SWEEP_SETTING = 'deletion.lastSweep';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const PAGE = 500;

export interface DueCase {
  caseId: string;
  /** The latest `deletionDueAt` among the case's instances (the case is due once all are). */
  dueAt: string;
  /** How many instances the case has (all of its call trees). */
  instances: number;
  /** Ids of its instances that still run: while any does, the case is not purged. */
  runningInstanceIds: string[];
}

export interface CaseDeletionResult {
  caseId: string;
  reason: string;
  instanceIds: string[];
  counts: PurgeResult['counts'] & { consents: number; notifications: number; deadLetters: number };
}

export interface SweepOutcome {
  day: string;
  deleted: CaseDeletionResult[];
  /** Due cases left alone because an instance still runs. */
  skipped: Array<{ caseId: string; runningInstanceIds: string[] }>;
  /** Due cases whose deletion failed (retried by the next sweep). */
  failed: Array<{ caseId: string; error: string }>;
}

export interface DeletionActor {
  userId: string | null;
  organisation: string | null;
}

export interface CaseDeletionDeps {
  store: Store;
  clock: Clock;
  /** Applies a timer change to the scheduler (`Scheduler.sync`): how jobs of purged timers are removed. */
  syncTimers?: (change: TimerChange) => Promise<unknown> | unknown;
  log?: (line: string) => void;
}

/**
 * When a `deletionDueAt` value falls due, in ms: a calendar date at the start of that day in Herne
 * (due "on" that day: `deletionDueAt ≤ today`), a date-time with zone at that instant; undefined for
 * anything else (not a deletion date).
 */
export function dueMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const d = DATE_ONLY.exec(value);
  if (d) {
    const utc = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]));
    if (Number.isNaN(utc) || new Date(utc).toISOString().slice(0, 10) !== value) return undefined;
    return localMidnight(value);
  }
  const instant = toInstant(value);
  return instant === undefined ? undefined : Date.parse(instant);
}

const dueOf = (i: InstanceRecord): number | undefined => dueMs(i.variables[DELETION_DUE_VARIABLE]?.value);

/** The key that names an instance's case: its business key, else its variable `caseId`, else its call tree's root. */
function caseKeyOf(i: InstanceRecord): string {
  const v = i.variables.caseId?.value;
  return i.businessKey ?? (typeof v === 'string' && v !== '' ? v : i.rootInstanceId);
}

export class CaseDeletion {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly log: (line: string) => void;

  constructor(private readonly deps: CaseDeletionDeps) {
    this.store = deps.store;
    this.clock = deps.clock;
    this.log = deps.log ?? ((line) => console.error(line));
  }

  /** Every instance the query finds, a page at a time (oldest first). */
  private async each(query: Parameters<Store['findInstances']>[0], fn: (i: InstanceRecord) => void): Promise<void> {
    for (let first = 0; ; first += PAGE) {
      const page = await this.store.findInstances({ ...query, sortBy: 'startTime', sortOrder: 'asc', firstResult: first, maxResults: PAGE });
      page.forEach(fn);
      if (page.length < PAGE) return;
    }
  }

  private async all(query: Parameters<Store['findInstances']>[0]): Promise<InstanceRecord[]> {
    const out: InstanceRecord[] = [];
    await this.each(query, (i) => void out.push(i));
    return out;
  }

  /**
   * Every instance of the case, oldest first: those with the business key `caseId` (or, if there
   * are none, the instance with that id), the call trees they belong to (up to the root, down to
   * every called child), and the same again for every other business key found in those trees.
   */
  async instancesOfCase(caseId: string): Promise<InstanceRecord[]> {
    const found = new Map<string, InstanceRecord>();
    const keysSeen = new Set<string>();
    const keys = [caseId];
    let first = true;
    while (keys.length > 0) {
      const key = keys.shift()!;
      if (keysSeen.has(key)) continue;
      keysSeen.add(key);
      let seeds = await this.all({ businessKey: key });
      if (first && seeds.length === 0) {
        const byId = await this.store.getInstance(caseId);
        if (byId) seeds = [byId];
      }
      first = false;
      const queue: InstanceRecord[] = [];
      for (let seed of seeds) {
        if (found.has(seed.id)) continue;
        // Up to the root of the call tree.
        while (seed.superInstanceId) {
          const parent = found.get(seed.superInstanceId) ?? await this.store.getInstance(seed.superInstanceId);
          if (!parent) break;
          seed = parent;
        }
        if (!found.has(seed.id)) {
          found.set(seed.id, seed);
          queue.push(seed);
        }
      }
      // Down to every called child.
      while (queue.length > 0) {
        const parent = queue.shift()!;
        for (const child of await this.all({ superInstanceId: parent.id })) {
          if (found.has(child.id)) continue;
          found.set(child.id, child);
          queue.push(child);
        }
      }
      for (const i of found.values()) if (i.businessKey && !keysSeen.has(i.businessKey)) keys.push(i.businessKey);
    }
    return [...found.values()].sort((a, b) => (a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : a.id < b.id ? -1 : 1));
  }

  /**
   * Cases due for deletion at `now` and not yet purged, including those an instance still blocks
   * (`runningInstanceIds` not empty): an ended instance with `deletionDueAt` ≤ today names its case,
   * which is due once the latest `deletionDueAt` of all its instances is reached.
   */
  async listDue(now: number = this.clock.now()): Promise<DueCase[]> {
    const candidates: string[] = [];
    const named = new Set<string>();
    await this.each({ finished: true }, (i) => {
      const due = dueOf(i);
      if (due === undefined || due > now) return;
      const key = caseKeyOf(i);
      if (!named.has(key)) {
        named.add(key);
        candidates.push(key);
      }
    });
    const covered = new Set<string>();
    const out: DueCase[] = [];
    for (const caseId of candidates) {
      const instances = await this.instancesOfCase(caseId);
      if (instances.length === 0 || instances.every((i) => covered.has(i.id))) continue;
      for (const i of instances) covered.add(i.id);
      let latest: { ms: number; value: string } | undefined;
      for (const i of instances) {
        const ms = dueOf(i);
        if (ms !== undefined && (!latest || ms > latest.ms)) latest = { ms, value: String(i.variables[DELETION_DUE_VARIABLE]!.value) };
      }
      if (!latest || latest.ms > now) continue; // a later closure of the same case keeps it longer
      out.push({ caseId, dueAt: latest.value, instances: instances.length, runningInstanceIds: instances.filter((i) => i.state === 'ACTIVE').map((i) => i.id) });
    }
    return out;
  }

  /** The cases that are due and can be purged now (every instance ended). */
  async findDue(now: number = this.clock.now()): Promise<DueCase[]> {
    return (await this.listDue(now)).filter((c) => c.runningInstanceIds.length === 0);
  }

  /**
   * Purges the case: NotFound if it has no instance; Conflict (`runningInstanceIds` in the details)
   * if one still runs, and then nothing is deleted. `reason` becomes the audit entry's purpose.
   */
  async purgeCase(caseId: string, reason: string, by: DeletionActor = { userId: null, organisation: null }): Promise<CaseDeletionResult> {
    const instances = await this.instancesOfCase(caseId);
    if (instances.length === 0) throw new NotFound(`Case '${caseId.slice(0, 80)}' does not exist`);
    const running = instances.filter((i) => i.state === 'ACTIVE').map((i) => i.id);
    if (running.length > 0) {
      throw new Conflict(`Case '${caseId.slice(0, 80)}' still has running process instances: it can be deleted once they have ended`, { runningInstanceIds: running });
    }
    const ids = instances.map((i) => i.id).sort();
    const keys = new Set<string>([caseId]);
    for (const i of instances) {
      if (i.businessKey) keys.add(i.businessKey);
      const v = i.variables.caseId?.value;
      if (typeof v === 'string' && v !== '') keys.add(v);
    }

    // Notifications name the case by its key (`caseReference`), or by the instance when there was
    // none. A key that instances outside this case also carry is left alone (as with consents).
    // They go first: once the instances are gone, a repeat of a failed run would find no case.
    const refs = [...ids];
    for (const key of keys) {
      const inCase = instances.filter((i) => i.businessKey === key).length;
      if ((await this.store.countInstances({ businessKey: key })) <= inCase) refs.push(key);
    }
    const notifications = await this.store.inbox.deleteByCase(refs);
    const deadLetters = await this.store.inbox.deleteDeadLettersByCase(refs);

    const purged = await this.store.purgeEndedInstances(ids);
    await this.dropJobs(purged.removedTimers);

    // Consents belong to a case id (the business key): they go once no instance with that key is left.
    let consents = 0;
    for (const key of keys) {
      if ((await this.store.countInstances({ businessKey: key })) === 0) consents += await this.store.consents.deleteConsentsOfCase(key);
    }

    const counts = { ...purged.counts, consents, notifications, deadLetters };
    if (purged.purged.length > 0 || consents > 0 || notifications > 0 || deadLetters > 0) {
      await this.store.audit.appendAudit(newAuditEntry({
        type: DELETED_AUDIT_TYPE,
        at: new Date(this.clock.now()).toISOString(),
        key: [caseId, ...purged.purged],
        userId: by.userId,
        organisation: by.organisation,
        caseId,
        purpose: reason,
        details: { ...counts },
      }));
    }
    return { caseId, reason, instanceIds: purged.purged, counts };
  }

  /** Removes the scheduler entries (BullMQ jobs) of timers that were still stored for purged instances. */
  private async dropJobs(timers: TimerRecord[]): Promise<void> {
    if (!this.deps.syncTimers || timers.length === 0) return;
    const byInstance = new Map<string, TimerRecord[]>();
    for (const t of timers) byInstance.set(t.instanceId, [...(byInstance.get(t.instanceId) ?? []), t]);
    for (const [instanceId, removed] of byInstance) {
      try {
        await this.deps.syncTimers({ instanceId, added: [], removed });
      } catch (err) {
        // The store is the truth: a job left behind finds no instance and does nothing.
        this.log(`deletion: removing the jobs of ${instanceId} failed: ${(err as Error).message}`);
      }
    }
  }

  /** The retention sweep: purges every due case that has ended (purpose `RETENTION`); reports the others. */
  async deleteDueCases(now: number = this.clock.now()): Promise<SweepOutcome> {
    const outcome: SweepOutcome = { day: localDate(now), deleted: [], skipped: [], failed: [] };
    for (const due of await this.listDue(now)) {
      if (due.runningInstanceIds.length > 0) {
        outcome.skipped.push({ caseId: due.caseId, runningInstanceIds: due.runningInstanceIds });
        continue;
      }
      try {
        outcome.deleted.push(await this.purgeCase(due.caseId, 'RETENTION'));
      } catch (err) {
        if (err instanceof NotFound) continue; // purged meanwhile (another process)
        if (err instanceof Conflict) {
          outcome.skipped.push({ caseId: due.caseId, runningInstanceIds: (err.details?.runningInstanceIds as string[] | undefined) ?? [] });
          continue;
        }
        outcome.failed.push({ caseId: due.caseId, error: (err as Error).message });
        this.log(`deletion: case ${due.caseId} could not be deleted (the next sweep retries): ${(err as Error).message}`);
      }
    }
    if (outcome.skipped.length > 0) {
      this.log(`deletion: ${outcome.skipped.length} due case(s) skipped, an instance still runs: ${outcome.skipped.map((s) => s.caseId).join(', ')}`);
    }
    return outcome;
  }
}

/** Runs the retention sweep once per day of the clock (see the top of this file). */
export class DeletionSweep {
  private running: Promise<SweepOutcome | undefined> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly deletion: CaseDeletion,
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: (line: string) => void = (l) => console.error(l),
  ) {}

  /** Runs `deleteDueCases` unless it already ran on the clock's current day; one run at a time. */
  async runIfDue(): Promise<SweepOutcome | undefined> {
    while (this.running) await this.running.catch(() => undefined);
    const run = (async () => {
      if (isRefreshable(this.clock)) await this.clock.refresh();
      const now = this.clock.now();
      const day = localDate(now);
      const last = (await this.store.getSetting(SWEEP_SETTING)) as { day?: string | null } | undefined;
      if (last?.day === day) return undefined;
      const outcome = await this.deletion.deleteDueCases(now);
      await this.store.setSetting(SWEEP_SETTING, {
        day, at: new Date(now).toISOString(), deleted: outcome.deleted.length, skipped: outcome.skipped.length, failed: outcome.failed.length,
      });
      if (outcome.deleted.length > 0) this.log(`deletion: ${outcome.deleted.length} case(s) deleted (retention period over)`);
      return outcome;
    })();
    this.running = run;
    try {
      return await run;
    } finally {
      if (this.running === run) this.running = null;
    }
  }

  /** Forgets the day of the last run (the controlled clock was set: a scenario may start over). */
  async reset(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    await this.store.setSetting(SWEEP_SETTING, { day: null });
  }

  /** Checks now (catch-up after downtime) and then every `everyMs` (default hourly). */
  start(everyMs = 3_600_000): void {
    if (this.timer || this.stopped) return;
    const tick = () => {
      if (this.stopped) return;
      this.runIfDue().catch((err) => this.log(`deletion sweep failed (retried at the next check): ${(err as Error).message}`));
    };
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
    tick();
  }

  /** Stops the interval and waits for a run in flight. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    while (this.running) await this.running.catch(() => undefined);
  }
}

/** `ClockControl` of the service: advancing the controlled clock also runs the day's deletion sweep. */
export class SweepingClockControl extends ClockControl {
  constructor(
    clock: ControlledClock,
    store: Store,
    scheduler: Scheduler,
    onSet: (() => Promise<void>) | undefined,
    private readonly sweep: DeletionSweep,
    private readonly log: (line: string) => void = (l) => console.error(l),
  ) {
    super(clock, store, scheduler, onSet);
  }

  override async set(ms: number): Promise<void> {
    await super.set(ms);
    await this.sweep.reset();
  }

  override async advanceTo(target: number): Promise<number> {
    const fired = await super.advanceTo(target);
    // The timers have fired (cases may have closed on the way): now the deletions due by the new day.
    await this.sweep.runIfDue().catch((err) => this.log(`deletion sweep failed: ${(err as Error).message}`));
    return fired;
  }
}

/**
 * The deletion service and its daily sweep for a process of the service (`service.ts`, `workers/main.ts`):
 * with `runSweep`, the hourly check runs here, except with the controlled clock, where advancing it
 * runs the sweep (`SweepingClockControl`).
 */
export function createDeletion(rt: { store: Store; clock: Clock; scheduler: Scheduler }, opts: { runSweep: boolean; controlled: boolean; log?: (line: string) => void }): { deletion: CaseDeletion; sweep: DeletionSweep } {
  const log = opts.log ?? ((l: string) => console.error(l));
  const deletion = new CaseDeletion({ store: rt.store, clock: rt.clock, syncTimers: (change) => rt.scheduler.sync(change), log });
  const sweep = new DeletionSweep(deletion, rt.store, rt.clock, log);
  if (opts.runSweep && !opts.controlled) sweep.start();
  return { deletion, sweep };
}
