// The execution as a timeline: one bar per run of a state, from entering it to leaving it (or
// failing, or now while it runs), on a shared time axis, coloured by outcome.
import type { Timestamp } from "../api/types";
import { formatDuration } from "../shell/format";
import { STATUS_LABELS, type HistoryAnalysis, type StateRun } from "./history";

const ROW_LIMIT = 300;

export function Gantt({ analysis, now, onSelect }: { analysis: HistoryAnalysis; now: Timestamp; onSelect?(name: string): void }) {
  const runs = analysis.runs;
  if (runs.length === 0) return <p className="muted">No state has started yet.</p>;
  const start = analysis.startedAt ?? runs[0].enteredAt;
  const end = Math.max(analysis.endedAt ?? now, ...runs.map((run) => run.endedAt ?? now));
  const span = Math.max(end - start, 0.001);
  const end_ = (run: StateRun) => run.endedAt ?? analysis.endedAt ?? now;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <div className="gantt" role="table" aria-label="Timeline of state durations">
      <div className="gantt-row gantt-axis" role="row">
        <span className="gantt-label" role="columnheader">
          State
        </span>
        <span className="gantt-track" role="columnheader" aria-label="Time">
          {ticks.map((tick) => (
            <span key={tick} className="gantt-tick" style={{ left: `${tick * 100}%` }}>
              {formatDuration(tick * span * 1000)}
            </span>
          ))}
        </span>
        <span className="gantt-duration" role="columnheader">
          Duration
        </span>
      </div>
      {runs.slice(0, ROW_LIMIT).map((run) => {
        const left = ((run.enteredAt - start) / span) * 100;
        const width = Math.max(((end_(run) - run.enteredAt) / span) * 100, 0.4);
        const duration = (end_(run) - run.enteredAt) * 1000;
        const name = run.iteration !== null ? `${run.name} [${run.iteration}]` : run.name;
        return (
          <div className="gantt-row" role="row" key={run.enteredEventId} data-state={run.name}>
            <span className="gantt-label" role="cell">
              <button type="button" className="link" onClick={() => onSelect?.(run.name)} title={name}>
                {name}
              </button>
            </span>
            <span className="gantt-track" role="cell">
              <span
                className={`gantt-bar status-${run.status.toLowerCase().replace("_", "-")}`}
                style={{ left: `${left}%`, width: `${Math.min(width, 100 - left)}%` }}
                title={`${name}: ${STATUS_LABELS[run.status]}, ${formatDuration(duration)}`}
              />
            </span>
            <span className="gantt-duration" role="cell">
              {formatDuration(duration)}
            </span>
          </div>
        );
      })}
      {runs.length > ROW_LIMIT && <p className="muted">{runs.length - ROW_LIMIT} more runs not shown.</p>}
    </div>
  );
}
