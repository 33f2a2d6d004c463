/**
 * A service as the KIM runs it, for the §7 scenarios: the processes from processes/ (deployed at start
 * with their forms), the demo users of every group, and the controlled clock. Tests act as the users
 * would: `k.as('demo-cm-ki')` is that user's API.
 */
import { expect } from 'chai';
import { type Api, startTestService, type TestService } from './service.ts';

export interface KimService extends TestService {
  /** The API as a demo user (`demo-cm-ki`, `demo-abh`, `demo-cm-traeger-awo`, …). */
  as(userId: string): Api;
  /** Moves the controlled clock (ISO 8601 or FEEL duration); what falls due fires, in order. */
  advance(duration: string): Promise<void>;
  /** The controlled clock's now (ISO). */
  now(): Promise<string>;
}

export async function startKimService(opts: { now?: string; env?: Record<string, string> } = {}): Promise<KimService> {
  const t = await startTestService({ processesDir: 'processes', env: { CLOCK: 'controlled', DEMO_USERS: 'true', ...opts.env } });
  const passwords = new Map(t.service.createdUsers.map((u) => [u.id, u.password]));
  const set = await t.api('POST', '/api/clock', { now: opts.now ?? '2026-03-02T08:00:00Z' });
  expect(set.status, JSON.stringify(set.body)).to.equal(200);
  return Object.assign(t, {
    as(userId: string): Api {
      const password = passwords.get(userId);
      if (!password) throw new Error(`no demo user ${userId}`);
      return t.api.as(userId, password);
    },
    async advance(duration: string): Promise<void> {
      const r = await t.api('POST', '/api/clock/advance', { duration });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
    },
    async now(): Promise<string> {
      return (await t.api('GET', '/api/clock')).body.now;
    },
  });
}

/** Typed Camunda variables from plain values (strings, numbers, booleans; objects and arrays as Json). */
export function vars(plain: Record<string, unknown>): Record<string, { value: unknown; type: string }> {
  const typed: Record<string, { value: unknown; type: string }> = {};
  for (const [k, v] of Object.entries(plain)) {
    if (typeof v === 'string') typed[k] = { value: v, type: 'String' };
    else if (typeof v === 'boolean') typed[k] = { value: v, type: 'Boolean' };
    else if (typeof v === 'number') typed[k] = { value: v, type: Number.isInteger(v) ? 'Integer' : 'Double' };
    else if (v === null) typed[k] = { value: null, type: 'Null' };
    else typed[k] = { value: v, type: 'Json' };
  }
  return typed;
}

export interface UserTask {
  id: string;
  taskDefinitionKey: string;
  name: string;
  assignee: string | null;
  candidateGroups: string[];
  processInstanceId: string;
  processDefinitionKey?: string;
  due: string | null;
}

/** Open tasks of the instances with this business key (all processes), as `api` sees them, oldest first. */
export async function tasksByBusinessKey(api: Api, businessKey: string): Promise<UserTask[]> {
  const r = await api('GET', `/engine-rest/task?processInstanceBusinessKey=${encodeURIComponent(businessKey)}&sortBy=created&sortOrder=asc`);
  expect(r.status, JSON.stringify(r.body)).to.equal(200);
  return r.body;
}

/** Claims and completes the one open task `key` of the case as `api`'s user, with form-valid variables. */
export async function work(api: Api, businessKey: string, key: string, plain: Record<string, unknown> = {}): Promise<UserTask> {
  const task = (await tasksByBusinessKey(api, businessKey)).find((x) => x.taskDefinitionKey === key);
  expect(task, `no open task ${key} for ${businessKey}`).to.exist;
  if (!task!.assignee) {
    const c = await api('POST', `/engine-rest/task/${task!.id}/claim`, {});
    expect(c.status, `claim ${key}: ${JSON.stringify(c.body)}`).to.equal(204);
  }
  const r = await api('POST', `/engine-rest/task/${task!.id}/complete`, { variables: vars(plain) });
  expect(r.status, `complete ${key}: ${JSON.stringify(r.body)}`).to.equal(204);
  return task!;
}
