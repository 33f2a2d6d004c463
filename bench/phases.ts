/**
 * Optional instrumentation of a running service (bench only, `--phases`): wraps store methods
 * (synchronous under better-sqlite3, so their wall time is their cost), the engine Session's
 * steps and the engine commands. Meant for a sequential pass (concurrency 1), where the wall
 * time of an async step is its own time rather than that of interleaved requests.
 */
import { performance } from 'node:perf_hooks';
import { Session } from '../src/engine/session.ts';
import type { RunningService } from '../src/service.ts';

export type PhaseTotals = Record<string, { calls: number; ms: number }>;

const STORE_PHASES: Record<string, string> = {
  getUser: 'auth: store.getUser',
  groupsOf: 'auth: store.groupsOf',
  latestDefinition: 'route: store.latestDefinition',
  getTask: 'route/engine: store.getTask',
  findTasks: 'route: store.findTasks',
  getInstance: 'engine: store.getInstance',
  getDefinition: 'engine: store.getDefinition',
  commitInstance: 'engine: store.commitInstance (SQLite txn+fsync | Mongo write+outbox)',
  pendingFollowUps: 'engine: store.pendingFollowUps',
};
const SESSION_PHASES: Record<string, string> = {
  start: 'engine: Session.start (execute+settle)',
  resume: 'engine: Session.resume (clone+recover+resume+settle)',
  signalExecution: 'engine: Session.signalExecution (+settle)',
  getState: 'engine: Session.getState',
};
const COMMAND_PHASES: Record<string, string> = {
  start: 'command: ProcessEngine.start (total)',
  completeTask: 'command: ProcessEngine.completeTask (total)',
};

function wrap(target: Record<string, unknown>, name: string, label: string, totals: PhaseTotals): void {
  const original = target[name] as (...args: unknown[]) => unknown;
  if (typeof original !== 'function') return;
  target[name] = function timed(this: unknown, ...args: unknown[]) {
    const t0 = performance.now();
    const add = () => {
      const entry = (totals[label] ??= { calls: 0, ms: 0 });
      entry.calls++;
      entry.ms += performance.now() - t0;
    };
    const result = original.apply(this, args);
    if (result instanceof Promise) return result.finally(add);
    add();
    return result;
  };
}

export function instrument(service: RunningService) {
  let totals: PhaseTotals = {};
  const sink = new Proxy({} as PhaseTotals, {
    get: (_t, k: string) => totals[k],
    set: (_t, k: string, v) => ((totals[k] = v), true),
  });
  const store = service.store as unknown as Record<string, unknown>;
  for (const [name, label] of Object.entries(STORE_PHASES)) wrap(store, name, label, sink);
  const proto = Session.prototype as unknown as Record<string, unknown>;
  for (const [name, label] of Object.entries(SESSION_PHASES)) wrap(proto, name, label, sink);
  const engine = service.engine as unknown as Record<string, unknown>;
  for (const [name, label] of Object.entries(COMMAND_PHASES)) wrap(engine, name, label, sink);
  return {
    /** Totals since the previous snapshot. */
    snapshot(): PhaseTotals {
      const out = totals;
      totals = {};
      return out;
    },
  };
}
