// Wire shapes of the console's API, which are AWS's own: the Step Functions JSON API (2016-11-23)
// and the DynamoDB JSON API (2012-08-10), member for member as botocore's service models name
// them, and AppSync's CloudWatch log entries for the resolver log. The operations selecting them
// are in operations.graphql; the inputs below are what the front end sends as `$input`.

/** Epoch seconds, as both AWS JSON APIs send timestamps. */
export type Timestamp = number;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

// --- Step Functions ----------------------------------------------------------------------

export type StateMachineType = "STANDARD" | "EXPRESS";
export type ExecutionStatus =
  | "RUNNING"
  | "SUCCEEDED"
  | "FAILED"
  | "TIMED_OUT"
  | "ABORTED"
  | "PENDING_REDRIVE";

export interface StateMachineListItem {
  stateMachineArn: string;
  name: string;
  type: StateMachineType;
  creationDate: Timestamp;
}

export interface ListStateMachinesInput {
  maxResults?: number;
  nextToken?: string | null;
}

export interface ListStateMachinesOutput {
  stateMachines: StateMachineListItem[];
  nextToken: string | null;
}

export interface DescribeStateMachineOutput {
  stateMachineArn: string;
  name: string;
  status: "ACTIVE" | "DELETING" | null;
  /** The Amazon States Language definition, as a JSON string. */
  definition: string;
  roleArn: string;
  type: StateMachineType;
  creationDate: Timestamp;
  label: string | null;
  revisionId: string | null;
  description: string | null;
}

export interface StateMachineVersionListItem {
  stateMachineVersionArn: string;
  creationDate: Timestamp;
}

export interface StateMachineAliasListItem {
  stateMachineAliasArn: string;
  creationDate: Timestamp;
}

export interface StateMachineDetail {
  describeStateMachine: DescribeStateMachineOutput;
  listStateMachineVersions: { stateMachineVersions: StateMachineVersionListItem[]; nextToken: string | null };
  listStateMachineAliases: { stateMachineAliases: StateMachineAliasListItem[]; nextToken: string | null };
}

export interface ListExecutionsInput {
  stateMachineArn: string;
  statusFilter?: ExecutionStatus | null;
  maxResults?: number;
  nextToken?: string | null;
}

export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Timestamp;
  stopDate: Timestamp | null;
  mapRunArn: string | null;
  itemCount: number | null;
  stateMachineVersionArn: string | null;
  stateMachineAliasArn: string | null;
  redriveCount: number | null;
  redriveDate: Timestamp | null;
}

export interface ListExecutionsOutput {
  executions: ExecutionListItem[];
  nextToken: string | null;
}

export interface DescribeExecutionOutput {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Timestamp;
  stopDate: Timestamp | null;
  input: string | null;
  output: string | null;
  error: string | null;
  cause: string | null;
  mapRunArn: string | null;
  stateMachineVersionArn: string | null;
  stateMachineAliasArn: string | null;
  redriveCount: number | null;
  redriveDate: Timestamp | null;
  redriveStatus: "REDRIVABLE" | "NOT_REDRIVABLE" | "REDRIVABLE_BY_MAP_RUN" | null;
  redriveStatusReason: string | null;
}

export interface DescribeStateMachineForExecutionOutput {
  stateMachineArn: string;
  name: string;
  definition: string;
  roleArn: string;
  updateDate: Timestamp;
  mapRunArn: string | null;
  label: string | null;
  revisionId: string | null;
}

/** HistoryEventType, all 63 of botocore's enum. */
export type HistoryEventType =
  | "ActivityFailed" | "ActivityScheduled" | "ActivityScheduleFailed" | "ActivityStarted"
  | "ActivitySucceeded" | "ActivityTimedOut" | "ChoiceStateEntered" | "ChoiceStateExited"
  | "ExecutionAborted" | "ExecutionFailed" | "ExecutionStarted" | "ExecutionSucceeded"
  | "ExecutionTimedOut" | "FailStateEntered" | "LambdaFunctionFailed" | "LambdaFunctionScheduled"
  | "LambdaFunctionScheduleFailed" | "LambdaFunctionStarted" | "LambdaFunctionStartFailed"
  | "LambdaFunctionSucceeded" | "LambdaFunctionTimedOut" | "MapIterationAborted" | "MapIterationFailed"
  | "MapIterationStarted" | "MapIterationSucceeded" | "MapStateAborted" | "MapStateEntered"
  | "MapStateExited" | "MapStateFailed" | "MapStateStarted" | "MapStateSucceeded"
  | "ParallelStateAborted" | "ParallelStateEntered" | "ParallelStateExited" | "ParallelStateFailed"
  | "ParallelStateStarted" | "ParallelStateSucceeded" | "PassStateEntered" | "PassStateExited"
  | "SucceedStateEntered" | "SucceedStateExited" | "TaskFailed" | "TaskScheduled" | "TaskStarted"
  | "TaskStartFailed" | "TaskStateAborted" | "TaskStateEntered" | "TaskStateExited"
  | "TaskSubmitFailed" | "TaskSubmitted" | "TaskSucceeded" | "TaskTimedOut" | "WaitStateAborted"
  | "WaitStateEntered" | "WaitStateExited" | "MapRunAborted" | "MapRunFailed" | "MapRunStarted"
  | "MapRunSucceeded" | "ExecutionRedriven" | "MapRunRedriven" | "EvaluationFailed";

export interface StateEnteredEventDetails {
  name: string;
  input?: string;
  inputDetails?: { truncated: boolean };
}

export interface StateExitedEventDetails {
  name: string;
  output?: string;
  outputDetails?: { truncated: boolean };
  assignedVariables?: Record<string, string>;
}

export interface ErrorEventDetails {
  error?: string;
  cause?: string;
}

/** A GetExecutionHistory event: the four common members and at most one `*EventDetails`. */
export interface HistoryEvent {
  timestamp: Timestamp;
  type: HistoryEventType;
  id: number;
  previousEventId: number | null;
  stateEnteredEventDetails?: StateEnteredEventDetails | null;
  stateExitedEventDetails?: StateExitedEventDetails | null;
  [details: `${string}EventDetails`]: object | null | undefined;
}

export interface ExecutionDetail {
  describeExecution: DescribeExecutionOutput;
  describeStateMachineForExecution: DescribeStateMachineForExecutionOutput;
  getExecutionHistory: { events: HistoryEvent[]; nextToken: string | null };
}

export interface ExecutionUpdate {
  execution: DescribeExecutionOutput;
  events: HistoryEvent[];
}

export interface StartExecutionInput {
  stateMachineArn: string;
  name?: string | null;
  input?: string | null;
}

export interface StopExecutionInput {
  executionArn: string;
  error?: string | null;
  cause?: string | null;
}

// --- DynamoDB ----------------------------------------------------------------------------

/** An AttributeValue in DynamoDB JSON: exactly one of these members. */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> };

export type Item = Record<string, AttributeValue>;

export interface KeySchemaElement {
  AttributeName: string;
  KeyType: "HASH" | "RANGE";
}

export interface AttributeDefinition {
  AttributeName: string;
  AttributeType: "S" | "N" | "B";
}

export interface SecondaryIndexDescription {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: { ProjectionType: "ALL" | "KEYS_ONLY" | "INCLUDE"; NonKeyAttributes: string[] | null } | null;
  ItemCount: number | null;
}

export interface TableDescription {
  TableName: string;
  TableArn: string | null;
  TableStatus: string | null;
  CreationDateTime: Timestamp | null;
  ItemCount: number | null;
  TableSizeBytes: number | null;
  BillingModeSummary: { BillingMode: "PROVISIONED" | "PAY_PER_REQUEST" } | null;
  KeySchema: KeySchemaElement[];
  AttributeDefinitions: AttributeDefinition[];
  GlobalSecondaryIndexes: SecondaryIndexDescription[] | null;
  LocalSecondaryIndexes: SecondaryIndexDescription[] | null;
  StreamSpecification: { StreamEnabled: boolean; StreamViewType: string | null } | null;
}

export interface ListTablesInput {
  ExclusiveStartTableName?: string | null;
  Limit?: number;
}

export interface ScanInput {
  TableName: string;
  IndexName?: string | null;
  Limit?: number;
  ExclusiveStartKey?: Item | null;
}

export interface QueryInput extends ScanInput {
  KeyConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
  ScanIndexForward?: boolean;
}

export interface ItemPage {
  Items: Item[];
  Count: number;
  ScannedCount: number;
  LastEvaluatedKey: Item | null;
}

export interface StreamRecord {
  eventID: string;
  eventName: "INSERT" | "MODIFY" | "REMOVE";
  dynamodb: {
    ApproximateCreationDateTime: Timestamp | null;
    Keys: Item;
    NewImage: Item | null;
    OldImage: Item | null;
    SequenceNumber: string | null;
    StreamViewType: string | null;
  };
}

// --- Resolver log ------------------------------------------------------------------------

export type LogType =
  | "RequestMapping"
  | "ResponseMapping"
  | "BeforeRequestFunctionEvaluation"
  | "AfterResponseFunctionEvaluation"
  | "RequestFunctionEvaluation"
  | "ResponseFunctionEvaluation"
  | "Tracing";

export interface ResolverLogEntry {
  logType: LogType;
  path: (string | number)[];
  parentType: string;
  fieldName: string;
  returnType: string | null;
  resolverArn: string | null;
  functionName: string | null;
  functionArn: string | null;
  dataSourceName: string | null;
  dataSourceType: string | null;
  /** Nanoseconds from the request's start, as AppSync's Tracing entries give it. */
  startOffset: number | null;
  /** Nanoseconds. */
  duration: number | null;
  /** The evaluated request or response document (a JSON string for VTL, as AppSync logs it). */
  transformedTemplate: string | null;
  /** The evaluated code's result (APPSYNC_JS / PYTHON), as AppSync logs `evaluationResult`. */
  evaluationResult: JsonValue;
  context: JsonValue;
  fieldInError: boolean | null;
  errors: JsonValue;
}

export interface ResolverLogRequest {
  requestId: string;
  graphQLAPIId: string;
  /** Epoch seconds. */
  startTime: Timestamp;
  endTime: Timestamp | null;
  /** Nanoseconds, as ExecutionSummary's `duration`. */
  duration: number | null;
  statusCode: number | null;
  operationName: string | null;
  query: string;
  variables: JsonValue;
  authorizationType: string | null;
  errors: JsonValue;
  entries: ResolverLogEntry[];
}
