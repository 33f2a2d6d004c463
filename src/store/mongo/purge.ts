/**
 * `purgeEndedInstances` on MongoDB (erasure, KIM-PROCESSES.md §6), without transactions. For the
 * ids of one call:
 * 1. Refuse (Conflict, nothing changed) if one of them is a running instance. Ended is final: no
 *    command turns an ended instance back into a running one, so the check cannot go stale.
 * 2. Mark each instance document (`purging: true`, `purgingAt`) and drop an outbox its last commit
 *    may have left (its history would be deleted anyway; without it no sweeper re-applies it).
 *    From here on the purge is decided: whoever comes next finishes it.
 * 3. Delete the dependents by `instanceId` (task rows, subscriptions, timers/jobs, activity, task and
 *    variable history) and the pending follow-ups that concern the ids.
 * 4. Delete the instance documents — last, so that a crash before this point leaves a marked,
 *    ended instance that can still be found (by id, by business key, by the deletion sweep).
 * 5. Delete the dependents once more: an outbox apply that was in flight (it read the instance
 *    before step 2) may have written a history row after step 3. (Its projection sync notices the
 *    purge by itself, outbox.ts `syncProjections`.)
 *
 * A crash midway therefore leaves either nothing changed (before 2), or a marked instance with
 * some of its dependents gone. Every step is a delete by id, so running the purge again — a repeat
 * of the call, the daily deletion sweep, or `finishInterrupted` (run by the store's outbox sweeper
 * at start and periodically) — finishes the job, and a repeat after completion is a no-op.
 */
import { systemClock } from '../../clock.ts';
import { Conflict } from '../../errors.ts';
import { emptyPurgeResult, followUpConcerns, type PurgeResult } from '../store.ts';
import { fromJson, timerFromDoc } from './docs.ts';
import type { Collections } from './schema.ts';

/** Test hooks that simulate a crash between the steps of a purge. */
export interface PurgeFaults {
  /** Runs after step `step` of a purge of `ids`; throwing stops the purge there (a simulated crash). */
  afterPurgeStep?: (step: 'marked' | 'dependents', ids: string[]) => void | Promise<void>;
}

const DEPENDENTS = [
  ['tasks', 'tasks'], ['subscriptions', 'subscriptions'], ['timers', 'timers'],
  ['activityHistory', 'activityHistory'], ['taskHistory', 'taskHistory'], ['variableHistory', 'variableHistory'],
] as const;

export class Purger {
  constructor(
    private readonly c: Collections,
    private readonly faults: PurgeFaults,
    private readonly log: (line: string) => void,
  ) {}

  async purge(ids: string[]): Promise<PurgeResult> {
    const result = emptyPurgeResult();
    const wanted = [...new Set(ids.map(String))];
    // `schedule:<key>` owns timer-start schedules, not an instance: never touched here.
    const targets = wanted.filter((id) => !id.startsWith('schedule:'));
    if (targets.length === 0) {
      result.missing = wanted;
      return result;
    }
    const { c } = this;
    const found = await c.instances.find({ _id: { $in: targets } }, { projection: { _id: 1, state: 1, version: 1, hasOutbox: 1 } }).toArray();
    const running = found.filter((d) => d.state === 'ACTIVE').map((d) => d._id);
    if (running.length > 0) {
      throw new Conflict(`Process instance(s) ${running.join(', ')} still running: only ended instances can be purged`, { runningInstanceIds: running });
    }
    const present = new Set(found.map((d) => d._id));
    result.purged = targets.filter((id) => present.has(id));
    result.missing = wanted.filter((id) => !present.has(id));

    // 2. Mark, and drop a leftover outbox (conditional on the version it belongs to).
    const at = systemClock.now();
    for (const d of found) {
      await c.instances.updateOne({ _id: { $eq: d._id }, state: { $ne: 'ACTIVE' } }, { $set: { purging: true, purgingAt: at } });
      if (d.hasOutbox === true) {
        await c.instances.updateOne({ _id: { $eq: d._id }, version: { $eq: d.version } }, { $unset: { outbox: '', hasOutbox: '', outboxAt: '' } });
      }
    }
    await this.faults.afterPurgeStep?.('marked', targets);

    // 3. Dependents and follow-ups.
    const of = { instanceId: { $in: targets } };
    result.removedTimers = (await c.timers.find(of, { sort: { dueAt: 1, _id: 1 } }).toArray()).map(timerFromDoc);
    await this.deleteDependents(targets, result);
    const set = new Set(targets);
    const pending = await c.followUps.find({}, { projection: { _id: 1, type: 1, payload: 1 } }).toArray();
    const concerned = pending.filter((f) => followUpConcerns({ id: f._id, type: String(f.type), payload: fromJson(f.payload) }, set)).map((f) => f._id);
    if (concerned.length > 0) result.counts.followUps += (await c.followUps.deleteMany({ _id: { $in: concerned } })).deletedCount;
    await this.faults.afterPurgeStep?.('dependents', targets);

    // 4. The instance documents, last.
    if (present.size > 0) {
      result.counts.instances = (await c.instances.deleteMany({ _id: { $in: [...present] }, state: { $ne: 'ACTIVE' } })).deletedCount;
    }
    // 5. What an apply in flight may have written meanwhile.
    await this.deleteDependents(targets, result);
    return result;
  }

  private async deleteDependents(ids: string[], result: PurgeResult): Promise<void> {
    const of = { instanceId: { $in: ids } };
    for (const [coll, count] of DEPENDENTS) result.counts[count] += (await this.c[coll].deleteMany(of)).deletedCount;
  }

  /**
   * Finishes purges a crash interrupted (instances still marked `purging`); with `olderThan` (wall
   * clock ms) only those marked before it, leaving purges in flight to their own process. Returns
   * how many instances it removed.
   */
  async finishInterrupted(olderThan?: number): Promise<number> {
    const filter = olderThan === undefined ? { purging: { $eq: true } } : { purging: { $eq: true }, purgingAt: { $lt: olderThan } };
    const ids = (await this.c.instances.find(filter, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
    if (ids.length === 0) return 0;
    try {
      const result = await this.purge(ids);
      this.log(`mongo store: finished the interrupted purge of ${result.counts.instances} instance(s)`);
      return result.counts.instances;
    } catch (err) {
      this.log(`mongo store: finishing interrupted purges failed, left for the next sweep: ${(err as Error).message}`);
      return 0;
    }
  }
}
