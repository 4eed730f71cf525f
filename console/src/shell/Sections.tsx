// The data-backed sections, chosen by the route's parts.
import type { ConsoleClient } from "../api/client";
import { TableList, TablePage } from "../dynamodb/DynamoDBPages";
import { LogsPage } from "../logs/LogsPage";
import { ExecutionPage, StateMachineList, StateMachinePage } from "../stepfunctions/StepFunctionsPages";

export function StepFunctionsSection({ client, parts }: { client: ConsoleClient; parts: string[] }) {
  if (parts[0] === "machine" && parts[1]) return <StateMachinePage key={parts[1]} client={client} stateMachineArn={parts[1]} />;
  if (parts[0] === "execution" && parts[1]) return <ExecutionPage key={parts[1]} client={client} executionArn={parts[1]} />;
  return <StateMachineList client={client} />;
}

export function DynamoDBSection({ client, parts }: { client: ConsoleClient; parts: string[] }) {
  if (parts[0] === "table" && parts[1]) return <TablePage key={parts[1]} client={client} tableName={parts[1]} />;
  return <TableList client={client} />;
}

export function LogsSection({ client }: { client: ConsoleClient }) {
  return <LogsPage client={client} />;
}
