/**
 * MongoDB and Redis for the distributed profile: MONGODB_URL / REDIS_URL from the environment if
 * set, else FerretDB + Redis from tests/services (started here, stopped in `close()`). Every
 * `namespace()` is a fresh MongoDB database (`kim_bench_<pid>_<ts>_<label>`) and a fresh, empty
 * Redis database number; `close()` drops the databases and flushes the Redis databases it used.
 */
import { MongoClient } from 'mongodb';
import { Redis } from 'ioredis';
import { parseRedisUrl } from '../src/scheduler/bullmq.ts';
import { findPid } from './cpu.ts';

export interface Namespace { label: string; mongodbUrl: string; redisUrl: string; dbName: string; redisDb: number }

export interface BenchServices {
  /** 'env' (URLs from the environment) or 'ferretdb' (started by the bench: a test stand-in, not MongoDB). */
  origin: 'env' | 'ferretdb';
  mongoBase: string;
  redisBase: string;
  /** Server processes started here (for CPU figures). */
  pids: { ferretdb?: number; redis?: number };
  namespace(label: string): Promise<Namespace>;
  close(): Promise<void>;
}

/** The URL with its path (database) replaced, query kept. */
function withDb(url: string, db: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?#]*)(?:\/[^?#]*)?(\?[^#]*)?$/.exec(url);
  if (!m) throw new Error(`cannot parse MONGODB_URL '${url}'`);
  return `${m[1]}/${db}${m[2] ?? ''}`;
}

function redisWithDb(url: string, db: number): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export async function openServices(log: (l: string) => void): Promise<BenchServices> {
  let stop: (() => Promise<void>) | undefined;
  const pids: BenchServices['pids'] = {};
  let mongoBase = process.env.MONGODB_URL;
  let redisBase = process.env.REDIS_URL;
  const origin = mongoBase && redisBase ? 'env' : 'ferretdb';
  if (!mongoBase || !redisBase) {
    log('services: MONGODB_URL/REDIS_URL not both set: starting FerretDB + Redis (tests/services)');
    const { startServices } = await import('../tests/services/services.ts');
    let dataDir = '';
    const s = await startServices({ log: (l) => {
      dataDir = /data in (\S+)/.exec(l)?.[1] ?? dataDir;
      if (!/^\[(ferretdb|redis)\]/.test(l)) log(l);
    } });
    mongoBase = s.mongodbUrl;
    redisBase = s.redisUrl;
    stop = s.stop;
    pids.ferretdb = dataDir ? findPid('ferretdb-test-server', dataDir) : undefined;
    pids.redis = findPid('redis-server', `:${new URL(s.redisUrl).port}`);
  }
  const used: Namespace[] = [];
  const redis = new Redis({ ...parseRedisUrl(redisBase), lazyConnect: true, maxRetriesPerRequest: 3 });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    await stop?.();
    throw err;
  }
  const stamp = `${process.pid}_${Date.now().toString(36)}`;

  async function freeRedisDb(): Promise<number> {
    const reply = (await redis.call('CONFIG', 'GET', 'databases').catch(() => ['databases', '16'])) as string[];
    const count = Number(reply?.[1] ?? 16);
    for (let db = count - 1; db >= 1; db--) {
      if (used.some((n) => n.redisDb === db)) continue;
      await redis.select(db);
      if ((await redis.dbsize()) === 0) return db;
    }
    throw new Error(`no empty Redis database among 1..${count - 1} on ${redisBase}`);
  }

  return {
    origin,
    pids,
    mongoBase,
    redisBase,
    async namespace(label) {
      const dbName = `kim_bench_${stamp}_${label}`.replace(/[^A-Za-z0-9_]/g, '_');
      const redisDb = await freeRedisDb();
      // Claim the Redis database at once, so that a second namespace does not pick it too.
      await redis.set('kim-bench:claimed', dbName);
      const ns = { label, dbName, redisDb, mongodbUrl: withDb(mongoBase!, dbName), redisUrl: redisWithDb(redisBase!, redisDb) };
      used.push(ns);
      return ns;
    },
    async close() {
      if (used.length) {
        const client = new MongoClient(mongoBase!);
        try {
          await client.connect();
          for (const ns of used) await client.db(ns.dbName).dropDatabase().catch((e) => log(`drop ${ns.dbName}: ${(e as Error).message}`));
        } finally {
          await client.close().catch(() => undefined);
        }
        for (const ns of used) {
          await redis.select(ns.redisDb);
          await redis.flushdb();
        }
      }
      redis.disconnect();
      await stop?.();
    },
  };
}
