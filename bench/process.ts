/**
 * The one small process both halves of the benchmark run: start → user task (candidate group)
 * → exclusive gateway with only a default flow (no FEEL) → end. 7 elements.
 */
export const PROCESS_KEY = 'benchFlow';
export const TASK_ID = 'review';
/** Created at start via ADMIN_USER / ADMIN_PASSWORD; every request sends it as Basic auth. */
export const ADMIN = { user: 'bench-admin', password: 'bench-secret-1' };

export const PROCESS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_${PROCESS_KEY}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${PROCESS_KEY}" name="Bench flow" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="${TASK_ID}"/>
    <bpmn:userTask id="${TASK_ID}" name="Review" camunda:candidateGroups="kim-koordination"/>
    <bpmn:sequenceFlow id="f2" sourceRef="${TASK_ID}" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="f3"/>
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
`;

/**
 * The timer section's process: start → intermediate timer catch event (timeDate from the
 * variable `due`, an ISO date-time) → end.
 */
export const TIMER_PROCESS_KEY = 'benchTimer';
export const TIMER_PROCESS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_${TIMER_PROCESS_KEY}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${TIMER_PROCESS_KEY}" name="Bench timer" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDate>=date and time(due)</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
`;
