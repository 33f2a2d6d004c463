import type { Clock } from '../clock.ts';
import type { ClockControl } from '../engine/clockControl.ts';
import type { Deployer } from '../engine/deployer.ts';
import type { ProcessEngine } from '../engine/processEngine.ts';
import type { Store } from '../store/store.ts';

/** What the HTTP layer is built from. */
export interface Services {
  store: Store;
  engine: ProcessEngine;
  deployer: Deployer;
  clock: Clock;
  limits: { maxBodyBytes: number; maxFileBytes: number };
  /** Present only with CLOCK=controlled: the /api/clock routes exist only then. */
  clockControl?: ClockControl;
}
