/**
 * Per definition version, the parsed and serialized diagram that bpmn-engine runs, built once
 * and cached (parsing XML per command is the most expensive thing the service could do).
 */
import * as Elements from 'bpmn-elements';
import { EventBasedGateway, ExclusiveGateway } from './gatewayTokens.ts';
import serializer, { TypeResolver } from 'moddle-context-serializer';
import { BpmnModdle } from 'bpmn-moddle';
import camundaSchema from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { ClockTimerEventDefinition } from './clockTimer.ts';
import type { DefinitionRecord } from '../store/store.ts';

/** The element behaviours bpmn-engine gets: stock ones, with time from our clock. */
export const elements = { ...Elements, TimerEventDefinition: ClockTimerEventDefinition, ExclusiveGateway, EventBasedGateway } as Record<string, unknown>;

const typeResolver = TypeResolver(elements as never);

export interface RunnableDefinition {
  record: DefinitionRecord;
  /** Serialized context restricted to this definition's process (a file may hold several). */
  sourceContext: unknown;
}

type SourceContext = { getExecutableProcesses(): Array<{ id: string }>; getProcesses(): Array<{ id: string }> };

/** Builds the runnable context; only the record's process counts as executable. */
export async function buildRunnable(record: DefinitionRecord): Promise<RunnableDefinition> {
  const moddle = new BpmnModdle({ camunda: camundaSchema });
  const moddleContext = await moddle.fromXML(record.xml);
  const full = serializer(moddleContext as never, typeResolver) as unknown as SourceContext;
  const processId = record.key;
  const restricted = Object.create(full) as SourceContext;
  restricted.getExecutableProcesses = () => full.getProcesses().filter((p) => p.id === processId);
  return { record, sourceContext: restricted };
}

/** An LRU of runnable definitions by definition id. */
export class DefinitionCache {
  private readonly cache = new Map<string, Promise<RunnableDefinition>>();
  constructor(private readonly max = 200) {}

  get(record: DefinitionRecord): Promise<RunnableDefinition> {
    let hit = this.cache.get(record.id);
    if (hit) {
      this.cache.delete(record.id);
      this.cache.set(record.id, hit);
      return hit;
    }
    hit = buildRunnable(record);
    hit.catch(() => this.cache.delete(record.id));
    this.cache.set(record.id, hit);
    if (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value as string);
    return hit;
  }

  evict(definitionId: string): void {
    this.cache.delete(definitionId);
  }
}
