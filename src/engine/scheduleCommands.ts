/**
 * Timer start events as commands: keeping the schedules of a process in step with its latest
 * version, and firing one (start an instance at its start event, schedule the next occurrence).
 */
import type { TimerRecord } from '../store/store.ts';
import { diffTimers } from '../scheduler/scheduler.ts';
import { stableId } from './ids.ts';
import type { ProcessEngine } from './processEngine.ts';
import { initialSchedules, keyOfSchedule, nextOccurrence, scheduleOwner } from './schedules.ts';

/**
 * Makes the schedules of a process's timer start events match its latest version: kept as they
 * are if that version already owns them (a restart must not skip a due occurrence), replaced on
 * a new version, removed when no version (or no timer start event) is left. `recompute` computes
 * them afresh from the clock's now even if they are current (after a controlled clock was set).
 */
export async function syncSchedules(engine: ProcessEngine, key: string, recompute = false): Promise<void> {
  const owner = scheduleOwner(key);
  const latest = await engine.store.latestDefinition(key);
  const current = await engine.store.findJobs({ instanceId: owner });
  if (!recompute && latest && current.length && current.every((t) => t.executionId === latest.id)) return;
  const next = latest ? initialSchedules(latest, engine.clock.now()) : [];
  if (!next.length && !current.length) return;
  const previous = await engine.store.replaceSchedules(owner, next);
  engine.onSchedules?.(diffTimers(owner, previous, next));
}

/** A schedule fell due: start an instance at its timer start event, schedule the next occurrence. */
export async function fireSchedule(engine: ProcessEngine, owner: string): Promise<void> {
  const key = keyOfSchedule(owner);
  const now = engine.clock.now();
  const schedules = await engine.store.findJobs({ instanceId: owner });
  const latest = await engine.store.latestDefinition(key);
  if (!latest || schedules.some((t) => t.executionId !== latest.id)) return syncSchedules(engine, key);
  const kept: TimerRecord[] = [];
  let changed = false;
  for (const t of schedules) {
    if (Date.parse(t.dueAt) > now) {
      kept.push(t);
      continue;
    }
    changed = true;
    await engine.start(latest, { instanceId: stableId(t.id, t.dueAt), startEventId: t.activityId });
    const next = nextOccurrence(latest, t, now);
    if (next) kept.push(next);
  }
  if (!changed) return;
  const previous = await engine.store.replaceSchedules(owner, kept);
  engine.onSchedules?.(diffTimers(owner, previous, kept));
}
