/** Handlers of `baustein3-ueberleitung` (KIM-PROCESSES.md §4): the perspective rule. Not written yet. */
import type { KimHandlerDeps } from './handlers.ts';
import type { HandlerRegistry } from '../engine/handlers.ts';

export function registerPerspektiveHandlers(_handlers: HandlerRegistry, _deps: KimHandlerDeps): void {}
