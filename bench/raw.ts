/**
 * The raw ceiling: bpmn-engine alone, in memory. Per instance: start → run to the user task →
 * getState() (without `source`) → recover into a fresh Engine → resume → signal the task →
 * end. Parse cached (one serialized moddle context, passed as `sourceContext`), quiet logger,
 * stock bpmn-elements, `disableTrackState` as the service sets it.
 */
import { performance } from 'node:perf_hooks';
import { Engine } from 'bpmn-engine';
import * as Elements from 'bpmn-elements';
import serializer, { TypeResolver } from 'moddle-context-serializer';
import { BpmnModdle } from 'bpmn-moddle';
import camundaSchema from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { PROCESS_XML, TASK_ID } from './process.ts';

const quietLogger = () => ({ debug() {}, error() {}, warn() {} });

interface WaitApi { id: string; executionId: string }
interface RawEngine {
  name: string;
  state: string;
  execute(opts: unknown): Promise<unknown>;
  recover(state: unknown): RawEngine;
  resume(opts: unknown): Promise<unknown>;
  waitFor(event: string): Promise<unknown>;
  environment: { getState(): unknown };
  execution: { definitions: Array<{ getState(): unknown }>; signal(payload: unknown): void };
}

export async function loadSourceContext(): Promise<unknown> {
  const moddle = new BpmnModdle({ camunda: camundaSchema });
  const context = await moddle.fromXML(PROCESS_XML);
  return serializer(context as never, TypeResolver(Elements as never));
}

function newEngine(name: string, sourceContext: unknown): RawEngine {
  const options = { name, sourceContext, Logger: quietLogger, settings: { disableTrackState: true } };
  return new Engine(options as never) as unknown as RawEngine;
}

/** What a persisted engine saves: the engine state without the embedded source. */
function stateOf(engine: RawEngine): unknown {
  return {
    name: engine.name,
    state: engine.state,
    stopped: false,
    environment: engine.environment.getState(),
    definitions: engine.execution.definitions.map((d) => d.getState()),
  };
}

/** One instance, start to end, with one save + recover at the user task. */
export async function rawInstance(n: number, sourceContext: unknown): Promise<void> {
  let waiting: WaitApi | undefined;
  const listener = { emit(event: string, api: WaitApi) { if (event === 'activity.wait') waiting = api; } };
  const first = newEngine(`raw-${n}`, sourceContext);
  await first.execute({ listener });
  while (!waiting) await new Promise((r) => setImmediate(r));
  const state = stateOf(first);

  const second = newEngine(`raw-${n}`, sourceContext);
  second.recover(state);
  const ended = second.waitFor('end');
  await second.resume({ listener: { emit() {} } });
  second.execution.signal({ id: TASK_ID, executionId: waiting.executionId });
  await ended;
}

export interface RawResult { iterations: number; seconds: number; perSecond: number; msPerInstance: number }

export async function runRaw(iterations: number, warmup: number, sourceContext: unknown): Promise<RawResult> {
  for (let i = 0; i < warmup; i++) await rawInstance(i, sourceContext);
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await rawInstance(i, sourceContext);
  const seconds = (performance.now() - t0) / 1000;
  return { iterations, seconds, perSecond: iterations / seconds, msPerInstance: (seconds * 1000) / iterations };
}
