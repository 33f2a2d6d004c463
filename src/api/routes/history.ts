/** `/history/…`: ended and running instances, activity instances, tasks and variables. */
import Router from '@koa/router';
import { NotFound } from '../../errors.ts';
import { activityHistoryDto, historicInstanceDto, taskHistoryDto, variableHistoryDto } from '../dto.ts';
import { QueryReader } from '../query.ts';
import { mayRead, type View } from '../../kim/access.ts';
import type { InstanceRecord } from '../../store/store.ts';
import { accessPolicy, type Services } from '../services.ts';
import type { AppState, AuthUser } from '../types.ts';
import { instanceQuery } from './instances.ts';

export function historyRouter(s: Services): Router<AppState> {
  const router = new Router<AppState>();
  const access = accessPolicy(s);

  /** An instance the user may see (404, audited, otherwise) and the user's view of it. */
  async function visible(user: AuthUser, id: string, resource: string): Promise<{ instance: InstanceRecord; view: View }> {
    const instance = await s.store.getInstance(id);
    if (!instance) throw new NotFound(`Historic process instance with id ${id} does not exist`);
    return { instance, view: await access.require(user, instance, resource, `Historic process instance with id ${id} does not exist`) };
  }

  /**
   * Rows of several instances: a user whose lists are restricted sees only rows of instances they may
   * see (without auditing each hidden one), and variables only as far as their view of that instance allows.
   */
  async function viewsFor(user: AuthUser, instanceIds: string[]): Promise<Map<string, View>> {
    const views = new Map<string, View>();
    if (user.isAdmin) return views; // an admin sees everything in full: no lookups
    for (const id of new Set(instanceIds)) {
      const instance = await s.store.getInstance(id);
      views.set(id, instance ? await access.viewOf(user, instance) : 'full');
    }
    return views;
  }

  function historicInstances(raw: Record<string, unknown>, user: AuthUser) {
    const q = new QueryReader(raw);
    const finished = q.bool('finished');
    const unfinished = q.bool('unfinished');
    return { ...instanceQuery(raw), ...(finished ? { finished: true } : {}), ...(unfinished ? { active: true } : {}), access: access.filter(user) };
  }
  router.get('/history/process-instance', async (ctx) => {
    ctx.body = (await s.store.findInstances(historicInstances(ctx.query, ctx.state.user))).map(historicInstanceDto);
  });
  router.get('/history/process-instance/count', async (ctx) => {
    ctx.body = { count: await s.store.countInstances(historicInstances(ctx.query, ctx.state.user)) };
  });
  router.get('/history/process-instance/:id', async (ctx) => {
    ctx.body = historicInstanceDto((await visible(ctx.state.user, ctx.params.id, 'history-process-instance')).instance);
  });

  function activityQuery(raw: Record<string, unknown>) {
    const q = new QueryReader(raw);
    return {
      instanceId: q.string('processInstanceId'),
      activityId: q.string('activityId'),
      activityType: q.string('activityType'),
      finished: q.bool('finished'),
      unfinished: q.bool('unfinished'),
      sortOrder: q.oneOf('sortOrder', ['asc', 'desc'] as const),
      ...q.page(),
    };
  }
  router.get('/history/activity-instance', async (ctx) => {
    const query = activityQuery(ctx.query);
    if (query.activityType) query.activityType = 'bpmn:' + query.activityType.charAt(0).toUpperCase() + query.activityType.slice(1);
    if (query.instanceId) await visible(ctx.state.user, query.instanceId, 'history-activity-instance');
    let rows = await s.store.findActivityHistory(query);
    if (!query.instanceId && access.filter(ctx.state.user)) {
      const views = await viewsFor(ctx.state.user, rows.map((r) => r.instanceId));
      rows = rows.filter((r) => views.get(r.instanceId) !== 'none');
    }
    ctx.body = rows.map(activityHistoryDto);
  });
  router.get('/history/activity-instance/count', async (ctx) => {
    const query = activityQuery(ctx.query);
    if (query.activityType) query.activityType = 'bpmn:' + query.activityType.charAt(0).toUpperCase() + query.activityType.slice(1);
    if (query.instanceId) await visible(ctx.state.user, query.instanceId, 'history-activity-instance');
    ctx.body = { count: await s.store.countActivityHistory(query) };
  });

  function taskHistoryQuery(raw: Record<string, unknown>, user: AuthUser) {
    const q = new QueryReader(raw);
    return {
      access: access.filter(user),
      instanceId: q.string('processInstanceId'),
      taskDefinitionKey: q.string('taskDefinitionKey'),
      assignee: q.string('taskAssignee'),
      finished: q.bool('finished'),
      unfinished: q.bool('unfinished'),
      businessKey: q.string('processInstanceBusinessKey'),
      definitionKey: q.string('processDefinitionKey'),
      ...q.page(),
    };
  }
  router.get('/history/task', async (ctx) => {
    ctx.body = (await s.store.findTaskHistory(taskHistoryQuery(ctx.query, ctx.state.user))).map(taskHistoryDto);
  });
  router.get('/history/task/count', async (ctx) => {
    ctx.body = { count: await s.store.countTaskHistory(taskHistoryQuery(ctx.query, ctx.state.user)) };
  });

  function variableQuery(raw: Record<string, unknown>) {
    const q = new QueryReader(raw);
    return { instanceId: q.string('processInstanceId'), name: q.string('variableName'), nameLike: q.string('variableNameLike'), ...q.page() };
  }
  router.get('/history/variable-instance', async (ctx) => {
    const query = variableQuery(ctx.query);
    const user = ctx.state.user;
    if (query.instanceId) {
      const { instance, view } = await visible(user, query.instanceId, 'history-variables');
      await access.auditRead(user, instance, 'history-variables', view);
    }
    const rows = await s.store.findVariableHistory(query);
    const views = await viewsFor(user, rows.map((r) => r.instanceId));
    ctx.body = rows.filter((r) => mayRead(views.get(r.instanceId) ?? 'full', r.name)).map(variableHistoryDto);
  });
  router.get('/history/variable-instance/count', async (ctx) => {
    const query = variableQuery(ctx.query);
    if (query.instanceId) await visible(ctx.state.user, query.instanceId, 'history-variables');
    ctx.body = { count: await s.store.countVariableHistory(query) };
  });

  return router;
}
