"""An Amplify Gen 1 API's parameters that name the auth category's outputs are evaluated as
Amplify's root stack evaluates them, from the auth category's build (apis/amplify-notes: the
template the Amplify CLI's auth stack builder writes for the default settings, its snapshot in
amplify-cli's auth-stack-transform.test.ts.snap, and the parameters the CLI writes from
cli-inputs.json); its user pool and clients are kept for the embedded Cognito."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from definition.amplify_categories import category_outputs

NOTES = Path(__file__).parents[2] / "integration" / "apis" / "amplify-notes"
_POOL_ID = {"Fn::GetAtt": ["authnotesauth", "Outputs.UserPoolId"]}


def _project(tmp_path: Path, triggers: bool = False) -> Path:
    """The project's auth category (without its triggers' stack unless `triggers`)."""
    ignored = shutil.ignore_patterns() if triggers else shutil.ignore_patterns("auth-trigger-*")
    shutil.copytree(
        NOTES / "amplify" / "backend" / "auth", tmp_path / "amplify/backend/auth", ignore=ignored
    )
    shutil.copy(NOTES / "amplify/backend/backend-config.json", tmp_path / "amplify/backend")
    return tmp_path


def test_the_auth_category_gives_its_user_pool(tmp_path: Path) -> None:
    project = _project(tmp_path)
    given_in = project / "parameters.json"
    arn = {
        # As an API's or a function's parameters.json writes a pool's ARN.
        "Fn::Sub": [
            "arn:aws:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/${id}",
            {"id": _POOL_ID},
        ]
    }
    found = category_outputs(
        project,
        {"AuthCognitoUserPoolId": (given_in, _POOL_ID), "PoolArn": (given_in, arn)},
        "dev",
        "eu-west-1",
    )
    assert found.problems == ()
    [pool] = found.user_pools
    assert found.values == {
        "AuthCognitoUserPoolId": pool.user_pool_id,
        "PoolArn": f"arn:aws:cognito-idp:eu-west-1:123456789012:userpool/{pool.user_pool_id}",
    }
    assert pool.user_pool_id.startswith("eu-west-1_")
    # UserPoolName is `<userPoolName>-<env>` unless env is NONE (ShouldNotCreateEnvResources).
    assert pool.pool_name == "notesauth_userpool_2c33facd-dev"
    assert pool.properties["AliasAttributes"] == ["email"]
    assert pool.properties["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
    assert sorted(client.client_name for client in pool.clients) == [
        "notesauth_app_client",
        "notesauth_app_clientWeb",
    ]
    assert [notice.key_path for notice in found.notices] == [
        "auth.notesauth",
        "auth.userPoolGroups",
    ]
    # Without an environment the pool has no suffix, as under env NONE.
    bare = category_outputs(project, {"Id": (given_in, _POOL_ID)}, None, "eu-west-1")
    assert bare.user_pools[0].pool_name == "notesauth_userpool_2c33facd"


def test_the_user_pool_groups_stack_gives_the_auth_pool_its_groups(tmp_path: Path) -> None:
    """`amplify update auth` with groups writes an auth resource `userPoolGroups` (service
    Cognito-UserPool-Groups) whose template declares each AWS::Cognito::UserPoolGroup in the
    auth resource's pool, named by the `auth<name>UserPoolId` parameter backend-config.json's
    dependsOn gives, with the group's precedence and an IAM role `<pool id>-<group>GroupRole`
    (the template the CLI writes, as in public Gen 1 projects:
    amplify/backend/auth/userPoolGroups/build/userPoolGroups-cloudformation-template.json)."""
    project = _project(tmp_path)
    found = category_outputs(project, {"Id": (project / "p.json", _POOL_ID)}, "dev", "eu-west-1")
    assert found.problems == ()
    [pool] = found.user_pools
    role = f"arn:aws:iam::123456789012:role/{pool.user_pool_id}-{{}}GroupRole"
    assert [(g.group_name, g.precedence, g.role_arn) for g in pool.groups] == [
        ("Editors", 1, role.format("Editors")),
        ("Readers", 2, role.format("Readers")),
    ]
    # Without the groups' resource the pool has none.
    shutil.rmtree(project / "amplify/backend/auth/userPoolGroups")
    alone = category_outputs(project, {"Id": (project / "p.json", _POOL_ID)}, "dev", "eu-west-1")
    assert alone.user_pools[0].groups == ()


def test_before_cli_7_the_template_sits_beside_its_parameters(tmp_path: Path) -> None:
    project = _project(tmp_path)
    auth = project / "amplify/backend/auth/notesauth"
    template = json.loads((auth / "build/notesauth-cloudformation-template.json").read_text())
    (auth / "notesauth-cloudformation-template.json").write_text(json.dumps(template))
    shutil.move(auth / "build/parameters.json", auth / "parameters.json")
    shutil.rmtree(auth / "build")
    found = category_outputs(project, {"Id": (auth / "x.json", _POOL_ID)}, "dev", "us-east-1")
    assert found.problems == ()
    assert found.values["Id"] == found.user_pools[0].user_pool_id


def test_what_cannot_be_read_is_a_problem_naming_the_parameter(tmp_path: Path) -> None:
    project = _project(tmp_path)
    given_in = project / "parameters.json"
    other = {"Fn::GetAtt": ["functionresize", "Outputs.Arn"]}
    found = category_outputs(project, {"ResizeArn": (given_in, other)}, "dev", "us-east-1")
    [problem] = found.problems
    assert (problem.file, problem.key_path) == (str(given_in), "ResizeArn")
    assert problem.message == (
        "unresolved reference: no parameter or resource named 'functionresize'; only the auth "
        "category is read locally: give its value with --parameter ResizeArn=..."
    )
    shutil.rmtree(project / "amplify/backend/auth/notesauth/build")
    [problem] = category_outputs(project, {"Id": (given_in, _POOL_ID)}, "dev", "us-east-1").problems
    assert problem.message.startswith(
        '{"Fn::GetAtt": ["authnotesauth", "Outputs.UserPoolId"]} is another Amplify category\'s '
        "output, and no built auth category was found"
    )
    assert category_outputs(None, {}, None, "us-east-1").values == {}


def test_the_function_category_s_functions_run_locally(tmp_path: Path) -> None:
    # The Amplify CLI's function template (amplify-category-function's
    # lambda-function-cloudformation-template.json.ejs): FunctionName `<name>-<env>`, its code
    # at the S3 location of the CLI's upload of src/, which stands for src/ here.
    project = _project(tmp_path)
    shutil.copytree(NOTES / "amplify/backend/function", project / "amplify/backend/function")
    found = category_outputs(project, {}, "dev", "eu-west-1")
    assert found.problems == ()
    assert sorted(function.function_name for function in found.lambda_functions) == [
        "notesauthPreSignup-dev",
        "wordcount-dev",
    ]
    [function] = [each for each in found.lambda_functions if each.function_name == "wordcount-dev"]
    assert function.function_name == "wordcount-dev"
    assert function.handler == "index.handler"
    assert function.code == project / "amplify/backend/function/wordcount/src"
    assert function.arn == "arn:aws:lambda:eu-west-1:123456789012:function:wordcount-dev"
    assert function.environment == {"ENV": "dev", "REGION": "eu-west-1"}
    # The auth category is read as well, though no parameter names it.
    assert len(found.user_pools) == 1


def test_the_auth_category_s_triggers_name_the_function_category_s_functions(
    tmp_path: Path,
) -> None:
    # amplify-category-auth's generate-auth-trigger-template.ts: with breakCircularDependency the
    # pool's template has no LambdaConfig; build/auth-trigger-cloudformation-template.json's
    # Custom::CustomAuthTriggerResourceOutputs lists the triggers, each function's ARN a
    # `function<name>Arn` parameter the root stack fills with that function's Arn output.
    project = _project(tmp_path, triggers=True)
    without_functions = category_outputs(project, {}, "dev", "eu-west-1")
    [problem] = without_functions.problems
    assert problem.file.endswith("auth-trigger-cloudformation-template.json")
    assert problem.key_path == "Resources.CustomAuthTriggerResource.Properties.lambdaConfig[0]"
    shutil.copytree(NOTES / "amplify/backend/function", project / "amplify/backend/function")
    found = category_outputs(project, {}, "dev", "eu-west-1")
    assert found.problems == ()
    [pool] = found.user_pools
    assert pool.properties["LambdaConfig"] == {
        "PreSignUp": "arn:aws:lambda:eu-west-1:123456789012:function:notesauthPreSignup-dev"
    }


def test_the_auth_category_gives_its_identity_pool_with_the_root_stack_s_roles(
    tmp_path: Path,
) -> None:
    # The auth stack's IdentityPoolRoleAttachment names the root's AuthRole and UnauthRole by
    # the authRoleArn / unauthRoleArn parameters; team-provider-info.json names those roles.
    project = _project(tmp_path)
    names = {"AuthRole": "app-dev-authRole", "UnauthRole": "app-dev-unauthRole"}
    given_in = project / "parameters.json"
    found = category_outputs(
        project, {"Id": (given_in, _POOL_ID)}, "dev", "eu-west-1", role_names=names
    )
    [identity_pool] = found.identity_pools
    [pool] = found.user_pools
    assert identity_pool.identity_pool_id.startswith("eu-west-1:")
    assert identity_pool.pool_name == "notesauth_identitypool_2c33facd__dev"
    assert identity_pool.allow_unauthenticated
    provider = f"cognito-idp.eu-west-1.amazonaws.com/{pool.user_pool_id}"
    assert sorted(identity_pool.providers) == sorted(
        (provider, client.client_id) for client in pool.clients
    )
    assert identity_pool.roles == {
        "authenticated": "arn:aws:iam::123456789012:role/app-dev-authRole",
        "unauthenticated": "arn:aws:iam::123456789012:role/app-dev-unauthRole",
    }
    # Without names, the roles are the root stack's generated names.
    unnamed = category_outputs(project, {"Id": (given_in, _POOL_ID)}, "dev", "eu-west-1")
    assert (
        unnamed.identity_pools[0]
        .roles["authenticated"]
        .startswith("arn:aws:iam::123456789012:role/amplify-")
    )
