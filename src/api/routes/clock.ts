/**
 * `/api/clock` (only with CLOCK=controlled; otherwise these routes do not exist): read, pin and
 * advance the service's time, like Zeebe's `/actuator/clock`. Advancing fires what falls due, in
 * order, and answers when it has been processed.
 */
import Router from '@koa/router';
import { ValidationError } from '../../errors.ts';
import { addDuration, type ClockControl } from '../../engine/clockControl.ts';
import type { Clock } from '../../clock.ts';
import { requireGroup } from '../../identity/auth.ts';
import { bodyObject } from '../query.ts';
import type { AppState } from '../types.ts';

export function clockRouter(clock: Clock, control: ClockControl): Router<AppState> {
  const router = new Router<AppState>();
  const show = () => ({ now: new Date(clock.now()).toISOString(), controlled: true });

  router.get('/clock', (ctx) => {
    ctx.body = show();
  });
  // Moving time is an administrative act (it fires deadlines for everyone).
  router.post('/clock', requireGroup('kim-koordination'), async (ctx) => {
    const body = bodyObject(ctx.request.body);
    const ms = typeof body.now === 'string' ? Date.parse(body.now) : NaN;
    if (Number.isNaN(ms)) throw new ValidationError("'now' must be an ISO 8601 date-time");
    await control.set(ms);
    ctx.body = show();
  });
  router.post('/clock/advance', requireGroup('kim-koordination'), async (ctx) => {
    const body = bodyObject(ctx.request.body);
    if (typeof body.duration !== 'string' || !body.duration.trim()) throw new ValidationError("'duration' is required (ISO 8601 such as P14D, or FEEL)");
    const target = addDuration(clock.now(), body.duration);
    const fired = await control.advanceTo(target);
    ctx.body = { ...show(), fired };
  });
  return router;
}
