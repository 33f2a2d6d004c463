/**
 * `abh-eskalation` — what the Ausländerbehörde receives in an automatic escalation (level 3,
 * KIM-PROCESSES.md §1/§5/§6). It is called by the case's diagram only after the consent gate
 * (`eskalationAbh` handler) allowed the transfer, and the caller maps exactly the minimal data set
 * into it (camunda:in): name, date of birth, ABH file number, recommended path, key deadline.
 * So the `abhEskalation` task's variables are the minimal data set and nothing else.
 */
import type { Field } from './forms.ts';
import type { DiagramSpec } from './layout.ts';

export const forms: Record<string, Field[]> = {
  abhEskalation: [
    { key: 'givenName', label: 'Vorname', type: 'text', readonly: true },
    { key: 'familyName', label: 'Familienname', type: 'text', readonly: true },
    { key: 'dateOfBirth', label: 'Geburtsdatum', type: 'date', readonly: true },
    { key: 'abhAktenzeichen', label: 'Aktenzeichen der Ausländerbehörde', type: 'text', readonly: true },
    { key: 'recommendedPath', label: 'Empfohlener Weg', type: 'text', readonly: true },
    { key: 'keyDeadline', label: 'Maßgebliche Frist', type: 'date', readonly: true },
    { key: 'abhRueckmeldung', label: 'Rückmeldung der Ausländerbehörde', type: 'select', required: true, values: [
      ['UEBERNOMMEN', 'Übernommen, Termin wird vergeben'], ['RUECKFRAGE', 'Rückfrage an die KIM-Koordination'], ['ERLEDIGT', 'Bereits erledigt'],
    ] },
  ],
};

export const spec: DiagramSpec = {
  definitionsId: 'Definitions_abh_eskalation',
  processId: 'abh-eskalation',
  processName: 'Automatische Eskalation an die Ausländerbehörde',
  participantName: 'Eskalation an die Ausländerbehörde (Mindestdatensatz)',
  lanes: [{ id: 'laneAbh', name: 'Ausländerbehörde' }],
  nodes: [
    { id: 'startEskalation', kind: 'startEvent', name: 'Eskalation übermittelt', lane: 'laneAbh', col: 0 },
    { id: 'abhEskalation', kind: 'userTask', name: 'Eskalation: Frist gefährdet (Stufe 3)', lane: 'laneAbh', col: 1,
      attrs: { 'camunda:candidateGroups': 'abh', 'camunda:formKey': 'camunda-forms:deployment:abhEskalation.form' } },
    { id: 'endEskalation', kind: 'endEvent', name: 'Eskalation bearbeitet', lane: 'laneAbh', col: 2 },
  ],
  flows: [
    { id: 'flowZurEskalation', from: 'startEskalation', to: 'abhEskalation' },
    { id: 'flowEskalationBearbeitet', from: 'abhEskalation', to: 'endEskalation' },
  ],
};
