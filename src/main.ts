/** `npm start`: the embedded default (SQLite under DATA_DIR, in-process scheduler). */
import { ConfigError, loadConfig } from './config.ts';
import { startService } from './service.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const service = await startService({ config });
  if (service.createdUsers.length) {
    console.log('Users created at this first start (shown once, store them now):');
    for (const u of service.createdUsers) console.log(`  ${u.id.padEnd(26)} ${u.password.padEnd(24)} ${u.groups.join(', ')}`);
  }
  console.log(`KIM workflow engine listening on ${service.url} (Camunda REST: ${service.url}/engine-rest, data: ${config.dataDir})`);
  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    console.log(`${signal}: finishing requests in flight and closing the store …`);
    service.stop().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
