"""An Amplify Gen 1 project's API is read from the build folder the Amplify CLI writes: the
transformer's CloudFormation, its nested stacks and the S3 locations of its files read as the
build folder's own files, the parameters the CLI deploys with, the environment's name and
region; and what cannot be read offline is a problem that says which parameter gives it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from definition.amplify import is_amplify_build, read_amplify
from definition.errors import InvalidDefinitionError
from definition.model import ResolverKind

APIS = Path(__file__).parents[2] / "integration" / "apis"
POSTS = APIS / "iac" / "amplify"
TODOS = APIS / "amplify-todos"


def test_the_project_folder_and_its_parts_are_recognised(tmp_path: Path) -> None:
    api = POSTS / "amplify" / "backend" / "api" / "posts"
    for path in (POSTS, api, api / "build", api / "build" / "cloudformation-template.json"):
        assert is_amplify_build(path), path
    assert not is_amplify_build(tmp_path)
    assert not is_amplify_build(APIS / "iac" / "cloudformation.json")
    assert not is_amplify_build(APIS / "iac" / "cdk.out")


def test_the_posts_project_reads_with_its_environment(tmp_path: Path) -> None:
    definition = read_amplify(POSTS)
    # env is local-env-info.json's `dev`, as `amplify push` passes it: the API's name and the
    # custom stack's names carry it (HasEnvironmentParameter).
    assert definition.name == "posts-dev"
    [table] = definition.server.dynamodb.tables
    assert table.table_name.startswith("posts-")
    assert table.table_name.endswith("-dev")
    [machine] = definition.server.step_functions.state_machines
    assert machine.name == "quote-dev"
    assert definition.server.step_functions.region == "us-east-1"
    assert [source.name for source in definition.data_sources] == [
        "NONE_DS",
        "Posts",
        "StepFunctionsSync",
        "Local",
    ]
    get = definition.resolvers[0]
    assert get.code is not None
    # The resolver's S3 location is the build folder's file.
    assert get.code.request_mapping_template == (
        POSTS / "amplify/backend/api/posts/build/resolvers/Query.getPost.req.vtl"
    )
    # The key's build-time expiry is dropped, with a notice saying why.
    [key] = definition.api_keys
    assert key.expires is None
    assert any("apiKeyExpirationDays" in notice.message for notice in definition.notices)


def test_the_transformer_s_model_resolvers_are_pipelines_of_its_functions() -> None:
    definition = read_amplify(TODOS)
    resolvers = {f"{r.type_name}.{r.field_name}": r for r in definition.resolvers}
    assert set(resolvers) == {
        *["Query.getTodo", "Query.listTodos", "Mutation.createTodo", "Mutation.updateTodo"],
        *["Mutation.deleteTodo", "Subscription.onCreateTodo", "Subscription.onUpdateTodo"],
        "Subscription.onDeleteTodo",
    }
    create = resolvers["Mutation.createTodo"]
    assert create.kind is ResolverKind.PIPELINE
    # The transformer dedupes identical functions (disableResolverDeduping: false): the
    # mutation's auth step is the query's.
    assert create.functions == (
        "MutationcreateTodoinit0Function",
        "QuerygetTodopostAuth0Function",
        "MutationCreateTodoDataResolverFn",
    )
    [table] = definition.server.dynamodb.tables
    # Without an environment the transformer's table is Todo-<api id>-NONE.
    assert table.table_name.startswith("Todo-")
    assert table.table_name.endswith("-NONE")
    assert table.create_table_input["BillingMode"] == "PAY_PER_REQUEST"


def _project(tmp_path: Path) -> Path:
    shutil.copytree(TODOS, tmp_path / "project")
    return tmp_path / "project"


def test_several_apis_are_chosen_between(tmp_path: Path) -> None:
    project = _project(tmp_path)
    apis = project / "amplify" / "backend" / "api"
    shutil.copytree(apis / "todos", apis / "other")
    with pytest.raises(InvalidDefinitionError) as caught:
        read_amplify(project)
    assert [problem.message for problem in caught.value.problems] == [
        "the project has 2 APIs (other, todos): choose one with --stack NAME"
    ]
    assert read_amplify(project, "other").server.dynamodb.tables
    with pytest.raises(InvalidDefinitionError, match="--stack nope: no such API"):
        read_amplify(project, "nope")


def test_an_api_not_built_is_a_problem(tmp_path: Path) -> None:
    project = _project(tmp_path)
    api = project / "amplify" / "backend" / "api" / "todos"
    shutil.rmtree(api / "build")
    assert is_amplify_build(api)
    for path in (project, api):
        with pytest.raises(InvalidDefinitionError) as caught:
            read_amplify(path)
        [problem] = caught.value.problems
        assert problem.message.startswith("no cloudformation-template.json: the API is not built")


def test_another_category_s_output_needs_a_parameter(tmp_path: Path) -> None:
    # A Cognito API's parameters.json names the auth category's output, which Amplify's root
    # stack resolves; locally --parameter gives it.
    project = _project(tmp_path)
    build = project / "amplify" / "backend" / "api" / "todos" / "build"
    template = json.loads((build / "cloudformation-template.json").read_text())
    template["Parameters"]["AuthCognitoUserPoolId"] = {"Type": "String"}
    (build / "cloudformation-template.json").write_text(json.dumps(template))
    parameters = json.loads((build / "parameters.json").read_text())
    parameters["AuthCognitoUserPoolId"] = {"Fn::GetAtt": ["authtodos", "Outputs.UserPoolId"]}
    (build / "parameters.json").write_text(json.dumps(parameters))
    with pytest.raises(InvalidDefinitionError) as caught:
        read_amplify(project)
    [problem] = caught.value.problems
    assert (problem.file, problem.key_path) == (
        str(build / "parameters.json"),
        "AuthCognitoUserPoolId",
    )
    assert problem.message == (
        '{"Fn::GetAtt": ["authtodos", "Outputs.UserPoolId"]} is another Amplify category\'s '
        f"output, and no built auth category was found in {project / 'amplify/backend/auth'} "
        "(`amplify push` or `amplify build` writes amplify/backend/auth/<name>/build/): give its "
        "value with --parameter AuthCognitoUserPoolId=..."
    )
    given = read_amplify(project, parameters={"AuthCognitoUserPoolId": "us-east-1_abc"})
    assert given.name == "todos-NONE"


def test_malformed_parameters_are_a_problem_at_their_line(tmp_path: Path) -> None:
    project = _project(tmp_path)
    parameters = project / "amplify" / "backend" / "api" / "todos" / "parameters.json"
    parameters.write_text('{\n  "AppSyncApiName": "todos",\n}\n')
    with pytest.raises(InvalidDefinitionError) as caught:
        read_amplify(project)
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.column) == (str(parameters), 3, 1)


def test_what_is_not_an_amplify_project_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(InvalidDefinitionError) as caught:
        read_amplify(tmp_path)
    [problem] = caught.value.problems
    assert problem.message.startswith("not an Amplify Gen 1 project: expected the folder")
