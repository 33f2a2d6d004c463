/**
 * Record builders for the store contract suite. Every builder returns a complete, valid record
 * (canonical ISO timestamps, no `undefined` fields) that an override object can adjust.
 */
import { expect } from 'chai';
import type {
  ActivityHistoryRecord, DefinitionRecord, DeploymentRecord, FollowUpRecord, InstanceCommit, InstanceRecord,
  ResourceRecord, Store, SubscriptionRecord, TaskHistoryRecord, TaskRecord, TimerRecord, VariableHistoryRecord,
} from '../../src/store/store.ts';

const BASE = Date.UTC(2024, 0, 1, 8, 0, 0);

/** A fixed point in time, `minutes` after 2024-01-01T08:00Z, as `toISOString()`. */
export function at(minutes: number): string {
  return new Date(BASE + minutes * 60_000).toISOString();
}

export function makeDeployment(id: string, over: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return { id, name: `deployment ${id}`, source: 'modeler', deploymentTime: at(0), tenantId: null, ...over };
}

export function makeResource(deploymentId: string, name: string, over: Partial<ResourceRecord> = {}): ResourceRecord {
  return { id: `${deploymentId}/${name}`, deploymentId, name, content: `<content of ${name} in ${deploymentId}/>`, hash: `hash-${deploymentId}-${name}`, ...over };
}

export function makeDefinition(deploymentId: string, key: string, version: number, over: Partial<DefinitionRecord> = {}): DefinitionRecord {
  return {
    id: `${key}:${version}:${deploymentId}`,
    key,
    name: `${key} process`,
    version,
    versionTag: null,
    deploymentId,
    resourceName: `${key}.bpmn`,
    hash: `hash-${key}-${version}`,
    executable: true,
    model: {
      id: key,
      name: `${key} process`,
      isExecutable: true,
      elements: {
        start: { id: 'start', type: 'bpmn:StartEvent', isProcessStart: true },
        approve: { id: 'approve', type: 'bpmn:UserTask', name: 'Approve', candidateGroups: 'sales, management', priority: '50' },
      },
    },
    xml: `<bpmn:definitions id="${key}"/>`,
    historyTimeToLive: 180,
    ...over,
  };
}

export function makeInstance(id: string, over: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    id,
    version: 1,
    definitionId: 'invoice:1:d1',
    definitionKey: 'invoice',
    businessKey: `bk-${id}`,
    state: 'ACTIVE',
    startTime: at(0),
    endTime: null,
    startUserId: 'anna',
    superInstanceId: null,
    superExecutionId: null,
    rootInstanceId: id,
    organisation: null,
    engineState: { state: 'running', definitions: [{ id: 'def', executions: [{ id: 'ex-1', counters: { taken: 1 } }] }], extra: null },
    variables: { amount: { type: 'Integer', value: 100 } },
    tasks: [],
    subscriptions: [],
    timers: [],
    lastError: null,
    deleteReason: null,
    ...over,
  };
}

/** A task of `instance` (instance id, definition, business key, organisation taken from it). */
export function makeTask(instance: InstanceRecord, id: string, over: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id,
    instanceId: instance.id,
    executionId: `exec-${id}`,
    definitionId: instance.definitionId,
    definitionKey: instance.definitionKey,
    taskDefinitionKey: 'approve',
    name: 'Approve',
    assignee: null,
    owner: null,
    candidateUsers: [],
    candidateGroups: [],
    created: at(0),
    due: null,
    followUp: null,
    priority: 50,
    formKey: null,
    businessKey: instance.businessKey,
    organisation: instance.organisation ?? null,
    localVariables: {},
    ...over,
  };
}

export function makeSubscription(instance: InstanceRecord, id: string, over: Partial<SubscriptionRecord> = {}): SubscriptionRecord {
  return {
    id,
    instanceId: instance.id,
    businessKey: instance.businessKey,
    definitionId: instance.definitionId,
    kind: 'message',
    name: 'invoiceReceived',
    refId: 'Message_1',
    activityId: 'waitForInvoice',
    executionId: `exec-${id}`,
    ...over,
  };
}

export function makeTimer(instance: InstanceRecord, executionId: string, dueAt: string, over: Partial<TimerRecord> = {}): TimerRecord {
  return { id: `${instance.id}:${executionId}`, instanceId: instance.id, activityId: 'timer', executionId, dueAt, timerType: 'timeDuration PT1H', ...over };
}

export function makeActivity(instance: InstanceRecord, id: string, over: Partial<ActivityHistoryRecord> = {}): ActivityHistoryRecord {
  return {
    id,
    instanceId: instance.id,
    definitionId: instance.definitionId,
    definitionKey: instance.definitionKey,
    activityId: 'approve',
    activityName: 'Approve',
    activityType: 'userTask',
    executionId: id,
    startTime: at(0),
    endTime: null,
    canceled: false,
    taskId: null,
    assignee: null,
    calledProcessInstanceId: null,
    seq: 0,
    ...over,
  };
}

/** A task history row of `instance` (definition, business key, organisation taken from it). */
export function makeTaskHistory(instance: InstanceRecord, id: string, over: Partial<TaskHistoryRecord> = {}): TaskHistoryRecord {
  return {
    id,
    instanceId: instance.id,
    definitionId: instance.definitionId,
    definitionKey: instance.definitionKey,
    taskDefinitionKey: 'approve',
    name: 'Approve',
    assignee: null,
    candidateGroups: ['sales'],
    startTime: at(0),
    endTime: null,
    due: null,
    deleteReason: null,
    businessKey: instance.businessKey,
    organisation: instance.organisation ?? null,
    ...over,
  };
}

export function makeVariableHistory(instance: InstanceRecord, name: string, value: unknown, over: Partial<VariableHistoryRecord> = {}): VariableHistoryRecord {
  return {
    id: `${instance.id}:${name}`,
    instanceId: instance.id,
    definitionKey: instance.definitionKey,
    name,
    type: typeof value === 'number' ? 'Integer' : typeof value === 'string' ? 'String' : 'Json',
    value,
    createTime: at(0),
    state: 'CREATED',
    ...over,
  };
}

export function makeFollowUp(id: string, over: Partial<FollowUpRecord> = {}): FollowUpRecord {
  return { id, type: 'startCalledInstance', payload: { parent: 'p1', element: 'call', vars: { a: 1 } }, createdAt: at(0), ...over };
}

/** A commit writing `instance` on top of `expectedVersion` (defaults: version - 1, nothing else). */
export function commitOf(instance: InstanceRecord, extra: Partial<InstanceCommit> = {}): InstanceCommit {
  return {
    instance,
    expectedVersion: instance.version - 1,
    activityHistory: [],
    taskHistory: [],
    variableHistory: [],
    followUps: [],
    ...extra,
  };
}

/** The next version of an instance with some fields changed (what a command produces). */
export function nextVersion(instance: InstanceRecord, changes: Partial<InstanceRecord> = {}): InstanceRecord {
  return { ...instance, ...changes, version: instance.version + 1 };
}

/** Commits a new instance (expectedVersion 0) and returns it. */
export async function createInstance(store: Store, instance: InstanceRecord, extra: Partial<InstanceCommit> = {}): Promise<InstanceRecord> {
  await store.commitInstance(commitOf(instance, { ...extra, expectedVersion: 0 }));
  return instance;
}

/** Commits the next version of `instance` and returns it. */
export async function updateInstance(
  store: Store, instance: InstanceRecord, changes: Partial<InstanceRecord>, extra: Partial<InstanceCommit> = {},
): Promise<InstanceRecord> {
  const next = nextVersion(instance, changes);
  await store.commitInstance(commitOf(next, extra));
  return next;
}

/** Ids of records, for order-sensitive comparisons. */
export function ids(records: Array<{ id: string }>): string[] {
  return records.map((r) => r.id);
}

/** What the sub-suites see: the current test's store. */
export interface StoreContext {
  readonly store: Store;
}

/** Awaits a promise that must reject with `type`; returns the error. */
export async function expectRejection<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  let error: unknown;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  expect(error, `expected a rejection with ${type.name}`).to.be.instanceOf(type);
  return error as E;
}
