/** The printed table and the phase breakdown. */
import type { RawResult } from './raw.ts';
import type { LoadResult } from './client.ts';
import type { PhaseTotals } from './phases.ts';

const f1 = (n: number) => n.toFixed(1);

export function printTable(r: {
  raw1: RawResult; raw2: RawResult; rawMean: number; load: LoadResult; ratio: number; goal: number; status: string;
  p50: number; p99: number; clients: number; profile: string; setup?: string;
  load2?: LoadResult; p50b?: number; p99b?: number; setup2?: string;
}): void {
  const rows: Array<[string, string, string]> = [
    ['(a) raw ceiling, run 1', `${f1(r.raw1.perSecond)} inst/s`, `${r.raw1.msPerInstance.toFixed(2)} ms/inst, n=${r.raw1.iterations}`],
    ['(a) raw ceiling, run 2', `${f1(r.raw2.perSecond)} inst/s`, `${r.raw2.msPerInstance.toFixed(2)} ms/inst, n=${r.raw2.iterations}`],
    ['(a) baseline (mean)', `${f1(r.rawMean)} inst/s`, `drift ${f1((100 * Math.abs(r.raw1.perSecond - r.raw2.perSecond)) / r.rawMean)} %`],
    [`(b) service, ${r.profile}`, `${f1(r.load.perSecond)} inst/s`, `${r.clients} clients, n=${r.load.instances}, ${f1(r.load.seconds)} s${r.setup ? `; ${r.setup}` : ''}`],
    ['(c) ratio (b)/(a)', r.ratio.toFixed(2), `goal ≥ ${r.goal}: ${r.status}`],
    ['(d) complete p50 / p99', `${f1(r.p50)} / ${f1(r.p99)} ms`, `at ${r.clients} concurrent clients`],
  ];
  if (r.load2) {
    rows.push(
      ['(e) 2 API processes', `${f1(r.load2.perSecond)} inst/s`, `${r.clients} clients round-robin, n=${r.load2.instances}, ${f1(r.load2.seconds)} s${r.setup2 ? `; ${r.setup2}` : ''}`],
      ['(e) ratio (e)/(b), (e)/(a)', `${(r.load2.perSecond / r.load.perSecond).toFixed(2)}, ${(r.load2.perSecond / r.rawMean).toFixed(2)}`, 'scaling from 1 to 2 API processes; vs. raw ceiling'],
      ['(e) complete p50 / p99', `${f1(r.p50b!)} / ${f1(r.p99b!)} ms`, 'with 2 API processes'],
    );
  }
  printRows(rows);
}

export function printRows(rows: Array<[string, string, string]>): void {
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  console.log('');
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
  console.log('');
}

export function printPhases(p: { totals: PhaseTotals; instances: number; httpMs: number[] }): void {
  const httpPerInstance = p.httpMs.reduce((a, b) => a + b, 0) / p.instances;
  console.log(`Phases, sequential (1 client), ms per instance (3 requests), n=${p.instances}:`);
  console.log(`  ${'client-side total of the 3 requests'.padEnd(62)} ${httpPerInstance.toFixed(3).padStart(8)}`);
  const entries = Object.entries(p.totals).sort((a, b) => a[0].localeCompare(b[0]));
  for (const [label, { calls, ms }] of entries) {
    console.log(`  ${label.padEnd(62)} ${(ms / p.instances).toFixed(3).padStart(8)}  (${(calls / p.instances).toFixed(1)} calls)`);
  }
  const sum = (re: RegExp) => entries.filter(([l]) => re.test(l)).reduce((a, [, v]) => a + v.ms, 0) / p.instances;
  const commands = sum(/^command:/);
  const outside = httpPerInstance - commands;
  console.log(`  ${'→ outside engine commands (HTTP, Koa, auth, routes, client)'.padEnd(62)} ${outside.toFixed(3).padStart(8)}`);
  console.log('');
}
