/**
 * Handlers of `baustein3-ueberleitung` (KIM-PROCESSES.md §4, Baustein 3: rechtliche Verstetigung).
 *
 * - `perspektivpruefung`: the perspective rule. From the residence data it recommends a path to a
 *   secure residence (`recommendedPath`: `P25A` | `P25B` | `P25B_ABS6` | `EINBUERGERUNG`), the key
 *   deadline D (`keyDeadline`, ISO date) that the diagram's deadline ladder counts back from, a
 *   `riskLevel` (`NIEDRIG` | `MITTEL` | `HOCH`), the `handoffRecipient` (`abh`, or `ebh` for
 *   naturalisation), the requirements not (yet) shown (`missingRequirements`) and a German
 *   explanation (`perspektiveBegruendung`). The rule is `decidePerspective`, a pure function.
 * - `baustein3Ergebnis`: records the end state of the handoff in `ergebnis`. The value is named by
 *   the service task's id in the diagram: `ergebnisTitelErteilt` → `TITEL_ERTEILT` (camel case after
 *   the prefix `ergebnis`, as upper snake case). Only the end states of §4 are accepted, so a typo
 *   in the diagram is an incident, not a silently wrong outcome.
 * - `baustein3Klagefrist`: after a rejection, `klagefristBis` = the last day of the one-month
 *   deadline for legal action (§74 Abs. 1 VwGO) counted from `decisionDate` (the day the decision
 *   was served): §188 Abs. 2/3 BGB (same day number one month later, else the month's last day),
 *   moved to the next Monday when it ends on a Saturday or Sunday (§222 Abs. 2 ZPO with §57 VwGO).
 *   Public holidays are not known here and not considered.
 *
 * The rule's thresholds are the law (§25a, §25b, §104c AufenthG, §10 StAG) except the risk
 * thresholds, which are assumptions [A] exported as constants.
 */
import type { KimHandlerDeps } from './handlers.ts';
import type { HandlerContext, HandlerRegistry } from '../engine/handlers.ts';

export type RecommendedPath = 'P25A' | 'P25B' | 'P25B_ABS6' | 'EINBUERGERUNG';
export type RiskLevel = 'NIEDRIG' | 'MITTEL' | 'HOCH';
export type HandoffRecipient = 'abh' | 'ebh';

export interface PerspectiveResult {
  recommendedPath: RecommendedPath;
  /** D: ISO date (YYYY-MM-DD), or null when no deadline is known (e.g. a permanent title). */
  keyDeadline: string | null;
  riskLevel: RiskLevel;
  handoffRecipient: HandoffRecipient;
  /** Requirements of the recommended path that the variables do not show as met (codes below). */
  missingRequirements: string[];
  /** Why, in German, for the case manager. */
  perspektiveBegruendung: string;
}

/** [A] D closer than this (days) → risk HOCH: the ladder's level 0 (D−90) is already due. */
export const RISK_HIGH_DAYS = 90;
/** [A] D closer than this (days) → risk at least MITTEL. */
export const RISK_MEDIUM_DAYS = 240;

/** The end states of `baustein3-ueberleitung` (§4), the values of `ergebnis`. */
export const BAUSTEIN3_ERGEBNISSE = [
  'TITEL_ERTEILT', 'EINGEBUERGERT', 'ABGELEHNT_VERWIESEN', 'ZURUECKGEZOGEN', 'EINWILLIGUNG_WIDERRUFEN', 'KEINE_UEBERMITTLUNG',
] as const;
export type Baustein3Ergebnis = (typeof BAUSTEIN3_ERGEBNISSE)[number];

/** Statuses without lawful residence in the sense of §10 StAG: toleration, asylum procedure, §104c. */
const TOLERATED = new Set(['DULDUNG', 'P60A', 'P60B', 'P60C', 'P60D', 'GESTATTUNG', 'AUFENTHALTSGESTATTUNG', 'P55']);
const CHANCEN = 'P104C';
/** Titles that count as lawful residence for naturalisation (§10 Abs. 1 StAG). */
const LAWFUL = /^(AUFENTHALTSERLAUBNIS|NIEDERLASSUNGSERLAUBNIS|ERLAUBNIS_ZUM_DAUERAUFENTHALT_EU|DAUERAUFENTHALT_EU|BLAUE_KARTE_EU|P\d+[A-Z]?(_\d+)?)$/;

const LANGUAGE_LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'] as const;

// ---- small, total parsers: an unreadable value counts as absent ------------------------------

/** `YYYY-MM-DD` from a date or date-time string or a Date; null if not a real calendar day. */
export function isoDay(v: unknown): string | null {
  const s = v instanceof Date ? v.toISOString() : typeof v === 'string' ? v.trim() : '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  return check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === d ? m[0].slice(0, 10) : null;
}

function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v.replace(',', '.')))) return Number(v.replace(',', '.'));
  return null;
}

function flag(v: unknown): boolean {
  return v === true || v === 'true' || v === 'JA' || v === 1;
}

/** `§104c`, `104 c`, `p104c` → `P104C`; `Duldung` → `DULDUNG`. */
export function normaliseStatus(v: unknown): string {
  const s = String(v ?? '').toUpperCase().replace(/[§\s.]/g, '');
  return /^\d/.test(s) ? `P${s}` : s;
}

/** 0 (unknown) … 6 (C2) for `A1` … `C2` (also `B1+`, `b1`). */
export function languageRank(v: unknown): number {
  const s = String(v ?? '').toUpperCase().trim().slice(0, 2);
  return LANGUAGE_LEVELS.indexOf(s as (typeof LANGUAGE_LEVELS)[number]) + 1;
}

/** Share of own income as a fraction: `0.6` or `60` (percent) → 0.6. */
function share(v: unknown): number | null {
  const n = num(v);
  if (n === null || n < 0) return null;
  return n > 1 ? n / 100 : n;
}

const parts = (day: string) => day.split('-').map(Number) as [number, number, number];
const fmt = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const dayMs = (day: string) => Date.UTC(...(parts(day).map((x, i) => (i === 1 ? x - 1 : x)) as [number, number, number]));

/** Whole years from `from` to `to` (both ISO days): age or length of stay. */
export function fullYears(from: string, to: string): number {
  const [fy, fm, fd] = parts(from);
  const [ty, tm, td] = parts(to);
  return ty - fy - (tm < fm || (tm === fm && td < fd) ? 1 : 0);
}

/** Whole months from `from` to `to`. */
function fullMonths(from: string, to: string): number {
  const [fy, fm, fd] = parts(from);
  const [ty, tm, td] = parts(to);
  return (ty - fy) * 12 + (tm - fm) - (td < fd ? 1 : 0);
}

/**
 * The n-th birthday: the first day on which the person is n years old. Born on 29 February, in a
 * year without it: 1 March (the year of life is completed at the end of 28 February, §188 Abs. 3 BGB).
 */
export function birthday(dateOfBirth: string, years: number): string {
  const [y, m, d] = parts(dateOfBirth);
  if (m === 2 && d === 29 && daysInMonth(y + years, 2) === 28) return fmt(y + years, 3, 1);
  return fmt(y + years, m, d);
}

/** Days from `from` to `to` (ISO days), negative if `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayMs(to) - dayMs(from)) / 86_400_000);
}

const earliest = (...days: Array<string | null>): string | null => days.filter((d): d is string => d !== null).sort()[0] ?? null;

/** Today in Herne (Europe/Berlin) for a clock reading. */
export function localDay(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

// ---- the rule --------------------------------------------------------------------------------

interface Facts {
  status: string;
  age: number | null;
  stayYears: number | null;
  lawfulStayYears: number | null;
  duldungMonths: number | null;
  schoolYears: number | null;
  qualification: boolean;
  incomeShare: number | null;
  language: number;
  minorChild: boolean;
  residenceValidUntil: string | null;
  birthday27: string | null;
  beschaeftigungsduldungUntil: string | null;
}

function factsOf(vars: Readonly<Record<string, unknown>>, today: string): Facts {
  const status = normaliseStatus(vars.residenceStatus);
  const dob = isoDay(vars.dateOfBirth);
  const arrival = isoDay(vars.arrivalDate);
  const stayYears = num(vars.stayYears) ?? (arrival ? fullYears(arrival, today) : null);
  const lawfulSince = isoDay(vars.lawfulResidenceSince);
  const lawfulStayYears = num(vars.lawfulStayYears) ?? (lawfulSince ? fullYears(lawfulSince, today) : LAWFUL.test(status) && !TOLERATED.has(status) && status !== CHANCEN ? stayYears : null);
  const duldungSince = isoDay(vars.duldungSince);
  // A school-leaving certificate or vocational qualification: `true` or its name (`BERUFSABSCHLUSS`), not `KEINE`.
  const named = (v: unknown) => flag(v) || (typeof v === 'string' && v.trim() !== '' && !['KEINE', 'KEINER', 'NEIN', 'FALSE'].includes(v.trim().toUpperCase()));
  const qualification = named(vars.qualification) || named(vars.schoolDegree);
  return {
    status,
    age: dob ? fullYears(dob, today) : null,
    stayYears,
    lawfulStayYears,
    duldungMonths: num(vars.duldungMonths) ?? (duldungSince ? fullMonths(duldungSince, today) : null),
    schoolYears: num(vars.schoolYears),
    qualification,
    incomeShare: share(vars.incomeShare),
    language: languageRank(vars.languageLevel),
    minorChild: flag(vars.minorChild),
    residenceValidUntil: isoDay(vars.residenceValidUntil),
    birthday27: dob ? birthday(dob, 27) : null,
    beschaeftigungsduldungUntil: isoDay(vars.beschaeftigungsduldungUntil),
  };
}

/** §25a Abs. 1 AufenthG (well-integrated young people): what is missing. */
function missing25a(f: Facts): string[] {
  const out: string[] = [];
  if (f.age === null || f.age < 14 || f.age >= 27) out.push('ALTER_14_BIS_UNTER_27');
  if (f.status !== CHANCEN && (f.duldungMonths === null || f.duldungMonths < 12)) out.push('DULDUNG_12_MONATE_ODER_104C');
  if (f.stayYears === null || f.stayYears < 3) out.push('AUFENTHALT_3_JAHRE');
  if (!f.qualification && (f.schoolYears === null || f.schoolYears < 3)) out.push('SCHULBESUCH_3_JAHRE_ODER_ABSCHLUSS');
  return out;
}

/** §25b Abs. 1 AufenthG (sustainable integration): what is missing. */
function missing25b(f: Facts): string[] {
  const out: string[] = [];
  const years = f.minorChild ? 4 : 6;
  if (f.stayYears === null || f.stayYears < years) out.push(f.minorChild ? 'AUFENTHALT_4_JAHRE_MIT_MINDERJAEHRIGEM_KIND' : 'AUFENTHALT_6_JAHRE');
  if (f.incomeShare === null || !(f.incomeShare > 0.5)) out.push('LEBENSUNTERHALT_UEBERWIEGEND_GESICHERT');
  if (f.language < 2) out.push('SPRACHE_A2');
  return out;
}

/** §10 StAG (naturalisation): what is missing. */
function missingEinbuergerung(f: Facts): string[] {
  const out: string[] = [];
  if (f.lawfulStayYears === null || f.lawfulStayYears < 5) out.push('RECHTMAESSIGER_AUFENTHALT_5_JAHRE');
  if (f.language < 3) out.push('SPRACHE_B1');
  return out;
}

function riskOf(f: Facts, path: RecommendedPath, deadline: string | null, missing: string[], today: string): RiskLevel {
  const days = deadline === null ? null : daysBetween(today, deadline);
  const precarious = path !== 'EINBUERGERUNG';
  if (days !== null && days < RISK_HIGH_DAYS) return 'HOCH';
  if (precarious && missing.length > 0) return 'HOCH';
  if (days !== null && days < RISK_MEDIUM_DAYS) return 'MITTEL';
  // The §104c permit cannot be extended: without the follow-up title the person falls back into toleration.
  if (f.status === CHANCEN || f.status === 'P60D') return 'MITTEL';
  return 'NIEDRIG';
}

const LABEL: Record<RecommendedPath, string> = {
  P25A: '§25a AufenthG (gut integrierte Jugendliche und junge Volljährige)',
  P25B: '§25b AufenthG (nachhaltige Integration)',
  P25B_ABS6: '§25b Abs. 6 AufenthG (nach Beschäftigungsduldung)',
  EINBUERGERUNG: 'Einbürgerung nach §10 StAG',
};

/**
 * The perspective rule of KIM-PROCESSES.md §4 step 1, for the day `today` (ISO date):
 *
 * 1. §60d Beschäftigungsduldung → `P25B_ABS6`; D = end of the Beschäftigungsduldung
 *    (`beschaeftigungsduldungUntil`, else `residenceValidUntil`).
 * 2. A lawful residence title (Aufenthaltserlaubnis, Niederlassungserlaubnis, …) → `EINBUERGERUNG`
 *    (handoff to `ebh`); requirements 5 years' lawful residence and B1; D = `residenceValidUntil`
 *    (the current title must not lapse during the procedure), or none.
 * 3. Toleration, §104c and everything else: `P25A` if all of §25a are met (aged 14 to under 27,
 *    ≥ 12 months' Duldung or §104c, 3 years' stay, 3 years of school or a qualification), else
 *    `P25B` if all of §25b are met (6 years' stay, 4 with a minor child; more than 50 % own income;
 *    A2), else the path still reachable: `P25A` while under 27 (a 13-year-old can reach it), otherwise `P25B`,
 *    with what is missing listed.
 *    D for §25a: the 27th birthday; for §25b: `residenceValidUntil`. A §104c holder must apply
 *    before the permit expires (it cannot be extended), so D is never later than `residenceValidUntil`.
 */
export function decidePerspective(vars: Readonly<Record<string, unknown>>, today: string): PerspectiveResult {
  const f = factsOf(vars, today);
  const result = (path: RecommendedPath, keyDeadline: string | null, missingRequirements: string[], why: string): PerspectiveResult => {
    const riskLevel = riskOf(f, path, keyDeadline, missingRequirements, today);
    const open = missingRequirements.length ? ` Noch nicht nachgewiesen: ${missingRequirements.join(', ')}.` : ' Alle Voraussetzungen sind nach den erfassten Angaben erfüllt.';
    const d = keyDeadline ? ` Maßgebliche Frist (D): ${keyDeadline}.` : ' Keine maßgebliche Frist bekannt.';
    return {
      recommendedPath: path,
      keyDeadline,
      riskLevel,
      handoffRecipient: path === 'EINBUERGERUNG' ? 'ebh' : 'abh',
      missingRequirements,
      perspektiveBegruendung: `Empfohlen: ${LABEL[path]}. ${why}${d}${open}`,
    };
  };

  if (f.status === 'P60D') {
    return result('P25B_ABS6', f.beschaeftigungsduldungUntil ?? f.residenceValidUntil, [], 'Beschäftigungsduldung nach §60d AufenthG.');
  }
  if (LAWFUL.test(f.status) && !TOLERATED.has(f.status) && f.status !== CHANCEN) {
    return result('EINBUERGERUNG', f.residenceValidUntil, missingEinbuergerung(f), `Rechtmäßiger Aufenthalt (${f.status}): Überleitung an die Einbürgerungsbehörde.`);
  }

  const chancen = f.status === CHANCEN;
  const why = chancen
    ? 'Chancen-Aufenthaltsrecht nach §104c AufenthG: nicht verlängerbar, der Folgetitel muss vor Ablauf beantragt werden.'
    : `Aufenthaltsstatus ${f.status || 'unbekannt'}.`;
  const deadline25a = earliest(f.birthday27, chancen ? f.residenceValidUntil : null);
  const a = missing25a(f);
  if (a.length === 0) return result('P25A', deadline25a, a, why);
  const b = missing25b(f);
  if (b.length === 0) return result('P25B', f.residenceValidUntil, b, why);
  if (f.age !== null && f.age < 27) return result('P25A', deadline25a, a, why);
  return result('P25B', f.residenceValidUntil, b, why);
}

/** `ergebnisTitelErteilt` → `TITEL_ERTEILT`; throws for an id that names no end state of §4. */
export function ergebnisOfElement(elementId: string | undefined): Baustein3Ergebnis {
  const m = /^ergebnis([A-Z][A-Za-z]*)$/.exec(elementId ?? '');
  const value = m ? m[1].replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() : '';
  if (!(BAUSTEIN3_ERGEBNISSE as readonly string[]).includes(value)) {
    throw new Error(`service task '${elementId}' names no end state: its id must be 'ergebnis' + one of ${BAUSTEIN3_ERGEBNISSE.join(', ')} in camel case (e.g. ergebnisTitelErteilt)`);
  }
  return value as Baustein3Ergebnis;
}

/**
 * The last day to bring an action (§74 Abs. 1 VwGO: one month after service) for a decision
 * served on `servedOn`: §188 Abs. 2/3 BGB, a Saturday or Sunday moves to Monday (§222 Abs. 2 ZPO).
 */
export function klagefristBis(servedOn: string): string {
  const [y, m, d] = parts(servedOn);
  const [ny, nm] = m === 12 ? [y + 1, 1] : [y, m + 1];
  let end = fmt(ny, nm, Math.min(d, daysInMonth(ny, nm)));
  const weekday = new Date(dayMs(end)).getUTCDay();
  if (weekday === 6 || weekday === 0) end = new Date(dayMs(end) + (weekday === 6 ? 2 : 1) * 86_400_000).toISOString().slice(0, 10);
  return end;
}

export function registerPerspektiveHandlers(handlers: HandlerRegistry, deps: KimHandlerDeps): void {
  handlers.register('perspektivpruefung', (ctx: HandlerContext) => {
    const result = decidePerspective(ctx.variables, localDay(deps.clock.now()));
    return { ...result };
  });
  handlers.register('baustein3Ergebnis', (ctx: HandlerContext) => ({ ergebnis: ergebnisOfElement(ctx.elementId) }));
  handlers.register('baustein3Klagefrist', (ctx: HandlerContext) => {
    const served = isoDay(ctx.variables.decisionDate);
    if (!served) throw new Error(`decisionDate '${String(ctx.variables.decisionDate)}' is not a date (YYYY-MM-DD)`);
    return { klagefristBis: klagefristBis(served) };
  });
}
