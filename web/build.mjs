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
  for (const pkg of ['bpmn-js/package.json', '@bpmn-io/form-js/package.json', 'bpmn-js-properties-panel/package.json', 'bpmn-js-bpmnlint/package.json']) require.resolve(pkg);
} catch (err) {
  if (!lenient) throw err;
  console.log('web app not built: its build dependencies are not installed (dev dependencies omitted?); run `npm run build` after a full install');
  process.exit(0);
}

/**
 * `virtual:kim-bpmnlint`: the server's lint configuration (src/bpmn/lintConfig.ts, imported as
 * is) packed for bpmn-js-bpmnlint, with a static resolver holding exactly the bpmnlint rules and
 * configs it names (read from bpmnlint's configs at build time, as the server's resolver does at
 * run time). Like the server, only bpmnlint's own rules and configs are supported.
 */
function bpmnlintConfigPlugin() {
  const require = createRequire(import.meta.url);
  const NAME = /^[a-z][a-z-]*$/;
  const configSource = path.resolve(here, '../src/bpmn/lintConfig.ts');
  return {
    name: 'kim-bpmnlint',
    setup(build) {
      build.onResolve({ filter: /^virtual:kim-bpmnlint$/ }, () => ({ path: 'kim-bpmnlint', namespace: 'kim-bpmnlint' }));
      build.onLoad({ filter: /.*/, namespace: 'kim-bpmnlint' }, async () => {
        const compiled = await esbuild.build({ entryPoints: [configSource], bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'silent' });
        const { lintConfig } = await import(`data:text/javascript;base64,${Buffer.from(compiled.outputFiles[0].text).toString('base64')}`);
        const rules = new Set();
        const configs = new Set();
        const ruleName = (name) => {
          const m = /^(?:bpmnlint\/)?([^/]+)$/.exec(name);
          if (!m || !NAME.test(m[1])) throw new Error(`lint rule ${name}: only bpmnlint's own rules are supported (as on the server)`);
          return m[1];
        };
        const visit = (config) => {
          for (const name of Object.keys(config.rules ?? {})) rules.add(ruleName(name));
          for (const ext of [config.extends ?? []].flat()) {
            const m = /^bpmnlint:([a-z][a-z-]*)$/.exec(ext);
            if (!m) throw new Error(`lint config ${ext}: only bpmnlint's own configs are supported (as on the server)`);
            if (configs.has(m[1])) continue;
            configs.add(m[1]);
            visit(require(`bpmnlint/config/${m[1]}`));
          }
        };
        visit(lintConfig);
        const ruleList = [...rules].sort();
        const configList = [...configs].sort();
        const contents = [
          `import { lintConfig } from ${JSON.stringify(configSource)};`,
          `import StaticResolver from 'bpmnlint/lib/resolver/static-resolver';`,
          ...ruleList.map((r, i) => `import r${i} from 'bpmnlint/rules/${r}';`),
          ...configList.map((c, i) => `import c${i} from 'bpmnlint/config/${c}';`),
          `export const config = lintConfig;`,
          `export const ruleNames = ${JSON.stringify(ruleList)};`,
          `export const resolver = new StaticResolver({`,
          ...ruleList.map((r, i) => `  'rule:bpmnlint/${r}': r${i},`),
          ...configList.map((c, i) => `  'config:bpmnlint/${c}': c${i},`),
          `});`,
        ].join('\n');
        return { contents, loader: 'js', resolveDir: here, watchFiles: [configSource] };
      });
    },
  };
}

const started = Date.now();
const tmp = `${out}.tmp-${process.pid}`;
fs.rmSync(tmp, { recursive: true, force: true });

const common = {
  absWorkingDir: here,
  outdir: path.join(tmp, 'assets'),
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.png': 'file' },
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
};

// The modeler's styles (properties panel, lint overlays, form editor, bpmn font) are a stylesheet
// of their own, loaded only by the modeler page: built first, its hashed name goes into the app.
const modelerStyles = await esbuild.build({ ...common, entryPoints: { modeler: 'src/modeler/modeler.css' } });
const modelerCss = Object.entries(modelerStyles.metafile.outputs).find(([, o]) => o.entryPoint === 'src/modeler/modeler.css');
if (!modelerCss) throw new Error('no output for src/modeler/modeler.css');

const result = await esbuild.build({
  ...common,
  entryPoints: { app: 'src/main.ts', styles: 'src/styles.css' },
  splitting: true,
  format: 'esm',
  target: ['chrome109', 'firefox115', 'safari16', 'edge109'],
  chunkNames: 'chunk-[hash]',
  define: { 'process.env.NODE_ENV': '"production"', __KIM_MODELER_CSS__: JSON.stringify(`/assets/${path.basename(modelerCss[0])}`) },
  plugins: [bpmnlintConfigPlugin()],
  tsconfig: path.join(here, 'tsconfig.json'),
});

const outputs = Object.entries({ ...modelerStyles.metafile.outputs, ...result.metafile.outputs });
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
