/** `/deployment…`: what Camunda Modeler's deploy button and the REST clients send. */
import Router from '@koa/router';
import multer from '@koa/multer';
import { Conflict, NotFound, PayloadTooLarge, ValidationError } from '../../errors.ts';
import { requireGroup } from '../../identity/auth.ts';
import { definitionDto, deploymentDto } from '../dto.ts';
import { QueryReader } from '../query.ts';
import type { Services } from '../services.ts';
import type { AppState } from '../types.ts';

const FIELDS = new Set(['deployment-name', 'deployment-source', 'enable-duplicate-filtering', 'deploy-changed-only', 'deployment-activation-time', 'tenant-id']);

export function deploymentRouter(s: Services): Router<AppState> {
  const router = new Router<AppState>();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: s.limits.maxFileBytes, files: 200, fields: 20, fieldSize: 64 * 1024 } });

  router.post('/deployment/create', requireGroup('kim-koordination'), async (ctx, next) => {
    try {
      // Only the upload itself is guarded here: `next` runs outside the try, so errors of the
      // deploy handler (ParseError with its elementId, 413 from the XML guard …) keep their type.
      await upload.any()(ctx as never, (async () => {}) as never);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'LIMIT_FILE_SIZE') throw new PayloadTooLarge(`A resource exceeds ${s.limits.maxFileBytes} bytes`);
      throw new ValidationError(`Invalid multipart request: ${(err as Error).message}`);
    }
    await next();
  }, async (ctx) => {
    const req = ctx.request as unknown as { body?: Record<string, string>; files?: Array<{ fieldname: string; originalname: string; buffer: Buffer }> };
    const fields = req.body ?? {};
    for (const k of Object.keys(fields)) if (k.startsWith('$')) throw new ValidationError(`Field '${k}' is not allowed`);
    const files = (req.files ?? []).filter((f) => !FIELDS.has(f.fieldname));
    if (!files.length) throw new ValidationError('No resources in deployment: send at least one file');
    const flag = (name: string) => fields[name] === 'true';
    const result = await s.deployer.deploy({
      name: fields['deployment-name'] ?? null,
      source: fields['deployment-source'] ?? null,
      enableDuplicateFiltering: flag('enable-duplicate-filtering'),
      deployChangedOnly: flag('deploy-changed-only'),
      files: files.map((f) => ({ name: f.originalname || f.fieldname, content: f.buffer })),
    });
    for (const key of new Set(result.definitions.map((d) => d.key))) await s.engine.syncSchedules(key);
    const defs: Record<string, unknown> = {};
    for (const d of result.definitions) defs[d.id] = definitionDto(d);
    ctx.body = {
      ...deploymentDto(result.deployment),
      deployedProcessDefinitions: result.created ? defs : null,
      deployedCaseDefinitions: null,
      deployedDecisionDefinitions: null,
      deployedDecisionRequirementsDefinitions: null,
      // Not in Camunda's DTO: lint findings of the deployed diagrams, structured.
      warnings: result.warnings,
    };
  });

  router.get('/deployment', async (ctx) => {
    const q = new QueryReader(ctx.query);
    const query = {
      id: q.string('id'),
      name: q.string('name'),
      nameLike: q.string('nameLike'),
      source: q.string('source'),
      sortBy: q.oneOf('sortBy', ['id', 'name', 'deploymentTime'] as const),
      sortOrder: q.oneOf('sortOrder', ['asc', 'desc'] as const),
      ...q.page(),
    };
    ctx.body = (await s.store.findDeployments(query)).map(deploymentDto);
  });

  router.get('/deployment/count', async (ctx) => {
    const q = new QueryReader(ctx.query);
    ctx.body = { count: await s.store.countDeployments({ id: q.string('id'), name: q.string('name'), nameLike: q.string('nameLike'), source: q.string('source') }) };
  });

  router.get('/deployment/:id', async (ctx) => {
    const d = await s.store.getDeployment(ctx.params.id);
    if (!d) throw new NotFound(`Deployment with id '${ctx.params.id}' does not exist`);
    ctx.body = deploymentDto(d);
  });

  router.get('/deployment/:id/resources', async (ctx) => {
    if (!(await s.store.getDeployment(ctx.params.id))) throw new NotFound(`Deployment with id '${ctx.params.id}' does not exist`);
    ctx.body = (await s.store.getResources(ctx.params.id)).map((r) => ({ id: r.id, name: r.name, deploymentId: r.deploymentId }));
  });

  router.get('/deployment/:id/resources/:resourceId/data', async (ctx) => {
    const r = (await s.store.getResources(ctx.params.id)).find((x) => x.id === ctx.params.resourceId);
    if (!r) throw new NotFound(`Resource '${ctx.params.resourceId}' does not exist in deployment '${ctx.params.id}'`);
    ctx.type = r.name.endsWith('.form') ? 'application/json' : r.name.match(/\.(bpmn|xml)$/) ? 'application/xml' : 'application/octet-stream';
    ctx.body = r.content;
  });

  router.delete('/deployment/:id', requireGroup('kim-koordination'), async (ctx) => {
    const q = new QueryReader(ctx.query);
    const id = ctx.params.id;
    if (!(await s.store.getDeployment(id))) throw new NotFound(`Deployment with id '${id}' does not exist`);
    const cascade = q.bool('cascade') ?? false;
    const definitions = await s.store.findDefinitions({ deploymentId: id });
    const instances: Array<{ id: string; state: string }> = [];
    for (const d of definitions) for (const i of await s.store.findInstances({ definitionId: d.id })) instances.push({ id: i.id, state: i.state });
    // As in Camunda: only running instances block a delete without cascade, which keeps the history of finished ones.
    const running = instances.filter((i) => i.state === 'ACTIVE');
    if (running.length && !cascade) {
      throw new Conflict(`Deployment ${id} has ${running.length} running process instance(s); delete with cascade=true`);
    }
    if (cascade) {
      for (const i of running) await s.engine.deleteInstance(i.id, 'deployment deleted').catch(() => undefined);
      await s.store.purgeInstances(instances.map((i) => i.id));
    }
    await s.store.deleteDeployment(id);
    for (const d of definitions) s.engine.definitions.evict(d.id);
    for (const key of new Set(definitions.map((d) => d.key))) await s.engine.syncSchedules(key);
    ctx.status = 204;
  });

  return router;
}
