"""serverless-appsync-plugin v1's `custom.appSync` reads as the API v1 deploys (its README and
src/get-config.js, src/index.js on the plugin's v1 branch; doc/upgrading-from-v1.md): UNIT
resolvers by default, templates found by name in `mapping-templates/`, a `Default` API key,
data sources as a list."""

from __future__ import annotations

from pathlib import Path

from definition.authorization import AuthenticationType
from definition.model import ResolverKind
from tests.unit.definition.serverless.serverless_support import (
    GET,
    HEAD,
    RESULT,
    TABLE,
    problems,
    read,
)

_V1 = """
custom:
  appSync:
    schema: schema.graphql
    authenticationType: API_KEY
    additionalAuthenticationProviders:
      - authenticationType: AMAZON_COGNITO_USER_POOLS
        userPoolConfig: {userPoolId: eu-west-1_abc}
    logConfig: {loggingRoleArn: arn:aws:iam::123456789012:role/logs, level: ALL}
    dataSources:
      - type: AMAZON_DYNAMODB
        name: postsTable
        config: {tableName: !Ref PostsTable}
      - type: NONE
        name: none
    mappingTemplates:
      - {type: Query, field: getPost, dataSource: postsTable}
      - - type: Query
          field: listPosts
          kind: PIPELINE
          functions: [fetch-posts]
          request: simplePipeline.request.vtl
          response: simplePipeline.response.vtl
    functionConfigurations:
      - {name: fetch-posts, dataSource: postsTable}
"""


def _templates(folder: Path) -> None:
    templates = folder / "mapping-templates"
    templates.mkdir()
    for name, text in {
        "Query.getPost.request.vtl": GET,
        "Query.getPost.response.vtl": RESULT,
        "simplePipeline.request.vtl": "{}",
        "simplePipeline.response.vtl": "$util.toJson($ctx.prev.result)",
        "fetch-posts.request.vtl": GET,
        "fetch-posts.response.vtl": RESULT,
    }.items():
        (templates / name).write_text(text)


def test_a_v1_api_reads_with_v1_s_defaults(tmp_path: Path) -> None:
    _templates(tmp_path)
    definition = read(tmp_path, HEAD + _V1 + TABLE)
    # `name` defaults to `api`; without `apiKeys`, API_KEY auth has one key named Default.
    assert definition.name == "api"
    assert [key.description for key in definition.api_keys] == ["Auto-generated api key"]
    assert definition.authentication.authentication_type is AuthenticationType.API_KEY
    [pool] = definition.additional_authentication_providers
    assert pool.authentication_type is AuthenticationType.AMAZON_COGNITO_USER_POOLS
    assert definition.log_config is not None
    assert definition.log_config.cloud_watch_logs_role_arn == "arn:aws:iam::123456789012:role/logs"
    get, listed = definition.resolvers
    # UNIT by default, templates named <Type>.<field>.request.vtl in mapping-templates/.
    assert get.kind is ResolverKind.UNIT
    assert get.data_source_name == "postsTable"
    assert get.code is not None
    assert (
        get.code.request_mapping_template
        == tmp_path / "mapping-templates" / "Query.getPost.request.vtl"
    )
    # A function's name is getCfnName(name): letters and digits.
    assert listed.kind is ResolverKind.PIPELINE
    assert listed.functions == ("fetchposts",)
    [function] = definition.functions
    assert (
        function.code.request_mapping_template
        == tmp_path / "mapping-templates" / "fetch-posts.request.vtl"
    )


def test_direct_lambda_and_default_templates(tmp_path: Path) -> None:
    _templates(tmp_path)
    (tmp_path / "lambda.vtl").write_text(
        '{"version": "2018-05-29", "operation": "Invoke", "payload": {}}'
    )
    text = (
        HEAD
        + """
custom:
  appSync:
    authenticationType: AWS_IAM
    apiKeys: [web, {description: unnamed}]
    defaultMappingTemplates: {request: ../lambda.vtl, response: false}
    dataSources:
      lambda:
        type: AWS_LAMBDA
        config: {lambdaFunctionArn: arn:aws:lambda:eu-west-1:123456789012:function:f}
    mappingTemplates:
      - {type: Query, field: getPost, dataSource: lambda, request: false, response: false}
      - {type: Query, field: listPosts, dataSource: lambda}
"""
    )
    definition = read(tmp_path, text)
    get, listed = definition.resolvers
    # request: false and response: false is a direct Lambda resolver (README "Direct Lambda
    # Resolvers"); defaultMappingTemplates fill in what a resolver leaves out.
    assert get.code is None
    assert listed.code is not None
    assert listed.code.request_mapping_template == tmp_path / "lambda.vtl"
    assert listed.code.response_mapping_template is None
    # API keys only with API_KEY auth.
    assert definition.api_keys == ()


def test_what_v2_serves_apart_is_a_problem(tmp_path: Path) -> None:
    several = HEAD + "custom:\n  appSync:\n    - {name: a}\n    - {name: b}\n"
    assert problems(tmp_path, several) == [
        "custom.appSync: 2 APIs: appsync-local serves one API, as plugin v2 does (one per "
        "stack): keep one"
    ]
    existing = HEAD + "custom:\n  appSync:\n    apiId: abc123\n    authenticationType: API_KEY\n"
    assert problems(tmp_path, existing) == [
        "custom.appSync.apiId: adds to an API that exists in AWS; appsync-local serves the API "
        "the file declares: remove apiId"
    ]


def test_an_api_in_a_list_has_its_name_in_its_logical_ids(tmp_path: Path) -> None:
    # Plugin v1's getLogicalId (src/index.js, branch v1): an API given in a list (not
    # `isSingleConfig`) prefixes every logical id with its name, first letter upper-cased; API
    # keys are GraphQlApiKey<name>. A service's own resources and functions name them so
    # (theburningmonk/appsyncmasterclass-backend: !GetAtt AppsyncmasterclassGraphQlApi.GraphQLUrl).
    _templates(tmp_path)
    listed = """
custom:
  appSync:
    - name: blog
      authenticationType: API_KEY
      apiKeys: [web]
      dataSources:
        - {type: AMAZON_DYNAMODB, name: postsTable, config: {tableName: !Ref PostsTable}}
      mappingTemplates:
        - {type: Query, field: getPost, dataSource: postsTable}
"""
    uses = """
functions:
  notify:
    handler: notify.handler
    environment:
      URL: !GetAtt BlogGraphQlApi.GraphQLUrl
      KEY: !GetAtt BlogGraphQlApiKeyweb.ApiKey
      SOURCE: !GetAtt BlogGraphQlDspostsTable.Name
"""
    definition = read(tmp_path, HEAD + listed + TABLE + uses)
    assert definition.name == "blog"
    [resolver] = definition.resolvers
    assert resolver.data_source_name == "postsTable"
    [function] = definition.server.lambda_functions
    assert function.environment["SOURCE"] == "postsTable"
    assert function.environment["KEY"] == definition.api_keys[0].id
    text = HEAD + listed + TABLE + uses.replace("BlogGraphQlApi.", "GraphQlApi.")
    assert problems(tmp_path, text) == [
        "functions.notify: unresolved reference: no parameter or resource named 'GraphQlApi'"
    ]
