// Automatic layout of a state machine's graph with dagre (top to bottom, ranked), container by
// container: each Parallel branch and Map item processor is laid out on its own first, then its
// container is a node of that size in the graph around it. Positions are relative to the
// enclosing graph; the renderer adds the offsets.
import { graphlib, layout as dagreLayout } from "@dagrejs/dagre";
import { END_ID, START_ID, type GraphEdge, type GraphNode, type NodeKind, type SubGraph } from "./asl";

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode {
  id: string;
  name: string;
  kind: NodeKind;
  resource: string | null;
  /** Top-left corner, relative to the enclosing graph. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Containers: their subgraphs, each placed relative to this node's corner. */
  children: { label: string; x: number; y: number; graph: PlacedGraph }[];
}

export interface PlacedEdge extends GraphEdge {
  points: Point[];
  labelAt: Point | null;
}

export interface PlacedGraph {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

const CHAR_WIDTH = 7.2; // 13px system sans, about
const NODE_HEIGHT = 44;
const TERMINAL_SIZE = 36;
const CONTAINER_HEADER = 30;
const CONTAINER_PADDING = 14;
const BRANCH_GAP = 16;
const BRANCH_HEADER = 22;
const MARGIN = 16;

function textWidth(text: string, charWidth = CHAR_WIDTH): number {
  return Math.ceil(text.length * charWidth);
}

function leafSize(node: GraphNode): { width: number; height: number } {
  if (node.kind === "Start" || node.kind === "End") return { width: TERMINAL_SIZE * 2, height: TERMINAL_SIZE };
  return { width: Math.max(140, textWidth(node.name) + 36), height: NODE_HEIGHT };
}

function placeContainer(node: GraphNode): PlacedNode {
  const branches = node.children.map((child) => ({ label: child.label, graph: layoutGraph(child) }));
  let x = CONTAINER_PADDING;
  let tallest = 0;
  const children = branches.map((branch) => {
    const placed = { label: branch.label, x, y: CONTAINER_HEADER + BRANCH_HEADER, graph: branch.graph };
    x += Math.max(branch.graph.width, textWidth(branch.label) + 16) + BRANCH_GAP;
    tallest = Math.max(tallest, branch.graph.height);
    return placed;
  });
  const contentWidth = x - BRANCH_GAP + CONTAINER_PADDING;
  const width = Math.max(contentWidth, textWidth(node.name) + 90, 160);
  // Centre the branches when the title is wider than they are.
  const shift = (width - contentWidth) / 2;
  for (const child of children) child.x += shift;
  return {
    id: node.id,
    name: node.name,
    kind: node.kind,
    resource: node.resource,
    x: 0,
    y: 0,
    width,
    height: CONTAINER_HEADER + BRANCH_HEADER + tallest + CONTAINER_PADDING,
    children,
  };
}

/** Lay out one graph (and, recursively, its containers). */
export function layoutGraph(graph: SubGraph): PlacedGraph {
  const placed = new Map<string, PlacedNode>();
  for (const node of graph.nodes) {
    if (node.children.length > 0) {
      placed.set(node.id, placeContainer(node));
    } else {
      const size = leafSize(node);
      placed.set(node.id, { ...node, x: 0, y: 0, ...size, children: [] });
    }
  }
  const g = new graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "TB", nodesep: 36, ranksep: 44, edgesep: 16, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of placed.values()) g.setNode(node.id, { width: node.width, height: node.height });
  graph.edges.forEach((edge, index) => {
    const label = edge.label && edge.kind !== "end" ? edge.label : null;
    g.setEdge(
      edge.from,
      edge.to,
      label
        ? { width: textWidth(label, 6.4) + 10, height: 18, labelpos: "c", minlen: 1 }
        : { width: 0, height: 0, minlen: 1 },
      `e${index}`,
    );
  });
  dagreLayout(g);
  for (const node of placed.values()) {
    const position = g.node(node.id);
    node.x = position.x - node.width / 2;
    node.y = position.y - node.height / 2;
  }
  const edges: PlacedEdge[] = graph.edges.map((edge, index) => {
    const laid = g.edge({ v: edge.from, w: edge.to, name: `e${index}` }) as {
      points?: Point[];
      x?: number;
      y?: number;
    };
    const hasLabel = edge.label !== null && edge.kind !== "end" && laid.x !== undefined && laid.y !== undefined;
    return { ...edge, points: laid.points ?? [], labelAt: hasLabel ? { x: laid.x!, y: laid.y! } : null };
  });
  const graphLabel = g.graph() as { width?: number; height?: number };
  const nodes = [...placed.values()];
  // Keep Start first and End last for a stable reading order (screen readers, tab order).
  nodes.sort((a, b) => rank(a) - rank(b) || a.y - b.y || a.x - b.x);
  return { width: graphLabel.width ?? 0, height: graphLabel.height ?? 0, nodes, edges };
}

function rank(node: PlacedNode): number {
  if (node.id === START_ID) return 0;
  if (node.id === END_ID) return 2;
  return 1;
}
