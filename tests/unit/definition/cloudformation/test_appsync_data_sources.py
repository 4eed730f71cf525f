"""AWS::AppSync::DataSource of every type AppSync has, read as its CloudFormation page
describes `DynamoDBConfig`, `HttpConfig` and `LambdaConfig`."""

from __future__ import annotations

from pathlib import Path

from definition.model import (
    AwsIamConfig,
    DataSourceType,
    DeltaSyncConfig,
    DynamoDBConfig,
    HttpConfig,
)
from tests.unit.definition.cloudformation.cloudformation_support import (
    notices,
    problems,
    read,
)

SOURCES = """
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: posts
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
  Echo:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
  Posts:
    Type: AWS::AppSync::DataSource
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: Posts
      Type: AMAZON_DYNAMODB
      ServiceRoleArn: arn:aws:iam::123456789012:role/appsync
      DynamoDBConfig:
        TableName: !Ref Table
        AwsRegion: !Ref AWS::Region
        Versioned: true
        DeltaSyncConfig:
          BaseTableTTL: "43200"
          DeltaSyncTableName: PostsDelta
          DeltaSyncTableTTL: "30"
  States:
    Type: AWS::AppSync::DataSource
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: States
      Type: HTTP
      HttpConfig:
        Endpoint: !Sub https://sync-states.${AWS::Region}.amazonaws.com/
        AuthorizationConfig:
          AuthorizationType: AWS_IAM
          AwsIamConfig: {SigningRegion: !Ref AWS::Region, SigningServiceName: states}
  Lambda:
    Type: AWS::AppSync::DataSource
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: Echo
      Type: AWS_LAMBDA
      LambdaConfig: {LambdaFunctionArn: !GetAtt Echo.Arn}
  Search:
    Type: AWS::AppSync::DataSource
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: Search
      Type: AMAZON_OPENSEARCH_SERVICE
      OpenSearchServiceConfig: {AwsRegion: eu-west-1, Endpoint: https://search.example}
  Local:
    Type: AWS::AppSync::DataSource
    Properties: {ApiId: !GetAtt Api.ApiId, Name: Local, Type: NONE, Description: none}
"""


def test_each_type_keeps_its_config(tmp_path: Path) -> None:
    definition = read(tmp_path, SOURCES)
    posts, states, echo, search, local = definition.data_sources
    assert posts.dynamodb == DynamoDBConfig(
        "posts", "eu-west-1", False, True, DeltaSyncConfig(43200, "PostsDelta", 30)
    )
    assert states.http == HttpConfig(
        "https://sync-states.eu-west-1.amazonaws.com/", AwsIamConfig("eu-west-1", "states")
    )
    # The function's local ARN, which the local Lambda runtime runs.
    assert echo.lambda_function_arn == definition.server.lambda_functions[0].arn
    assert echo.lambda_function_arn is not None
    assert echo.lambda_function_arn.startswith("arn:aws:lambda:eu-west-1:123456789012:function:")
    assert echo.lambda_handler is None
    assert (search.type, search.type.served) == (DataSourceType.AMAZON_OPENSEARCH_SERVICE, False)
    assert (local.type, local.description) == (DataSourceType.NONE, "none")
    assert notices(definition) == [
        "Posts.Properties.ServiceRoleArn: accepted; no local effect yet (calls are made with "
        "the local credentials, not the role)",
        "Search.Properties.Type: accepted; no local effect yet (a AMAZON_OPENSEARCH_SERVICE "
        "data source is not served locally: its resolvers fail)",
    ]
    # Problems found when the API is built name the resource, in CloudFormation's spelling.
    problem = definition.problem("dataSources[0].dynamodbConfig.tableName", "not declared")
    assert (problem.logical_id, problem.key_path) == (
        "Posts",
        "Properties.DynamoDBConfig.TableName",
    )


def test_bad_data_sources_are_problems(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        """
  A:
    Type: AWS::AppSync::DataSource
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: A
      Type: AMAZON_DYNAMODB
      DynamoDBConfig: {TableName: posts, Versioned: true}
      HttpConfig: {Endpoint: https://example.com}
  B:
    Type: AWS::AppSync::DataSource
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: B
      Type: HTTP
      HttpConfig:
        Endpoint: ftp://example.com
  C:
    Type: AWS::AppSync::DataSource
    Properties: {ApiId: !GetAtt Api.ApiId, Name: C, Type: AWS_STEP_FUNCTIONS}
  D:
    Type: AWS::AppSync::DataSource
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: D
      Type: HTTP
      HttpConfig:
        Endpoint: https://example.com
        AuthorizationConfig: {AuthorizationType: NONE}
  E:
    Type: AWS::AppSync::DataSource
    Properties: {ApiId: !GetAtt Api.ApiId, Name: D, Type: NONE}
  F:
    Type: AWS::AppSync::DataSource
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: F
      Type: AMAZON_DYNAMODB
      DynamoDBConfig:
        TableName: posts
        DeltaSyncConfig: {DeltaSyncTableName: delta, BaseTableTTL: "-1"}
""",
    ) == [
        "A.Properties.HttpConfig: only an HTTP data source has one",
        "A.Properties.DynamoDBConfig.DeltaSyncConfig: required when Versioned is true",
        "B.Properties.HttpConfig.Endpoint: expected an http(s) URL, got 'ftp://example.com'",
        "C.Properties.Type: AppSync has no such type: reach Step Functions with an HTTP data "
        "source whose Endpoint is https://states.<region>.amazonaws.com/",
        "D.Properties.HttpConfig.AuthorizationConfig.AuthorizationType: expected AWS_IAM",
        "F.Properties.DynamoDBConfig.DeltaSyncConfig.BaseTableTTL: required; expected minutes "
        "(0 or more)",
        "F.Properties.DynamoDBConfig.DeltaSyncConfig.DeltaSyncTableTTL: required; expected "
        "minutes (0 or more)",
    ]


def test_a_name_used_twice_is_a_problem(tmp_path: Path) -> None:
    twice = """
  A:
    Type: AWS::AppSync::DataSource
    Properties: {ApiId: !GetAtt Api.ApiId, Name: Same, Type: NONE}
  B:
    Type: AWS::AppSync::DataSource
    Properties: {ApiId: !GetAtt Api.ApiId, Name: Same, Type: NONE}
"""
    assert problems(tmp_path, twice) == ["B.Properties.Name: data source 'Same' is defined twice"]


def test_an_endpoint_that_is_not_a_url_is_a_problem(tmp_path: Path) -> None:
    # A host in brackets that is no IPv6 address: urlsplit refuses it.
    assert problems(
        tmp_path,
        """
  Broken:
    Type: AWS::AppSync::DataSource
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: Broken
      Type: HTTP
      HttpConfig: {Endpoint: "https://[not-an-address]/"}
""",
    ) == [
        "Broken.Properties.HttpConfig.Endpoint: expected an http(s) URL, got "
        "'https://[not-an-address]/'"
    ]
