"""An Amplify Gen 1 project's GraphQL API read from what the Amplify CLI builds for it.

`amplify api gql-compile` (and `amplify push`, which runs it) writes the GraphQL transformer's
output to `amplify/backend/api/<name>/build/`: `cloudformation-template.json` (the API's stack:
the `AWS::AppSync::GraphQLApi`, its schema and key, and one nested stack per `@model` type and
per custom stack), `stacks/*.json` (the nested stacks: tables, data sources, pipeline functions,
resolvers), `resolvers/` (the mapping templates they name), `schema.graphql` (the SDL the
transformer wrote) and `parameters.json` (the stack's parameters, with `S3DeploymentBucket` and
`S3DeploymentRootKey`: where the CLI uploads the build folder). That is CloudFormation, and it is
read as such (`definition.cloudformation`): the templates name the build's files by the S3
locations the CLI uploads them to (`s3://<bucket>/<root key>/resolvers/...`,
`https://s3.<region>.amazonaws.com/<bucket>/<root key>/stacks/Todo.json`), and each location is
read as the build folder's own file.

`--config` may be the project folder (the one that holds `amplify/`; `--stack NAME` picks an API
when it has several), the API's folder, its `build/` folder, or `build/cloudformation-template.
json`. Parameters are `parameters.json` beside `build/` (the user's), then `build/parameters.json`
(what the CLI deploys with), then `--parameter`; `env` is the environment `amplify/.config/
local-env-info.json` names (what `amplify push` passes), else the template's default `NONE`; the
region is `--region`, else the environment's in `amplify/team-provider-info.json`.

An API key's `Expires` is the time the CLI built the folder plus the key's lifetime
(`apiKeyExpirationDays`): each build renews it, and so does each start locally: the key does not
expire (a notice says so). A parameter whose value is another category's output (`{"Fn::GetAtt":
["authapp", "Outputs.UserPoolId"]}`, which Amplify's root stack resolves) is read from the auth
category's build (`amplify_categories`), whose user pool the embedded Cognito then holds; what
cannot be read (another category, an auth category not built) is a problem naming the
`--parameter` that gives it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from definition.amplify_categories import CategoryOutputs, category_outputs
from definition.cloudformation.api import read_stack
from definition.cloudformation.assets import LocalAssets
from definition.cloudformation.parameters import StackSettings, stack_name_for
from definition.cloudformation.stack import Stack
from definition.cloudformation.template import load_template, parse_template_text, read_text
from definition.errors import InvalidDefinitionError
from definition.format_marks import ROOT_TEMPLATE
from definition.model import DEFAULT_REGION, LOCAL_ENDPOINT_URL, ApiDefinition
from definition.problems import Notice, Problem

_PARAMETERS = "parameters.json"
# The root stack's roles, by the team-provider-info.json key that names each, and the API
# stack's parameters that take their names.
_ROOT_ROLE_NAMES = {"AuthRole": "AuthRoleName", "UnauthRole": "UnauthRoleName"}
_ROLE_PARAMETERS = {"authRoleName": "AuthRole", "unauthRoleName": "UnauthRole"}
# The CLI's `--dry-run` bucket and its key prefix (ROOT_APPSYNC_S3_KEY), for a build folder whose
# parameters.json does not say where it was uploaded.
_BUCKET = "fake-bucket"
_ROOT_KEY = "amplify-appsync-files"


def is_amplify_build(path: Path) -> bool:
    """Whether `path` is an Amplify Gen 1 project, API folder, build folder or root template."""
    try:
        return _build_folder(path, None) is not None
    except InvalidDefinitionError:
        return True


def read_amplify(
    path: Path,
    api: str | None = None,
    region: str | None = None,
    parameters: Mapping[str, str] | None = None,
    *,
    endpoint_url: str = LOCAL_ENDPOINT_URL,
) -> ApiDefinition:
    """Read the built API; raises InvalidDefinitionError listing every problem.
    `endpoint_url`: the server's own address (`StackSettings`)."""
    build = _build_folder(path, api)
    if build is None:
        raise InvalidDefinitionError(
            [
                Problem(
                    str(path),
                    "",
                    "not an Amplify Gen 1 project: expected the folder that holds amplify/, an "
                    f"API's folder (amplify/backend/api/<name>), its build/ or {ROOT_TEMPLATE}",
                )
            ]
        )
    api_folder = build.parent
    project = _project_folder(api_folder)
    environment = _local_environment(project)
    template = load_template(build / ROOT_TEMPLATE)
    declared = template.section("Parameters")
    values, references = _parameters(api_folder, build, declared)
    if environment is not None and "env" in declared:
        values.setdefault("env", environment)
    values.update(parameters or {})
    provider = _environment_provider(project, environment)
    region = region or _text(provider.get("Region")) or DEFAULT_REGION
    # The root stack's roles: named in team-provider-info.json (`amplify init` writes them).
    role_names = {
        role: name
        for role, key in _ROOT_ROLE_NAMES.items()
        if (name := _text(provider.get(key))) is not None
    }
    for parameter, role in _ROLE_PARAMETERS.items():
        # The API stack of an AWS_IAM API compares `$ctx.identity.userArn` with these roles'
        # sessions; Amplify's root stack passes them as `{"Ref": "AuthRole"}`.
        if parameter in declared and parameter not in values:
            if role in role_names:
                values[parameter] = role_names[role]
            else:
                references[parameter] = (build / ROOT_TEMPLATE, {"Ref": role})
    categories = category_outputs(
        project,
        {name: found for name, found in references.items() if name not in values},
        environment,
        region,
        role_names,
    )
    if categories.problems:
        raise InvalidDefinitionError(list(categories.problems))
    values.update(categories.values)
    bucket = values.get("S3DeploymentBucket") or _BUCKET
    root_key = values.get("S3DeploymentRootKey") or f"{_ROOT_KEY}/local"
    values.setdefault("S3DeploymentBucket", bucket)
    values.setdefault("S3DeploymentRootKey", root_key)
    objects = {
        (bucket, f"{root_key}/{file.relative_to(build).as_posix()}"): file
        for file in sorted(build.rglob("*"))
        if file.is_file()
    }
    settings = StackSettings(
        stack_name_for(api or api_folder.name),
        region,
        parameters={name: value for name, value in values.items() if name in declared},
        endpoint_url=endpoint_url,
    )
    stack = Stack(template, settings, LocalAssets(build, objects))
    return _with_categories(_keys_renewed(read_stack(stack)), categories)


def _with_categories(definition: ApiDefinition, categories: CategoryOutputs) -> ApiDefinition:
    """The definition with the other categories' user pools, functions and notices."""
    if not (categories.user_pools or categories.lambda_functions or categories.notices):
        return definition
    server = dataclasses.replace(
        definition.server,
        user_pools=(*definition.server.user_pools, *categories.user_pools),
        identity_pools=(*definition.server.identity_pools, *categories.identity_pools),
        lambda_functions=(*definition.server.lambda_functions, *categories.lambda_functions),
    )
    return dataclasses.replace(
        definition, server=server, notices=(*definition.notices, *categories.notices)
    )


def _build_folder(path: Path, api: str | None) -> Path | None:
    """The API's build folder; None when `path` is not an Amplify project's, a problem when it
    is one that cannot be served (not built, no API, several)."""
    path = path.resolve()
    if path.is_file():
        if path.name == ROOT_TEMPLATE and (path.parent / _PARAMETERS).is_file():
            return path.parent
        return None
    if (path / ROOT_TEMPLATE).is_file() and (path / "stacks").is_dir():
        return path
    if (path / "build" / ROOT_TEMPLATE).is_file():
        return path / "build"
    for apis in (path / "amplify" / "backend" / "api", path / "backend" / "api"):
        if apis.is_dir():
            return _chosen_api(apis, api)
    if (path / "schema.graphql").is_file() and path.parent.name == "api":
        # An API folder not built yet: Amplify's, which says how to build it.
        raise InvalidDefinitionError([_not_built(path)])
    return None


def _chosen_api(apis: Path, wanted: str | None) -> Path:
    folders = sorted(folder for folder in apis.iterdir() if folder.is_dir())
    names = ", ".join(folder.name for folder in folders) or "none"
    if wanted is not None:
        chosen = [folder for folder in folders if folder.name == wanted]
        if not chosen:
            raise InvalidDefinitionError(
                [Problem(str(apis), "", f"--stack {wanted}: no such API (APIs: {names})")]
            )
    elif len(folders) != 1:
        message = (
            "the project has no GraphQL API"
            if not folders
            else f"the project has {len(folders)} APIs ({names}): choose one with --stack NAME"
        )
        raise InvalidDefinitionError([Problem(str(apis), "", message)])
    else:
        chosen = folders
    build = chosen[0] / "build"
    if not (build / ROOT_TEMPLATE).is_file():
        raise InvalidDefinitionError([_not_built(chosen[0])])
    return build


def _not_built(api_folder: Path) -> Problem:
    return Problem(
        str(api_folder),
        "build",
        f"no {ROOT_TEMPLATE}: the API is not built; `amplify api gql-compile` (Amplify CLI) "
        "writes build/ from schema.graphql",
    )


def _project_folder(api_folder: Path) -> Path | None:
    """The folder that holds `amplify/`, when the API folder is inside one."""
    backend = api_folder.parent.parent
    if api_folder.parent.name == "api" and backend.name == "backend":
        return backend.parent.parent
    return None


def _read_json(path: Path) -> Any:
    """A JSON file's content; None when there is no such file."""
    if not path.is_file():
        return None
    return parse_template_text(read_text(path), path)


def _parameters(
    api_folder: Path, build: Path, declared: Mapping[str, Any]
) -> tuple[dict[str, str], dict[str, tuple[Path, Any]]]:
    """The parameters.json values as strings; and, by name, the file and value of each that
    another category's output gives (an intrinsic function Amplify's root stack evaluates)."""
    values: dict[str, str] = {}
    references: dict[str, tuple[Path, Any]] = {}
    for file in (api_folder / _PARAMETERS, build / _PARAMETERS):
        found = _read_json(file)
        if found is None:
            continue
        if not isinstance(found, dict):
            raise InvalidDefinitionError([Problem(str(file), "", "expected a JSON object")])
        for name, value in found.items():
            if isinstance(value, bool):
                values[name] = "true" if value else "false"
            elif isinstance(value, str | int | float):
                values[name] = str(value)
            elif isinstance(declared.get(name), dict) and "Default" not in declared[name]:
                values.pop(name, None)
                references[name] = (file, value)
    return values, references


def _local_environment(project: Path | None) -> str | None:
    if project is None:
        return None
    found = _read_json(project / "amplify" / ".config" / "local-env-info.json")
    name = found.get("envName") if isinstance(found, dict) else None
    return name if isinstance(name, str) and name else None


def _environment_provider(project: Path | None, environment: str | None) -> dict[str, Any]:
    """The environment's `awscloudformation` settings in team-provider-info.json (its region,
    stack and role names); empty when there are none."""
    if project is None or environment is None:
        return {}
    found = _read_json(project / "amplify" / "team-provider-info.json")
    settings = found.get(environment) if isinstance(found, dict) else None
    provider = settings.get("awscloudformation") if isinstance(settings, dict) else None
    return provider if isinstance(provider, dict) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _keys_renewed(definition: ApiDefinition) -> ApiDefinition:
    """The API keys without the expiry the CLI wrote at build time (see the module's text)."""
    if not any(key.expires for key in definition.api_keys):
        return definition
    notice = Notice(
        str(definition.file),
        "AWS::AppSync::ApiKey.Expires",
        "the Amplify CLI sets an API key's expiry when it builds (apiKeyExpirationDays), and "
        "renews it at each push: locally the key does not expire",
    )
    keys = tuple(dataclasses.replace(key, expires=None) for key in definition.api_keys)
    return dataclasses.replace(definition, api_keys=keys, notices=(*definition.notices, notice))
