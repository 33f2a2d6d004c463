/** The real servers the distributed-profile suites run against answer on their URLs (raw TCP, no client libraries). */
import { expect } from 'chai';
import fs from 'node:fs';
import { requireService } from '../helpers/requireService.ts';
import { pingMongo, pingRedis, startServices } from './services.ts';

describe('test services (npm run services)', function () {
  it('FerretDB answers an OP_MSG ping on MONGODB_URL', async function () {
    const url = requireService(this, 'MONGODB_URL');
    await pingMongo(url);
  });

  it('Redis answers PING on REDIS_URL', async function () {
    const url = requireService(this, 'REDIS_URL');
    await pingRedis(url);
  });

  it('startServices() starts a second pair on other ports and stop() removes it', async function () {
    // Only where the services are known to be runnable (the URLs are set: .ci/run or a developer who ran them).
    const mongo = requireService(this, 'MONGODB_URL');
    const redis = requireService(this, 'REDIS_URL');
    this.timeout(300_000); // builds the Go binary if its sources changed
    const lines: string[] = [];
    const s = await startServices({ log: (l) => lines.push(l) });
    try {
      expect(s.mongodbUrl).to.match(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/).and.not.equal(mongo);
      expect(s.redisUrl).to.match(/^redis:\/\/127\.0\.0\.1:\d+$/).and.not.equal(redis);
      await Promise.all([pingMongo(s.mongodbUrl), pingRedis(s.redisUrl)]);
    } finally {
      await s.stop();
    }
    await Promise.all([
      pingMongo(s.mongodbUrl, 500).then(() => expect.fail('FerretDB still answers after stop()'), () => {}),
      pingRedis(s.redisUrl, 500).then(() => expect.fail('Redis still answers after stop()'), () => {}),
    ]);
    const dataDirs = lines.flatMap((l) => /data in (\S+)/.exec(l)?.[1] ?? []);
    for (const dir of dataDirs) expect(fs.existsSync(dir), dir).to.equal(false);
  });
});
