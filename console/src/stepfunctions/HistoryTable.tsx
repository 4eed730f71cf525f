// The execution's event history as a table, as the Step Functions console shows it: ID, type,
// step, resource, time since the execution started, date and time; each row expands to its
// details JSON.
import { Fragment, useState } from "react";
import type { HistoryEvent } from "../api/types";
import { formatDuration, formatTimestamp, prettyJson } from "../shell/format";
import { eventDetails, type HistoryAnalysis } from "./history";

const PAGE = 500;

function resource(event: HistoryEvent): string {
  const info = eventDetails(event) as { resource?: string; resourceType?: string } | null;
  if (!info?.resource) return "";
  return info.resourceType ? `${info.resourceType}:${info.resource}` : info.resource;
}

function kind(type: string): string {
  if (type.endsWith("Failed") || type.endsWith("TimedOut")) return "failed";
  if (type.endsWith("Aborted")) return "aborted";
  if (type.endsWith("Succeeded")) return "succeeded";
  return "";
}

export function HistoryTable({ events, analysis }: { events: HistoryEvent[]; analysis: HistoryAnalysis }) {
  const [open, setOpen] = useState<Set<number>>(new Set());
  const [limit, setLimit] = useState(PAGE);
  const start = analysis.startedAt ?? events[0]?.timestamp ?? 0;
  const toggle = (id: number) => {
    const next = new Set(open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setOpen(next);
  };
  return (
    <div className="table-wrap">
      <table className="data history-table" aria-label="Event history">
        <thead>
          <tr>
            <th scope="col">ID</th>
            <th scope="col">Type</th>
            <th scope="col">Step</th>
            <th scope="col">Resource</th>
            <th scope="col">Started after</th>
            <th scope="col">Date and time</th>
          </tr>
        </thead>
        <tbody>
          {events.slice(0, limit).map((event) => {
            const info = eventDetails(event);
            const expanded = open.has(event.id);
            return (
              <Fragment key={event.id}>
                <tr className={`event-${kind(event.type)}`} data-event-id={event.id} data-event-type={event.type}>
                  <td>
                    {info ? (
                      <button
                        type="button"
                        className="link"
                        aria-expanded={expanded}
                        aria-label={`Event ${event.id} details`}
                        onClick={() => toggle(event.id)}
                      >
                        {expanded ? "▾" : "▸"} {event.id}
                      </button>
                    ) : (
                      <span className="indent">{event.id}</span>
                    )}
                  </td>
                  <td>{event.type}</td>
                  <td>{analysis.stepOfEvent.get(event.id) ?? ""}</td>
                  <td className="mono">{resource(event)}</td>
                  <td>{formatDuration((event.timestamp - start) * 1000)}</td>
                  <td>{formatTimestamp(event.timestamp)}</td>
                </tr>
                {expanded && info && (
                  <tr className="details-row">
                    <td colSpan={6}>
                      <pre>{prettyJson(info)}</pre>
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {events.length > limit && (
        <button type="button" onClick={() => setLimit(limit + PAGE)}>
          Show {Math.min(PAGE, events.length - limit)} more of {events.length - limit} events
        </button>
      )}
    </div>
  );
}
