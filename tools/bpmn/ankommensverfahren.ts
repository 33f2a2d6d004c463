/**
 * `ankommensverfahren` — the arrival procedure (KIM-PROCESSES.md §2), as a layout description.
 * Lanes top to bottom; columns left to right. Every deadline is a timer with FEEL over process variables
 * (mostly `arrivalDate` and the dates the offices record), so a process owner can change it in the modeler;
 * the escalation ladder (§5) runs as service tasks (`eskalationStufe0`/`2`, consent-gated `eskalationAbh`).
 *
 * Shape of the procedure:
 * - Ersterfassung, Unterbringung if needed, then four parallel branches: the main line (Anmeldung →
 *   residence-law steps by Zugangsweg → Leistungssystem → Leistungsantrag/-bescheid → Krankenversicherung →
 *   Erstberatung → outcome), school assignment per school-age child, Kita per small child and the
 *   integration course per adult (multi-instance over `persons`, filtered by age at `arrivalDate` with FEEL;
 *   the first person is the one the ABH minimal data set and the warm handover name). Deadlines are also
 *   the tasks' due dates, so the offices see them in their task lists.
 * - The outcome `ergebnis` is chosen in `erstberatung` (ANKOMMEN_ABGESCHLOSSEN | VERWEIS_FACHDIENST |
 *   UEBERGABE_KIM_CM). The branches end on their own (no parallel join, see below), so follow-ups outlive
 *   the outcome: the course start with its reminder 90 days before the entitlement lapses and, for AsylbLG
 *   households, the §2 AsylbLG switch at `arrivalDate` + 36 months (`wechselAsylblg2`); a warm handover
 *   (call activity `kim-case-lifecycle`) waits for the case. Escalation side branches end on their own too.
 * - `abmeldung` (WEGZUG) or `ankommensverfahrenAbbrechen` (ABBRUCH), at any time: branches watching from the
 *   start lead to the CM's closing task and a terminate end event, which ends everything still open. The
 *   watch ends with the arrival phase, 48 months after the start [A] (a timer branch with a terminate end),
 *   so an instance completes then at the latest, with its outcome recorded long before.
 *   Why not the textbook model (an interrupting event sub-process for the messages, an event-based gateway,
 *   a parallel join before one end), in bpmn-elements 17 as this engine runs it:
 *   - an interrupting event sub-process does not interrupt (the main flow keeps running), and a terminate
 *     end inside it ends only the sub-process;
 *   - an event-based gateway whose instance was recovered more than once before one of its events occurs
 *     no longer discards the other events (their subscriptions stay, the instance never completes);
 *   - dead-path elimination sends a "discard" per non-taken flow through every exclusive merge, so a
 *     parallel join downstream of an exclusive merge completes while a branch is still open.
 *
 * The engine has no way for a diagram to set a variable by itself (no script tasks, no
 * camunda:inputOutput): `ergebnis` and `zustimmung12a = "FINGIERT"` are recorded by the person
 * completing the task that follows the decision or the deadline (forms that offer exactly those values).
 */
import { gateway, message, parallel, serviceTask, terminate, timerDate, xmlAttr } from './elements.ts';
import type { DiagramSpec, FlowSpec, NodeSpec } from './layout.ts';
import { FORMS } from './ankommensverfahrenForms.ts';

export const forms = FORMS;

/** Parallel multi-instance over a FEEL collection, one element in `elementVariable`. */
const perElement = (collection: string, elementVariable: string) =>
  `<bpmn:multiInstanceLoopCharacteristics camunda:collection="${xmlAttr(collection)}" camunda:elementVariable="${elementVariable}" />`;
/** camunda:in / camunda:out mappings of a call activity. */
type Mapping = { source: string; target: string } | { sourceExpression: string; target: string } | { businessKey: string };
const mappings = (ins: Mapping[], outs: Mapping[] = []) => {
  const one = (tag: string, m: Mapping) => `<camunda:${tag} ${Object.entries(m).map(([k, v]) => `${k}="${xmlAttr(v)}"`).join(' ')} />`;
  return `<bpmn:extensionElements>${[...ins.map((m) => one('in', m)), ...outs.map((m) => one('out', m))].join('')}</bpmn:extensionElements>`;
};

/** A user task for a candidate group, with its form when one is described. */
function userTask(id: string, name: string, lane: string, col: number, group: string, extra: Record<string, string> = {}, body?: string): NodeSpec {
  const attrs: Record<string, string> = { 'camunda:candidateGroups': group, ...extra };
  if (FORMS[id]) attrs['camunda:formKey'] = `camunda-forms:deployment:${id}.form`;
  return { id, kind: 'userTask', name, lane, col, attrs, body };
}
const end = (id: string, name: string, lane: string, col: number): NodeSpec => ({ id, kind: 'endEvent', name, lane, col });
const deadline = (id: string, name: string, host: string, side: 'top' | 'bottom', feel: string, interrupting = false): NodeSpec =>
  ({ id, kind: 'boundaryEvent', name, attachedTo: host, side, attrs: interrupting ? {} : { cancelActivity: 'false' }, body: timerDate(feel) });

// Persons by age at arrival [A]: FEEL filters over `persons` (each with `dateOfBirth`).
const bornBetween = (olderThan: string, notOlderThan: string) =>
  `=if persons = null then [] else persons[item.dateOfBirth != null and date(item.dateOfBirth) <= date(arrivalDate) - duration("${olderThan}") and date(item.dateOfBirth) > date(arrivalDate) - duration("${notOlderThan}")]`;
export const COLLECTIONS = {
  /** Age 6–17: school. */
  schoolChildren: bornBetween('P6Y', 'P18Y'),
  /** Age 1–5: Kita. */
  kitaChildren: bornBetween('P1Y', 'P6Y'),
  /** Age 18 and over: integration course. */
  adults: '=if persons = null then [] else persons[item.dateOfBirth != null and date(item.dateOfBirth) <= date(arrivalDate) - duration("P18Y")]',
};

/** The case id of the warm handover: "FALL-" and the household id (the business key). */
const CASE_ID = '="FALL-" + (if execution.processBusinessKey != null then execution.processBusinessKey else householdId)';

/** Who decides on benefits: the Jobcenter for SGB II, the Fachbereich Soziales for AsylbLG and SGB XII. */
const BENEFIT_OFFICE = '=if benefitSystem = "SGB2" then "jobcenter" else "fb41-soziales"';

/** Deadlines (FEEL over process variables), used as timers and as the tasks' due dates. */
const DEADLINES = {
  /** §17 BMG: registration within 14 days of moving in. */
  anmeldung: '=date and time(arrivalDate) + duration("P14D")',
  schule: '=date and time(arrivalDate) + duration("P28D")',
  kita: '=date and time(arrivalDate) + duration("P3M")',
  fiktion: '=date and time(abhApplicationDate) + duration("P14D")',
  /** §72 Abs. 3a AufenthG: four weeks after the request reached the destination ABH (else after arrival). */
  zustimmung12a: '=date and time(if ersuchen12aAm != null then ersuchen12aAm else arrivalDate) + duration("P28D")',
  /** §44 Abs. 2 AufenthG: the entitlement lapses one year after issue. */
  kursberechtigung: '=date and time(entitlementIssuedAt) + duration("P1Y")',
  bescheid: '=date and time(benefitApplicationDate) + (if benefitSystem = "ASYLBLG" then duration("P7D") else duration("P1M"))',
};
const due = (feel: string) => ({ 'camunda:dueDate': feel });

const KI = 'laneKi', BZ = 'laneBuergerzentrum', SOZ = 'laneSoziales', ABH = 'laneAbh', BILDUNG = 'laneBildung', FRIST = 'laneFristen', KOORD = 'laneKoordination';

const nodes: NodeSpec[] = [
  { id: 'startZuweisung', kind: 'startEvent', name: 'Zuweisung eingegangen', lane: KI, col: 0, body: message('Message_zuweisungEingegangen') },
  // A plain start over the API counts as Selbstmeldung.
  { id: 'startSelbstmeldung', kind: 'startEvent', name: 'Selbstmeldung', lane: BZ, col: 0 },
  gateway('gwEingang', 'Fall eingegangen', KI, 1),
  parallel('gwStart', 'Verfahren beginnen', KI, 2),

  userTask('ersterfassung', 'Ersterfassung Haushalt und Personen', KI, 3, 'cm-ki'),
  gateway('gwUnterkunft', 'Unterkunft vorhanden?', KI, 4),
  userTask('unterbringung', 'Unterbringung sicherstellen', SOZ, 5, 'fb41-soziales', {
    // Due on the day of arrival [A].
    'camunda:dueDate': '=date and time(date(date and time(arrivalDate)), time("23:59:59"))',
  }),
  gateway('gwUnterkunftZusammen', 'Unterkunft geklärt', KI, 6),
  parallel('gwVerfahren', 'Verfahren aufteilen', KI, 7),

  // Main line: registration within 14 days (§17 BMG); reminder (level 0) at +14 days, level 2 at +21 days [A].
  userTask('anmeldung', 'Anmeldung Wohnsitz (Meldebehörde)', BZ, 8, 'buergerzentrum', due(DEADLINES.anmeldung)),
  deadline('fristAnmeldung14', '14 Tage nach Ankunft', 'anmeldung', 'top', DEADLINES.anmeldung),
  deadline('fristAnmeldung21', '21 Tage nach Ankunft', 'anmeldung', 'bottom', '=date and time(arrivalDate) + duration("P21D")'),
  serviceTask('erinnerungAnmeldung', 'Erinnerung: Anmeldung ausstehend (Stufe 0)', FRIST, 9, 'eskalationStufe0'),
  end('endErinnerungAnmeldung', 'Erinnerung versandt', FRIST, 10),
  serviceTask('eskalationAnmeldung', 'Eskalation: Anmeldung überfällig (Stufe 2)', KOORD, 9, 'eskalationStufe2'),
  end('endEskalationAnmeldung', 'Eskalation versandt', KOORD, 10),

  // Per child, by age at arrival [A]: school (level 2 four weeks after arrival), Kita (reminder after three months).
  userTask('schulzuweisung', 'Schulplatz zuweisen: ${kind.givenName}', BILDUNG, 8, 'ki-schule', due(DEADLINES.schule), perElement(COLLECTIONS.schoolChildren, 'kind')),
  deadline('fristSchule', '4 Wochen nach Ankunft ohne Schulplatz', 'schulzuweisung', 'bottom', DEADLINES.schule),
  end('endSchule', 'Schulplätze zugewiesen', BILDUNG, 9),
  serviceTask('eskalationSchule', 'Eskalation: Schulplatz nicht zugewiesen (Stufe 2)', FRIST, 11, 'eskalationStufe2'),
  end('endEskalationSchule', 'Eskalation versandt', FRIST, 12),
  userTask('kitaBedarf', 'Kita-Bedarf klären: ${kind.givenName}', BILDUNG, 10, 'fb42-jugend', due(DEADLINES.kita), perElement(COLLECTIONS.kitaChildren, 'kind')),
  deadline('fristKita', '3 Monate nach Ankunft ohne Kita-Klärung', 'kitaBedarf', 'bottom', DEADLINES.kita),
  end('endKita', 'Kita-Bedarf geklärt', BILDUNG, 11),
  serviceTask('erinnerungKita', 'Erinnerung: Kita-Bedarf offen (Stufe 0)', KOORD, 12, 'eskalationStufe0'),
  end('endErinnerungKita', 'Erinnerung versandt', KOORD, 13),

  // Integration course per adult; the entitlement lapses one year after issue (§44 Abs. 2 AufenthG): reminder 90 days before.
  // One follow-up per household: it reads the entitlement date recorded last (adults of a household usually get theirs together).
  userTask('integrationskurs', 'Integrationskurs: Berechtigung klären (${person.givenName})', KI, 8, 'cm-ki', {}, perElement(COLLECTIONS.adults, 'person')),
  gateway('gwKursberechtigung', 'Berechtigung erteilt?', KI, 9),
  userTask('kursbeginn', 'Integrationskurs: Kursbeginn nachhalten', KI, 10, 'cm-ki', due(DEADLINES.kursberechtigung)),
  deadline('fristKursberechtigung', '90 Tage vor Ablauf der Berechtigung', 'kursbeginn', 'bottom', `${DEADLINES.kursberechtigung} - duration("P90D")`),
  end('endKurs', 'Kurs begonnen', KI, 11),
  end('endKeinKurs', 'Keine Kursberechtigung', BZ, 10),
  serviceTask('erinnerungKurs', 'Erinnerung: Kursberechtigung läuft in 90 Tagen ab (Stufe 0)', FRIST, 13, 'eskalationStufe0'),
  end('endErinnerungKurs', 'Erinnerung versandt', FRIST, 14),

  // Residence-law steps by Zugangsweg.
  gateway('gwZugang', 'Zugangsweg?', BZ, 9),
  userTask('leistungspruefungEU', 'Leistungsanspruch EU-Bürger prüfen', KI, 12, 'cm-ki'),
  userTask('abhAntrag24', 'Antrag §24 AufenthG aufnehmen', ABH, 12, 'abh'),
  userTask('fiktionsbescheinigung', 'Fiktionsbescheinigung ausstellen', ABH, 13, 'abh', due(DEADLINES.fiktion)),
  // No Fiktionsbescheinigung 14 days after the application [A]: level 3 to the ABH (consent-gated) and level 2.
  deadline('fristFiktion', '14 Tage nach Antrag ohne Fiktionsbescheinigung', 'fiktionsbescheinigung', 'bottom', DEADLINES.fiktion),
  parallel('gwFiktionEskalation', 'Automatisch eskalieren', FRIST, 15),
  serviceTask('eskalationFiktionStufe2', 'Eskalation: Fiktionsbescheinigung fehlt (Stufe 2)', KOORD, 16, 'eskalationStufe2'),
  end('endEskalationFiktionStufe2', 'Eskalation versandt', KOORD, 17),
  serviceTask('eskalationFiktionAbh', 'Automatische Eskalation an die Ausländerbehörde (Stufe 3)', FRIST, 16, 'eskalationAbh'),
  gateway('gwUebermittlung', 'Einwilligung deckt Übermittlung?', FRIST, 17),
  { id: 'abhEskalationUebermitteln', kind: 'callActivity', name: 'Eskalation an die ABH (Mindestdatensatz)', lane: FRIST, col: 18,
    attrs: { calledElement: 'abh-eskalation' },
    // Exactly the minimal data set (KIM-PROCESSES.md §6): the first person's name and date of birth, the ABH file number,
    // recommended path and key deadline (none here); the child's business key is the household's.
    body: mappings([
      { businessKey: '#{execution.processBusinessKey}' },
      { sourceExpression: '=persons[1].givenName', target: 'givenName' },
      { sourceExpression: '=persons[1].familyName', target: 'familyName' },
      { sourceExpression: '=persons[1].dateOfBirth', target: 'dateOfBirth' },
      { source: 'abhAktenzeichen', target: 'abhAktenzeichen' },
      { source: 'recommendedPath', target: 'recommendedPath' },
      { source: 'keyDeadline', target: 'keyDeadline' },
    ], [{ source: 'abhRueckmeldung', target: 'abhRueckmeldung' }]) },
  end('endAbhEskalation', 'ABH hat Eskalation bearbeitet', FRIST, 19),
  userTask('interneEskalation', 'Interne Eskalation: Fiktionsbescheinigung fehlt (Stufe 2)', KOORD, 18, 'kim-koordination'),
  end('endInterneEskalation', 'Eskalation bearbeitet', KOORD, 19),
  userTask('eatAushaendigung', 'eAT aushändigen', ABH, 14, 'abh'),
  // eAT not handed out 8 weeks after ordering [A] → reminder.
  deadline('fristEat', '8 Wochen nach eAT-Bestellung', 'eatAushaendigung', 'top',
    '=date and time(if eatOrderedAt != null then eatOrderedAt else fiktionIssuedAt) + duration("P56D")'),
  serviceTask('erinnerungEat', 'Erinnerung: eAT nicht ausgehändigt (Stufe 0)', KI, 15, 'eskalationStufe0'),
  end('endErinnerungEat', 'Erinnerung versandt', BZ, 16),

  userTask('abhAktenanforderung', 'Ausländerakte anfordern', ABH, 15, 'abh'),
  gateway('gw12a', 'Wohnsitzauflage (§12a) aufheben?', ABH, 16),
  userTask('zustimmungWohnsitzauflage', 'Zustimmung zur Aufhebung der Wohnsitzauflage (§12a)', ABH, 17, 'abh', due(DEADLINES.zustimmung12a)),
  // Silence of the destination ABH for 4 weeks after the request counts as consent (§72 Abs. 3a AufenthG): the task is
  // withdrawn (interrupting) and the CM records zustimmung12a = "FINGIERT".
  deadline('fristZustimmung12a', '4 Wochen ohne Antwort', 'zustimmungWohnsitzauflage', 'top', DEADLINES.zustimmung12a, true),
  userTask('zustimmungsfiktion', 'Zustimmung gilt als erteilt: Fiktion vermerken (§72 Abs. 3a)', KI, 18, 'cm-ki'),
  gateway('gw12aZusammen', 'Wohnsitzauflage geklärt', ABH, 19),
  gateway('gwZugangZusammen', 'Aufenthaltsrechtliche Schritte erledigt', BZ, 20),

  // Benefits: the business rule (handler `leistungssystem`, configuration BENEFIT_CUTOVER_DATE / BENEFIT_LAW_IN_FORCE).
  { id: 'leistungssystem', kind: 'serviceTask', name: 'Leistungssystem bestimmen', lane: SOZ, col: 21,
    attrs: { 'camunda:type': 'external', 'camunda:topic': 'leistungssystem' } },
  userTask('leistungsantrag', 'Leistungsantrag aufnehmen', SOZ, 22, BENEFIT_OFFICE),
  gateway('gwBescheid', 'Bescheid schon erteilt?', SOZ, 23),
  userTask('leistungsbescheid', 'Leistungsbescheid erteilen', SOZ, 24, BENEFIT_OFFICE, due(DEADLINES.bescheid)),
  // SGB II / SGB XII: no decision one month after the application → reminder; AsylbLG: none after 5 working days → level 2 [A]
  // (5 working days counted as 7 calendar days; public holidays are not taken into account).
  deadline('fristBescheid', 'Kein Bescheid (AsylbLG: 5 Arbeitstage, sonst 1 Monat)', 'leistungsbescheid', 'bottom', DEADLINES.bescheid),
  gateway('gwFristBescheid', 'Leistungssystem?', FRIST, 25),
  serviceTask('eskalationBescheid', 'Eskalation: AsylbLG-Bescheid fehlt (Stufe 2)', FRIST, 26, 'eskalationStufe2'),
  end('endEskalationBescheid', 'Eskalation versandt', FRIST, 27),
  serviceTask('erinnerungBescheid', 'Erinnerung: Leistungsbescheid fehlt (Stufe 0)', KOORD, 26, 'eskalationStufe0'),
  end('endErinnerungBescheid', 'Erinnerung versandt', KOORD, 27),
  gateway('gwBescheidZusammen', 'Bescheid erteilt', SOZ, 25),
  userTask('krankenversicherung', 'Krankenversicherung klären', KI, 26, 'cm-ki'),
  // AsylbLG: after 36 months of stay the §2 AsylbLG (Analogleistungen) switch is due; this branch waits for it.
  parallel('gwAnalogleistungen', 'Frist Analogleistungen vormerken', KI, 27),
  gateway('gwAsylblg', 'Leistungen nach AsylbLG?', SOZ, 28),
  { id: 'wartenAnalogleistungen', kind: 'intermediateCatchEvent', name: '36 Monate nach Ankunft', lane: SOZ, col: 29,
    body: timerDate('=date and time(arrivalDate) + duration("P36M")') },
  userTask('wechselAsylblg2', 'Wechsel in Leistungen nach §2 AsylbLG', SOZ, 30, 'fb41-soziales'),
  end('endWechsel', 'Analogleistungen geprüft', SOZ, 31),
  end('endKeinWechsel', 'Keine AsylbLG-Frist', BZ, 29),

  userTask('erstberatung', 'Erstberatung, Verweis und Ergebnis', KI, 28, 'cm-ki'),
  gateway('gwCmIndikation', 'CM-Indikation?', KI, 29),
  { id: 'fallUebergabe', kind: 'callActivity', name: 'Warme Fallübergabe an KIM-Case-Management', lane: KI, col: 30,
    attrs: { calledElement: 'kim-case-lifecycle' },
    body: mappings([
      { businessKey: CASE_ID },
      { sourceExpression: CASE_ID, target: 'caseId' },
      { sourceExpression: '="ANKOMMEN"', target: 'referralSource' },
      { sourceExpression: '="WARME_UEBERGABE"', target: 'modality' },
      { sourceExpression: '=persons[1].givenName', target: 'givenName' },
      { sourceExpression: '=persons[1].familyName', target: 'familyName' },
      { sourceExpression: '=if uebernehmendeOrganisation != null then uebernehmendeOrganisation else "org-ki"', target: 'organisation' },
    ]) },
  end('endUebergabe', 'Übergabe an KIM-CM', KI, 31),
  end('endVerweis', 'Verweis an Fachdienst', BZ, 30),
  end('endAbgeschlossen', 'Ankommen abgeschlossen', BZ, 31),

  // `abmeldung` (WEGZUG) or `ankommensverfahrenAbbrechen` (ABBRUCH) at any time: the CM records the outcome, the
  // terminate end event ends everything still open (see the header on why not an interrupting event sub-process).
  parallel('gwWache', 'Wegzug oder Abbruch jederzeit', FRIST, 32),
  { id: 'wartenAbmeldung', kind: 'intermediateCatchEvent', name: 'Abmeldung eingegangen', lane: BZ, col: 33, body: message('Message_abmeldung') },
  userTask('wegzugAbschliessen', 'Wegzug: Verfahren abschließen', KI, 34, 'cm-ki'),
  { id: 'endWegzug', kind: 'endEvent', name: 'Wegzug', lane: KI, col: 35, body: terminate },
  { id: 'wartenAbbruch', kind: 'intermediateCatchEvent', name: 'Abbruch veranlasst', lane: KI, col: 36, body: message('Message_ankommensverfahrenAbbrechen') },
  userTask('abbruchDokumentieren', 'Abbruch dokumentieren', KI, 37, 'cm-ki'),
  { id: 'endAbbruch', kind: 'endEvent', name: 'Abbruch', lane: KI, col: 38, body: terminate },
  // The arrival phase ends at the latest 48 months after the start [A] (after the §2 AsylbLG switch at 36 months):
  // whatever is still open then ends, and with it the watch for Abmeldung / Abbruch. Relative to the start, as
  // `arrivalDate` is not known yet when the watch begins.
  { id: 'wartenAnkommensphase', kind: 'intermediateCatchEvent', name: '48 Monate nach Beginn', lane: FRIST, col: 33,
    body: `<bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P48M</bpmn:timeDuration></bpmn:timerEventDefinition>` },
  { id: 'endAnkommensphase', kind: 'endEvent', name: 'Ankommensphase beendet', lane: FRIST, col: 34, body: terminate },
];

const flows: FlowSpec[] = [
  { id: 'flowZuweisung', from: 'startZuweisung', to: 'gwEingang' },
  { id: 'flowSelbstmeldung', from: 'startSelbstmeldung', to: 'gwEingang' },
  { id: 'flowEingang', from: 'gwEingang', to: 'gwStart' },
  { id: 'flowZurErsterfassung', from: 'gwStart', to: 'ersterfassung' },
  { id: 'flowWache', from: 'gwStart', to: 'gwWache' },
  { id: 'flowAbmeldung', from: 'gwWache', to: 'wartenAbmeldung' },
  { id: 'flowAbbruch', from: 'gwWache', to: 'wartenAbbruch' },
  { id: 'flowAnkommensphase', from: 'gwWache', to: 'wartenAnkommensphase' },
  { id: 'flowAnkommensphaseBeendet', from: 'wartenAnkommensphase', to: 'endAnkommensphase' },
  { id: 'flowWegzugAbschliessen', from: 'wartenAbmeldung', to: 'wegzugAbschliessen' },
  { id: 'flowWegzug', from: 'wegzugAbschliessen', to: 'endWegzug' },
  { id: 'flowAbbruchDokumentieren', from: 'wartenAbbruch', to: 'abbruchDokumentieren' },
  { id: 'flowAbbruchDokumentiert', from: 'abbruchDokumentieren', to: 'endAbbruch' },

  { id: 'flowErsterfassung', from: 'ersterfassung', to: 'gwUnterkunft' },
  { id: 'flowKeineUnterkunft', from: 'gwUnterkunft', to: 'unterbringung', name: 'nein',
    condition: '=accommodationType = null or accommodationType = "KEINE"' },
  { id: 'flowUnterkunftVorhanden', from: 'gwUnterkunft', to: 'gwUnterkunftZusammen', name: 'ja', isDefault: true },
  { id: 'flowUntergebracht', from: 'unterbringung', to: 'gwUnterkunftZusammen' },
  { id: 'flowVerfahren', from: 'gwUnterkunftZusammen', to: 'gwVerfahren' },
  { id: 'flowZurAnmeldung', from: 'gwVerfahren', to: 'anmeldung' },
  { id: 'flowZurSchule', from: 'gwVerfahren', to: 'schulzuweisung' },
  { id: 'flowZurKita', from: 'gwVerfahren', to: 'kitaBedarf' },
  { id: 'flowZumIntegrationskurs', from: 'gwVerfahren', to: 'integrationskurs' },

  { id: 'flowErinnerungAnmeldung', from: 'fristAnmeldung14', to: 'erinnerungAnmeldung' },
  { id: 'flowErinnerungAnmeldungVersandt', from: 'erinnerungAnmeldung', to: 'endErinnerungAnmeldung' },
  { id: 'flowEskalationAnmeldung', from: 'fristAnmeldung21', to: 'eskalationAnmeldung' },
  { id: 'flowEskalationAnmeldungVersandt', from: 'eskalationAnmeldung', to: 'endEskalationAnmeldung' },

  { id: 'flowSchulenZugewiesen', from: 'schulzuweisung', to: 'endSchule' },
  { id: 'flowEskalationSchule', from: 'fristSchule', to: 'eskalationSchule' },
  { id: 'flowEskalationSchuleVersandt', from: 'eskalationSchule', to: 'endEskalationSchule' },
  { id: 'flowKitaGeklaert', from: 'kitaBedarf', to: 'endKita' },
  { id: 'flowErinnerungKita', from: 'fristKita', to: 'erinnerungKita' },
  { id: 'flowErinnerungKitaVersandt', from: 'erinnerungKita', to: 'endErinnerungKita' },

  { id: 'flowKursGeklaert', from: 'integrationskurs', to: 'gwKursberechtigung' },
  { id: 'flowKursberechtigung', from: 'gwKursberechtigung', to: 'kursbeginn', name: 'ja',
    condition: '=courseEntitlement = true and entitlementIssuedAt != null' },
  { id: 'flowKeineKursberechtigung', from: 'gwKursberechtigung', to: 'endKeinKurs', name: 'nein', isDefault: true },
  { id: 'flowKursBegonnen', from: 'kursbeginn', to: 'endKurs' },
  { id: 'flowErinnerungKurs', from: 'fristKursberechtigung', to: 'erinnerungKurs' },
  { id: 'flowErinnerungKursVersandt', from: 'erinnerungKurs', to: 'endErinnerungKurs' },

  { id: 'flowAngemeldet', from: 'anmeldung', to: 'gwZugang' },
  { id: 'flowUkraine', from: 'gwZugang', to: 'abhAntrag24', name: 'Ukraine (§24)', condition: '=arrivalChannel = "UKRAINE_24"' },
  { id: 'flowAkte', from: 'gwZugang', to: 'abhAktenanforderung', name: 'Zuweisung / Sekundärzuzug / Familiennachzug',
    condition: '=arrivalChannel = "ZUWEISUNG" or arrivalChannel = "SEKUNDAER" or arrivalChannel = "FAMILIENNACHZUG"' },
  { id: 'flowEu', from: 'gwZugang', to: 'leistungspruefungEU', name: 'EU', isDefault: true },
  { id: 'flowAntragGestellt', from: 'abhAntrag24', to: 'fiktionsbescheinigung' },
  { id: 'flowFiktionErteilt', from: 'fiktionsbescheinigung', to: 'eatAushaendigung' },
  { id: 'flowFristFiktion', from: 'fristFiktion', to: 'gwFiktionEskalation' },
  { id: 'flowFiktionStufe2', from: 'gwFiktionEskalation', to: 'eskalationFiktionStufe2' },
  { id: 'flowFiktionStufe2Versandt', from: 'eskalationFiktionStufe2', to: 'endEskalationFiktionStufe2' },
  { id: 'flowFiktionAbh', from: 'gwFiktionEskalation', to: 'eskalationFiktionAbh' },
  { id: 'flowEinwilligungGeprueft', from: 'eskalationFiktionAbh', to: 'gwUebermittlung' },
  { id: 'flowUebermittlungErlaubt', from: 'gwUebermittlung', to: 'abhEskalationUebermitteln', name: 'ja', condition: '=transferAllowed = true' },
  { id: 'flowUebermittlungGesperrt', from: 'gwUebermittlung', to: 'interneEskalation', name: 'nein', isDefault: true },
  { id: 'flowAbhEskalationBearbeitet', from: 'abhEskalationUebermitteln', to: 'endAbhEskalation' },
  { id: 'flowInterneEskalationErledigt', from: 'interneEskalation', to: 'endInterneEskalation' },
  { id: 'flowErinnerungEat', from: 'fristEat', to: 'erinnerungEat' },
  { id: 'flowErinnerungEatVersandt', from: 'erinnerungEat', to: 'endErinnerungEat' },
  { id: 'flowEatErledigt', from: 'eatAushaendigung', to: 'gwZugangZusammen' },
  { id: 'flowAkteAngefordert', from: 'abhAktenanforderung', to: 'gw12a' },
  { id: 'flow12a', from: 'gw12a', to: 'zustimmungWohnsitzauflage', name: 'ja',
    condition: '=arrivalChannel = "SEKUNDAER" and wohnsitzauflageActive = true' },
  { id: 'flowKein12a', from: 'gw12a', to: 'gw12aZusammen', name: 'nein', isDefault: true },
  { id: 'flowZustimmungBeantwortet', from: 'zustimmungWohnsitzauflage', to: 'gw12aZusammen' },
  { id: 'flowZustimmungFingiert', from: 'fristZustimmung12a', to: 'zustimmungsfiktion' },
  { id: 'flowFiktionVermerkt', from: 'zustimmungsfiktion', to: 'gw12aZusammen' },
  { id: 'flow12aGeklaert', from: 'gw12aZusammen', to: 'gwZugangZusammen' },
  { id: 'flowEuGeprueft', from: 'leistungspruefungEU', to: 'gwZugangZusammen' },

  { id: 'flowZumLeistungssystem', from: 'gwZugangZusammen', to: 'leistungssystem' },
  { id: 'flowLeistungssystemBestimmt', from: 'leistungssystem', to: 'leistungsantrag' },
  { id: 'flowAntragAufgenommen', from: 'leistungsantrag', to: 'gwBescheid' },
  { id: 'flowBescheidOffen', from: 'gwBescheid', to: 'leistungsbescheid', name: 'nein', condition: '=benefitDecisionDate = null' },
  { id: 'flowBescheidErteilt', from: 'gwBescheid', to: 'gwBescheidZusammen', name: 'ja', isDefault: true },
  { id: 'flowBescheidNachgeholt', from: 'leistungsbescheid', to: 'gwBescheidZusammen' },
  { id: 'flowFristBescheid', from: 'fristBescheid', to: 'gwFristBescheid' },
  { id: 'flowBescheidAsylblg', from: 'gwFristBescheid', to: 'eskalationBescheid', name: 'AsylbLG', condition: '=benefitSystem = "ASYLBLG"' },
  { id: 'flowBescheidSgb', from: 'gwFristBescheid', to: 'erinnerungBescheid', name: 'SGB II / SGB XII', isDefault: true },
  { id: 'flowEskalationBescheidVersandt', from: 'eskalationBescheid', to: 'endEskalationBescheid' },
  { id: 'flowErinnerungBescheidVersandt', from: 'erinnerungBescheid', to: 'endErinnerungBescheid' },
  { id: 'flowZurKrankenversicherung', from: 'gwBescheidZusammen', to: 'krankenversicherung' },
  { id: 'flowVersichert', from: 'krankenversicherung', to: 'gwAnalogleistungen' },
  { id: 'flowZurErstberatung', from: 'gwAnalogleistungen', to: 'erstberatung' },
  { id: 'flowAnalogleistungenPruefen', from: 'gwAnalogleistungen', to: 'gwAsylblg' },
  { id: 'flowAsylblg', from: 'gwAsylblg', to: 'wartenAnalogleistungen', name: 'ja', condition: '=benefitSystem = "ASYLBLG"' },
  { id: 'flowKeinAsylblg', from: 'gwAsylblg', to: 'endKeinWechsel', name: 'nein', isDefault: true },
  { id: 'flow36Monate', from: 'wartenAnalogleistungen', to: 'wechselAsylblg2' },
  { id: 'flowWechselGeprueft', from: 'wechselAsylblg2', to: 'endWechsel' },

  { id: 'flowBeraten', from: 'erstberatung', to: 'gwCmIndikation' },
  { id: 'flowCmIndikation', from: 'gwCmIndikation', to: 'fallUebergabe', name: 'ja: warme Übergabe', condition: '=ergebnis = "UEBERGABE_KIM_CM"' },
  { id: 'flowVerweis', from: 'gwCmIndikation', to: 'endVerweis', name: 'nein: Verweis an Fachdienst', condition: '=ergebnis = "VERWEIS_FACHDIENST"' },
  { id: 'flowAbgeschlossen', from: 'gwCmIndikation', to: 'endAbgeschlossen', name: 'nein: Ankommen abgeschlossen', isDefault: true },
  { id: 'flowUebergeben', from: 'fallUebergabe', to: 'endUebergabe' },
];

export const spec: DiagramSpec = {
  definitionsId: 'Definitions_ankommensverfahren',
  processId: 'ankommensverfahren',
  processName: 'Ankommensverfahren',
  participantName: 'Ankommensverfahren Herne',
  rootElements: [
    '<bpmn:message id="Message_zuweisungEingegangen" name="zuweisungEingegangen" />',
    '<bpmn:message id="Message_abmeldung" name="abmeldung" />',
    '<bpmn:message id="Message_ankommensverfahrenAbbrechen" name="ankommensverfahrenAbbrechen" />',
  ],
  lanes: [
    { id: KI, name: 'KI / Case Management' },
    { id: BZ, name: 'Bürgerzentrum' },
    { id: SOZ, name: 'Fachbereich Soziales / Jobcenter' },
    { id: ABH, name: 'Ausländerbehörde' },
    { id: BILDUNG, name: 'Schule und Kita' },
    { id: FRIST, name: 'Fristen und Eskalationen (automatisch)' },
    { id: KOORD, name: 'KIM-Koordination' },
  ],
  nodes,
  flows,
};
