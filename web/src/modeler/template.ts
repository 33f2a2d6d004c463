/**
 * "Neues Modell aus Vorlage": a small executable diagram in German — one pool with one lane,
 * start → user task (candidate group, deployed form) → end, with diagram interchange — and the
 * form its task names. Lint-clean under the server's rules.
 */

export interface Template {
  processId: string;
  xml: string;
  forms: Map<string, string>;
}

function suffix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A fresh template: its process id is new each time, so deploying it starts a process of its own. */
export function newTemplate(): Template {
  const s = suffix();
  const processId = `neuerProzess_${s}`;
  const formName = `pruefen_${s}.form`;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_${s}" targetNamespace="http://bpmn.io/schema/bpmn" exporter="KIM Herne Modeler" exporterVersion="1.0">
  <bpmn:collaboration id="Kollaboration_${s}">
    <bpmn:participant id="Teilnehmer_${s}" name="Neuer Prozess" processRef="${processId}" />
  </bpmn:collaboration>
  <bpmn:process id="${processId}" name="Neuer Prozess" isExecutable="true" camunda:historyTimeToLive="P180D">
    <bpmn:laneSet id="LaneSet_${s}">
      <bpmn:lane id="Lane_${s}" name="KIM-Koordination">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>pruefen</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>ende</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="Anliegen eingegangen">
      <bpmn:outgoing>flussZurPruefung</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="pruefen" name="Anliegen prüfen" camunda:candidateGroups="kim-koordination" camunda:dueDate="=now() + duration(&quot;P7D&quot;)" camunda:formKey="camunda-forms:deployment:${formName}">
      <bpmn:incoming>flussZurPruefung</bpmn:incoming>
      <bpmn:outgoing>flussZumEnde</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="ende" name="Anliegen bearbeitet">
      <bpmn:incoming>flussZumEnde</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="flussZurPruefung" sourceRef="start" targetRef="pruefen" />
    <bpmn:sequenceFlow id="flussZumEnde" sourceRef="pruefen" targetRef="ende" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagramm_${s}">
    <bpmndi:BPMNPlane id="Ebene_${s}" bpmnElement="Kollaboration_${s}">
      <bpmndi:BPMNShape id="Teilnehmer_${s}_di" bpmnElement="Teilnehmer_${s}" isHorizontal="true">
        <dc:Bounds x="160" y="80" width="600" height="250" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Lane_${s}_di" bpmnElement="Lane_${s}" isHorizontal="true">
        <dc:Bounds x="190" y="80" width="570" height="250" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="252" y="187" width="36" height="36" />
        <bpmndi:BPMNLabel><dc:Bounds x="229" y="230" width="82" height="27" /></bpmndi:BPMNLabel>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="pruefen_di" bpmnElement="pruefen">
        <dc:Bounds x="400" y="165" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="ende_di" bpmnElement="ende">
        <dc:Bounds x="622" y="187" width="36" height="36" />
        <bpmndi:BPMNLabel><dc:Bounds x="603" y="230" width="74" height="27" /></bpmndi:BPMNLabel>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flussZurPruefung_di" bpmnElement="flussZurPruefung">
        <di:waypoint x="288" y="205" />
        <di:waypoint x="400" y="205" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="flussZumEnde_di" bpmnElement="flussZumEnde">
        <di:waypoint x="500" y="205" />
        <di:waypoint x="622" y="205" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
  const form = {
    $schema: 'https://unpkg.com/@bpmn-io/form-json-schema/resources/schema.json',
    schemaVersion: 16,
    exporter: { name: 'KIM Herne Modeler', version: '1.0' },
    type: 'default',
    id: formName.replace(/\.form$/, ''),
    components: [
      { type: 'text', id: 'Hinweis', text: '#### Anliegen prüfen\nBitte das Anliegen prüfen und das Ergebnis festhalten.' },
      { type: 'radio', id: 'Ergebnis', key: 'ergebnis', label: 'Ergebnis', validate: { required: true }, values: [
        { label: 'Erledigt', value: 'ERLEDIGT' },
        { label: 'Weiterleiten', value: 'WEITERLEITEN' },
      ] },
      { type: 'textarea', id: 'Bemerkung', key: 'bemerkung', label: 'Bemerkung' },
    ],
  };
  return { processId, xml, forms: new Map([[formName, JSON.stringify(form, null, 2) + '\n']]) };
}

/** An empty form for a name the diagram references but no deployment holds. */
export function emptyForm(name: string): string {
  const id = name.replace(/\.form$/, '').replace(/[^A-Za-z0-9_-]/g, '_');
  return (
    JSON.stringify(
      {
        $schema: 'https://unpkg.com/@bpmn-io/form-json-schema/resources/schema.json',
        schemaVersion: 16,
        exporter: { name: 'KIM Herne Modeler', version: '1.0' },
        type: 'default',
        id,
        components: [],
      },
      null,
      2,
    ) + '\n'
  );
}
