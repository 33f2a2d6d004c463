/**
 * Notifications: typed events, German templates, the inbox port, the mailer, the Notifier and
 * the BullMQ e-mail queue. The HTTP routes are in src/api/routes/notifications.ts; the inbox
 * adapters in src/store/sqlite/inbox.ts and src/store/mongo/inbox.ts.
 */
export * from './events.ts';
export * from './render.ts';
export * from './templates.ts';
export * from './inboxStore.ts';
export * from './mailer.ts';
export * from './notifier.ts';
export * from './emailQueue.ts';
