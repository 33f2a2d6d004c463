/** `npm start`: the embedded default (SQLite under DATA_DIR, in-process scheduler), or an API process of the distributed profile. */
import { configOrExit, run, stopOnSignals } from './entry.ts';
import { startService } from './service.ts';

run(async () => {
  const config = configOrExit();
  const service = await startService({ config });
  if (service.createdUsers.length) {
    console.log('Users created at this first start (shown once, store them now):');
    for (const u of service.createdUsers) console.log(`  ${u.id.padEnd(26)} ${u.password.padEnd(24)} ${u.groups.join(', ')}`);
  }
  console.log(`KIM workflow engine listening on ${service.url} (Camunda REST: ${service.url}/engine-rest, data: ${config.dataDir})`);
  stopOnSignals('finishing requests in flight and closing the store', () => service.stop());
});
