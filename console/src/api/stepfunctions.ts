// Step Functions data for the views, through the console API (operations.graphql). Each
// function is one operation; the shapes are AWS's (types.ts).
import type { ConsoleClient } from "./client";
import type {
  DescribeExecutionOutput,
  ExecutionDetail,
  ExecutionListItem,
  ExecutionStatus,
  ExecutionUpdate,
  ListExecutionsOutput,
  ListStateMachinesOutput,
  StartExecutionInput,
  StateMachineDetail,
  StopExecutionInput,
  Timestamp,
} from "./types";

export async function listStateMachines(client: ConsoleClient, nextToken: string | null = null) {
  const data = await client.request<{ listStateMachines: ListStateMachinesOutput }>("ListStateMachines", {
    input: { maxResults: 100, nextToken },
  });
  return data.listStateMachines;
}

export function describeStateMachine(client: ConsoleClient, stateMachineArn: string) {
  return client.request<StateMachineDetail>("DescribeStateMachine", { stateMachineArn });
}

export async function listExecutions(
  client: ConsoleClient,
  stateMachineArn: string,
  statusFilter: ExecutionStatus | null,
  nextToken: string | null = null,
) {
  const data = await client.request<{ listExecutions: ListExecutionsOutput }>("ListExecutions", {
    input: { stateMachineArn, statusFilter, maxResults: 100, nextToken },
  });
  return data.listExecutions;
}

export function getExecution(client: ConsoleClient, executionArn: string) {
  return client.request<ExecutionDetail>("GetExecution", { executionArn });
}

export async function startExecution(client: ConsoleClient, input: StartExecutionInput) {
  const data = await client.request<{ startExecution: { executionArn: string; startDate: Timestamp } }>(
    "StartExecution",
    { input },
  );
  return data.startExecution;
}

export async function stopExecution(client: ConsoleClient, input: StopExecutionInput) {
  const data = await client.request<{ stopExecution: { stopDate: Timestamp } }>("StopExecution", { input });
  return data.stopExecution;
}

export async function redriveExecution(client: ConsoleClient, executionArn: string) {
  const data = await client.request<{ redriveExecution: { redriveDate: Timestamp } }>("RedriveExecution", {
    input: { executionArn },
  });
  return data.redriveExecution;
}

/** Live updates of one execution: the first carries the history so far, each later one the
 * events appended since; the stream ends once the execution has ended. */
export async function* subscribeExecution(client: ConsoleClient, executionArn: string): AsyncGenerator<ExecutionUpdate> {
  for await (const data of client.subscribe<{ onExecutionUpdated: ExecutionUpdate }>("OnExecutionUpdated", {
    executionArn,
  })) {
    yield data.onExecutionUpdated;
  }
}

export async function* subscribeExecutions(client: ConsoleClient, stateMachineArn: string): AsyncGenerator<ExecutionListItem> {
  for await (const data of client.subscribe<{ onExecutionsChanged: ExecutionListItem }>("OnExecutionsChanged", {
    stateMachineArn,
  })) {
    yield data.onExecutionsChanged;
  }
}

export function isRunning(execution: Pick<DescribeExecutionOutput, "status">): boolean {
  return execution.status === "RUNNING";
}
