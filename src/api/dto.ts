/** Records → Camunda 7 REST response shapes. */
import type { ActivityHistoryRecord, DefinitionRecord, DeploymentRecord, InstanceRecord, TaskHistoryRecord, TaskRecord, VariableHistoryRecord } from '../store/store.ts';

export function deploymentDto(d: DeploymentRecord) {
  return { links: [], id: d.id, name: d.name, source: d.source, deploymentTime: camundaDate(d.deploymentTime), tenantId: d.tenantId };
}

export function definitionDto(d: DefinitionRecord) {
  return {
    id: d.id,
    key: d.key,
    category: 'http://bpmn.io/schema/bpmn',
    description: null,
    name: d.name,
    version: d.version,
    resource: d.resourceName,
    deploymentId: d.deploymentId,
    diagram: null,
    suspended: false,
    tenantId: null,
    versionTag: d.versionTag,
    historyTimeToLive: d.historyTimeToLive,
    startableInTasklist: d.executable,
  };
}

export function instanceDto(i: InstanceRecord) {
  return {
    links: [],
    id: i.id,
    definitionId: i.definitionId,
    definitionKey: i.definitionKey,
    businessKey: i.businessKey,
    caseInstanceId: null,
    ended: i.state !== 'ACTIVE',
    suspended: false,
    tenantId: null,
  };
}

export function historicInstanceDto(i: InstanceRecord) {
  const start = Date.parse(i.startTime);
  return {
    id: i.id,
    rootProcessInstanceId: i.rootInstanceId,
    superProcessInstanceId: i.superInstanceId,
    businessKey: i.businessKey,
    processDefinitionId: i.definitionId,
    processDefinitionKey: i.definitionKey,
    processDefinitionVersion: Number(i.definitionId.split(':')[1]) || null,
    startTime: camundaDate(i.startTime),
    endTime: i.endTime ? camundaDate(i.endTime) : null,
    durationInMillis: i.endTime ? Date.parse(i.endTime) - start : null,
    startUserId: i.startUserId,
    deleteReason: i.deleteReason,
    state: i.state,
    tenantId: null,
  };
}

export function taskDto(t: TaskRecord) {
  return {
    id: t.id,
    name: t.name,
    assignee: t.assignee,
    owner: t.owner,
    created: camundaDate(t.created),
    due: t.due ? camundaDate(t.due) : null,
    followUp: t.followUp ? camundaDate(t.followUp) : null,
    delegationState: null,
    description: null,
    executionId: t.executionId,
    parentTaskId: null,
    priority: t.priority,
    processDefinitionId: t.definitionId,
    processInstanceId: t.instanceId,
    taskDefinitionKey: t.taskDefinitionKey,
    caseExecutionId: null,
    caseInstanceId: null,
    caseDefinitionId: null,
    suspended: false,
    formKey: t.formKey,
    camundaFormRef: null,
    tenantId: null,
    // Not in Camunda's DTO, but what a tasklist needs without a second request.
    processDefinitionKey: t.definitionKey,
    businessKey: t.businessKey,
    candidateGroups: t.candidateGroups,
    candidateUsers: t.candidateUsers,
  };
}

export function activityHistoryDto(a: ActivityHistoryRecord) {
  return {
    id: a.id,
    parentActivityInstanceId: a.instanceId,
    activityId: a.activityId,
    activityName: a.activityName,
    activityType: camundaActivityType(a.activityType),
    processDefinitionKey: a.definitionKey,
    processDefinitionId: a.definitionId,
    processInstanceId: a.instanceId,
    executionId: a.executionId,
    taskId: a.taskId,
    assignee: a.assignee,
    calledProcessInstanceId: a.calledProcessInstanceId,
    startTime: camundaDate(a.startTime),
    endTime: a.endTime ? camundaDate(a.endTime) : null,
    durationInMillis: a.endTime ? Date.parse(a.endTime) - Date.parse(a.startTime) : null,
    canceled: a.canceled,
    completeScope: false,
    tenantId: null,
  };
}

export function taskHistoryDto(t: TaskHistoryRecord) {
  return {
    id: t.id,
    processDefinitionKey: t.definitionKey,
    processDefinitionId: t.definitionId,
    processInstanceId: t.instanceId,
    executionId: null,
    name: t.name,
    assignee: t.assignee,
    startTime: camundaDate(t.startTime),
    endTime: t.endTime ? camundaDate(t.endTime) : null,
    duration: t.endTime ? Date.parse(t.endTime) - Date.parse(t.startTime) : null,
    taskDefinitionKey: t.taskDefinitionKey,
    deleteReason: t.deleteReason,
    due: t.due ? camundaDate(t.due) : null,
    tenantId: null,
  };
}

export function variableHistoryDto(v: VariableHistoryRecord) {
  return {
    id: v.id,
    name: v.name,
    type: v.type,
    value: v.value,
    valueInfo: {},
    processDefinitionKey: v.definitionKey,
    processInstanceId: v.instanceId,
    createTime: camundaDate(v.createTime),
    state: v.state,
    tenantId: null,
  };
}

/** `bpmn:UserTask` → Camunda's `userTask`. */
export function camundaActivityType(type: string): string {
  const local = type.replace(/^bpmn:/, '');
  return local.charAt(0).toLowerCase() + local.slice(1);
}

/** Camunda's date format: `2026-03-01T08:00:00.000+0000`. */
export function camundaDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('Z', '+0000');
}
