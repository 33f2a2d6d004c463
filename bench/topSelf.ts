/**
 * Reads a V8 .cpuprofile (from `node --cpu-prof --cpu-prof-dir=DIR --import tsx bench/run.ts …`;
 * the service child writes its own file) and prints the top self-time functions and the
 * self time per package/area. Usage: node --import tsx bench/topSelf.ts FILE [TOP] [NAME-REGEX for inclusive times]
 */
import fs from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

function area(url: string, fn: string): string {
  if (!url) return fn === '(garbage collector)' || fn === '(idle)' || fn === '(program)' ? fn : '(native)';
  const m = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].pop();
  if (m) return m[1]!;
  const src = /\/(src\/[^/]+(?:\/[^/]+)?)\//.exec(url) ?? /\/(src|bench|tests)\//.exec(url);
  if (src) return src[1]!;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/').slice(0, 2).join('/');
  return url;
}

/** Inclusive time of functions whose name matches, counting each stack once (recursion-safe). */
function inclusive(p: Profile, self: Map<number, number>, names: RegExp): Map<string, number> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  const walk = (id: number, active: Set<string>): number => {
    const node = byId.get(id)!;
    const key = names.test(node.callFrame.functionName) ? `${node.callFrame.functionName}  ${node.callFrame.url.replace(/^.*\/(node_modules\/|src\/)/, '$1')}` : '';
    const counted = key !== '' && !active.has(key);
    if (counted) active.add(key);
    let t = self.get(id) ?? 0;
    for (const c of node.children ?? []) t += walk(c, active);
    if (counted) {
      active.delete(key);
      out.set(key, (out.get(key) ?? 0) + t);
    }
    return t;
  };
  walk(p.nodes[0]!.id, new Set());
  return out;
}

export function summarize(file: string, top = 25, names?: RegExp): void {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, t] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const pkg = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/g)].pop();
    const short = pkg ? `${pkg[1]}/${pkg[2]}` : url.replace(/^.*\/(src\/|bench\/)/, '$1');
    const key = `${functionName || '(anonymous)'}  ${short}${url ? ':' + (lineNumber + 1) : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + t);
    const a = area(url, functionName);
    areas.set(a, (areas.get(a) ?? 0) + t);
  }
  const busy = total - idle;
  const pct = (t: number) => `${((100 * t) / busy).toFixed(1).padStart(5)} %`;
  console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (percentages of busy)`);
  console.log('\nself time by area:');
  for (const [a, t] of [...areas].filter(([a]) => a !== '(idle)').sort((x, y) => y[1] - x[1]).slice(0, 20)) console.log(`  ${pct(t)}  ${a}`);
  console.log(`\ntop ${top} functions by self time:`);
  for (const [k, t] of [...fns].filter(([k]) => !k.startsWith('(idle)')).sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`  ${pct(t)}  ${k}`);
  if (!names) return;
  console.log(`\ninclusive time of functions matching ${names}:`);
  for (const [k, t] of [...inclusive(p, self, names)].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`  ${pct(t)}  ${k}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node --import tsx bench/topSelf.ts FILE.cpuprofile [TOP] [NAME-REGEX]');
    process.exit(2);
  }
  const names = process.argv[4] ? new RegExp(process.argv[4]) : undefined;
  summarize(file, Number(process.argv[3] ?? 25), names);
}
