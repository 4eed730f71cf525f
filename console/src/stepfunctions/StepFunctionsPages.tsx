// The Step Functions pages: state machines, one machine (graph, versions, aliases, executions,
// start), one execution (live while it runs). Data comes from api/stepfunctions.ts.
import { useEffect, useId, useState } from "react";
import type { ConsoleClient } from "../api/client";
import * as sfn from "../api/stepfunctions";
import type { DescribeExecutionOutput, ExecutionListItem, ExecutionStatus, HistoryEvent } from "../api/types";
import { arnName, formatTimestamp } from "../shell/format";
import { AsyncView, ErrorPanel } from "../shell/Status";
import { useAsync } from "../shell/useAsync";
import { ExecutionDetail } from "./ExecutionDetail";
import { ExecutionsTable, StateMachineOverview } from "./StateMachineOverview";

export const machineHref = (arn: string) => `#/stepfunctions/machine/${encodeURIComponent(arn)}`;
export const executionHref = (arn: string) => `#/stepfunctions/execution/${encodeURIComponent(arn)}`;

const nowSeconds = () => Date.now() / 1000;

export function StateMachineList({ client }: { client: ConsoleClient }) {
  const state = useAsync(() => sfn.listStateMachines(client), [client]);
  return (
    <section aria-labelledby="machines-heading">
      <div className="section-header">
        <h2 id="machines-heading">State machines</h2>
        <button type="button" onClick={state.reload}>
          Refresh
        </button>
      </div>
      <AsyncView state={state}>
        {(page) =>
          page.stateMachines.length === 0 ? (
            <p className="muted">No state machines. Declare them under server.stepFunctions, or create them with the AWS CLI.</p>
          ) : (
            <table className="data" aria-label="State machines">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {page.stateMachines.map((machine) => (
                  <tr key={machine.stateMachineArn}>
                    <td>
                      <a href={machineHref(machine.stateMachineArn)}>{machine.name}</a>
                    </td>
                    <td>{machine.type}</td>
                    <td>{formatTimestamp(machine.creationDate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </AsyncView>
    </section>
  );
}

function StartExecutionForm({ client, stateMachineArn }: { client: ConsoleClient; stateMachineArn: string }) {
  const nameId = useId();
  const inputId = useId();
  const [name, setName] = useState("");
  const [input, setInput] = useState("{}");
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    try {
      JSON.parse(input);
    } catch (parseError) {
      setError(`The input is not JSON: ${String(parseError)}`);
      return;
    }
    try {
      const started = await sfn.startExecution(client, { stateMachineArn, name: name || null, input });
      window.location.hash = executionHref(started.executionArn);
    } catch (startError) {
      setError(startError instanceof Error ? startError.message : String(startError));
    }
  };
  return (
    <form
      className="start-form"
      aria-label="Start execution"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h3>Start execution</h3>
      <span className="field">
        <label htmlFor={nameId}>Name (optional)</label>
        <input id={nameId} value={name} onChange={(event) => setName(event.target.value)} />
      </span>
      <span className="field column">
        <label htmlFor={inputId}>Input (JSON)</label>
        <textarea id={inputId} rows={5} value={input} spellCheck={false} onChange={(event) => setInput(event.target.value)} />
      </span>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit">Start execution</button>
    </form>
  );
}

export function StateMachinePage({ client, stateMachineArn }: { client: ConsoleClient; stateMachineArn: string }) {
  const detail = useAsync(() => sfn.describeStateMachine(client, stateMachineArn), [client, stateMachineArn]);
  const [statusFilter, setStatusFilter] = useState<ExecutionStatus | null>(null);
  const executions = useAsync(() => sfn.listExecutions(client, stateMachineArn, statusFilter), [client, stateMachineArn, statusFilter]);
  const [live, setLive] = useState<Map<string, ExecutionListItem>>(new Map());
  useEffect(() => {
    const stream = sfn.subscribeExecutions(client, stateMachineArn);
    let open = true;
    void (async () => {
      try {
        for await (const item of stream) {
          if (!open) break;
          setLive((previous) => new Map(previous).set(item.executionArn, item));
        }
      } catch {
        // Live updates are a convenience: the list still loads and refreshes without them.
      }
    })();
    return () => {
      open = false;
      void stream.return(undefined);
    };
  }, [client, stateMachineArn]);
  const merged = (items: ExecutionListItem[]) => {
    const byArn = new Map(items.map((item) => [item.executionArn, item]));
    for (const [arn, item] of live) byArn.set(arn, item);
    return [...byArn.values()]
      .filter((item) => statusFilter === null || item.status === statusFilter)
      .sort((a, b) => b.startDate - a.startDate);
  };
  return (
    <section aria-labelledby="machine-heading">
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href="#/stepfunctions">State machines</a> / <span>{arnName(stateMachineArn)}</span>
      </nav>
      <h2 id="machine-heading">{arnName(stateMachineArn)}</h2>
      <AsyncView state={detail}>{(value) => <StateMachineOverview detail={value} />}</AsyncView>
      <StartExecutionForm client={client} stateMachineArn={stateMachineArn} />
      <AsyncView state={executions}>
        {(page) => (
          <ExecutionsTable
            executions={merged(page.executions)}
            now={nowSeconds()}
            statusFilter={statusFilter}
            onFilter={setStatusFilter}
            executionHref={executionHref}
          />
        )}
      </AsyncView>
    </section>
  );
}

function mergeEvents(current: HistoryEvent[], more: HistoryEvent[]): HistoryEvent[] {
  if (more.length === 0) return current;
  const last = current.length > 0 ? current[current.length - 1].id : 0;
  const fresh = more.filter((event) => event.id > last);
  if (fresh.length === more.length && more[0]?.id === 1) return more; // a whole history
  return fresh.length === 0 ? current : [...current, ...fresh];
}

export function ExecutionPage({ client, executionArn }: { client: ConsoleClient; executionArn: string }) {
  const initial = useAsync(() => sfn.getExecution(client, executionArn), [client, executionArn]);
  const [execution, setExecution] = useState<DescribeExecutionOutput | null>(null);
  const [events, setEvents] = useState<HistoryEvent[]>([]);
  const [now, setNow] = useState(nowSeconds());
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<Error | null>(null);

  useEffect(() => {
    if (!initial.value) return;
    setExecution(initial.value.describeExecution);
    setEvents(initial.value.getExecutionHistory.events);
  }, [initial.value]);

  const running = execution?.status === "RUNNING";
  useEffect(() => {
    if (!running) return;
    const stream = sfn.subscribeExecution(client, executionArn);
    const timer = window.setInterval(() => setNow(nowSeconds()), 500);
    let open = true;
    void (async () => {
      try {
        for await (const update of stream) {
          if (!open) break;
          setExecution(update.execution);
          setEvents((current) => mergeEvents(current, update.events));
        }
      } catch {
        initial.reload(); // the live stream failed: fall back to reading it again
      }
    })();
    return () => {
      open = false;
      window.clearInterval(timer);
      void stream.return(undefined);
    };
  }, [client, executionArn, running]);

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(null);
    try {
      await action();
      initial.reload();
    } catch (error) {
      setActionError(error instanceof Error ? error : new Error(String(error)));
    } finally {
      setBusy(false);
    }
  };

  const machine = initial.value?.describeStateMachineForExecution;
  return (
    <section aria-labelledby="execution-heading">
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href="#/stepfunctions">State machines</a> /{" "}
        {machine ? <a href={machineHref(machine.stateMachineArn)}>{machine.name}</a> : "…"} / <span>{arnName(executionArn)}</span>
      </nav>
      <h2 id="execution-heading">{arnName(executionArn)}</h2>
      {actionError && <ErrorPanel error={actionError} />}
      {initial.error && !execution ? (
        <ErrorPanel error={initial.error} />
      ) : execution && machine ? (
        <ExecutionDetail
          execution={execution}
          definition={machine.definition}
          events={events}
          now={running ? now : (execution.stopDate ?? now)}
          actions={{
            busy,
            stop: () => void act(() => sfn.stopExecution(client, { executionArn })),
            redrive: () => void act(() => sfn.redriveExecution(client, executionArn)),
          }}
        />
      ) : (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
    </section>
  );
}
