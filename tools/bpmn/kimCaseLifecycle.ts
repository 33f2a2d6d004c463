/**
 * `kim-case-lifecycle` — Baustein 2, the case-management control loop (KIM-PROCESSES.md §3), as a layout
 * description. One instance per case; the business key is the case id (variable `caseId` as well).
 *
 * Erstkontakt → Intake und Einwilligung → Clearing → Assessment → Hilfeplan → Linking → Monitoring
 * (Verlaufsgespräche) → Evaluation → (new needs: back to the Hilfeplan) → Abschluss.
 *
 * Every deadline is a timer (or a task due date) with FEEL over process variables, so the process owners
 * change it in the modeler; the values marked [A] are modelling assumptions. What happens at a level of the
 * escalation ladder (§5: raise `escalationLevel`, notify the level's group, audit `ESCALATED`) is the
 * service-task handler `eskalationStufe<n>` (src/kim/escalation.ts); the service task's name is the reason.
 *
 * The end state is the variable `ergebnis`, set by camunda:outputParameter (FEEL) on the end events and on
 * `abschluss`, which also sets `deletionDueAt` = 31 Dec of the closure year + 3 years (§6) [A].
 */
import type { Field } from './forms.ts';
import { gateway, message, nonInterrupting, terminate, timerDate, timerDuration } from './elements.ts';
import type { DiagramSpec, FlowSpec, NodeSpec } from './layout.ts';

// ---------------------------------------------------------------------------------------------- forms

const LIFE_AREAS: Array<[string, string]> = [
  ['WOHNEN', 'Wohnen'], ['ARBEIT', 'Arbeit und Ausbildung'], ['SPRACHE', 'Sprache'], ['BILDUNG', 'Bildung und Schule'],
  ['GESUNDHEIT', 'Gesundheit'], ['FAMILIE', 'Familie und Kinderbetreuung'], ['FINANZEN', 'Finanzen und Leistungen'],
  ['AUFENTHALT', 'Aufenthalt'], ['TEILHABE', 'Soziale Teilhabe'],
];

const goals: Field = { key: 'goals', label: 'Ziele', type: 'list', fields: [
  { key: 'goalId', label: 'Ziel-Nr.', type: 'text', required: true },
  { key: 'lifeArea', label: 'Lebensbereich', type: 'select', values: LIFE_AREAS },
  { key: 'measure', label: 'Ziel und Maßnahme', type: 'text', required: true },
  { key: 'responsibleActor', label: 'Zuständig (Person oder Stelle)', type: 'text' },
  { key: 'dueDate', label: 'Zieldatum', type: 'date' },
  { key: 'status', label: 'Stand', type: 'select', values: [
    ['OFFEN', 'Offen'], ['IN_ARBEIT', 'In Arbeit'], ['ERREICHT', 'Erreicht'], ['NICHT_ERREICHT', 'Nicht erreicht / beendet'],
  ] },
] };

const lastContact = (label: string, required = true): Field => ({ key: 'lastContactDate', label, type: 'date', required });
const bemerkung: Field = { key: 'bemerkung', label: 'Bemerkung', type: 'textarea' };

export const forms: Record<string, Field[]> = {
  erstkontakt: [
    { key: 'caseId', label: 'Fall-ID', type: 'text', readonly: true },
    { key: 'firstContactDate', label: 'Erstgespräch geführt am', type: 'date', required: true },
    { key: 'referralSource', label: 'Zugang über', type: 'select', required: true, values: [
      ['SELBST', 'Selbstmeldung'], ['AUFSUCHEND', 'Aufsuchende Sozialarbeit'], ['JOBCENTER', 'Jobcenter'], ['JUGENDAMT', 'Jugendamt'],
      ['SCHULE', 'Schule'], ['ABH', 'Ausländerbehörde'], ['MBE_JMD', 'MBE / JMD'], ['ANKOMMEN', 'Ankommensverfahren'],
    ] },
    { key: 'modality', label: 'Zugangsweg', type: 'select', required: true, values: [
      ['WARME_UEBERGABE', 'Warme Fallübergabe'], ['TANDEM', 'Beratung im Tandem'], ['VERWEIS', 'Verweisberatung'],
    ] },
    { key: 'givenName', label: 'Vorname', type: 'text' },
    { key: 'familyName', label: 'Familienname', type: 'text' },
    { key: 'dateOfBirth', label: 'Geburtsdatum', type: 'date' },
    { key: 'interpreterNeeded', label: 'Dolmetschung erforderlich', type: 'checkbox' },
  ],
  intakeEinwilligung: [
    { key: 'intakeDate', label: 'Aufnahme (Intake) am', type: 'date', required: true },
    { key: 'processingConsent', label: 'Einwilligung in die Verarbeitung der Falldaten', type: 'select', required: true, values: [
      ['ERTEILT', 'Einwilligung erteilt'], ['VERWEIGERT', 'Keine Einwilligung (der Fall endet)'],
    ] },
    { key: 'transferConsentsRecorded', label: 'Einwilligungen zur Übermittlung (z. B. an die Ausländerbehörde) im Einwilligungsregister erfasst', type: 'checkbox' },
  ],
  clearing: [
    { key: 'caseAccepted', label: 'Case liegt vor (komplexer Unterstützungsbedarf, Case Management angezeigt)', type: 'checkbox' },
    { key: 'referralTarget', label: 'Verweis an (wenn kein Case vorliegt)', type: 'select', values: [
      ['MBE', 'Migrationsberatung für Erwachsene (MBE)'], ['JMD', 'Jugendmigrationsdienst (JMD)'], ['JOBCENTER', 'Jobcenter'],
      ['FACHDIENST', 'Anderer Fachdienst'], ['KEINER', 'Kein Verweis'],
    ] },
    { key: 'clearingNotiz', label: 'Begründung', type: 'textarea' },
  ],
  assessment: [
    { key: 'assessmentDate', label: 'Assessment abgeschlossen am', type: 'date', required: true },
    { key: 'lifeAreas', label: 'Lebensbereiche und Bedarfe', type: 'list', fields: [
      { key: 'area', label: 'Lebensbereich', type: 'select', required: true, values: LIFE_AREAS },
      { key: 'needLevel', label: 'Bedarf (0 = keiner bis 3 = hoch)', type: 'number', required: true },
    ] },
    { key: 'residenceFlags', label: 'Aufenthaltsrechtliche Hinweise (Überleitung in Baustein 3)', type: 'list', fields: [
      { key: 'flag', label: 'Hinweis', type: 'select', required: true, values: [
        ['P104C', 'Chancen-Aufenthaltsrecht (§ 104c AufenthG) läuft aus'], ['P25A', '§ 25a AufenthG möglich'],
        ['P25B', '§ 25b AufenthG möglich'], ['P60D', 'Beschäftigungsduldung (§ 60d AufenthG)'],
        ['EINBUERGERUNG', 'Einbürgerung möglich (§ 10 StAG)'], ['TITEL_LAEUFT_AB', 'Aufenthaltstitel läuft ab'],
      ] },
      { key: 'note', label: 'Erläuterung', type: 'text' },
    ] },
    // What the Baustein-3 perspective rule (src/kim/perspektive.ts) reads, handed over with the case.
    { key: 'residenceStatus', label: 'Aufenthaltsstatus', type: 'select', values: [
      ['GESTATTUNG', 'Aufenthaltsgestattung (Asylverfahren)'], ['DULDUNG', 'Duldung (§ 60a AufenthG)'], ['P60D', 'Beschäftigungsduldung (§ 60d AufenthG)'],
      ['P104C', 'Chancen-Aufenthaltsrecht (§ 104c AufenthG)'], ['P24', 'Aufenthaltserlaubnis (§ 24 AufenthG)'], ['AUFENTHALTSERLAUBNIS', 'Andere Aufenthaltserlaubnis'],
      ['NIEDERLASSUNGSERLAUBNIS', 'Niederlassungserlaubnis'], ['EU', 'Freizügigkeit (EU)'],
    ] },
    { key: 'residenceValidUntil', label: 'Aufenthaltstitel / Duldung gültig bis', type: 'date' },
    { key: 'abhAktenzeichen', label: 'Aktenzeichen der Ausländerbehörde', type: 'text' },
    { key: 'arrivalDate', label: 'In Deutschland seit', type: 'date' },
    { key: 'duldungSince', label: 'Geduldet seit', type: 'date' },
    { key: 'beschaeftigungsduldungUntil', label: 'Beschäftigungsduldung bis', type: 'date' },
    { key: 'languageLevel', label: 'Deutschkenntnisse', type: 'select', values: [['A1', 'A1'], ['A2', 'A2'], ['B1', 'B1'], ['B2', 'B2'], ['C1', 'C1'], ['C2', 'C2']] },
    { key: 'incomeShare', label: 'Lebensunterhalt aus eigenem Einkommen (Prozent)', type: 'number' },
    { key: 'schoolYears', label: 'Jahre Schulbesuch in Deutschland', type: 'number' },
    { key: 'qualification', label: 'Schul- oder Berufsabschluss in Deutschland', type: 'checkbox' },
    { key: 'minorChild', label: 'Lebt mit einem minderjährigen Kind zusammen', type: 'checkbox' },
  ],
  hilfeplan: [
    { key: 'planDate', label: 'Hilfeplan vereinbart am', type: 'date', required: true },
    goals,
  ],
  linking: [
    { key: 'referrals', label: 'Vermittlungen an Kooperationspartner', type: 'list', fields: [
      { key: 'partner', label: 'Kooperationspartner', type: 'text', required: true },
      { key: 'lifeArea', label: 'Lebensbereich', type: 'select', values: LIFE_AREAS },
      { key: 'referralDate', label: 'Vermittelt am', type: 'date' },
      { key: 'warmHandover', label: 'Begleitete (warme) Übergabe', type: 'checkbox' },
    ] },
    lastContact('Letzter Kontakt mit der ratsuchenden Person am'),
  ],
  verlaufsgespraech: [
    lastContact('Verlaufsgespräch geführt am'),
    goals,
    { key: 'allGoalsClosed', label: 'Alle Ziele abgeschlossen: Evaluation beginnen', type: 'checkbox' },
    { key: 'verlaufNotiz', label: 'Verlauf', type: 'textarea' },
  ],
  kontaktversuch: [
    lastContact('Kontakt wiederhergestellt am'),
    { key: 'kontaktversuche', label: 'Kontaktversuche (wann, wie)', type: 'textarea' },
  ],
  abschlussVorschlag: [
    { key: 'closureProposal', label: 'Vorschlag: Abschluss wegen Kontaktabbruch', type: 'select', required: true, values: [
      ['ANNEHMEN', 'Annehmen: Fall abschließen'], ['ABLEHNEN', 'Ablehnen: Kontakt besteht wieder, Fall fortführen'],
    ] },
    lastContact('Kontakt wiederhergestellt am (bei Ablehnung)', false),
    bemerkung,
  ],
  evaluation: [
    { key: 'evaluationDate', label: 'Evaluation am', type: 'date', required: true },
    goals,
    { key: 'evaluationResult', label: 'Ergebnis der Evaluation', type: 'textarea' },
    { key: 'newNeeds', label: 'Neue Bedarfe: Hilfeplan fortschreiben', type: 'checkbox' },
  ],
  abschluss: [
    { key: 'closureReason', label: 'Abschlussgrund', type: 'select', required: true, values: [
      ['ZIELE_ERREICHT', 'Ziele erreicht'], ['UEBERGANG_REGELSYSTEM', 'Übergang ins Regelsystem'], ['ABBRUCH', 'Abbruch'],
      ['KONTAKTABBRUCH', 'Kontaktabbruch'], ['WEGZUG', 'Wegzug'],
    ] },
    { key: 'closureDate', label: 'Abschlussdatum', type: 'date', required: true },
    { key: 'abschlussNotiz', label: 'Abschlussvermerk', type: 'textarea' },
  ],
  neuzuweisung: [
    { key: 'reassignedTo', label: 'Fall neu zugewiesen an (Case Manager*in, Träger)', type: 'text', required: true },
    bemerkung,
  ],
  fachaufsichtErstkontakt: [
    { key: 'supervisionNote', label: 'Veranlassung der Fachaufsicht', type: 'textarea', required: true },
  ],
};

// -------------------------------------------------------------------------------------------- diagram

const CM = 'cm-ki,cm-traeger';

/** FEEL: the date-time `duration` after the date (or date-time) in `variable`. */
const after = (variable: string, duration: string) => `=date and time(${variable}) + duration("${duration}")`;
/** Hilfeplan due: 6 weeks after intake [A]; its update after an evaluation 2 weeks after the evaluation [A]. */
const hilfeplanDue = '=date and time(if evaluationDate != null then evaluationDate else intakeDate) + duration(if evaluationDate != null then "P14D" else "P42D")';

function userTask(id: string, name: string, lane: string, col: number, group: string, extra: Record<string, string> = {}, row?: number): NodeSpec {
  const attrs: Record<string, string> = { 'camunda:candidateGroups': group, ...extra };
  if (forms[id]) attrs['camunda:formKey'] = `camunda-forms:deployment:${id}.form`;
  return { id, kind: 'userTask', name, lane, col, row, attrs };
}
/** A level of the escalation ladder (§5): the handler raises `escalationLevel`, notifies, audits; the name is the reason. */
const escalate = (id: string, level: 0 | 1 | 2 | 4, name: string, lane: string, col: number, row?: number): NodeSpec =>
  ({ id, kind: 'serviceTask', name, lane, col, row, attrs: { 'camunda:type': 'external', 'camunda:topic': `eskalationStufe${level}` } });
const end = (id: string, name: string, lane: string, col: number, row?: number, body?: string, extensions?: string): NodeSpec =>
  ({ id, kind: 'endEvent', name, lane, col, row, body, extensions });
/** camunda:outputParameter elements (FEEL values): variables set when the element completes. */
const outputs = (values: Record<string, string>) =>
  `<camunda:inputOutput>${Object.entries(values).map(([name, feel]) => `<camunda:outputParameter name="${name}">${feel.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')}</camunda:outputParameter>`).join('')}</camunda:inputOutput>`;

/** The assessment's residence facts that the Baustein-3 perspective rule reads. */
const BAUSTEIN3_FACTS = [
  'residenceStatus', 'residenceValidUntil', 'abhAktenzeichen', 'arrivalDate', 'duldungSince', 'beschaeftigungsduldungUntil',
  'languageLevel', 'incomeShare', 'schoolYears', 'qualification', 'minorChild',
];

const CASE = 'laneCm';
const CMK = 'laneCmKoordination';
const KIM = 'laneKimKoordination';
const B3 = 'laneBaustein3';

const nodes: NodeSpec[] = [
  // Access: a Fallanfrage (message, business key = case id), or the warme Fallübergabe from the Ankommensverfahren
  // (call activity: the none start). An instance runs from exactly one of them.
  { id: 'startUebergabe', kind: 'startEvent', name: 'Warme Fallübergabe aus dem Ankommensverfahren', lane: CASE, col: 0 },
  { id: 'startFallanfrage', kind: 'startEvent', name: 'Fallanfrage eingegangen', lane: CASE, col: 1, body: message('Message_fallanfrage') },
  gateway('gwEingang', 'Fall eingegangen', CASE, 2),

  // 1. Erstkontakt within 10 working days [A], modelled as 14 calendar days (P14D) since the case arrived; else level 1:
  //    the koordinierende CM-Stelle reassigns the case. Still no first appointment after 20 working days (P28D) [A]:
  //    level 2, the KIM-Koordination as Fachaufsicht.
  userTask('erstkontakt', 'Erstkontakt: Erstgespräch führen', CASE, 3, CM),
  { id: 'fristErstkontakt', kind: 'boundaryEvent', name: '10 Arbeitstage ohne Erstgespräch', attachedTo: 'erstkontakt', side: 'top', offset: -25,
    attrs: nonInterrupting, body: timerDuration('P14D') },
  { id: 'fristErstkontaktFachaufsicht', kind: 'boundaryEvent', name: '20 Arbeitstage ohne Erstgespräch', attachedTo: 'erstkontakt', side: 'top', offset: 25,
    attrs: nonInterrupting, body: timerDuration('P28D') },
  escalate('eskalationErstkontakt', 1, 'Erstgespräch nicht innerhalb von 10 Arbeitstagen (Stufe 1)', CMK, 4),
  userTask('neuzuweisung', 'Fall neu zuweisen (Stufe 1)', CMK, 5, 'cm-koordination'),
  end('endNeuzuweisung', 'Fall neu zugewiesen', CMK, 6),
  escalate('eskalationFachaufsicht', 2, 'Erstgespräch seit 20 Arbeitstagen offen (Stufe 2)', KIM, 5),
  userTask('fachaufsichtErstkontakt', 'Fachaufsicht: Erstgespräch überfällig (Stufe 2)', KIM, 6, 'kim-koordination'),
  end('endFachaufsicht', 'Fachaufsicht veranlasst', KIM, 7),

  // 2. Intake and consent to processing (the consent records for transfers are kept in the consent register, §6).
  userTask('intakeEinwilligung', 'Intake und Einwilligung', CASE, 4, CM),
  gateway('gwEinwilligung', 'Einwilligung in die Datenverarbeitung?', CASE, 5),
  end('endKeineEinwilligung', 'Keine Einwilligung (KEINE_EINWILLIGUNG)', CASE, 6, 1, terminate, outputs({ ergebnis: '="KEINE_EINWILLIGUNG"' })),

  // 3. Clearing: is it a case? If not: Verweisberatung (`referralTarget`).
  userTask('clearing', 'Clearing: Liegt ein Case vor?', CASE, 6, CM),
  gateway('gwCase', 'Case?', CASE, 7),
  end('endKeinCase', 'Kein Case, verwiesen (KEIN_CASE_VERWIESEN)', CASE, 8, 1, terminate, outputs({ ergebnis: '="KEIN_CASE_VERWIESEN"' })),

  // 4. Assessment, due 4 weeks after intake [A]; when it is due, a reminder to the case manager (level 0).
  userTask('assessment', 'Assessment: Lebenslagen und Bedarfe', CASE, 8, CM, { 'camunda:dueDate': after('intakeDate', 'P28D') }),
  { id: 'fristAssessment', kind: 'boundaryEvent', name: '4 Wochen nach Intake', attachedTo: 'assessment', side: 'bottom',
    attrs: nonInterrupting, body: timerDate(after('intakeDate', 'P28D')) },
  escalate('erinnerungAssessment', 0, 'Assessment fällig (4 Wochen nach Intake)', CASE, 9, 1),
  end('endErinnerungAssessment', 'Erinnert', CASE, 10, 1),

  // Any residence flag: the Baustein-3 handoff for this case runs on a branch of its own; the case goes on.
  gateway('gwAufenthalt', 'Aufenthaltsrechtlicher Handlungsbedarf?', CASE, 9),
  { id: 'gwBaustein3', kind: 'parallelGateway', name: 'Überleitung parallel zum Case Management', lane: CASE, col: 10, row: 2 },
  { id: 'baustein3', kind: 'callActivity', name: 'Überleitung in Baustein 3 (Verstetigung)', lane: B3, col: 11,
    attrs: { calledElement: 'baustein3-ueberleitung' },
    // The case id as business key, the owning organisation, and what the handoff needs (no case notes, no assessment, §6).
    body: [
      '<bpmn:extensionElements>',
      '  <camunda:in businessKey="=execution.processBusinessKey" />',
      '  <camunda:in sourceExpression="=if caseId != null then caseId else execution.processBusinessKey" target="caseId" />',
      ...['organisation', 'givenName', 'familyName', 'dateOfBirth', 'residenceFlags', ...BAUSTEIN3_FACTS]
        .map((v) => `  <camunda:in source="${v}" target="${v}" />`),
      '  <camunda:out source="ergebnis" target="baustein3Ergebnis" />',
      '  <camunda:out source="decision" target="baustein3Entscheidung" />',
      '</bpmn:extensionElements>',
    ].join('\n      ') },
  end('endBaustein3', 'Überleitung beendet', B3, 12),

  // 5. Hilfeplan (goals), due 6 weeks after intake [A] (an update after an evaluation: 2 weeks [A]); reminder (level 0).
  gateway('gwHilfeplan', 'Hilfeplanung', CASE, 11),
  userTask('hilfeplan', 'Hilfeplan: Ziele vereinbaren', CASE, 12, CM, { 'camunda:dueDate': hilfeplanDue }),
  { id: 'fristHilfeplan', kind: 'boundaryEvent', name: 'Hilfeplan fällig', attachedTo: 'hilfeplan', side: 'bottom',
    attrs: nonInterrupting, body: timerDate(hilfeplanDue) },
  escalate('erinnerungHilfeplan', 0, 'Hilfeplan fällig (6 Wochen nach Intake)', CASE, 13, 1),
  end('endErinnerungHilfeplan', 'Erinnert', CASE, 15, 1),

  // 6. Linking: referrals to the partners.
  userTask('linking', 'Linking: an Kooperationspartner vermitteln', CASE, 13, CM),

  // 7. Monitoring: a Verlaufsgespräch every 8 weeks (due 8 weeks after the last contact [A]). No contact for 90 days
  //    → Kontaktversuch; 180 days → proposed closure KONTAKTABBRUCH [A]. 8. Evaluation 6 months after the Hilfeplan [A]
  //    or when all goals are closed.
  gateway('gwMonitoring', 'Monitoring', CASE, 14),
  userTask('verlaufsgespraech', 'Verlaufsgespräch führen', CASE, 15, CM, { 'camunda:dueDate': after('lastContactDate', 'P56D') }),
  { id: 'fristEvaluation', kind: 'boundaryEvent', name: '6 Monate nach Hilfeplan', attachedTo: 'verlaufsgespraech', side: 'top',
    body: timerDate(after('planDate', 'P6M')) },
  { id: 'fristKontakt', kind: 'boundaryEvent', name: '90 Tage ohne Kontakt', attachedTo: 'verlaufsgespraech', side: 'bottom',
    body: timerDate(after('lastContactDate', 'P90D')) },
  gateway('gwZiele', 'Alle Ziele abgeschlossen?', CASE, 16),
  userTask('kontaktversuch', 'Kontaktversuch (90 Tage ohne Kontakt)', CASE, 17, CM, {}, 2),
  { id: 'fristKontaktabbruch', kind: 'boundaryEvent', name: '180 Tage ohne Kontakt', attachedTo: 'kontaktversuch', side: 'top',
    body: timerDate(after('lastContactDate', 'P180D')) },
  userTask('abschlussVorschlag', 'Abschluss vorgeschlagen: Kontaktabbruch (180 Tage ohne Kontakt)', CASE, 18, CM, {}, 2),
  gateway('gwVorschlag', 'Vorschlag angenommen?', CASE, 19, 2),
  gateway('gwEvaluation', 'Evaluation fällig', CASE, 17),
  userTask('evaluation', 'Evaluation', CASE, 18, CM),
  gateway('gwNeueBedarfe', 'Neue Bedarfe?', CASE, 19),

  // 9. Abschluss: closure reason and date (deletion 3 years after the end of the closure year, §6).
  gateway('gwAbschluss', 'Abschluss', CASE, 20),
  // Deletion is due 3 years after the end of the closure year (§6) [A].
  { ...userTask('abschluss', 'Fallabschluss', CASE, 21, CM),
    extensions: outputs({ ergebnis: '=closureReason', deletionDueAt: '=string(date(date(closureDate).year + 3, 12, 31))' }) },
  end('endAbschluss', 'Fall abgeschlossen', CASE, 22, undefined, terminate),

  // A consent withdrawn (the API correlates `einwilligungWiderrufen` by business key, with `withdrawnRecipient` and
  // `withdrawnConsentId`): the variables record it; the consent gate checks consent at the moment of every transfer,
  // so no transfer to that recipient follows. No wait state inside: a second withdrawal must find it ready again.
  { id: 'widerruf', kind: 'eventSubProcess', name: 'Einwilligung widerrufen', lane: CASE, row: 2, col: 0, span: 2,
    children: [
      { id: 'startWiderruf', kind: 'startEvent', name: 'Einwilligung widerrufen', col: 0, attrs: { isInterrupting: 'false' }, body: message('Message_einwilligungWiderrufen') },
      { id: 'endWiderruf', kind: 'endEvent', name: 'Widerruf vermerkt', col: 1 },
    ],
    flows: [{ id: 'flowWiderruf', from: 'startWiderruf', to: 'endWiderruf' }] },
];

const flows: FlowSpec[] = [
  { id: 'flowUebergabe', from: 'startUebergabe', to: 'gwEingang' },
  { id: 'flowFallanfrage', from: 'startFallanfrage', to: 'gwEingang' },
  { id: 'flowZumErstkontakt', from: 'gwEingang', to: 'erstkontakt' },
  { id: 'flowFristErstkontakt', from: 'fristErstkontakt', to: 'eskalationErstkontakt' },
  { id: 'flowZurNeuzuweisung', from: 'eskalationErstkontakt', to: 'neuzuweisung' },
  { id: 'flowNeuzugewiesen', from: 'neuzuweisung', to: 'endNeuzuweisung' },
  { id: 'flowFristFachaufsicht', from: 'fristErstkontaktFachaufsicht', to: 'eskalationFachaufsicht', track: 1 },
  { id: 'flowZurFachaufsicht', from: 'eskalationFachaufsicht', to: 'fachaufsichtErstkontakt' },
  { id: 'flowFachaufsichtErledigt', from: 'fachaufsichtErstkontakt', to: 'endFachaufsicht' },
  { id: 'flowErstkontaktErfolgt', from: 'erstkontakt', to: 'intakeEinwilligung' },
  { id: 'flowZurEinwilligung', from: 'intakeEinwilligung', to: 'gwEinwilligung' },
  { id: 'flowEinwilligungErteilt', from: 'gwEinwilligung', to: 'clearing', name: 'ja', condition: '=processingConsent = "ERTEILT"' },
  { id: 'flowKeineEinwilligung', from: 'gwEinwilligung', to: 'endKeineEinwilligung', name: 'nein', isDefault: true },
  { id: 'flowZumCase', from: 'clearing', to: 'gwCase' },
  { id: 'flowCase', from: 'gwCase', to: 'assessment', name: 'ja', condition: '=caseAccepted = true' },
  { id: 'flowKeinCase', from: 'gwCase', to: 'endKeinCase', name: 'nein, Verweisberatung', isDefault: true },
  { id: 'flowFristAssessment', from: 'fristAssessment', to: 'erinnerungAssessment' },
  { id: 'flowAssessmentErinnert', from: 'erinnerungAssessment', to: 'endErinnerungAssessment' },
  { id: 'flowAssessmentErledigt', from: 'assessment', to: 'gwAufenthalt' },
  { id: 'flowAufenthalt', from: 'gwAufenthalt', to: 'gwBaustein3', name: 'ja',
    condition: '=residenceFlags != null and count(residenceFlags) > 0' },
  { id: 'flowKeinAufenthalt', from: 'gwAufenthalt', to: 'gwHilfeplan', name: 'nein', isDefault: true },
  { id: 'flowZurUeberleitung', from: 'gwBaustein3', to: 'baustein3' },
  { id: 'flowCaseGehtWeiter', from: 'gwBaustein3', to: 'gwHilfeplan' },
  { id: 'flowUeberleitungBeendet', from: 'baustein3', to: 'endBaustein3' },
  { id: 'flowZumHilfeplan', from: 'gwHilfeplan', to: 'hilfeplan' },
  { id: 'flowFristHilfeplan', from: 'fristHilfeplan', to: 'erinnerungHilfeplan' },
  { id: 'flowHilfeplanErinnert', from: 'erinnerungHilfeplan', to: 'endErinnerungHilfeplan' },
  { id: 'flowHilfeplanVereinbart', from: 'hilfeplan', to: 'linking' },
  { id: 'flowVermittelt', from: 'linking', to: 'gwMonitoring' },
  { id: 'flowZumVerlaufsgespraech', from: 'gwMonitoring', to: 'verlaufsgespraech' },
  { id: 'flowGesprochen', from: 'verlaufsgespraech', to: 'gwZiele' },
  { id: 'flowZieleOffen', from: 'gwZiele', to: 'gwMonitoring', name: 'nein', isDefault: true },
  { id: 'flowZieleAbgeschlossen', from: 'gwZiele', to: 'gwEvaluation', name: 'ja', condition: '=allGoalsClosed = true' },
  { id: 'flowFristEvaluation', from: 'fristEvaluation', to: 'gwEvaluation' },
  { id: 'flowFristKontakt', from: 'fristKontakt', to: 'kontaktversuch', track: 1 },
  { id: 'flowKontaktWieder', from: 'kontaktversuch', to: 'gwMonitoring' },
  { id: 'flowFristKontaktabbruch', from: 'fristKontaktabbruch', to: 'abschlussVorschlag' },
  { id: 'flowVorschlagEntschieden', from: 'abschlussVorschlag', to: 'gwVorschlag' },
  { id: 'flowVorschlagAngenommen', from: 'gwVorschlag', to: 'gwAbschluss', name: 'ja', condition: '=closureProposal = "ANNEHMEN"' },
  { id: 'flowVorschlagAbgelehnt', from: 'gwVorschlag', to: 'gwMonitoring', name: 'nein', isDefault: true },
  { id: 'flowZurEvaluation', from: 'gwEvaluation', to: 'evaluation' },
  { id: 'flowEvaluiert', from: 'evaluation', to: 'gwNeueBedarfe' },
  { id: 'flowNeueBedarfe', from: 'gwNeueBedarfe', to: 'gwHilfeplan', name: 'ja', condition: '=newNeeds = true', loop: 'top', track: 1 },
  { id: 'flowKeineNeuenBedarfe', from: 'gwNeueBedarfe', to: 'gwAbschluss', name: 'nein', isDefault: true },
  { id: 'flowZumAbschluss', from: 'gwAbschluss', to: 'abschluss' },
  { id: 'flowAbgeschlossen', from: 'abschluss', to: 'endAbschluss' },
];

export const spec: DiagramSpec = {
  definitionsId: 'Definitions_kim_case_lifecycle',
  processId: 'kim-case-lifecycle',
  processName: 'KIM Case Management (Baustein 2)',
  participantName: 'Rechtskreisübergreifendes Case Management (KIM Baustein 2)',
  rootElements: [
    '<bpmn:message id="Message_fallanfrage" name="fallanfrage" />',
    '<bpmn:message id="Message_einwilligungWiderrufen" name="einwilligungWiderrufen" />',
  ],
  lanes: [
    { id: CASE, name: 'Case Management (KI / Träger)', rows: 3 },
    { id: CMK, name: 'CM-Koordination' },
    { id: KIM, name: 'KIM-Koordination' },
    { id: B3, name: 'Baustein 3: Ausländer- und Einbürgerungsbehörde' },
  ],
  nodes,
  flows,
};
