/**
 * Schedules (timer start events): jobs owned by `schedule:<key>`, which belong to no instance.
 * `replaceSchedules` must swap the whole set atomically and return the set it replaced, so the
 * commit rule applies here too: the owner has one document in `schedules` (`{ _id: owner, version,
 * timers: JSON, pending }`), replaced by one conditional single-document write; the timer
 * documents are its projection, written afterwards (outbox.ts `replaceSet`, by id), after which
 * `pending` is cleared conditionally on the version. A crash in between leaves `pending` for
 * `sweep()`; the next replace of that owner then also re-reads the stored set instead of trusting
 * the previous list.
 */
import { VersionConflict, ValidationError } from '../../errors.ts';
import type { TimerRecord } from '../store.ts';
import { byId, fromJson, timerFromDoc, timerToDoc, type Doc } from './docs.ts';
import { domainError } from './errors.ts';
import { replaceSet } from './outbox.ts';
import type { Collections } from './schema.ts';

const PREFIX = 'schedule:';
const MAX_ATTEMPTS = 10;

export class Schedules {
  constructor(private readonly c: Collections) {}

  async replace(owner: string, timers: TimerRecord[]): Promise<TimerRecord[]> {
    if (typeof owner !== 'string' || !owner.startsWith(PREFIX)) throw new ValidationError('Schedules are owned by schedule:<key>');
    const next = timers.map((t) => ({ ...t, instanceId: owner }));
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.c.schedules.findOne(byId(owner));
      const version = Number(stored?.version ?? 0);
      // Before the first replace there is no owner document: the stored timers are the set.
      const previous: TimerRecord[] = stored
        ? fromJson(stored.timers)
        : (await this.c.timers.find({ instanceId: { $eq: owner } }, { sort: { dueAt: 1, _id: 1 } }).toArray()).map(timerFromDoc);
      const doc: Doc = { _id: owner, version: version + 1, timers: JSON.stringify(next), pending: true };
      try {
        if (!stored) await this.c.schedules.insertOne(doc);
        else if ((await this.c.schedules.replaceOne({ _id: { $eq: owner }, version: { $eq: version } }, doc)).matchedCount === 0) continue;
      } catch (err) {
        // A concurrent first replace of the same owner (duplicate id) or a write conflict: retry.
        const mapped = domainError(err, () => new VersionConflict(`schedules of ${owner} changed concurrently`));
        if (mapped instanceof VersionConflict) continue;
        throw mapped;
      }
      await this.apply(doc, stored && !stored.pending ? previous : undefined);
      // As the SQLite adapter returns them: read back through the timer mapping.
      return previous.map((t) => timerFromDoc(timerToDoc(t, 0)));
    }
    throw new VersionConflict(`schedules of ${owner} kept changing`);
  }

  /** Applies owner documents whose timers were not written (an interrupted replace). */
  async sweep(): Promise<number> {
    const pending = await this.c.schedules.find({ pending: { $eq: true } }).toArray();
    for (const doc of pending) await this.apply(doc);
    return pending.length;
  }

  /** Writes the timers of an owner document, follows newer versions, clears `pending`. */
  private async apply(ownerDoc: Doc, known?: TimerRecord[]): Promise<void> {
    let current: Doc | null = ownerDoc;
    let previous = known;
    for (let round = 0; current && round < MAX_ATTEMPTS; round++) {
      const version = Number(current.version);
      const docsOf = (list: TimerRecord[]) => list.map((t) => timerToDoc(t, version));
      await replaceSet(this.c.timers, current._id, docsOf(fromJson(current.timers)), previous && docsOf(previous));
      const now: Doc | null = await this.c.schedules.findOne(byId(current._id));
      if (now && Number(now.version) === version) {
        if (now.pending) await this.c.schedules.updateOne({ _id: { $eq: now._id }, version: { $eq: version } }, { $unset: { pending: '' } });
        return;
      }
      current = now;
      previous = undefined;
    }
  }
}
