/**
 * The consent gate (KIM-PROCESSES.md §6): may data of a case go to a recipient now?
 *
 * Evaluated **at the moment of each transfer**: the caller passes `at` = its clock's now, and
 * `checkConsent` loads the case's consents afresh on every call (nothing is cached), so a
 * withdrawal recorded a second before the transfer blocks it.
 *
 * A consent covers a request when all of these hold:
 * - `recipient` is the requested recipient;
 * - `scope` includes the requested scope;
 * - `grantedAt` ≤ `at`;
 * - not withdrawn at or before `at` (`withdrawnAt` null or > `at`);
 * - `validUntil` null or > `at` (a consent valid until T no longer covers a transfer at T);
 * - if a purpose is requested, `purposes` includes it;
 * - if data categories are requested, `dataCategories` includes every one of them.
 * One covering consent suffices; if several cover, the most recently granted one is named.
 */
import { ValidationError } from '../errors.ts';
import type { ConsentRecipient, ConsentRecord, ConsentScope, ConsentStore } from './consentStore.ts';

export interface ConsentRequest {
  recipient: ConsentRecipient;
  scope: ConsentScope;
  purpose?: string;
  dataCategories?: readonly string[];
  /** The moment of the transfer (ISO date-time); pass the clock's now. */
  at: string;
}

export interface ConsentDecision {
  allowed: boolean;
  /** The covering consent, when allowed. */
  consentId?: string;
  /** Why: names the covering consent, or each of the recipient's consents and what it lacks. */
  reason: string;
}

function instant(value: string, what: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ValidationError(`${what} '${String(value).slice(0, 80)}' is not a date-time`);
  return ms;
}

/**
 * Why `consent` does not cover `request`, or undefined if it does. The rules are checked in a
 * fixed order (recipient, scope, time, purpose, categories) and the first failing one is named.
 */
export function consentMismatch(consent: ConsentRecord, request: ConsentRequest): string | undefined {
  const at = instant(request.at, 'at');
  if (consent.recipient !== request.recipient) return `recipient is '${consent.recipient}', not '${request.recipient}'`;
  if (!consent.scope.includes(request.scope)) return `scope does not include ${request.scope}`;
  if (instant(consent.grantedAt, 'grantedAt') > at) return `not granted before ${request.at} (granted at ${consent.grantedAt})`;
  if (consent.withdrawnAt !== null && instant(consent.withdrawnAt, 'withdrawnAt') <= at) return `withdrawn at ${consent.withdrawnAt}`;
  if (consent.validUntil !== null && instant(consent.validUntil, 'validUntil') <= at) return `expired at ${consent.validUntil}`;
  if (request.purpose !== undefined && !consent.purposes.includes(request.purpose)) return `purpose '${request.purpose}' not covered`;
  const missing = (request.dataCategories ?? []).filter((c) => !consent.dataCategories.includes(c));
  if (missing.length > 0) return `data categories not covered: ${[...new Set(missing)].join(', ')}`;
  return undefined;
}

function describeRequest(request: ConsentRequest): string {
  const parts = [`recipient '${request.recipient}'`, `scope ${request.scope}`];
  if (request.purpose !== undefined) parts.push(`purpose '${request.purpose}'`);
  if (request.dataCategories && request.dataCategories.length > 0) parts.push(`data categories ${request.dataCategories.join(', ')}`);
  return `${parts.join(', ')} at ${request.at}`;
}

/** Pure: does any of `consents` cover `request` at `request.at`? */
export function covers(consents: readonly ConsentRecord[], request: ConsentRequest): ConsentDecision {
  instant(request.at, 'at');
  const covering = consents
    .filter((c) => consentMismatch(c, request) === undefined)
    .sort((a, b) => instant(b.grantedAt, 'grantedAt') - instant(a.grantedAt, 'grantedAt') || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const chosen = covering[0];
  if (chosen) return { allowed: true, consentId: chosen.id, reason: `consent ${chosen.id} covers ${describeRequest(request)}` };

  if (consents.length === 0) return { allowed: false, reason: `no consent recorded; required: ${describeRequest(request)}` };
  const forRecipient = consents.filter((c) => c.recipient === request.recipient);
  if (forRecipient.length === 0) return { allowed: false, reason: `no consent for recipient '${request.recipient}'; required: ${describeRequest(request)}` };
  const why = forRecipient.map((c) => `consent ${c.id}: ${consentMismatch(c, request)}`).join('; ');
  return { allowed: false, reason: `no consent covers ${describeRequest(request)} (${why})` };
}

/**
 * Loads the case's consents now (never from a cache) and evaluates them at `request.at`.
 * Call it immediately before the transfer, with `at` = the clock's now.
 */
export async function checkConsent(
  store: Pick<ConsentStore, 'listConsents'>,
  caseId: string,
  request: ConsentRequest,
): Promise<ConsentDecision> {
  const consents = await store.listConsents(caseId);
  return covers(consents, request);
}
