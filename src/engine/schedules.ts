/**
 * Timer start events. bpmn-engine cannot start instances by itself, so each timer start event of
 * the latest version of a process is a schedule: a job owned by the pseudo-instance
 * `schedule:<process key>`, delivered by the scheduler like any timer. Firing starts an instance
 * at that start event (id derived from schedule and due time, so a duplicate delivery starts
 * nothing twice) and schedules the next occurrence from now: a cycle that missed several
 * occurrences while the service was down fires once. Redeploying replaces the schedules;
 * deleting the deployment removes them.
 *
 * In a schedule's job record, `executionId` holds the definition id and `retries` the occurrences
 * left (null = unbounded).
 */
import { ISOInterval, getDate } from '@0dep/piso';
import type { DefinitionRecord, TimerRecord } from '../store/store.ts';
import { resolve } from './feel.ts';

const PREFIX = 'schedule:';

export function scheduleOwner(key: string): string {
  return PREFIX + key;
}

export function isScheduleOwner(instanceId: string): boolean {
  return instanceId.startsWith(PREFIX);
}

export function keyOfSchedule(instanceId: string): string {
  return instanceId.slice(PREFIX.length);
}

/** The process-level timer start events of a definition. */
export function timerStarts(def: DefinitionRecord) {
  return Object.values(def.model.elements).filter((e) => e.type === 'bpmn:StartEvent' && e.isProcessStart && e.timer);
}

function timerValue(raw: string): string {
  const v = resolve(raw, {});
  return typeof v === 'string' ? v : String(v);
}

/** The first occurrence of each timer start event, for a freshly deployed latest version. */
export function initialSchedules(def: DefinitionRecord, now: number): TimerRecord[] {
  if (!def.executable) return [];
  const out: TimerRecord[] = [];
  for (const start of timerStarts(def)) {
    const { kind, value: raw } = start.timer!;
    const value = timerValue(raw);
    let due: number | null = null;
    let remaining: number | null = null;
    const nowDate = new Date(now);
    if (kind === 'timeDate') due = (getDate(value) as Date).getTime();
    else {
      const parsed = new ISOInterval(value).parse();
      const next = parsed.getExpireAt(nowDate, nowDate) as Date | undefined;
      if (kind === 'timeCycle' && parsed.repeat && parsed.repeat > 0 && !parsed.start) remaining = parsed.repeat;
      due = next && next.getTime() >= now ? next.getTime() : null;
    }
    if (due === null || Number.isNaN(due)) continue;
    out.push({
      id: `${scheduleOwner(def.key)}:${start.id}`,
      instanceId: scheduleOwner(def.key),
      activityId: start.id,
      executionId: def.id,
      dueAt: new Date(due).toISOString(),
      timerType: kind,
      retries: remaining ?? undefined,
    });
  }
  return out;
}

/** The occurrence after one that fired at `now`, or null when the schedule is done. */
export function nextOccurrence(def: DefinitionRecord, fired: TimerRecord, now: number): TimerRecord | null {
  const start = def.model.elements[fired.activityId];
  if (!start?.timer || start.timer.kind !== 'timeCycle') return null;
  const value = timerValue(start.timer.value);
  const parsed = new ISOInterval(value).parse();
  let remaining = fired.retries ?? null;
  if (remaining !== null) {
    remaining -= 1;
    if (remaining <= 0) return null;
  }
  const nowDate = new Date(now);
  const next = parsed.getExpireAt(nowDate, nowDate) as Date | undefined;
  if (!next || next.getTime() <= now || next.getTime() <= Date.parse(fired.dueAt)) return null;
  return { ...fired, dueAt: next.toISOString(), retries: remaining ?? undefined };
}
