#!/usr/bin/env node
/**
 * Builds the web app: web/src → web/dist (index.html + hashed, minified, gzipped assets), with
 * esbuild. Runs as `npm run build`, and from `npm install`/`npm ci` (the `prepare` script), so
 * `npm start` serves a built app with no extra step. Everything comes from node_modules: bpmn-js
 * and form-js with their CSS; nothing is loaded from elsewhere at run time.
 *
 * Under `prepare` a missing esbuild or missing sources (an install that omits dev dependencies,
 * or a Docker layer with only package*.json) only prints a note: the service then serves a page
 * saying the app is not built.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'dist');
const lenient = process.env.npm_lifecycle_event === 'prepare';

let esbuild;
try {
  esbuild = await import('esbuild');
  // esbuild also comes with tsx (a runtime dependency); the bpmn.io packages only with a full install.
  const require = createRequire(import.meta.url);
  for (const pkg of ['bpmn-js/package.json', '@bpmn-io/form-js/package.json']) require.resolve(pkg);
} catch (err) {
  if (!lenient) throw err;
  console.log('web app not built: its build dependencies are not installed (dev dependencies omitted?); run `npm run build` after a full install');
  process.exit(0);
}

const started = Date.now();
const tmp = `${out}.tmp-${process.pid}`;
fs.rmSync(tmp, { recursive: true, force: true });

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: { app: 'src/main.ts', styles: 'src/styles.css' },
  outdir: path.join(tmp, 'assets'),
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['chrome109', 'firefox115', 'safari16', 'edge109'],
  minify: true,
  sourcemap: 'linked',
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.png': 'file' },
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  tsconfig: path.join(here, 'tsconfig.json'),
});

const outputs = Object.entries(result.metafile.outputs);
const entry = (name) => {
  const found = outputs.find(([, o]) => o.entryPoint === name);
  if (!found) throw new Error(`no output for ${name}`);
  return path.basename(found[0]);
};
const html = fs
  .readFileSync(path.join(here, 'index.html'), 'utf8')
  .replace('__JS__', entry('src/main.ts'))
  .replace('__CSS__', entry('src/styles.css'));
fs.writeFileSync(path.join(tmp, 'index.html'), html);

// Pre-compressed copies for clients that accept gzip (src/api/web.ts serves them).
let raw = 0;
let gz = 0;
for (const file of [path.join(tmp, 'index.html'), ...outputs.map(([f]) => path.join(here, f))]) {
  if (!/\.(js|css|html|svg|map)$/.test(file)) continue;
  const data = fs.readFileSync(file);
  const zipped = zlib.gzipSync(data, { level: 9 });
  fs.writeFileSync(`${file}.gz`, zipped);
  if (!file.endsWith('.map')) {
    raw += data.length;
    gz += zipped.length;
  }
}

fs.rmSync(out, { recursive: true, force: true });
fs.renameSync(tmp, out);
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
console.log(`web app built in ${Date.now() - started} ms: web/dist (${kib(raw)}, gzip ${kib(gz)})`);
