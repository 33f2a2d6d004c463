/**
 * A withdrawn consent (Art. 7 DSGVO: as easy as granting) takes effect in the running processes at
 * once: every instance of the case (business key = case id) waiting for the message
 * `einwilligungWiderrufen` receives it, with `withdrawnRecipient` and `withdrawnConsentId`. The
 * consent gate itself needs no message — it reads consents fresh at every transfer — so this is
 * what lets a diagram cancel pending ABH steps and tell the case manager.
 */
import type { Services } from '../api/services.ts';
import { EventSubProcessBusy } from '../engine/session.ts';
import { fromPlain } from '../engine/variables.ts';
import type { ConsentRecord } from './consentStore.ts';

export const WITHDRAWAL_MESSAGE = 'einwilligungWiderrufen';

/** Delivers the withdrawal to every waiting instance of the case; returns how many got it. */
export async function notifyWithdrawal(s: Pick<Services, 'store' | 'engine'>, record: ConsentRecord): Promise<number> {
  const subs = await s.store.findSubscriptions({ kind: 'message', name: WITHDRAWAL_MESSAGE, businessKey: record.caseId });
  const variables = { withdrawnRecipient: fromPlain(record.recipient), withdrawnConsentId: fromPlain(record.id) };
  const seen = new Set<string>();
  for (const sub of subs) {
    if (seen.has(sub.instanceId)) continue;
    seen.add(sub.instanceId);
    try {
      await s.engine.deliver(sub.instanceId, sub.refId, sub.executionId, variables);
    } catch (err) {
      // The instance is still handling an earlier withdrawal (its event sub-process runs): that one
      // already stops every transfer, and the consent gate reads the withdrawal at each transfer anyway.
      if (!(err instanceof EventSubProcessBusy)) throw err;
    }
  }
  return seen.size;
}
