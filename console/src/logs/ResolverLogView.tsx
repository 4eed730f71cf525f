// The resolver log from its data alone: each request (newest first) with its operation, status,
// duration and errors; the selected one's query, variables, and its entries in the order
// AppSync logs them (per field: the request mapping, each pipeline function's evaluations, the
// response mapping, the tracing with its timing).
import { useState } from "react";
import type { ResolverLogEntry, ResolverLogRequest } from "../api/types";
import { formatDuration, formatTimestamp, prettyJson } from "../shell/format";

const nanosToMillis = (nanos: number | null) => (nanos == null ? null : nanos / 1e6);

function errorCount(errors: unknown): number {
  return Array.isArray(errors) ? errors.length : errors ? 1 : 0;
}

function Entry({ entry }: { entry: ResolverLogEntry }) {
  const where = entry.functionName ? `${entry.functionName} (function)` : entry.resolverArn ? "resolver" : "";
  const body = entry.transformedTemplate ?? (entry.evaluationResult !== null && entry.evaluationResult !== undefined ? prettyJson(entry.evaluationResult) : null);
  return (
    <li className={`log-entry ${entry.fieldInError ? "in-error" : ""}`}>
      <div className="log-entry-head">
        <span className="badge">{entry.logType}</span>
        <span className="mono">{entry.path.join(".")}</span>
        <span className="muted">
          {entry.parentType}.{entry.fieldName}
          {where && ` · ${where}`}
          {entry.dataSourceName && ` · ${entry.dataSourceName}${entry.dataSourceType ? ` (${entry.dataSourceType})` : ""}`}
        </span>
        {entry.duration != null && <span className="duration">{formatDuration(nanosToMillis(entry.duration))}</span>}
      </div>
      {body && <pre className="json">{body}</pre>}
      {errorCount(entry.errors) > 0 && <pre className="json error">{prettyJson(entry.errors)}</pre>}
    </li>
  );
}

export function ResolverLogView({ requests, live }: { requests: ResolverLogRequest[]; live: boolean }) {
  const [selected, setSelected] = useState<string | null>(null);
  const current = requests.find((request) => request.requestId === selected) ?? requests[0] ?? null;
  return (
    <div className="log-view">
      <div className="log-list" role="listbox" aria-label="Requests" tabIndex={-1}>
        <p className="muted" aria-live="polite">
          {requests.length} requests{live ? " · live" : ""}
        </p>
        {requests.map((request) => {
          const errors = errorCount(request.errors);
          const isCurrent = current?.requestId === request.requestId;
          return (
            <button
              type="button"
              key={request.requestId}
              role="option"
              aria-selected={isCurrent}
              className={`log-request ${isCurrent ? "selected" : ""} ${errors ? "has-errors" : ""}`}
              onClick={() => setSelected(request.requestId)}
            >
              <span className="log-op">{request.operationName ?? "(anonymous)"}</span>
              <span className="muted">
                {formatTimestamp(request.startTime)} · {request.statusCode ?? "–"} · {formatDuration(nanosToMillis(request.duration))}
                {errors ? ` · ${errors} error${errors > 1 ? "s" : ""}` : ""}
              </span>
            </button>
          );
        })}
      </div>
      <div className="log-detail" aria-live="polite">
        {current ? (
          <>
            <h3>
              {current.operationName ?? "(anonymous)"} <span className="muted mono">{current.requestId}</span>
            </h3>
            <p className="muted">
              {[current.authorizationType, `HTTP ${current.statusCode ?? "–"}`, formatDuration(nanosToMillis(current.duration))]
                .filter(Boolean)
                .join(" · ")}
            </p>
            <div className="io-pair">
              <section>
                <h4>Query</h4>
                <pre className="json">{current.query}</pre>
              </section>
              <section>
                <h4>Variables</h4>
                <pre className="json">{prettyJson(current.variables ?? {})}</pre>
              </section>
            </div>
            {errorCount(current.errors) > 0 && (
              <>
                <h4>Errors</h4>
                <pre className="json error">{prettyJson(current.errors)}</pre>
              </>
            )}
            <h4>Resolvers</h4>
            <ol className="log-entries">
              {current.entries.map((entry, index) => (
                <Entry key={index} entry={entry} />
              ))}
            </ol>
          </>
        ) : (
          <p className="muted">No requests yet. Run a query in the explorer and it appears here.</p>
        )}
      </div>
    </div>
  );
}
