/** Handlers of `kim-fallkonferenz` (KIM-PROCESSES.md §4). Not written yet. */
import type { KimHandlerDeps } from './handlers.ts';
import type { HandlerRegistry } from '../engine/handlers.ts';

export function registerFallkonferenzHandlers(_handlers: HandlerRegistry, _deps: KimHandlerDeps): void {}
