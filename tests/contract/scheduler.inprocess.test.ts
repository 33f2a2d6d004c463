/** The scheduler contract against the embedded, in-process scheduler (due timers read from the store). */
import { InProcessScheduler } from '../../src/scheduler/inProcess.ts';
import { describeScheduler } from './schedulerContract.ts';

describe('InProcessScheduler', function () {
  describeScheduler('in-process', async ({ store, clock, fire }) => new InProcessScheduler(store, clock, fire, () => {}));
});
