// One state machine from its data alone: its graph, its versions and aliases, and its
// executions (filterable by status). The page around it (StepFunctionsPages) fetches the data.
import { useId } from "react";
import type { ExecutionListItem, ExecutionStatus, StateMachineDetail } from "../api/types";
import { arnName, formatDuration, formatTimestamp } from "../shell/format";
import { StateMachineGraph } from "./Graph";

export const STATUSES: ExecutionStatus[] = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"];

export function ExecutionsTable({
  executions,
  now,
  statusFilter,
  onFilter,
  executionHref,
}: {
  executions: ExecutionListItem[];
  now: number;
  statusFilter: ExecutionStatus | null;
  onFilter?(status: ExecutionStatus | null): void;
  executionHref(arn: string): string;
}) {
  const filterId = useId();
  return (
    <section aria-label="Executions">
      <div className="section-header">
        <h3>Executions</h3>
        {onFilter && (
          <span className="field">
            <label htmlFor={filterId}>Status</label>
            <select
              id={filterId}
              value={statusFilter ?? ""}
              onChange={(event) => onFilter((event.target.value || null) as ExecutionStatus | null)}
            >
              <option value="">Any status</option>
              {STATUSES.map((status) => (
                <option key={status} value={status}>
                  {status}
                </option>
              ))}
            </select>
          </span>
        )}
      </div>
      {executions.length === 0 ? (
        <p className="muted">No executions{statusFilter ? ` with status ${statusFilter}` : ""}.</p>
      ) : (
        <div className="table-wrap">
          <table className="data" aria-label="Executions">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
                <th scope="col">Version or alias</th>
              </tr>
            </thead>
            <tbody>
              {executions.map((execution) => (
                <tr key={execution.executionArn} data-execution={execution.name}>
                  <td>
                    <a href={executionHref(execution.executionArn)}>{execution.name}</a>
                  </td>
                  <td>
                    <span className={`badge exec-${execution.status.toLowerCase()}`}>{execution.status}</span>
                  </td>
                  <td>{formatTimestamp(execution.startDate)}</td>
                  <td>{formatDuration(((execution.stopDate ?? now) - execution.startDate) * 1000)}</td>
                  <td className="mono">
                    {execution.stateMachineAliasArn
                      ? arnName(execution.stateMachineAliasArn)
                      : execution.stateMachineVersionArn
                        ? arnName(execution.stateMachineVersionArn)
                        : "–"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function StateMachineOverview({ detail }: { detail: StateMachineDetail }) {
  const machine = detail.describeStateMachine;
  const versions = detail.listStateMachineVersions.stateMachineVersions;
  const aliases = detail.listStateMachineAliases.stateMachineAliases;
  return (
    <div className="machine-overview">
      <dl className="facts">
        <div>
          <dt>Type</dt>
          <dd>{machine.type}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatTimestamp(machine.creationDate)}</dd>
        </div>
        <div>
          <dt>Versions</dt>
          <dd>{versions.length === 0 ? "none" : versions.map((v) => arnName(v.stateMachineVersionArn)).join(", ")}</dd>
        </div>
        <div>
          <dt>Aliases</dt>
          <dd>{aliases.length === 0 ? "none" : aliases.map((a) => arnName(a.stateMachineAliasArn)).join(", ")}</dd>
        </div>
        <div className="wide">
          <dt>ARN</dt>
          <dd className="mono">{machine.stateMachineArn}</dd>
        </div>
      </dl>
      {machine.description && <p>{machine.description}</p>}
      <StateMachineGraph definition={machine.definition} />
    </div>
  );
}
