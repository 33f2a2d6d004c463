/**
 * Handlers of `kim-fallkonferenz`, the bi-weekly case conference (KIM-PROCESSES.md §4, §6).
 * Conference material is pseudonymised from the start; generative topics are anonymised.
 *
 * - `fallkonferenzAgenda`: the date (`konferenzDatum`, Europe/Berlin), whether the ABH/EBH
 *   Baustein-3 staff attend (`mitAbh`) and the pseudonymised `agenda` built from the store:
 *   running case and handoff instances with `escalationLevel >= 2` or `interfaceProblem = true`,
 *   and in ABH sessions the running Baustein-3 handoffs whose consent (recipient `abh`/`ebh`,
 *   scope `UEBERLEITUNG`) covers the transfer now. Items are `{caseRef, grund, escalationLevel}`
 *   only; each listed case is audited `READ` (purpose `FALLKONFERENZ`).
 *   [A] ABH session = the first conference of a calendar month: with a 14-day rhythm exactly one
 *   conference falls on days 1–14 of every month. A `mitAbh` set at a manual start wins.
 * - `generativeThemen`: rule [A] over this conference's `observations` and those of earlier
 *   conferences (read from the store): ≥3 observations on the same institution and life area from
 *   ≥2 organisations within the 3 months up to the conference → `themenKandidaten` (anonymised).
 *   An observation's organisation is the one chosen on it, else the `org-…` group of whoever
 *   completed `beobachtungenErfassen`. Observations that already led to a topic in an earlier
 *   conference do not count again for the same institution and life area.
 * - `themenStatus`: applies the decisions of a task (`themenEntscheidungen`) to `themen`, along
 *   KANDIDAT → VALIDIERT → LENKUNGSKREIS → BESCHLOSSEN → UMSETZUNG → ERLEDIGT | VERWORFEN.
 *   A validated topic goes on the Lenkungskreis agenda at once, a decided one into implementation
 *   at once; `verlauf` keeps every status with its date.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { HandlerContext, HandlerRegistry } from '../engine/handlers.ts';
import type { InstanceRecord, Store } from '../store/store.ts';
import { newAuditEntry } from './auditStore.ts';
import { covers } from './consentGate.ts';
import type { KimHandlerDeps } from './handlers.ts';

// ---------------------------------------------------------------------------------------------
// Vocabulary (also the select values of the forms in tools/bpmn/kimFallkonferenz.ts).

export const INSTITUTIONS: Array<[code: string, label: string]> = [
  ['JOBCENTER', 'Jobcenter / Integration Point'], ['ABH', 'Ausländerbehörde'], ['EBH', 'Einbürgerungsbehörde'],
  ['BUERGERZENTRUM', 'Bürgerzentrum (Meldebehörde)'], ['FB41_SOZIALES', 'Fachbereich Soziales'],
  ['FB42_JUGEND', 'Fachbereich Kinder-Jugend-Familie'], ['SCHULE', 'Schule / Seiteneinsteigerberatung'],
  ['FAMILIENKASSE', 'Familienkasse'], ['AGENTUR_FUER_ARBEIT', 'Agentur für Arbeit'], ['BAMF', 'BAMF / Integrationskursträger'],
  ['KRANKENKASSE', 'Krankenkasse'], ['GESUNDHEITSWESEN', 'Gesundheitswesen'], ['WOHNUNGSWIRTSCHAFT', 'Vermieter / Wohnungswirtschaft'],
  ['SONSTIGE', 'Sonstige Institution'],
];
export const LIFE_AREAS: Array<[code: string, label: string]> = [
  ['AUFENTHALT', 'Aufenthalt'], ['EXISTENZSICHERUNG', 'Existenzsicherung / Leistungen'], ['ARBEIT', 'Arbeit und Ausbildung'],
  ['SPRACHE', 'Sprache'], ['BILDUNG', 'Schule und Bildung'], ['WOHNEN', 'Wohnen'], ['GESUNDHEIT', 'Gesundheit'],
  ['FAMILIE', 'Familie und Kinderbetreuung'], ['SOZIALE_TEILHABE', 'Soziale Teilhabe'],
];
/** Organisations are the `org-…` groups (src/identity/seed.ts). */
export const ORGANISATIONS: Array<[code: string, label: string]> = [
  ['org-ki', 'Kommunales Integrationszentrum'], ['org-awo', 'AWO'], ['org-drk', 'DRK'], ['org-caritas', 'Caritas'], ['org-planb', 'PlanB'],
];

export type TopicStatus = 'KANDIDAT' | 'VALIDIERT' | 'LENKUNGSKREIS' | 'BESCHLOSSEN' | 'UMSETZUNG' | 'ERLEDIGT' | 'VERWORFEN';

/** Rule [A]; the values a process owner would change. */
export interface TopicRule { minObservations: number; minOrganisations: number; windowMonths: number }
export const TOPIC_RULE: TopicRule = { minObservations: 3, minOrganisations: 2, windowMonths: 3 };

// ---------------------------------------------------------------------------------------------
// Pure parts.

/** The stable pseudonym of a case on conference material: `F-` + 8 hex of sha256(case id). */
export function caseRef(caseId: string): string {
  return 'F-' + createHash('sha256').update(caseId, 'utf8').digest('hex').slice(0, 8);
}
const PSEUDONYM = /^F-[0-9a-f]{8}$/;

/** The calendar date (YYYY-MM-DD) in Herne at `ms`. */
export function localDate(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

/** `date` (YYYY-MM-DD) minus whole calendar months; the day is clamped to the month's end. */
export function minusMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 - months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))).toISOString().slice(0, 10);
}

/** [A] The ABH/EBH attend the first conference of each calendar month. */
export function isAbhSession(date: string): boolean {
  return Number(date.slice(8, 10)) <= 14;
}

export interface Observation {
  caseRef: string | null;
  institution: string;
  lifeArea: string;
  description: string | null;
  date: string;
  organisation: string | null;
}
/** An observation with the start time of the conference that recorded it. */
export interface RecordedObservation extends Observation { recordedAt: string }

export interface TopicCandidate {
  themaId: string;
  institution: string;
  lifeArea: string;
  count: number;
  organisations: number;
  status: 'KANDIDAT';
}

const CODE = /^[A-Z][A-Z0-9_]{0,39}$/;
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const code = (v: unknown): string | null => {
  const s = text(v)?.toUpperCase().replace(/[\s-]+/g, '_') ?? null;
  return s && CODE.test(s) ? s : null;
};
const isoDay = (v: unknown): string | null => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : null);

/**
 * One observation as the rule and later conferences read it, or null if it lacks institution,
 * life area or date. A case reference that is not a pseudonym is pseudonymised; the organisation
 * defaults to `recorder`'s.
 */
export function normaliseObservation(raw: unknown, recorder: string | null = null): Observation | null {
  if (!raw || typeof raw !== 'object') return null;
  const o = raw as Record<string, unknown>;
  const institution = code(o.institution), lifeArea = code(o.lifeArea), date = isoDay(o.date);
  if (!institution || !lifeArea || !date) return null;
  const ref = text(o.caseRef);
  return {
    caseRef: ref === null ? null : PSEUDONYM.test(ref) ? ref : caseRef(ref),
    institution,
    lifeArea,
    description: text(o.description),
    date,
    organisation: text(o.organisation) ?? recorder,
  };
}

const topicKey = (institution: string, lifeArea: string) => `${institution}|${lifeArea}`;

/**
 * Rule [A]: per institution and life area, the observations dated within `windowMonths` calendar
 * months up to `asOf` (both ends inclusive), recorded after the last conference that raised that
 * topic (`raisedAt`: key `INSTITUTION|LIFE_AREA` → that conference's start); a candidate when there
 * are ≥ `minObservations` of them from ≥ `minOrganisations` distinct organisations. Observations
 * without an organisation count as observations, not as organisations. Most observations first.
 */
export function findTopicCandidates(
  observations: readonly RecordedObservation[],
  asOf: string,
  opts: { raisedAt?: ReadonlyMap<string, string>; rule?: TopicRule } = {},
): TopicCandidate[] {
  const rule = opts.rule ?? TOPIC_RULE;
  const from = minusMonths(asOf, rule.windowMonths);
  const groups = new Map<string, { institution: string; lifeArea: string; count: number; orgs: Set<string> }>();
  for (const o of observations) {
    if (o.date < from || o.date > asOf) continue;
    const key = topicKey(o.institution, o.lifeArea);
    const raised = opts.raisedAt?.get(key);
    if (raised !== undefined && o.recordedAt <= raised) continue;
    const g = groups.get(key) ?? { institution: o.institution, lifeArea: o.lifeArea, count: 0, orgs: new Set<string>() };
    g.count += 1;
    if (o.organisation) g.orgs.add(o.organisation);
    groups.set(key, g);
  }
  return [...groups.values()]
    .filter((g) => g.count >= rule.minObservations && g.orgs.size >= rule.minOrganisations)
    .sort((a, b) => b.count - a.count || topicKey(a.institution, a.lifeArea).localeCompare(topicKey(b.institution, b.lifeArea)))
    .map((g) => ({
      themaId: `TH-${asOf}-${g.institution}-${g.lifeArea}`,
      institution: g.institution,
      lifeArea: g.lifeArea,
      count: g.count,
      organisations: g.orgs.size,
      status: 'KANDIDAT',
    }));
}

export interface Topic {
  themaId: string;
  institution: string;
  lifeArea: string;
  count: number;
  organisations: number;
  status: TopicStatus;
  massnahme: string | null;
  ergebnis: string | null;
  verlauf: Array<{ status: TopicStatus; am: string }>;
}

export interface TopicDecisionItem {
  themaId: string;
  institution: string;
  lifeArea: string;
  count: number;
  organisations: number;
  status: TopicStatus;
  massnahme: string | null;
  entscheidung: string | null;
}

/** Per status: the decisions a task may take, and the statuses each one passes through. */
const TRANSITIONS: Partial<Record<TopicStatus, Record<string, TopicStatus[]>>> = {
  KANDIDAT: { VALIDIERT: ['VALIDIERT', 'LENKUNGSKREIS'], VERWORFEN: ['VERWORFEN'] },
  LENKUNGSKREIS: { BESCHLOSSEN: ['BESCHLOSSEN', 'UMSETZUNG'], VERWORFEN: ['VERWORFEN'] },
  UMSETZUNG: { ERLEDIGT: ['ERLEDIGT'], VERWORFEN: ['VERWORFEN'] },
};

export function topicsFromCandidates(candidates: readonly TopicCandidate[], today: string): Topic[] {
  return candidates.map((c) => ({ ...c, massnahme: null, ergebnis: null, verlauf: [{ status: 'KANDIDAT', am: today }] }));
}

/** The list a task decides on: every topic still waiting for a decision, with `entscheidung` empty. */
export function openDecisions(topics: readonly Topic[]): TopicDecisionItem[] {
  return topics
    .filter((t) => TRANSITIONS[t.status] !== undefined)
    .map((t) => ({ themaId: t.themaId, institution: t.institution, lifeArea: t.lifeArea, count: t.count, organisations: t.organisations, status: t.status, massnahme: t.massnahme, entscheidung: null }));
}

/**
 * Applies decisions (`{themaId, entscheidung, massnahme?, ergebnis?}`) to topics. Only what the
 * topic's current status allows is taken; anything else (unknown topic, a decision not open in that
 * status, no decision) leaves the topic as it is. Only the decision and the two texts are read
 * from a decision item: the counts and codes stay as the rule produced them.
 */
export function applyTopicDecisions(topics: readonly Topic[], decisions: unknown, today: string): Topic[] {
  const byId = new Map<string, Record<string, unknown>>();
  if (Array.isArray(decisions)) {
    for (const d of decisions) if (d && typeof d === 'object' && typeof (d as { themaId?: unknown }).themaId === 'string') byId.set((d as { themaId: string }).themaId, d as Record<string, unknown>);
  }
  return topics.map((t) => {
    const d = byId.get(t.themaId);
    const path = d ? TRANSITIONS[t.status]?.[String(d.entscheidung)] : undefined;
    if (!d || !path) return t;
    const next: Topic = { ...t, verlauf: [...t.verlauf, ...path.map((status) => ({ status, am: today }))], status: path[path.length - 1] };
    if (t.status === 'LENKUNGSKREIS') next.massnahme = text(d.massnahme) ?? t.massnahme;
    if (t.status === 'UMSETZUNG') next.ergebnis = text(d.ergebnis) ?? t.ergebnis;
    return next;
  });
}

// ---------------------------------------------------------------------------------------------
// Handlers (store access only through the port, so both adapters serve them).

export interface FallkonferenzOptions {
  /** Process keys whose running instances feed the agenda (escalations, interface problems). */
  caseProcesses?: string[];
  /** The Baustein-3 handoff process (consented cases in ABH sessions). */
  baustein3Process?: string;
  /** The conference process itself (earlier conferences' observations). */
  conferenceProcess?: string;
  rule?: TopicRule;
}

interface AgendaItem { caseRef: string; grund: string; escalationLevel: number }

const PAGE = 200;

async function* instancesOf(store: Store, query: Parameters<Store['findInstances']>[0]): AsyncGenerator<InstanceRecord> {
  for (let first = 0; ; first += PAGE) {
    const page = await store.findInstances({ ...query, firstResult: first, maxResults: PAGE });
    yield* page;
    if (page.length < PAGE) return;
  }
}

const plain = (inst: InstanceRecord, name: string): unknown => inst.variables[name]?.value;
const caseIdOf = (inst: InstanceRecord): string => text(plain(inst, 'caseId')) ?? inst.businessKey ?? inst.id;

async function conferenceDate(store: Store, ctx: HandlerContext, clock: Clock): Promise<string> {
  const given = isoDay(ctx.variables.konferenzDatum);
  if (given) return given;
  const inst = await store.getInstance(ctx.instanceId);
  return localDate(inst ? Date.parse(inst.startTime) : clock.now());
}

async function buildAgenda(deps: KimHandlerDeps, opts: Required<Omit<FallkonferenzOptions, 'rule'>>, ctx: HandlerContext) {
  const { store, clock } = deps;
  const konferenzDatum = await conferenceDate(store, ctx, clock);
  const mitAbh = typeof ctx.variables.mitAbh === 'boolean' ? ctx.variables.mitAbh : isAbhSession(konferenzDatum);
  const now = new Date(clock.now()).toISOString();
  const items = new Map<string, { caseId: string; level: number; reasons: Set<string> }>();
  const add = (caseId: string, level: number, reason: string) => {
    const item = items.get(caseId) ?? { caseId, level: 0, reasons: new Set<string>() };
    item.level = Math.max(item.level, level);
    item.reasons.add(reason);
    items.set(caseId, item);
  };
  for (const key of new Set([...opts.caseProcesses, ...(mitAbh ? [opts.baustein3Process] : [])])) {
    for await (const inst of instancesOf(store, { definitionKey: key, active: true, sortBy: 'startTime', sortOrder: 'asc' })) {
      const level = Number(plain(inst, 'escalationLevel') ?? 0) || 0;
      const caseId = caseIdOf(inst);
      if (opts.caseProcesses.includes(key)) {
        if (level >= 2) add(caseId, level, `offene Eskalation (Stufe ${level})`);
        if (plain(inst, 'interfaceProblem') === true) add(caseId, level, 'Schnittstellenproblem');
      }
      if (mitAbh && key === opts.baustein3Process) {
        const consents = await store.consents.listConsents(caseId);
        const recipient = ['abh', 'ebh'].find((r) => covers(consents, { recipient: r, scope: 'UEBERLEITUNG', at: now }).allowed);
        if (recipient) add(caseId, level, `Baustein 3 mit Einwilligung (${recipient.toUpperCase()})`);
      }
    }
  }
  const listed = [...items.values()].sort((a, b) => b.level - a.level || caseRef(a.caseId).localeCompare(caseRef(b.caseId)));
  const agenda: AgendaItem[] = listed.map((i) => ({ caseRef: caseRef(i.caseId), grund: [...i.reasons].join('; '), escalationLevel: i.level }));
  for (const i of listed) {
    await store.audit.appendAudit(newAuditEntry({
      type: 'READ', key: ['fallkonferenzAgenda', ctx.instanceId, i.caseId], at: now, caseId: i.caseId, purpose: 'FALLKONFERENZ',
      details: { caseRef: caseRef(i.caseId), conferenceInstanceId: ctx.instanceId, escalationLevel: i.level },
    }));
  }
  return { konferenzDatum, mitAbh, agenda };
}

/** The `org-…` group of whoever completed this conference's `beobachtungenErfassen`, or null. */
async function recorderOrganisation(store: Store, instanceId: string): Promise<string | null> {
  const done = (await store.findTaskHistory({ instanceId, taskDefinitionKey: 'beobachtungenErfassen', finished: true })).filter((t) => t.assignee);
  const last = done.sort((a, b) => (a.endTime ?? '').localeCompare(b.endTime ?? ''))[done.length - 1];
  if (!last?.assignee) return null;
  return (await store.groupsOf(last.assignee)).filter((g) => g.startsWith('org-')).sort()[0] ?? null;
}

async function generativeThemen(deps: KimHandlerDeps, opts: Required<FallkonferenzOptions>, ctx: HandlerContext) {
  const { store, clock } = deps;
  const asOf = await conferenceDate(store, ctx, clock);
  const self = await store.getInstance(ctx.instanceId);
  const recordedAt = self?.startTime ?? new Date(clock.now()).toISOString();
  const recorder = await recorderOrganisation(store, ctx.instanceId);
  const current = (Array.isArray(ctx.variables.observations) ? ctx.variables.observations : [])
    .map((o) => normaliseObservation(o, recorder))
    .filter((o): o is Observation => o !== null);

  // Earlier conferences: a conference older than the window cannot hold observations dated in it.
  const from = minusMonths(asOf, opts.rule.windowMonths);
  const all: RecordedObservation[] = current.map((o) => ({ ...o, recordedAt }));
  const raisedAt = new Map<string, string>();
  for await (const inst of instancesOf(store, { definitionKey: opts.conferenceProcess, sortBy: 'startTime', sortOrder: 'desc' })) {
    if (inst.id === ctx.instanceId || inst.startTime >= recordedAt) continue;
    if ((isoDay(plain(inst, 'konferenzDatum')) ?? localDate(Date.parse(inst.startTime))) < from) break;
    const earlier = plain(inst, 'observations');
    for (const raw of Array.isArray(earlier) ? earlier : []) {
      const o = normaliseObservation(raw);
      if (o) all.push({ ...o, recordedAt: inst.startTime });
    }
    const raised = plain(inst, 'themenKandidaten');
    for (const t of Array.isArray(raised) ? (raised as Array<Record<string, unknown>>) : []) {
      const key = topicKey(String(t.institution), String(t.lifeArea));
      if (!raisedAt.has(key) || raisedAt.get(key)! < inst.startTime) raisedAt.set(key, inst.startTime);
    }
  }
  const themenKandidaten = findTopicCandidates(all, asOf, { raisedAt, rule: opts.rule });
  const themen = topicsFromCandidates(themenKandidaten, localDate(clock.now()));
  return { observations: current, themenKandidaten, themen, themenEntscheidungen: openDecisions(themen) };
}

export function registerFallkonferenzHandlers(handlers: HandlerRegistry, deps: KimHandlerDeps, options: FallkonferenzOptions = {}): void {
  const opts: Required<FallkonferenzOptions> = {
    caseProcesses: options.caseProcesses ?? ['kim-case-lifecycle', 'baustein3-ueberleitung'],
    baustein3Process: options.baustein3Process ?? 'baustein3-ueberleitung',
    conferenceProcess: options.conferenceProcess ?? 'kim-fallkonferenz',
    rule: options.rule ?? TOPIC_RULE,
  };
  handlers.register('fallkonferenzAgenda', (ctx) => buildAgenda(deps, opts, ctx));
  handlers.register('generativeThemen', (ctx) => generativeThemen(deps, opts, ctx));
  handlers.register('themenStatus', ({ variables, clock }) => {
    const themen = applyTopicDecisions(Array.isArray(variables.themen) ? (variables.themen as Topic[]) : [], variables.themenEntscheidungen, localDate(clock.now()));
    return { themen, themenEntscheidungen: openDecisions(themen) };
  });
}
