/** `/history/…`: ended and running instances, activity instances, tasks and variables. */
import Router from '@koa/router';
import { NotFound } from '../../errors.ts';
import { activityHistoryDto, historicInstanceDto, taskHistoryDto, variableHistoryDto } from '../dto.ts';
import { QueryReader } from '../query.ts';
import type { Services } from '../services.ts';
import type { AppState } from '../types.ts';
import { instanceQuery } from './instances.ts';

export function historyRouter(s: Services): Router<AppState> {
  const router = new Router<AppState>();

  function historicInstances(raw: Record<string, unknown>) {
    const q = new QueryReader(raw);
    const finished = q.bool('finished');
    const unfinished = q.bool('unfinished');
    return { ...instanceQuery(raw), ...(finished ? { finished: true } : {}), ...(unfinished ? { active: true } : {}) };
  }
  router.get('/history/process-instance', async (ctx) => {
    ctx.body = (await s.store.findInstances(historicInstances(ctx.query))).map(historicInstanceDto);
  });
  router.get('/history/process-instance/count', async (ctx) => {
    ctx.body = { count: await s.store.countInstances(historicInstances(ctx.query)) };
  });
  router.get('/history/process-instance/:id', async (ctx) => {
    const i = await s.store.getInstance(ctx.params.id);
    if (!i) throw new NotFound(`Historic process instance with id ${ctx.params.id} does not exist`);
    ctx.body = historicInstanceDto(i);
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
    ctx.body = (await s.store.findActivityHistory(query)).map(activityHistoryDto);
  });
  router.get('/history/activity-instance/count', async (ctx) => {
    const query = activityQuery(ctx.query);
    if (query.activityType) query.activityType = 'bpmn:' + query.activityType.charAt(0).toUpperCase() + query.activityType.slice(1);
    ctx.body = { count: await s.store.countActivityHistory(query) };
  });

  function taskHistoryQuery(raw: Record<string, unknown>) {
    const q = new QueryReader(raw);
    return {
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
    ctx.body = (await s.store.findTaskHistory(taskHistoryQuery(ctx.query))).map(taskHistoryDto);
  });
  router.get('/history/task/count', async (ctx) => {
    ctx.body = { count: await s.store.countTaskHistory(taskHistoryQuery(ctx.query)) };
  });

  function variableQuery(raw: Record<string, unknown>) {
    const q = new QueryReader(raw);
    return { instanceId: q.string('processInstanceId'), name: q.string('variableName'), nameLike: q.string('variableNameLike'), ...q.page() };
  }
  router.get('/history/variable-instance', async (ctx) => {
    ctx.body = (await s.store.findVariableHistory(variableQuery(ctx.query))).map(variableHistoryDto);
  });
  router.get('/history/variable-instance/count', async (ctx) => {
    ctx.body = { count: await s.store.countVariableHistory(variableQuery(ctx.query)) };
  });

  return router;
}
