"""AWS::AppSync::Resolver and FunctionConfiguration: inline or local code and templates,
APPSYNC_JS's runtime, pipelines of functions named by `!GetAtt Fn.FunctionId`, and the
settings `appsync.yaml` keeps too (SyncConfig, CachingConfig, MaxBatchSize)."""

from __future__ import annotations

from pathlib import Path

from definition.model import (
    CachingConfig,
    CodeSpec,
    ConflictDetectionType,
    ConflictHandlerType,
    InlineSource,
    ResolverKind,
    Runtime,
    SyncConfig,
)
from tests.unit.definition.cloudformation.cloudformation_support import (
    notices,
    problems,
    read,
)

SOURCES = """
  Posts:
    Type: AWS::AppSync::DataSource
    Properties: {ApiId: !GetAtt Api.ApiId, Name: Posts, Type: NONE}
"""


def test_code_is_inline_or_a_local_file(tmp_path: Path) -> None:
    (tmp_path / "getPost.js").write_text("export function request(ctx) { return {}; }")
    (tmp_path / "res.vtl").write_text("$util.toJson($ctx.result)")
    definition = read(
        tmp_path,
        SOURCES
        + """
  GetPost:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: !GetAtt Api.ApiId
      TypeName: Query
      FieldName: getPost
      DataSourceName: !GetAtt Posts.Name
      Runtime: {Name: APPSYNC_JS, RuntimeVersion: 1.0.0}
      CodeS3Location: getPost.js
  Title:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: !GetAtt Api.ApiId
      TypeName: Post
      FieldName: title
      DataSourceName: Posts
      RequestMappingTemplate: '{"version": "2018-05-29", "payload": {}}'
      ResponseMappingTemplateS3Location: ./res.vtl
      MaxBatchSize: 5
      CachingConfig: {Ttl: 60, CachingKeys: [$context.arguments.id]}
""",
    )
    get_post, title = definition.resolvers
    assert get_post.code == CodeSpec(Runtime.APPSYNC_JS, tmp_path / "getPost.js", None, None)
    assert (get_post.kind, get_post.data_source_name) == (ResolverKind.UNIT, "Posts")
    assert title.code is not None
    request = title.code.request_mapping_template
    assert isinstance(request, InlineSource)
    assert request.name == "Title.Properties.RequestMappingTemplate"
    assert title.code.response_mapping_template == tmp_path / "res.vtl"
    assert (title.max_batch_size, title.caching_config) == (
        5,
        CachingConfig(60, ("$context.arguments.id",)),
    )
    # The API cache follows CachingConfig: no notice.
    assert notices(definition) == []
    # A problem in a template found later names the property that holds it.
    problem = definition.problem("resolvers[1].responseMappingTemplate", "bad")
    assert (problem.logical_id, problem.key_path) == (
        "Title",
        "Properties.ResponseMappingTemplateS3Location",
    )
    problem = definition.problem("resolvers[1].typeName", "no such type")
    assert (problem.logical_id, problem.key_path) == ("Title", "Properties.TypeName")


def test_a_pipeline_names_its_functions_by_id(tmp_path: Path) -> None:
    definition = read(
        tmp_path,
        SOURCES
        + """
  First:
    Type: AWS::AppSync::FunctionConfiguration
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: step
      DataSourceName: !GetAtt Posts.Name
      FunctionVersion: "2018-05-29"
      Runtime: {Name: APPSYNC_JS, RuntimeVersion: 1.0.0}
      Code: "export function request() { return {}; }"
      SyncConfig: {ConflictDetection: VERSION, ConflictHandler: AUTOMERGE}
  Second:
    Type: AWS::AppSync::FunctionConfiguration
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: step
      DataSourceName: Posts
      RequestMappingTemplate: "{}"
      ResponseMappingTemplate: "{}"
  Pipeline:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: !GetAtt Api.ApiId
      TypeName: Query
      FieldName: getPost
      Kind: PIPELINE
      PipelineConfig:
        Functions: [!GetAtt Second.FunctionId, !GetAtt First.FunctionId]
      Runtime: {Name: APPSYNC_JS, RuntimeVersion: 1.0.0}
      Code: "export function request() { return {}; }"
""",
    )
    first, second = definition.functions
    # AppSync tells functions apart by id, so two may share a name; the model's differ.
    assert (first.name, second.name) == ("step (First)", "step (Second)")
    assert first.sync_config == SyncConfig(
        ConflictDetectionType.VERSION, ConflictHandlerType.AUTOMERGE
    )
    assert first.code.code == InlineSource(
        "export function request() { return {}; }",
        "First.Properties.Code",
        first.code.code.origin if isinstance(first.code.code, InlineSource) else None,
    )
    [pipeline] = definition.resolvers
    assert (pipeline.kind, pipeline.functions, pipeline.data_source_name) == (
        ResolverKind.PIPELINE,
        ("step (Second)", "step (First)"),
        None,
    )


def test_bad_resolvers_and_functions_are_problems(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        SOURCES
        + """
  NoCode:
    Type: AWS::AppSync::FunctionConfiguration
    Properties:
      {ApiId: !GetAtt Api.ApiId, Name: f, DataSourceName: Posts, FunctionVersion: "2017-02-28"}
  Lambda:
    Type: AWS::AppSync::FunctionConfiguration
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: g
      DataSourceName: Nowhere
      Runtime: {Name: APPSYNC_JS, RuntimeVersion: 2.0.0}
      Code: "export {}"
      SyncConfig:
        ConflictDetection: VERSION
        ConflictHandler: LAMBDA
        LambdaConflictHandlerConfig: {LambdaConflictHandlerArn: arn:aws:lambda:::function:x}
  Mixed:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: !GetAtt Api.ApiId
      TypeName: Query
      FieldName: getPost
      DataSourceName: Posts
      Code: "export {}"
  Unknown:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: !GetAtt Api.ApiId
      TypeName: Query
      FieldName: other
      Kind: PIPELINE
      PipelineConfig: {Functions: [abc123]}
  Twice:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: !GetAtt Api.ApiId
      TypeName: Query
      FieldName: third
      DataSourceName: Posts
      RequestMappingTemplate: "{}"
  Again:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: !GetAtt Api.ApiId
      TypeName: Query
      FieldName: third
      DataSourceName: Posts
      Runtime: {Name: APPSYNC_JS, RuntimeVersion: 1.0.0}
      CodeS3Location: "s3://bucket/code.js"
""",
    ) == [
        "NoCode.Properties: a function needs Code (APPSYNC_JS) or mapping templates (VTL)",
        "NoCode.Properties.FunctionVersion: expected 2018-05-29, got '2017-02-28'",
        "Lambda.Properties.DataSourceName: no data source named 'Nowhere' (known: Posts)",
        "Lambda.Properties.Runtime.RuntimeVersion: APPSYNC_JS has only version 1.0.0",
        "Mixed.Properties.Runtime: required with Code: {Name: APPSYNC_JS, RuntimeVersion: 1.0.0}",
        "Unknown.Properties.PipelineConfig.Functions[0]: no function with the id 'abc123': name "
        "one as !GetAtt Fn.FunctionId",
        "Again.Properties.CodeS3Location: s3://bucket/code.js is not local: appsync-local reads "
        "files, so write the path of the file (relative to the template) instead",
    ]


def test_a_field_has_one_resolver(tmp_path: Path) -> None:
    twice = """
  A:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: !GetAtt Api.ApiId
      TypeName: Query
      FieldName: getPost
      DataSourceName: Posts
      RequestMappingTemplate: "{}"
  B:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: !GetAtt Api.ApiId
      TypeName: Query
      FieldName: getPost
      DataSourceName: Posts
      RequestMappingTemplate: "{}"
"""
    assert problems(tmp_path, SOURCES + twice) == [
        "B.Properties.FieldName: Query.getPost already has a resolver (A)"
    ]


def test_a_lambda_conflict_handler_names_the_templates_function(tmp_path: Path) -> None:
    # AWS::AppSync::Resolver SyncConfig.LambdaConflictHandlerConfig.LambdaConflictHandlerArn,
    # `!GetAtt Fn.Arn` read as the function's local ARN.
    definition = read(
        tmp_path,
        SOURCES
        + """
  Resolve:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code: {ZipFile: "def handler(event, context): return {}"}
  GetPost:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: !GetAtt Api.ApiId
      TypeName: Query
      FieldName: getPost
      DataSourceName: Posts
      Runtime: {Name: APPSYNC_JS, RuntimeVersion: 1.0.0}
      Code: "export function request(ctx) { return {}; }"
      SyncConfig:
        ConflictDetection: VERSION
        ConflictHandler: LAMBDA
        LambdaConflictHandlerConfig: {LambdaConflictHandlerArn: !GetAtt Resolve.Arn}
""",
    )
    [function] = definition.server.lambda_functions
    [resolver] = definition.resolvers
    assert resolver.sync_config == SyncConfig(
        ConflictDetectionType.VERSION,
        ConflictHandlerType.LAMBDA,
        lambda_conflict_handler_arn=function.arn,
    )
