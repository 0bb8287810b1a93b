/**
 * The state machine's definition as a graph, laid out by dagre and drawn as
 * SVG: states visited are filled, the transitions taken drawn bold, the state
 * a running execution is in (or where a failed one stopped) outlined.
 */
import { graphlib, layout, type EdgeLabel, type NodeLabel } from '@dagrejs/dagre';
import { useMemo } from 'preact/hooks';
import type { PathTaken, StateGraph } from '../../../local/console/console-contract';

const NODE_HEIGHT = 34;
const CHAR_WIDTH = 7.2;
const PADDING = 28;

/** A state reached only by catching the errors of this many states or more is the workflow's failure handler. */
const HANDLER_FAN_IN = 3;

interface Laid {
  /** Failure handlers and how many states' errors they catch (their edges are drawn only when taken). */
  readonly handlers: readonly { name: string; catching: number }[];
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly { name: string; type: string; x: number; y: number; width: number; height: number }[];
  readonly edges: readonly { from: string; to: string; kind: string; points: readonly { x: number; y: number }[] }[];
}

/**
 * Every Task catching into one failure-recording state would draw a fan of
 * long edges across the graph; those edges are left out (and said so) unless
 * the execution took one. Catch edges of the normal flow (a callback's timeout
 * → reminder) stay.
 */
function laidOut(graph: StateGraph, path: PathTaken): Laid {
  const catching = new Map<string, number>();
  for (const edge of graph.edges) if (edge.kind === 'catch') catching.set(edge.to, (catching.get(edge.to) ?? 0) + 1);
  const reachedOtherwise = new Set(graph.edges.filter((edge) => edge.kind !== 'catch').map((edge) => edge.to));
  const handlers = [...catching].filter(([name, n]) => n >= HANDLER_FAN_IN && !reachedOtherwise.has(name)).map(([name, n]) => ({ name, catching: n }));
  const shown = graph.edges.filter(
    (edge) => edge.kind !== 'catch' || !handlers.some((h) => h.name === edge.to) || path.transitions.some((t) => t.from === edge.from && t.to === edge.to),
  );
  const g = new graphlib.Graph<Record<string, unknown>, NodeLabel, EdgeLabel>();
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const state of graph.states) g.setNode(state.name, { width: Math.max(90, state.name.length * CHAR_WIDTH + PADDING), height: NODE_HEIGHT });
  for (const edge of shown) {
    // A catch edge is the exception: the normal flow decides the ranks.
    if (g.hasNode(edge.to)) g.setEdge(edge.from, edge.to, { weight: edge.kind === 'catch' ? 0 : 2, minlen: 1 });
  }
  layout(g);
  const size = g.graph() as { width?: number; height?: number };
  return {
    handlers,
    width: size.width ?? 0,
    height: size.height ?? 0,
    nodes: graph.states.map((state) => {
      const node = g.node(state.name);
      return { name: state.name, type: state.type, x: node.x ?? 0, y: node.y ?? 0, width: node.width, height: node.height };
    }),
    edges: shown.filter((edge) => g.hasEdge(edge.from, edge.to)).map((edge) => ({ ...edge, points: g.edge(edge.from, edge.to).points ?? [] })),
  };
}

export function StateGraphView({ graph, path }: { graph: StateGraph; path: PathTaken }) {
  // Laid out again only when the graph or the path's transitions change, not at every poll.
  const pathKey = path.transitions.map((t) => `${t.from}>${t.to}`).join(',');
  const laid = useMemo(() => laidOut(graph, path), [graph.startAt, graph.states.length, pathKey]);
  const taken = (from: string, to: string) => path.transitions.some((t) => t.from === from && t.to === to);
  return (
    <figure class="graph">
      <svg
        viewBox={`0 0 ${laid.width} ${laid.height}`}
        width={laid.width}
        height={laid.height}
        role="img"
        aria-label={`State graph: ${path.visited.length} of ${graph.states.length} states visited`}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" class="arrow" />
          </marker>
          <marker id="arrow-taken" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-taken" />
          </marker>
        </defs>
        {laid.edges.map((edge) => {
          const on = taken(edge.from, edge.to);
          return (
            <path
              key={`${edge.from}>${edge.to}`}
              d={edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ')}
              class={`edge edge-${edge.kind}${on ? ' taken' : ''}`}
              data-edge={`${edge.from}>${edge.to}`}
              marker-end={on ? 'url(#arrow-taken)' : 'url(#arrow)'}
            />
          );
        })}
        {laid.nodes.map((node) => {
          const state = path.current === node.name ? 'current' : path.stoppedAt === node.name ? 'stopped' : path.visited.includes(node.name) ? 'visited' : 'unvisited';
          return (
            <g key={node.name} class={`node node-${state} type-${node.type.toLowerCase()}`} data-state={node.name} data-path={state}>
              <title>{`${node.name} (${node.type})${state === 'unvisited' ? '' : ` — ${state}`}`}</title>
              <rect x={node.x - node.width / 2} y={node.y - node.height / 2} width={node.width} height={node.height} rx={node.type === 'Choice' ? 16 : 5} />
              <text x={node.x} y={node.y + 4} text-anchor="middle">
                {node.name}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span class="legend visited">visited</span> <span class="legend current">now in</span> <span class="legend stopped">stopped at</span>{' '}
        <span class="legend taken">transition taken</span>
        {laid.handlers.map((h) => (
          <span key={h.name} class="handlers">
            {' '}
            · errors caught in {h.catching} states go to <strong>{h.name}</strong> (drawn when taken)
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
