/**
 * Checks that a generated diagram opens and looks right in bpmn-js and Camunda Modeler: executable,
 * a shape for every flow node and lane, an edge for every sequence flow, names on every node, every
 * top-level node in a lane and inside its lane's bounds, no overlapping shapes (except a boundary
 * event on its host and a sub-process around its content), no edge through a shape.
 */
import { expect } from 'chai';
import { BpmnModdle } from 'bpmn-moddle';
import camundaSchema from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };

interface Box { x: number; y: number; width: number; height: number }
interface Pt { x: number; y: number }
export type El = { id: string; $type: string; $parent?: El; attachedToRef?: El; sourceRef?: El; targetRef?: El; [k: string]: any };

/** True if the axis-parallel segment a–b passes through the open interior of the box. */
function segmentHitsBox(a: Pt, b: Pt, r: Box): boolean {
  const [x1, x2] = [Math.min(a.x, b.x), Math.max(a.x, b.x)];
  const [y1, y2] = [Math.min(a.y, b.y), Math.max(a.y, b.y)];
  if (x1 !== x2 && y1 !== y2) throw new Error(`segment ${JSON.stringify([a, b])} is not orthogonal`);
  return x2 > r.x && x1 < r.x + r.width && y2 > r.y && y1 < r.y + r.height;
}
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
export interface CheckedDiagram {
  elementsById: Record<string, El>;
  lanes: El[];
  flowNodes: El[];
}

export async function checkDiagram(xml: string): Promise<CheckedDiagram> {
    const parsed = await new BpmnModdle({ camunda: camundaSchema }).fromXML(xml);
    const defs = parsed.rootElement as unknown as El;
    const elementsById = parsed.elementsById as unknown as Record<string, El>;
    const process = defs.rootElements.find((e: El) => e.$type === 'bpmn:Process');
    expect(process.isExecutable).to.equal(true);
    const flowNodes: El[] = [];
    const flows: El[] = [];
    const walk = (container: El) => {
      for (const e of container.flowElements ?? []) {
        if (e.$type === 'bpmn:SequenceFlow') flows.push(e);
        else flowNodes.push(e);
        if (e.$type === 'bpmn:SubProcess') walk(e);
      }
    };
    walk(process);
    const lanes: El[] = process.laneSets.flatMap((ls: El) => ls.lanes);
    const plane = defs.diagrams[0].plane;
    const shapes = new Map<string, Box>();
    const edges = new Map<string, Pt[]>();
    for (const d of plane.planeElement) {
      if (d.$type === 'bpmndi:BPMNShape') shapes.set(d.bpmnElement.id, d.bounds);
      if (d.$type === 'bpmndi:BPMNEdge') edges.set(d.bpmnElement.id, d.waypoint);
    }
    for (const n of [...flowNodes, ...lanes]) expect(shapes.has(n.id), `shape for ${n.id}`).to.equal(true);
    for (const f of flows) expect(edges.get(f.id)?.length ?? 0, `edge for ${f.id}`).to.be.at.least(2);
    for (const n of flowNodes) {
      expect(n.name, `name of ${n.id}`).to.be.a('string').and.not.equal('');
      const owner = lanes.find((l) => (l.flowNodeRef ?? []).some((x: El) => x.id === n.id));
      if (n.$parent === process) expect(owner, `lane of ${n.id}`).to.exist;
    }

    // Allowed to share area: a boundary event and its host, a sub-process and what it contains.
    const contains = (outer: El, inner: El): boolean => !!inner.$parent && (inner.$parent.id === outer.id || contains(outer, inner.$parent));
    const related = (a: El, b: El) => a.attachedToRef?.id === b.id || b.attachedToRef?.id === a.id || contains(a, b) || contains(b, a);
    for (let i = 0; i < flowNodes.length; i++) {
      for (let j = i + 1; j < flowNodes.length; j++) {
        const [a, b] = [flowNodes[i], flowNodes[j]];
        if (!related(a, b)) expect(overlap(shapes.get(a.id)!, shapes.get(b.id)!), `${a.id} overlaps ${b.id}`).to.equal(false);
      }
    }
    // Shapes stay inside their lane.
    for (const l of lanes) {
      const lb = shapes.get(l.id)!;
      for (const n of l.flowNodeRef ?? []) {
        const b = shapes.get(n.id)!;
        expect(b.x >= lb.x && b.y >= lb.y && b.x + b.width <= lb.x + lb.width && b.y + b.height <= lb.y + lb.height, `${n.id} inside ${l.id}`).to.equal(true);
      }
    }
    for (const f of flows) {
      const pts = edges.get(f.id)!;
      for (const n of flowNodes) {
        if (n.id === f.sourceRef!.id || n.id === f.targetRef!.id || contains(n, f)) continue;
        for (let k = 1; k < pts.length; k++) expect(segmentHitsBox(pts[k - 1], pts[k], shapes.get(n.id)!), `${f.id} crosses ${n.id}`).to.equal(false);
      }
    }
  return { elementsById, lanes, flowNodes };
}
