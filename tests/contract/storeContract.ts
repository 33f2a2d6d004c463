/**
 * The behavioural contract of the persistence port (src/store/store.ts), run against every
 * adapter: `describeStore('sqlite', () => …)`. Only the port is used here, so a new adapter
 * passes exactly when it behaves like the others. Each test gets a fresh, initialised store.
 */
import type { Store } from '../../src/store/store.ts';
import { accessSuite } from './accessSuite.ts';
import { deploymentSuite } from './deploymentSuite.ts';
import { historySuite } from './historySuite.ts';
import { instanceSuite } from './instanceSuite.ts';
import { jobSuite } from './jobSuite.ts';
import { purgeSuite } from './purgeSuite.ts';
import { taskQuerySuite } from './taskQuerySuite.ts';
import type { StoreContext } from './builders.ts';

export function describeStore(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, function () {
    let current: Store | undefined;
    const ctx: StoreContext = {
      get store(): Store {
        if (!current) throw new Error('no store: used outside a test');
        return current;
      },
    };

    beforeEach(async function () {
      current = await makeStore();
      await current.init();
    });

    afterEach(async function () {
      await current?.close();
      current = undefined;
    });

    deploymentSuite(ctx);
    instanceSuite(ctx);
    taskQuerySuite(ctx);
    historySuite(ctx);
    jobSuite(ctx);
    accessSuite(ctx);
    purgeSuite(ctx);
  });
}
