/**
 * Follow-ups: cross-instance effects recorded in a commit and applied afterwards, idempotently
 * (start a called process; resume the caller with the child's outputs).
 */
import { NotFound } from '../errors.ts';
import type { FollowUpRecord } from '../store/store.ts';
import { resolve } from './feel.ts';
import { stableId } from './ids.ts';
import type { ProcessEngine } from './processEngine.ts';
import { fromPlain, toPlain, type TypedVariables } from './variables.ts';
import { setVariables } from './processEngine.ts';

export async function applyFollowUp(engine: ProcessEngine, f: FollowUpRecord): Promise<void> {
  try {
    if (f.type === 'startCalled') await startCalled(engine, f);
    else if (f.type === 'callDone') await callDone(engine, f);
    else if (f.type === 'cancelCalled') await cancelCalled(engine, f);
    await engine.store.deleteFollowUp(f.id);
  } catch (err) {
    // A follow-up that cannot be applied is dropped with a log line rather than retried forever.
    console.error(`follow-up ${f.type} ${f.id} failed: ${(err as Error).message}`);
    await engine.store.deleteFollowUp(f.id);
  }
}

export async function startCalled(engine: ProcessEngine, f: FollowUpRecord): Promise<void> {
  const p = f.payload as { parentId: string; executionId: string; calledElement: string; variables: TypedVariables; businessKey: string | null; rootInstanceId: string; organisation?: string | null };
  const childId = stableId(p.parentId, p.executionId);
  if (await engine.store.getInstance(childId)) return;
  const def = await engine.store.latestDefinition(p.calledElement);
  if (!def) throw new NotFound(`Called process ${p.calledElement} is not deployed`);
  await engine.start(def, {
    instanceId: childId,
    variables: p.variables,
    businessKey: p.businessKey,
    superInstanceId: p.parentId,
    superExecutionId: p.executionId,
    rootInstanceId: p.rootInstanceId,
    organisation: p.organisation ?? null,
  });
}

export async function callDone(engine: ProcessEngine, f: FollowUpRecord): Promise<void> {
  const p = f.payload as { parentId: string; executionId: string; childVariables: TypedVariables };
  const parent = await engine.store.getInstance(p.parentId);
  if (!parent || parent.state !== 'ACTIVE') return;
  await engine.command(p.parentId, async ({ session, plain, instance, effects }) => {
    const call = session.calls.get(p.executionId);
    if (!call) return;
    const info = session.model.elements[call.activityId];
    const childPlain = toPlain(p.childVariables);
    const out: TypedVariables = {};
    for (const m of info?.outMappings ?? []) {
      if (m.all) Object.assign(out, p.childVariables);
      else if (m.target && m.source !== undefined) out[m.target] = p.childVariables[m.source] ?? fromPlain(null);
      else if (m.target && m.sourceExpression) out[m.target] = fromPlain(resolve(m.sourceExpression, childPlain));
    }
    setVariables(instance, plain, out, effects);
    await session.signalExecution(p.executionId, call.activityId, toPlain(out));
  });
}

/** The caller's call activity was cancelled: the called instance (and what it called) ends too. */
export async function cancelCalled(engine: ProcessEngine, f: FollowUpRecord): Promise<void> {
  const p = f.payload as { childId: string; reason: string };
  const child = await engine.store.getInstance(p.childId);
  if (!child || child.state !== 'ACTIVE') return;
  await engine.deleteInstance(p.childId, p.reason);
}
