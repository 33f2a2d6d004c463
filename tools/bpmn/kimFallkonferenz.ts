/**
 * `kim-fallkonferenz` — the bi-weekly case conference and its generative topics (KIM-PROCESSES.md §4, §6),
 * as a layout description. The handlers (`fallkonferenzAgenda`, `generativeThemen`, `themenStatus`) are in
 * src/kim/fallkonferenz.ts; the rule values [A] are there, the rhythm is the timer below.
 *
 * Material is pseudonymised from the start: the agenda lists case pseudonyms (`caseRef`), a reason and the
 * escalation level only; observations carry a pseudonym, never a name. Topics are anonymised: institution,
 * life area and counts. The Lenkungskreis has no account of its own: the KIM-Koordination (which sits on it)
 * records its decisions.
 */
import type { Field } from './forms.ts';
import { gateway, serviceTask } from './elements.ts';
import type { DiagramSpec, FlowSpec, NodeSpec } from './layout.ts';
import { INSTITUTIONS, LIFE_AREAS, ORGANISATIONS } from '../../src/kim/fallkonferenz.ts';

/** Every second Monday, 09:00 (Herne winter time; the offset is fixed, so 10:00 in summer time). */
export const CYCLE = 'R/2026-01-05T09:00:00+01:00/P14D';

const ro = (key: string, label: string, type: 'text' | 'textarea' | 'number' | 'date' | 'checkbox' = 'text'): Field => ({ key, label, type, readonly: true });
const topicHeader: Field[] = [
  ro('themaId', 'Thema'),
  ro('institution', 'Institution'),
  ro('lifeArea', 'Lebensbereich'),
  ro('count', 'Anzahl Beobachtungen', 'number'),
  ro('organisations', 'Anzahl Organisationen', 'number'),
];

export const forms: Record<string, Field[]> = {
  agendaVorbereiten: [
    ro('konferenzDatum', 'Fallkonferenz am', 'date'),
    ro('mitAbh', 'Sitzung mit Ausländerbehörde / Einbürgerungsbehörde (Baustein 3)', 'checkbox'),
    { key: 'agenda', label: 'Tagesordnung (pseudonymisiert)', type: 'list', fields: [
      ro('caseRef', 'Fall (Pseudonym)'),
      ro('grund', 'Anlass'),
      ro('escalationLevel', 'Eskalationsstufe', 'number'),
    ] },
    { key: 'moderationshinweise', label: 'Hinweise zur Moderation (ohne Namen)', type: 'textarea' },
  ],
  beobachtungenErfassen: [
    { key: 'observations', label: 'Beobachtungen aus der Fallarbeit (pseudonymisiert, ohne Namen)', type: 'list', fields: [
      { key: 'caseRef', label: 'Fall: Pseudonym (F-…) oder Fallnummer, die pseudonymisiert wird', type: 'text', required: true },
      { key: 'institution', label: 'Institution', type: 'select', required: true, values: INSTITUTIONS },
      { key: 'lifeArea', label: 'Lebensbereich', type: 'select', required: true, values: LIFE_AREAS },
      { key: 'description', label: 'Beobachtung (ohne Namen und Gesundheitsdaten)', type: 'textarea', required: true },
      { key: 'date', label: 'Datum der Beobachtung', type: 'date', required: true },
      { key: 'organisation', label: 'Eingebracht von (leer: eigene Organisation)', type: 'select', values: ORGANISATIONS },
    ] },
  ],
  themaValidieren: [
    { key: 'themenEntscheidungen', label: 'Themenkandidaten (anonymisiert)', type: 'list', fields: [
      ...topicHeader,
      { key: 'entscheidung', label: 'Validierung', type: 'select', required: true, values: [
        ['VALIDIERT', 'Validiert: dem Lenkungskreis vorlegen'], ['VERWORFEN', 'Verworfen: kein generatives Thema'],
      ] },
    ] },
  ],
  lenkungskreisEntscheidung: [
    { key: 'lenkungskreisSitzung', label: 'Sitzung des Lenkungskreises am', type: 'date', required: true },
    { key: 'themenEntscheidungen', label: 'Vorgelegte Themen (anonymisiert)', type: 'list', fields: [
      ...topicHeader,
      { key: 'entscheidung', label: 'Beschluss', type: 'select', required: true, values: [
        ['BESCHLOSSEN', 'Beschlossen: Umsetzung beauftragen'], ['VERWORFEN', 'Verworfen'],
      ] },
      { key: 'massnahme', label: 'Beschlossener Lösungsansatz (ohne Personenbezug)', type: 'textarea' },
    ] },
  ],
  themaUmsetzung: [
    { key: 'themenEntscheidungen', label: 'Themen in Umsetzung (anonymisiert)', type: 'list', fields: [
      ro('themaId', 'Thema'),
      ro('institution', 'Institution'),
      ro('lifeArea', 'Lebensbereich'),
      ro('massnahme', 'Beschlossener Lösungsansatz', 'textarea'),
      { key: 'entscheidung', label: 'Stand', type: 'select', required: true, values: [
        ['ERLEDIGT', 'Umgesetzt: erledigt'], ['VERWORFEN', 'Nicht umgesetzt: verworfen'],
      ] },
      { key: 'ergebnis', label: 'Ergebnis (ohne Personenbezug)', type: 'textarea' },
    ] },
  ],
};

function userTask(id: string, name: string, lane: string, col: number, groups: string): NodeSpec {
  return { id, kind: 'userTask', name, lane, col, attrs: { 'camunda:candidateGroups': groups, 'camunda:formKey': `camunda-forms:deployment:${id}.form` } };
}
const service = serviceTask;
const end = (id: string, name: string, lane: string, col: number): NodeSpec => ({ id, kind: 'endEvent', name, lane, col });
const anyTopic = (status: string) => `=some t in themen satisfies t.status = "${status}"`;

const nodes: NodeSpec[] = [
  { id: 'startFallkonferenz', kind: 'startEvent', name: 'Alle 14 Tage', lane: 'laneCmKoordination', col: 0,
    body: `<bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">${CYCLE}</bpmn:timeCycle></bpmn:timerEventDefinition>` },
  service('tagesordnungErstellen', 'Pseudonymisierte Tagesordnung erstellen', 'laneCmKoordination', 1, 'fallkonferenzAgenda'),
  userTask('agendaVorbereiten', 'Fallkonferenz vorbereiten und moderieren', 'laneCmKoordination', 2, 'cm-koordination'),
  userTask('beobachtungenErfassen', 'Beobachtungen erfassen', 'laneCaseManagement', 3, 'cm-ki,cm-traeger'),
  service('themenErmitteln', 'Generative Themen ermitteln', 'laneKimKoordination', 4, 'generativeThemen'),
  gateway('gwKandidaten', 'Themenkandidaten?', 'laneKimKoordination', 5),
  end('endKeineKandidaten', 'Keine generativen Themen', 'laneCmKoordination', 6),
  userTask('themaValidieren', 'Themenkandidaten validieren', 'laneKimKoordination', 6, 'kim-koordination'),
  service('validierungUebernehmen', 'Validierung übernehmen', 'laneKimKoordination', 7, 'themenStatus'),
  gateway('gwValidiert', 'Themen für den Lenkungskreis?', 'laneKimKoordination', 8),
  end('endAlleVerworfen', 'Alle Kandidaten verworfen', 'laneCmKoordination', 9),
  userTask('lenkungskreisEntscheidung', 'Beschluss des Lenkungskreises erfassen', 'laneLenkungskreis', 9, 'kim-koordination'),
  service('beschlussUebernehmen', 'Beschluss übernehmen', 'laneLenkungskreis', 10, 'themenStatus'),
  gateway('gwBeschlossen', 'Themen in Umsetzung?', 'laneLenkungskreis', 11),
  end('endNichtsBeschlossen', 'Keine Umsetzung beschlossen', 'laneLenkungskreis', 12),
  userTask('themaUmsetzung', 'Umsetzung begleiten', 'laneKimKoordination', 12, 'kim-koordination'),
  service('umsetzungUebernehmen', 'Umsetzungsstand übernehmen', 'laneKimKoordination', 13, 'themenStatus'),
  end('endThemenBearbeitet', 'Generative Themen bearbeitet', 'laneKimKoordination', 14),
];

const flows: FlowSpec[] = [
  { id: 'flowZurTagesordnung', from: 'startFallkonferenz', to: 'tagesordnungErstellen' },
  { id: 'flowTagesordnungErstellt', from: 'tagesordnungErstellen', to: 'agendaVorbereiten' },
  { id: 'flowKonferenzDurchgefuehrt', from: 'agendaVorbereiten', to: 'beobachtungenErfassen' },
  { id: 'flowBeobachtungenErfasst', from: 'beobachtungenErfassen', to: 'themenErmitteln' },
  { id: 'flowThemenErmittelt', from: 'themenErmitteln', to: 'gwKandidaten' },
  { id: 'flowKandidaten', from: 'gwKandidaten', to: 'themaValidieren', name: 'ja', condition: '=count(themenKandidaten) > 0' },
  { id: 'flowKeineKandidaten', from: 'gwKandidaten', to: 'endKeineKandidaten', name: 'nein', isDefault: true },
  { id: 'flowValidiert', from: 'themaValidieren', to: 'validierungUebernehmen' },
  { id: 'flowValidierungUebernommen', from: 'validierungUebernehmen', to: 'gwValidiert' },
  { id: 'flowZumLenkungskreis', from: 'gwValidiert', to: 'lenkungskreisEntscheidung', name: 'ja', condition: anyTopic('LENKUNGSKREIS') },
  { id: 'flowAlleVerworfen', from: 'gwValidiert', to: 'endAlleVerworfen', name: 'nein', isDefault: true },
  { id: 'flowBeschlossen', from: 'lenkungskreisEntscheidung', to: 'beschlussUebernehmen' },
  { id: 'flowBeschlussUebernommen', from: 'beschlussUebernehmen', to: 'gwBeschlossen' },
  { id: 'flowZurUmsetzung', from: 'gwBeschlossen', to: 'themaUmsetzung', name: 'ja', condition: anyTopic('UMSETZUNG') },
  { id: 'flowNichtsBeschlossen', from: 'gwBeschlossen', to: 'endNichtsBeschlossen', name: 'nein', isDefault: true },
  { id: 'flowUmgesetzt', from: 'themaUmsetzung', to: 'umsetzungUebernehmen' },
  { id: 'flowUmsetzungUebernommen', from: 'umsetzungUebernehmen', to: 'endThemenBearbeitet' },
];

export const spec: DiagramSpec = {
  definitionsId: 'Definitions_kim_fallkonferenz',
  processId: 'kim-fallkonferenz',
  processName: 'KIM-Fallkonferenz',
  participantName: 'Fallkonferenz und generative Themen',
  lanes: [
    { id: 'laneCmKoordination', name: 'CM-Koordination' },
    { id: 'laneCaseManagement', name: 'Case Management' },
    { id: 'laneKimKoordination', name: 'KIM-Koordination' },
    { id: 'laneLenkungskreis', name: 'Lenkungskreis' },
  ],
  nodes,
  flows,
};
