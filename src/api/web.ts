/**
 * Serves the web app (built by `npm run build` from web/ into web/dist/) at `/`: static files,
 * and index.html for every other GET path that is not an API path (the app routes in the
 * browser: `/aufgaben/…`). `/engine-rest`, `/api` and `/health` are never touched.
 *
 * - Hashed files under `/assets/` are cached for a year (`immutable`); index.html is revalidated
 *   every time, so a new build is picked up at the next page load.
 * - A pre-compressed `.gz` beside a file is sent to clients that accept gzip.
 * - HTML carries a Content-Security-Policy allowing only this origin's scripts (no inline script,
 *   no eval); bpmn-js and form-js set inline styles, so styles allow 'unsafe-inline'.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Next } from 'koa';

/** Where `npm run build` writes the web app. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const API_PATH = /^\/(engine-rest|api|health)(\/|$)/;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.eot': 'application/vnd.ms-fontobject',
  '.txt': 'text/plain; charset=utf-8',
};

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>KIM Herne – Web-App nicht gebaut</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Die Web-App ist nicht gebaut</h1>
<p>Im Verzeichnis des Dienstes <code>npm run build</code> ausführen (geschieht bei <code>npm install</code> und <code>npm ci</code> automatisch) und die Seite neu laden.</p>
<p>Die Schnittstellen unter <code>/engine-rest</code> und <code>/api</code> sind davon nicht betroffen.</p>
</body></html>`;

async function fileStat(file: string): Promise<fs.Stats | undefined> {
  try {
    const st = await fs.promises.stat(file);
    return st.isFile() ? st : undefined;
  } catch {
    return undefined;
  }
}

function securityHeaders(ctx: Context): void {
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'same-origin');
  ctx.set('X-Frame-Options', 'DENY');
}

/** Koa middleware serving the web app from `dir` (default: web/dist/ of this checkout). */
export function webApp(opts: { dir?: string } = {}) {
  const dir = path.resolve(opts.dir ?? WEB_DIST);

  async function send(ctx: Context, file: string, st: fs.Stats, cache: string): Promise<void> {
    const ext = path.extname(file).toLowerCase();
    ctx.type = TYPES[ext] ?? 'application/octet-stream';
    ctx.set('Cache-Control', cache);
    securityHeaders(ctx);
    if (ext === '.html') ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    const gz = ext === '.html' || ext === '.js' || ext === '.css' || ext === '.map' || ext === '.svg' ? await fileStat(file + '.gz') : undefined;
    ctx.vary('Accept-Encoding');
    if (gz && ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
      ctx.set('Content-Encoding', 'gzip');
      ctx.length = gz.size;
      ctx.body = ctx.method === 'HEAD' ? null : fs.createReadStream(file + '.gz');
    } else {
      ctx.length = st.size;
      ctx.body = ctx.method === 'HEAD' ? null : fs.createReadStream(file);
    }
    ctx.lastModified = st.mtime;
    ctx.status = 200;
  }

  return async function web(ctx: Context, next: Next): Promise<void> {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || API_PATH.test(ctx.path)) return next();
    let rel: string;
    try {
      rel = decodeURIComponent(ctx.path);
    } catch {
      ctx.status = 400;
      return;
    }
    const segments = rel.split('/').filter(Boolean);
    if (rel.includes('\0') || segments.some((s) => s === '..' || s.startsWith('.') || s.includes('\\'))) {
      ctx.status = 404;
      return;
    }
    const index = path.join(dir, 'index.html');
    const indexStat = await fileStat(index);
    if (!indexStat) {
      ctx.status = 503;
      ctx.type = 'text/html; charset=utf-8';
      ctx.set('Cache-Control', 'no-store');
      securityHeaders(ctx);
      ctx.body = NOT_BUILT;
      return;
    }
    if (segments.length > 0) {
      const file = path.join(dir, ...segments);
      if (file.startsWith(dir + path.sep) && path.basename(file) !== 'index.html') {
        const st = await fileStat(file);
        if (st) return send(ctx, file, st, segments[0] === 'assets' ? 'public, max-age=31536000, immutable' : 'no-cache');
      }
      // A missing asset or file name is a 404, not the app (a browser would run HTML as a script).
      if (segments[0] === 'assets' || /\.[a-z0-9]+$/i.test(segments[segments.length - 1]!)) {
        ctx.status = 404;
        ctx.type = 'text/plain; charset=utf-8';
        ctx.body = 'Nicht gefunden';
        return;
      }
    }
    // The app's own routes (/, /aufgaben/…): the app decides what to show.
    return send(ctx, index, indexStat, 'no-cache');
  };
}
