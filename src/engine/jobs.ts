/**
 * Service-task jobs: the handler runs outside any command; its result continues the instance,
 * a failure is retried with backoff until the retries run out (an incident).
 */
import { Conflict, NotFound } from '../errors.ts';
import { retryPolicy } from './commitBuilder.ts';
import { BpmnError } from './handlers.ts';
import type { ProcessEngine } from './processEngine.ts';
import type { JobResult } from './session.ts';
import { toPlain } from './variables.ts';

/** Runs one service-task job's handler outside any command, then continues or fails the job. */
export async function runJob(engine: ProcessEngine, instanceId: string, jobId: string): Promise<void> {
  const instance = await engine.store.getInstance(instanceId);
  const job = instance?.timers.find((t) => t.id === jobId);
  if (!instance || instance.state !== 'ACTIVE' || !job?.handler || (job.retries ?? 0) <= 0) return;
  let result: JobResult;
  try {
    const definition = await engine.store.getDefinition(instance.definitionId);
    const output = await engine.handlers.run(job.handler, job.activityId, {
      variables: toPlain(instance.variables),
      instanceId,
      clock: engine.clock,
      businessKey: instance.businessKey,
      definitionKey: instance.definitionKey,
      elementId: job.activityId,
      elementName: definition?.model.elements[job.activityId]?.name ?? null,
      jobId,
    });
    result = { output: output && typeof output === 'object' ? output : {} };
  } catch (err) {
    if (!(err instanceof BpmnError)) return failJob(engine, instanceId, jobId, (err as Error).message);
    result = { error: { code: err.code, message: err.message } };
  }
  try {
    await engine.command(instanceId, async ({ instance: current }) => {
      if (!current.timers.some((t) => t.id === jobId)) return; // already done by a duplicate delivery
    }, [], new Map([[job.executionId, result]]));
  } catch (err) {
    // The continuation failed (e.g. an uncaught BPMN error or a failing expression after the task).
    await failJob(engine, instanceId, jobId, (err as Error).message);
  }
}

/** Records a failed try: the job is due again after the retry interval, or becomes an incident. */
export async function failJob(engine: ProcessEngine, instanceId: string, jobId: string, message: string): Promise<void> {
  await engine.mutate(instanceId, (instance) => {
    const job = instance.timers.find((t) => t.id === jobId);
    if (!job?.handler) return;
    const policy = retryPolicy(job.retryCycle);
    const left = Math.max(0, (job.retries ?? 1) - 1);
    const triesSoFar = policy.tries - left;
    job.retries = left;
    job.exceptionMessage = message.slice(0, 4000);
    if (left > 0) job.dueAt = new Date(engine.clock.now() + policy.delayMs(triesSoFar)).toISOString();
    else job.failedAt = new Date(engine.clock.now()).toISOString();
  });
}

/** `PUT /job/{id}/retries`: gives a job (typically an incident) new tries, due now. */
export async function setJobRetries(engine: ProcessEngine, jobId: string, retries: number): Promise<void> {
  const [job] = await engine.store.findJobs({ id: jobId });
  if (!job) throw new NotFound(`Job with id ${jobId} does not exist`);
  await engine.mutate(job.instanceId, (instance) => {
    const current = instance.timers.find((t) => t.id === jobId);
    if (!current) throw new NotFound(`Job with id ${jobId} does not exist`);
    if (!current.handler) throw new Conflict(`Job ${jobId} is a timer; it has no retries`);
    current.retries = retries;
    current.failedAt = null;
    current.dueAt = new Date(engine.clock.now()).toISOString();
  });
}
