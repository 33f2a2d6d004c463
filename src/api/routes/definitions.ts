/** `/process-definition…`: definitions, their XML, and starting instances. */
import { checkOrganisationWrite } from '../../kim/access.ts';
import Router from '@koa/router';
import { NotFound, ValidationError } from '../../errors.ts';
import { parseVariables, toResponse } from '../../engine/variables.ts';
import type { DefinitionQuery, DefinitionRecord } from '../../store/store.ts';
import { definitionDto, instanceDto } from '../dto.ts';
import { bodyObject, QueryReader } from '../query.ts';
import type { Services } from '../services.ts';
import type { AppContext, AppState } from '../types.ts';
import { activityStatistics, definitionStatistics, statisticsOptions } from './stats.ts';

function definitionQuery(raw: Record<string, unknown>): DefinitionQuery {
  const q = new QueryReader(raw);
  return {
    id: q.string('processDefinitionId'),
    key: q.string('key'),
    keyLike: q.string('keyLike'),
    name: q.string('name'),
    nameLike: q.string('nameLike'),
    deploymentId: q.string('deploymentId'),
    version: q.int('version', 1),
    latestVersion: q.bool('latestVersion'),
    versionTag: q.string('versionTag'),
    sortBy: q.oneOf('sortBy', ['id', 'key', 'name', 'version', 'deploymentId'] as const),
    sortOrder: q.oneOf('sortOrder', ['asc', 'desc'] as const),
    ...q.page(),
  };
}

export function definitionRouter(s: Services): Router<AppState> {
  const router = new Router<AppState>();

  async function byId(id: string): Promise<DefinitionRecord> {
    const d = await s.store.getDefinition(id);
    if (!d) throw new NotFound(`No matching definition with id ${id}`);
    return d;
  }
  async function byKey(key: string): Promise<DefinitionRecord> {
    const d = await s.store.latestDefinition(key);
    if (!d) throw new NotFound(`No matching process definition with key: ${key}`);
    return d;
  }

  async function start(ctx: AppContext, definition: DefinitionRecord) {
    const body = bodyObject(ctx.request.body);
    const variables = parseVariables(body.variables);
    checkOrganisationWrite(ctx.state.user, variables);
    const businessKey = body.businessKey;
    if (businessKey !== undefined && businessKey !== null && (typeof businessKey !== 'string' || businessKey.length > 255)) {
      throw new ValidationError('businessKey must be a string of at most 255 characters');
    }
    const instance = await s.engine.start(definition, { variables, businessKey: (businessKey as string | undefined) ?? null, startUserId: ctx.state.user.id });
    ctx.body = {
      ...instanceDto(instance),
      ...(body.withVariablesInReturn === true ? { variables: toResponse(instance.variables) } : {}),
    };
  }

  router.get('/process-definition', async (ctx) => {
    ctx.body = (await s.store.findDefinitions(definitionQuery(ctx.query))).map(definitionDto);
  });
  router.get('/process-definition/count', async (ctx) => {
    ctx.body = { count: await s.store.countDefinitions(definitionQuery(ctx.query)) };
  });
  // Runtime statistics (Camunda's cockpit resources), before `/process-definition/:id` (src/api/routes/stats.ts).
  router.get('/process-definition/statistics', async (ctx) => {
    ctx.body = await definitionStatistics(s, ctx.state.user, statisticsOptions(ctx.query, 'definition'));
  });
  router.get('/process-definition/key/:key/statistics', async (ctx) => {
    ctx.body = await activityStatistics(s, ctx.state.user, await byKey(ctx.params.key), statisticsOptions(ctx.query, 'activity'));
  });
  router.get('/process-definition/:id/statistics', async (ctx) => {
    ctx.body = await activityStatistics(s, ctx.state.user, await byId(ctx.params.id), statisticsOptions(ctx.query, 'activity'));
  });

  router.get('/process-definition/key/:key', async (ctx) => {
    ctx.body = definitionDto(await byKey(ctx.params.key));
  });
  router.get('/process-definition/key/:key/xml', async (ctx) => {
    const d = await byKey(ctx.params.key);
    ctx.body = { id: d.id, bpmn20Xml: d.xml };
  });
  router.post('/process-definition/key/:key/start', async (ctx) => {
    await start(ctx, await byKey(ctx.params.key));
  });
  router.post('/process-definition/key/:key/submit-form', async (ctx) => {
    await start(ctx, await byKey(ctx.params.key));
  });

  router.get('/process-definition/:id', async (ctx) => {
    ctx.body = definitionDto(await byId(ctx.params.id));
  });
  router.get('/process-definition/:id/xml', async (ctx) => {
    const d = await byId(ctx.params.id);
    ctx.body = { id: d.id, bpmn20Xml: d.xml };
  });
  router.post('/process-definition/:id/start', async (ctx) => {
    await start(ctx, await byId(ctx.params.id));
  });
  router.post('/process-definition/:id/submit-form', async (ctx) => {
    await start(ctx, await byId(ctx.params.id));
  });

  return router;
}
