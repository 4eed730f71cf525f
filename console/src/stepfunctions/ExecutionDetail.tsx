// One execution, drawn from its data alone (DescribeExecution, the definition it ran, its
// history): status and summary, the graph coloured by each state's outcome with the selected
// state's input and output beside it, the event history table, and the timeline. The page
// around it (ExecutionPage) fetches and streams the data; the test harness passes fixtures.
import { useMemo, useState } from "react";
import type { DescribeExecutionOutput, HistoryEvent, Timestamp } from "../api/types";
import { formatDuration, formatTimestamp, prettyJsonText } from "../shell/format";
import { Tabs } from "../shell/Tabs";
import { Gantt } from "./Gantt";
import { StateMachineGraph } from "./Graph";
import { analyseHistory, STATUS_LABELS, type HistoryAnalysis } from "./history";
import { HistoryTable } from "./HistoryTable";

export interface ExecutionActions {
  stop?(): void;
  redrive?(): void;
  busy?: boolean;
}

interface Props {
  execution: DescribeExecutionOutput;
  definition: string;
  events: HistoryEvent[];
  now: Timestamp;
  actions?: ExecutionActions;
}

function StateInspector({ name, analysis }: { name: string | null; analysis: HistoryAnalysis }) {
  if (name === null) return <p className="muted">Select a state to see its input and output.</p>;
  const runs = analysis.runs.filter((run) => run.name === name);
  if (runs.length === 0) return <p className="muted">{name} has not run in this execution.</p>;
  return (
    <div className="inspector" aria-live="polite">
      <h3>{name}</h3>
      {runs.slice(-5).map((run) => (
        <section key={run.enteredEventId} aria-label={`${name} run ${run.enteredEventId}`}>
          <p>
            <span className={`badge status-${run.status.toLowerCase().replace("_", "-")}`}>{STATUS_LABELS[run.status]}</span>{" "}
            {run.iteration !== null && <>iteration {run.iteration} · </>}
            {formatDuration(((run.endedAt ?? run.enteredAt) - run.enteredAt) * 1000)}
          </p>
          <h4>Input</h4>
          <pre className="json" data-testid="state-input">{prettyJsonText(run.input) || "–"}</pre>
          <h4>Output</h4>
          <pre className="json" data-testid="state-output">{run.output === null ? "–" : prettyJsonText(run.output)}</pre>
          {(run.error || run.cause) && (
            <>
              <h4>Error</h4>
              <pre className="json error">{[run.error, run.cause].filter(Boolean).join("\n")}</pre>
            </>
          )}
        </section>
      ))}
      {runs.length > 5 && <p className="muted">Showing the last 5 of {runs.length} runs.</p>}
    </div>
  );
}

export function ExecutionDetail({ execution, definition, events, now, actions }: Props) {
  const analysis = useMemo(() => analyseHistory(events, execution.status), [events, execution.status]);
  const [selected, setSelected] = useState<string | null>(null);
  const duration = ((execution.stopDate ?? now) - execution.startDate) * 1000;
  const redrivable = execution.redriveStatus === "REDRIVABLE" || (execution.redriveStatus == null && ["FAILED", "TIMED_OUT", "ABORTED"].includes(execution.status));
  return (
    <div className="execution-detail">
      <div className="summary">
        <dl>
          <div>
            <dt>Status</dt>
            <dd>
              <span className={`badge exec-${execution.status.toLowerCase()}`} data-testid="execution-status">
                {execution.status}
              </span>
            </dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>{formatTimestamp(execution.startDate)}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd>{formatDuration(duration)}</dd>
          </div>
          <div>
            <dt>Events</dt>
            <dd>{events.length}</dd>
          </div>
          {execution.redriveCount ? (
            <div>
              <dt>Redrives</dt>
              <dd>{execution.redriveCount}</dd>
            </div>
          ) : null}
        </dl>
        {actions && (
          <div className="actions">
            <button type="button" disabled={actions.busy || execution.status !== "RUNNING"} onClick={actions.stop}>
              Stop execution
            </button>
            <button type="button" disabled={actions.busy || !redrivable} onClick={actions.redrive}>
              Redrive
            </button>
          </div>
        )}
      </div>
      {(execution.error || execution.cause) && (
        <div className="error-panel" role="alert">
          <strong>{execution.error}</strong>
          {execution.cause && <pre>{prettyJsonText(execution.cause)}</pre>}
        </div>
      )}
      <Tabs
        label="Execution views"
        tabs={[
          {
            id: "graph",
            title: "Graph view",
            render: () => (
              <div className="graph-and-inspector">
                <StateMachineGraph definition={definition} statusByState={analysis.statusByState} selected={selected} onSelect={setSelected} />
                <StateInspector name={selected} analysis={analysis} />
              </div>
            ),
          },
          { id: "table", title: "Event history", render: () => <HistoryTable events={events} analysis={analysis} /> },
          {
            id: "timeline",
            title: "Timeline",
            render: () => <Gantt analysis={analysis} now={now} onSelect={setSelected} />,
          },
          {
            id: "io",
            title: "Execution input and output",
            render: () => (
              <div className="io-pair">
                <section>
                  <h3>Input</h3>
                  <pre className="json">{prettyJsonText(execution.input) || "–"}</pre>
                </section>
                <section>
                  <h3>Output</h3>
                  <pre className="json">{prettyJsonText(execution.output) || "–"}</pre>
                </section>
              </div>
            ),
          },
        ]}
      />
    </div>
  );
}
