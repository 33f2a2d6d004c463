/**
 * Calendar days in Herne (Europe/Berlin) for figures and deadlines that count whole local days: the
 * dashboard's weeks and ranges, the deletion sweep's day.
 */

export const TIME_ZONE = 'Europe/Berlin';
export const DAY_MS = 86_400_000;
const dateParts = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day in Herne of an instant (`2026-03-02`). */
export function localDate(ms: number): string {
  return dateParts.format(new Date(ms));
}

/** Minutes Herne is ahead of UTC at an instant. */
function offsetMinutes(ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
    .formatToParts(new Date(ms));
  const n = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** Midnight in Herne at the start of a calendar day (`2026-03-29` → `2026-03-28T23:00:00.000Z`). */
export function localMidnight(date: string): number {
  const utc = Date.parse(`${date}T00:00:00Z`);
  let ms = utc - offsetMinutes(utc) * 60_000;
  ms = utc - offsetMinutes(ms) * 60_000; // the offset at the local midnight itself (DST days)
  return ms;
}

/** The calendar day `days` after `date` (both `YYYY-MM-DD`). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO 8601 week of a calendar day: `{ week: '2026-W10', monday: '2026-03-02' }`. */
export function isoWeek(date: string): { week: string; monday: string } {
  const d = new Date(`${date}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday = 0
  const monday = addDays(date, -weekday);
  const thursday = new Date(Date.parse(`${monday}T00:00:00Z`) + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const firstMonday = Date.UTC(year, 0, 4) - ((firstThursday.getUTCDay() + 6) % 7) * DAY_MS;
  const week = Math.floor((Date.parse(`${monday}T00:00:00Z`) - firstMonday) / (7 * DAY_MS)) + 1;
  return { week: `${year}-W${String(week).padStart(2, '0')}`, monday };
}
