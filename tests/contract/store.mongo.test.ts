/**
 * The store contract against MongoStore on a real MongoDB-wire server (MONGODB_URL; FerretDB in
 * the test setup): a fresh database per test, dropped afterwards. Pending without the URL.
 */
import { MongoClient } from 'mongodb';
import { MongoStore } from '../../src/store/mongo/mongoStore.ts';
import { requireService, uniqueName } from '../helpers/requireService.ts';
import { describeStore } from './storeContract.ts';

describe('MongoStore', function () {
  let url = '';
  let admin: MongoClient | undefined;
  const created: string[] = [];

  before(async function () {
    url = requireService(this, 'MONGODB_URL');
    admin = new MongoClient(url);
    await admin.connect();
  });

  afterEach(async function () {
    for (const name of created.splice(0)) await admin?.db(name).dropDatabase();
  });

  after(async function () {
    await admin?.close();
  });

  describeStore('mongo', async () => {
    const dbName = uniqueName('kim');
    created.push(dbName);
    return new MongoStore({ url, dbName });
  });
});
