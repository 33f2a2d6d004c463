/** `/process-instance…`: running instances, their activity tree and variables. */
import Router from '@koa/router';
import { Forbidden, NotFound, ValidationError } from '../../errors.ts';
import { checkOrganisationWrite, project } from '../../kim/access.ts';
import { parseVariables, toResponse, toTyped, checkName } from '../../engine/variables.ts';
import type { InstanceQuery, InstanceRecord } from '../../store/store.ts';
import { camundaActivityType, instanceDto } from '../dto.ts';
import { bodyObject, QueryReader } from '../query.ts';
import { accessPolicy, type Services } from '../services.ts';
import type { AppState, AuthUser } from '../types.ts';

export function instanceQuery(raw: Record<string, unknown>): InstanceQuery {
  const q = new QueryReader(raw);
  return {
    ids: q.list('processInstanceIds'),
    businessKey: q.string('businessKey'),
    businessKeyLike: q.string('businessKeyLike'),
    definitionId: q.string('processDefinitionId'),
    definitionKey: q.string('processDefinitionKey'),
    superInstanceId: q.string('superProcessInstance'),
    deploymentId: q.string('deploymentId'),
    sortBy: q.oneOf('sortBy', ['instanceId', 'definitionKey', 'businessKey', 'startTime'] as const),
    sortOrder: q.oneOf('sortOrder', ['asc', 'desc'] as const),
    ...q.page(),
  };
}

export function instanceRouter(s: Services): Router<AppState> {
  const router = new Router<AppState>();
  const access = accessPolicy(s);

  /** A running instance the user may see (404, audited, otherwise); `write` needs the full view. */
  async function active(user: AuthUser, id: string, resource = 'process-instance', write = false): Promise<InstanceRecord> {
    const i = await s.store.getInstance(id);
    if (!i || i.state !== 'ACTIVE') throw new NotFound(`Process instance with id ${id} does not exist`);
    const view = await access.require(user, i, resource, `Process instance with id ${id} does not exist`);
    if (write && view !== 'full') throw new Forbidden(`User ${user.id} may not change process instance ${id}`);
    return i;
  }

  router.get('/process-instance', async (ctx) => {
    // Runtime queries only see running instances, as in Camunda; ended ones are in /history.
    ctx.body = (await s.store.findInstances({ ...instanceQuery(ctx.query), active: true, access: access.filter(ctx.state.user) })).map(instanceDto);
  });
  router.get('/process-instance/count', async (ctx) => {
    ctx.body = { count: await s.store.countInstances({ ...instanceQuery(ctx.query), active: true, access: access.filter(ctx.state.user) }) };
  });
  router.get('/process-instance/:id', async (ctx) => {
    ctx.body = instanceDto(await active(ctx.state.user, ctx.params.id));
  });

  router.get('/process-instance/:id/activity-instances', async (ctx) => {
    const i = await active(ctx.state.user, ctx.params.id);
    const open = await s.store.findActivityHistory({ instanceId: i.id, unfinished: true });
    const byActivity = open.filter((a) => !/Process$/.test(a.activityType) || a.activityType === 'bpmn:SubProcess');
    ctx.body = {
      id: i.id,
      parentActivityInstanceId: null,
      activityId: i.definitionKey,
      activityType: 'processDefinition',
      processInstanceId: i.id,
      processDefinitionId: i.definitionId,
      activityName: null,
      childActivityInstances: byActivity.map((a) => ({
        id: a.id,
        parentActivityInstanceId: i.id,
        activityId: a.activityId,
        activityType: camundaActivityType(a.activityType),
        processInstanceId: i.id,
        processDefinitionId: i.definitionId,
        activityName: a.activityName,
        childActivityInstances: [],
        childTransitionInstances: [],
        executionIds: [a.executionId],
        incidentIds: [],
        incidents: [],
      })),
      childTransitionInstances: [],
      executionIds: [i.id],
      incidentIds: [],
      incidents: [],
    };
  });

  /** The variables the user may read, the read audited. */
  async function readable(user: AuthUser, id: string) {
    const i = await active(user, id, 'process-instance-variables');
    const view = await access.viewOf(user, i);
    await access.auditRead(user, i, 'process-instance-variables', view);
    return project(view, i.variables);
  }
  router.get('/process-instance/:id/variables', async (ctx) => {
    ctx.body = toResponse(await readable(ctx.state.user, ctx.params.id));
  });
  router.get('/process-instance/:id/variables/:name', async (ctx) => {
    const v = (await readable(ctx.state.user, ctx.params.id))[ctx.params.name];
    if (!v) throw new NotFound(`process instance variable with name ${ctx.params.name} does not exist`);
    ctx.body = { type: v.type, value: v.value, valueInfo: v.valueInfo ?? {} };
  });
  router.post('/process-instance/:id/variables', async (ctx) => {
    await active(ctx.state.user, ctx.params.id, 'process-instance-variables', true);
    const body = bodyObject(ctx.request.body);
    const modifications = parseVariables(body.modifications);
    checkOrganisationWrite(ctx.state.user, modifications);
    const deletions = body.deletions ?? [];
    if (!Array.isArray(deletions) || deletions.some((d) => typeof d !== 'string')) throw new ValidationError("'deletions' must be an array of names");
    deletions.forEach((d) => checkName(d as string));
    if (deletions.includes('organisation')) checkOrganisationWrite(ctx.state.user, { organisation: { type: 'Null', value: null } });
    await s.engine.modifyVariables(ctx.params.id, modifications, deletions as string[]);
    ctx.status = 204;
  });
  router.put('/process-instance/:id/variables/:name', async (ctx) => {
    await active(ctx.state.user, ctx.params.id, 'process-instance-variables', true);
    const variable = { [ctx.params.name]: toTyped(ctx.params.name, bodyObject(ctx.request.body)) };
    checkOrganisationWrite(ctx.state.user, variable);
    await s.engine.modifyVariables(ctx.params.id, variable);
    ctx.status = 204;
  });
  router.delete('/process-instance/:id/variables/:name', async (ctx) => {
    await active(ctx.state.user, ctx.params.id, 'process-instance-variables', true);
    if (ctx.params.name === 'organisation') checkOrganisationWrite(ctx.state.user, { organisation: { type: 'Null', value: null } });
    await s.engine.modifyVariables(ctx.params.id, {}, [ctx.params.name]);
    ctx.status = 204;
  });

  router.delete('/process-instance/:id', async (ctx) => {
    await active(ctx.state.user, ctx.params.id, 'process-instance', true);
    const q = new QueryReader(ctx.query);
    await s.engine.deleteInstance(ctx.params.id, q.string('deleteReason') ?? null);
    ctx.status = 204;
  });

  return router;
}
