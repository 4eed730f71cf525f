"""The API definition as typed, frozen values: what a definition says, whatever its format.

Names are AppSync's own: the CreateGraphqlApi, CreateDataSource, CreateFunction,
CreateResolver and CreateApiKey shapes of botocore's `appsync/2017-07-25/service-2.json`, which
the AWS::AppSync::* CloudFormation resources spell in PascalCase. Every reader fills these
(`definition.appsync_yaml` now; CloudFormation, SAM, CDK, Serverless and Amplify later), and
`appsync.app` builds the running API from an `ApiDefinition`. Local additions say so; the
local server's own settings, which AppSync does not have, are a `ServerSpec`, which also holds
the other AWS resources a template declares for the embedded services (tables, state machines,
Lambda functions, user pools).

Code, templates, SDL and state machine definitions are a `Source`: a file, or text written
inside the definition (a CloudFormation property) as an `InlineSource` that names where it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from definition.authorization import ApiKeySpec, AuthProviderSpec
from definition.cognito_resources import IdentityPoolSpec, UserPoolSpec
from definition.event_filters import FilterPattern
from definition.problems import Notice, Origin, Problem
from definition.service_resources import ServiceResources

# DynamoDB data sources without `awsRegion` (AppSync requires it): the AWS CLI's usual region.
DEFAULT_REGION = "us-east-1"
# The account of every local ARN: moto's default account, which owns the embedded services.
LOCAL_ACCOUNT_ID = "123456789012"
# Where `serve` answers by default (its --host and --port): the origin of a template's queue
# URLs when the reader is not told the server's own (`validate`, a server on a free port).
LOCAL_ENDPOINT_URL = "http://127.0.0.1:20002"


@dataclass(frozen=True, slots=True)
class InlineSource:
    """Text written inside the definition rather than in a file of its own (a resolver's `Code`,
    a `RequestMappingTemplate`, a schema's `Definition`, a state machine's `Definition`):
    `name` stands for a file name in errors (`GetPost.Properties.Code`: the resource's logical
    id and the property path), so a problem in it says where it was written."""

    text: str
    name: str
    # The template file, logical id and property path, for problems in the text.
    origin: Origin | None = None

    def __str__(self) -> str:
        return self.name


# A file (resolved, absolute) or inline text.
Source = Path | InlineSource


def source_text(source: Source) -> str:
    """The text of `source`; OSError or UnicodeDecodeError for a file that cannot be read."""
    if isinstance(source, InlineSource):
        return source.text
    return source.read_text(encoding="utf-8")


class DataSourceType(StrEnum):
    NONE = "NONE"
    AWS_LAMBDA = "AWS_LAMBDA"
    AMAZON_DYNAMODB = "AMAZON_DYNAMODB"
    HTTP = "HTTP"
    # Local only: AppSync has no Step Functions data source (resolvers.datasources.stepfunctions).
    AWS_STEP_FUNCTIONS = "AWS_STEP_FUNCTIONS"
    # AppSync's other types: accepted, not served locally yet (`SERVED` lists those that are).
    AMAZON_ELASTICSEARCH = "AMAZON_ELASTICSEARCH"
    AMAZON_OPENSEARCH_SERVICE = "AMAZON_OPENSEARCH_SERVICE"
    RELATIONAL_DATABASE = "RELATIONAL_DATABASE"
    AMAZON_EVENTBRIDGE = "AMAZON_EVENTBRIDGE"
    AMAZON_BEDROCK_RUNTIME = "AMAZON_BEDROCK_RUNTIME"

    @property
    def served(self) -> bool:
        """Whether the local server runs this type's requests."""
        return self in _SERVED


_SERVED = frozenset(
    {
        DataSourceType.NONE,
        DataSourceType.AWS_LAMBDA,
        DataSourceType.AMAZON_DYNAMODB,
        DataSourceType.HTTP,
        DataSourceType.AWS_STEP_FUNCTIONS,
    }
)


@dataclass(frozen=True, slots=True)
class DeltaSyncConfig:
    """`deltaSyncConfig`: TTLs in minutes, as AppSync's DeltaSyncConfig takes them."""

    base_table_ttl: int
    delta_sync_table_name: str
    delta_sync_table_ttl: int


@dataclass(frozen=True, slots=True)
class DynamoDBConfig:
    """`dynamodbConfig`. `endpoint` is local: a DynamoDB endpoint (DynamoDB Local, real
    DynamoDB) reached through boto3 instead of the embedded backend."""

    table_name: str
    aws_region: str = DEFAULT_REGION
    use_caller_credentials: bool = False
    versioned: bool = False
    delta_sync_config: DeltaSyncConfig | None = None
    endpoint: str | None = None


@dataclass(frozen=True, slots=True)
class AwsIamConfig:
    """`httpConfig.authorizationConfig.awsIamConfig`."""

    signing_region: str
    signing_service_name: str


@dataclass(frozen=True, slots=True)
class HttpConfig:
    """`httpConfig`: the endpoint, and the SigV4 signing when `authorizationType` is AWS_IAM."""

    endpoint: str
    aws_iam: AwsIamConfig | None = None


@dataclass(frozen=True, slots=True)
class DataSourceSpec:
    name: str
    type: DataSourceType
    description: str | None
    lambda_handler: str | None  # local `lambdaConfig.handler`: "module:function"
    dynamodb: DynamoDBConfig | None = None  # `dynamodbConfig`, for AMAZON_DYNAMODB
    http: HttpConfig | None = None  # `httpConfig`, for HTTP
    state_machine_arn: str | None = None  # local `stepFunctionsConfig.stateMachineArn`
    # `lambdaConfig.lambdaFunctionArn`: a declared function's local ARN, or a function behind
    # `lambda_endpoint` (local `lambdaConfig.endpoint`: another Lambda endpoint's URL).
    lambda_function_arn: str | None = None
    lambda_endpoint: str | None = None


class ConflictDetectionType(StrEnum):
    """`syncConfig.conflictDetection`."""

    VERSION = "VERSION"
    NONE = "NONE"


class ConflictHandlerType(StrEnum):
    """`syncConfig.conflictHandler`."""

    OPTIMISTIC_CONCURRENCY = "OPTIMISTIC_CONCURRENCY"
    AUTOMERGE = "AUTOMERGE"
    LAMBDA = "LAMBDA"
    NONE = "NONE"


@dataclass(frozen=True, slots=True)
class SyncConfig:
    """`syncConfig` of a resolver or function ("Conflict detection and resolution"): what a
    write through a versioned data source does when the client's `_version` is stale.
    `lambda_conflict_handler_arn` is `lambdaConflictHandlerConfig.lambdaConflictHandlerArn`, a
    function of the local Lambda runtime; `lambda_conflict_handler` is local, a Python
    `module:function` called in the server's process in its place."""

    conflict_detection: ConflictDetectionType
    conflict_handler: ConflictHandlerType = ConflictHandlerType.NONE
    lambda_conflict_handler: str | None = None
    lambda_conflict_handler_arn: str | None = None

    @property
    def detects_conflicts(self) -> bool:
        return self.conflict_detection is ConflictDetectionType.VERSION


@dataclass(frozen=True, slots=True)
class CachingConfig:
    """`cachingConfig` of a resolver: its entries' TTL in seconds, and the `$context.arguments`,
    `$context.source` and `$context.identity` paths its cache key is made of."""

    ttl: int
    caching_keys: tuple[str, ...] = ()


class FieldLogLevel(StrEnum):
    NONE = "NONE"
    ERROR = "ERROR"
    ALL = "ALL"
    INFO = "INFO"
    DEBUG = "DEBUG"


@dataclass(frozen=True, slots=True)
class LogConfig:
    """`logConfig`: kept for field-level logging, which the local log does not follow yet."""

    field_log_level: FieldLogLevel
    cloud_watch_logs_role_arn: str | None = None
    exclude_verbose_content: bool = False


class Runtime(StrEnum):
    """APPSYNC_JS is AppSync's JavaScript runtime (`runtime: {name: APPSYNC_JS, runtimeVersion:
    1.0.0}`, AppSyncRuntime); VTL its mapping templates; PYTHON is local only, APPSYNC_JS's shape
    (`request(ctx)` / `response(ctx)`) for Python users."""

    APPSYNC_JS = "APPSYNC_JS"
    PYTHON = "PYTHON"
    VTL = "VTL"


class ResolverKind(StrEnum):
    UNIT = "UNIT"
    PIPELINE = "PIPELINE"


@dataclass(frozen=True, slots=True)
class CodeSpec:
    """A resolver's or function's handlers: APPSYNC_JS or PYTHON code, or two VTL templates,
    each a file or inline text."""

    runtime: Runtime
    code: Source | None
    request_mapping_template: Source | None
    response_mapping_template: Source | None


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """A pipeline function; `key_path` is where the definition states it."""

    name: str
    data_source_name: str
    code: CodeSpec
    key_path: str
    sync_config: SyncConfig | None = None


@dataclass(frozen=True, slots=True)
class ResolverSpec:
    """A resolver on `type_name.field_name`; `key_path` is where the definition states it."""

    type_name: str
    field_name: str
    kind: ResolverKind
    data_source_name: str | None
    code: CodeSpec | None  # None: a direct Lambda resolver, or a pipeline without before/after
    functions: tuple[str, ...]
    max_batch_size: int
    key_path: str
    sync_config: SyncConfig | None = None
    caching_config: CachingConfig | None = None


class IntrospectionConfig(StrEnum):
    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


@dataclass(frozen=True, slots=True)
class TableDeclaration:
    """A table of the embedded DynamoDB, created at start: `create_table_input` is DynamoDB's
    CreateTable input as written, plus UpdateTimeToLive's attribute and a local seed file."""

    table_name: str
    create_table_input: Mapping[str, Any]
    time_to_live_attribute: str | None = None
    seed: Path | None = None


@dataclass(frozen=True, slots=True)
class EmbeddedDynamoDBSettings:
    """The embedded DynamoDB: the tables to create at start, and an extra listener of the AWS
    endpoint for scripts written against DynamoDB Local on a fixed port (host None: none, the
    default; port 0: a free one)."""

    tables: tuple[TableDeclaration, ...] = ()
    endpoint_host: str | None = None
    endpoint_port: int = 0


class StepFunctionsTarget(StrEnum):
    EMBEDDED = "EMBEDDED"
    AWS = "AWS"


class StateMachineType(StrEnum):
    STANDARD = "STANDARD"
    EXPRESS = "EXPRESS"


@dataclass(frozen=True, slots=True)
class StateMachineSpec:
    """A state machine created at start: its Amazon States Language `definition` (a file, or
    the text a template gives, substitutions made)."""

    name: str
    definition: Source
    type: StateMachineType = StateMachineType.STANDARD
    # CreateStateMachine's `loggingConfiguration` as its wire spells it (None: OFF).
    logging_configuration: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ConnectionSpec:
    """An EventBridge connection as HTTP Tasks use it: the headers it adds to each request."""

    connection_arn: str
    headers: dict[str, str]


@dataclass(frozen=True, slots=True)
class StepFunctionsSettings:
    """The embedded Step Functions engine (or real AWS, `target` AWS) and what it declares at
    start; `declared` is False when the definition says nothing about it.
    `service_integrations` is where the embedded engine's Task states call AWS services: the
    embedded ones on the AWS endpoint, signed with its declared key (EMBEDDED), or real AWS with
    the process's own credentials (AWS, an explicit opt-in)."""

    target: StepFunctionsTarget = StepFunctionsTarget.EMBEDDED
    service_integrations: StepFunctionsTarget = StepFunctionsTarget.EMBEDDED
    region: str = "us-east-1"
    account_id: str = "123456789012"
    database: Path | None = None
    activities: tuple[str, ...] = ()
    state_machines: tuple[StateMachineSpec, ...] = ()
    connections: tuple[ConnectionSpec, ...] = ()
    api_url: str | None = None
    endpoint: str | None = None
    declared: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class LambdaFunctionSpec:
    """An `AWS::Lambda::Function` (or SAM's `AWS::Serverless::Function`) as its template
    declares it, with CloudFormation's property names and defaults (Timeout 3 s, MemorySize
    128 MB) and its code on the local disk: `code` is the directory of the function's code (a
    local `Code`/`CodeUri` path or a CDK asset), or its inline `Code.ZipFile`. `layers` are the
    local directories of the layers the template declares itself; `layer_arns` the others, which
    are not available locally. `arn` is the local ARN (`arn:aws:lambda:<region>:<account>:
    function:<name>`) that data sources and `!GetAtt Fn.Arn` name. The local Lambda runtime
    (`functions/`) runs them; `concurrency_limit` (its worker processes) and `python_executable`
    (another interpreter or virtual environment for a Python function) and `requirements` (a
    Python function's requirements.txt, installed for it) and `built_from` are local
    additions."""

    function_name: str
    arn: str
    runtime: str | None
    handler: str | None
    code: Source | None
    environment: Mapping[str, str] = field(default_factory=dict)
    timeout: int = 3
    memory_size: int = 128
    reserved_concurrent_executions: int | None = None
    layers: tuple[Path, ...] = ()
    layer_arns: tuple[str, ...] = ()
    architectures: tuple[str, ...] = ("x86_64",)
    package_type: str = "Zip"
    concurrency_limit: int | None = None
    python_executable: Path | None = None
    requirements: Path | None = None
    # The execution role (`Role`): the function signs as a session of it (`appsync.
    # functions_embedded`), as Lambda's functions do.
    role_arn: str | None = None
    # The source folder a build step made `code` from (a SAM function built with esbuild):
    # watched for changes, as `code` is.
    built_from: Path | None = None


@dataclass(frozen=True, slots=True)
class RealtimeSpec:
    """The realtime endpoint: without `redis_url` the broker is in memory (one process); a
    knob left None keeps the endpoint's default, AppSync's value."""

    redis_url: str | None = None
    keep_alive_interval_seconds: float | None = None
    inbox_capacity: int | None = None


@dataclass(frozen=True, slots=True)
class TlsSpec:
    """The certificate and key files, or a self-signed one for localhost."""

    cert_file: Path | None = None
    key_file: Path | None = None
    self_signed: bool = False


@dataclass(frozen=True, slots=True)
class AccessKey:
    """An access key ID and its secret (AWS's `AccessKeyId` / `SecretAccessKey`)."""

    access_key_id: str
    secret_access_key: str


# The pair moto's and LocalStack's documentation configure; printed by `serve`.
TEST_ACCESS_KEY = AccessKey("testing", "testing")


@dataclass(frozen=True, slots=True)
class AwsEndpointSettings:
    """Local `server.aws`: the one AWS endpoint on the server's port. `credentials` are the keys
    its SigV4 verification accepts; `region` is the one `serve` prints for clients (None: the
    Step Functions engine's); `trust_embedded_iam` also accepts keys minted in the embedded IAM."""

    credentials: tuple[AccessKey, ...] = (TEST_ACCESS_KEY,)
    region: str | None = None
    trust_embedded_iam: bool = False


class StartingPosition(StrEnum):
    """Where a DynamoDB stream mapping starts reading: the oldest record kept, or the next."""

    TRIM_HORIZON = "TRIM_HORIZON"
    LATEST = "LATEST"


@dataclass(frozen=True, slots=True)
class StreamMappingSpec:
    """An `AWS::Lambda::EventSourceMapping` from a table's DynamoDB stream to a declared function
    (Lambda's CreateEventSourceMapping, with its defaults: 100 records a batch, retried until it
    succeeds, no batching window, no filters, no record age, the batch retried whole, no
    destination). `key_path` is where the definition states it."""

    function_name: str
    table_name: str
    event_source_arn: str
    starting_position: StartingPosition
    batch_size: int = 100
    maximum_retry_attempts: int = -1
    maximum_batching_window_seconds: int = 0
    enabled: bool = True
    key_path: str = ""
    # FilterCriteria's patterns (none: every record is delivered).
    filters: tuple[FilterPattern, ...] = ()
    # FunctionResponseTypes holds ReportBatchItemFailures.
    report_batch_item_failures: bool = False
    bisect_batch_on_function_error: bool = False
    # -1: records never age out.
    maximum_record_age_seconds: int = -1
    # DestinationConfig.OnFailure.Destination: an SQS queue's or SNS topic's ARN.
    on_failure_destination: str | None = None


@dataclass(frozen=True, slots=True)
class ServerSpec:
    """What only the local server has: AppSync does not expose these."""

    # AppSync ends every request after 30 seconds (aws-appsync-community#43: "30 seconds is a
    # hard limit"); a shorter value makes the limit testable.
    execution_timeout_seconds: float = 30.0
    max_request_body_bytes: int = 5 * 1024 * 1024
    domain_name: str | None = None
    dynamodb: EmbeddedDynamoDBSettings = field(default_factory=EmbeddedDynamoDBSettings)
    step_functions: StepFunctionsSettings = field(default_factory=StepFunctionsSettings)
    realtime: RealtimeSpec = field(default_factory=RealtimeSpec)
    tls: TlsSpec | None = None  # None: plain HTTP
    aws: AwsEndpointSettings = field(default_factory=AwsEndpointSettings)
    # Host names answered besides loopback ones while serving on loopback (DNS rebinding).
    allowed_hosts: tuple[str, ...] = ()
    # `server.apiCache.redisUrl`: the Redis the API cache lives in (None: this process's memory).
    api_cache_redis_url: str | None = None
    # What a definition declares beside the API, for the embedded services: the local Lambda
    # runtime runs the functions (`server.lambda`, or a template's); user pools are created in
    # the embedded Cognito at start.
    lambda_functions: tuple[LambdaFunctionSpec, ...] = ()
    user_pools: tuple[UserPoolSpec, ...] = ()
    identity_pools: tuple[IdentityPoolSpec, ...] = ()
    # A template's event source mappings from tables' DynamoDB streams to those functions.
    stream_mappings: tuple[StreamMappingSpec, ...] = ()
    # Where Node.js functions resolve the AWS SDK for JavaScript (None: the default directory).
    node_sdk_directory: Path | None = None
    # A template's SQS queues, SNS topics and S3 buckets, created in the embedded services.
    resources: ServiceResources = field(default_factory=ServiceResources)


class ApiCachingBehavior(StrEnum):
    """`apiCachingBehavior` of the API's cache (CreateApiCache)."""

    FULL_REQUEST_CACHING = "FULL_REQUEST_CACHING"
    PER_RESOLVER_CACHING = "PER_RESOLVER_CACHING"
    OPERATION_LEVEL_CACHING = "OPERATION_LEVEL_CACHING"


@dataclass(frozen=True, slots=True)
class ApiCacheSpec:
    """`apiCache` / `AWS::AppSync::ApiCache`: AppSync's CreateApiCache. `type` and the
    encryption flags size and protect AWS's cache instance and are kept as given."""

    api_caching_behavior: ApiCachingBehavior
    type: str
    ttl: int
    at_rest_encryption_enabled: bool = False
    transit_encryption_enabled: bool = False


@dataclass(frozen=True, slots=True)
class ApiDefinition:
    """One GraphQL API: `file` is the definition it was read from; paths are resolved. What a
    definition may leave out has AppSync's default (no depth limit, 10000 resolvers a request,
    introspection enabled)."""

    file: Path
    name: str
    schema: tuple[Source, ...]
    authentication: AuthProviderSpec
    additional_authentication_providers: tuple[AuthProviderSpec, ...] = ()
    api_keys: tuple[ApiKeySpec, ...] = ()
    data_sources: tuple[DataSourceSpec, ...] = ()
    functions: tuple[FunctionSpec, ...] = ()
    resolvers: tuple[ResolverSpec, ...] = ()
    query_depth_limit: int = 0
    resolver_count_limit: int = 10000
    introspection: IntrospectionConfig = IntrospectionConfig.ENABLED
    log_config: LogConfig | None = None
    server: ServerSpec = field(default_factory=ServerSpec)
    # Fields accepted as AppSync accepts them that the local server does not act on (yet).
    notices: tuple[Notice, ...] = ()
    api_cache: ApiCacheSpec | None = None
    # `environmentVariables`: what resolvers read as `ctx.env` / `$ctx.env` (hash=False: a dict).
    environment_variables: Mapping[str, str] = field(default_factory=dict, hash=False)
    # A template's: where each part of the model was stated, by the model's key path
    # (`resolvers[0]`, `dataSources[1].dynamodbConfig`), for `problem`.
    origins: Mapping[str, Origin] = field(default_factory=dict, compare=False)
    # A template's: the other templates read with it (its nested stacks', the stacks it was
    # deployed with), which a change to makes a reload.
    templates: tuple[Path, ...] = ()

    @property
    def base_dir(self) -> Path:
        return self.file.parent

    def problem(self, key_path: str, message: str) -> Problem:
        """A problem at `key_path` of the model (`resolvers[0].typeName`), where the definition
        states it: the key path itself in our own file; in a template, the resource's logical id
        and its property path (`GetPost`, `Properties.TypeName`)."""
        for prefix in _prefixes(key_path):
            origin = self.origins.get(prefix)
            if origin is not None:
                return origin.problem(key_path[len(prefix) :], message)
        return Problem(str(self.file), key_path, message)

    @property
    def dynamodb_configs(self) -> tuple[DynamoDBConfig, ...]:
        """The `dynamodbConfig` of every AMAZON_DYNAMODB data source, in definition order."""
        return tuple(spec.dynamodb for spec in self.data_sources if spec.dynamodb is not None)


def _prefixes(key_path: str) -> list[str]:
    """`a.b[0].c` -> `a.b[0].c`, `a.b[0]`, `a.b`, `a`: the longest first."""
    cuts = [index for index, char in enumerate(key_path) if char in ".["]
    return [key_path, *(key_path[:cut] for cut in reversed(cuts) if cut)]
