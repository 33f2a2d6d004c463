/**
 * Small SVG charts for the dashboard, drawn by hand (no chart library): bar charts (vertical or
 * horizontal, grouped or stacked, with an optional line series) and a range figure (median with the
 * quartiles). Every chart is an `<svg role="img">` with an aria-label; every bar is a
 * `<rect class="bar">` with `data-series`, `data-category` and `data-value` and a `<title>` tooltip,
 * and may be a link (`<a class="chart-link">`, routed in the app by `routeChartLinks`).
 */

const SVG = 'http://www.w3.org/2000/svg';

type Attrs = Record<string, string | number | null | undefined>;

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<SVGElement | string | null>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) {
    if (c === null) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

export interface Series {
  key: string;
  label: string;
  /** A CSS colour (the legend uses the same). */
  color: string;
  values: number[];
}

export interface BarChartOptions {
  /** The chart's name for screen readers (and the test's handle via `data-chart`). */
  id: string;
  label: string;
  categories: string[];
  /** Longer texts for the tooltips of the categories (default: the category). */
  categoryTitles?: string[];
  series: Series[];
  mode?: 'grouped' | 'stacked';
  orientation?: 'vertical' | 'horizontal';
  /** A line drawn over a vertical chart (its own points, `class="point"`). */
  line?: Series;
  /** Link of one bar (null: none). */
  href?: (category: number, series: string) => string | null;
  /** Unit in tooltips ("Aufgaben"). */
  unit?: string;
  width?: number;
  height?: number;
}

const FONT = 12;

/** 0, 1, 2, 5, 10, 20, 50 … steps so that the axis has at most `count` ticks. */
export function niceTicks(max: number, count = 5): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw && s >= 1) ?? Math.max(1, magnitude * 10);
  const ticks: number[] = [];
  for (let t = 0; t < max + step; t += step) {
    ticks.push(t);
    if (t >= max) break;
  }
  return ticks;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Up to `maxLines` lines of at most `width` characters, broken at spaces; the last one shortened with "…". */
export function wrap(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    if (current && (current + ' ' + word).length > width) {
      lines.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) lines.push(current);
  if (lines.length <= maxLines) return lines.map((l) => truncate(l, width));
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = truncate(`${kept[maxLines - 1]} ${lines.slice(maxLines).join(' ')}`, width);
  return kept.map((l) => truncate(l, width));
}

const number = (n: number) => n.toLocaleString('de-DE');

function wrapLink(el: SVGElement, href: string | null | undefined): SVGElement {
  if (!href) return el;
  // SVG anchors have no string `href` property: the view routes them (`routeChartLinks`), not main.ts.
  const a = svg('a', { href, class: 'chart-link' });
  a.append(el);
  return a;
}

/** A bar chart; see `BarChartOptions`. */
export function barChart(o: BarChartOptions): SVGSVGElement {
  const mode = o.mode ?? 'grouped';
  const horizontal = o.orientation === 'horizontal';
  const n = o.categories.length;
  const width = o.width ?? 720;
  const rowHeight = mode === 'grouped' ? Math.max(40, 14 * o.series.length + 14) : 34;
  const height = o.height ?? (horizontal ? Math.max(80, n * rowHeight + 40) : 280);
  const totals = o.categories.map((_, i) => (mode === 'stacked' ? o.series.reduce((s, x) => s + (x.values[i] ?? 0), 0) : Math.max(0, ...o.series.map((x) => x.values[i] ?? 0))));
  const max = Math.max(1, ...totals, ...(o.line?.values ?? []));
  const ticks = niceTicks(max);
  const top = ticks[ticks.length - 1]!;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: `chart chart-${horizontal ? 'horizontal' : 'vertical'}`, role: 'img', 'aria-label': o.label, 'data-chart': o.id, preserveAspectRatio: 'xMidYMid meet' });
  root.append(svg('title', {}, o.label));
  const tooltip = (i: number, s: Series, v: number) => `${o.categoryTitles?.[i] ?? o.categories[i]} – ${s.label}: ${number(v)}${o.unit ? ` ${o.unit}` : ''}`;

  if (horizontal) {
    const left = Math.min(260, Math.round(width * 0.38));
    const right = 40;
    const plot = { x: left, y: 10, w: width - left - right, h: height - 40 };
    const scale = (v: number) => (v / top) * plot.w;
    for (const t of ticks) {
      const x = plot.x + scale(t);
      root.append(svg('line', { x1: x, x2: x, y1: plot.y, y2: plot.y + plot.h, class: 'grid' }), svg('text', { x, y: plot.y + plot.h + 16, 'text-anchor': 'middle', class: 'tick' }, number(t)));
    }
    const band = plot.h / Math.max(1, n);
    o.categories.forEach((cat, i) => {
      const y0 = plot.y + i * band;
      const lines = wrap(cat, 36, 2);
      const label = svg('text', { x: plot.x - 8, y: y0 + band / 2 + FONT / 3 - ((lines.length - 1) * (FONT + 2)) / 2, 'text-anchor': 'end', class: 'category' }, svg('title', {}, o.categoryTitles?.[i] ?? cat));
      lines.forEach((line, k) => label.append(svg('tspan', { x: plot.x - 8, dy: k === 0 ? 0 : FONT + 2 }, line)));
      root.append(label);
      const barH = mode === 'grouped' ? Math.min(16, (band - 8) / o.series.length) : Math.min(20, band - 8);
      let offset = plot.x;
      o.series.forEach((s, j) => {
        const v = s.values[i] ?? 0;
        if (mode === 'stacked' && v === 0) return;
        const y = mode === 'grouped' ? y0 + (band - barH * o.series.length) / 2 + j * barH : y0 + (band - barH) / 2;
        const x = mode === 'grouped' ? plot.x : offset;
        const w = scale(v);
        offset += w;
        const rect = svg('rect', { x, y, width: w, height: Math.max(1, barH - 2), fill: s.color, class: 'bar', 'data-series': s.key, 'data-category': cat, 'data-value': v }, svg('title', {}, tooltip(i, s, v)));
        root.append(wrapLink(rect, o.href?.(i, s.key)));
        if (mode === 'grouped') root.append(svg('text', { x: x + w + 4, y: y + barH / 2 + FONT / 3 - 1, class: 'value' }, number(v)));
      });
      if (mode === 'stacked') root.append(svg('text', { x: offset + 4, y: y0 + band / 2 + FONT / 3, class: 'value' }, number(totals[i]!)));
    });
    root.append(svg('line', { x1: plot.x, x2: plot.x, y1: plot.y, y2: plot.y + plot.h, class: 'axis' }));
    return root;
  }

  const left = 40;
  const bottom = 44;
  const plot = { x: left, y: 12, w: width - left - 12, h: height - 12 - bottom };
  const scale = (v: number) => (v / top) * plot.h;
  for (const t of ticks) {
    const y = plot.y + plot.h - scale(t);
    root.append(svg('line', { x1: plot.x, x2: plot.x + plot.w, y1: y, y2: y, class: 'grid' }), svg('text', { x: plot.x - 6, y: y + FONT / 3, 'text-anchor': 'end', class: 'tick' }, number(t)));
  }
  const band = plot.w / Math.max(1, n);
  const every = Math.max(1, Math.ceil(n / 14)); // at most ~14 category labels
  o.categories.forEach((cat, i) => {
    const x0 = plot.x + i * band;
    if (i % every === 0) {
      root.append(svg('text', { x: x0 + band / 2, y: plot.y + plot.h + 18, 'text-anchor': 'middle', class: 'category' }, svg('title', {}, o.categoryTitles?.[i] ?? cat), truncate(cat, Math.max(6, Math.floor(band / 7)))));
    }
    const barW = mode === 'grouped' ? Math.min(48, (band * 0.75) / o.series.length) : Math.min(56, band * 0.7);
    let stackTop = plot.y + plot.h;
    o.series.forEach((s, j) => {
      const v = s.values[i] ?? 0;
      if (mode === 'stacked' && v === 0) return;
      const hgt = scale(v);
      const x = mode === 'grouped' ? x0 + (band - barW * o.series.length) / 2 + j * barW : x0 + (band - barW) / 2;
      const y = mode === 'grouped' ? plot.y + plot.h - hgt : stackTop - hgt;
      stackTop = mode === 'stacked' ? y : stackTop;
      const rect = svg('rect', { x: x + 1, y, width: Math.max(1, barW - 2), height: hgt, fill: s.color, class: 'bar', 'data-series': s.key, 'data-category': cat, 'data-value': v }, svg('title', {}, tooltip(i, s, v)));
      root.append(wrapLink(rect, o.href?.(i, s.key)));
      if (mode === 'grouped' && v > 0) root.append(svg('text', { x: x + barW / 2, y: y - 4, 'text-anchor': 'middle', class: 'value' }, number(v)));
    });
    if (mode === 'stacked' && totals[i]! > 0) root.append(svg('text', { x: x0 + band / 2, y: stackTop - 4, 'text-anchor': 'middle', class: 'value' }, number(totals[i]!)));
  });
  if (o.line) {
    const l = o.line;
    const pts = o.categories.map((_, i) => [plot.x + i * band + band / 2, plot.y + plot.h - scale(l.values[i] ?? 0)] as const);
    root.append(svg('polyline', { points: pts.map(([x, y]) => `${x},${y}`).join(' '), fill: 'none', stroke: l.color, 'stroke-width': 2, 'stroke-dasharray': '5 3', class: 'line', 'data-series': l.key }));
    pts.forEach(([x, y], i) =>
      root.append(svg('circle', { cx: x, cy: y, r: 3.5, fill: '#fff', stroke: l.color, 'stroke-width': 2, class: 'point', 'data-series': l.key, 'data-value': l.values[i] ?? 0 }, svg('title', {}, tooltip(i, l, l.values[i] ?? 0)))),
    );
  }
  root.append(svg('line', { x1: plot.x, x2: plot.x + plot.w, y1: plot.y + plot.h, y2: plot.y + plot.h, class: 'axis' }));
  return root;
}

/** A legend for the series (HTML, beside the chart). */
export function legend(series: Array<Pick<Series, 'key' | 'label' | 'color'> & { href?: string | null; dashed?: boolean }>): HTMLElement {
  const ul = document.createElement('ul');
  ul.className = 'chart-legend';
  for (const s of series) {
    const li = document.createElement('li');
    li.dataset.series = s.key;
    const swatch = document.createElement('span');
    swatch.className = `swatch${s.dashed ? ' dashed' : ''}`;
    swatch.style.setProperty('--swatch', s.color);
    let label: HTMLElement = document.createElement('span');
    if (s.href) {
      const a = document.createElement('a');
      a.href = s.href;
      a.setAttribute('data-link', '');
      label = a;
    }
    label.textContent = s.label;
    li.append(swatch, label);
    ul.append(li);
  }
  return ul;
}

export interface RangeFigureOptions {
  id: string;
  label: string;
  median: number;
  p25: number;
  p75: number;
  unit: string;
  width?: number;
}

/** The median as a mark on a scale, with the middle half (25th to 75th percentile) as a box. */
export function rangeFigure(o: RangeFigureOptions): SVGSVGElement {
  const width = o.width ?? 480;
  const height = 74;
  const ticks = niceTicks(Math.max(1, o.p75 * 1.15), 6);
  const top = ticks[ticks.length - 1]!;
  const plot = { x: 16, w: width - 32, y: 14, h: 24 };
  const x = (v: number) => plot.x + (v / top) * plot.w;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart chart-range', role: 'img', 'aria-label': o.label, 'data-chart': o.id });
  root.append(svg('title', {}, o.label));
  root.append(svg('line', { x1: plot.x, x2: plot.x + plot.w, y1: plot.y + plot.h / 2, y2: plot.y + plot.h / 2, class: 'axis' }));
  for (const t of ticks) {
    root.append(svg('line', { x1: x(t), x2: x(t), y1: plot.y + plot.h + 2, y2: plot.y + plot.h + 6, class: 'axis' }), svg('text', { x: x(t), y: plot.y + plot.h + 20, 'text-anchor': 'middle', class: 'tick' }, number(t)));
  }
  const f = (v: number) => `${v.toLocaleString('de-DE', { maximumFractionDigits: 1 })} ${o.unit}`;
  root.append(
    svg('rect', { x: x(o.p25), y: plot.y, width: Math.max(2, x(o.p75) - x(o.p25)), height: plot.h, class: 'iqr', rx: 3, 'data-value': `${o.p25}-${o.p75}` }, svg('title', {}, `Mittlere Hälfte: ${f(o.p25)} bis ${f(o.p75)}`)),
    svg('line', { x1: x(o.median), x2: x(o.median), y1: plot.y - 6, y2: plot.y + plot.h + 6, class: 'median', 'data-value': o.median }, svg('title', {}, `Median: ${f(o.median)}`)),
  );
  return root;
}

/** Routes clicks on chart links inside `host` through the app (no page reload). */
export function routeChartLinks(host: Element, navigate: (url: string) => void): void {
  host.addEventListener('click', (ev) => {
    const e = ev as MouseEvent;
    const a = (e.target as Element | null)?.closest?.('a.chart-link');
    if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const href = a.getAttribute('href');
    if (!href || !href.startsWith('/')) return;
    e.preventDefault();
    navigate(href);
  });
}
