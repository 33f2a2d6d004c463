/**
 * Gate for suites that need a real MongoDB-wire server or Redis. Without the URL the suite is
 * pending (one line says how to run it); with REQUIRE_SERVICES=1 a missing URL fails the run
 * instead, so CI cannot pass while silently skipping them.
 */
const told = new Set<string>();

export type ServiceVar = 'MONGODB_URL' | 'REDIS_URL';

/** Returns the URL, or skips the calling hook's suite (mocha `this`), or throws under REQUIRE_SERVICES=1. */
export function requireService(ctx: Mocha.Context, name: ServiceVar): string {
  const url = process.env[name];
  if (url) return url;
  if (process.env.REQUIRE_SERVICES === '1') {
    throw new Error(`${name} is not set but REQUIRE_SERVICES=1: start the services with \`npm run services\` and export the URLs it prints`);
  }
  if (!told.has(name)) {
    told.add(name);
    console.log(`      (${name} not set: suites needing it are pending; run \`npm run services\` and export the two URLs it prints to run them)`);
  }
  ctx.skip();
}

/** A unique namespace per test (database name, queue prefix), so tests never see each other's data. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
