"""The other categories of an Amplify Gen 1 project that its API uses: the `auth` category's
user pool and the `function` category's Lambda functions, read from the CloudFormation the
Amplify CLI writes for them.

An API with Cognito user pools authorization takes its pool from the auth category: the API's
`parameters.json` gives `AuthCognitoUserPoolId` as `{"Fn::GetAtt": ["auth<name>",
"Outputs.UserPoolId"]}`, which Amplify's root stack (`root-cloud-formation-template.json`, whose
nested stacks are the categories' resources, each named `<category><name>`) evaluates. Locally
the root stack is built the same way: one nested stack per auth resource, its template
`amplify/backend/auth/<name>/build/<name>-cloudformation-template.json` (the CLI writes it at
`amplify push` or `amplify build`; before CLI 7 `<name>-cloudformation-template.yml` beside
`parameters.json`), its parameters the resource's `parameters.json` with what the root stack
adds (`env`; `authRoleArn`, `unauthRoleArn` from the root's `AuthRole` and `UnauthRole`; one
`<category><name><attribute>` per `dependsOn` entry of backend-config.json). The user pool and
its clients in it are created in the embedded Cognito (`Ref UserPool` being the pool id the API
names), so users sign up and sign in to the pool the API trusts; so is its identity pool, with
the root stack's `AuthRole` and `UnauthRole` (named as team-provider-info.json names them), so
guests and users get credentials of those roles. The CLI's helper functions in the auth stack
are not run.

An `@function(name: "echo-${env}")` field's data source names the function `echo-<env>` by its
ARN. Each function resource's `amplify/backend/function/<name>/<name>-cloudformation-template.json`
is a nested stack of the same root (parameters `env`, and `deploymentBucketName` / `s3Key`, the
S3 location the CLI uploads `src/` to, which stands for the local `src/` folder): its
`AWS::Lambda::Function` runs as a local Lambda function under the name the template gives it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from definition.cloudformation.assets import LocalAssets
from definition.cloudformation.cognito import read_identity_pools, read_user_pools
from definition.cloudformation.intrinsics import evaluate
from definition.cloudformation.lambda_ import read_lambda_functions
from definition.cloudformation.parameters import StackSettings, stack_name_for
from definition.cloudformation.stack import NESTED_STACK, Stack
from definition.cloudformation.template import Template, parse_template_text, read_text
from definition.cognito_resources import IdentityPoolSpec, UserPoolSpec
from definition.errors import InvalidDefinitionError, TemplateValueError
from definition.model import LambdaFunctionSpec
from definition.problems import Notice, Problem

# What Amplify's root stack declares besides the categories' stacks, that they refer to.
_ROOT_ROLES = ("AuthRole", "UnauthRole")
# The Amplify CLI's resource that attaches the auth category's triggers to its user pool.
_AUTH_TRIGGERS = "Custom::CustomAuthTriggerResourceOutputs"
# The auth resource the Amplify CLI writes for `amplify update auth`'s groups (service
# Cognito-UserPool-Groups): a stack of AWS::Cognito::UserPoolGroup in the auth stack's pool.
_USER_POOL_GROUPS = "authuserPoolGroups"
# The deployment bucket the functions' code stands in, locally.
_DEPLOYMENT_BUCKET = "amplify-local-deployment"


@dataclass(frozen=True, slots=True)
class CategoryOutputs:
    """Parameter values read from other categories, the user pools to create, and what was
    found wrong or left out on the way."""

    values: dict[str, str] = field(default_factory=dict)
    user_pools: tuple[UserPoolSpec, ...] = ()
    lambda_functions: tuple[LambdaFunctionSpec, ...] = ()
    problems: tuple[Problem, ...] = ()
    notices: tuple[Notice, ...] = ()
    identity_pools: tuple[IdentityPoolSpec, ...] = ()


def category_outputs(
    project: Path | None,
    references: Mapping[str, tuple[Path, Any]],
    environment: str | None,
    region: str,
    role_names: Mapping[str, str] | None = None,
) -> CategoryOutputs:
    """The values of the API's parameters that `references` lists (by name: the file that gives
    it, and its value as written), evaluated as Amplify's root stack evaluates them;
    `role_names`: the root's `AuthRole` and `UnauthRole` names (team-provider-info.json)."""
    backend = project / "amplify" / "backend" if project is not None else None
    stacks: dict[str, Any] = {}
    objects: dict[tuple[str, str], Path] = {}
    if backend is not None:
        stacks = _auth_stacks(backend, environment)
        stacks.update(_function_stacks(backend, environment, objects))
    built = [id for id in stacks if id.startswith("auth") and id != _USER_POOL_GROUPS]
    if not built and references:
        return CategoryOutputs(problems=tuple(_unread(references, backend)))
    if not stacks:
        return CategoryOutputs()
    body = {
        "Resources": {
            **{
                role: {"Type": "AWS::IAM::Role", "Properties": _role_properties(role, role_names)}
                for role in _ROOT_ROLES
            },
            **stacks,
        }
    }
    assert backend is not None
    file = backend / "backend-config.json"
    root = Stack(
        Template(file, body),
        StackSettings(stack_name_for(f"amplify-{project.name if project else 'app'}"), region),
        LocalAssets(backend, objects),
    )
    values: dict[str, str] = {}
    problems: list[Problem] = []
    for name, (given_in, value) in references.items():
        try:
            found = evaluate(value, root, name)
        except TemplateValueError as error:
            problems.append(Problem(str(given_in), name, _advice(error.message, name)))
            continue
        values[name] = str(found)
    pools: list[UserPoolSpec] = []
    identity_pools: list[IdentityPoolSpec] = []
    functions: list[LambdaFunctionSpec] = []
    notices = []
    children = {
        logical_id: child
        for logical_id in stacks
        if (child := root.nested_stack(logical_id)) is not None
    }
    auth_children = [
        child for logical_id, child in children.items() if logical_id.startswith("auth")
    ]
    for logical_id, child in children.items():
        if logical_id == _USER_POOL_GROUPS:
            what = (
                "the auth category's user pool groups are created in its pool, each with its "
                "precedence and role"
            )
            notices.append(
                Notice(str(file), f"auth.{_USER_POOL_GROUPS.removeprefix('auth')}", what)
            )
            continue
        if logical_id.startswith("auth"):
            triggers = _auth_triggers(backend / "auth" / logical_id.removeprefix("auth"), root)
            others = [other for other in auth_children if other is not child]
            for pool in read_user_pools(child, others):
                if triggers.values:
                    configured = {**(pool.properties.get("LambdaConfig") or {}), **triggers.values}
                    pool = replace(pool, properties={**pool.properties, "LambdaConfig": configured})
                pools.append(pool)
            identity_pools.extend(read_identity_pools(child))
            problems.extend(triggers.problems)
            what = (
                "the auth category's user pool and its clients, and its identity pool with the "
                "root stack's roles, are created in the embedded Cognito; its helper functions "
                "are not run"
            )
            notices.append(Notice(str(file), f"auth.{logical_id.removeprefix('auth')}", what))
        else:
            functions.extend(read_lambda_functions(child))
    return CategoryOutputs(
        values,
        tuple(pools),
        tuple(functions),
        (*problems, *root.problems),
        (*notices, *root.notices),
        tuple(identity_pools),
    )


def _role_properties(role: str, role_names: Mapping[str, str] | None) -> dict[str, Any]:
    name = (role_names or {}).get(role)
    return {"RoleName": name} if name is not None else {}


def _auth_stacks(backend: Path, environment: str | None) -> dict[str, Any]:
    """The root stack's nested stack resource of each auth resource that is built."""
    folder = backend / "auth"
    depends = _dependencies(backend)
    stacks: dict[str, Any] = {}
    for resource in sorted(folder.iterdir() if folder.is_dir() else []):
        template = _template_file(resource)
        if template is None:
            continue
        logical_id = f"auth{resource.name}"
        parameters: dict[str, Any] = {**depends.get(logical_id, {})}
        for file in (resource / "parameters.json", resource / "build" / "parameters.json"):
            parameters.update(_parameters_file(file))
        parameters["env"] = environment or "NONE"
        # The auth stack declares these in camelCase, the userPoolGroups stack as AuthRoleArn
        # and UnauthRoleArn; each is given only what it declares (`_nested_stack`).
        for name in ("authRoleArn", "AuthRoleArn"):
            parameters[name] = {"Fn::GetAtt": ["AuthRole", "Arn"]}
        for name in ("unauthRoleArn", "UnauthRoleArn"):
            parameters[name] = {"Fn::GetAtt": ["UnauthRole", "Arn"]}
        parameters["authRoleName"] = {"Ref": "AuthRole"}
        parameters["unauthRoleName"] = {"Ref": "UnauthRole"}
        stacks[logical_id] = _nested_stack(template, parameters)
    return stacks


def _auth_triggers(resource: Path, root: Stack) -> CategoryOutputs:
    """The user pool triggers an auth resource names, as `LambdaConfig` entries (`values`).

    Since the Amplify CLI breaks the auth and function categories' circular dependency
    (`breakCircularDependency` in the resource's parameters), the pool's template has no
    `LambdaConfig`: `build/auth-trigger-cloudformation-template.json` has a
    `Custom::CustomAuthTriggerResourceOutputs` whose `lambdaConfig` lists `{triggerType,
    lambdaFunctionName, lambdaFunctionArn: {"Ref": "function<name>Arn"}}`, and the CLI's helper
    function sets them with UpdateUserPool at deploy time (amplify-category-auth,
    generate-auth-trigger-template.ts). Locally each `function<name>Arn` is that function
    resource's `Arn` output, as the root stack passes it."""
    file = resource / "build" / "auth-trigger-cloudformation-template.json"
    if not file.is_file():
        return CategoryOutputs()
    body = parse_template_text(read_text(file), file)
    resources = body.get("Resources") if isinstance(body, dict) else None
    values: dict[str, str] = {}
    problems: list[Problem] = []
    for logical_id, declared in (resources if isinstance(resources, dict) else {}).items():
        if not isinstance(declared, dict) or declared.get("Type") != _AUTH_TRIGGERS:
            continue
        listed = (declared.get("Properties") or {}).get("lambdaConfig")
        for index, entry in enumerate(listed if isinstance(listed, list) else ()):
            path = f"Resources.{logical_id}.Properties.lambdaConfig[{index}]"
            name = entry.get("lambdaFunctionName") if isinstance(entry, dict) else None
            if not isinstance(name, str) or not isinstance(entry.get("triggerType"), str):
                problems.append(
                    Problem(str(file), path, "expected triggerType and lambdaFunctionName")
                )
                continue
            arn = {"Fn::GetAtt": [f"function{name}", "Outputs.Arn"]}
            try:
                values[entry["triggerType"]] = str(evaluate(arn, root, path))
            except TemplateValueError as error:
                problems.append(Problem(str(file), path, error.message))
    return CategoryOutputs(values, problems=tuple(problems))


def _function_stacks(
    backend: Path, environment: str | None, objects: dict[tuple[str, str], Path]
) -> dict[str, Any]:
    """The root stack's nested stack resource of each function resource, its code's S3
    location (added to `objects`) standing for its `src/` folder."""
    folder = backend / "function"
    stacks: dict[str, Any] = {}
    for resource in sorted(folder.iterdir() if folder.is_dir() else []):
        template = _template_file(resource)
        if template is None or not (resource / "src").is_dir():
            continue
        key = f"amplify-builds/{resource.name}-local-build.zip"
        objects[(_DEPLOYMENT_BUCKET, key)] = resource / "src"
        parameters = {
            **_parameters_file(resource / "parameters.json"),
            "env": environment or "NONE",
            "deploymentBucketName": _DEPLOYMENT_BUCKET,
            "s3Key": key,
        }
        stacks[f"function{resource.name}"] = _nested_stack(template, parameters)
    return stacks


def _parameters_file(file: Path) -> dict[str, Any]:
    """A category resource's parameters.json (nothing when there is none)."""
    if not file.is_file():
        return {}
    found = parse_template_text(read_text(file), file)
    if not isinstance(found, dict):
        raise InvalidDefinitionError([Problem(str(file), "", "expected a JSON object")])
    return found


def _nested_stack(template: Path, parameters: dict[str, Any]) -> dict[str, Any]:
    """The root stack's resource for a category's template, given the parameters it declares."""
    declared = _declared(template)
    return {
        "Type": NESTED_STACK,
        "Properties": {
            "TemplateURL": str(template),
            "Parameters": {
                key: _parameter(value) for key, value in parameters.items() if key in declared
            },
        },
    }


def _template_file(resource: Path) -> Path | None:
    for candidate in (
        resource / "build" / f"{resource.name}-cloudformation-template.json",
        resource / f"{resource.name}-cloudformation-template.json",
        resource / f"{resource.name}-cloudformation-template.yml",
    ):
        if candidate.is_file():
            return candidate
    return None


def _declared(template: Path) -> set[str]:
    body = parse_template_text(read_text(template), template)
    parameters = body.get("Parameters") if isinstance(body, dict) else None
    return set(parameters) if isinstance(parameters, dict) else set()


def _parameter(value: Any) -> Any:
    """A parameters.json value as the root stack passes it: lists as they are (the nested
    stack joins them), booleans as CloudFormation writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


def _dependencies(backend: Path) -> dict[str, dict[str, Any]]:
    """backend-config.json's `dependsOn`: by resource (`<category><name>`), the parameters the
    CLI adds for them, `<category><name><attribute>` as that resource's output."""
    file = backend / "backend-config.json"
    config = parse_template_text(read_text(file), file) if file.is_file() else None
    found: dict[str, dict[str, Any]] = {}
    for category, resources in (config if isinstance(config, dict) else {}).items():
        for name, settings in resources.items() if isinstance(resources, dict) else ():
            depends = settings.get("dependsOn") if isinstance(settings, dict) else None
            for entry in depends if isinstance(depends, list) else ():
                if not isinstance(entry, dict):
                    continue
                target = f"{entry.get('category')}{entry.get('resourceName')}"
                for attribute in entry.get("attributes") or ():
                    found.setdefault(f"{category}{name}", {})[f"{target}{attribute}"] = {
                        "Fn::GetAtt": [target, f"Outputs.{attribute}"]
                    }
    return found


def _unread(references: Mapping[str, tuple[Path, Any]], backend: Path | None) -> list[Problem]:
    where = f" in {backend / 'auth'}" if backend is not None else ""
    return [
        Problem(
            str(file),
            name,
            f"{json.dumps(value)} is another Amplify category's output, and no built auth "
            f"category was found{where} (`amplify push` or `amplify build` writes "
            f"amplify/backend/auth/<name>/build/): give its value with --parameter {name}=...",
        )
        for name, (file, value) in references.items()
    ]


def _advice(message: str, name: str) -> str:
    return (
        f"{message}; only the auth category is read locally: give its value with "
        f"--parameter {name}=..."
    )
