import type { Context, Next } from 'koa';
import { DomainError } from '../../errors.ts';

type HttpishError = Error & { status?: number; statusCode?: number; expose?: boolean };

/**
 * The one place where thrown errors become responses, in Camunda's shape
 * `{ "type": "…Exception", "message": "…" }`. A 5xx shows the client only the status text
 * and is logged with the request id, unless the error is marked `expose` (an engine failure
 * whose message the caller needs, such as a failing service handler).
 */
export function errorMiddleware(log: (line: string) => void = (l) => console.error(l)) {
  return async function errors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      // No route matched (404) or the path exists without this method (405, set by allowedMethods):
      // answer in Camunda's error shape too, not with Koa's plain-text status message.
      if ((ctx.status === 404 || ctx.status === 405) && ctx.body == null && /^\/(engine-rest|api)(\/|$)/.test(ctx.path)) {
        const status = ctx.status;
        ctx.body = status === 404
          ? { type: 'InvalidRequestException', message: `No resource ${ctx.method} ${ctx.path.slice(0, 200)}` }
          : { type: 'InvalidRequestException', message: `Method ${ctx.method} is not allowed on ${ctx.path.slice(0, 200)}` };
        ctx.status = status; // assigning a body to an implicit 404 would make it 200
      }
    } catch (err) {
      const e = err as HttpishError;
      if (e instanceof DomainError && (e.status < 500 || e.expose)) {
        ctx.status = e.status;
        ctx.body = { type: e.type, message: e.message, ...(e.details ?? {}) };
        if (e.status === 401) ctx.set('WWW-Authenticate', 'Basic realm="kim-engine"');
        if (e.status >= 500) log(`[${ctx.state.requestId ?? '-'}] ${ctx.method} ${ctx.path}: ${e.message}`);
        return;
      }
      const status = (err as HttpishError).status ?? (err as HttpishError).statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        // Errors from Koa helpers and body parsers (413 from raw-body, 400 on bad JSON).
        ctx.status = status;
        ctx.body = { type: status === 413 ? 'PayloadTooLargeException' : 'InvalidRequestException', message: e.expose === false ? 'Bad request' : e.message };
        return;
      }
      ctx.status = 500;
      ctx.body = { type: 'ProcessEngineException', message: 'Internal Server Error' };
      log(`[${ctx.state.requestId ?? '-'}] ${ctx.method} ${ctx.path} failed: ${e.stack ?? e.message}`);
    }
  };
}
