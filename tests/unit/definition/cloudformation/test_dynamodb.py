"""AWS::DynamoDB::Table and GlobalTable become the embedded DynamoDB's tables with
CloudFormation's defaults, where they differ from CreateTable's input."""

from __future__ import annotations

from pathlib import Path

from definition.model import TableDeclaration
from tests.unit.definition.cloudformation.cloudformation_support import (
    notices,
    problems,
    read,
    stack_of,
)

KEY = """      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
"""


def _tables(tmp_path: Path, resources: str) -> tuple[TableDeclaration, ...]:
    return read(tmp_path, resources).server.dynamodb.tables


def test_billing_mode_defaults_to_provisioned(tmp_path: Path) -> None:
    # AWS::DynamoDB::Table, BillingMode: "If not specified, the default is PROVISIONED"
    # (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-table.html
    # #cfn-dynamodb-table-billingmode), and a provisioned table needs its throughput.
    [table] = _tables(
        tmp_path,
        f"""
  Posts:
    Type: AWS::DynamoDB::Table
    Properties:
{KEY}      ProvisionedThroughput: {{ReadCapacityUnits: 5, WriteCapacityUnits: 2}}
""",
    )
    assert table.create_table_input["BillingMode"] == "PROVISIONED"
    assert table.create_table_input["ProvisionedThroughput"] == {
        "ReadCapacityUnits": 5,
        "WriteCapacityUnits": 2,
    }
    assert problems(
        tmp_path,
        f"""
  Bare:
    Type: AWS::DynamoDB::Table
    Properties:
{KEY}      GlobalSecondaryIndexes:
        - IndexName: byTitle
          KeySchema: [{{AttributeName: id, KeyType: HASH}}]
          Projection: {{ProjectionType: ALL}}
""",
    ) == [
        "Bare.Properties.GlobalSecondaryIndexes[0].ProvisionedThroughput: required when "
        "BillingMode is PROVISIONED (CreateTable's default)",
        "Bare.Properties.ProvisionedThroughput: required when BillingMode is PROVISIONED "
        "(CreateTable's default); or set BillingMode: PAY_PER_REQUEST",
    ]


def test_an_unnamed_table_gets_cloudformations_generated_name(tmp_path: Path) -> None:
    definition = read(
        tmp_path,
        f"""
  Posts:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
{KEY}  Source:
    Type: AWS::AppSync::DataSource
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: Posts
      Type: AMAZON_DYNAMODB
      DynamoDBConfig: {{TableName: !Ref Posts}}
""",
    )
    [table] = definition.server.dynamodb.tables
    assert table.table_name.startswith("posts-Posts-")
    assert table.create_table_input["TableName"] == table.table_name
    # The data source names the table the embedded DynamoDB creates.
    assert definition.data_sources[0].dynamodb is not None
    assert definition.data_sources[0].dynamodb.table_name == table.table_name


def test_a_stream_is_on_when_its_view_type_is_given(tmp_path: Path) -> None:
    # AWS::DynamoDB::Table StreamSpecification has only StreamViewType ("Required: Yes"); the
    # stream is on when the property is there, which CreateTable writes StreamEnabled: true
    # (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/
    # aws-properties-dynamodb-table-streamspecification.html).
    [table] = _tables(
        tmp_path,
        f"""
  Posts:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
{KEY}      StreamSpecification: {{StreamViewType: NEW_IMAGE}}
      TimeToLiveSpecification: {{AttributeName: expires, Enabled: true}}
""",
    )
    assert table.create_table_input["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_IMAGE",
    }
    assert table.time_to_live_attribute == "expires"
    assert "TimeToLiveSpecification" not in table.create_table_input


def test_indexes_keep_what_create_table_takes(tmp_path: Path) -> None:
    definition = read(
        tmp_path,
        """
  Posts:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: posts
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}, {AttributeName: at, KeyType: RANGE}]
      AttributeDefinitions:
        - {AttributeName: id, AttributeType: S}
        - {AttributeName: at, AttributeType: N}
        - {AttributeName: title, AttributeType: S}
      GlobalSecondaryIndexes:
        - IndexName: byTitle
          KeySchema: [{AttributeName: title, KeyType: HASH}]
          Projection: {ProjectionType: KEYS_ONLY}
          ContributorInsightsSpecification: {Enabled: true}
      LocalSecondaryIndexes:
        - IndexName: byTitleLocal
          KeySchema: [{AttributeName: id, KeyType: HASH}, {AttributeName: title, KeyType: RANGE}]
          Projection: {ProjectionType: ALL}
      SSESpecification: {SSEEnabled: true}
      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}
      Tags: [{Key: team, Value: posts}]
""",
    )
    [table] = definition.server.dynamodb.tables
    assert table.create_table_input["GlobalSecondaryIndexes"] == [
        {
            "IndexName": "byTitle",
            "KeySchema": [{"AttributeName": "title", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }
    ]
    assert len(table.create_table_input["LocalSecondaryIndexes"]) == 1
    assert "SSESpecification" not in table.create_table_input
    assert notices(definition) == [
        "Posts.Properties.SSESpecification: accepted; no local effect yet (items are not "
        "encrypted locally)",
        "Posts.Properties.PointInTimeRecoverySpecification: accepted; no local effect yet (no "
        "backups are kept)",
        "Posts.Properties.Tags: accepted; no local effect yet (tags are not listed)",
    ]
    assert str(definition.problem("server.dynamodb.tables[0].TimeToLiveSpecification", "x")) == (
        f"{tmp_path / 'template.yaml'}: Posts.Properties.TimeToLiveSpecification: x"
    )


def test_a_global_table_is_its_local_replica(tmp_path: Path) -> None:
    # AWS::DynamoDB::GlobalTable WriteProvisionedThroughputSettings: "This setting must be
    # specified if BillingMode is set to PROVISIONED" (the default).
    [provisioned, on_demand] = _tables(
        tmp_path,
        f"""
  Posts:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
{KEY}      WriteProvisionedThroughputSettings:
        WriteCapacityAutoScalingSettings:
          MinCapacity: 3
          MaxCapacity: 10
          TargetTrackingScalingPolicyConfiguration: {{TargetValue: 70}}
      Replicas:
        - Region: us-west-2
        - Region: eu-west-1
          ReadProvisionedThroughputSettings: {{ReadCapacityUnits: 4}}
      GlobalSecondaryIndexes:
        - IndexName: byId
          KeySchema: [{{AttributeName: id, KeyType: HASH}}]
          Projection: {{ProjectionType: ALL}}
  Events:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      TableName: events
      BillingMode: PAY_PER_REQUEST
{KEY}      Replicas: [{{Region: eu-west-1}}]
      StreamSpecification: {{StreamViewType: NEW_AND_OLD_IMAGES}}
""",
    )
    throughput = {"ReadCapacityUnits": 4, "WriteCapacityUnits": 3}
    assert provisioned.create_table_input["ProvisionedThroughput"] == throughput
    assert (
        provisioned.create_table_input["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]
        == throughput
    )
    assert "Replicas" not in provisioned.create_table_input
    assert on_demand.table_name == "events"
    assert on_demand.create_table_input["BillingMode"] == "PAY_PER_REQUEST"
    assert problems(
        tmp_path,
        f"""
  Posts:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
{KEY}      Replicas: [{{Region: eu-west-1}}]
  Other:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      BillingMode: PAY_PER_REQUEST
{KEY}""",
    ) == [
        "Posts.Properties.WriteProvisionedThroughputSettings: required when BillingMode is "
        "PROVISIONED (the default)",
        "Other.Properties.Replicas: required; expected at least one replica",
    ]


def test_table_problems_name_the_table(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        """
  Posts:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: posts
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: other, AttributeType: S}]
      StreamSpecification: {}
      Colour: blue
  Again:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: posts
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
  Twice:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: posts
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
""",
    ) == [
        "Posts.Properties.Colour: unknown property; expected one of TableName, KeySchema, "
        "AttributeDefinitions, GlobalSecondaryIndexes, LocalSecondaryIndexes, BillingMode, "
        "ProvisionedThroughput, TimeToLiveSpecification, StreamSpecification, SSESpecification, "
        "PointInTimeRecoverySpecification, Tags, TableClass, DeletionProtectionEnabled, "
        "ContributorInsightsSpecification, KinesisStreamSpecification, "
        "ImportSourceSpecification, ResourcePolicy, OnDemandThroughput, WarmThroughput, "
        "WriteOnDemandThroughputSettings, MultiRegionConsistency, GlobalTableWitnesses",
        "Posts.Properties.StreamSpecification.StreamViewType: required; expected a non-empty "
        "string",
        "Posts.Properties.AttributeDefinitions: key attribute 'id' is not defined",
        "Twice.Properties.TableName: table 'posts' is declared twice",
    ]


# Amplify's model tables: Custom::AmplifyDynamoDBTable, whose table manager function turns the
# camelCase properties into CreateTable's input by capitalizing each key
# (aws-amplify/amplify-category-api, amplify-table-manager-handler.ts `toCreateTableInput` and
# `usePascalCaseForObjectKeys`), its PhysicalResourceId and `TableName` the table's name.
AMPLIFY_TABLE = """
  TodoTable:
    Type: Custom::AmplifyDynamoDBTable
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:manager
      tableName: Todo-abc-NONE
      attributeDefinitions:
        - {attributeName: id, attributeType: S}
        - {attributeName: listId, attributeType: S}
      keySchema: [{attributeName: id, keyType: HASH}]
      globalSecondaryIndexes:
        - indexName: byList
          keySchema: [{attributeName: listId, keyType: HASH}]
          projection: {projectionType: ALL}
%s      streamSpecification: {streamViewType: NEW_AND_OLD_IMAGES}
      timeToLiveSpecification: {attributeName: expires, enabled: true}
      sseSpecification: {sseEnabled: false}
      deletionProtectionEnabled: false
      allowDestructiveGraphqlSchemaUpdates: true
      replaceTableUponGsiUpdate: true
"""


def test_an_amplify_model_table_is_created_as_its_table_manager_creates_it(
    tmp_path: Path,
) -> None:
    definition = read(tmp_path, AMPLIFY_TABLE % "      billingMode: PAY_PER_REQUEST\n")
    [table] = definition.server.dynamodb.tables
    assert table.create_table_input == {
        "TableName": "Todo-abc-NONE",
        "AttributeDefinitions": [
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "listId", "AttributeType": "S"},
        ],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "byList",
                "KeySchema": [{"AttributeName": "listId", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        "BillingMode": "PAY_PER_REQUEST",
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }
    assert table.time_to_live_attribute == "expires"
    # The manager's own switches say nothing locally; encryption and deletion protection are
    # accepted as a table's are.
    # They are named as the template names them, in the manager's camelCase.
    assert [n for n in notices(definition) if "TodoTable" in n] == [
        "TodoTable.Properties.sseSpecification: accepted; no local effect yet (items are not "
        "encrypted locally)",
    ]


def test_an_amplify_table_reads_its_provisioned_capacity_and_refuses_unknown_keys(
    tmp_path: Path,
) -> None:
    provisioned = AMPLIFY_TABLE % (
        "      provisionedThroughput: {readCapacityUnits: 3, writeCapacityUnits: 4}\n"
    )
    [table] = _tables(
        tmp_path,
        provisioned.replace(
            "projection: {projectionType: ALL}",
            "projection: {projectionType: ALL}\n"
            "          provisionedThroughput: {readCapacityUnits: 1, writeCapacityUnits: 1}",
        ),
    )
    assert table.create_table_input["BillingMode"] == "PROVISIONED"
    assert table.create_table_input["ProvisionedThroughput"] == {
        "ReadCapacityUnits": 3,
        "WriteCapacityUnits": 4,
    }
    odd = (AMPLIFY_TABLE % "      billingMode: PAY_PER_REQUEST\n") + "      colour: blue\n"
    [problem] = problems(tmp_path, odd)
    assert problem.startswith("TodoTable.Properties.colour: unknown property; expected one of")
    # A problem inside a converted property names the template's camelCase path.
    keyless = (AMPLIFY_TABLE % "      billingMode: PAY_PER_REQUEST\n").replace(
        "keySchema: [{attributeName: id, keyType: HASH}]", "keySchema: [{attributeName: id}]"
    )
    found = problems(tmp_path, keyless)
    assert (
        found[0]
        == "TodoTable.Properties.keySchema[0].keyType: expected one of HASH | RANGE, got None"
    )


def test_an_amplify_tables_ref_and_attributes_are_its_tables(tmp_path: Path) -> None:
    text = "Resources:" + (AMPLIFY_TABLE % "      billingMode: PAY_PER_REQUEST\n")
    text += """  Holder:
    Type: AWS::SSM::Parameter
    Properties:
      Value: [!Ref TodoTable, !GetAtt TodoTable.TableName, !GetAtt TodoTable.TableArn,
        !GetAtt TodoTable.TableStreamArn]
"""
    stack = stack_of(tmp_path, text)
    properties = stack.properties("Holder")
    assert properties is not None
    arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/Todo-abc-NONE"
    assert properties["Value"] == [
        "Todo-abc-NONE",
        "Todo-abc-NONE",
        arn,
        f"{arn}/stream/1970-01-01T00:00:00.000",
    ]


def test_an_imported_amplify_table_is_created_from_its_declaration(tmp_path: Path) -> None:
    # Custom::ImportedAmplifyDynamoDBTable: a Gen 1 table a Gen 2 backend imports. AWS already
    # holds it (the manager checks it against these properties); locally it is created.
    imported = (AMPLIFY_TABLE % "      billingMode: PAY_PER_REQUEST\n").replace(
        "Custom::AmplifyDynamoDBTable", "Custom::ImportedAmplifyDynamoDBTable"
    ) + "      isImported: true\n"
    [table] = _tables(tmp_path, imported)
    assert table.table_name == "Todo-abc-NONE"
    assert table.create_table_input["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
