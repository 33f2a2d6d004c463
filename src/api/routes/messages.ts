/**
 * `POST /message` and `POST /signal`: correlation is the service's job (bpmn-engine does not
 * correlate between instances). A message reaches waiting catches (by business key, instance id
 * or correlation keys = process variables) or starts an instance at a message start event;
 * no match is a 400, as in Camunda.
 */
import Router from '@koa/router';
import { Conflict, ValidationError } from '../../errors.ts';
import { parseVariables, toResponse } from '../../engine/variables.ts';
import type { InstanceRecord, SubscriptionRecord } from '../../store/store.ts';
import { bodyObject } from '../query.ts';
import { checkOrganisationWrite } from '../../kim/access.ts';
import { accessPolicy, type Services } from '../services.ts';
import type { AppState } from '../types.ts';

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function messageRouter(s: Services): Router<AppState> {
  const router = new Router<AppState>();
  const access = accessPolicy(s);

  router.post('/message', async (ctx) => {
    const body = bodyObject(ctx.request.body);
    const name = body.messageName;
    if (typeof name !== 'string' || !name) throw new ValidationError("'messageName' is required");
    const businessKey = body.businessKey === undefined || body.businessKey === null ? undefined : String(body.businessKey);
    const instanceId = typeof body.processInstanceId === 'string' ? body.processInstanceId : undefined;
    const correlationKeys = parseVariables(body.correlationKeys);
    const variables = parseVariables(body.processVariables);
    checkOrganisationWrite(ctx.state.user, variables);
    const all = body.all === true;
    const resultEnabled = body.resultEnabled === true;

    let subs = await s.store.findSubscriptions({ kind: 'message', name, businessKey, instanceId });
    // A message reaches only cases the sender may see (another organisation's case looks like no match).
    if (access.filter(ctx.state.user)) {
      const visible: SubscriptionRecord[] = [];
      for (const sub of subs) {
        const inst = await s.store.getInstance(sub.instanceId);
        if (inst && (await access.viewOf(ctx.state.user, inst)) !== 'none') visible.push(sub);
      }
      subs = visible;
    }
    if (Object.keys(correlationKeys).length) {
      const matching: SubscriptionRecord[] = [];
      for (const sub of subs) {
        const inst = await s.store.getInstance(sub.instanceId);
        if (inst && Object.entries(correlationKeys).every(([k, v]) => inst.variables[k] && sameValue(inst.variables[k].value, v.value))) matching.push(sub);
      }
      subs = matching;
    }
    const results: Array<{ resultType: string; processInstance: InstanceRecord }> = [];
    if (subs.length) {
      // One waiting execution per instance; without `all`, the first match only (Camunda: more is an error).
      const byInstance = new Map<string, SubscriptionRecord>();
      for (const sub of subs) if (!byInstance.has(sub.instanceId)) byInstance.set(sub.instanceId, sub);
      if (!all && byInstance.size > 1) throw new Conflict(`Cannot correlate message '${name}': ${byInstance.size} executions match`);
      for (const sub of byInstance.values()) {
        const inst = await s.engine.deliver(sub.instanceId, sub.refId, sub.executionId, variables);
        results.push({ resultType: 'Execution', processInstance: inst });
      }
    } else if (!instanceId) {
      // Message start events of the latest versions.
      const candidates = (await s.store.findDefinitions({ latestVersion: true })).filter((d) =>
        d.executable && Object.values(d.model.elements).some((e) => e.type === 'bpmn:StartEvent' && e.isProcessStart && e.message?.name === name),
      );
      if (!all && candidates.length > 1) throw new Conflict(`Cannot correlate message '${name}': ${candidates.length} message start events match`);
      for (const def of all ? candidates : candidates.slice(0, 1)) {
        const start = Object.values(def.model.elements).find((e) => e.type === 'bpmn:StartEvent' && e.isProcessStart && e.message?.name === name)!;
        const inst = await s.engine.start(def, { businessKey: businessKey ?? null, variables, messageRef: start.message!.id, startUserId: ctx.state.user.id });
        results.push({ resultType: 'ProcessDefinition', processInstance: inst });
      }
    }
    if (!results.length) throw new ValidationError(`Cannot correlate message '${name}': No process definition or execution matches the parameters`);
    if (resultEnabled) {
      ctx.body = results.map((r) => ({
        resultType: r.resultType,
        execution: null,
        processInstance: { id: r.processInstance.id, definitionId: r.processInstance.definitionId, businessKey: r.processInstance.businessKey, ended: r.processInstance.state !== 'ACTIVE', suspended: false, tenantId: null },
        ...(body.variablesInResultEnabled === true ? { variables: toResponse(r.processInstance.variables) } : {}),
      }));
    } else ctx.status = 204;
  });

  router.post('/signal', async (ctx) => {
    const body = bodyObject(ctx.request.body);
    const name = body.name;
    if (typeof name !== 'string' || !name) throw new ValidationError("'name' is required");
    const variables = parseVariables(body.variables);
    const subs = await s.store.findSubscriptions({ kind: 'signal', name });
    for (const sub of subs) await s.engine.deliver(sub.instanceId, sub.refId, sub.executionId, variables).catch(() => undefined);
    const starts = (await s.store.findDefinitions({ latestVersion: true })).filter((d) =>
      d.executable && Object.values(d.model.elements).some((e) => e.type === 'bpmn:StartEvent' && e.isProcessStart && e.signal?.name === name),
    );
    for (const def of starts) {
      const start = Object.values(def.model.elements).find((e) => e.type === 'bpmn:StartEvent' && e.isProcessStart && e.signal?.name === name)!;
      await s.engine.start(def, { variables, messageRef: start.signal!.id, startUserId: ctx.state.user.id });
    }
    ctx.status = 204;
  });

  return router;
}
