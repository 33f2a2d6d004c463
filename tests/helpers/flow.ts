/** Small helpers for feature tests: tasks of an instance, completing by key, instance state. */
import { expect } from 'chai';
import type { TestService } from './service.ts';

export interface TaskDto {
  id: string;
  taskDefinitionKey: string;
  name: string | null;
  assignee: string | null;
  candidateGroups: string[];
  processInstanceId: string;
}

export async function tasksOf(t: TestService, instanceId: string): Promise<TaskDto[]> {
  const r = await t.api('GET', `/engine-rest/task?processInstanceId=${instanceId}&sortBy=created&sortOrder=asc`);
  expect(r.status).to.equal(200);
  return r.body;
}

export async function taskKeys(t: TestService, instanceId: string): Promise<string[]> {
  return (await tasksOf(t, instanceId)).map((x) => x.taskDefinitionKey).sort();
}

export async function completeByKey(t: TestService, instanceId: string, key: string, variables: Record<string, unknown> = {}): Promise<void> {
  const task = (await tasksOf(t, instanceId)).find((x) => x.taskDefinitionKey === key);
  expect(task, `no task ${key} in ${instanceId}`).to.exist;
  const r = await t.api('POST', `/engine-rest/task/${task!.id}/complete`, { variables });
  expect(r.status, JSON.stringify(r.body)).to.equal(204);
}

export async function stateOf(t: TestService, instanceId: string): Promise<string> {
  return (await t.api('GET', `/engine-rest/history/process-instance/${instanceId}`)).body.state;
}

export async function varsOf(t: TestService, instanceId: string): Promise<Record<string, unknown>> {
  const r = await t.api('GET', `/engine-rest/history/variable-instance?processInstanceId=${instanceId}`);
  return Object.fromEntries((r.body as Array<{ name: string; value: unknown }>).map((v) => [v.name, v.value]));
}

export async function start(t: TestService, key: string, body: Record<string, unknown> = {}): Promise<{ id: string }> {
  const r = await t.api('POST', `/engine-rest/process-definition/key/${key}/start`, body);
  expect(r.status, JSON.stringify(r.body)).to.equal(200);
  return r.body;
}
