// The component harness: the console's views rendered from data handed in by a test or a
// screenshot script (window.consoleHarness.render(...)), with no server behind them. The data
// are AWS's own shapes (DescribeExecution, GetExecutionHistory, DescribeTable, Scan), recorded
// from a real engine or the shared corpus; the views are the ones the console pages use.
import { StrictMode } from "react";
import { createRoot, type Root } from "react-dom/client";
import type {
  DescribeExecutionOutput,
  ExecutionListItem,
  HistoryEvent,
  Item,
  ResolverLogRequest,
  StateMachineDetail,
  TableDescription,
} from "./api/types";
import { ItemEditor } from "./dynamodb/ItemEditor";
import { ItemsTable, TableSummary } from "./dynamodb/TableView";
import { ResolverLogView } from "./logs/ResolverLogView";
import { ExecutionDetail } from "./stepfunctions/ExecutionDetail";
import { ExecutionsTable, StateMachineOverview } from "./stepfunctions/StateMachineOverview";
import "./styles.css";

export type HarnessView =
  | { view: "execution"; execution: DescribeExecutionOutput; definition: string; events: HistoryEvent[]; now?: number }
  | { view: "stateMachine"; detail: StateMachineDetail; executions: ExecutionListItem[]; now: number }
  | { view: "table"; table: TableDescription; items: Item[]; editing?: Item | null }
  | { view: "resolverLog"; requests: ResolverLogRequest[] };

let root: Root | null = null;

function render(spec: HarnessView): void {
  root ??= createRoot(document.getElementById("root")!);
  const saved: Item[] = [];
  const body = (() => {
    switch (spec.view) {
      case "execution":
        return (
          <ExecutionDetail
            execution={spec.execution}
            definition={spec.definition}
            events={spec.events}
            now={spec.now ?? spec.execution.stopDate ?? spec.execution.startDate}
          />
        );
      case "stateMachine":
        return (
          <>
            <h2>{spec.detail.describeStateMachine.name}</h2>
            <StateMachineOverview detail={spec.detail} />
            <ExecutionsTable executions={spec.executions} now={spec.now} statusFilter={null} executionHref={(arn) => `#${arn}`} />
          </>
        );
      case "table":
        return (
          <>
            <h2>{spec.table.TableName}</h2>
            <TableSummary table={spec.table} />
            {spec.editing !== undefined && (
              <ItemEditor
                item={spec.editing}
                keyNames={spec.table.KeySchema.map((key) => key.AttributeName)}
                onSave={(item) => {
                  saved.push(item);
                  (window as unknown as { harnessSaved: Item[] }).harnessSaved = saved;
                }}
                onCancel={() => undefined}
              />
            )}
            <ItemsTable table={spec.table} items={spec.items} onEdit={() => undefined} onDelete={() => undefined} />
          </>
        );
      case "resolverLog":
        return <ResolverLogView requests={spec.requests} live={false} />;
    }
  })();
  root.render(
    <StrictMode>
      <main className="harness" id="main">
        {body}
      </main>
    </StrictMode>,
  );
}

(window as unknown as { consoleHarness: { render(spec: HarnessView): void; ready: boolean } }).consoleHarness = {
  render,
  ready: true,
};
