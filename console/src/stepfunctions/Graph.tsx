// The state machine drawn as SVG from its laid-out graph: states as boxes (Parallel and Map as
// containers with their branches inside), Start and End as pills, edges with arrowheads and
// their labels (Choice conditions, Default, Catch errors dashed). With a history, each state is
// coloured by its outcome. States are focusable buttons: Enter or a click selects one.
import { createContext, Fragment, useContext, useLayoutEffect, useMemo, useRef, useState } from "react";
import { parseDefinition } from "./asl";
import { STATUS_LABELS, type StateStatus } from "./history";
import { layoutGraph, type PlacedGraph, type PlacedNode, type Point } from "./layout";

interface Props {
  definition: string;
  statusByState?: Map<string, StateStatus>;
  selected?: string | null;
  onSelect?(name: string): void;
}

const MIN_FIT_SCALE = 0.7;

function path(points: Point[]): string {
  if (points.length === 0) return "";
  const [first, ...rest] = points;
  if (rest.length === 0) return `M${first.x},${first.y}`;
  // A smooth curve through dagre's points (quadratic segments through midpoints).
  let d = `M${first.x},${first.y}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const mid = { x: (rest[i].x + rest[i + 1].x) / 2, y: (rest[i].y + rest[i + 1].y) / 2 };
    d += ` Q${rest[i].x},${rest[i].y} ${mid.x},${mid.y}`;
  }
  const last = rest[rest.length - 1];
  return `${d} L${last.x},${last.y}`;
}

function statusClass(status: StateStatus | undefined): string {
  return status ? `status-${status.toLowerCase().replace("_", "-")}` : "status-none";
}

function NodeView({ node, status, selected, onSelect }: { node: PlacedNode; status: StateStatus | undefined; selected: boolean; onSelect?(name: string): void }) {
  if (node.kind === "Start" || node.kind === "End") {
    return (
      <g className="sfn-terminal" transform={`translate(${node.x},${node.y})`} aria-label={node.name} role="img">
        <rect width={node.width} height={node.height} rx={node.height / 2} />
        <text x={node.width / 2} y={node.height / 2} dominantBaseline="central" textAnchor="middle">
          {node.name}
        </text>
      </g>
    );
  }
  const container = node.children.length > 0;
  const label = `${node.name}, ${node.kind} state${status ? `: ${STATUS_LABELS[status]}` : ""}`;
  return (
    <g
      className={`sfn-node ${container ? "sfn-container" : ""} ${statusClass(status)} ${selected ? "selected" : ""}`}
      transform={`translate(${node.x},${node.y})`}
      role="button"
      tabIndex={0}
      aria-label={label}
      aria-pressed={selected}
      data-state={node.name}
      data-status={status ?? "NOT_RUN"}
      onClick={(event) => {
        event.stopPropagation();
        onSelect?.(node.name);
      }}
      onKeyDown={(event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          event.stopPropagation();
          onSelect?.(node.name);
        }
      }}
    >
      <title>{label}</title>
      <rect className="sfn-box" width={node.width} height={node.height} rx={container ? 8 : 6} />
      {container ? (
        <>
          <text className="sfn-name" x={12} y={19}>
            {node.name}
          </text>
          <text className="sfn-kind" x={node.width - 10} y={19} textAnchor="end">
            {node.kind}
          </text>
          {node.children.map((child) => (
            <g key={child.label} transform={`translate(${child.x},${child.y})`}>
              <rect className="sfn-branch" x={0} y={-20} width={child.graph.width} height={child.graph.height + 20} rx={6} />
              <text className="sfn-branch-label" x={8} y={-6}>
                {child.label}
              </text>
              <GraphBody graph={child.graph} />
            </g>
          ))}
        </>
      ) : (
        <>
          <text className="sfn-name" x={node.width / 2} y={18} textAnchor="middle">
            {node.name}
          </text>
          <text className="sfn-kind" x={node.width / 2} y={34} textAnchor="middle">
            {node.kind}
          </text>
        </>
      )}
    </g>
  );
}

// Colours and selection, for nodes at any depth of nesting.
const GraphState = createContext<{
  statusByState: Map<string, StateStatus> | undefined;
  selected: string | null | undefined;
  onSelect: ((name: string) => void) | undefined;
}>({ statusByState: undefined, selected: null, onSelect: undefined });

function GraphBody({ graph }: { graph: PlacedGraph }) {
  const { statusByState, selected, onSelect } = useContext(GraphState);
  return (
    <>
      {graph.edges.map((edge, index) => (
        <Fragment key={`${edge.from}-${edge.to}-${index}`}>
          <path className={`sfn-edge sfn-edge-${edge.kind}`} d={path(edge.points)} markerEnd="url(#sfn-arrow)" />
          {edge.labelAt && edge.label && (
            <g className="sfn-edge-label" transform={`translate(${edge.labelAt.x},${edge.labelAt.y})`}>
              <rect x={-(edge.label.length * 3.2 + 5)} y={-9} width={edge.label.length * 6.4 + 10} height={18} rx={3} />
              <text textAnchor="middle" dominantBaseline="central">
                {edge.label}
              </text>
            </g>
          )}
        </Fragment>
      ))}
      {graph.nodes.map((node) => (
        <NodeView
          key={node.id}
          node={node}
          status={statusByState?.get(node.name)}
          selected={selected === node.name}
          onSelect={onSelect}
        />
      ))}
    </>
  );
}

export function StateMachineGraph({ definition, statusByState, selected, onSelect }: Props) {
  const graph = useMemo(() => {
    try {
      return layoutGraph(parseDefinition(definition));
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }, [definition]);
  const [fit, setFit] = useState(true);
  const container = useRef<HTMLDivElement>(null);
  // Fitted by default, unless fitting would shrink the text past reading (a large machine):
  // then it is drawn at its own size and scrolls.
  useLayoutEffect(() => {
    const element = container.current;
    if (!element || graph instanceof Error) return;
    const scale = Math.min(1, element.clientWidth / graph.width, (window.innerHeight * 0.72 - 48) / graph.height);
    setFit(scale >= MIN_FIT_SCALE);
  }, [graph]);
  if (graph instanceof Error) {
    return <p className="error">The definition could not be drawn: {graph.message}</p>;
  }
  return (
    <div className="sfn-graph" role="group" aria-label="State machine graph" ref={container}>
      <button type="button" className="sfn-zoom" aria-pressed={!fit} onClick={() => setFit(!fit)}>
        {fit ? "Actual size" : "Fit to view"}
      </button>
      <svg
        viewBox={`0 0 ${graph.width} ${graph.height}`}
        width={graph.width}
        height={graph.height}
        className={fit ? "fit" : undefined}
      >
        <defs>
          <marker id="sfn-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="sfn-arrowhead" />
          </marker>
        </defs>
        <GraphState.Provider value={{ statusByState, selected, onSelect }}>
          <GraphBody graph={graph} />
        </GraphState.Provider>
      </svg>
      {statusByState && (
        <ul className="sfn-legend" aria-label="Legend">
          {(Object.keys(STATUS_LABELS) as StateStatus[]).map((status) => (
            <li key={status}>
              <span className={`swatch ${statusClass(status)}`} aria-hidden="true" />
              {STATUS_LABELS[status]}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
