import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';

const compose = spawnSync('sh', ['-c', 'command -v docker-compose'], { encoding: 'utf8' }).stdout.trim();

describe('deployment files', () => {
  it('docker-compose.yml is valid (docker-compose config -q) and runs mongo, redis, api and worker', function () {
    if (!compose) {
      if (process.env.REQUIRE_SERVICES === '1') throw new Error('docker-compose is not installed (apt-get install docker-compose)');
      this.skip();
    }
    execFileSync(compose, ['-f', 'docker-compose.yml', 'config', '-q'], { env: { ...process.env, ADMIN_USER: 'admin', ADMIN_PASSWORD: 'admin-secret-1' }, stdio: 'pipe' });
    const config = execFileSync(compose, ['-f', 'docker-compose.yml', 'config'], { env: { ...process.env, ADMIN_USER: 'admin', ADMIN_PASSWORD: 'admin-secret-1' }, encoding: 'utf8' });
    for (const service of ['mongo:', 'redis:', 'api:', 'worker:']) expect(config).to.contain(service);
    expect(config).to.contain('noeviction').and.to.contain('appendonly').and.to.contain('replSet');
    expect(config).to.contain('MONGODB_URL').and.to.contain('REDIS_URL');
  });

  it('the Dockerfile builds what the README says: the API and the worker entry points from src/ and workers/', () => {
    const dockerfile = fs.readFileSync('Dockerfile', 'utf8');
    expect(dockerfile).to.match(/npm ci --omit=dev/);
    expect(dockerfile).to.contain('COPY src ./src').and.to.contain('COPY workers ./workers');
    // The web app is built in a stage with dev dependencies and copied into the image.
    expect(dockerfile).to.match(/AS web[\s\S]*npm run build[\s\S]*COPY --from=web \/app\/web\/dist \.\/web\/dist/);
    expect(fs.existsSync('web/build.mjs')).to.equal(true);
    expect(fs.existsSync('src/main.ts')).to.equal(true);
    expect(fs.existsSync('workers/main.ts')).to.equal(true);
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
    expect(pkg.dependencies).to.have.property('tsx');
    expect(pkg.scripts.worker).to.equal('node --import tsx workers/main.ts');
  });
});
