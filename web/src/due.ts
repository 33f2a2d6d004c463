/**
 * Due dates as people read them: "fällig in 3 Tagen", "heute fällig", "seit 2 Tagen überfällig".
 * Pure (no DOM, no global clock): `now` comes from the caller, days are calendar days in the
 * city's time zone, so a task due tomorrow at 08:00 is "morgen fällig" all of today.
 */

export type DueState = 'none' | 'overdue' | 'today' | 'soon' | 'later';

export interface DueText {
  /** Short German text for the list. */
  text: string;
  /** For colouring: overdue (red), today (orange), soon = within 3 days, later, none. */
  state: DueState;
  /** The exact due time in German, for a tooltip ("Fällig am 05.03.2026, 23:59 Uhr"); empty without a due date. */
  title: string;
}

export const TIME_ZONE = 'Europe/Berlin';

/** Days since 1970-01-01 of the calendar day `ms` falls on in `timeZone`. */
export function calendarDay(ms: number, timeZone = TIME_ZONE): number {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Math.round(Date.UTC(get('year'), get('month') - 1, get('day')) / 86_400_000);
}

/** "05.03.2026, 23:59 Uhr" in the city's time zone. */
export function formatDateTime(ms: number, timeZone = TIME_ZONE): string {
  const date = new Intl.DateTimeFormat('de-DE', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(ms));
  const time = new Intl.DateTimeFormat('de-DE', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(ms));
  return `${date}, ${time} Uhr`;
}

/** Milliseconds of an ISO 8601 date-time, also in Camunda's form with a `+0000` offset. */
export function parseDate(s: string): number {
  return Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

const days = (n: number) => (n === 1 ? '1 Tag' : `${n} Tagen`);

/** The due date `due` (ISO 8601 or null) seen at `now` (ms). */
export function dueText(due: string | null | undefined, now: number, timeZone = TIME_ZONE): DueText {
  if (!due) return { text: 'ohne Frist', state: 'none', title: '' };
  const at = parseDate(due);
  if (!Number.isFinite(at)) return { text: 'ohne Frist', state: 'none', title: '' };
  const title = `Fällig am ${formatDateTime(at, timeZone)}`;
  const diff = calendarDay(at, timeZone) - calendarDay(now, timeZone);
  if (diff < 0) return { text: diff === -1 ? 'seit gestern überfällig' : `seit ${days(-diff)} überfällig`, state: 'overdue', title };
  if (diff === 0) return at < now ? { text: 'seit heute überfällig', state: 'overdue', title } : { text: 'heute fällig', state: 'today', title };
  if (diff === 1) return { text: 'morgen fällig', state: 'soon', title };
  return { text: `fällig in ${days(diff)}`, state: diff <= 3 ? 'soon' : 'later', title };
}
