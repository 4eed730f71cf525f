"""The local names of a template's resources: what `Ref` and `Fn::GetAtt` return for each.

Each value is what the resource's CloudFormation page says `Ref` and `Fn::GetAtt` return,
made for the embedded services, so that names agree wherever they are used: a table's `Ref` is
its name in the embedded DynamoDB (`TableName`, or the `<stack>-<logicalId>-<SUFFIX>` name
CloudFormation generates when it is absent), a function's `Arn` is the local
`arn:aws:lambda:<region>:<account>:function:<name>`, a state machine's `Ref` its ARN in the
embedded engine, an AppSync API's `GraphQLUrl` the cloud-shaped URL the server answers to.
Generated parts (suffixes, API ids, keys, pool ids) are derived from the stack's name and the
logical id, so they are the same on every start. A resource type that is not emulated has
stand-ins, so that a template passing them to what is not served locally either (a state
machine's log group, a role's policy) still reads: its `Ref` is a generated physical id, an
attribute named `Arn` or `...Arn` an ARN of that id, any other attribute the id itself.
"""

from __future__ import annotations

import hashlib
import string
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from definition.cloudformation.parameters import StackSettings, partition, stack_id
from definition.errors import TemplateValueError

_UPPER = string.ascii_uppercase + string.digits
_LOWER = string.ascii_lowercase + string.digits
_MIXED = string.ascii_letters + string.digits


class Properties(Protocol):
    """A resource's properties, each evaluated when first asked for."""

    def property(self, logical_id: str, name: str) -> Any: ...


def derived(seed: str, length: int, alphabet: str = _UPPER) -> str:
    """`length` characters of `alphabet`, always the same for `seed`."""
    digest = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    characters = []
    for _ in range(length):
        digest, index = divmod(digest, len(alphabet))
        characters.append(alphabet[index])
    return "".join(characters)


class LocalNames:
    """`Ref` and `Fn::GetAtt` of each resource of one stack."""

    def __init__(
        self, settings: StackSettings, types: Mapping[str, str], properties: Properties
    ) -> None:
        self.settings = settings
        self.types = types
        self.properties = properties

    # -- what Ref and Fn::GetAtt return

    def ref(self, logical_id: str, path: str) -> Any:
        kind = self.types[logical_id]
        handler = _REFS.get(kind)
        if handler is None:
            return self.generated_name(logical_id)
        return handler(self, logical_id)

    def get_att(self, logical_id: str, attribute: str, path: str) -> Any:
        kind = self.types[logical_id]
        attributes = _ATTRIBUTES.get(kind)
        if attributes is None:
            return self.stand_in(logical_id, attribute)
        handler = attributes.get(attribute)
        if handler is None:
            known = ", ".join(attributes) or "none"
            raise TemplateValueError(
                path, f"an {kind} has no attribute {attribute!r} (it has: {known})"
            )
        return handler(self, logical_id)

    def stand_in(self, logical_id: str, attribute: str) -> str:
        """An attribute of a resource that is not emulated: `AWS::Logs::LogGroup`'s `Arn` is
        `arn:aws:logs:<region>:<account>:loggroup/<generated name>`."""
        # AWS differs: CloudFormation gives the real resource's value; nothing local has one.
        name = self.generated_name(logical_id)
        if not attribute.endswith("Arn"):
            return name
        _, service, kind = [*self.types[logical_id].split("::"), "", ""][:3]
        return self.arn(service.lower(), f"{kind.lower()}/{name}")

    # -- the parts names are made of

    def seed(self, logical_id: str) -> str:
        return f"{self.settings.stack_name}/{logical_id}"

    def generated_name(self, logical_id: str, limit: int = 255) -> str:
        """`<stack>-<logicalId>-<SUFFIX>`, CloudFormation's generated physical name, cut to
        `limit` characters by shortening the stack's name and the logical id."""
        suffix = derived(self.seed(logical_id), 12)
        room = limit - len(suffix) - 2
        stack, logical = self.settings.stack_name, logical_id
        if len(stack) + len(logical) > room:
            logical = logical[: max(room // 2, room - len(stack))]
            stack = stack[: room - len(logical)]
        return f"{stack}-{logical}-{suffix}"

    def named(self, logical_id: str, key: str, limit: int = 255) -> str:
        """The resource's name property `key`, or the generated name."""
        value = self.properties.property(logical_id, key)
        return str(value) if value is not None else self.generated_name(logical_id, limit)

    def arn(self, service: str, resource: str, *, region: bool = True) -> str:
        settings = self.settings
        where = settings.region if region else ""
        return (
            f"arn:{partition(settings.region)}:{service}:{where}:{settings.account_id}:{resource}"
        )

    def api_id(self, logical_id: str) -> str:
        """The id AppSync gives an API: 26 lowercase letters and digits."""
        return derived(self.seed(logical_id), 26, _LOWER)

    def owning_api(self, logical_id: str) -> str:
        """The `ApiId` property of an AppSync resource (an API id, evaluated)."""
        return str(self.properties.property(logical_id, "ApiId") or "")

    def user_pool_id(self, logical_id: str) -> str:
        """`<region>_<9 letters and digits>`, as Cognito names pools."""
        return f"{self.settings.region}_{derived(self.seed(logical_id), 9, _MIXED)}"

    def identity_pool_id(self, logical_id: str) -> str:
        """`<region>:<uuid>`, as Cognito names identity pools."""
        hexadecimal = derived(self.seed(logical_id), 32, "0123456789abcdef")
        return f"{self.settings.region}:{uuid.UUID(hexadecimal)}"

    def client_id(self, logical_id: str) -> str:
        return derived(self.seed(logical_id), 26, _LOWER)

    def api_key(self, logical_id: str) -> str:
        """`da2-` and 26 characters, as AppSync writes API keys."""
        return "da2-" + derived(self.seed(logical_id), 26, _LOWER)

    def appsync_url(self, logical_id: str, kind: str, scheme: str) -> str:
        suffix = "amazonaws.com.cn" if self.settings.region.startswith("cn-") else "amazonaws.com"
        host = f"{self.api_id(logical_id)}.{kind}.{self.settings.region}.{suffix}"
        return f"{scheme}://{host}/graphql"


_Handler = Callable[[LocalNames, str], Any]


def _table_name(names: LocalNames, logical_id: str) -> str:
    return names.named(logical_id, "TableName")


def _table_arn(names: LocalNames, logical_id: str) -> str:
    return names.arn("dynamodb", f"table/{_table_name(names, logical_id)}")


# Amplify's model tables (Gen 2, and Gen 1's with the AMPLIFY_TABLE strategy): a custom
# resource whose `tableName` property names the table (the table manager's PhysicalResourceId).
AMPLIFY_TABLE = "Custom::AmplifyDynamoDBTable"
# A table a Gen 2 backend imports from Gen 1 (its manager checks it against the declaration).
AMPLIFY_IMPORTED_TABLE = "Custom::ImportedAmplifyDynamoDBTable"


def _amplify_table_name(names: LocalNames, logical_id: str) -> str:
    return names.named(logical_id, "tableName")


def _amplify_table_arn(names: LocalNames, logical_id: str) -> str:
    return names.arn("dynamodb", f"table/{_amplify_table_name(names, logical_id)}")


def _function_name(names: LocalNames, logical_id: str) -> str:
    return names.named(logical_id, "FunctionName", 64)


def _function_arn(names: LocalNames, logical_id: str) -> str:
    return names.arn("lambda", f"function:{_function_name(names, logical_id)}")


def _layer_arn(names: LocalNames, logical_id: str) -> str:
    return names.arn("lambda", f"layer:{names.named(logical_id, 'LayerName', 140)}:1")


def _state_machine_name(names: LocalNames, logical_id: str) -> str:
    value = names.properties.property(logical_id, "StateMachineName")
    if value is not None:
        return str(value)
    # CloudFormation names an unnamed state machine `<LogicalId>-<12 letters and digits>`.
    return f"{logical_id[:67]}-{derived(names.seed(logical_id), 12, _MIXED)}"


def _state_machine_arn(names: LocalNames, logical_id: str) -> str:
    return names.arn("states", f"stateMachine:{_state_machine_name(names, logical_id)}")


def _api_arn(names: LocalNames, logical_id: str) -> str:
    return names.arn("appsync", f"apis/{names.api_id(logical_id)}")


def _api_part_arn(kind: str, key: Callable[[LocalNames, str], str]) -> _Handler:
    """The ARN of a part of an API (`apis/<id>/datasources/<name>`)."""
    return lambda names, logical_id: names.arn(
        "appsync", f"apis/{names.owning_api(logical_id)}/{kind}/{key(names, logical_id)}"
    )


def _property(key: str) -> _Handler:
    return lambda names, logical_id: names.properties.property(logical_id, key)


def _function_id(names: LocalNames, logical_id: str) -> str:
    return derived(names.seed(logical_id) + "/function", 26, _LOWER)


def _resolver_key(names: LocalNames, logical_id: str) -> str:
    type_name = names.properties.property(logical_id, "TypeName")
    field_name = names.properties.property(logical_id, "FieldName")
    return f"{type_name}/resolvers/{field_name}"


def _user_pool_arn(names: LocalNames, logical_id: str) -> str:
    return names.arn("cognito-idp", f"userpool/{names.user_pool_id(logical_id)}")


def _provider_name(names: LocalNames, logical_id: str) -> str:
    return f"cognito-idp.{names.settings.region}.amazonaws.com/{names.user_pool_id(logical_id)}"


def identity_pool_name(names: LocalNames, logical_id: str) -> str:
    """`IdentityPoolName`, or the name CloudFormation generates (letters, digits and `_`)."""
    given = names.properties.property(logical_id, "IdentityPoolName")
    if given is not None:
        return str(given)
    return names.generated_name(logical_id, 128).replace("-", "_")


def _role_name(names: LocalNames, logical_id: str) -> str:
    return names.named(logical_id, "RoleName", 64)


def _role_arn(names: LocalNames, logical_id: str) -> str:
    path = names.properties.property(logical_id, "Path") or "/"
    return names.arn("iam", f"role{path}{_role_name(names, logical_id)}", region=False)


def _managed_policy_arn(names: LocalNames, logical_id: str) -> str:
    name = names.named(logical_id, "ManagedPolicyName", 128)
    return names.arn("iam", f"policy/{name}", region=False)


def _fifo_named(names: LocalNames, logical_id: str, kind: str, limit: int) -> str:
    """`<kind>Name`, or the generated name (at most `limit` characters), which ends in `.fifo`
    for a FIFO queue or topic (`Fifo<kind>` true), as SQS and SNS require."""
    value = names.properties.property(logical_id, f"{kind}Name")
    if value is not None:
        return str(value)
    fifo = names.properties.property(logical_id, f"Fifo{kind}")
    if fifo is True or str(fifo).lower() == "true":
        return names.generated_name(logical_id, limit - 5) + ".fifo"
    return names.generated_name(logical_id, limit)


def _queue_name(names: LocalNames, logical_id: str) -> str:
    """AWS::SQS::Queue's QueueName: at most 80 characters, SQS's limit."""
    return _fifo_named(names, logical_id, "Queue", 80)


def _queue_url(names: LocalNames, logical_id: str) -> str:
    """`<endpoint>/<account>/<name>`: the URL the embedded SQS answers GetQueueUrl with through
    the server's endpoint, which SDKs that send to the QueueUrl's own host reach too (the AWS
    SDK for JavaScript v3's SQS client does)."""
    # AWS differs: the queue's cloud URL is https://sqs.<region>.amazonaws.com/<account>/<name>.
    endpoint = names.settings.endpoint_url.rstrip("/")
    return f"{endpoint}/{names.settings.account_id}/{_queue_name(names, logical_id)}"


def _queue_arn(names: LocalNames, logical_id: str) -> str:
    return names.arn("sqs", _queue_name(names, logical_id))


def _topic_name(names: LocalNames, logical_id: str) -> str:
    """AWS::SNS::Topic's TopicName: at most 256 characters."""
    return _fifo_named(names, logical_id, "Topic", 256)


def _topic_arn(names: LocalNames, logical_id: str) -> str:
    return names.arn("sns", _topic_name(names, logical_id))


def _subscription_arn(names: LocalNames, logical_id: str) -> str:
    """`<topic ARN>:<uuid>`, as SNS names a subscription."""
    digits = derived(names.seed(logical_id), 32, "0123456789abcdef")
    uuid = "-".join((digits[:8], digits[8:12], digits[12:16], digits[16:20], digits[20:]))
    return f"{names.properties.property(logical_id, 'TopicArn')}:{uuid}"


def _bucket_name(names: LocalNames, logical_id: str) -> str:
    """`BucketName`, or the generated name: lowercase, at most 63 characters (S3's rules)."""
    value = names.properties.property(logical_id, "BucketName")
    if value is not None:
        return str(value)
    return names.generated_name(logical_id, 63).lower()


def _bucket_host(suffix: str) -> _Handler:
    """`<bucket>.<suffix>`, `{region}` in `suffix` the stack's region."""
    return lambda names, logical_id: (
        f"{_bucket_name(names, logical_id)}.{suffix.format(region=names.settings.region)}"
    )


def _nested_stack_id(names: LocalNames, logical_id: str) -> str:
    settings = names.settings
    name = names.generated_name(logical_id, 128)
    return stack_id(StackSettings(name, settings.region, settings.account_id))


def _parameter_name(names: LocalNames, logical_id: str) -> str:
    """AWS::SSM::Parameter's `Name`, or `CFN-<logical id>-<SUFFIX>` as CloudFormation names
    one it generates."""
    value = names.properties.property(logical_id, "Name")
    if value is not None:
        return str(value)
    return f"CFN-{logical_id}-{derived(names.seed(logical_id), 12, _MIXED)}"


_REFS: dict[str, _Handler] = {
    "AWS::CloudFormation::Stack": _nested_stack_id,
    "AWS::DynamoDB::Table": _table_name,
    "AWS::DynamoDB::GlobalTable": _table_name,
    AMPLIFY_TABLE: _amplify_table_name,
    AMPLIFY_IMPORTED_TABLE: _amplify_table_name,
    "AWS::Lambda::Function": _function_name,
    "AWS::Lambda::LayerVersion": _layer_arn,
    "AWS::StepFunctions::StateMachine": _state_machine_arn,
    "AWS::AppSync::GraphQLApi": _api_arn,
    "AWS::AppSync::GraphQLSchema": lambda names, logical_id: (
        f"{names.owning_api(logical_id)}GraphQLSchema"
    ),
    "AWS::AppSync::DataSource": _api_part_arn("datasources", _property("Name")),
    "AWS::AppSync::FunctionConfiguration": _api_part_arn("functions", _function_id),
    "AWS::AppSync::Resolver": _api_part_arn("types", _resolver_key),
    "AWS::AppSync::ApiKey": _api_part_arn("apikeys", lambda names, lid: names.api_key(lid)),
    "AWS::AppSync::ApiCache": lambda names, logical_id: f"{names.owning_api(logical_id)}ApiCache",
    "AWS::Cognito::UserPool": lambda names, logical_id: names.user_pool_id(logical_id),
    "AWS::Cognito::UserPoolClient": lambda names, logical_id: names.client_id(logical_id),
    # "Ref returns the name of the user pool group" (AWS::Cognito::UserPoolGroup).
    "AWS::Cognito::UserPoolGroup": lambda names, logical_id: names.named(logical_id, "GroupName"),
    "AWS::Cognito::IdentityPool": lambda names, logical_id: names.identity_pool_id(logical_id),
    "AWS::IAM::Role": _role_name,
    "AWS::IAM::Policy": lambda names, logical_id: names.generated_name(logical_id, 128),
    "AWS::IAM::ManagedPolicy": _managed_policy_arn,
    "AWS::SQS::Queue": _queue_url,
    "AWS::SNS::Topic": _topic_arn,
    "AWS::SNS::Subscription": _subscription_arn,
    "AWS::S3::Bucket": _bucket_name,
    "AWS::SSM::Parameter": _parameter_name,
}

_ATTRIBUTES: dict[str, dict[str, _Handler]] = {
    "AWS::DynamoDB::Table": {
        "Arn": _table_arn,
        # A stream label is the creation time; the local tables' is fixed.
        "StreamArn": lambda names, lid: f"{_table_arn(names, lid)}/stream/1970-01-01T00:00:00.000",
    },
    "AWS::Lambda::Function": {"Arn": _function_arn},
    "AWS::Lambda::LayerVersion": {"LayerVersionArn": _layer_arn},
    "AWS::StepFunctions::StateMachine": {
        "Arn": _state_machine_arn,
        "Name": _state_machine_name,
        "StateMachineRevisionId": _state_machine_arn,
    },
    "AWS::AppSync::GraphQLApi": {
        "ApiId": lambda names, logical_id: names.api_id(logical_id),
        "Arn": _api_arn,
        "GraphQLUrl": lambda names, lid: names.appsync_url(lid, "appsync-api", "https"),
        "GraphQLDns": lambda names, lid: names.appsync_url(lid, "appsync-api", "https")[8:-8],
        "RealtimeUrl": lambda names, lid: names.appsync_url(lid, "appsync-realtime-api", "wss"),
        "RealtimeDns": lambda names, lid: names.appsync_url(lid, "appsync-realtime-api", "wss")[
            6:-8
        ],
        "GraphQLEndpointArn": _api_arn,
    },
    "AWS::AppSync::DataSource": {
        "DataSourceArn": _api_part_arn("datasources", _property("Name")),
        "Name": _property("Name"),
    },
    "AWS::AppSync::FunctionConfiguration": {
        "FunctionId": _function_id,
        "FunctionArn": _api_part_arn("functions", _function_id),
        "Name": _property("Name"),
        "DataSourceName": _property("DataSourceName"),
    },
    "AWS::AppSync::Resolver": {
        "ResolverArn": _api_part_arn("types", _resolver_key),
        "TypeName": _property("TypeName"),
        "FieldName": _property("FieldName"),
    },
    "AWS::AppSync::ApiKey": {
        "ApiKey": lambda names, logical_id: names.api_key(logical_id),
        "ApiKeyId": lambda names, logical_id: names.api_key(logical_id),
        "Arn": _api_part_arn("apikeys", lambda names, lid: names.api_key(lid)),
    },
    "AWS::AppSync::GraphQLSchema": {},
    "AWS::AppSync::ApiCache": {},
    "AWS::Cognito::UserPool": {
        "Arn": _user_pool_arn,
        "ProviderName": _provider_name,
        "ProviderURL": lambda names, lid: f"https://{_provider_name(names, lid)}",
        "UserPoolId": lambda names, logical_id: names.user_pool_id(logical_id),
    },
    "AWS::Cognito::UserPoolClient": {
        "ClientId": lambda names, logical_id: names.client_id(logical_id),
        "Name": lambda names, lid: names.properties.property(lid, "ClientName") or lid,
        "ClientSecret": lambda names, lid: derived(names.seed(lid) + "/secret", 51, _LOWER),
    },
    "AWS::Cognito::IdentityPool": {
        "Name": lambda names, logical_id: identity_pool_name(names, logical_id),
        "Id": lambda names, logical_id: names.identity_pool_id(logical_id),
    },
    "AWS::IAM::Role": {
        "Arn": _role_arn,
        "RoleId": lambda names, logical_id: "AROA" + derived(names.seed(logical_id), 17),
    },
    "AWS::IAM::Policy": {"Id": lambda names, lid: names.generated_name(lid, 128)},
    "AWS::IAM::ManagedPolicy": {
        "PolicyArn": _managed_policy_arn,
        "PolicyId": lambda names, logical_id: "ANPA" + derived(names.seed(logical_id), 17),
    },
}
_ATTRIBUTES.update(
    {
        # The resources' pages of the CloudFormation User Guide, "Return values".
        "AWS::SQS::Queue": {"Arn": _queue_arn, "QueueName": _queue_name, "QueueUrl": _queue_url},
        "AWS::SNS::Topic": {"TopicArn": _topic_arn, "TopicName": _topic_name},
        "AWS::SNS::Subscription": {"Arn": _subscription_arn},
        "AWS::SSM::Parameter": {"Type": _property("Type"), "Value": _property("Value")},
        "AWS::S3::Bucket": {
            "Arn": lambda names, lid: f"arn:aws:s3:::{_bucket_name(names, lid)}",
            "DomainName": _bucket_host("s3.amazonaws.com"),
            "DualStackDomainName": _bucket_host("s3.dualstack.{region}.amazonaws.com"),
            "RegionalDomainName": _bucket_host("s3.{region}.amazonaws.com"),
            "WebsiteURL": lambda names, lid: (
                "http://" + _bucket_host("s3-website-{region}.amazonaws.com")(names, lid)
            ),
        },
    }
)
# The table manager's Data (amplify-table-manager-handler: TableArn, TableStreamArn, TableName).
_ATTRIBUTES[AMPLIFY_TABLE] = {
    "TableArn": _amplify_table_arn,
    "TableStreamArn": lambda names, lid: (
        f"{_amplify_table_arn(names, lid)}/stream/1970-01-01T00:00:00.000"
    ),
    "TableName": _amplify_table_name,
}
_ATTRIBUTES[AMPLIFY_IMPORTED_TABLE] = _ATTRIBUTES[AMPLIFY_TABLE]
_ATTRIBUTES["AWS::DynamoDB::GlobalTable"] = {
    **_ATTRIBUTES["AWS::DynamoDB::Table"],
    "TableId": lambda names, lid: derived(names.seed(lid), 32, "0123456789abcdef"),
}


def has_local_names(resource_type: str) -> bool:
    """Whether `resource_type`'s attributes have local values."""
    return resource_type in _ATTRIBUTES
