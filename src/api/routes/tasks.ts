/** `/task…`: the tasklist API. Claim and complete only as assignee or candidate (403 otherwise). */
import Router from '@koa/router';
import { Forbidden, NotFound, ValidationError } from '../../errors.ts';
import { fromPlain, parseVariables, toResponse } from '../../engine/variables.ts';
import { checkOrganisationWrite, project, type View } from '../../kim/access.ts';
import { checkTaskForm, deployedForm } from '../../forms/taskForm.ts';
import type { InstanceRecord, TaskQuery, TaskRecord } from '../../store/store.ts';
import { taskDto } from '../dto.ts';
import { bodyObject, QueryReader } from '../query.ts';
import { accessPolicy, type Services } from '../services.ts';
import type { AppState, AuthUser } from '../types.ts';

const SORT_BY = ['created', 'dueDate', 'priority', 'name', 'assignee', 'id'] as const;

export function taskQuery(raw: Record<string, unknown>, s: Services): Promise<TaskQuery> {
  const q = new QueryReader(raw);
  const query: TaskQuery = {
    assignee: q.string('assignee'),
    assigneeIn: q.list('assigneeIn'),
    candidateGroups: q.list('candidateGroups') ?? (q.string('candidateGroup') ? [q.string('candidateGroup')!] : undefined),
    includeAssigned: q.bool('includeAssignedTasks'),
    unassigned: q.bool('unassigned'),
    assigned: q.bool('assigned'),
    instanceId: q.string('processInstanceId'),
    businessKey: q.string('processInstanceBusinessKey'),
    definitionKey: q.string('processDefinitionKey'),
    definitionId: q.string('processDefinitionId'),
    taskDefinitionKey: q.string('taskDefinitionKey'),
    taskDefinitionKeyIn: q.list('taskDefinitionKeyIn'),
    name: q.string('name'),
    nameLike: q.string('nameLike'),
    dueBefore: q.date('dueBefore'),
    dueAfter: q.date('dueAfter'),
    createdBefore: q.date('createdBefore'),
    createdAfter: q.date('createdAfter'),
    minPriority: q.int('minPriority', -2147483648),
    maxPriority: q.int('maxPriority', -2147483648),
    sortBy: q.oneOf('sortBy', SORT_BY),
    sortOrder: q.oneOf('sortOrder', ['asc', 'desc'] as const),
    ...q.page(),
  };
  const candidateUser = q.string('candidateUser');
  if (!candidateUser) return Promise.resolve(query);
  // A candidate user sees tasks offered to them or to any of their groups.
  return s.store.groupsOf(candidateUser).then((groups) => ({ ...query, candidateUser, candidateUserGroups: groups }));
}

/** May this user work on the task? Admins, the assignee, and candidates (user or group). */
export function mayWork(user: AuthUser, task: TaskRecord): boolean {
  if (user.isAdmin) return true;
  if (task.assignee) return task.assignee === user.id;
  return task.candidateUsers.includes(user.id) || task.candidateGroups.some((g) => user.groups.includes(g));
}

function mayClaim(user: AuthUser, task: TaskRecord): boolean {
  if (user.isAdmin) return true;
  return task.assignee === user.id || task.candidateUsers.includes(user.id) || task.candidateGroups.some((g) => user.groups.includes(g));
}

export function taskRouter(s: Services): Router<AppState> {
  const router = new Router<AppState>();
  const access = accessPolicy(s);

  /** The task, its instance and the user's view of it; 404 (audited) for a case the user may not see. */
  async function open(user: AuthUser, id: string, resource = 'task'): Promise<{ t: TaskRecord; instance: InstanceRecord; view: View }> {
    const t = await s.store.getTask(id);
    const instance = t && (await s.store.getInstance(t.instanceId));
    if (!t || !instance) throw new NotFound(`No matching task with id ${id}`);
    const view = await access.require(user, instance, resource, `No matching task with id ${id}`);
    return { t, instance, view };
  }
  const task = async (user: AuthUser, id: string) => (await open(user, id)).t;
  const visibleQuery = async (raw: Record<string, unknown>, user: AuthUser): Promise<TaskQuery> => ({ ...(await taskQuery(raw, s)), access: access.filter(user) });

  router.get('/task', async (ctx) => {
    ctx.body = (await s.store.findTasks(await visibleQuery(ctx.query, ctx.state.user))).map(taskDto);
  });
  router.get('/task/count', async (ctx) => {
    ctx.body = { count: await s.store.countTasks(await visibleQuery(ctx.query, ctx.state.user)) };
  });
  router.get('/task/:id', async (ctx) => {
    ctx.body = taskDto(await task(ctx.state.user, ctx.params.id));
  });

  router.post('/task/:id/claim', async (ctx) => {
    const { t, instance } = await open(ctx.state.user, ctx.params.id);
    const body = bodyObject(ctx.request.body);
    const userId = typeof body.userId === 'string' ? body.userId : ctx.state.user.id;
    if (userId !== ctx.state.user.id && !ctx.state.user.isAdmin) throw new Forbidden('You may only claim tasks for yourself');
    if (!mayClaim(ctx.state.user, t)) throw new Forbidden(`User ${ctx.state.user.id} is not a candidate for task ${t.id}`);
    // A case manager claiming a task of a case nobody has taken on yet takes it on for their organisation.
    const organisation = userId === ctx.state.user.id ? access.takesOver(ctx.state.user, instance) : null;
    await s.engine.claim(t.id, userId, organisation ? { organisation: fromPlain(organisation) } : {});
    ctx.status = 204;
  });
  router.post('/task/:id/unclaim', async (ctx) => {
    const t = await task(ctx.state.user, ctx.params.id);
    if (!ctx.state.user.isAdmin && t.assignee !== ctx.state.user.id) throw new Forbidden(`User ${ctx.state.user.id} is not the assignee of task ${t.id}`);
    await s.engine.setAssignee(t.id, null);
    ctx.status = 204;
  });
  router.post('/task/:id/assignee', async (ctx) => {
    const t = await task(ctx.state.user, ctx.params.id);
    const body = bodyObject(ctx.request.body);
    if (body.userId !== null && typeof body.userId !== 'string') throw new ValidationError("'userId' must be a string or null");
    // Like completing: once assigned, only the assignee (or an admin) may hand the task on;
    // otherwise a fellow candidate could take over a claimed task, bypassing claim's 409.
    if (!mayWork(ctx.state.user, t)) throw new Forbidden(`User ${ctx.state.user.id} may not assign task ${t.id}`);
    await s.engine.setAssignee(t.id, body.userId as string | null);
    ctx.status = 204;
  });

  async function complete(ctx: Parameters<Parameters<typeof router.post>[1]>[0]) {
    const { t, instance: before, view } = await open(ctx.state.user, ctx.params.id);
    if (!mayWork(ctx.state.user, t)) throw new Forbidden(`User ${ctx.state.user.id} may not complete task ${t.id}`);
    const body = bodyObject(ctx.request.body);
    const variables = parseVariables(body.variables);
    checkOrganisationWrite(ctx.state.user, variables);
    await checkTaskForm(s.store, t, variables); // 400 naming the field if the task's form rejects them
    const organisation = access.takesOver(ctx.state.user, before);
    if (organisation) variables.organisation = fromPlain(organisation);
    const instance = await s.engine.completeTask(t.id, variables);
    if (body.withVariablesInReturn === true) {
      ctx.body = toResponse(project(view, instance.variables));
    } else ctx.status = 204;
  }
  router.post('/task/:id/complete', complete);
  router.post('/task/:id/submit-form', complete);

  router.get('/task/:id/variables', async (ctx) => {
    const { t, instance, view } = await open(ctx.state.user, ctx.params.id, 'task-variables');
    await access.auditRead(ctx.state.user, instance, 'task-variables', view);
    ctx.body = toResponse(project(view, { ...instance.variables, ...t.localVariables }));
  });
  router.get('/task/:id/form-variables', async (ctx) => {
    const { t, instance, view } = await open(ctx.state.user, ctx.params.id, 'task-variables');
    await access.auditRead(ctx.state.user, instance, 'task-form-variables', view);
    const all = project(view, { ...instance.variables, ...t.localVariables });
    const names = new QueryReader(ctx.query).list('variableNames');
    ctx.body = toResponse(names ? Object.fromEntries(Object.entries(all).filter(([k]) => names.includes(k))) : all);
  });
  router.get('/task/:id/form', async (ctx) => {
    const t = await task(ctx.state.user, ctx.params.id);
    ctx.body = { key: t.formKey, contextPath: null, camundaFormRef: null };
  });
  router.get('/task/:id/deployed-form', async (ctx) => {
    const form = await deployedForm(s.store, await task(ctx.state.user, ctx.params.id));
    ctx.type = 'application/json';
    ctx.body = form.content;
  });

  return router;
}
