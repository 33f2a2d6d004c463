/**
 * Turns a waiting user task into a task record: evaluates camunda:assignee, candidateUsers,
 * candidateGroups, dueDate, followUpDate, priority and formKey (literals or FEEL) against the
 * instance's variables and the task's locals.
 */
import type { ElementInfo } from '../bpmn/model.ts';
import type { InstanceRecord, TaskRecord } from '../store/store.ts';
import { resolve } from './feel.ts';
import { stableId } from './ids.ts';
import { fromPlain } from './variables.ts';
import type { WaitInfo } from './session.ts';

function list(value: unknown): string[] {
  if (value === null || value === undefined || value === '') return [];
  if (Array.isArray(value)) return value.map(String).map((s) => s.trim()).filter(Boolean);
  return String(value).split(',').map((s) => s.trim()).filter(Boolean);
}

function text(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return String(value);
}

/** A date attribute: ISO 8601 date-time (FEEL date and time results arrive as ISO strings). */
function date(value: unknown, attr: string, elementId: string): string | null {
  const s = text(value);
  if (!s) return null;
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new Error(`${attr} of ${elementId} is not a date: ${s}`);
  return new Date(ms).toISOString();
}

export function createTask(
  instance: InstanceRecord,
  info: ElementInfo,
  wait: WaitInfo,
  variables: Record<string, unknown>,
  now: string,
): TaskRecord {
  const ctx = { ...variables, ...wait.locals };
  const ev = (raw: string | undefined) => (raw === undefined ? undefined : resolve(raw, ctx));
  const priority = Number(ev(info.priority) ?? 50);
  const locals: TaskRecord['localVariables'] = {};
  for (const [k, v] of Object.entries(wait.locals)) locals[k] = fromPlain(v);
  return {
    id: stableId(instance.id, wait.executionId),
    instanceId: instance.id,
    executionId: wait.executionId,
    definitionId: instance.definitionId,
    definitionKey: instance.definitionKey,
    taskDefinitionKey: info.id,
    name: info.name ? String(resolve(info.name, ctx) ?? info.name) : null,
    assignee: text(ev(info.assignee)),
    owner: null,
    candidateUsers: list(ev(info.candidateUsers)),
    candidateGroups: list(ev(info.candidateGroups)),
    created: now,
    due: date(ev(info.dueDate), 'dueDate', info.id),
    followUp: date(ev(info.followUpDate), 'followUpDate', info.id),
    priority: Number.isFinite(priority) ? Math.trunc(priority) : 50,
    formKey: text(ev(info.formKey)),
    businessKey: instance.businessKey,
    organisation: instance.organisation ?? null,
    localVariables: locals,
  };
}
