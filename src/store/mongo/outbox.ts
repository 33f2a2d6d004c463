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
 * - every document it writes carries `iv`, the instance version whose commit wrote it, and is only
 *   replaced by a version >= its own (`{ _id, iv: { $lte: V } }`), so a slow or repeated apply of an
 *   older outbox cannot overwrite newer history or projections;
 * - projections are replaced per instance (write the current set, delete the instance's others),
 *   and after writing them the applier re-reads the instance version: if a newer commit landed in
 *   the meantime, it re-applies that version's projections, so a stale apply cannot resurrect a
 *   task or timer a newer commit removed;
 * - follow-ups are inserted by id (duplicates ignored) and consumed ones deleted.
 * An outbox left by a crash is applied by the next commit of that instance before it writes (its
 * history and follow-ups; its projections are superseded) or by `sweep()`.
 */
import { ObjectId, type Collection } from 'mongodb';
import type { ActivityHistoryRecord, FollowUpRecord, InstanceCommit, InstanceRecord, TaskHistoryRecord, VariableHistoryRecord } from '../store.ts';
import {
  activityToDoc, followUpToDoc, fromJson, subscriptionToDoc, taskHistoryToDoc, taskToDoc, timerToDoc,
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

/** How often an applier follows newer versions before leaving the rest to their own committers. */
const MAX_ROUNDS = 1;

export class OutboxApplier {
  constructor(private readonly c: Collections) {}

  /** History and follow-ups of the outbox written by version `version` of `instanceId`. */
  async applyEffects(instanceId: string, version: number, outbox: Outbox): Promise<void> {
    const { c } = this;
    await writeGuarded(c.activityHistory, outbox.activityHistory.map((a) => activityToDoc(a, version)), version);
    if (outbox.activityEnds.length > 0) {
      await c.activityHistory.bulkWrite(outbox.activityEnds.map((e) => ({
        updateOne: {
          filter: { _id: { $eq: e.id }, instanceId: { $eq: instanceId }, endTime: { $eq: null }, iv: { $lte: version } },
          update: { $set: { endTime: e.endTime, canceled: e.canceled, iv: version } },
        },
      })), { ordered: false });
    }
    await writeGuarded(c.taskHistory, outbox.taskHistory.map((t) => taskHistoryToDoc(t, version)), version);
    await writeGuarded(c.variableHistory, outbox.variableHistory.map((v) => variableHistoryToDoc(v, version)), version);
    if (outbox.followUps.length > 0) {
      try {
        await c.followUps.insertMany(outbox.followUps.map((f) => followUpToDoc(f, new ObjectId())), { ordered: false });
      } catch (err) {
        duplicateIndexes(err); // recorded before (same id): ignored, like INSERT OR IGNORE
      }
    }
    if (outbox.consumedFollowUps.length > 0) {
      await c.followUps.deleteMany({ _id: { $in: outbox.consumedFollowUps.map(String) } });
    }
  }

  /**
   * Replaces the task, subscription and timer documents of the instance by the lists of
   * `instanceDoc` (an instance document as stored), then follows newer versions (see above).
   */
  async syncProjections(instanceDoc: Doc): Promise<void> {
    const id = instanceDoc._id;
    let current: Doc | null = instanceDoc;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      await this.writeProjections(current);
      const now: Doc | null = await this.c.instances.findOne({ _id: { $eq: id } }, { projection: { version: 1 } });
      if (now && now.version === current.version) return;
      current = now && await this.c.instances.findOne({ _id: { $eq: id } }, { projection: { outbox: 0 } });
      if (!current) {
        // Purged meanwhile: whatever this apply wrote must not outlive the instance.
        for (const coll of [this.c.tasks, this.c.subscriptions, this.c.timers]) await coll.deleteMany({ instanceId: { $eq: id } });
        return;
      }
    }
  }

  /** Removes the outbox of version `version` (a later commit's outbox is never touched). */
  async clear(instanceId: string, version: number): Promise<boolean> {
    const result = await this.c.instances.updateOne(
      { _id: { $eq: instanceId }, version: { $eq: version }, hasOutbox: { $eq: true } },
      { $unset: { outbox: '', hasOutbox: '' } },
    );
    return result.modifiedCount > 0;
  }

  /** Applies and clears the outbox of a stored instance document (one with `outbox`). */
  async apply(instanceDoc: Doc): Promise<boolean> {
    const outbox = fromJson<Outbox | null>(instanceDoc.outbox);
    if (outbox) await this.applyEffects(instanceDoc._id, instanceDoc.version, outbox);
    await this.syncProjections(instanceDoc);
    return this.clear(instanceDoc._id, instanceDoc.version);
  }

  /** The crash sweeper: applies every outbox still stored. Returns how many it applied. */
  async sweep(): Promise<number> {
    const pending = await this.c.instances.find({ hasOutbox: { $eq: true } }, { projection: { _id: 1 } }).toArray();
    let applied = 0;
    for (const { _id } of pending) {
      const doc = await this.c.instances.findOne({ _id: { $eq: _id }, hasOutbox: { $eq: true } });
      if (doc && await this.apply(doc)) applied++;
    }
    return applied;
  }

  private async writeProjections(instanceDoc: Doc): Promise<void> {
    const version: number = instanceDoc.version;
    const instance = { tasks: fromJson(instanceDoc.tasks), subscriptions: fromJson(instanceDoc.subscriptions), timers: fromJson(instanceDoc.timers) } as
      Pick<InstanceRecord, 'tasks' | 'subscriptions' | 'timers'>;
    const id = instanceDoc._id;
    await replaceSet(this.c.tasks, id, instance.tasks.map((t) => taskToDoc(t, version)), version);
    await replaceSet(this.c.subscriptions, id, instance.subscriptions.map((s, pos) => subscriptionToDoc(s, pos, instanceDoc.startTime, version)), version);
    await replaceSet(this.c.timers, id, instance.timers.map((t) => timerToDoc(t, version)), version);
  }
}

/**
 * Writes `docs` (all with `iv: version`) unless a document with the same id was written by a later
 * version: replace the existing ones (guarded), insert the missing ones, and if an insert meets a
 * document created meanwhile, fall back to the guarded replace.
 */
async function writeGuarded(coll: Collection<Doc>, docs: Doc[], version: number, known?: Map<string, number>): Promise<void> {
  if (docs.length === 0) return;
  const byId = new Map(docs.map((d) => [d._id, d])); // a later record for the same id wins
  let existing = known;
  if (!existing) {
    const found = await coll.find({ _id: { $in: [...byId.keys()] } }, { projection: { iv: 1 } }).toArray();
    existing = new Map(found.map((d) => [d._id, Number(d.iv ?? 0)]));
  }
  const replace: Doc[] = [];
  const insert: Doc[] = [];
  for (const [id, doc] of byId) {
    const iv = existing.get(id);
    if (iv === undefined) insert.push(doc);
    else if (iv <= version) replace.push(doc);
  }
  const guardedReplace = (doc: Doc) => ({ replaceOne: { filter: { _id: { $eq: doc._id }, iv: { $lte: version } }, replacement: doc } });
  if (replace.length > 0) await coll.bulkWrite(replace.map(guardedReplace), { ordered: false });
  if (insert.length > 0) {
    try {
      await coll.insertMany(insert, { ordered: false });
    } catch (err) {
      const raced = duplicateIndexes(err).map((i) => insert[i]!);
      if (raced.length > 0) await coll.bulkWrite(raced.map(guardedReplace), { ordered: false });
    }
  }
}

/** Makes `docs` the instance's documents in `coll`: guarded writes, then deletes the instance's others. */
async function replaceSet(coll: Collection<Doc>, instanceId: string, docs: Doc[], version: number): Promise<void> {
  const ids = docs.map((d) => d._id);
  const found = await coll
    .find(ids.length > 0 ? { $or: [{ instanceId: { $eq: instanceId } }, { _id: { $in: ids } }] } : { instanceId: { $eq: instanceId } }, { projection: { iv: 1, instanceId: 1 } })
    .toArray();
  await writeGuarded(coll, docs, version, new Map(found.map((d) => [d._id, Number(d.iv ?? 0)])));
  const keep = new Set(ids);
  const stale = found.filter((d) => d.instanceId === instanceId && !keep.has(d._id) && Number(d.iv ?? 0) <= version).map((d) => d._id);
  if (stale.length > 0) await coll.deleteMany({ _id: { $in: stale }, instanceId: { $eq: instanceId }, iv: { $lte: version } });
}
