/**
 * What both process entry points (`src/main.ts`, `workers/main.ts`) do the same way: read the
 * configuration (a bad value exits with code 2 and a message), stop gracefully on SIGINT/SIGTERM,
 * and exit 1 on an unexpected error.
 */
import { ConfigError, loadConfig, type Config } from './config.ts';

export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}

/** On the first SIGINT/SIGTERM: print what is happening, run `stop`, exit 0 (1 if stopping failed). */
export function stopOnSignals(doing: string, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: ${doing} …`);
    stop().then(
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

export function run(main: () => Promise<void>): void {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
