/**
 * The Koa app, from a short visible list: errors → request id → auth → body → routers.
 * `/engine-rest` speaks Camunda 7's REST conventions; `/api` is this service's own.
 */
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { authMiddleware } from '../identity/auth.ts';
import { identityRouter } from './routes/identity.ts';
import { tokensRouter } from './routes/tokens.ts';
import { isLoginRequest, sessionRouter, webClientChallenge } from './routes/session.ts';
import { webApp } from './web.ts';
import { notificationsRouter } from './routes/notifications.ts';
import { consentsRouter } from './routes/consents.ts';
import { notifyWithdrawal } from '../kim/withdrawal.ts';
import { accessPolicy } from './services.ts';
import { auditRouter } from './routes/audit.ts';
import { deletionRouter } from './routes/deletion.ts';
import { clockRouter } from './routes/clock.ts';
import { isRefreshable } from '../clock.ts';
import { errorMiddleware } from './middleware/errors.ts';
import { requestId } from './middleware/requestId.ts';
import { deploymentRouter } from './routes/deployments.ts';
import { definitionRouter } from './routes/definitions.ts';
import { instanceRouter } from './routes/instances.ts';
import { taskRouter } from './routes/tasks.ts';
import { messageRouter } from './routes/messages.ts';
import { historyRouter } from './routes/history.ts';
import { jobRouter } from './routes/jobs.ts';
import { statsRouter } from './routes/stats.ts';
import type { Services } from './services.ts';
import type { AppState } from './types.ts';

export function buildApp(s: Services): Koa<AppState> {
  const app = new Koa<AppState>();
  app.proxy = false;
  app.silent = true;

  const auth = authMiddleware(s.store);
  const body = bodyParser({ enableTypes: ['json'], jsonLimit: s.limits.maxBodyBytes, encoding: 'utf-8' });

  const engineRest = new Router<AppState>({ prefix: '/engine-rest' });
  engineRest.get('/version', (ctx) => {
    ctx.body = { version: '7.22.0' };
  });
  engineRest.get('/engine', (ctx) => {
    ctx.body = [{ name: 'default' }];
  });
  for (const r of [deploymentRouter(s), definitionRouter(s), instanceRouter(s), taskRouter(s), messageRouter(s), historyRouter(s), jobRouter(s), identityRouter(s.store)]) {
    engineRest.use(r.routes(), r.allowedMethods());
  }

  const api = new Router<AppState>({ prefix: '/api' });
  const tokens = tokensRouter(s.store);
  api.use(tokens.routes(), tokens.allowedMethods());
  // The web app's login (the cookie is Secure when the public URL is https).
  const session = sessionRouter(s.store, s.clock, { secureCookie: /^https:/i.test(s.publicUrl ?? '') });
  api.use(session.routes(), session.allowedMethods());
  const notifications = notificationsRouter(s.store.inbox, s.clock);
  api.use(notifications.routes(), notifications.allowedMethods());
  const consents = consentsRouter(s.store.consents, s.store.audit, s.clock, {
    // A withdrawal reaches the case's running instances at once (message einwilligungWiderrufen).
    onWithdrawn: async (record) => void (await notifyWithdrawal(s, record)),
    authorizeCase: (user, caseId) => accessPolicy(s).requireCase(user, caseId),
  });
  api.use(consents.routes(), consents.allowedMethods());
  const auditLog = auditRouter(s.store.audit, s.clock);
  api.use(auditLog.routes(), auditLog.allowedMethods());
  const deletion = deletionRouter(s); // deletion of case data (§6): admin, kim-koordination
  api.use(deletion.routes(), deletion.allowedMethods());
  const stats = statsRouter(s); // cockpit and dashboard figures (kim-koordination, admin)
  api.use(stats.routes(), stats.allowedMethods());
  if (s.clockControl) {
    const clock = clockRouter(s.clock, s.clockControl);
    api.use(clock.routes(), clock.allowedMethods());
  }

  app.use(webClientChallenge());
  app.use(errorMiddleware());
  app.use(requestId);
  app.use(async (ctx, next) => {
    // Liveness for load balancers and compose health checks: no auth, no data.
    if (ctx.path === '/health' && ctx.method === 'GET') {
      ctx.body = { status: 'UP' };
      return;
    }
    return next();
  });
  app.use(webApp()); // the web app at / (never /engine-rest, /api, /health)
  app.use(async (ctx, next) => {
    // Every /engine-rest and /api route needs a known user, including unknown paths (401 before 404);
    // only the web app's login itself (POST /api/session) comes without one.
    if ((ctx.path.startsWith('/engine-rest') || ctx.path.startsWith('/api')) && !isLoginRequest(ctx)) return auth(ctx as never, next);
    return next();
  });
  app.use(body);
  if (isRefreshable(s.clock)) {
    const clock = s.clock;
    // Another process may have moved the controlled clock: every request reads it first.
    app.use(async (_ctx, next) => {
      await clock.refresh();
      await next();
    });
  }
  app.use(engineRest.routes()).use(engineRest.allowedMethods());
  app.use(api.routes()).use(api.allowedMethods());
  return app;
}
