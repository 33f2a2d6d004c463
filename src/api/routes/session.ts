/**
 * `/api/session`: log in and out of the web app with a session cookie.
 *
 * - `POST /api/session {username, password}` (JSON only; the one `/api` route without
 *   authentication) checks the password, creates a session token (a token record like those of
 *   `POST /api/tokens`, named `web-session`, only its sha256 stored, ends 12 h after the login)
 *   and sets it as cookie `kim_session` (HttpOnly, SameSite=Strict, Path=/, Secure when the
 *   service's public URL is https). Answers the user and the session's CSRF token.
 * - `GET /api/session`: the current user (any scheme), with the CSRF token when the request came
 *   with the cookie.
 * - `DELETE /api/session`: deletes the session (the token is gone from the store: the cookie is
 *   worthless from then on, also in other API processes) and clears the cookie.
 *
 * A cookie-authenticated state-changing request must carry the CSRF token in `X-CSRF-Token`
 * (checked in src/identity/auth.ts). Basic and Bearer are unaffected.
 */
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import {
  ADMIN_GROUP, authOf, createToken, CSRF_HEADER, csrfTokenFor, currentUser, hashToken, SESSION_COOKIE, SESSION_MAX_AGE_MS, SESSION_TOKEN_NAME,
  sessionCookieOf, verifyLogin,
} from '../../identity/auth.ts';
import { isPlainObject } from '../../identity/validation.ts';
import { organisationsOf } from '../../kim/access.ts';
import type { Clock } from '../../clock.ts';
import type { IdentityStore } from '../../store/identityStore.ts';
import type { AppRouter, AppState, AuthUser } from '../types.ts';

export interface SessionOptions {
  /** Mark the cookie `Secure` (the service is reached over https: PUBLIC_URL starts with https). */
  secureCookie: boolean;
}

const LOGIN_FAILED = 'Anmeldung fehlgeschlagen: Benutzername oder Passwort ist falsch.';

/** True for the login request, which the app lets through without authentication. */
export function isLoginRequest(ctx: Pick<Context, 'method' | 'path'>): boolean {
  return ctx.method === 'POST' && (ctx.path === '/api/session' || ctx.path === '/api/session/');
}

/**
 * Browsers answer a 401 carrying `WWW-Authenticate: Basic` with their own password dialog, also
 * for the web app's fetch calls. The web app marks its requests with `X-Requested-With`; for them
 * (and for requests with the session cookie) the challenge is dropped, so the app shows its own
 * login form instead. Programs without that header keep getting the challenge.
 */
export function webClientChallenge() {
  return async function noBrowserDialog(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } finally {
      if (ctx.status === 401 && (ctx.get('X-Requested-With') || sessionCookieOf(ctx))) ctx.remove('WWW-Authenticate');
    }
  };
}

function cookie(value: string, secure: boolean, clear = false): string {
  return [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', ...(clear ? ['Max-Age=0'] : []), ...(secure ? ['Secure'] : [])].join('; ');
}

export function sessionRouter(store: IdentityStore, clock: Clock, opts: SessionOptions): AppRouter {
  const router = new Router<AppState>();

  async function describe(user: AuthUser, sessionToken: string | undefined) {
    const record = await store.getUser(user.id);
    const organisations = organisationsOf(user);
    const created = sessionToken ? (await store.findToken(hashToken(sessionToken)))?.createdAt : undefined;
    return {
      id: user.id,
      firstName: record?.firstName ?? null,
      lastName: record?.lastName ?? null,
      groups: user.groups,
      isAdmin: user.isAdmin,
      organisation: organisations[0] ?? null,
      organisations,
      csrfToken: sessionToken ? csrfTokenFor(sessionToken) : null,
      csrfHeader: CSRF_HEADER,
      sessionExpiresAt: created ? new Date(Date.parse(created) + SESSION_MAX_AGE_MS).toISOString() : null,
      // The service's clock (controlled in demos and tests): the web app reckons due dates from it.
      serverTime: new Date(clock.now()).toISOString(),
    };
  }

  router.post('/session', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    if (!ctx.is('application/json')) {
      ctx.status = 415;
      ctx.body = { type: 'InvalidRequestException', message: 'Anmeldung nur mit Content-Type application/json.' };
      return;
    }
    const body: unknown = (ctx.request as { body?: unknown }).body;
    const username = isPlainObject(body) && typeof body.username === 'string' ? body.username.trim() : '';
    const password = isPlainObject(body) && typeof body.password === 'string' ? body.password : '';
    if (!username || !password || username.length > 255 || password.length > 1024) {
      ctx.status = 400;
      ctx.body = { type: 'InvalidRequestException', message: 'Bitte Benutzername und Passwort angeben.' };
      return;
    }
    const user = await verifyLogin(store, username, password);
    if (!user) {
      // Same answer for an unknown user and a wrong password; no WWW-Authenticate (no browser dialog).
      ctx.status = 401;
      ctx.body = { type: 'AuthenticationException', message: LOGIN_FAILED };
      return;
    }
    // A new token at every login (no session fixation); an older session of this browser ends.
    const previous = sessionCookieOf(ctx);
    if (previous) await store.deleteToken(hashToken(previous));
    const token = await createToken(store, user.id, SESSION_TOKEN_NAME);
    const groups = await store.groupsOf(user.id);
    ctx.set('Set-Cookie', cookie(token, opts.secureCookie));
    ctx.body = await describe({ id: user.id, groups, isAdmin: groups.includes(ADMIN_GROUP) }, token);
  });

  router.get('/session', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const auth = authOf(ctx);
    ctx.body = await describe(currentUser(ctx), auth?.scheme === 'session' ? auth.sessionToken : undefined);
  });

  router.delete('/session', async (ctx) => {
    currentUser(ctx);
    const auth = authOf(ctx);
    if (auth?.scheme === 'session' && auth.sessionToken) await store.deleteToken(hashToken(auth.sessionToken));
    ctx.set('Set-Cookie', cookie('', opts.secureCookie, true));
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 204;
  });

  return router;
}
