import Router from '@koa/router';
import { bearerTokenHashOf, createToken, currentUser } from '../../identity/auth.ts';
import { bodyObject, rejectDollarKeys, requiredString } from '../../identity/validation.ts';
import { ValidationError } from '../../errors.ts';
import type { IdentityStore } from '../../store/identityStore.ts';
import type { AppRouter, AppState } from '../types.ts';

/**
 * API tokens for the calling user, prefix-less: the caller mounts this under `/api` behind
 * `authMiddleware`. The token is shown once in the 201 response; only its sha256 is stored.
 */
export function tokensRouter(store: IdentityStore): AppRouter {
  const router = new Router<AppState>();
  router.use(rejectDollarKeys);

  router.post('/tokens', async (ctx) => {
    const user = currentUser(ctx);
    const name = requiredString(bodyObject(ctx), 'name', 'name', 100).trim();
    if (name.length === 0) throw new ValidationError('name must not be empty');
    const token = await createToken(store, user.id, name);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 201;
    ctx.body = { token, name };
  });

  /** Revokes the bearer token this request was made with; a no-op (204) for Basic auth. */
  router.delete('/tokens/current', async (ctx) => {
    currentUser(ctx);
    const hash = bearerTokenHashOf(ctx);
    if (hash) await store.deleteToken(hash);
    ctx.status = 204;
  });

  return router;
}
