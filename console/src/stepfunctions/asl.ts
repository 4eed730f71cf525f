// An Amazon States Language definition as the graph the console draws: one node per state,
// Start and End at the top level, edges for Next, each Choice rule (labelled with its
// condition), Default, and Catch (labelled with the errors it catches), and Parallel and Map
// states as containers holding their branches / item processor, as AWS's console draws them.

export type StateType = "Task" | "Pass" | "Choice" | "Wait" | "Succeed" | "Fail" | "Parallel" | "Map";
export type NodeKind = StateType | "Start" | "End";
export type EdgeKind = "next" | "choice" | "default" | "catch" | "end";

export interface GraphNode {
  id: string;
  name: string;
  kind: NodeKind;
  /** Task `Resource`, when any. */
  resource: string | null;
  /** Parallel: one per branch; Map: the item processor. */
  children: SubGraph[];
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label: string | null;
}

export interface SubGraph {
  id: string;
  label: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const START_ID = "__start__";
export const END_ID = "__end__";

type Json = Record<string, unknown>;

const COMPARATORS: Record<string, string> = {
  StringEquals: "==", StringEqualsPath: "==", NumericEquals: "==", NumericEqualsPath: "==",
  BooleanEquals: "==", BooleanEqualsPath: "==", TimestampEquals: "==", TimestampEqualsPath: "==",
  StringLessThan: "<", StringLessThanPath: "<", NumericLessThan: "<", NumericLessThanPath: "<",
  TimestampLessThan: "<", TimestampLessThanPath: "<",
  StringGreaterThan: ">", StringGreaterThanPath: ">", NumericGreaterThan: ">", NumericGreaterThanPath: ">",
  TimestampGreaterThan: ">", TimestampGreaterThanPath: ">",
  StringLessThanEquals: "<=", StringLessThanEqualsPath: "<=", NumericLessThanEquals: "<=",
  NumericLessThanEqualsPath: "<=", TimestampLessThanEquals: "<=", TimestampLessThanEqualsPath: "<=",
  StringGreaterThanEquals: ">=", StringGreaterThanEqualsPath: ">=", NumericGreaterThanEquals: ">=",
  NumericGreaterThanEqualsPath: ">=", TimestampGreaterThanEquals: ">=", TimestampGreaterThanEqualsPath: ">=",
  StringMatches: "matches",
};

const TESTS = ["IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"];

function truncate(text: string, limit = 48): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** A Choice rule as a short condition: `$.n > 3`, `not ($.x == "a")`, a JSONata `Condition`. */
export function describeRule(rule: Json): string {
  if (typeof rule.Condition === "string") return rule.Condition.replace(/^\{%\s*|\s*%\}$/g, "");
  if (Array.isArray(rule.And)) return (rule.And as Json[]).map(describeRule).join(" and ");
  if (Array.isArray(rule.Or)) return (rule.Or as Json[]).map(describeRule).join(" or ");
  if (rule.Not && typeof rule.Not === "object") return `not (${describeRule(rule.Not as Json)})`;
  const variable = String(rule.Variable ?? "");
  for (const [key, value] of Object.entries(rule)) {
    if (key in COMPARATORS) return `${variable} ${COMPARATORS[key]} ${JSON.stringify(value)}`;
    if (TESTS.includes(key)) return `${variable} ${key}${value === false ? " = false" : ""}`;
  }
  return variable || "rule";
}

function states(definition: Json): [string, Json][] {
  const raw = definition.States;
  if (!raw || typeof raw !== "object") return [];
  return Object.entries(raw as Record<string, Json>);
}

function subgraph(id: string, label: string, definition: Json, topLevel: boolean): SubGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  if (topLevel) {
    nodes.push({ id: START_ID, name: "Start", kind: "Start", resource: null, children: [] });
    if (typeof definition.StartAt === "string") {
      edges.push({ from: START_ID, to: definition.StartAt, kind: "next", label: null });
    }
  }
  let needsEnd = false;
  for (const [name, state] of states(definition)) {
    const kind = (String(state.Type ?? "Pass") as StateType);
    const children: SubGraph[] = [];
    if (kind === "Parallel" && Array.isArray(state.Branches)) {
      (state.Branches as Json[]).forEach((branch, index) => {
        children.push(subgraph(`${name}#${index}`, `Branch ${index + 1}`, branch, false));
      });
    }
    if (kind === "Map") {
      const processor = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
      if (processor) children.push(subgraph(`${name}#items`, "Iteration", processor, false));
    }
    nodes.push({ id: name, name, kind, resource: typeof state.Resource === "string" ? state.Resource : null, children });
    if (typeof state.Next === "string") edges.push({ from: name, to: state.Next, kind: "next", label: null });
    if (kind === "Choice") {
      for (const rule of (state.Choices as Json[] | undefined) ?? []) {
        if (typeof rule.Next === "string") {
          edges.push({ from: name, to: rule.Next, kind: "choice", label: truncate(describeRule(rule)) });
        }
      }
      if (typeof state.Default === "string") {
        edges.push({ from: name, to: state.Default, kind: "default", label: "Default" });
      }
    }
    for (const catcher of (state.Catch as Json[] | undefined) ?? []) {
      if (typeof catcher.Next === "string") {
        const errors = Array.isArray(catcher.ErrorEquals) ? (catcher.ErrorEquals as string[]).join(", ") : "error";
        edges.push({ from: name, to: catcher.Next, kind: "catch", label: truncate(errors, 32) });
      }
    }
    const ends = state.End === true || kind === "Succeed" || kind === "Fail";
    if (topLevel && ends) {
      edges.push({ from: name, to: END_ID, kind: "end", label: null });
      needsEnd = true;
    }
  }
  if (topLevel && (needsEnd || nodes.length === 1)) {
    nodes.push({ id: END_ID, name: "End", kind: "End", resource: null, children: [] });
  }
  // Edges to states that do not exist (an invalid definition) are dropped rather than drawn.
  const known = new Set(nodes.map((node) => node.id));
  return { id, label, nodes, edges: edges.filter((edge) => known.has(edge.from) && known.has(edge.to)) };
}

/** The graph of a definition (the JSON text DescribeStateMachine returns). */
export function parseDefinition(definition: string): SubGraph {
  const parsed = JSON.parse(definition) as Json;
  return subgraph("root", "", parsed, true);
}

/** Every state's type by name, nested states included (names are unique in a machine). */
export function stateTypes(graph: SubGraph): Map<string, NodeKind> {
  const types = new Map<string, NodeKind>();
  const walk = (sub: SubGraph) => {
    for (const node of sub.nodes) {
      types.set(node.id, node.kind);
      node.children.forEach(walk);
    }
  };
  walk(graph);
  return types;
}
