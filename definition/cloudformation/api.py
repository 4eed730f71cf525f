"""A CloudFormation template (YAML or JSON) read into an `ApiDefinition`.

`read_cloudformation(path, settings)` loads the template and reads its one AppSync API;
`read_stack(stack)` does the reading for any `Stack`, so that SAM (after its transform), each
stack of a `cdk.out`, a Serverless service's resources and an Amplify build are read the same
way. A stack is read with its nested stacks (`AWS::CloudFormation::Stack`), as one: the API is
the one `AWS::AppSync::GraphQLApi` among them; its schema, keys, cache, data sources, functions
and resolvers are the AppSync resources, in any of them, whose `ApiId` is its id. Tables, state
machines, Lambda functions and user pools are the embedded services' (`ServerSpec`). IAM
resources are accepted (requests are not authorized by IAM policies locally); every other
resource type is named once in a notice as not emulated. Every problem is collected with the
resource's logical id and property path before failing, and where each part of the model came
from is kept (`ApiDefinition.origins`), so problems found later, when the API is built, name
the resource too.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from definition.cloudformation.appsync_api import (
    read_api_cache,
    read_api_keys,
    read_graphql_api,
    read_schema,
)
from definition.cloudformation.appsync_data_sources import read_data_sources
from definition.cloudformation.appsync_resolvers import read_functions, read_resolvers
from definition.cloudformation.assets import LocalAssets
from definition.cloudformation.bucket_deployments import (
    BUCKET_DEPLOYMENT,
    read_bucket_deployments,
)
from definition.cloudformation.cognito import (
    IDENTITY_POOL,
    ROLE_ATTACHMENT,
    USER_POOL_GROUP,
    read_identity_pools,
    read_user_pools,
)
from definition.cloudformation.dynamodb import read_tables
from definition.cloudformation.event_sources import EVENT_SOURCE_MAPPING, read_stream_mappings
from definition.cloudformation.iam import read_roles
from definition.cloudformation.lambda_ import read_lambda_functions
from definition.cloudformation.messaging import (
    POLICIES,
    QUEUE,
    SUBSCRIPTION,
    TOPIC,
    read_queues,
    read_topics,
)
from definition.cloudformation.names import AMPLIFY_IMPORTED_TABLE, AMPLIFY_TABLE
from definition.cloudformation.parameters import StackSettings
from definition.cloudformation.properties import Part
from definition.cloudformation.queue_sources import read_queue_mappings
from definition.cloudformation.s3 import BUCKET, read_buckets
from definition.cloudformation.s3_notifications import NOTIFICATIONS, read_custom_notifications
from definition.cloudformation.ssm import PARAMETER, read_parameters
from definition.cloudformation.stack import NESTED_STACK, Resource, Stack
from definition.cloudformation.step_functions import read_state_machines
from definition.cloudformation.template import Template, load_template
from definition.errors import InvalidDefinitionError, TemplateValueError
from definition.model import (
    ApiDefinition,
    EmbeddedDynamoDBSettings,
    ServerSpec,
    Source,
    StateMachineSpec,
    StepFunctionsSettings,
    TableDeclaration,
)
from definition.problems import Notice, Origin
from definition.service_resources import (
    BucketDeploymentSpec,
    BucketNotificationSpec,
    BucketSpec,
    ParameterSpec,
    QueueMappingSpec,
    QueueSpec,
    ServiceResources,
    SubscriptionSpec,
    TopicSpec,
)

GRAPHQL_API = "AWS::AppSync::GraphQLApi"
_EVENT_API = "AWS::AppSync::Api"
_PARTS = (
    *["AWS::AppSync::GraphQLSchema", "AWS::AppSync::ApiKey", "AWS::AppSync::ApiCache"],
    *["AWS::AppSync::DataSource", "AWS::AppSync::FunctionConfiguration", "AWS::AppSync::Resolver"],
)
_READ = (
    GRAPHQL_API,
    *_PARTS,
    *["AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::StepFunctions::StateMachine"],
    AMPLIFY_TABLE,
    AMPLIFY_IMPORTED_TABLE,
    *["AWS::Lambda::Function", "AWS::Lambda::LayerVersion", "AWS::Cognito::UserPool"],
    *["AWS::Cognito::UserPoolClient", NESTED_STACK, EVENT_SOURCE_MAPPING, USER_POOL_GROUP],
    *[IDENTITY_POOL, ROLE_ATTACHMENT],
    *[QUEUE, TOPIC, SUBSCRIPTION, BUCKET, NOTIFICATIONS, *POLICIES, PARAMETER, BUCKET_DEPLOYMENT],
)
# Resources that grant or record, with nothing to do locally: IAM is not enforced, Lambda
# permissions are not checked, CDK's metadata is CDK's own.
_ACCEPTED = (
    *["AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::Lambda::Permission"],
    "AWS::CDK::Metadata",
)


def read_cloudformation(path: Path, settings: StackSettings) -> ApiDefinition:
    """Read a template file's API; raises InvalidDefinitionError listing every problem."""
    template = load_template(path)
    return read_stack(Stack(template, settings, LocalAssets(template.base_dir)))


def graphql_apis(template: Template) -> list[str]:
    """The logical ids of a template's AppSync APIs (whatever their conditions)."""
    return [
        logical_id
        for logical_id, body in template.section("Resources").items()
        if isinstance(body, dict) and body.get("Type") == GRAPHQL_API
    ]


def read_stack(stack: Stack) -> ApiDefinition:
    """The API of one stack and its nested stacks; raises InvalidDefinitionError listing every
    problem."""
    stacks = list(stack.tree())
    found = _the_api(stack, stacks)
    if found is None:
        raise InvalidDefinitionError(stack.problems)
    api_stack, api = found
    origins: dict[str, Origin] = {}
    settings = read_graphql_api(api_stack, api, origins)
    parts = _parts(stacks, api_stack, api)
    schema = read_schema(parts["AWS::AppSync::GraphQLSchema"], origins)
    if not any(each.of_type("AWS::AppSync::GraphQLSchema") for each in stacks):
        api_stack.problem(api.logical_id, "", "the API has no AWS::AppSync::GraphQLSchema")
    keys = read_api_keys(parts["AWS::AppSync::ApiKey"])
    cache = read_api_cache(parts["AWS::AppSync::ApiCache"])
    sources = read_data_sources(parts["AWS::AppSync::DataSource"], origins)
    functions, function_ids = read_functions(
        parts["AWS::AppSync::FunctionConfiguration"], sources, origins
    )
    resolvers = read_resolvers(parts["AWS::AppSync::Resolver"], sources, function_ids, origins)
    tables: tuple[TableDeclaration, ...] = ()
    machines: tuple[StateMachineSpec, ...] = ()
    for each in stacks:
        tables += read_tables(each, origins, tables)
        machines += read_state_machines(each, origins, machines)
    lambda_functions = tuple(
        function for each in stacks for function in read_lambda_functions(each)
    )
    user_pools = tuple(
        pool
        for each in stacks
        for pool in read_user_pools(each, [other for other in stacks if other is not each])
    )
    identity_pools = tuple(pool for each in stacks for pool in read_identity_pools(each))
    mappings = tuple(mapping for each in stacks for mapping in read_stream_mappings(each, tables))
    resources = _service_resources(stacks, _local_urls(api_stack, api))
    for each in stacks:
        _note_other_types(each)
    schemas: tuple[Source, ...] = () if schema is None else (schema,)
    if stack.problems or settings is None or schema is None:
        raise InvalidDefinitionError(stack.problems, schemas)
    server = ServerSpec(
        dynamodb=EmbeddedDynamoDBSettings(tables=tables),
        step_functions=StepFunctionsSettings(
            region=stack.region,
            account_id=stack.settings.account_id,
            state_machines=machines,
            declared=bool(machines),
        ),
        lambda_functions=lambda_functions,
        user_pools=user_pools,
        identity_pools=identity_pools,
        stream_mappings=mappings,
        resources=resources,
    )
    return ApiDefinition(
        file=stack.template.file,
        templates=tuple(each.template.file for each in stacks if each is not stack),
        name=settings.name,
        schema=schemas,
        authentication=settings.authentication,
        additional_authentication_providers=settings.additional,
        api_keys=keys,
        data_sources=sources,
        functions=functions,
        resolvers=resolvers,
        query_depth_limit=settings.query_depth_limit,
        resolver_count_limit=settings.resolver_count_limit,
        introspection=settings.introspection,
        log_config=settings.log_config,
        environment_variables=settings.environment_variables,
        server=server,
        notices=tuple(stack.notices),
        api_cache=cache,
        origins=origins,
    )


def _local_urls(stack: Stack, api: Resource) -> dict[str, str]:
    """The API's cloud-shaped `GraphQLUrl` (`definition.cloudformation.names`), mapped to the
    server's own, which the functions reading it from a parameter reach."""
    cloud = str(stack.get_att(api.logical_id, "GraphQLUrl", ""))
    return {cloud: f"{stack.settings.endpoint_url.rstrip('/')}/graphql"}


def _service_resources(stacks: list[Stack], urls: dict[str, str]) -> ServiceResources:
    """The queues, topics, subscriptions, buckets (and their deployments) and parameters of
    every stack, each name once; `urls`: what a parameter's cloud URL is locally."""
    queues: list[QueueSpec] = []
    mappings: list[QueueMappingSpec] = []
    topics: list[TopicSpec] = []
    subscriptions: list[SubscriptionSpec] = []
    buckets: list[BucketSpec] = []
    parameters: list[ParameterSpec] = []
    deployments: list[BucketDeploymentSpec] = []
    added: list[tuple[Stack, str, tuple[BucketNotificationSpec, ...], str]] = []
    for stack in stacks:
        queues += read_queues(stack)
        stack_topics, stack_subscriptions = read_topics(stack)
        topics += stack_topics
        subscriptions += stack_subscriptions
        buckets += read_buckets(stack)
        added += [(stack, *found) for found in read_custom_notifications(stack)]
        mappings += read_queue_mappings(stack)
        parameters += read_parameters(stack, urls)
        deployments += read_bucket_deployments(stack)
    buckets = _with_notifications(buckets, added)
    for kind, names in (
        ("queue", [(queue.queue_name, queue.key_path) for queue in queues]),
        ("topic", [(topic.topic_arn, topic.key_path) for topic in topics]),
        ("bucket", [(bucket.bucket_name, bucket.key_path) for bucket in buckets]),
        ("parameter", [(parameter.name, parameter.key_path) for parameter in parameters]),
    ):
        seen: set[str] = set()
        for name, key_path in names:
            if name in seen:
                logical_id, _, path = key_path.partition(".")
                stacks[0].problem(logical_id, path, f"the {kind} {name} is declared twice")
            seen.add(name)
    return ServiceResources(
        tuple(queues),
        tuple(topics),
        tuple(subscriptions),
        tuple(buckets),
        tuple(mappings),
        tuple(parameters),
        tuple(deployments),
        read_roles(stacks),
    )


def _with_notifications(
    buckets: list[BucketSpec],
    added: list[tuple[Stack, str, tuple[BucketNotificationSpec, ...], str]],
) -> list[BucketSpec]:
    """`buckets` with the configurations of the `Custom::S3BucketNotifications` naming them; one
    naming a bucket of no stack (an imported one) is noticed."""
    by_name = {bucket.bucket_name: bucket for bucket in buckets}
    for stack, name, notifications, key_path in added:
        bucket = by_name.get(name)
        if bucket is None:
            stack.notices.append(
                Notice(
                    stack.file,
                    key_path,
                    f"names the bucket {name}, which no stack declares: accepted, and no "
                    "notification is sent locally",
                )
            )
            continue
        by_name[name] = replace(bucket, notifications=bucket.notifications + notifications)
    return list(by_name.values())


def _the_api(stack: Stack, stacks: list[Stack]) -> tuple[Stack, Resource] | None:
    apis = [(each, api) for each in stacks for api in each.of_type(GRAPHQL_API)]
    if not apis:
        stack.problem(None, "Resources", f"the template declares no {GRAPHQL_API}")
        return None
    if len(apis) > 1:
        names = ", ".join(api.logical_id for _, api in apis)
        stack.problem(
            None,
            "Resources",
            f"the template declares {len(apis)} AppSync APIs ({names}); appsync-local serves "
            "one API: keep one per template (a stack of cdk.out is chosen with --stack)",
        )
        return None
    return apis[0]


def _parts(stacks: list[Stack], api_stack: Stack, api: Resource) -> dict[str, list[Part]]:
    """The API's schema, keys, cache, data sources, functions and resolvers, each with its
    evaluated properties: the AppSync resources whose `ApiId` is the API's id."""
    api_id = api_stack.names.api_id(api.logical_id)
    events = _event_apis(stacks)
    parts: dict[str, list[Part]] = {kind: [] for kind in _PARTS}
    for stack in stacks:
        for resource in stack.of_type(*_PARTS):
            properties = stack.properties(resource.logical_id)
            if properties is None:
                continue
            owner = properties.get("ApiId")
            if isinstance(owner, str) and owner in events:
                stack.notices.append(
                    Notice(
                        stack.file,
                        resource.logical_id,
                        f"belongs to the AppSync Events API {events[owner]} "
                        f"({_EVENT_API} is not emulated): accepted, and nothing is created "
                        "for it locally",
                    )
                )
                continue
            if owner != api_id:
                stack.problem(
                    resource.logical_id,
                    "Properties.ApiId",
                    f"names the API {owner!r}, not this template's {api.logical_id} "
                    f"(write !GetAtt {api.logical_id}.ApiId)",
                )
                continue
            parts[resource.type].append(Part(stack, resource, properties))
    return parts


def _event_apis(stacks: list[Stack]) -> dict[str, str]:
    """The ids of the template's AppSync Events APIs (`AWS::AppSync::Api`), which an
    `AWS::AppSync::ApiKey` or `DataSource` may belong to as well: id -> logical id."""
    found: dict[str, str] = {}
    for stack in stacks:
        for resource in stack.of_type(_EVENT_API):
            try:
                found[str(stack.get_att(resource.logical_id, "ApiId", ""))] = resource.logical_id
            except TemplateValueError:
                continue
    return found


def _note_other_types(stack: Stack) -> None:
    """One notice per resource type that is neither read nor accepted."""
    others: dict[str, list[str]] = {}
    for logical_id, resource in stack.resources.items():
        if resource.type not in _READ and resource.type not in _ACCEPTED:
            others.setdefault(resource.type, []).append(logical_id)
    for kind, logical_ids in others.items():
        stack.notices.append(
            Notice(
                stack.file,
                ", ".join(logical_ids),
                f"{kind} is not emulated: accepted, and nothing is created for it locally",
            )
        )
