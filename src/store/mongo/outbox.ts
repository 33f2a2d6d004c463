/**
 * The commit rule of ENGINE.md §2.2 on MongoDB: one conditional single-document write per command.
 *
 * The instance document written by `commitInstance` carries, besides the record, an outbox
 * (`outbox`: JSON text, `hasOutbox: true`) with everything else the commit produced: activity
 * history upserts and ends, task and variable history, follow-ups to record and to consume. The
 * projections to replace (task rows, subscriptions, timers) are the document's own `tasks`,
 * `subscriptions` and `timers` fields, so they are part of the same write. After the write the
 * adapter applies all of it to the other collections and then clears the outbox with a `$unset`
 * conditional on the committed version. Nothing here uses transactions or upserts.
 *
 * Applying is idempotent and never goes back in time:
 * - history documents carry `iv`, the instance version whose commit wrote them; they are inserted,
 *   and an existing one is only replaced by a version >= its own (`{ _id, iv: { $lte: V } }`), so
 *   a slow or repeated apply of an older outbox cannot overwrite newer history; an activity end
 *   only closes a row that is still open;
 * - projections are a function of the instance document: the applier makes the instance's task,
 *   subscription and timer documents equal to the lists of the version it applies, then re-reads
 *   the stored version, and if a newer commit landed meanwhile it repeats with that version. So a
 *   stale apply (an older version's, finishing late) is always followed by its own repair, and
 *   cannot leave a task or timer that a newer commit removed;
 * - follow-ups are inserted by id (duplicates ignored) and consumed ones deleted.
 * An outbox left by a crash is applied by the next commit of that instance before it writes (its
 * history and follow-ups; its projections are superseded) or by `sweep()`.
 *
 * Hot paths address documents by plain `_id` (see docs.ts `byId`): on FerretDB 1.x every other
 * filter scans the collection.
 */
import { ObjectId, type Collection } from 'mongodb';
import type { ActivityHistoryRecord, FollowUpRecord, InstanceCommit, InstanceRecord, TaskHistoryRecord, VariableHistoryRecord } from '../store.ts';
import {
  activityToDoc, byId, followUpToDoc, fromJson, subscriptionToDoc, taskHistoryToDoc, taskToDoc, timerToDoc,
  variableHistoryToDoc, type Doc,
} from './docs.ts';
import { duplicateIndexes } from './errors.ts';
import type { Collections } from './schema.ts';

export interface Outbox {
  activityHistory: ActivityHistoryRecord[];
  activityEnds: Array<{ id: string; endTime: string; canceled: boolean }>;
  taskHistory: TaskHistoryRecord[];
  variableHistory: VariableHistoryRecord[];
  followUps: FollowUpRecord[];
  consumedFollowUps: string[];
}

export function outboxOf(commit: InstanceCommit): Outbox {
  return {
    activityHistory: commit.activityHistory,
    activityEnds: commit.activityEnds ?? [],
    taskHistory: commit.taskHistory,
    variableHistory: commit.variableHistory,
    followUps: commit.followUps,
    consumedFollowUps: commit.consumedFollowUps ?? [],
  };
}

/** The projection lists of an instance version. */
export type Projections = Pick<InstanceRecord, 'tasks' | 'subscriptions' | 'timers'>;

export function projectionsOf(instanceDoc: Doc): Projections {
  return { tasks: fromJson(instanceDoc.tasks), subscriptions: fromJson(instanceDoc.subscriptions), timers: fromJson(instanceDoc.timers) };
}

/** How often an applier follows newer versions before leaving the rest to their own committers. */
const MAX_ROUNDS = 10;

export class OutboxApplier {
  constructor(private readonly c: Collections, private readonly log: (line: string) => void) {}

  /** History and follow-ups of the outbox written by version `version` of `instanceId`. */
  async applyEffects(instanceId: string, version: number, outbox: Outbox): Promise<void> {
    const { c } = this;
    await writeHistory(c.activityHistory, outbox.activityHistory.map((a) => activityToDoc(a, version)), version);
    for (const end of outbox.activityEnds) {
      // Read, then write by id: ends are monotonic (an ended row stays ended), so nothing a
      // concurrent applier can do between the two makes this write wrong.
      const row = await c.activityHistory.findOne(byId(end.id), { projection: { instanceId: 1, endTime: 1, iv: 1 } });
      if (!row || row.instanceId !== instanceId || row.endTime !== null || Number(row.iv ?? 0) > version) continue;
      await c.activityHistory.updateOne(byId(end.id), { $set: { endTime: end.endTime, canceled: end.canceled, iv: version } });
    }
    await writeHistory(c.taskHistory, outbox.taskHistory.map((t) => taskHistoryToDoc(t, version)), version);
    await writeHistory(c.variableHistory, outbox.variableHistory.map((v) => variableHistoryToDoc(v, version)), version);
    if (outbox.followUps.length > 0) {
      try {
        await c.followUps.insertMany(outbox.followUps.map((f) => followUpToDoc(f, new ObjectId())), { ordered: false });
      } catch (err) {
        duplicateIndexes(err); // recorded before (same id): ignored, like INSERT OR IGNORE
      }
    }
    if (outbox.consumedFollowUps.length > 0) {
      await c.followUps.bulkWrite(outbox.consumedFollowUps.map((id) => ({ deleteOne: { filter: byId(String(id)) } })), { ordered: false });
    }
  }

  /**
   * Makes the instance's task, subscription and timer documents equal to the lists of
   * `instanceDoc` (a stored instance document), then follows newer versions (see above).
   * `applied`: the lists whose documents are known to be stored (the previous version's, when its
   * apply completed): only the differences are written. Without it the stored set is read.
   */
  async syncProjections(instanceDoc: Doc, applied?: Projections): Promise<void> {
    const id = instanceDoc._id;
    let current: Doc = instanceDoc;
    let known = applied;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      await this.writeProjections(current, known);
      const now = await this.c.instances.findOne(byId(id), { projection: { version: 1 } });
      if (now && now.version === current.version) return;
      const next = now && await this.c.instances.findOne(byId(id), { projection: { outbox: 0 } });
      if (!next) {
        // Purged meanwhile: whatever this apply wrote must not outlive the instance.
        for (const coll of [this.c.tasks, this.c.subscriptions, this.c.timers]) await coll.deleteMany({ instanceId: { $eq: id } });
        return;
      }
      current = next;
      known = undefined;
    }
    this.log(`mongo store: projections of ${id} still moving after ${MAX_ROUNDS} rounds; left to the newer commits`);
  }

  /** Removes the outbox of version `version` (a later commit's outbox is never touched). */
  async clear(instanceId: string, version: number): Promise<boolean> {
    const result = await this.c.instances.updateOne(
      { _id: { $eq: instanceId }, version: { $eq: version }, hasOutbox: { $eq: true } },
      { $unset: { outbox: '', hasOutbox: '', outboxAt: '' } },
    );
    return result.modifiedCount > 0;
  }

  /** Applies and clears the outbox of a stored instance document (one with `outbox`). */
  async apply(instanceDoc: Doc, applied?: Projections): Promise<boolean> {
    const outbox = fromJson<Outbox | null>(instanceDoc.outbox);
    if (outbox) await this.applyEffects(instanceDoc._id, instanceDoc.version, outbox);
    await this.syncProjections(instanceDoc, applied);
    return this.clear(instanceDoc._id, instanceDoc.version);
  }

  /**
   * The crash sweeper: applies every outbox still stored (with `olderThan`, a wall-clock time in
   * ms: only those written before it, leaving commits in flight to their own process). Returns how
   * many it applied.
   */
  async sweep(olderThan?: number): Promise<number> {
    const filter = olderThan === undefined ? { hasOutbox: { $eq: true } } : { hasOutbox: { $eq: true }, outboxAt: { $lt: olderThan } };
    const pending = await this.c.instances.find(filter, { projection: { _id: 1 } }).toArray();
    let applied = 0;
    for (const { _id } of pending) {
      try {
        const doc = await this.c.instances.findOne(byId(_id));
        if (doc?.hasOutbox === true && await this.apply(doc)) applied++;
      } catch (err) {
        // One bad outbox must not stop the others (nor a process start): it stays for the next sweep.
        this.log(`mongo store: applying the outbox of ${_id} failed, left for the next sweep: ${(err as Error).message}`);
      }
    }
    return applied;
  }

  private async writeProjections(instanceDoc: Doc, known?: Projections): Promise<void> {
    const version: number = instanceDoc.version;
    const id = instanceDoc._id;
    const lists = projectionsOf(instanceDoc);
    const subscriptionDocs = (p: Projections) => p.subscriptions.map((s, pos) => subscriptionToDoc(s, pos, instanceDoc.startTime, version));
    await replaceSet(this.c.tasks, id, lists.tasks.map((t) => taskToDoc(t, version)), known?.tasks.map((t) => taskToDoc(t, version)));
    await replaceSet(this.c.subscriptions, id, subscriptionDocs(lists), known && subscriptionDocs(known));
    await replaceSet(this.c.timers, id, lists.timers.map((t) => timerToDoc(t, version)), known?.timers.map((t) => timerToDoc(t, version)));
  }
}

/**
 * Inserts history documents (all with `iv: version`); one that exists already is replaced unless
 * a later version wrote it (a later record for the same id in one batch wins).
 */
async function writeHistory(coll: Collection<Doc>, docs: Doc[], version: number): Promise<void> {
  if (docs.length === 0) return;
  const list = [...new Map(docs.map((d) => [d._id, d])).values()];
  try {
    await coll.insertMany(list, { ordered: false });
  } catch (err) {
    const existing = duplicateIndexes(err).map((i) => list[i]!);
    if (existing.length > 0) {
      await coll.bulkWrite(existing.map((doc) => ({
        replaceOne: { filter: { _id: { $eq: doc._id }, iv: { $lte: version } }, replacement: doc },
      })), { ordered: false });
    }
  }
}

const same = (a: Doc, b: Doc): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Makes `docs` the instance's documents in `coll`, by id only: replace changed ones, insert new
 * ones, delete the others. `previous`: the documents known to be stored, else they are looked up.
 */
export async function replaceSet(coll: Collection<Doc>, instanceId: string, docs: Doc[], previous?: Doc[]): Promise<void> {
  let stored: Set<string>;
  const unchanged = new Set<string>();
  if (previous) {
    const before = new Map(previous.map((d) => [d._id, d]));
    stored = new Set(before.keys());
    for (const doc of docs) if (before.has(doc._id) && same(before.get(doc._id)!, doc)) unchanged.add(doc._id);
  } else {
    stored = new Set((await coll.find({ instanceId: { $eq: instanceId } }, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
  }
  const wanted = new Set(docs.map((d) => d._id));
  const replace = docs.filter((d) => stored.has(d._id) && !unchanged.has(d._id));
  const insert = docs.filter((d) => !stored.has(d._id));
  const remove = [...stored].filter((id) => !wanted.has(id));

  const replaceOps = (list: Doc[]) => list.map((doc) => ({ replaceOne: { filter: byId(doc._id), replacement: doc } }));
  if (replace.length > 0) {
    const result = await coll.bulkWrite(replaceOps(replace), { ordered: false });
    // Some were not there after all (removed meanwhile): insert them (duplicates are the ones replaced).
    if (result.matchedCount < replace.length) insert.push(...replace);
  }
  if (insert.length > 0) {
    try {
      await coll.insertMany(insert, { ordered: false });
    } catch (err) {
      const existing = duplicateIndexes(err).map((i) => insert[i]!).filter((d) => !replace.includes(d));
      if (existing.length > 0) await coll.bulkWrite(replaceOps(existing), { ordered: false });
    }
  }
  if (remove.length > 0) await coll.bulkWrite(remove.map((id) => ({ deleteOne: { filter: byId(id) } })), { ordered: false });
}
