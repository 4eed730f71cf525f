"""The typed definition's own behaviour: resolved paths, DynamoDB configs, AWS's defaults."""

from __future__ import annotations

from pathlib import Path

from definition.model import (
    ApiDefinition,
    AuthenticationType,
    AuthProviderSpec,
    DataSourceSpec,
    DataSourceType,
    DynamoDBConfig,
    InlineSource,
    IntrospectionConfig,
    ServerSpec,
    StepFunctionsSettings,
    source_text,
)
from definition.problems import Origin


def _definition(*sources: DataSourceSpec) -> ApiDefinition:
    return ApiDefinition(
        Path("/apis/blog/appsync.yaml"),
        "blog",
        (Path("/apis/blog/schema.graphql"),),
        AuthProviderSpec(AuthenticationType.API_KEY),
        data_sources=sources,
    )


def test_files_are_relative_to_the_definitions_folder() -> None:
    assert _definition().base_dir == Path("/apis/blog")


def test_dynamodb_configs_are_those_of_dynamodb_sources_in_order() -> None:
    posts = DynamoDBConfig("Post")
    remote = DynamoDBConfig("Post", endpoint="http://localhost:8000")
    definition = _definition(
        DataSourceSpec("Posts", DataSourceType.AMAZON_DYNAMODB, None, None, posts),
        DataSourceSpec("Local", DataSourceType.NONE, None, None),
        DataSourceSpec("Remote", DataSourceType.AMAZON_DYNAMODB, None, None, remote),
    )
    assert definition.dynamodb_configs == (posts, remote)


def test_what_a_definition_leaves_out_is_appsyncs_default() -> None:
    definition = _definition()
    # CreateGraphqlApi: queryDepthLimit 0 (no limit), resolverCountLimit 0 meaning 10000,
    # introspectionConfig ENABLED.
    assert (definition.query_depth_limit, definition.resolver_count_limit) == (0, 10000)
    assert definition.introspection is IntrospectionConfig.ENABLED
    assert definition.server == ServerSpec()


def test_defaults_left_open_are_the_local_ones() -> None:
    # AppSync requires awsRegion; locally it defaults to us-east-1, the CLI's usual region.
    assert DynamoDBConfig("Post").aws_region == "us-east-1"
    settings = StepFunctionsSettings()
    assert (settings.region, settings.account_id, settings.declared) == (
        "us-east-1",
        "123456789012",
        False,
    )
    # `declared` says whether the definition had the block, not what the settings are.
    assert StepFunctionsSettings(declared=True) == settings


def test_inline_text_is_named_for_where_it_is_written(tmp_path: Path) -> None:
    inline = InlineSource("$util.toJson($ctx.result)", "GetPost.Properties.ResponseMappingTemplate")
    assert str(inline) == "GetPost.Properties.ResponseMappingTemplate"
    assert source_text(inline) == "$util.toJson($ctx.result)"
    file = tmp_path / "res.vtl"
    file.write_text("{}")
    assert source_text(file) == "{}"


def test_a_problem_is_placed_where_the_definition_states_it() -> None:
    own = _definition()
    assert str(own.problem("resolvers[0].typeName", "no such type")) == (
        "/apis/blog/appsync.yaml: resolvers[0].typeName: no such type"
    )
    template = ApiDefinition(
        Path("/apis/blog/template.yaml"),
        "blog",
        (),
        AuthProviderSpec(AuthenticationType.API_KEY),
        origins={
            "resolvers[0]": Origin("/apis/blog/template.yaml", "GetPost", "Properties"),
            "resolvers[0].code": Origin("/apis/blog/template.yaml", "GetPost", "Properties.Code"),
        },
    )
    assert str(template.problem("resolvers[0].typeName", "no such type")) == (
        "/apis/blog/template.yaml: GetPost.Properties.TypeName: no such type"
    )
    assert str(template.problem("resolvers[0].code", "1:2: unexpected")) == (
        "/apis/blog/template.yaml: GetPost.Properties.Code: 1:2: unexpected"
    )
    assert template.problem("resolvers[1].typeName", "x").logical_id is None
