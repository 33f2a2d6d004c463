/**
 * `baustein3-ueberleitung` — Baustein 3: handoff to the Ausländerbehörde / Einbürgerungsbehörde
 * (KIM-PROCESSES.md §4), with the deadline ladder relative to D = `keyDeadline` (§5) and the
 * consent-gated automatic escalation (§1, §6).
 *
 * Three things run side by side after the perspective rule (`perspektivpruefung`):
 * - the handoff (lanes Case Management → Ausländer-/Einbürgerungsbehörde): documents, consent,
 *   `uebermittlungPruefen` (consent gate at the moment of the transfer), handoff, acknowledgement,
 *   appointment, application, examination, decision. Every outcome sets `ergebnis` (service task
 *   `baustein3Ergebnis`, the value named by the task id) and terminates the instance, except
 *   `KEINE_UEBERMITTLUNG` and `EINWILLIGUNG_WIDERRUFEN`: then only the internal reminders of the
 *   ladder go on (its level-3 step is blocked by the consent gate and becomes `interneEskalation`);
 * - the ladder (lane Fristenkette): intermediate timers in sequence D−120 → D−90 → D−60 → D−42 → D−14,
 *   each `timeDate` FEEL over `keyDeadline`, so a process owner changes e.g. `P42D` in the modeler.
 *   A timer already in the past fires at once, in order, once (catch-up for late cases). After each
 *   timer a gateway checks (FEEL) that there is still no application;
 * - the event sub-process on message `einwilligungWiderrufen` (non-interrupting, so a withdrawal
 *   for another recipient changes nothing): if the withdrawn consent is for the handoff recipient,
 *   it throws the process-internal message `ueberleitungBeenden`, which interrupts whatever
 *   ABH/EBH step is open (and a pending ABH escalation) → `ergebnis = EINWILLIGUNG_WIDERRUFEN`.
 *
 * Assumptions [A] live here as FEEL: 5/10 working days ≈ P7D/P14D, the task due dates.
 */
import type { Field } from './forms.ts';
import { gateway, message, nonInterrupting, parallel, terminate, timerDate, timerDuration } from './elements.ts';
import type { DiagramSpec, FlowSpec, NodeSpec } from './layout.ts';

const bemerkung: Field = { key: 'bemerkung', label: 'Bemerkung', type: 'textarea' };
const pfad: Array<[string, string]> = [
  ['P25A', '§25a AufenthG (gut integrierte Jugendliche und junge Volljährige)'],
  ['P25B', '§25b AufenthG (nachhaltige Integration)'],
  ['P25B_ABS6', '§25b Abs. 6 AufenthG (nach Beschäftigungsduldung)'],
  ['EINBUERGERUNG', 'Einbürgerung (§10 StAG)'],
];
const perspektive: Field[] = [
  { key: 'recommendedPath', label: 'Empfohlener Weg', type: 'select', values: pfad, readonly: true },
  { key: 'keyDeadline', label: 'Maßgebliche Frist (D)', type: 'date', readonly: true },
];

export const forms: Record<string, Field[]> = {
  // No field for criminal convictions (Art. 10 DSGVO) and no free text here: the list names documents only.
  unterlagen: [
    ...perspektive,
    { key: 'documents', label: 'Unterlagen', type: 'list', fields: [
      { key: 'type', label: 'Unterlage', type: 'select', required: true, values: [
        ['PASS', 'Pass oder Passersatz'], ['AUFENTHALTSDOKUMENT', 'Aufenthaltstitel / Duldung'], ['MELDEBESCHEINIGUNG', 'Meldebescheinigung'],
        ['EINKOMMENSNACHWEIS', 'Einkommensnachweis / Arbeitsvertrag'], ['SPRACHNACHWEIS', 'Sprachnachweis'],
        ['SCHULNACHWEIS', 'Schulbescheinigung / Zeugnis'], ['AUSBILDUNGSNACHWEIS', 'Ausbildungs- oder Berufsabschluss'],
        ['KRANKENVERSICHERUNG', 'Krankenversicherungsnachweis'], ['SONSTIGES', 'Sonstige Unterlage'],
      ] },
      { key: 'status', label: 'Stand', type: 'select', required: true, values: [['VORHANDEN', 'liegt vor'], ['ANGEFORDERT', 'angefordert'], ['FEHLT', 'fehlt']] },
    ] },
    { key: 'abhAktenzeichen', label: 'Aktenzeichen der Ausländerbehörde (falls bekannt)', type: 'text' },
  ],
  einwilligungAbh: [
    { key: 'handoffRecipient', label: 'Überleitung an', type: 'select', readonly: true, values: [['abh', 'Ausländerbehörde'], ['ebh', 'Einbürgerungsbehörde']] },
    { key: 'einwilligungErfasst', label: 'Einwilligung (Empfänger, Zwecke, Datenkategorien, Umfang) in der Einwilligungsverwaltung erfasst', type: 'checkbox' },
  ],
  ueberleitung: [
    ...perspektive,
    { key: 'ueberleitungAm', label: 'Übergeben am', type: 'date', required: true },
  ],
  eingangBestaetigen: [
    { key: 'acknowledgedAt', label: 'Eingang bestätigt am', type: 'date', required: true },
    { key: 'abhAktenzeichen', label: 'Aktenzeichen der Behörde', type: 'text' },
  ],
  terminVergeben: [
    { key: 'keyDeadline', label: 'Maßgebliche Frist (D): der Termin muss vor D − 14 Tagen liegen', type: 'date', readonly: true },
    { key: 'abhAppointmentDate', label: 'Termin am', type: 'date', required: true },
  ],
  antragGestellt: [
    { key: 'applicationFiledAt', label: 'Antrag gestellt am', type: 'date', required: true },
    { key: 'fiktionValidUntil', label: 'Fiktionsbescheinigung (§81 Abs. 4 AufenthG) gültig bis', type: 'date' },
  ],
  pruefung: [
    { key: 'documentsRequested', label: 'Unterlagen nachgefordert', type: 'checkbox' },
    { key: 'documentsRequestedAt', label: 'Nachgefordert am (Frist: 4 Wochen)', type: 'date' },
    { key: 'requestedDocuments', label: 'Nachgeforderte Unterlagen', type: 'text' },
  ],
  unterlagenNachreichen: [
    { key: 'requestedDocuments', label: 'Nachgeforderte Unterlagen', type: 'text', readonly: true },
    { key: 'documentsSubmittedAt', label: 'Nachgereicht am', type: 'date', required: true },
  ],
  entscheidung: [
    { key: 'decision', label: 'Entscheidung', type: 'select', required: true, values: [
      ['ERTEILT', 'Erteilt (Aufenthaltstitel / Einbürgerungszusicherung oder -urkunde)'], ['ABGELEHNT', 'Abgelehnt'], ['ZURUECKGENOMMEN', 'Antrag zurückgenommen'],
    ] },
    { key: 'decisionDate', label: 'Bescheid bekanntgegeben am', type: 'date', required: true },
    { key: 'grantedTitle', label: 'Erteilter Titel (z. B. §25b AufenthG)', type: 'text' },
  ],
  fiktionVerlaengern: [
    { key: 'fiktionValidUntil', label: 'Fiktionsbescheinigung verlängert bis', type: 'date', required: true },
  ],
  rechtsberatung: [
    { key: 'decisionDate', label: 'Ablehnung bekanntgegeben am', type: 'date', readonly: true },
    { key: 'klagefristBis', label: 'Klagefrist (§74 VwGO, ein Monat) endet am', type: 'date', readonly: true },
    { key: 'rechtsberatungVermitteltAm', label: 'Rechtsberatung vermittelt am', type: 'date', required: true },
    { key: 'rechtsberatungStelle', label: 'Beratungsstelle / Rechtsanwältin oder Rechtsanwalt', type: 'text' },
  ],
  untaetigkeitInformieren: [
    { key: 'applicationFiledAt', label: 'Einbürgerungsantrag gestellt am', type: 'date', readonly: true },
    { key: 'personInformiertAm', label: 'Person informiert am (Untätigkeitsklage nach §75 VwGO möglich)', type: 'date', required: true },
  ],
  perspektivePruefen: [
    ...perspektive,
    { key: 'perspektiveBestaetigt', label: 'Empfohlener Weg trifft weiterhin zu', type: 'checkbox' },
  ],
  // Shared with ankommensverfahren: exactly the same fields (forms are global by task id).
  interneEskalation: [bemerkung],
};

/** D − n days at 08:00, FEEL over `keyDeadline` (an ISO date). */
const beforeD = (days: number) => timerDate(`=date and time(date(keyDeadline), time("08:00:00")) - duration("P${days}D")`);

const CM = 'cm-ki,cm-traeger';
/** ABH or EBH, as the perspective rule decided. */
const BEHOERDE = '=handoffRecipient';

function userTask(id: string, name: string, lane: string, col: number, group: string, extra: Record<string, string> = {}): NodeSpec {
  const attrs: Record<string, string> = { 'camunda:candidateGroups': group, ...extra };
  if (forms[id]) attrs['camunda:formKey'] = `camunda-forms:deployment:${id}.form`;
  return { id, kind: 'userTask', name, lane, col, attrs };
}
const service = (id: string, name: string, lane: string, col: number, topic: string): NodeSpec =>
  ({ id, kind: 'serviceTask', name, lane, col, attrs: { 'camunda:type': 'external', 'camunda:topic': topic } });
/** Sets `ergebnis` from its id (`ergebnisTitelErteilt` → `TITEL_ERTEILT`). */
const ergebnis = (id: string, name: string, lane: string, col: number) => service(id, name, lane, col, 'baustein3Ergebnis');
const end = (id: string, name: string, lane: string, col: number, body?: string): NodeSpec => ({ id, kind: 'endEvent', name, lane, col, body });
const timer = (id: string, name: string, lane: string, col: number, body: string): NodeSpec => ({ id, kind: 'intermediateCatchEvent', name, lane, col, body });
/** Interrupts an ABH/EBH step when the consent for the handoff is withdrawn (thrown by the event sub-process). */
const stop = (host: string, offset = 25): NodeSpec => ({
  id: `widerruf_${host}`, kind: 'boundaryEvent', name: 'Einwilligung widerrufen', attachedTo: host, side: 'bottom', offset, body: message('Message_ueberleitungBeenden'),
});

const NOCH_KEIN_ANTRAG = '=applicationFiledAt = null';
const OFFEN = '=decision = null and ergebnis = null';

const C = 'laneCm', B = 'laneBehoerde', A = 'laneAbh', E = 'laneEbh', K = 'laneKoordination', F = 'laneFristen';

const nodes: NodeSpec[] = [
  // --- the handoff ---
  { id: 'startUeberleitung', kind: 'startEvent', name: 'Überleitung angestoßen', lane: C, col: 0 },
  service('perspektivpruefung', 'Aufenthaltsperspektive prüfen (Regel)', C, 1, 'perspektivpruefung'),
  parallel('gwStart', 'Überleitung und Fristenkette beginnen', C, 2),
  userTask('unterlagen', 'Unterlagen zusammenstellen', C, 3, CM),
  userTask('einwilligungAbh', 'Einwilligung zur Übermittlung einholen', C, 4, CM),
  service('uebermittlungPruefen', 'Einwilligung zur Überleitung prüfen', C, 5, 'uebermittlungPruefen'),
  gateway('gwUebermittlung', 'Übermittlung erlaubt?', C, 6),
  ergebnis('ergebnisKeineUebermittlung', 'Keine Übermittlung festhalten', K, 7),
  end('endKeineUebermittlung', 'Keine Übermittlung (nur interne Erinnerungen)', K, 8),
  userTask('ueberleitung', 'Fall an die Behörde überleiten', C, 7, CM),
  userTask('eingangBestaetigen', 'Eingang der Überleitung bestätigen', B, 8, BEHOERDE),
  // 5 / 10 working days ≈ 7 / 14 calendar days [A].
  { id: 'fristEingang5', kind: 'boundaryEvent', name: '5 Arbeitstage ohne Bestätigung', attachedTo: 'eingangBestaetigen', side: 'top', attrs: nonInterrupting, body: timerDuration('P7D') },
  { id: 'fristEingang10', kind: 'boundaryEvent', name: '10 Arbeitstage ohne Bestätigung', attachedTo: 'eingangBestaetigen', side: 'bottom', offset: -25, attrs: nonInterrupting, body: timerDuration('P14D') },
  stop('eingangBestaetigen'),
  service('eingangStufe0', 'Eingang nicht bestätigt: Erinnerung (Stufe 0)', C, 11, 'eskalationStufe0'),
  end('endEingangStufe0', 'Erinnert', C, 12),
  service('eingangStufe2', 'Eingang nicht bestätigt: KIM-Koordination (Stufe 2)', K, 10, 'eskalationStufe2'),
  end('endEingangStufe2', 'Eskaliert', K, 11),
  userTask('terminVergeben', 'Termin vergeben', B, 9, BEHOERDE, {
    // Before the automatic escalation at D−42 [A]; the appointment itself must lie before D−14.
    'camunda:dueDate': '=date and time(date(keyDeadline), time("08:00:00")) - duration("P42D")',
  }),
  stop('terminVergeben'),
  userTask('antragGestellt', 'Antrag und Fiktionsbescheinigung erfassen', B, 10, BEHOERDE),
  stop('antragGestellt'),
  parallel('gwAntrag', 'Antrag gestellt', B, 11),
  userTask('pruefung', 'Antrag prüfen', B, 12, BEHOERDE),
  stop('pruefung'),
  gateway('gwNachforderung', 'Unterlagen nachgefordert?', B, 13),
  userTask('unterlagenNachreichen', 'Nachgeforderte Unterlagen nachreichen', C, 14, CM, {
    'camunda:dueDate': '=date and time(date(documentsRequestedAt), time("08:00:00")) + duration("P28D")',
  }),
  stop('unterlagenNachreichen'),
  gateway('gwNachforderungErledigt', 'Unterlagen vollständig', B, 15),
  userTask('entscheidung', 'Über den Antrag entscheiden', B, 16, BEHOERDE),
  stop('entscheidung'),
  gateway('gwEntscheidung', 'Entscheidung?', B, 17),
  gateway('gwWeg', 'Aufenthaltstitel oder Einbürgerung?', A, 18),
  ergebnis('ergebnisTitelErteilt', 'Titel erteilt festhalten', A, 19),
  end('endTitelErteilt', 'Aufenthaltstitel erteilt', A, 20, terminate),
  ergebnis('ergebnisEingebuergert', 'Einbürgerung festhalten', E, 19),
  end('endEingebuergert', 'Eingebürgert', E, 20, terminate),
  ergebnis('ergebnisZurueckgezogen', 'Rücknahme festhalten', B, 18),
  end('endZurueckgezogen', 'Antrag zurückgenommen', B, 19, terminate),
  service('klagefrist', 'Klagefrist berechnen (§74 VwGO)', C, 18, 'baustein3Klagefrist'),
  userTask('rechtsberatung', 'Rechtsberatung vermitteln (Klagefrist beachten)', C, 19, CM, {
    // Within 3 working days of the decision being served.
    'camunda:dueDate': '=date and time(date(decisionDate), time("16:00:00")) + duration(if day of week(date(decisionDate)) in ["Wednesday", "Thursday", "Friday"] then "P5D" else if day of week(date(decisionDate)) = "Saturday" then "P4D" else "P3D")',
  }),
  ergebnis('ergebnisAbgelehntVerwiesen', 'Ablehnung und Verweis festhalten', C, 20),
  end('endAbgelehnt', 'Abgelehnt, an Rechtsberatung verwiesen', C, 21, terminate),
  // Withdrawn consent for the handoff recipient: the open ABH/EBH step ends; internal reminders go on.
  gateway('gwWiderrufen', 'Überleitung beendet', C, 22),
  ergebnis('ergebnisEinwilligungWiderrufen', 'Widerruf festhalten', C, 23),
  end('endEinwilligungWiderrufen', 'Einwilligung widerrufen: keine weitere Übermittlung', C, 24),

  // --- after the application: Fiktionsbescheinigung (ABH) or 6 months without decision (EBH) ---
  gateway('gwUeberwachung', 'Welche Frist überwachen?', A, 12),
  end('endKeineUeberwachung', 'Keine Fristüberwachung', K, 13),
  timer('fristFiktion', '14 Tage vor Ablauf der Fiktionsbescheinigung', A, 13,
    timerDate('=date and time(date(fiktionValidUntil), time("08:00:00")) - duration("P14D")')),
  gateway('gwFiktionOffen', 'Noch keine Entscheidung?', A, 14),
  end('endFiktionEntbehrlich', 'Bereits entschieden', A, 15),
  userTask('fiktionVerlaengern', 'Fiktionsbescheinigung verlängern', A, 16, 'abh'),
  stop('fiktionVerlaengern'),
  end('endFiktion', 'Fiktion verlängert', A, 17),
  timer('fristEinbuergerung', '6 Monate nach Antragstellung', E, 13,
    timerDate('=date and time(date(applicationFiledAt), time("08:00:00")) + duration("P6M")')),
  gateway('gwEinbuergerungOffen', 'Noch keine Entscheidung?', E, 14),
  service('einbuergerungStufe2', 'Einbürgerung: 6 Monate ohne Entscheidung (Stufe 2)', E, 15, 'eskalationStufe2'),
  end('endEinbuergerungEntschieden', 'Entschieden', E, 16),
  userTask('untaetigkeitInformieren', 'Person informieren: Untätigkeitsklage möglich (§75 VwGO)', C, 16, CM),
  end('endUntaetigkeitInformiert', 'Person informiert', C, 17),

  // --- the deadline ladder relative to D = keyDeadline (§5) ---
  gateway('gwFrist', 'Frist D bekannt?', F, 3),
  end('endOhneFrist', 'Keine Frist: keine Fristenkette', K, 4),
  timer('frist120', 'D − 120 Tage', F, 4, beforeD(120)),
  gateway('gwFrist120', 'Noch kein Antrag?', F, 5),
  end('endFrist120', 'Antrag gestellt', K, 6),
  parallel('gwPerspektive', 'Perspektive prüfen lassen', F, 8),
  userTask('perspektivePruefen', 'D−120: Aufenthaltsperspektive prüfen', C, 9, CM, {
    'camunda:dueDate': '=date and time(date(keyDeadline), time("08:00:00")) - duration("P90D")',
  }),
  end('endPerspektiveGeprueft', 'Perspektive geprüft', C, 10),
  timer('frist90', 'D − 90 Tage', F, 9, beforeD(90)),
  gateway('gwFrist90', 'Noch kein Antrag?', F, 10),
  end('endFrist90', 'Antrag gestellt', K, 12),
  service('stufe0', 'D−90: Erinnerung an das Case Management (Stufe 0)', F, 12, 'eskalationStufe0'),
  timer('frist60', 'D − 60 Tage', F, 13, beforeD(60)),
  gateway('gwFrist60', 'Noch kein Antrag?', F, 14),
  end('endFrist60', 'Antrag gestellt', K, 15),
  service('stufe1', 'D−60 ohne Antrag: koordinierende CM-Stelle (Stufe 1)', F, 15, 'eskalationStufe1'),
  service('stufe2', 'D−60 ohne Antrag: KIM-Koordination (Stufe 2)', F, 16, 'eskalationStufe2'),
  timer('frist42', 'D − 42 Tage', F, 22, beforeD(42)),
  gateway('gwFrist42', 'Noch kein Antrag?', F, 23),
  end('endFrist42', 'Antrag gestellt', K, 24),
  // Level 3: the consent gate decides at this moment (recipient abh, scope DEADLINE_ESCALATION).
  service('eskalationAbh', 'D−42 ohne Antrag: automatische Eskalation an die Ausländerbehörde (Stufe 3)', F, 24, 'eskalationAbh'),
  parallel('gwStufe3', 'Stufe 3 und weiter', F, 25),
  gateway('gwAbhErlaubt', 'Übermittlung an die Ausländerbehörde erlaubt?', K, 26),
  {
    id: 'abhEskalation', kind: 'callActivity', name: 'Eskalation an die Ausländerbehörde (Mindestdatensatz)', lane: A, col: 27,
    attrs: { calledElement: 'abh-eskalation' },
    // Exactly the minimal data set (§6), nothing else; the child's business key is the case id.
    body: ['<bpmn:extensionElements>',
      '<camunda:in businessKey="=if caseId = null then execution.processBusinessKey else caseId" />',
      ...['givenName', 'familyName', 'dateOfBirth', 'abhAktenzeichen', 'recommendedPath', 'keyDeadline'].map((v) => `<camunda:in source="${v}" target="${v}" />`),
      '<camunda:out source="abhRueckmeldung" target="abhRueckmeldung" />',
      '</bpmn:extensionElements>'].join(''),
  },
  stop('abhEskalation'),
  end('endAbhEskalation', 'Eskalation von der Ausländerbehörde bearbeitet', A, 28),
  end('endAbhEskalationAbgebrochen', 'Eskalation wegen Widerruf abgebrochen', A, 29),
  userTask('interneEskalation', 'Interne Eskalation: Frist D gefährdet, keine Einwilligung zur Übermittlung (Stufe 2)', K, 27, 'kim-koordination'),
  end('endInterneEskalation', 'Interne Eskalation bearbeitet', K, 28),
  timer('frist14', 'D − 14 Tage', F, 29, beforeD(14)),
  gateway('gwFrist14', 'Ohne Termin oder Eingangsbestätigung?', F, 30),
  end('endFrist14', 'Termin vergeben', K, 31),
  service('stufe4', 'D−14 ohne Termin: Leitungsrunde ABH/KI (Stufe 4)', F, 31, 'eskalationStufe4'),
  end('endFristenkette', 'Fristenkette abgeschlossen', F, 32),

  // --- withdrawal of a consent (message correlated by the case id) ---
  {
    id: 'widerrufBehandeln', kind: 'eventSubProcess', name: 'Einwilligung widerrufen', lane: C, col: 25, span: 5,
    children: [
      { id: 'startWiderruf', kind: 'startEvent', name: 'Einwilligung widerrufen', col: 0, attrs: { isInterrupting: 'false' }, body: message('Message_einwilligungWiderrufen') },
      gateway('gwWiderrufBetroffen', 'Empfänger der Überleitung betroffen?', C, 1),
      end('endWiderrufNichtBetroffen', 'Überleitung nicht betroffen', C, 2),
      { id: 'ueberleitungBeenden', kind: 'intermediateThrowEvent', name: 'Überleitung beenden', col: 3, body: message('Message_ueberleitungBeenden') },
      end('endWiderrufUmgesetzt', 'Übermittlung gestoppt', C, 4),
    ],
    flows: [
      { id: 'flowWiderrufPruefen', from: 'startWiderruf', to: 'gwWiderrufBetroffen' },
      { id: 'flowWiderrufNichtBetroffen', from: 'gwWiderrufBetroffen', to: 'endWiderrufNichtBetroffen', name: 'nein', isDefault: true },
      { id: 'flowWiderrufBetroffen', from: 'gwWiderrufBetroffen', to: 'ueberleitungBeenden', name: 'ja', condition: '=withdrawnRecipient = handoffRecipient' },
      { id: 'flowWiderrufUmgesetzt', from: 'ueberleitungBeenden', to: 'endWiderrufUmgesetzt' },
    ],
  },
];

const flows: FlowSpec[] = [
  { id: 'flowZurPerspektive', from: 'startUeberleitung', to: 'perspektivpruefung' },
  { id: 'flowPerspektiveGeprueft', from: 'perspektivpruefung', to: 'gwStart' },
  { id: 'flowZuUnterlagen', from: 'gwStart', to: 'unterlagen' },
  { id: 'flowZurFristenkette', from: 'gwStart', to: 'gwFrist' },
  { id: 'flowUnterlagenVollstaendig', from: 'unterlagen', to: 'einwilligungAbh' },
  { id: 'flowEinwilligungEingeholt', from: 'einwilligungAbh', to: 'uebermittlungPruefen' },
  { id: 'flowEinwilligungGeprueft', from: 'uebermittlungPruefen', to: 'gwUebermittlung' },
  { id: 'flowUebermittlungErlaubt', from: 'gwUebermittlung', to: 'ueberleitung', name: 'ja', condition: '=transferAllowed = true' },
  { id: 'flowKeineUebermittlung', from: 'gwUebermittlung', to: 'ergebnisKeineUebermittlung', name: 'nein', isDefault: true },
  { id: 'flowKeineUebermittlungFestgehalten', from: 'ergebnisKeineUebermittlung', to: 'endKeineUebermittlung' },
  { id: 'flowUebergeleitet', from: 'ueberleitung', to: 'eingangBestaetigen' },
  { id: 'flowEingang5', from: 'fristEingang5', to: 'eingangStufe0' },
  { id: 'flowEingangStufe0', from: 'eingangStufe0', to: 'endEingangStufe0' },
  { id: 'flowEingang10', from: 'fristEingang10', to: 'eingangStufe2' },
  { id: 'flowEingangStufe2', from: 'eingangStufe2', to: 'endEingangStufe2' },
  { id: 'flowEingangBestaetigt', from: 'eingangBestaetigen', to: 'terminVergeben' },
  { id: 'flowTerminVergeben', from: 'terminVergeben', to: 'antragGestellt' },
  { id: 'flowAntragErfasst', from: 'antragGestellt', to: 'gwAntrag' },
  { id: 'flowZurPruefung', from: 'gwAntrag', to: 'pruefung' },
  { id: 'flowZurUeberwachung', from: 'gwAntrag', to: 'gwUeberwachung' },
  { id: 'flowGeprueft', from: 'pruefung', to: 'gwNachforderung' },
  { id: 'flowNachforderung', from: 'gwNachforderung', to: 'unterlagenNachreichen', name: 'ja', condition: '=documentsRequested = true' },
  { id: 'flowKeineNachforderung', from: 'gwNachforderung', to: 'gwNachforderungErledigt', name: 'nein', isDefault: true },
  { id: 'flowNachgereicht', from: 'unterlagenNachreichen', to: 'gwNachforderungErledigt' },
  { id: 'flowZurEntscheidung', from: 'gwNachforderungErledigt', to: 'entscheidung' },
  { id: 'flowEntschieden', from: 'entscheidung', to: 'gwEntscheidung' },
  { id: 'flowErteilt', from: 'gwEntscheidung', to: 'gwWeg', name: 'erteilt', condition: '=decision = "ERTEILT"' },
  { id: 'flowAbgelehnt', from: 'gwEntscheidung', to: 'klagefrist', name: 'abgelehnt', condition: '=decision = "ABGELEHNT"' },
  { id: 'flowZurueckgenommen', from: 'gwEntscheidung', to: 'ergebnisZurueckgezogen', name: 'zurückgenommen', isDefault: true },
  { id: 'flowEinbuergerung', from: 'gwWeg', to: 'ergebnisEingebuergert', name: 'Einbürgerung', condition: '=handoffRecipient = "ebh"' },
  { id: 'flowTitel', from: 'gwWeg', to: 'ergebnisTitelErteilt', name: 'Aufenthaltstitel', isDefault: true },
  { id: 'flowTitelFestgehalten', from: 'ergebnisTitelErteilt', to: 'endTitelErteilt' },
  { id: 'flowEinbuergerungFestgehalten', from: 'ergebnisEingebuergert', to: 'endEingebuergert' },
  { id: 'flowRuecknahmeFestgehalten', from: 'ergebnisZurueckgezogen', to: 'endZurueckgezogen' },
  { id: 'flowKlagefristBerechnet', from: 'klagefrist', to: 'rechtsberatung' },
  { id: 'flowRechtsberatungVermittelt', from: 'rechtsberatung', to: 'ergebnisAbgelehntVerwiesen' },
  { id: 'flowAblehnungFestgehalten', from: 'ergebnisAbgelehntVerwiesen', to: 'endAbgelehnt' },
  ...['eingangBestaetigen', 'terminVergeben', 'antragGestellt', 'pruefung', 'unterlagenNachreichen', 'entscheidung', 'fiktionVerlaengern']
    .map((host): FlowSpec => ({ id: `flowWiderruf_${host}`, from: `widerruf_${host}`, to: 'gwWiderrufen' })),
  { id: 'flowWiderrufen', from: 'gwWiderrufen', to: 'ergebnisEinwilligungWiderrufen' },
  { id: 'flowWiderrufFestgehalten', from: 'ergebnisEinwilligungWiderrufen', to: 'endEinwilligungWiderrufen' },

  { id: 'flowFiktionUeberwachen', from: 'gwUeberwachung', to: 'fristFiktion', name: 'Fiktionsbescheinigung', condition: '=handoffRecipient = "abh" and fiktionValidUntil != null' },
  { id: 'flowEinbuergerungUeberwachen', from: 'gwUeberwachung', to: 'fristEinbuergerung', name: 'Einbürgerung', condition: '=handoffRecipient = "ebh"' },
  { id: 'flowNichtsUeberwachen', from: 'gwUeberwachung', to: 'endKeineUeberwachung', name: 'keine', isDefault: true },
  { id: 'flowFiktionLaeuftAb', from: 'fristFiktion', to: 'gwFiktionOffen' },
  { id: 'flowFiktionVerlaengern', from: 'gwFiktionOffen', to: 'fiktionVerlaengern', name: 'ja', condition: OFFEN },
  { id: 'flowFiktionEntbehrlich', from: 'gwFiktionOffen', to: 'endFiktionEntbehrlich', name: 'nein', isDefault: true },
  { id: 'flowFiktionVerlaengert', from: 'fiktionVerlaengern', to: 'endFiktion' },
  { id: 'flowSechsMonate', from: 'fristEinbuergerung', to: 'gwEinbuergerungOffen' },
  { id: 'flowEinbuergerungUntaetig', from: 'gwEinbuergerungOffen', to: 'einbuergerungStufe2', name: 'ja', condition: OFFEN },
  { id: 'flowEinbuergerungEntschieden', from: 'gwEinbuergerungOffen', to: 'endEinbuergerungEntschieden', name: 'nein', isDefault: true },
  { id: 'flowUntaetigkeitMelden', from: 'einbuergerungStufe2', to: 'untaetigkeitInformieren' },
  { id: 'flowUntaetigkeitInformiert', from: 'untaetigkeitInformieren', to: 'endUntaetigkeitInformiert' },

  { id: 'flowFristBekannt', from: 'gwFrist', to: 'frist120', name: 'ja', condition: '=keyDeadline != null' },
  { id: 'flowKeineFrist', from: 'gwFrist', to: 'endOhneFrist', name: 'nein', isDefault: true },
  { id: 'flowD120', from: 'frist120', to: 'gwFrist120' },
  { id: 'flowD120Offen', from: 'gwFrist120', to: 'gwPerspektive', name: 'ja', condition: NOCH_KEIN_ANTRAG },
  { id: 'flowD120Gestellt', from: 'gwFrist120', to: 'endFrist120', name: 'nein', isDefault: true },
  { id: 'flowPerspektivePruefen', from: 'gwPerspektive', to: 'perspektivePruefen' },
  { id: 'flowPerspektiveGeprueftEnde', from: 'perspektivePruefen', to: 'endPerspektiveGeprueft' },
  { id: 'flowWeiterZuD90', from: 'gwPerspektive', to: 'frist90' },
  { id: 'flowD90', from: 'frist90', to: 'gwFrist90' },
  { id: 'flowD90Offen', from: 'gwFrist90', to: 'stufe0', name: 'ja', condition: NOCH_KEIN_ANTRAG },
  { id: 'flowD90Gestellt', from: 'gwFrist90', to: 'endFrist90', name: 'nein', isDefault: true },
  { id: 'flowWeiterZuD60', from: 'stufe0', to: 'frist60' },
  { id: 'flowD60', from: 'frist60', to: 'gwFrist60' },
  { id: 'flowD60Offen', from: 'gwFrist60', to: 'stufe1', name: 'ja', condition: NOCH_KEIN_ANTRAG },
  { id: 'flowD60Gestellt', from: 'gwFrist60', to: 'endFrist60', name: 'nein', isDefault: true },
  { id: 'flowStufe1Stufe2', from: 'stufe1', to: 'stufe2' },
  { id: 'flowWeiterZuD42', from: 'stufe2', to: 'frist42' },
  { id: 'flowD42', from: 'frist42', to: 'gwFrist42' },
  { id: 'flowD42Offen', from: 'gwFrist42', to: 'eskalationAbh', name: 'ja', condition: NOCH_KEIN_ANTRAG },
  { id: 'flowD42Gestellt', from: 'gwFrist42', to: 'endFrist42', name: 'nein', isDefault: true },
  { id: 'flowStufe3Geprueft', from: 'eskalationAbh', to: 'gwStufe3' },
  { id: 'flowStufe3Ergebnis', from: 'gwStufe3', to: 'gwAbhErlaubt' },
  { id: 'flowAbhErlaubt', from: 'gwAbhErlaubt', to: 'abhEskalation', name: 'ja', condition: '=transferAllowed = true' },
  { id: 'flowAbhBlockiert', from: 'gwAbhErlaubt', to: 'interneEskalation', name: 'nein', isDefault: true },
  { id: 'flowAbhEskalationBearbeitet', from: 'abhEskalation', to: 'endAbhEskalation' },
  { id: 'flowWiderruf_abhEskalation', from: 'widerruf_abhEskalation', to: 'endAbhEskalationAbgebrochen' },
  { id: 'flowInterneEskalationBearbeitet', from: 'interneEskalation', to: 'endInterneEskalation' },
  { id: 'flowWeiterZuD14', from: 'gwStufe3', to: 'frist14' },
  { id: 'flowD14', from: 'frist14', to: 'gwFrist14' },
  { id: 'flowD14Offen', from: 'gwFrist14', to: 'stufe4', name: 'ja', condition: '=applicationFiledAt = null and (abhAppointmentDate = null or acknowledgedAt = null)' },
  { id: 'flowD14Erledigt', from: 'gwFrist14', to: 'endFrist14', name: 'nein', isDefault: true },
  { id: 'flowStufe4', from: 'stufe4', to: 'endFristenkette' },
];

export const spec: DiagramSpec = {
  definitionsId: 'Definitions_baustein3_ueberleitung',
  processId: 'baustein3-ueberleitung',
  processName: 'Baustein 3: Überleitung an Ausländer- und Einbürgerungsbehörde',
  participantName: 'Baustein 3: Rechtliche Verstetigung (Überleitung)',
  rootElements: [
    '<bpmn:message id="Message_einwilligungWiderrufen" name="einwilligungWiderrufen" />',
    // Thrown inside the instance only (event sub-process → boundary events of the ABH/EBH steps).
    '<bpmn:message id="Message_ueberleitungBeenden" name="ueberleitungBeenden" />',
  ],
  lanes: [
    { id: C, name: 'Case Management (KI / Träger)' },
    { id: B, name: 'Ausländerbehörde / Einbürgerungsbehörde (je nach Weg)' },
    { id: A, name: 'Ausländerbehörde' },
    { id: E, name: 'Einbürgerungsbehörde' },
    { id: K, name: 'KIM-Koordination' },
    { id: F, name: 'Fristenkette relativ zu D (automatisch)' },
  ],
  nodes,
  flows,
};
