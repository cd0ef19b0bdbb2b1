/**
 * Pipelines, callbacks and groups as a DAG (@xyflow/react, laid out by elkjs): live status
 * colours, pan and zoom, click a node to open the message. Loading is bounded: it scans the run's
 * messages in pages and draws at most `cap` graph nodes; "Show more" raises the cap.
 */
import {
  Background,
  Controls,
  Handle,
  Position,
  ReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useEffect, useMemo, useState } from 'react';
import type { EngineApi } from '../../../core/host/api/index.ts';
import { Button } from '../../ui/Button.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { useEngine } from '../../engine/engine-context.ts';
import { formatCount } from '../../lib/format.ts';
import { useActions, useAppStore } from '../../store/use-app-store.ts';
import { buildGraph, inGraph, type GraphMessage, type GraphNode } from './build-graph.ts';
import { layoutGraph } from './layout-graph.ts';

const STEP = 150;
const PAGE = 1000;
/** Messages scanned per load (a run of plain messages has no graph to find). */
const SCAN_PER_STEP = 20_000;

type Loaded = { messages: GraphMessage[]; scanned: number; total: number; complete: boolean };

async function load(api: EngineApi, cap: number, maxScan: number): Promise<Loaded> {
  const found: GraphMessage[] = [];
  let offset = 0;
  let total = 0;
  while (offset < maxScan && found.length < cap) {
    const r = await api.call('messages', { offset, limit: PAGE });
    total = r.total;
    for (const m of r.items)
      if (inGraph(m) || r.items.some((x) => x.parentId === m.messageId)) found.push(m);
    offset += r.items.length;
    if (r.items.length < PAGE) break;
  }
  // Parents referenced by found messages but outside the page (e.g. a send before a callback).
  const ids = new Set(found.map((m) => m.messageId));
  for (const m of [...found]) {
    if (m.parentId && !ids.has(m.parentId) && found.length < cap + 20) {
      const p = await api.call('message', { messageId: m.parentId }).catch(() => null);
      if (p) {
        found.push(p);
        ids.add(p.messageId);
      }
    }
  }
  return {
    messages: found.slice(0, cap),
    scanned: Math.min(offset, total),
    total,
    complete: offset >= total && found.length <= cap,
  };
}

type NodeData = { node: GraphNode; status: string; future: boolean };

const MessageNode = memo(function MessageNode({ data }: NodeProps<Node<NodeData>>) {
  const n = data.node;
  return (
    <div
      className={`gnode gnode--${n.kind} gnode--${data.status}${data.future ? ' gnode--future' : ''}`}
      title={n.id}
    >
      <Handle type="target" position={Position.Left} />
      <div className="gnode__label">{n.label}</div>
      {n.kind === 'message' ? (
        <div className="gnode__meta">
          <span>{n.actor}</span>
          <StatusBadge status={data.status} />
        </div>
      ) : null}
      <Handle type="source" position={Position.Right} />
    </div>
  );
});

const nodeTypes = { msg: MessageNode };

export default function PipelineGraph() {
  const api = useEngine();
  const a = useActions();
  const runId = useAppStore((s) => s.journal.runId);
  const touched = useAppStore((s) => s.messages.touched);
  const cursor = useAppStore((s) => s.timeTravel.cursor);
  const snapshot = useAppStore((s) => s.timeTravel.snapshot);
  const theme = useAppStore((s) => s.ui.theme);
  const mode = useAppStore((s) => s.clock.info?.mode);
  const seq = useAppStore((s) => s.clock.seq);
  const [cap, setCap] = useState(STEP);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [positions, setPositions] = useState<Map<string, { x: number; y: number }>>(new Map());
  const [tick, setTick] = useState(0);

  // Reload as the run changes (throttled: at most once a second).
  useEffect(() => {
    const t = window.setTimeout(() => setTick((x) => x + 1), loaded ? 1000 : 0);
    return () => window.clearTimeout(t);
  }, [touched, runId]);

  useEffect(() => {
    let cancelled = false;
    void load(api, cap, SCAN_PER_STEP * (cap / STEP)).then(
      (l) => !cancelled && setLoaded(l),
      (err: unknown) => a.fail(err),
    );
    return () => {
      cancelled = true;
    };
  }, [api, a, cap, tick]);

  const graph = useMemo(() => buildGraph(loaded?.messages ?? []), [loaded]);
  const shapeKey =
    graph.nodes.map((n) => n.id).join(',') + '|' + graph.edges.map((e) => e.id).join(',');
  useEffect(() => {
    let cancelled = false;
    void layoutGraph(graph).then((p) => !cancelled && setPositions(p));
    return () => {
      cancelled = true;
    };
  }, [shapeKey]);

  const byId = new Map((loaded?.messages ?? []).map((m) => [m.messageId, m]));
  const nodes: Node<NodeData>[] = graph.nodes.map((n) => {
    const m = byId.get(n.id);
    const future = cursor !== null && n.firstSeq > cursor;
    const status =
      n.kind === 'group'
        ? 'group'
        : cursor === null
          ? n.status
          : future
            ? 'future'
            : (snapshot?.messages[n.id]?.status ??
              (m && m.lastSeq <= cursor ? n.status : 'finished'));
    return {
      id: n.id,
      type: 'msg',
      position: positions.get(n.id) ?? { x: 0, y: 0 },
      data: { node: n, status, future },
    };
  });
  const edges: Edge[] = graph.edges.map((e) => ({
    id: e.id,
    source: e.source,
    target: e.target,
    animated: cursor === null && byId.get(e.target)?.status === 'running',
    className: `gedge gedge--${e.kind}`,
  }));

  if (loaded && graph.nodes.length === 0)
    return (
      <EmptyState title="No pipelines or groups in this run">
        This view draws messages that other messages sent: pipeline steps, callbacks, groups and
        their completions.{' '}
        {mode === 'scenario' && seq === 0
          ? 'Nothing has been sent yet: step the clock (→) or play it (Space).'
          : 'Open “A group: fan out, fan in” or “A pipeline failing in the middle” from the gallery (6).'}
      </EmptyState>
    );

  return (
    <div className="view view--pipelines" data-testid="pipeline-graph">
      <div className="view__bar">
        <span className="muted">
          {formatCount(graph.nodes.length)} nodes · scanned {formatCount(loaded?.scanned ?? 0)} of{' '}
          {formatCount(loaded?.total ?? 0)} messages
          {cursor !== null ? ` · statuses at event #${cursor}` : ''}
        </span>
        {loaded && !loaded.complete ? (
          <Button size="sm" onClick={() => setCap((c) => c + STEP)} data-testid="show-more">
            Show more
          </Button>
        ) : null}
      </div>
      <div className="graph">
        {positions.size > 0 ? (
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            fitView
            minZoom={0.1}
            maxZoom={2}
            nodesDraggable={false}
            nodesConnectable={false}
            colorMode={theme}
            onNodeClick={(_, n) => n.id.startsWith('group:') || a.selectMessage(n.id)}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={24} />
            <Controls showInteractive={false} />
          </ReactFlow>
        ) : (
          <div className="loading">Laying out the graph…</div>
        )}
      </div>
    </div>
  );
}
