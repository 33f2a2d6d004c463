import type { Context, Next } from 'koa';
import { randomUUID } from 'node:crypto';

/** Gives every request an id (echoed as X-Request-Id) that error logs carry. */
export async function requestId(ctx: Context, next: Next): Promise<void> {
  const incoming = ctx.get('X-Request-Id');
  ctx.state.requestId = /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
  ctx.set('X-Request-Id', ctx.state.requestId);
  await next();
}
