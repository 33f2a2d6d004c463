/**
 * Gateways with BPMN token semantics where bpmn-elements 17 differs (handed to bpmn-engine through
 * its `elements` option, like the clock-aware timer):
 *
 * - **Exclusive merge**: bpmn-elements passes every inbound message on, a discard (dead path) as
 *   well as a take. A merge inside one branch of a parallel split then forwards the discard of the
 *   path not taken at once, and the parallel join downstream counts it as that branch's arrival and
 *   fires before the taken path has arrived (Camunda waits for the token). Here a merge forwards a
 *   discard only when every inbound flow has been discarded (the whole region is dead); a take goes
 *   on at once, as before.
 * - **Event-based gateway**: after its outbound flows were taken, the persisted execute message
 *   carries `outboundTaken`, and on recovery the gateway returned before listening to its targets
 *   again: the first event to arrive no longer ended the race. Recovered, it listens again.
 */
import * as Elements from 'bpmn-elements';
// @ts-expect-error the subpath export has no typings of its own
import { EventBasedGatewayBehaviour, ExclusiveGatewayBehaviour } from 'bpmn-elements/gateways';

type Message = { fields: { routingKey?: string; redelivered?: boolean }; content: Record<string, unknown>; ack(): void };
type InboundHandler = (routingKey: string, message: Message) => unknown;
// bpmn-elements exports constructor functions typed loosely; we extend them by hand.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const Activity = (Elements as any).Activity as new (behaviour: unknown, def: unknown, context: unknown) => any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const EventBased = EventBasedGatewayBehaviour as any;

/** The activity's private handler table (`onInbound` …), found by shape: it is keyed by a module symbol. */
function handlersOf(activity: object): { onInbound: InboundHandler } | undefined {
  for (const sym of Object.getOwnPropertySymbols(activity)) {
    const value = (activity as Record<symbol, unknown>)[sym] as { onInbound?: unknown } | undefined;
    if (value && typeof value === 'object' && typeof value.onInbound === 'function') return value as { onInbound: InboundHandler };
  }
  return undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function ExclusiveGateway(activityDef: any, context: unknown) {
  const activity = new Activity(ExclusiveGatewayBehaviour, activityDef, context);
  const sources = new Set<string>((activity.inbound ?? []).map((f: { sourceId: string }) => f.sourceId));
  const handlers = handlersOf(activity);
  if (sources.size < 2 || !handlers) return activity;
  const original = handlers.onInbound;
  // What each inbound source sent in the current wave; a source heard twice starts a new wave.
  const heard = new Map<string, 'take' | 'discard'>();
  handlers.onInbound = (routingKey: string, message: Message) => {
    const source = String(message.content.sourceId ?? '');
    if (routingKey !== 'flow.take' && routingKey !== 'flow.discard') return original(routingKey, message);
    if (heard.has(source)) heard.clear();
    heard.set(source, routingKey === 'flow.take' ? 'take' : 'discard');
    const complete = [...sources].every((s) => heard.has(s));
    const anyTaken = [...heard.values()].includes('take');
    if (complete) heard.clear();
    if (routingKey === 'flow.take' || (complete && !anyTaken)) return original(routingKey, message);
    // A dead path that is not the whole merge: no token, nothing to pass on. The flow ends here as a
    // detected loop does ('looped'), which tells the process that nothing waits on that flow any more.
    const flow = (activity.inbound ?? []).find((f: { id: string }) => f.id === message.content.id);
    message.ack();
    flow?._publishEvent('looped', { ...message.content });
    return undefined;
  };
  return activity;
}

function RecoverableEventBasedGatewayBehaviour(this: object, activity: unknown, context: unknown) {
  EventBased.call(this, activity, context);
}
RecoverableEventBasedGatewayBehaviour.prototype = Object.create(EventBased.prototype);
RecoverableEventBasedGatewayBehaviour.prototype.constructor = RecoverableEventBasedGatewayBehaviour;
RecoverableEventBasedGatewayBehaviour.prototype.execute = function execute(executeMessage: Message) {
  if (executeMessage.content.outboundTaken && executeMessage.fields.redelivered) {
    // Recovered after the outbound flows were taken: listen to the targets again (a redelivered
    // message does not take the outbound flows a second time).
    return EventBased.prototype.execute.call(this, { ...executeMessage, content: { ...executeMessage.content, outboundTaken: false } });
  }
  return EventBased.prototype.execute.call(this, executeMessage);
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function EventBasedGateway(activityDef: any, context: unknown) {
  return new Activity(RecoverableEventBasedGatewayBehaviour, activityDef, context);
}
