/**
 * A tiny layout DSL for executable BPMN diagrams with computed diagram interchange.
 * One pool with horizontal lanes; every top-level node sits in a lane and a column, boundary events on
 * their host's top or bottom edge, event sub-processes span columns. Edges are orthogonal and run in the
 * free channels of the grid: straight along a free row, else through the column gap next to the source,
 * along a lane's top (or bottom) corridor, and through the column gap next to the target.
 * A lane may have several rows (`rows`); each row is a band of its own with its own corridors.
 * A flow to an earlier column (a loop back) leaves its source at the bottom, runs along the bottom corridor
 * of the lower band and enters its target from below (`loop: 'top'`: the other way round, along the top
 * corridor of the upper band); the cells it passes vertically must be free.
 * `track` moves a flow's corridor inwards by that many corridor widths, so that flows in the same
 * corridor do not share a segment.
 */

export type Kind =
  | 'startEvent' | 'endEvent' | 'intermediateCatchEvent' | 'intermediateThrowEvent' | 'boundaryEvent' | 'userTask' | 'serviceTask'
  | 'businessRuleTask' | 'callActivity' | 'exclusiveGateway' | 'parallelGateway' | 'inclusiveGateway' | 'eventBasedGateway' | 'eventSubProcess';

export interface LaneSpec {
  id: string;
  name: string;
  /** Rows (bands of one lane height) in this lane; default 1. */
  rows?: number;
}

export interface NodeSpec {
  id: string;
  kind: Kind;
  name: string;
  /** Lane id (top-level nodes; boundary events take their host's). */
  lane?: string;
  col?: number;
  /** Row within the lane (0 = top; default 0). */
  row?: number;
  /** Extra attributes, already namespaced (`camunda:candidateGroups`, `cancelActivity`, …). */
  attrs?: Record<string, string>;
  /** Inner XML after the incoming/outgoing references (event definitions). */
  body?: string;
  /** Children of `<bpmn:extensionElements>` (camunda:inputOutput, camunda:in …), written first as the schema wants. */
  extensions?: string;
  /** Boundary events: host and edge. */
  attachedTo?: string;
  side?: 'top' | 'bottom';
  /** Boundary events: horizontal offset from the host's centre. */
  offset?: number;
  /** Event sub-processes: columns covered, nodes (col relative to the first column) and flows inside. */
  span?: number;
  children?: NodeSpec[];
  flows?: FlowSpec[];
}

export interface FlowSpec {
  id: string;
  from: string;
  to: string;
  name?: string;
  condition?: string;
  isDefault?: boolean;
  /** Corridor track: 0 runs at the band's edge, 1 one corridor width further in (boundary flows, corridor routes, loops). */
  track?: number;
  /** A flow to an earlier column: below the shapes (default) or above them. */
  loop?: 'top' | 'bottom';
}

export interface DiagramSpec {
  definitionsId: string;
  processId: string;
  processName: string;
  participantName: string;
  /** Root elements written before the collaboration (`<bpmn:message …/>`). */
  rootElements?: string[];
  lanes: LaneSpec[];
  nodes: NodeSpec[];
  flows: FlowSpec[];
}

export interface Bounds { x: number; y: number; width: number; height: number }
interface Point { x: number; y: number }

export const GRID = { poolX: 120, poolY: 60, poolLabel: 30, laneHeight: 180, colWidth: 150, firstCol: 90, corridor: 12 };

const SIZE: Record<Kind, [number, number]> = {
  startEvent: [36, 36], endEvent: [36, 36], intermediateCatchEvent: [36, 36], intermediateThrowEvent: [36, 36], boundaryEvent: [36, 36],
  exclusiveGateway: [50, 50], parallelGateway: [50, 50], inclusiveGateway: [50, 50], eventBasedGateway: [50, 50],
  userTask: [100, 80], serviceTask: [100, 80], businessRuleTask: [100, 80], callActivity: [100, 80], eventSubProcess: [0, 130],
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function layout(spec: DiagramSpec) {
  // Every lane row is a band of one lane height; with one row per lane, bands are lanes.
  const laneIndex = new Map<string, number>();
  const laneRows = spec.lanes.map((l) => Math.max(1, l.rows ?? 1));
  let bandCount = 0;
  spec.lanes.forEach((l, i) => {
    laneIndex.set(l.id, bandCount);
    bandCount += laneRows[i];
  });
  const laneX = GRID.poolX + GRID.poolLabel;
  const laneTop = (lane: number) => GRID.poolY + lane * GRID.laneHeight;
  const colCx = (col: number) => laneX + GRID.firstCol + col * GRID.colWidth;
  const rowCy = (lane: number) => laneTop(lane) + GRID.laneHeight / 2;
  const byId = new Map<string, NodeSpec>();
  const bounds = new Map<string, Bounds>();
  const cell = new Map<string, string>();
  const place = (n: NodeSpec, lane: number, cx: number, cy: number) => {
    const [w, h] = SIZE[n.kind];
    bounds.set(n.id, { x: cx - w / 2, y: cy - h / 2, width: w, height: h });
  };
  const laneOf = (n: NodeSpec): number => {
    const host = n.attachedTo ? byId.get(n.attachedTo) : n;
    const i = laneIndex.get(host?.lane ?? '');
    if (i === undefined) throw new Error(`${n.id}: unknown lane ${host?.lane}`);
    const row = host?.row ?? 0;
    const rows = laneRows[spec.lanes.findIndex((l) => l.id === host?.lane)];
    if (!Number.isInteger(row) || row < 0 || row >= rows) throw new Error(`${n.id}: lane ${host?.lane} has no row ${row}`);
    return i + row;
  };
  let maxCol = 0;
  for (const n of spec.nodes) byId.set(n.id, n);
  for (const n of spec.nodes) {
    if (n.kind === 'boundaryEvent') continue;
    const lane = laneOf(n);
    const col = n.col ?? 0;
    const span = n.span ?? 1;
    maxCol = Math.max(maxCol, col + span - 1);
    for (let c = col; c < col + span; c++) {
      const key = `${lane}:${c}`;
      if (cell.has(key)) throw new Error(`${n.id} and ${cell.get(key)} share lane ${lane}, column ${c}`);
      cell.set(key, n.id);
    }
    if (n.kind === 'eventSubProcess') {
      const x = colCx(col) - 65;
      bounds.set(n.id, { x, y: rowCy(lane) - 65, width: colCx(col + span - 1) + 65 - x, height: 130 });
      for (const child of n.children ?? []) {
        byId.set(child.id, { ...child, lane: n.lane, row: n.row, col: col + (child.col ?? 0) });
        place(child, lane, colCx(col + (child.col ?? 0)), rowCy(lane));
      }
    } else place(n, lane, colCx(col), rowCy(lane));
  }
  for (const n of spec.nodes) {
    if (n.kind !== 'boundaryEvent') continue;
    const host = bounds.get(n.attachedTo ?? '');
    if (!host) throw new Error(`${n.id}: unknown host ${n.attachedTo}`);
    const cx = host.x + host.width / 2 + (n.offset ?? 0);
    place(n, laneOf(n), cx, n.side === 'top' ? host.y : host.y + host.height);
  }

  const free = (lane: number, from: number, to: number) => {
    for (let c = from; c <= to; c++) if (cell.has(`${lane}:${c}`)) return false;
    return true;
  };
  const center = (b: Bounds): Point => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
  const route = (f: FlowSpec): Point[] => {
    const s = byId.get(f.from), t = byId.get(f.to);
    if (!s || !t) throw new Error(`${f.id}: unknown end ${s ? f.to : f.from}`);
    const sb = bounds.get(s.id)!, tb = bounds.get(t.id)!;
    const sc = center(sb), tc = center(tb);
    const sLane = laneOf(s), tLane = laneOf(t);
    const tCol = t.col ?? 0;
    const tLeft = { x: tb.x, y: tc.y };
    const gx2 = colCx(tCol) - GRID.colWidth / 2;
    const inset = GRID.corridor * (1 + (f.track ?? 0));
    const topCorridor = (band: number) => laneTop(band) + inset;
    const bottomCorridor = (band: number) => laneTop(band) + GRID.laneHeight - inset;
    if (s.kind === 'boundaryEvent') {
      const top = s.side === 'top';
      const exit = { x: sc.x, y: top ? sb.y : sb.y + sb.height };
      const yc = top ? topCorridor(sLane) : bottomCorridor(sLane);
      return [exit, { x: sc.x, y: yc }, { x: gx2, y: yc }, { x: gx2, y: tc.y }, tLeft];
    }
    const sCol = s.col ?? 0;
    if (tCol < sCol) return loopBack(f, s, t, sb, tb, sLane, tLane, f.loop === 'top' ? topCorridor : bottomCorridor);
    if (tCol === sCol) throw new Error(`${f.id}: flows run left to right (or loop back to an earlier column)`);
    const sRight = { x: sb.x + sb.width, y: sc.y };
    if (sLane === tLane && free(sLane, sCol + 1, tCol - 1)) return [sRight, tLeft];
    const gx1 = colCx(sCol) + GRID.colWidth / 2;
    if (free(tLane, sCol + 1, tCol - 1)) return [sRight, { x: gx1, y: sc.y }, { x: gx1, y: tc.y }, tLeft];
    const yc = topCorridor(tLane);
    return [sRight, { x: gx1, y: sc.y }, { x: gx1, y: yc }, { x: gx2, y: yc }, { x: gx2, y: tc.y }, tLeft];
  };
  /**
   * A loop back: down from the source's bottom to the lower band's bottom corridor, back, up into the target's
   * bottom; with `loop: 'top'` up from the source's top along the upper band's top corridor, down into the target.
   */
  const loopBack = (f: FlowSpec, s: NodeSpec, t: NodeSpec, sb: Bounds, tb: Bounds, sBand: number, tBand: number, corridor: (band: number) => number): Point[] => {
    const top = f.loop === 'top';
    const band = top ? Math.min(sBand, tBand) : Math.max(sBand, tBand);
    for (const [node, from] of [[s, sBand], [t, tBand]] as const) {
      for (let b = from; b !== band; ) {
        b += top ? -1 : 1;
        const other = cell.get(`${b}:${node.col ?? 0}`);
        if (other) throw new Error(`${f.id}: loops back through ${other} (band ${b}, column ${node.col ?? 0})`);
      }
    }
    const sx = sb.x + sb.width / 2, tx = tb.x + tb.width / 2, yc = corridor(band);
    const sy = top ? sb.y : sb.y + sb.height, ty = top ? tb.y : tb.y + tb.height;
    return [{ x: sx, y: sy }, { x: sx, y: yc }, { x: tx, y: yc }, { x: tx, y: ty }];
  };
  const simplify = (pts: Point[]) =>
    pts.filter((p, i) => {
      const a = pts[i - 1], b = pts[i + 1];
      if (a && a.x === p.x && a.y === p.y) return false;
      return !(a && b && ((a.x === p.x && p.x === b.x) || (a.y === p.y && p.y === b.y)));
    });

  const width = GRID.firstCol * 2 + maxCol * GRID.colWidth;
  const laneBounds = spec.lanes.map((l, i): Bounds => ({ x: laneX, y: laneTop(laneIndex.get(l.id)!), width, height: laneRows[i] * GRID.laneHeight }));
  const pool: Bounds = { x: GRID.poolX, y: GRID.poolY, width: width + GRID.poolLabel, height: bandCount * GRID.laneHeight };
  const allFlows = [...spec.flows, ...spec.nodes.flatMap((n) => n.flows ?? [])];
  const waypoints = new Map(allFlows.map((f) => [f.id, simplify(route(f))]));
  return { bounds, laneBounds, pool, waypoints, byId };
}

function attrs(a: Record<string, string | undefined>): string {
  return Object.entries(a).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${esc(v!)}"`).join('');
}

function nodeXml(n: NodeSpec, flows: FlowSpec[], indent: string): string {
  const def = flows.find((f) => f.from === n.id && f.isDefault);
  const tag = n.kind === 'eventSubProcess' ? 'subProcess' : n.kind;
  const a = attrs({ id: n.id, name: n.name, attachedToRef: n.attachedTo, default: def?.id, triggeredByEvent: n.kind === 'eventSubProcess' ? 'true' : undefined, ...n.attrs });
  const refs = [...flows.filter((f) => f.to === n.id).map((f) => `<bpmn:incoming>${f.id}</bpmn:incoming>`),
    ...flows.filter((f) => f.from === n.id).map((f) => `<bpmn:outgoing>${f.id}</bpmn:outgoing>`)];
  const ext = n.extensions ? `<bpmn:extensionElements>${n.extensions}</bpmn:extensionElements>` : '';
  const inner = [ext, ...refs, n.body ?? '', ...(n.children ?? []).map((c) => nodeXml(c, n.flows ?? [], indent + '  ')), ...(n.flows ?? []).map((f) => flowXml(f, indent + '  '))].filter(Boolean);
  if (!inner.length) return `${indent}<bpmn:${tag}${a} />`;
  return `${indent}<bpmn:${tag}${a}>\n${inner.map((l) => (l.startsWith(indent) ? l : indent + '  ' + l)).join('\n')}\n${indent}</bpmn:${tag}>`;
}

function flowXml(f: FlowSpec, indent: string): string {
  const a = attrs({ id: f.id, name: f.name, sourceRef: f.from, targetRef: f.to });
  if (!f.condition) return `${indent}<bpmn:sequenceFlow${a} />`;
  return `${indent}<bpmn:sequenceFlow${a}>\n${indent}  <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${esc(f.condition)}</bpmn:conditionExpression>\n${indent}</bpmn:sequenceFlow>`;
}

const b = (x: Bounds) => `<dc:Bounds x="${x.x}" y="${x.y}" width="${x.width}" height="${x.height}" />`;

/** The complete BPMN 2.0 XML (semantics and diagram interchange) for a diagram spec. */
export function toXml(spec: DiagramSpec): string {
  const g = layout(spec);
  const lanesXml = spec.lanes.map((l) => {
    const refs = spec.nodes.filter((n) => (n.attachedTo ? g.byId.get(n.attachedTo)?.lane : n.lane) === l.id);
    return `      <bpmn:lane id="${l.id}" name="${esc(l.name)}">\n${refs.map((n) => `        <bpmn:flowNodeRef>${n.id}</bpmn:flowNodeRef>`).join('\n')}\n      </bpmn:lane>`;
  });
  const shapes: string[] = [`      <bpmndi:BPMNShape id="${spec.processId}_pool_di" bpmnElement="${spec.processId}_pool" isHorizontal="true">${b(g.pool)}</bpmndi:BPMNShape>`];
  spec.lanes.forEach((l, i) => shapes.push(`      <bpmndi:BPMNShape id="${l.id}_di" bpmnElement="${l.id}" isHorizontal="true">${b(g.laneBounds[i])}</bpmndi:BPMNShape>`));
  const addShape = (n: NodeSpec) => {
    const extra = n.kind === 'eventSubProcess' ? ' isExpanded="true"' : n.kind === 'exclusiveGateway' ? ' isMarkerVisible="true"' : '';
    const box = g.bounds.get(n.id)!;
    // bpmn-js puts an event's label below it; for an event on its host's top edge that is inside the
    // host, over the task's name. Its label goes above the host, left of the event (its flow leaves upwards).
    const label = n.kind === 'boundaryEvent' && n.side === 'top'
      ? `<bpmndi:BPMNLabel>${b({ x: box.x - 96, y: box.y + box.height / 2 - 31, width: 94, height: 27 })}</bpmndi:BPMNLabel>`
      : '';
    shapes.push(`      <bpmndi:BPMNShape id="${n.id}_di" bpmnElement="${n.id}"${extra}>${b(box)}${label}</bpmndi:BPMNShape>`);
    (n.children ?? []).forEach(addShape);
  };
  spec.nodes.forEach(addShape);
  const edges = [...g.waypoints].map(([id, pts]) =>
    `      <bpmndi:BPMNEdge id="${id}_di" bpmnElement="${id}">\n${pts.map((p) => `        <di:waypoint x="${p.x}" y="${p.y}" />`).join('\n')}\n      </bpmndi:BPMNEdge>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by tools/bpmn/build.ts from its description in tools/bpmn/ (see diagrams.ts): edit the description, not this file. -->
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="${spec.definitionsId}" targetNamespace="http://kim.herne.de/bpmn" exporter="kim-engine tools/bpmn" exporterVersion="1.0">
${(spec.rootElements ?? []).map((r) => '  ' + r).join('\n')}
  <bpmn:collaboration id="${spec.processId}_collaboration">
    <bpmn:participant id="${spec.processId}_pool" name="${esc(spec.participantName)}" processRef="${spec.processId}" />
  </bpmn:collaboration>
  <bpmn:process id="${spec.processId}" name="${esc(spec.processName)}" isExecutable="true">
    <bpmn:laneSet id="${spec.processId}_lanes">
${lanesXml.join('\n')}
    </bpmn:laneSet>
${spec.nodes.map((n) => nodeXml(n, spec.flows, '    ')).join('\n')}
${spec.flows.map((f) => flowXml(f, '    ')).join('\n')}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="${spec.processId}_diagram">
    <bpmndi:BPMNPlane id="${spec.processId}_plane" bpmnElement="${spec.processId}_collaboration">
${shapes.join('\n')}
${edges.join('\n')}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}
