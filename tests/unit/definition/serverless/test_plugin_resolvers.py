"""serverless-appsync-plugin's data sources, pipeline functions and resolvers become the ones
the plugin deploys (doc/dataSources.md, pipeline-functions.md, resolvers.md,
substitutions.md, syncConfig.md; src/resources/DataSource.ts, PipelineFunction.ts,
Resolver.ts; src/getAppSyncConfig.ts), with its defaults: PIPELINE resolvers, default
JavaScript, inline data sources and functions named as the plugin names them."""

from __future__ import annotations

from pathlib import Path

from definition.model import (
    ConflictHandlerType,
    DataSourceType,
    InlineSource,
    ResolverKind,
    Runtime,
)
from tests.unit.definition.serverless.serverless_support import (
    HEAD,
    TABLE,
    get_post,
    problems,
    read,
)

_API = """
appSync:
  name: posts
  authentication: {type: API_KEY}
"""


def test_data_sources_of_each_type(tmp_path: Path) -> None:
    text = f"""{HEAD}{_API}
  dataSources:
    posts:
      type: AMAZON_DYNAMODB
      description: the posts
      config:
        tableName: !Ref PostsTable
        versioned: true
        deltaSyncConfig: {{deltaSyncTableName: deltas}}
    api:
      type: HTTP
      config:
        endpoint: https://api.example.test
        authorizationConfig:
          authorizationType: AWS_IAM
          awsIamConfig: {{signingServiceName: execute-api}}
    search:
      type: AMAZON_OPENSEARCH_SERVICE
      config: {{endpoint: https://search.eu-west-1.es.amazonaws.com}}
    events:
      type: AMAZON_EVENTBRIDGE
      config: {{eventBusArn: arn:aws:events:eu-west-1:123456789012:event-bus/default}}
    none:
      type: NONE
  resolvers:
{get_post("none")}{TABLE}"""
    definition = read(tmp_path, text)
    sources = {source.name: source for source in definition.data_sources}
    posts = sources["posts"].dynamodb
    [table] = definition.server.dynamodb.tables
    assert posts is not None
    assert posts.table_name == table.table_name
    # region defaults to the stack's; a versioned table's TTLs default to 43200 and 1440
    # minutes (dataSources.md).
    assert posts.aws_region == "eu-west-1"
    assert posts.delta_sync_config is not None
    assert (
        posts.delta_sync_config.base_table_ttl,
        posts.delta_sync_config.delta_sync_table_ttl,
    ) == (43200, 1440)
    http = sources["api"].http
    assert http is not None
    assert http.aws_iam is not None
    assert (http.aws_iam.signing_region, http.aws_iam.signing_service_name) == (
        "eu-west-1",
        "execute-api",
    )
    assert sources["search"].type is DataSourceType.AMAZON_OPENSEARCH_SERVICE
    assert sources["events"].type is DataSourceType.AMAZON_EVENTBRIDGE
    assert sources["posts"].description == "the posts"


def test_resolvers_kinds_handlers_and_inline_definitions(tmp_path: Path) -> None:
    (tmp_path / "getPost.js").write_text("export function request(ctx) { return {}; }\n")
    text = f"""{HEAD}{_API}
  dataSources:
    none: {{type: NONE}}
    lister:
      type: AWS_LAMBDA
      config: {{functionArn: arn:aws:lambda:eu-west-1:123456789012:function:list}}
  pipelineFunctions:
    fetch:
      dataSource: none
      request: templates/get.vtl
      response: templates/result.vtl
  resolvers:
    # A string is a UNIT resolver on that data source (getAppSyncConfig): without
    # templates, a direct Lambda resolver.
    Query.listPosts: lister
    getOne:
      type: Query
      field: getPost
      functions:
        - fetch
        - dataSource: {{type: NONE}}
          request: templates/get.vtl
          response: templates/result.vtl
    Mutation.createPost:
      kind: UNIT
      dataSource: {{type: NONE}}
      code: getPost.js
"""
    definition = read(tmp_path, text)
    resolvers = {f"{r.type_name}.{r.field_name}": r for r in definition.resolvers}
    assert resolvers["Query.listPosts"].kind is ResolverKind.UNIT
    assert resolvers["Query.listPosts"].code is None
    pipeline = resolvers["Query.getPost"]
    # The default kind is PIPELINE; functions defined inline are named <Type_field>_<index>
    # (the key with its first character that is not a letter or '_' replaced), with their
    # data sources named alike.
    assert pipeline.kind is ResolverKind.PIPELINE
    assert pipeline.functions == ("fetch", "getOne_1")
    assert pipeline.code is not None
    assert pipeline.code.runtime is Runtime.APPSYNC_JS
    default = pipeline.code.code
    assert isinstance(default, InlineSource)
    assert "return ctx.prev.result;" in default.text
    names = {source.name for source in definition.data_sources}
    assert names == {"none", "lister", "getOne_1", "Mutation_createPost"}
    create = resolvers["Mutation.createPost"]
    assert create.data_source_name == "Mutation_createPost"
    assert create.code is not None
    assert create.code.code == tmp_path / "getPost.js"


def test_substitutions_replace_variables_in_templates(tmp_path: Path) -> None:
    # substitutions.md: the API's, then the resolver's, which win; ${name} in VTL, #name# in
    # JavaScript; values may be intrinsic functions.
    (tmp_path / "templates").mkdir(exist_ok=True)
    (tmp_path / "templates" / "sub.vtl").write_text(
        '{"table": "${table}", "stage": "${stage}", "other": "${other}"}'
    )
    (tmp_path / "code.js").write_text("const table = '#table#';\n")
    text = f"""{HEAD}{_API}
  substitutions:
    table: !Ref PostsTable
    stage: global
  dataSources:
    none: {{type: NONE}}
  resolvers:
    Query.getPost:
      kind: UNIT
      dataSource: none
      request: templates/sub.vtl
      response: templates/result.vtl
      substitutions: {{stage: dev}}
    Query.listPosts:
      kind: UNIT
      dataSource: none
      code: code.js
{TABLE}"""
    definition = read(tmp_path, text)
    [table] = definition.server.dynamodb.tables
    get, listed = definition.resolvers
    assert get.code is not None
    assert listed.code is not None
    request = get.code.request_mapping_template
    assert isinstance(request, InlineSource)
    assert request.text == (
        f'{{"table": "{table.table_name}", "stage": "dev", "other": "${{other}}"}}'
    )
    # Problems in it name the template's own file.
    assert request.name == str(tmp_path / "templates" / "sub.vtl")
    code = listed.code.code
    assert isinstance(code, InlineSource)
    assert code.text == f"const table = '{table.table_name}';\n"


def test_sync_and_caching(tmp_path: Path) -> None:
    text = f"""{HEAD}{_API}
  caching: {{behavior: PER_RESOLVER_CACHING, ttl: 300}}
  dataSources:
    posts:
      type: AMAZON_DYNAMODB
      config:
        tableName: !Ref PostsTable
        versioned: true
        deltaSyncConfig: {{deltaSyncTableName: deltas}}
  resolvers:
{get_post("posts")}      sync: {{conflictHandler: AUTOMERGE}}
      caching: true
    Query.listPosts:
      kind: UNIT
      dataSource: posts
      request: templates/get.vtl
      response: templates/result.vtl
      sync: {{}}
      caching: {{ttl: 60, keys: [$context.arguments.id]}}
{TABLE}"""
    get, listed = read(tmp_path, text).resolvers
    # syncConfig.md: VERSION and OPTIMISTIC_CONCURRENCY by default; `caching: true` takes the
    # API's TTL (resolvers.md).
    assert get.sync_config is not None
    assert get.sync_config.conflict_handler is ConflictHandlerType.AUTOMERGE
    assert listed.sync_config is not None
    assert listed.sync_config.conflict_handler is ConflictHandlerType.OPTIMISTIC_CONCURRENCY
    assert get.caching_config is not None
    assert get.caching_config.ttl == 300
    assert listed.caching_config is not None
    assert (listed.caching_config.ttl, listed.caching_config.caching_keys) == (
        60,
        ("$context.arguments.id",),
    )


def test_bad_resolvers_are_problems_at_their_keys(tmp_path: Path) -> None:
    (tmp_path / "code.ts").write_text("export function request() { return {}; }")
    text = f"""{HEAD}{_API}
  dataSources:
    none: {{type: NONE}}
    broken: {{type: DYNAMO}}
    table: {{type: AMAZON_DYNAMODB}}
  resolvers:
    Query.getPost:
      dataSource: none
      request: templates/get.vtl
    Query.listPosts:
      kind: UNIT
      dataSource: nowhere
      request: templates/missing.vtl
    Mutation.createPost:
      kind: UNIT
      dataSource: none
      code: code.ts
    loose:
      functions: [nothing]
"""
    assert problems(tmp_path, text) == [
        "appSync.dataSources.broken.type: must be one of AMAZON_DYNAMODB, "
        "AMAZON_OPENSEARCH_SERVICE, AWS_LAMBDA, HTTP, NONE, RELATIONAL_DATABASE, "
        "AMAZON_EVENTBRIDGE, AMAZON_BEDROCK_RUNTIME, AMAZON_ELASTICSEARCH",
        "appSync.dataSources.table.config: required for AMAZON_DYNAMODB",
        "appSync.resolvers.Query.getPost.functions: required for a PIPELINE resolver (the "
        "default kind): a list of pipeline functions; or write kind: UNIT with a dataSource",
        "appSync.resolvers.Query.listPosts.request: file not found: "
        f"{tmp_path}/templates/missing.vtl",
        "appSync.resolvers.Query.listPosts.dataSource: references unknown DataSource 'nowhere'",
        "appSync.resolvers.Mutation.createPost.code: serverless-appsync-plugin bundles this "
        f"file with esbuild, which is not installed in {tmp_path / 'node_modules'}: install the "
        "service's dependencies (`npm install`; serverless-appsync-plugin depends on esbuild)",
        "appSync.resolvers.loose: resolver definitions that do not specify Type.field in the "
        "key must specify the type and field as properties",
    ]


def test_a_lambda_data_source_names_the_service_s_function(tmp_path: Path) -> None:
    text = f"""{HEAD}
functions:
  get-post:
    handler: handlers/posts.get
{_API}
  dataSources:
    byName:
      type: AWS_LAMBDA
      config: {{functionName: get-post}}
    inline:
      type: AWS_LAMBDA
      config:
        function: {{handler: handlers/inline.handler, timeout: 30}}
    byArn:
      type: AWS_LAMBDA
      config: {{functionArn: arn:aws:lambda:eu-west-1:123456789012:function:elsewhere}}
  resolvers:
    Query.getPost: {{kind: UNIT, dataSource: byName}}
"""
    definition = read(tmp_path, text)
    sources = {source.name: source.lambda_function_arn for source in definition.data_sources}
    # functionName is the service's function (GetDashpostLambdaFunction), whose name is
    # <service>-<stage>-<key>; `function` defines one named after the data source.
    assert sources == {
        "byName": "arn:aws:lambda:eu-west-1:123456789012:function:posts-dev-get-post",
        "inline": "arn:aws:lambda:eu-west-1:123456789012:function:posts-dev-inline",
        "byArn": "arn:aws:lambda:eu-west-1:123456789012:function:elsewhere",
    }
    functions = {
        function.function_name: function for function in definition.server.lambda_functions
    }
    assert functions["posts-dev-inline"].timeout == 30
    assert functions["posts-dev-get-post"].handler == "handlers/posts.get"
