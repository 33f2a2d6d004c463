import type { Clock } from '../clock.ts';
import type { ClockControl } from '../engine/clockControl.ts';
import type { Deployer } from '../engine/deployer.ts';
import type { ProcessEngine } from '../engine/processEngine.ts';
import type { Store } from '../store/store.ts';
import { AccessPolicy } from '../kim/access.ts';

/** What the HTTP layer is built from. */
export interface Services {
  store: Store;
  engine: ProcessEngine;
  deployer: Deployer;
  clock: Clock;
  limits: { maxBodyBytes: number; maxFileBytes: number };
  /** Public base URL (PUBLIC_URL): the session cookie is Secure when it is https. */
  publicUrl?: string;
  /** Present only with CLOCK=controlled: the /api/clock routes exist only then. */
  clockControl?: ClockControl;
}

const policies = new WeakMap<Services, AccessPolicy>();

/** The access policy of these services (one per app). */
export function accessPolicy(s: Services): AccessPolicy {
  let p = policies.get(s);
  if (!p) policies.set(s, (p = new AccessPolicy(s.store, s.clock)));
  return p;
}
