// What an execution's history says about each state: every run of a state (entered, exited or
// failed, its input and output), each state's outcome for colouring the graph, and the step
// each event belongs to (the history table's "Step" column). Events are GetExecutionHistory's;
// `previousEventId` links each event to the one before it in the same thread of execution
// (a Parallel branch, a Map iteration), which is how events are attributed to states.
import type { ExecutionStatus, HistoryEvent, Timestamp } from "../api/types";

export type StateStatus = "SUCCEEDED" | "FAILED" | "CAUGHT_ERROR" | "IN_PROGRESS" | "CANCELLED";

export interface StateRun {
  name: string;
  /** The state type, from the entered event (`TaskStateEntered` -> `Task`). */
  type: string;
  enteredEventId: number;
  enteredAt: Timestamp;
  endedAt: Timestamp | null;
  status: StateStatus;
  input: string | null;
  output: string | null;
  error: string | null;
  cause: string | null;
  /** The Map iteration the run belongs to (MapIterationStarted's index), when any. */
  iteration: number | null;
}

export interface HistoryAnalysis {
  runs: StateRun[];
  statusByState: Map<string, StateStatus>;
  /** Event id -> the state it belongs to (absent for execution-level events). */
  stepOfEvent: Map<number, string>;
  startedAt: Timestamp | null;
  endedAt: Timestamp | null;
}

const FAILURE_TYPES = new Set([
  "TaskFailed", "TaskTimedOut", "TaskStartFailed", "TaskSubmitFailed",
  "ActivityFailed", "ActivityTimedOut", "ActivityScheduleFailed",
  "LambdaFunctionFailed", "LambdaFunctionTimedOut", "LambdaFunctionStartFailed", "LambdaFunctionScheduleFailed",
  "MapStateFailed", "ParallelStateFailed", "EvaluationFailed", "MapRunFailed",
]);

const ABORT_TYPES = new Set(["TaskStateAborted", "WaitStateAborted", "MapStateAborted", "ParallelStateAborted", "MapRunAborted"]);

const MAP_ENDS = new Set(["MapStateExited", "MapStateFailed", "MapStateSucceeded", "MapStateAborted"]);

const TERMINAL_EXECUTION = new Set(["ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"]);

// When a state ran more than once, the worst outcome colours it.
const SEVERITY: Record<StateStatus, number> = {
  FAILED: 4,
  CAUGHT_ERROR: 3,
  IN_PROGRESS: 2,
  CANCELLED: 1,
  SUCCEEDED: 0,
};

function details(event: HistoryEvent): Record<string, unknown> | null {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith("EventDetails") && value && typeof value === "object") return value as Record<string, unknown>;
  }
  return null;
}

export function eventDetails(event: HistoryEvent): Record<string, unknown> | null {
  return details(event);
}

/** The container family an event of a Parallel or Map state belongs to, when it is one. */
function containerFamily(type: string): string | null {
  if (type.startsWith("ParallelState")) return "ParallelStateEntered";
  if (type.startsWith("MapState") || type.startsWith("MapIteration") || type.startsWith("MapRun")) return "MapStateEntered";
  return null;
}

export function analyseHistory(events: HistoryEvent[], executionStatus: ExecutionStatus | null = null): HistoryAnalysis {
  const byId = new Map<number, HistoryEvent>();
  for (const event of events) byId.set(event.id, event);
  const runByEntered = new Map<number, StateRun>();
  const runOfEvent = new Map<number, StateRun>();
  const iterationOfEvent = new Map<number, number>();
  const runs: StateRun[] = [];

  // The run an event belongs to: the nearest state entry up its previousEventId chain
  // (for a Parallel's or Map's own events, the nearest entry of that container type).
  const ownerRun = (event: HistoryEvent): StateRun | null => {
    const cached = runOfEvent.get(event.id);
    if (cached) return cached;
    const family = containerFamily(event.type);
    let cursor: HistoryEvent | undefined = event;
    const seen: number[] = [];
    while (cursor) {
      const run = runByEntered.get(cursor.id);
      if (run && (family === null || cursor.type === family)) {
        // A container's own events skip over its children's: only they are attributed here.
        for (const id of family === null ? seen : [event.id]) runOfEvent.set(id, run);
        return run;
      }
      const known = runOfEvent.get(cursor.id);
      if (known && family === null && cursor.id !== event.id) {
        for (const id of seen) runOfEvent.set(id, known);
        return known;
      }
      seen.push(cursor.id);
      cursor = cursor.previousEventId == null ? undefined : byId.get(cursor.previousEventId);
    }
    return null;
  };

  const iterationOf = (event: HistoryEvent): number | null => {
    let cursor: HistoryEvent | undefined = event;
    while (cursor) {
      const known = iterationOfEvent.get(cursor.id);
      if (known !== undefined) return known;
      if (cursor.type === "MapIterationStarted") {
        const index = (cursor.mapIterationStartedEventDetails as { index?: number } | null | undefined)?.index;
        return typeof index === "number" ? index : null;
      }
      if (cursor.id !== event.id && (cursor.type === "MapStateEntered" || MAP_ENDS.has(cursor.type))) {
        return null; // reached the Map from outside its iterations
      }
      cursor = cursor.previousEventId == null ? undefined : byId.get(cursor.previousEventId);
    }
    return null;
  };

  let startedAt: Timestamp | null = null;
  let endedAt: Timestamp | null = null;
  for (const event of events) {
    if (event.type === "ExecutionStarted") startedAt ??= event.timestamp;
    if (TERMINAL_EXECUTION.has(event.type)) {
      endedAt = event.timestamp;
    }
    if (event.type === "ExecutionRedriven") endedAt = null;
    const entered = event.stateEnteredEventDetails;
    if (event.type.endsWith("StateEntered") && entered) {
      // A state entered straight after another run's failure continues that run's thread:
      // the failure was caught.
      const previous = event.previousEventId == null ? undefined : byId.get(event.previousEventId);
      if (previous) {
        const before = ownerRun(previous);
        if (before && before.status === "FAILED" && before.type !== "Fail") before.status = "CAUGHT_ERROR";
      }
      const run: StateRun = {
        name: entered.name,
        type: event.type.slice(0, -"StateEntered".length),
        enteredEventId: event.id,
        enteredAt: event.timestamp,
        endedAt: null,
        status: event.type === "FailStateEntered" ? "FAILED" : "IN_PROGRESS",
        input: entered.input ?? null,
        output: null,
        error: null,
        cause: null,
        iteration: iterationOf(event),
      };
      if (run.iteration !== null) iterationOfEvent.set(event.id, run.iteration);
      if (run.type === "Fail") run.endedAt = event.timestamp;
      runs.push(run);
      runByEntered.set(event.id, run);
      runOfEvent.set(event.id, run);
      continue;
    }
    const run = ownerRun(event);
    if (!run) continue;
    const exited = event.stateExitedEventDetails;
    if (event.type.endsWith("StateExited") && exited) {
      // A state leaves after a failure only through a Catch (AWS writes e.g. ParallelStateFailed,
      // ParallelStateExited, then the catcher's state).
      run.status = run.status === "FAILED" || run.status === "CAUGHT_ERROR" ? "CAUGHT_ERROR" : "SUCCEEDED";
      run.output = exited.output ?? null;
      run.endedAt = event.timestamp;
    } else if (FAILURE_TYPES.has(event.type)) {
      const info = details(event) as { error?: string; cause?: string } | null;
      run.status = "FAILED";
      run.error = info?.error ?? null;
      run.cause = info?.cause ?? null;
      run.endedAt = event.timestamp;
    } else if (ABORT_TYPES.has(event.type)) {
      run.status = "CANCELLED";
      run.endedAt = event.timestamp;
    } else if (run.status === "FAILED" && (event.type.endsWith("Scheduled") || event.type.endsWith("Started"))) {
      // A retry: the state runs again after its failure.
      run.status = "IN_PROGRESS";
      run.endedAt = null;
    }
  }
  if (endedAt !== null || (executionStatus !== null && executionStatus !== "RUNNING")) {
    for (const run of runs) {
      if (run.status !== "IN_PROGRESS") continue;
      run.status = "CANCELLED";
      run.endedAt ??= endedAt;
    }
  }
  const statusByState = new Map<string, StateStatus>();
  for (const run of runs) {
    const current = statusByState.get(run.name);
    if (current === undefined || SEVERITY[run.status] > SEVERITY[current]) statusByState.set(run.name, run.status);
  }
  const stepOfEvent = new Map<number, string>();
  for (const event of events) {
    const run = runOfEvent.get(event.id) ?? (event.type.startsWith("Execution") ? null : ownerRun(event));
    if (run) stepOfEvent.set(event.id, run.name);
  }
  return { runs, statusByState, stepOfEvent, startedAt, endedAt };
}

export const STATUS_LABELS: Record<StateStatus, string> = {
  SUCCEEDED: "Succeeded",
  FAILED: "Failed",
  CAUGHT_ERROR: "Caught error",
  IN_PROGRESS: "In progress",
  CANCELLED: "Cancelled",
};
