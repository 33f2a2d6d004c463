/**
 * A TimerEventDefinition that reads time from the injected clock instead of `new Date()`,
 * handed to bpmn-engine through its `elements` option. The stock element resolves
 * `timeDate`/`timeDuration`/`timeCycle` against the wall clock and completes at once when
 * the due time is not in the future; with this one, "now" is the service clock, so a
 * controlled clock moves timers, and recovering an instance after its `expireAt` completes
 * exactly the due timers.
 */
import { TimerEventDefinition } from 'bpmn-elements';
import { ISOInterval, getDate } from '@0dep/piso';
import type { Clock } from '../clock.ts';

type Content = Record<string, unknown> & { expireAt?: string | Date; inbound?: Array<Record<string, unknown>> };
type TimerResult = { expireAt?: Date; repeat?: number; timeout?: number; timerType?: string } & Record<string, unknown>;

const timerTypes = ['timeDuration', 'timeDate', 'timeCycle'] as const;

function clockOf(self: { environment: { options: Record<string, unknown> } }): Clock {
  const clock = self.environment.options.clock as Clock | undefined;
  return clock ?? { now: () => Date.now() };
}

// bpmn-elements exports constructor functions; we extend the prototype chain by hand.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const Base = TimerEventDefinition as any;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function ClockTimerEventDefinition(this: any, activity: unknown, eventDefinition: unknown) {
  Base.call(this, activity, eventDefinition);
}
ClockTimerEventDefinition.prototype = Object.create(Base.prototype);
ClockTimerEventDefinition.prototype.constructor = ClockTimerEventDefinition;

ClockTimerEventDefinition.prototype.execute = function execute(executeMessage: { content: Content }) {
  const content = executeMessage.content;
  if (!('startedAt' in content)) content.startedAt = new Date(clockOf(this).now());
  return Base.prototype.execute.call(this, executeMessage);
};

ClockTimerEventDefinition.prototype.parse = function parse(timerType: string, value: string) {
  const now = new Date(clockOf(this).now());
  let repeat: number | undefined;
  let expireAt: Date | undefined;
  if (timerType === 'timeDate') {
    expireAt = getDate(value) as Date;
  } else {
    const parsed = new ISOInterval(value).parse();
    if (parsed.repeat) repeat = parsed.repeat;
    expireAt = parsed.getExpireAt(now, now);
  }
  return { expireAt, repeat, delay: expireAt ? expireAt.getTime() - now.getTime() : 0 };
};

ClockTimerEventDefinition.prototype._getTimers = function getTimers(executeMessage: { content: Content }): TimerResult {
  const content = executeMessage.content;
  const now = clockOf(this).now();
  // The start event an instance was started at (by its schedule, or by hand) fires at once.
  const fireNow = this.environment.options.fireNow as Set<string> | undefined;
  if (fireNow?.has(this.activity.id)) return { expireAt: new Date(now), timeout: 0, timerType: 'timeDate' };
  const result: TimerResult = { ...('expireAt' in content && content.expireAt ? { expireAt: new Date(content.expireAt) } : {}) };

  for (const timerType of timerTypes) {
    let timerStr: unknown;
    if (timerType in content) timerStr = content[timerType];
    else if (timerType in this) timerStr = this.environment.resolveExpression(this[timerType], executeMessage);
    else continue;
    result[timerType] = timerStr;

    let expireAtDate: Date;
    let repeat: number | undefined;
    if (timerStr) {
      const parsed = this.parse(timerType, String(timerStr));
      if (!parsed.expireAt || !parsed.expireAt.getTime || Number.isNaN(parsed.expireAt.getTime())) {
        throw new TypeError(`Parsed ${timerType} "${String(timerStr)}" expireAt failed to resolve to a date`);
      }
      repeat = parsed.repeat;
      expireAtDate = parsed.expireAt;
    } else if (!(timerType in content) && typeof this[timerType] === 'string' && this[timerType].trim() !== '') {
      // An expression that resolves to nothing (a variable not set yet) is an error, as in Camunda —
      // not a timer that fires at once.
      throw new TypeError(`${timerType} of ${this.activity.id} resolved to nothing: ${this[timerType]}`);
    } else {
      expireAtDate = new Date(now);
    }
    if (!result.expireAt || result.expireAt > expireAtDate) {
      result.timerType = timerType;
      result.expireAt = expireAtDate;
      result.repeat = repeat;
    }
  }

  if (result.expireAt) result.timeout = result.expireAt.getTime() - now;
  else if ('timeout' in content) result.timeout = content.timeout as number;
  else if (!Object.keys(result).length) result.timeout = 0;

  if (content.inbound?.[0] && 'repeat' in content.inbound[0]) result.repeat = content.inbound[0].repeat as number;
  return result;
};
