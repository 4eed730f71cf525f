"""A `cdk.out` is read as the stack that holds the AppSync API, its S3 asset locations read
as the asset files and directories of the assembly (the cloud assembly's manifest.json and
*.assets.json, as `cdk synth` writes them: tests/integration/apis/iac/cdk/app.js made it)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from definition.cdk import read_cdk
from definition.errors import InvalidDefinitionError
from definition.model import InlineSource, Runtime

CDK_OUT = Path(__file__).parents[2] / "integration" / "apis" / "iac" / "cdk.out"


def _problems(path: Path, **options: Any) -> list[str]:
    with pytest.raises(InvalidDefinitionError) as caught:
        read_cdk(path, **options)
    return [problem.message for problem in caught.value.problems]


def test_the_synthesized_assembly_reads_with_its_assets() -> None:
    definition = read_cdk(CDK_OUT)
    assert definition.file == CDK_OUT / "PostsStack.template.json"
    assert definition.name == "posts"
    [schema] = definition.schema
    assert isinstance(schema, InlineSource)
    assert "type Post" in schema.text
    functions = {function.name: function for function in definition.functions}
    hello = functions["hello"].code
    assert hello.runtime is Runtime.APPSYNC_JS
    assert isinstance(hello.code, Path)
    assert hello.code.parent == CDK_OUT
    assert hello.code.read_text().startswith("// The `hello` pipeline function")
    [machine] = definition.server.step_functions.state_machines
    assert isinstance(machine.definition, InlineSource)
    assert json.loads(machine.definition.text)["QueryLanguage"] == "JSONata"
    [echo] = definition.server.lambda_functions
    assert isinstance(echo.code, Path)
    assert (echo.code / "app.py").is_file()
    assert echo.timeout == 10
    lambda_source = next(s for s in definition.data_sources if s.name == "Echo")
    assert lambda_source.lambda_function_arn == echo.arn
    # The API trusts the stack's user pool, by the id the embedded Cognito will give it.
    [pool] = definition.server.user_pools
    [user_pools] = definition.additional_authentication_providers
    assert user_pools.user_pool_config is not None
    assert user_pools.user_pool_config.user_pool_id == pool.user_pool_id
    assert [client.client_name for client in pool.clients] == ["UsersWebClient8EE36D42"]


def test_the_region_is_the_options_else_the_stacks_environment(tmp_path: Path) -> None:
    assembly = tmp_path / "cdk.out"
    shutil.copytree(CDK_OUT, assembly)
    assert read_cdk(
        assembly / "manifest.json", region="ap-south-1"
    ).server.step_functions.region == ("ap-south-1")
    manifest = json.loads((assembly / "manifest.json").read_text())
    manifest["artifacts"]["PostsStack"]["environment"] = "aws://111111111111/eu-central-1"
    (assembly / "manifest.json").write_text(json.dumps(manifest))
    definition = read_cdk(assembly)
    # The assets are found under the environment's region too.
    assert definition.server.step_functions.region == "eu-central-1"
    assert definition.server.lambda_functions[0].arn.startswith(
        "arn:aws:lambda:eu-central-1:123456789012:function:PostsStack-Echo"
    )


def test_a_stack_is_chosen_by_name_or_by_its_api(tmp_path: Path) -> None:
    assembly = tmp_path / "cdk.out"
    shutil.copytree(CDK_OUT, assembly)
    manifest = json.loads((assembly / "manifest.json").read_text())
    template = json.loads((assembly / "PostsStack.template.json").read_text())
    (assembly / "Other.template.json").write_text(
        json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
    )
    manifest["artifacts"]["OtherStack"] = {
        "type": "aws:cloudformation:stack",
        "environment": "aws://unknown-account/unknown-region",
        "properties": {"templateFile": "Other.template.json"},
    }
    (assembly / "manifest.json").write_text(json.dumps(manifest))
    assert read_cdk(assembly).name == "posts"
    assert _problems(assembly, stack="Nope") == [
        "--stack Nope: no such stack (stacks: PostsStack, OtherStack)"
    ]
    assert _problems(assembly, stack="OtherStack") == [
        "the template declares no AWS::AppSync::GraphQLApi"
    ]
    (assembly / "Other.template.json").write_text(json.dumps(template))
    assert _problems(assembly) == [
        "2 stacks declare an AppSync API (PostsStack, OtherStack): choose one with --stack"
    ]
    assert read_cdk(assembly, stack="PostsStack").name == "posts"


def test_a_nested_assembly_holds_its_stages_stacks(tmp_path: Path) -> None:
    assembly = tmp_path / "cdk.out"
    shutil.copytree(CDK_OUT, assembly / "assembly-Prod")
    (assembly / "manifest.json").write_text(
        json.dumps(
            {
                "version": "55.0.0",
                "artifacts": {
                    "assembly-Prod": {
                        "type": "cdk:cloud-assembly",
                        "properties": {"directoryName": "assembly-Prod", "displayName": "Prod"},
                    }
                },
            }
        )
    )
    nested = json.loads((assembly / "assembly-Prod" / "manifest.json").read_text())
    nested["artifacts"]["PostsStack"]["displayName"] = "Prod/PostsStack"
    (assembly / "assembly-Prod" / "manifest.json").write_text(json.dumps(nested))
    assert read_cdk(assembly, stack="Prod/PostsStack").name == "posts"
    assert read_cdk(assembly).name == "posts"


def test_a_missing_asset_or_manifest_is_a_problem(tmp_path: Path) -> None:
    assembly = tmp_path / "cdk.out"
    shutil.copytree(CDK_OUT, assembly)
    asset = next(assembly.glob("asset.*.js"))
    asset.unlink()
    with pytest.raises(InvalidDefinitionError) as caught:
        read_cdk(assembly)
    [problem] = caught.value.problems
    assert (problem.logical_id, problem.key_path) == (
        "HelloFunctionD909AE8C",
        "Properties.CodeS3Location",
    )
    assert problem.message == f"file not found: {asset}"
    assert _problems(tmp_path) == ["file not found: a cdk.out directory has a manifest.json"]
    (tmp_path / "manifest.json").write_text('{"version": "1"}')
    assert _problems(tmp_path) == ["required; not a CDK cloud assembly manifest"]
    (tmp_path / "manifest.json").write_text("{")
    assert _problems(tmp_path) == [
        "not valid JSON: Expecting property name enclosed in double quotes"
    ]


GEN2_OUT = Path(__file__).parents[2] / "integration" / "apis" / "iac" / "amplify-gen2" / "cdk.out"


def test_an_api_in_a_nested_stack_is_found_amplify_gen_2s_in_its_data_stack() -> None:
    # `ampx sandbox`'s assembly (apis/iac/amplify-gen2/project/synth.sh): its one stack
    # declares the auth and data nested stacks; the API is in the data stack.
    definition = read_cdk(GEN2_OUT)
    assert definition.file.name.startswith("amplify-gen2todos-local-sandbox-")
    assert definition.name == "amplifyData"
    [table] = definition.server.dynamodb.tables
    assert table.table_name.startswith("Todo-")
    # The AWS CLI layer of CDK's BucketDeployment is a zip archive: a notice, not a problem.
    layers = [n for n in definition.notices if n.key_path.endswith("Properties.Content")]
    assert len(layers) == 2
    assert all("is a zip archive, not unpacked locally" in n.message for n in layers)
