import Router from '@koa/router';
import { requireGroup, currentUser } from '../../identity/auth.ts';
import { rejectDollarKeys } from '../../identity/validation.ts';
import { isoNow, systemClock, type Clock } from '../../clock.ts';
import { NotFound } from '../../errors.ts';
import type { DeadLetterRecord, InboxStore, NotificationRecord } from '../../notifications/inboxStore.ts';
import { QueryReader } from '../query.ts';
import type { AppRouter, AppState } from '../types.ts';

/** Group (besides admin) that may see the dead-letter list. */
export const DEAD_LETTER_GROUP = 'kim-koordination';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;
const NOTIFICATION_ID = /^[0-9a-f]{32}$/;

function page(q: QueryReader): { firstResult: number; maxResults: number } {
  const { firstResult, maxResults } = q.page();
  return { firstResult: firstResult ?? 0, maxResults: Math.min(maxResults ?? DEFAULT_PAGE, MAX_PAGE) };
}

const notificationDto = (n: NotificationRecord) => ({
  id: n.id,
  event: n.event,
  subject: n.subject,
  body: n.body,
  link: n.link,
  createdAt: n.createdAt,
  readAt: n.readAt,
});

/** A dead letter without the message text: the list shows what failed, not what the mail said. */
const deadLetterDto = (d: DeadLetterRecord) => ({
  id: d.id,
  channel: d.channel,
  recipient: d.recipient,
  userId: d.payload.userId,
  event: d.payload.event,
  eventId: d.payload.eventId,
  subject: d.subject,
  error: d.error,
  attempts: d.attempts,
  createdAt: d.createdAt,
});

/**
 * The caller's in-app inbox and the notification dead-letter list, prefix-less: mount under
 * `/api` behind `authMiddleware`.
 *
 * - `GET /notifications?unreadOnly=true&firstResult=0&maxResults=50` → `{ items, count, unread }`,
 *   the caller's own notifications only, newest first (`count` counts the filtered set).
 * - `POST /notifications/{id}/read` → 204; 404 for an unknown id and for someone else's (the same
 *   answer, so ids of other users' notifications cannot be probed).
 * - `POST /notifications/read-all` → 204.
 * - `GET /notifications/dead-letters?firstResult&maxResults` → `{ items, count }`, admin or
 *   `kim-koordination` only (403 else); items carry no message text.
 */
export function notificationsRouter(inbox: InboxStore, clock: Clock = systemClock): AppRouter {
  const router = new Router<AppState>();
  router.use(rejectDollarKeys);

  router.get('/notifications', async (ctx) => {
    const user = currentUser(ctx);
    const q = new QueryReader(ctx.query);
    const unreadOnly = q.bool('unreadOnly') ?? false;
    const paging = page(q);
    const [items, count, unread] = await Promise.all([
      inbox.listNotifications(user.id, { unreadOnly, ...paging }),
      inbox.countNotifications(user.id, { unreadOnly }),
      inbox.countUnread(user.id),
    ]);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { items: items.map(notificationDto), count, unread };
  });

  router.post('/notifications/read-all', async (ctx) => {
    const user = currentUser(ctx);
    await inbox.markAllRead(user.id, isoNow(clock));
    ctx.status = 204;
  });

  router.get('/notifications/dead-letters', requireGroup(DEAD_LETTER_GROUP), async (ctx) => {
    const q = new QueryReader(ctx.query);
    const paging = page(q);
    const [items, count] = await Promise.all([inbox.listDeadLetters(paging), inbox.countDeadLetters()]);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { items: items.map(deadLetterDto), count };
  });

  router.post('/notifications/:id/read', async (ctx) => {
    const user = currentUser(ctx);
    const id = ctx.params.id ?? '';
    if (!NOTIFICATION_ID.test(id)) throw new NotFound(`Notification '${id.slice(0, 80)}' does not exist`);
    await inbox.markRead(user.id, id, isoNow(clock));
    ctx.status = 204;
  });

  return router;
}
