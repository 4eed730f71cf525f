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
    IntrospectionConfig,
    ServerSpec,
    StepFunctionsSettings,
)


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
