/**
 * What the engine tells people: a task that gets an assignee notifies that user
 * (`task.assigned`), and the `benachrichtigen` handler lets a diagram send a deadline or
 * escalation notification to a candidate group (its variables name what; the templates decide
 * what the recipient sees).
 *
 * Each event names its case in `caseReference` (a pseudonymous key, no personal data): the inbox
 * records it, so that deleting the case (src/kim/deletion.ts) removes the notifications too.
 */
import type { Clock } from '../clock.ts';
import { notificationEvent, resolveRecipients, type EscalationLevel, type Notifier } from '../notifications/index.ts';
import type { InstanceRecord, Store } from '../store/store.ts';
import type { HandlerRegistry } from './handlers.ts';
import { stableId } from './ids.ts';

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** After a commit: notify the new assignees of tasks. Errors are logged, never fail the command. */
export function notifyAssignments(notifier: Notifier, store: Store, log: (l: string) => void) {
  return (before: InstanceRecord | null, after: InstanceRecord): void => {
    const prior = new Map((before?.tasks ?? []).map((t) => [t.id, t.assignee]));
    for (const task of after.tasks) {
      if (!task.assignee || prior.get(task.id) === task.assignee) continue;
      const event = notificationEvent('task.assigned', stableId('task.assigned', task.id, task.assignee), {
        taskId: task.id,
        taskName: task.name ?? task.taskDefinitionKey,
        processName: task.definitionKey,
        dueDate: task.due,
        // Not rendered (the task template does not show it): only so that case deletion finds the entry.
        caseReference: task.businessKey ?? null,
      });
      void resolveRecipients(store, { users: [task.assignee] })
        .then((recipients) => notifier.notify(event, recipients))
        .catch((err) => log(`notification failed: ${(err as Error).message}`));
    }
  };
}

/**
 * The `benachrichtigen` handler (camunda:topic="benachrichtigen"): variables `notifyGroup`,
 * `notifyWhat`, optional `escalationLevel`, `dueDate`, `caseReference` (default: the variable
 * `caseId`, else the instance's business key, as the escalation handlers do).
 */
export function registerNotificationHandler(handlers: HandlerRegistry, notifier: Notifier, store: Store, clock: Clock): void {
  handlers.register('benachrichtigen', async ({ variables, instanceId, businessKey }) => {
    const group = String(variables.notifyGroup ?? '');
    if (!group) throw new Error('benachrichtigen needs the variable notifyGroup');
    const level = Math.min(4, Math.max(0, Number(variables.escalationLevel ?? 0))) as EscalationLevel;
    const due = typeof variables.dueDate === 'string' ? variables.dueDate : new Date(clock.now()).toISOString();
    const what = String(variables.notifyWhat ?? 'Frist');
    const event = notificationEvent('deadline.reached', stableId('deadline.reached', instanceId, what, due, group), {
      what,
      dueDate: due,
      escalationLevel: level,
      caseReference: text(variables.caseReference) ?? text(variables.caseId) ?? businessKey ?? null,
    });
    await notifier.notify(event, await resolveRecipients(store, { groups: [group] }));
    return {};
  });
}
