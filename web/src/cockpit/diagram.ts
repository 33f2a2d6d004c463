/**
 * An instance's diagram in the cockpit (bpmn-js NavigatedViewer, loaded on demand) with overlays:
 * active tokens per activity (blue count badge, bottom left, and the activity highlighted), how often an
 * activity has run to its end (grey badge, top left) and incidents (red badge, top right).
 */
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { h } from '../dom.ts';

export interface ActivityCounts {
  /** Active activity instances (tokens) per activity id. */
  active: Map<string, number>;
  /** Ended activity instances per activity id. */
  done: Map<string, number>;
  /** Incidents per activity id. */
  incidents: Map<string, number>;
}

const times = (n: number) => (n === 1 ? 'einmal' : `${n}-mal`);

export async function showInstanceDiagram(host: HTMLElement, xml: string, counts: ActivityCounts): Promise<() => void> {
  host.replaceChildren();
  const canvasHost = h('div', { class: 'diagram-canvas cockpit-canvas' });
  const toolbar = h('div', { class: 'diagram-toolbar' });
  const legendBox = h(
    'ul',
    { class: 'diagram-legend' },
    h('li', null, h('span', { class: 'kim-token-badge' }, 'n'), ' aktive Token'),
    h('li', null, h('span', { class: 'kim-history-badge' }, 'n'), ' abgeschlossene Durchläufe'),
    h('li', null, h('span', { class: 'kim-incident-badge' }, '!'), ' Störung'),
  );
  host.append(canvasHost, toolbar, legendBox);
  const viewer = new NavigatedViewer({ container: canvasHost });
  await viewer.importXML(xml);
  const canvas = viewer.get('canvas') as any;
  const registry = viewer.get('elementRegistry') as any;
  const overlays = viewer.get('overlays') as any;

  const ids = new Set([...counts.active.keys(), ...counts.done.keys(), ...counts.incidents.keys()]);
  const activeElements: any[] = [];
  for (const id of ids) {
    const el = registry.get(id);
    if (!el || el.type === 'label') continue;
    const active = counts.active.get(id) ?? 0;
    const done = counts.done.get(id) ?? 0;
    const failed = counts.incidents.get(id) ?? 0;
    if (active > 0) {
      canvas.addMarker(id, 'kim-active');
      activeElements.push(el);
      overlays.add(id, 'kim-tokens', {
        position: { bottom: 12, left: -10 },
        html: h('span', { class: 'kim-token-badge', 'data-activity': id, title: `${active} aktive${active === 1 ? 'r' : ''} Token` }, String(active)),
      });
    }
    if (done > 0) {
      overlays.add(id, 'kim-history', {
        position: { top: -10, left: -10 },
        html: h('span', { class: 'kim-history-badge', 'data-activity': id, title: `${times(done)} abgeschlossen` }, String(done)),
      });
    }
    if (failed > 0) {
      canvas.addMarker(id, 'kim-failed');
      overlays.add(id, 'kim-incidents', {
        position: { top: -10, right: 10 },
        html: h('span', { class: 'kim-incident-badge', 'data-activity': id, title: `${failed} Störung${failed === 1 ? '' : 'en'}` }, failed > 1 ? `! ${failed}` : '!'),
      });
    }
  }

  const fit = () => canvas.zoom('fit-viewport', 'auto');
  const focus = () => {
    fit();
    if (activeElements.length === 0) return;
    const box = canvas.viewbox();
    if (box.scale >= 0.75) return;
    // A large diagram gets tiny when fitted: show the active steps at a readable scale instead — the
    // tasks first (catch events that wait for the whole run, such as "Abmeldung", are elsewhere).
    const tasks = activeElements.filter((e) => !/Event$/.test(e.type));
    const shown = tasks.length ? tasks : activeElements;
    const scale = 0.85;
    const width = box.outer.width / scale;
    const height = box.outer.height / scale;
    const xs = shown.flatMap((e) => [e.x, e.x + e.width]);
    const ys = shown.flatMap((e) => [e.y, e.y + e.height]);
    const fits = Math.max(...xs) - Math.min(...xs) < width - 100 && Math.max(...ys) - Math.min(...ys) < height - 100;
    const target = fits
      ? { cx: (Math.min(...xs) + Math.max(...xs)) / 2, cy: (Math.min(...ys) + Math.max(...ys)) / 2 }
      : { cx: shown[0].x + shown[0].width / 2, cy: shown[0].y + shown[0].height / 2 };
    canvas.viewbox({ x: target.cx - width / 2, y: target.cy - height / 2, width, height });
  };
  toolbar.append(
    h('button', { type: 'button', class: 'button-quiet small', onclick: focus }, 'Aktive Schritte'),
    h('button', { type: 'button', class: 'button-quiet small', onclick: fit }, 'Ganzes Diagramm'),
  );
  focus();
  return () => viewer.destroy();
}
