/**
 * An instance's diagram with bpmn-js's NavigatedViewer (loaded on demand): drag to move, wheel
 * to zoom; the given activities marked. Opens around the first marked activity.
 */
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { h } from './dom.ts';

export async function showDiagram(host: HTMLElement, xml: string, current: string[]): Promise<() => void> {
  host.replaceChildren();
  const canvasHost = h('div', { class: 'diagram-canvas' });
  const toolbar = h('div', { class: 'diagram-toolbar' });
  host.append(canvasHost, toolbar);
  const viewer = new NavigatedViewer({ container: canvasHost });
  await viewer.importXML(xml);
  const canvas = viewer.get('canvas') as any;
  const registry = viewer.get('elementRegistry') as any;
  const overlays = viewer.get('overlays') as any;

  const marked = current.map((id) => registry.get(id)).filter(Boolean);
  for (const el of marked) {
    canvas.addMarker(el.id, 'kim-current');
    overlays.add(el.id, 'kim-current', { position: { top: -26, left: 0 }, html: h('div', { class: 'kim-current-label' }, 'Aktuelle Aufgabe') });
  }

  const fit = () => canvas.zoom('fit-viewport', 'auto');
  const focus = () => {
    const el = marked[0];
    if (!el) return fit();
    fit();
    const box = canvas.viewbox();
    // Large diagrams become tiny when fitted: then show the task at a readable scale, centred.
    if (box.scale < 0.75) {
      const scale = 0.9;
      const width = box.outer.width / scale;
      const height = box.outer.height / scale;
      canvas.viewbox({ x: el.x + el.width / 2 - width / 2, y: el.y + el.height / 2 - height / 2, width, height });
    }
  };
  toolbar.append(
    h('button', { type: 'button', class: 'button-quiet small', onclick: focus }, 'Aktuelle Aufgabe'),
    h('button', { type: 'button', class: 'button-quiet small', onclick: fit }, 'Ganzes Diagramm'),
  );
  focus();
  return () => viewer.destroy();
}
