/**
 * `commitInstance` on MongoDB (ENGINE.md §2.2; the outbox and its apply are in outbox.ts):
 * 1. ONE conditional single-document write of the instance document, outbox included:
 *    `insertOne` for a new instance (duplicate key → VersionConflict), else `replaceOne` filtered
 *    by `{ _id, version: expectedVersion }` (no match → VersionConflict). Before it, an outbox an
 *    interrupted earlier commit left on the document is applied, so nothing of it is lost.
 * 2. Apply the outbox (history, follow-ups, projections) and clear it. The commit is durable once
 *    step 1 succeeded: a failure here is logged, not thrown (a retry of the command would run it
 *    twice); the outbox stays for the next commit of the instance or the sweeper.
 */
import { systemClock } from '../../clock.ts';
import { VersionConflict } from '../../errors.ts';
import type { InstanceCommit } from '../store.ts';
import { byId, instanceToDoc, type Doc } from './docs.ts';
import { domainError } from './errors.ts';
import { outboxOf, projectionsOf, type OutboxApplier, type Projections } from './outbox.ts';
import type { Collections } from './schema.ts';

export interface CommitFaults {
  /** Runs after the instance write, before its outbox is applied; throwing stops the apply (a simulated crash). */
  afterInstanceWrite?: (instanceId: string, version: number) => void | Promise<void>;
}

/** Programming errors in a commit (not conflicts): the caller built an inconsistent record. */
export function checkCommit(commit: InstanceCommit): void {
  const { instance, expectedVersion } = commit;
  if (instance.version !== expectedVersion + 1) {
    throw new Error(`commit of ${instance.id}: version must be expectedVersion + 1 (${expectedVersion + 1}), got ${instance.version}`);
  }
  const foreign = [...instance.tasks, ...instance.subscriptions, ...instance.timers].find((p) => p.instanceId !== instance.id);
  if (foreign) throw new Error(`commit of ${instance.id}: projection ${foreign.id} belongs to instance ${foreign.instanceId}`);
}

export async function commitInstance(
  c: Collections, outbox: OutboxApplier, commit: InstanceCommit, faults: CommitFaults, log: (line: string) => void,
): Promise<void> {
  checkCommit(commit);
  const { instance, expectedVersion } = commit;
  const id = instance.id;
  // `outboxAt` (wall clock, not business time) lets periodic sweeps leave in-flight commits alone.
  const doc: Doc = { ...instanceToDoc(instance), outbox: JSON.stringify(outboxOf(commit)), hasOutbox: true, outboxAt: systemClock.now() };

  // The projections known to be stored, so that only changes are written (unknown after a crash).
  let applied: Projections | undefined = { tasks: [], subscriptions: [], timers: [] };
  if (expectedVersion === 0) {
    try {
      await c.instances.insertOne(doc);
    } catch (err) {
      throw domainError(err, () => new VersionConflict(`process instance ${id} already exists`));
    }
  } else {
    const conflict = () => new VersionConflict(`process instance ${id} was modified concurrently (expected version ${expectedVersion})`);
    const stored = await c.instances.findOne(byId(id), { projection: { version: 1, outbox: 1, tasks: 1, subscriptions: 1, timers: 1 } });
    if (!stored || stored.version !== expectedVersion) throw conflict();
    if (typeof stored.outbox === 'string') {
      // Left by an interrupted commit: its history and follow-ups must not be lost when this write
      // replaces it (its projections are superseded by this commit's).
      await outbox.applyEffects(id, stored.version, JSON.parse(stored.outbox));
      applied = undefined;
    } else {
      applied = projectionsOf(stored);
    }
    let matched: number;
    try {
      matched = (await c.instances.replaceOne({ _id: { $eq: id }, version: { $eq: expectedVersion } }, doc)).matchedCount;
    } catch (err) {
      throw domainError(err, conflict);
    }
    if (matched === 0) throw conflict();
  }

  try {
    await faults.afterInstanceWrite?.(id, instance.version);
    await outbox.apply(doc, applied);
  } catch (err) {
    log(`mongo store: commit of ${id} v${instance.version} is durable, its outbox is left for the sweeper: ${(err as Error).message}`);
  }
}
