/**
 * Pipelines, callbacks and groups as a graph, from message summaries. Pure.
 *
 * - An edge parent → child for every message enqueued by another (pipeline steps, callbacks,
 *   group completions).
 * - Groups are recognised by their labels (`name[i]`, `name[i][j]` for a pipeline inside a group,
 *   `name.on_complete`): a group node fans out to each child, and each child's last step fans in
 *   to the completion message.
 */
import type { MessageStatus } from '../../store/types.ts';

export type GraphMessage = {
  messageId: string;
  label: string | null;
  actor: string;
  status: MessageStatus;
  parentId: string | null;
  reason: string | null;
  firstSeq: number;
  lastSeq: number;
};

export type GraphNode = {
  id: string;
  kind: 'message' | 'group';
  label: string;
  actor: string;
  status: MessageStatus | 'group';
  firstSeq: number;
};

export type GraphEdge = {
  id: string;
  source: string;
  target: string;
  kind: 'parent' | 'fan-out' | 'fan-in';
};

export type Graph = { nodes: GraphNode[]; edges: GraphEdge[] };

const CHILD = /^(.*?)\[(\d+)\](?:\[(\d+)\])?$/;
const COMPLETE = /^(.*)\.on_complete$/;

/** True when a message belongs in the graph (it has a parent, is a group member, or a completion). */
export function inGraph(m: Pick<GraphMessage, 'parentId' | 'label'>): boolean {
  return (
    m.parentId !== null || (m.label !== null && (CHILD.test(m.label) || COMPLETE.test(m.label)))
  );
}

/** Builds the graph of `messages` (items without a known parent are roots). */
export function buildGraph(messages: readonly GraphMessage[]): Graph {
  const byId = new Map(messages.map((m) => [m.messageId, m]));
  const nodes: GraphNode[] = messages.map((m) => ({
    id: m.messageId,
    kind: 'message',
    label: m.label ?? m.messageId.slice(0, 8),
    actor: m.actor,
    status: m.status,
    firstSeq: m.firstSeq,
  }));
  const edges = new Map<string, GraphEdge>();
  const add = (source: string, target: string, kind: GraphEdge['kind']) => {
    const id = `${source}->${target}`;
    if (!edges.has(id)) edges.set(id, { id, source, target, kind });
  };

  // Groups by label.
  type Group = {
    heads: Map<number, string>;
    tails: Map<number, { j: number; id: string }>;
    complete: string | null;
    firstSeq: number;
  };
  const groups = new Map<string, Group>();
  const groupOf = (name: string): Group => {
    let g = groups.get(name);
    if (!g)
      groups.set(
        name,
        (g = { heads: new Map(), tails: new Map(), complete: null, firstSeq: Infinity }),
      );
    return g;
  };
  for (const m of messages) {
    if (!m.label) continue;
    const c = CHILD.exec(m.label);
    if (c) {
      const g = groupOf(c[1]!);
      const i = Number(c[2]);
      const j = c[3] === undefined ? -1 : Number(c[3]);
      if (j <= 0) g.heads.set(i, m.messageId);
      const t = g.tails.get(i);
      if (!t || j > t.j) g.tails.set(i, { j, id: m.messageId });
      g.firstSeq = Math.min(g.firstSeq, m.firstSeq);
      continue;
    }
    const done = COMPLETE.exec(m.label);
    if (done) groupOf(done[1]!).complete = m.messageId;
  }
  const fannedIn = new Set<string>();
  for (const [name, g] of groups) {
    // A lone pipeline (`p[0]`, `p[1]`…) is drawn by its parent edges alone.
    const isGroup =
      g.complete !== null || [...g.tails.values()].some((t) => t.j >= 0) || g.heads.size > 1;
    if (!isGroup || g.heads.size < 2) continue;
    const gid = `group:${name}`;
    nodes.push({
      id: gid,
      kind: 'group',
      label: name,
      actor: 'group',
      status: 'group',
      firstSeq: g.firstSeq,
    });
    for (const head of g.heads.values()) add(gid, head, 'fan-out');
    if (g.complete) {
      for (const t of g.tails.values()) add(t.id, g.complete, 'fan-in');
      fannedIn.add(g.complete);
    }
  }
  for (const m of messages) {
    if (m.parentId === null || !byId.has(m.parentId)) continue;
    // A completion's parent is whichever child finished last: the fan-in says it better.
    if (fannedIn.has(m.messageId)) continue;
    add(m.parentId, m.messageId, 'parent');
  }
  return { nodes, edges: [...edges.values()] };
}
