/**
 * Lays a graph out left to right with elkjs (layered), on the main thread (the bundled build
 * needs no worker, which the page's CSP would refuse).
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { Graph } from './build-graph.ts';

export const NODE_W = 180;
export const NODE_H = 48;

const elk = new ELK();

/** Positions by node id. */
export async function layoutGraph(g: Graph): Promise<Map<string, { x: number; y: number }>> {
  const res = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '18',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: g.nodes.map((n) => ({
      id: n.id,
      width: NODE_W,
      height: n.kind === 'group' ? 36 : NODE_H,
    })),
    edges: g.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const out = new Map<string, { x: number; y: number }>();
  for (const c of res.children ?? []) out.set(c.id, { x: c.x ?? 0, y: c.y ?? 0 });
  return out;
}
