"""`AWS::DynamoDB::Table` and `AWS::DynamoDB::GlobalTable` read into the embedded DynamoDB's
table declarations, with CloudFormation's defaults.

Where CloudFormation's properties differ from CreateTable's input, the declaration is made as
CloudFormation makes the table:
- `TableName` absent: the name CloudFormation generates (`<stack>-<LogicalId>-<SUFFIX>`, the
  name the table's `Ref` gives everywhere else).
- `BillingMode` absent: PROVISIONED ("If not specified, the default is PROVISIONED",
  AWS::DynamoDB::Table BillingMode), which needs `ProvisionedThroughput` on the table and its
  global secondary indexes.
- `StreamSpecification` is `{StreamViewType}` alone: a stream is on when the property is there
  (AWS::DynamoDB::Table StreamSpecification), which CreateTable writes `{StreamEnabled: true,
  StreamViewType}`.
- A global table (AWS::DynamoDB::GlobalTable) is one table locally, the replica of the stack's
  region; PROVISIONED takes its capacity from `WriteProvisionedThroughputSettings` ("must be
  specified if BillingMode is set to PROVISIONED") and the replica's read settings.
The properties CreateTable has no use for locally (encryption, point-in-time recovery, tags,
table class, contributor insights, Kinesis streams, deletion protection, resource policies) are
accepted with a notice.

Amplify's model tables (Amplify Gen 2's, and Gen 1's with the `AMPLIFY_TABLE` strategy) are
`Custom::AmplifyDynamoDBTable` resources that Amplify's table manager function creates: their
properties are CreateTable's in camelCase (`tableName`, `keySchema`, `attributeDefinitions`,
`globalSecondaryIndexes`, `billingMode`, `provisionedThroughput`, `streamSpecification`,
`timeToLiveSpecification`, ...), which it turns into CreateTable's input by capitalizing each key
(amplify-category-api's amplify-table-manager-handler, `toCreateTableInput`). They are read the
same way here; what the manager itself does not pass to CreateTable (local secondary indexes)
is not created either, and its own switches (`allowDestructiveGraphqlSchemaUpdates`,
`replaceTableUponGsiUpdate`) govern deployments only. A `Custom::ImportedAmplifyDynamoDBTable`
(a Gen 1 table a Gen 2 backend imports) exists before the deployment in AWS, where the manager
only checks it against its properties; locally nothing holds it, so it is created from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from definition.appsync_yaml.dynamodb import read_table
from definition.appsync_yaml.reader import join
from definition.cloudformation.names import AMPLIFY_IMPORTED_TABLE, AMPLIFY_TABLE
from definition.cloudformation.properties import PropertyReader, integer
from definition.cloudformation.stack import Stack
from definition.model import TableDeclaration
from definition.problems import Origin

_CREATE_KEYS = (
    *["TableName", "KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes"],
    *["LocalSecondaryIndexes", "BillingMode", "ProvisionedThroughput", "TimeToLiveSpecification"],
    "StreamSpecification",
)
_NO_LOCAL_EFFECT = {
    "SSESpecification": "items are not encrypted locally",
    "PointInTimeRecoverySpecification": "no backups are kept",
    "Tags": "tags are not listed",
    "TableClass": "one storage class locally",
    "DeletionProtectionEnabled": "tables live as long as the server",
    "ContributorInsightsSpecification": "no CloudWatch Contributor Insights",
    "KinesisStreamSpecification": "no Kinesis streams",
    "ImportSourceSpecification": "nothing is imported from S3",
    "ResourcePolicy": "requests are not authorized by resource policies",
    "OnDemandThroughput": "requests are not throttled",
    "WarmThroughput": "requests are not throttled",
    "WriteOnDemandThroughputSettings": "requests are not throttled",
    "MultiRegionConsistency": "one region locally",
    "GlobalTableWitnesses": "one region locally",
}
# What a global secondary index keeps of its CloudFormation properties in CreateTable's input.
_INDEX_KEYS = ("IndexName", "KeySchema", "Projection", "ProvisionedThroughput")
_GLOBAL_ONLY = ("Replicas", "WriteProvisionedThroughputSettings")
# Custom::AmplifyDynamoDBTable: each property's AWS::DynamoDB::Table name (the manager
# capitalizes keys; encryption's is spelled so by CloudFormation).
_AMPLIFY_KEYS = {
    "tableName": "TableName",
    "attributeDefinitions": "AttributeDefinitions",
    "keySchema": "KeySchema",
    "globalSecondaryIndexes": "GlobalSecondaryIndexes",
    "billingMode": "BillingMode",
    "provisionedThroughput": "ProvisionedThroughput",
    "streamSpecification": "StreamSpecification",
    "timeToLiveSpecification": "TimeToLiveSpecification",
    "pointInTimeRecoverySpecification": "PointInTimeRecoverySpecification",
    "sseSpecification": "SSESpecification",
    "tableClass": "TableClass",
    "deletionProtectionEnabled": "DeletionProtectionEnabled",
    "tags": "Tags",
}
# The template's names of the converted ones that capitalizing does not give back.
_CAMEL_NAMES = {
    **{converted: name for name, converted in _AMPLIFY_KEYS.items()},
    "SSEEnabled": "sseEnabled",
}
# What only the table manager reads: how it may replace a table on a deployment.
_AMPLIFY_MANAGER_ONLY = (
    *["ServiceToken", "allowDestructiveGraphqlSchemaUpdates", "replaceTableUponGsiUpdate"],
    "isImported",
)


def read_tables(
    stack: Stack, origins: dict[str, Origin], declared: Sequence[TableDeclaration] = ()
) -> tuple[TableDeclaration, ...]:
    """The stack's tables, after those `declared` by the stacks read before it."""
    tables: list[TableDeclaration] = list(declared)
    amplify = (AMPLIFY_TABLE, AMPLIFY_IMPORTED_TABLE)
    for resource in stack.of_type("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", *amplify):
        properties = stack.properties(resource.logical_id)
        if properties is None:
            continue
        if resource.type in amplify:
            reader: PropertyReader = _AmplifyTableReader(stack, resource.logical_id)
            properties = _amplify_table(reader, properties)
        else:
            reader = PropertyReader(stack, resource.logical_id)
        global_table = resource.type == "AWS::DynamoDB::GlobalTable"
        block = _create_table_input(reader, properties, global_table)
        if block is None:
            continue
        block["TableName"] = stack.names.ref(resource.logical_id, "")
        table = read_table(reader, block, "Properties", _CREATE_KEYS)
        if table is None:
            continue
        if any(other.table_name == table.table_name for other in tables):
            reader.problem("Properties.TableName", f"table {table.table_name!r} is declared twice")
            continue
        origins[f"server.dynamodb.tables[{len(tables)}]"] = reader.origin()
        tables.append(table)
    return tuple(tables[len(declared) :])


def _create_table_input(
    reader: PropertyReader, properties: dict[str, Any], global_table: bool
) -> dict[str, Any] | None:
    path = "Properties"
    allowed = (*_CREATE_KEYS, *_NO_LOCAL_EFFECT, *(_GLOBAL_ONLY if global_table else ()))
    reader.allowed(properties, path, allowed)
    reader.accepted(properties, path, _NO_LOCAL_EFFECT)
    block = {key: value for key, value in properties.items() if key in _CREATE_KEYS}
    block.setdefault("BillingMode", "PROVISIONED")
    stream = properties.get("StreamSpecification")
    if stream is not None:
        where = join(path, "StreamSpecification")
        config = reader.mapping(stream, where, ("StreamViewType", "ResourcePolicy"))
        view = None
        if config is not None:
            view = reader.string(config, "StreamViewType", where, required=True)
        # Without a view type the table has a problem already; the rest is still checked.
        block.pop("StreamSpecification")
        if view is not None:
            block["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view}
    indexes = block.get("GlobalSecondaryIndexes")
    if isinstance(indexes, list):
        block["GlobalSecondaryIndexes"] = [
            {key: value for key, value in index.items() if key in _INDEX_KEYS}
            if isinstance(index, dict)
            else index
            for index in indexes
        ]
    if global_table:
        return _global_table(reader, properties, block)
    return block


def _global_table(
    reader: PropertyReader, properties: dict[str, Any], block: dict[str, Any]
) -> dict[str, Any] | None:
    path = "Properties"
    replicas = properties.get("Replicas")
    if not isinstance(replicas, list) or not replicas:
        reader.problem(join(path, "Replicas"), "required; expected at least one replica")
        return None
    region = reader.stack.region
    replica = next(
        (item for item in replicas if isinstance(item, dict) and item.get("Region") == region),
        replicas[0],
    )
    if block["BillingMode"] != "PROVISIONED":
        return block
    where = join(path, "WriteProvisionedThroughputSettings")
    write = _capacity(reader, properties.get("WriteProvisionedThroughputSettings"), where, "Write")
    if write is None:
        reader.problem(where, "required when BillingMode is PROVISIONED (the default)")
        return None
    read = None
    if isinstance(replica, dict):
        read = _capacity(
            reader, replica.get("ReadProvisionedThroughputSettings"), join(path, "Replicas"), "Read"
        )
    throughput = {"ReadCapacityUnits": read or write, "WriteCapacityUnits": write}
    block["ProvisionedThroughput"] = throughput
    for index in block.get("GlobalSecondaryIndexes") or []:
        if isinstance(index, dict):
            index.setdefault("ProvisionedThroughput", throughput)
    return block


def _capacity(reader: PropertyReader, raw: Any, path: str, kind: str) -> int | None:
    """Capacity units, or an auto scaling policy's `MinCapacity` (the units it starts from)."""
    if not isinstance(raw, dict):
        return None
    units = integer(reader, raw, f"{kind}CapacityUnits", path)
    if units is not None:
        return units
    scaling = raw.get(f"{kind}CapacityAutoScalingSettings")
    if isinstance(scaling, dict):
        return integer(
            reader, scaling, "MinCapacity", join(path, f"{kind}CapacityAutoScalingSettings")
        )
    return None


def _amplify_table(reader: PropertyReader, properties: dict[str, Any]) -> dict[str, Any]:
    """A `Custom::AmplifyDynamoDBTable`'s properties as an `AWS::DynamoDB::Table`'s."""
    converted: dict[str, Any] = {}
    for key, value in properties.items():
        if key in _AMPLIFY_MANAGER_ONLY:
            continue
        if key == "localSecondaryIndexes":
            reader.notice(
                join("Properties", key),
                "not created: Amplify's table manager does not pass them to CreateTable",
            )
            continue
        name = _AMPLIFY_KEYS.get(key)
        if name is None:
            reader.problem(
                join("Properties", key),
                f"unknown property; expected one of {', '.join(_AMPLIFY_KEYS)}",
            )
            continue
        if name == "SSESpecification" and isinstance(value, dict):
            converted[name] = {"SSEEnabled": value.get("sseEnabled")}
        else:
            converted[name] = _capitalized(value)
    return converted


class _AmplifyTableReader(PropertyReader):
    """Reads an Amplify table's properties, converted to CreateTable's names, and names what
    it finds by the template's own camelCase names (`keySchema[0].attributeName`, not
    `KeySchema[0].AttributeName`)."""

    def problem(self, key_path: str, message: str) -> None:
        super().problem(_camel_path(key_path), message)

    def notice(self, key_path: str, message: str) -> None:
        super().notice(_camel_path(key_path), message)


def _camel_path(key_path: str) -> str:
    """A key path under `Properties` in the table manager's names: the inverse of its
    capitalizing (`_capitalized`): `SSESpecification.SSEEnabled` as
    `sseSpecification.sseEnabled`."""
    head, _, rest = key_path.partition(".")
    if head != "Properties" or not rest:
        return key_path
    segments = []
    for segment in rest.split("."):
        name, bracket, index = segment.partition("[")
        name = _CAMEL_NAMES.get(name) or name[:1].lower() + name[1:]
        segments.append(f"{name}{bracket}{index}")
    return ".".join(("Properties", *segments))


def _capitalized(value: Any) -> Any:
    """Each key of `value`'s mappings with its first letter upper case, as the manager does."""
    if isinstance(value, dict):
        return {
            (str(key)[:1].upper() + str(key)[1:]): _capitalized(item) for key, item in value.items()
        }
    if isinstance(value, list):
        return [_capitalized(item) for item in value]
    return value
