/**
 * Runs one contract suite on a fresh SQLite file and on a fresh MongoDB database (pending without
 * MONGODB_URL, see requireService.ts) — for ports whose adapters are built on a database handle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MongoClient, type Db } from 'mongodb';
import { requireService, uniqueName } from './requireService.ts';

/** The suite's fixture: the adapters under test, and how to throw their database away. */
export interface Fixture {
  cleanup(): Promise<void>;
}

export function onSqliteAndMongo<F extends Fixture>(
  title: string,
  contract: (open: (ctx: Mocha.Context) => Promise<F>) => void,
  build: { sqlite(db: Database.Database): NoInfer<Omit<F, 'cleanup'>>; mongo(db: Db): NoInfer<Omit<F, 'cleanup'>> },
): void {
  describe(`${title}: SQLite`, function () {
    contract(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kim-contract-'));
      const db = new Database(join(dir, 'kim.db'));
      db.pragma('journal_mode = WAL');
      return Object.assign(build.sqlite(db) as F, {
        async cleanup() {
          db.close();
          rmSync(dir, { recursive: true, force: true });
        },
      });
    });
  });

  describe(`${title}: MongoDB (MONGODB_URL)`, function () {
    let client: MongoClient | undefined;
    before(async function () {
      client = new MongoClient(requireService(this, 'MONGODB_URL'), { serverSelectionTimeoutMS: 5000 });
      await client.connect();
    });
    after(async () => {
      await client?.close();
    });
    contract(async () => {
      const db = client!.db(uniqueName('contract'));
      return Object.assign(build.mongo(db) as F, {
        async cleanup() {
          await db.dropDatabase();
        },
      });
    });
  });
}
