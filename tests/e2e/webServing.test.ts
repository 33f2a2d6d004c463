import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import http, { type Server } from 'node:http';
import Koa from 'koa';
import { CONTENT_SECURITY_POLICY, webApp } from '../../src/api/web.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

/** src/api/web.ts on a small built app in a temporary directory (no build, no browser). */
describe('web app: static serving at / (unit)', () => {
  let dir: string;
  let server: Server;
  let base: string;
  const INDEX = '<!doctype html><html lang="de"><body><div id="app"></div><script type="module" src="/assets/app-ABC.js"></script></body></html>';
  const JS = 'console.log("KIM");'.repeat(50);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kim-web-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), INDEX);
    fs.writeFileSync(path.join(dir, 'assets', 'app-ABC.js'), JS);
    fs.writeFileSync(path.join(dir, 'assets', 'app-ABC.js.gz'), zlib.gzipSync(JS));
    fs.writeFileSync(path.join(dir, '.secret'), 'no');
    const app = new Koa();
    app.use(webApp({ dir }));
    app.use((ctx) => {
      ctx.body = `next: ${ctx.method} ${ctx.path}`;
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Given / or an app route, then index.html comes with a strict Content-Security-Policy and is revalidated every time', async () => {
    for (const p of ['/', '/aufgaben', '/aufgaben/123-abc', '/anmelden?x=1']) {
      const res = await fetch(base + p);
      expect(res.status, p).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).to.equal('no-cache');
      expect(res.headers.get('content-security-policy')).to.equal(CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-frame-options')).to.equal('DENY');
      expect(await res.text()).to.equal(INDEX);
    }
    expect(CONTENT_SECURITY_POLICY).to.include("script-src 'self'").and.include("frame-ancestors 'none'").and.not.include('unsafe-eval');
  });

  it('Given a hashed asset, then it is cached for a year, gzipped for clients that accept it', async () => {
    const zipped = await fetch(`${base}/assets/app-ABC.js`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(zipped.status).to.equal(200);
    expect(zipped.headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
    expect(zipped.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    expect(zipped.headers.get('content-encoding')).to.equal('gzip');
    expect(await zipped.text(), 'fetch unzips').to.equal(JS);
    const plain = await fetch(`${base}/assets/app-ABC.js`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).to.equal(null);
    expect(await plain.text()).to.equal(JS);
    const head = await fetch(`${base}/assets/app-ABC.js`, { method: 'HEAD' });
    expect(head.status).to.equal(200);
  });

  /** GET with the path exactly as given (fetch would normalise `..` away). */
  const raw = (p: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      http.get(base + '/', { path: p }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      }).on('error', reject);
    });

  it('Given a missing asset, a dot file or a path out of the directory, then 404, never a file from elsewhere', async () => {
    for (const p of ['/assets/app-OLD.js', '/favicon.ico', '/.secret', '/assets/../index.html', '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fpackage.json', '/assets/%2e%2e%5cindex.html']) {
      const res = await raw(p);
      expect(res.status, p).to.equal(404);
      expect(res.body, p).not.to.include('<div id="app">').and.not.include('root:');
    }
  });

  it('Given an API path or another method, then the request passes on untouched', async () => {
    for (const p of ['/engine-rest/task', '/api/session', '/health', '/api']) {
      expect(await (await fetch(base + p)).text(), p).to.equal(`next: GET ${p}`);
    }
    expect(await (await fetch(`${base}/aufgaben`, { method: 'POST' })).text()).to.equal('next: POST /aufgaben');
  });

  it('Given no build, then a German page says how to build the app (503)', async () => {
    const app = new Koa();
    app.use(webApp({ dir: path.join(dir, 'nicht-da') }));
    const s = app.listen(0, '127.0.0.1');
    await new Promise((r) => s.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/`);
      expect(res.status).to.equal(503);
      expect(await res.text()).to.include('Die Web-App ist nicht gebaut').and.include('npm run build');
    } finally {
      s.close();
    }
  });

  describe('in the service', () => {
    let t: TestService;
    before(async () => {
      t = await startTestService();
    });
    after(async () => {
      await t.close();
    });

    it('Given the service, then / is the web app (or the not-built page) and the APIs answer as before', async () => {
      const home = await fetch(t.service.url + '/');
      expect([200, 503]).to.include(home.status);
      expect(home.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      expect(await home.text()).to.include('lang="de"');
      const health = await fetch(t.service.url + '/health');
      expect(await health.json()).to.deep.equal({ status: 'UP' });
      const unknown = await fetch(t.service.url + '/api/gibt-es-nicht');
      expect(unknown.status).to.equal(401);
      expect(unknown.headers.get('www-authenticate')).to.match(/^Basic/);
      const engine = await t.api('GET', '/engine-rest/version');
      expect(engine.body).to.deep.equal({ version: '7.22.0' });
    });
  });
});
