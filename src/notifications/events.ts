/**
 * Notification events: what happened, typed per event name. An event carries an `id` chosen by
 * its producer (e.g. `${taskId}:assigned`, `${timerId}@${dueAt}`); the same id delivered twice is
 * the same event, so inbox entries and e-mail jobs derived from it are deduplicated by that id.
 *
 * The payload types list what a producer should put in; at run time a payload may carry more
 * (it often comes from process variables). Templates (templates.ts) render only the fields they
 * declare, so anything else, such as case notes or health data, never reaches a recipient.
 */

/** Escalation levels of KIM-PROCESSES.md §5: 0 reminder … 4 leadership exchange. */
export type EscalationLevel = 0 | 1 | 2 | 3 | 4;

export interface TaskAssignedPayload {
  taskId: string;
  taskName: string;
  /** Process name (or key) the task belongs to. */
  processName: string;
  /** ISO date or date-time, or null/absent when the task has no due date. */
  dueDate?: string | null;
  /**
   * The task's case (its business key), if it has one: pseudonymous, not rendered by the template;
   * the inbox entry records it so that case deletion finds it.
   */
  caseReference?: string | null;
}

export interface DeadlineReachedPayload {
  /** What is due, in words ("Anmeldung beim Bürgerzentrum"). */
  what: string;
  dueDate: string;
  escalationLevel: EscalationLevel;
  /** Pseudonymous case or household reference (no names). */
  caseReference?: string | null;
  /** Task to act on, if any: rendered as the link `/tasks/{taskId}`. */
  taskId?: string | null;
}

/** The minimal data set of an ABH escalation (§6): nothing else may be sent to the ABH. */
export interface MinimalDataSet {
  name: string;
  dateOfBirth: string;
  abhAktenzeichen?: string | null;
  recommendedPath?: string | null;
  keyDeadline?: string | null;
}

export interface EscalationRaisedPayload {
  level: EscalationLevel;
  /** Candidate group told at this level (`cm-koordination`, `kim-koordination`, `abh` …). */
  targetGroup: string;
  caseReference: string;
  /** Short reason ("Keine Fiktionsbescheinigung 14 Tage nach Antrag"). */
  reason?: string | null;
  /** The minimal data set; rendered only at level 3 (the ABH/EBH handoff), dropped otherwise. */
  minimalData?: MinimalDataSet | null;
  taskId?: string | null;
}

export interface NotificationPayloads {
  'task.assigned': TaskAssignedPayload;
  'deadline.reached': DeadlineReachedPayload;
  'escalation.raised': EscalationRaisedPayload;
}

export type NotificationEventType = keyof NotificationPayloads;

export const NOTIFICATION_EVENT_TYPES: readonly NotificationEventType[] = ['task.assigned', 'deadline.reached', 'escalation.raised'];

export interface NotificationEvent<T extends NotificationEventType = NotificationEventType> {
  /** Producer-chosen, stable across redeliveries of the same event. */
  id: string;
  type: T;
  payload: NotificationPayloads[T];
}

/** Any event, discriminated by `type`. */
export type AnyNotificationEvent = { [T in NotificationEventType]: NotificationEvent<T> }[NotificationEventType];

export function isNotificationEventType(v: unknown): v is NotificationEventType {
  return typeof v === 'string' && (NOTIFICATION_EVENT_TYPES as readonly string[]).includes(v);
}

/** Builds an event with the payload checked against its type. */
export function notificationEvent<T extends NotificationEventType>(type: T, id: string, payload: NotificationPayloads[T]): NotificationEvent<T> {
  return { id, type, payload };
}

/**
 * The case an event is about, as the inbox records it (`NotificationRecord.caseId`): the payload's
 * `caseReference` if it is a non-empty string, else null.
 */
export function caseReferenceOf(event: Pick<AnyNotificationEvent, 'payload'>): string | null {
  const ref = (event.payload as { caseReference?: unknown } | null | undefined)?.caseReference;
  return typeof ref === 'string' && ref !== '' ? ref : null;
}

/** The in-app link path of a task. */
export function taskLink(taskId: string): string {
  return `/tasks/${encodeURIComponent(taskId)}`;
}
