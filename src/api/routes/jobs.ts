/**
 * `/job…` and `/incident…` in Camunda 7's shapes. Jobs are timers and service-task jobs; an
 * incident is a service-task job whose retries ran out (`failedJob`). Setting retries again
 * (`PUT /job/{id}/retries`) makes it due at once.
 */
import Router from '@koa/router';
import { NotFound, ValidationError } from '../../errors.ts';
import type { JobQuery, TimerRecord } from '../../store/store.ts';
import { camundaDate } from '../dto.ts';
import { isScheduleOwner } from '../../engine/schedules.ts';
import { bodyObject, QueryReader } from '../query.ts';
import type { Services } from '../services.ts';
import type { AppState } from '../types.ts';

function jobDto(j: TimerRecord, definitionId: string | null) {
  // A timer start event's schedule belongs to its definition, not to an instance.
  const schedule = isScheduleOwner(j.instanceId);
  return {
    id: j.id,
    jobDefinitionId: `${j.activityId}:${j.handler ? 'async' : 'timer'}`,
    processInstanceId: schedule ? null : j.instanceId,
    processDefinitionId: schedule ? j.executionId : definitionId,
    executionId: schedule ? null : j.executionId,
    activityId: j.activityId,
    exceptionMessage: j.exceptionMessage ?? null,
    failedActivityId: j.exceptionMessage ? j.activityId : null,
    retries: j.handler ? (j.retries ?? 0) : 1,
    dueDate: camundaDate(j.dueAt),
    suspended: false,
    priority: 0,
    tenantId: null,
    createTime: null,
    // Not in Camunda's DTO: what kind of job, and which handler.
    jobType: j.handler ? 'job' : 'timer',
    timerType: j.timerType,
    handler: j.handler ?? null,
  };
}

function incidentDto(j: TimerRecord, definitionId: string | null) {
  return {
    id: j.id,
    processDefinitionId: definitionId,
    processInstanceId: j.instanceId,
    executionId: j.executionId,
    incidentTimestamp: j.failedAt ? camundaDate(j.failedAt) : null,
    incidentType: 'failedJob',
    activityId: j.activityId,
    failedActivityId: j.activityId,
    causeIncidentId: j.id,
    rootCauseIncidentId: j.id,
    configuration: j.id,
    incidentMessage: j.exceptionMessage ?? null,
    tenantId: null,
    jobDefinitionId: `${j.activityId}:async`,
    annotation: null,
  };
}

export function jobRouter(s: Services): Router<AppState> {
  const router = new Router<AppState>();

  async function withDefinitions<T>(jobs: TimerRecord[], map: (j: TimerRecord, definitionId: string | null) => T): Promise<T[]> {
    const defs = new Map<string, string | null>();
    for (const j of jobs) {
      if (!defs.has(j.instanceId) && !isScheduleOwner(j.instanceId)) defs.set(j.instanceId, (await s.store.getInstance(j.instanceId))?.definitionId ?? null);
    }
    return jobs.map((j) => map(j, defs.get(j.instanceId) ?? null));
  }

  function jobQuery(raw: Record<string, unknown>): JobQuery {
    const q = new QueryReader(raw);
    const kind = q.oneOf('jobType', ['timer', 'job'] as const);
    return {
      id: q.string('jobId'),
      instanceId: q.string('processInstanceId'),
      activityId: q.string('activityId'),
      kind: q.bool('timers') ? 'timer' : kind,
      withException: q.bool('withException'),
      noRetriesLeft: q.bool('noRetriesLeft'),
      ...q.page(),
    };
  }

  router.get('/job', async (ctx) => {
    ctx.body = await withDefinitions(await s.store.findJobs(jobQuery(ctx.query)), jobDto);
  });
  router.get('/job/count', async (ctx) => {
    ctx.body = { count: await s.store.countJobs(jobQuery(ctx.query)) };
  });
  router.get('/job/:id', async (ctx) => {
    const [job] = await s.store.findJobs({ id: ctx.params.id });
    if (!job) throw new NotFound(`Job with id ${ctx.params.id} does not exist`);
    ctx.body = (await withDefinitions([job], jobDto))[0];
  });
  router.put('/job/:id/retries', async (ctx) => {
    const body = bodyObject(ctx.request.body);
    const retries = body.retries;
    if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > 100) throw new ValidationError("'retries' must be an integer between 0 and 100");
    await s.engine.setJobRetries(ctx.params.id, retries);
    ctx.status = 204;
  });

  function incidentQuery(raw: Record<string, unknown>): JobQuery {
    const q = new QueryReader(raw);
    const type = q.string('incidentType');
    if (type && type !== 'failedJob') throw new ValidationError(`Unknown incidentType '${type}'`);
    return { id: q.string('incidentId'), instanceId: q.string('processInstanceId'), activityId: q.string('activityId'), kind: 'job', noRetriesLeft: true, ...q.page() };
  }
  router.get('/incident', async (ctx) => {
    ctx.body = await withDefinitions(await s.store.findJobs(incidentQuery(ctx.query)), incidentDto);
  });
  router.get('/incident/count', async (ctx) => {
    ctx.body = { count: await s.store.countJobs(incidentQuery(ctx.query)) };
  });
  router.get('/incident/:id', async (ctx) => {
    const [job] = await s.store.findJobs({ id: ctx.params.id, kind: 'job', noRetriesLeft: true });
    if (!job) throw new NotFound(`Incident with id ${ctx.params.id} does not exist`);
    ctx.body = (await withDefinitions([job], incidentDto))[0];
  });

  return router;
}
