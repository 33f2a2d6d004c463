/**
 * `ankommensverfahren` — the arrival procedure (KIM-PROCESSES.md §2), as a layout description.
 * Lanes top to bottom; columns left to right. Deadlines are timers with FEEL over process variables,
 * so a process owner can change them in the modeler.
 */
import type { DiagramSpec, FlowSpec, NodeSpec } from './layout.ts';
import { FORMS } from './ankommensverfahrenForms.ts';

export const forms = FORMS;

const timerDate = (feel: string) => `<bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">${feel}</bpmn:timeDate></bpmn:timerEventDefinition>`;
const timerDuration = (iso: string) => `<bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${iso}</bpmn:timeDuration></bpmn:timerEventDefinition>`;
const message = (ref: string) => `<bpmn:messageEventDefinition messageRef="${ref}" />`;

/** A user task for a candidate group, with its form when one is described. */
function userTask(id: string, name: string, lane: string, col: number, group: string, extra: Record<string, string> = {}): NodeSpec {
  const attrs: Record<string, string> = { 'camunda:candidateGroups': group, ...extra };
  if (FORMS[id]) attrs['camunda:formKey'] = `camunda-forms:deployment:${id}.form`;
  return { id, kind: 'userTask', name, lane, col, attrs };
}
const end = (id: string, name: string, lane: string, col: number, body?: string): NodeSpec => ({ id, kind: 'endEvent', name, lane, col, body });
const terminate = '<bpmn:terminateEventDefinition />';
const gateway = (id: string, name: string, lane: string, col: number): NodeSpec => ({ id, kind: 'exclusiveGateway', name, lane, col });
const nonInterrupting = { cancelActivity: 'false' };

const nodes: NodeSpec[] = [
  { id: 'startZuweisung', kind: 'startEvent', name: 'Zuweisung eingegangen', lane: 'laneKi', col: 0, body: message('Message_zuweisungEingegangen') },
  // A plain start over the API counts as Selbstmeldung.
  { id: 'startSelbstmeldung', kind: 'startEvent', name: 'Selbstmeldung', lane: 'laneBuergerzentrum', col: 0 },
  gateway('gwEingang', 'Fall eingegangen', 'laneKi', 1),
  { id: 'gwParallel', kind: 'parallelGateway', name: 'Verfahren beginnen', lane: 'laneKi', col: 2 },
  userTask('ersterfassung', 'Ersterfassung Haushalt und Personen', 'laneKi', 3, 'cm-ki'),
  gateway('gwUnterkunft', 'Unterkunft vorhanden?', 'laneKi', 4),
  userTask('unterbringung', 'Unterbringung sicherstellen', 'laneSoziales', 5, 'fb41-soziales', {
    // Due on the day of arrival [A].
    'camunda:dueDate': '=date and time(date(date and time(arrivalDate)), time("23:59:59"))',
  }),
  gateway('gwUnterkunftZusammen', 'Unterkunft geklärt', 'laneBuergerzentrum', 6),
  userTask('anmeldung', 'Anmeldung Wohnsitz (Meldebehörde)', 'laneBuergerzentrum', 7, 'buergerzentrum'),
  // §17 BMG: registration within 14 days of moving in; reminder (level 0) at +14 days, level 2 at +21 days [A].
  { id: 'fristAnmeldung14', kind: 'boundaryEvent', name: '14 Tage nach Ankunft', attachedTo: 'anmeldung', side: 'top', attrs: nonInterrupting,
    body: timerDate('=date and time(arrivalDate) + duration("P14D")') },
  { id: 'fristAnmeldung21', kind: 'boundaryEvent', name: '21 Tage nach Ankunft', attachedTo: 'anmeldung', side: 'bottom', attrs: nonInterrupting,
    body: timerDate('=date and time(arrivalDate) + duration("P21D")') },
  userTask('erinnerungAnmeldung', 'Erinnerung: Anmeldung ausstehend (Stufe 0)', 'laneKi', 8, 'cm-ki'),
  end('endErinnerung', 'Erinnerung bearbeitet', 'laneKi', 9),
  userTask('eskalationAnmeldung', 'Eskalation: Anmeldung überfällig (Stufe 2)', 'laneKoordination', 8, 'kim-koordination'),
  end('endEskalationAnmeldung', 'Eskalation bearbeitet', 'laneKoordination', 9),
  gateway('gwZugang', 'Zugangsweg?', 'laneBuergerzentrum', 8),
  userTask('abhAntrag24', 'Antrag §24 AufenthG aufnehmen', 'laneAbh', 9, 'abh'),
  userTask('fiktionsbescheinigung', 'Fiktionsbescheinigung ausstellen', 'laneAbh', 10, 'abh'),
  // No Fiktionsbescheinigung 14 days after the application [A].
  // TODO(consent gate): this branch becomes the consent-gated automatic escalation — `abhEskalation` (abh, level 3,
  // minimal data set, mailbox notification, audit ESCALATED_TO_ABH) plus level 2 to the KIM-Koordination; without
  // covering consent TRANSFER_BLOCKED and `interneEskalation`. Until the consent gate exists: `interneEskalation` only.
  { id: 'fristFiktion', kind: 'boundaryEvent', name: '14 Tage ohne Fiktionsbescheinigung', attachedTo: 'fiktionsbescheinigung', side: 'bottom',
    attrs: nonInterrupting, body: timerDuration('P14D') },
  userTask('interneEskalation', 'Interne Eskalation: Fiktionsbescheinigung fehlt (Stufe 2)', 'laneKoordination', 11, 'kim-koordination'),
  end('endInterneEskalation', 'Eskalation bearbeitet', 'laneKoordination', 12),
  userTask('eatAushaendigung', 'eAT bestellen und aushändigen', 'laneAbh', 11, 'abh'),
  userTask('abhAktenanforderung', 'Ausländerakte anfordern', 'laneAbh', 12, 'abh'),
  userTask('leistungspruefungEU', 'Leistungsanspruch EU-Bürger prüfen', 'laneKi', 10, 'cm-ki'),
  gateway('gwZugangZusammen', 'Aufenthaltsrechtliche Schritte erledigt', 'laneBuergerzentrum', 13),
  // Business rule run as a job; the handler (topic `leistungssystem`) sets `benefitSystem`.
  { id: 'leistungssystem', kind: 'serviceTask', name: 'Leistungssystem bestimmen', lane: 'laneSoziales', col: 14,
    attrs: { 'camunda:type': 'external', 'camunda:topic': 'leistungssystem' } },
  userTask('leistungsantrag', 'Leistungsantrag bearbeiten', 'laneSoziales', 15, '=if benefitSystem = "SGB2" then "jobcenter" else "fb41-soziales"'),
  userTask('krankenversicherung', 'Krankenversicherung klären', 'laneKi', 16, 'cm-ki'),
  userTask('integrationskurs', 'Integrationskurs: Berechtigung klären', 'laneKi', 17, 'cm-ki'),
  userTask('erstberatung', 'Erstberatung und Verweis (MBE/JMD)', 'laneKi', 18, 'cm-ki'),
  gateway('gwCmIndikation', 'CM-Indikation?', 'laneKi', 19),
  end('endVerweis', 'Verweis an Fachdienst', 'laneKi', 20, terminate),
  end('endUebergabe', 'Übergabe an KIM-CM', 'laneKi', 21, terminate),
  // `abmeldung` at any time ends the procedure (WEGZUG): a parallel branch waits for it; every outcome terminates.
  { id: 'wartenAbmeldung', kind: 'intermediateCatchEvent', name: 'Abmeldung eingegangen', lane: 'laneBuergerzentrum', col: 3, body: message('Message_abmeldung') },
  end('endWegzug', 'Wegzug', 'laneBuergerzentrum', 4, terminate),
];

const flows: FlowSpec[] = [
  { id: 'flowZuweisung', from: 'startZuweisung', to: 'gwEingang' },
  { id: 'flowSelbstmeldung', from: 'startSelbstmeldung', to: 'gwEingang' },
  { id: 'flowEingang', from: 'gwEingang', to: 'gwParallel' },
  { id: 'flowZurErsterfassung', from: 'gwParallel', to: 'ersterfassung' },
  { id: 'flowAbmeldungAbwarten', from: 'gwParallel', to: 'wartenAbmeldung' },
  { id: 'flowWegzug', from: 'wartenAbmeldung', to: 'endWegzug' },
  { id: 'flowErsterfassung', from: 'ersterfassung', to: 'gwUnterkunft' },
  { id: 'flowKeineUnterkunft', from: 'gwUnterkunft', to: 'unterbringung', name: 'nein',
    condition: '=accommodationType = null or accommodationType = "KEINE"' },
  { id: 'flowUnterkunftVorhanden', from: 'gwUnterkunft', to: 'gwUnterkunftZusammen', name: 'ja', isDefault: true },
  { id: 'flowUntergebracht', from: 'unterbringung', to: 'gwUnterkunftZusammen' },
  { id: 'flowZurAnmeldung', from: 'gwUnterkunftZusammen', to: 'anmeldung' },
  { id: 'flowErinnerung', from: 'fristAnmeldung14', to: 'erinnerungAnmeldung' },
  { id: 'flowErinnerungErledigt', from: 'erinnerungAnmeldung', to: 'endErinnerung' },
  { id: 'flowEskalation', from: 'fristAnmeldung21', to: 'eskalationAnmeldung' },
  { id: 'flowEskalationErledigt', from: 'eskalationAnmeldung', to: 'endEskalationAnmeldung' },
  { id: 'flowAngemeldet', from: 'anmeldung', to: 'gwZugang' },
  { id: 'flowUkraine', from: 'gwZugang', to: 'abhAntrag24', name: 'Ukraine (§24)', condition: '=arrivalChannel = "UKRAINE_24"' },
  { id: 'flowAsylSekundaer', from: 'gwZugang', to: 'abhAktenanforderung', name: 'Zuweisung / Sekundärzuzug',
    condition: '=arrivalChannel = "ZUWEISUNG" or arrivalChannel = "SEKUNDAER"' },
  { id: 'flowEuSonstige', from: 'gwZugang', to: 'leistungspruefungEU', name: 'EU / sonstige', isDefault: true },
  { id: 'flowAntragGestellt', from: 'abhAntrag24', to: 'fiktionsbescheinigung' },
  { id: 'flowFiktionErteilt', from: 'fiktionsbescheinigung', to: 'eatAushaendigung' },
  { id: 'flowFristFiktion', from: 'fristFiktion', to: 'interneEskalation' },
  { id: 'flowInterneEskalationErledigt', from: 'interneEskalation', to: 'endInterneEskalation' },
  { id: 'flowEatErledigt', from: 'eatAushaendigung', to: 'gwZugangZusammen' },
  { id: 'flowAkteAngefordert', from: 'abhAktenanforderung', to: 'gwZugangZusammen' },
  { id: 'flowEuGeprueft', from: 'leistungspruefungEU', to: 'gwZugangZusammen' },
  { id: 'flowZumLeistungssystem', from: 'gwZugangZusammen', to: 'leistungssystem' },
  { id: 'flowLeistungssystemBestimmt', from: 'leistungssystem', to: 'leistungsantrag' },
  { id: 'flowAntragBearbeitet', from: 'leistungsantrag', to: 'krankenversicherung' },
  { id: 'flowVersichert', from: 'krankenversicherung', to: 'integrationskurs' },
  { id: 'flowKursGeklaert', from: 'integrationskurs', to: 'erstberatung' },
  { id: 'flowBeraten', from: 'erstberatung', to: 'gwCmIndikation' },
  { id: 'flowCmIndikation', from: 'gwCmIndikation', to: 'endUebergabe', name: 'ja', condition: '=cmIndication = true' },
  { id: 'flowKeineCmIndikation', from: 'gwCmIndikation', to: 'endVerweis', name: 'nein', isDefault: true },
];

export const spec: DiagramSpec = {
  definitionsId: 'Definitions_ankommensverfahren',
  processId: 'ankommensverfahren',
  processName: 'Ankommensverfahren',
  participantName: 'Ankommensverfahren Herne',
  rootElements: [
    '<bpmn:message id="Message_zuweisungEingegangen" name="zuweisungEingegangen" />',
    '<bpmn:message id="Message_abmeldung" name="abmeldung" />',
  ],
  lanes: [
    { id: 'laneKi', name: 'KI / Case Management' },
    { id: 'laneBuergerzentrum', name: 'Bürgerzentrum' },
    { id: 'laneSoziales', name: 'Fachbereich Soziales / Jobcenter' },
    { id: 'laneAbh', name: 'Ausländerbehörde' },
    { id: 'laneKoordination', name: 'KIM-Koordination' },
  ],
  nodes,
  flows,
};
