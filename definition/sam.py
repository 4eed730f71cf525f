"""A SAM template (`Transform: AWS::Serverless-2016-10-31`) expanded by AWS's own translator
library (aws-sam-translator, what CloudFormation's SAM transform runs) and read as the
CloudFormation template it becomes.

The translator runs offline and apart from the user's AWS configuration: it is given the stack's
region where it takes a boto3 session (it asks the session for the region, nothing else) and an
empty managed-policy map (it keeps its own list of AWS managed policies). Local paths are what a
SAM project has before `sam deploy` uploads them: a `CodeUri`, `ContentUri` or `DefinitionUri`
that is a path is handed to the translator as an `s3://` location it accepts, and read back as
the local file or directory it stands for (`SchemaUri` and a GraphQL function's `CodeUri`
pass through as paths, which the CloudFormation reader reads relative to the template).
Problems the translator finds are listed with the resource's logical id, as it reports them.
A function built with esbuild (`Metadata: {BuildMethod: esbuild}`) is bundled first, as `sam
build` bundles it (`definition.sam_build`).
"""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path
from typing import Any

from definition.cloudformation.api import read_stack
from definition.cloudformation.assets import LocalAssets
from definition.cloudformation.parameters import StackSettings
from definition.cloudformation.stack import Stack
from definition.cloudformation.template import Template, load_template
from definition.errors import InvalidDefinitionError
from definition.model import ApiDefinition
from definition.problems import Problem
from definition.sam_build import build_esbuild_functions

# The bucket that stands for the template's folder while the translator runs.
_LOCAL_BUCKET = "appsync-local-sam-project"
# The SAM properties that take an S3 location or a local path, by resource type.
_LOCATIONS: dict[str, tuple[str, ...]] = {
    "AWS::Serverless::Function": ("CodeUri",),
    "AWS::Serverless::LayerVersion": ("ContentUri",),
    "AWS::Serverless::StateMachine": ("DefinitionUri",),
    "AWS::Serverless::Api": ("DefinitionUri",),
    "AWS::Serverless::HttpApi": ("DefinitionUri",),
}
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def read_sam(path: Path, settings: StackSettings) -> ApiDefinition:
    """Expand and read a SAM template; raises InvalidDefinitionError listing every problem."""
    template = load_template(path)
    objects: dict[tuple[str, str], Path] = {}
    body = copy.deepcopy(template.body)
    problems: list[Problem] = []
    built = build_esbuild_functions(body, template.file, problems)
    if problems:
        raise InvalidDefinitionError(problems)
    body = _with_local_locations(body, template.base_dir, objects)
    expanded = _translate(body, template.file, settings)
    stack = Stack(
        Template(template.file, expanded),
        settings,
        LocalAssets(template.base_dir, objects),
    )
    definition = read_stack(stack)
    if not built:
        return definition
    functions = tuple(
        dataclasses.replace(function, built_from=built[function.code])
        if isinstance(function.code, Path) and function.code in built
        else function
        for function in definition.server.lambda_functions
    )
    server = dataclasses.replace(definition.server, lambda_functions=functions)
    return dataclasses.replace(definition, server=server)


def _with_local_locations(
    body: dict[str, Any], base: Path, objects: dict[tuple[str, str], Path]
) -> dict[str, Any]:
    """The template with each local path of `_LOCATIONS` written as an `s3://` location of the
    project's stand-in bucket (`objects` says which local path each is)."""

    def localize(properties: Any, keys: tuple[str, ...]) -> None:
        if not isinstance(properties, dict):
            return
        for key in keys:
            value = properties.get(key)
            if isinstance(value, str) and not _SCHEME.match(value):
                object_key = Path(value).as_posix().lstrip("/")
                objects[(_LOCAL_BUCKET, object_key)] = (base / value).resolve()
                properties[key] = f"s3://{_LOCAL_BUCKET}/{object_key}"

    resources = body.get("Resources")
    for resource in resources.values() if isinstance(resources, dict) else ():
        if isinstance(resource, dict) and resource.get("Type") in _LOCATIONS:
            localize(resource.get("Properties"), _LOCATIONS[resource["Type"]])
    globals_section = body.get("Globals")
    if isinstance(globals_section, dict):
        for section in globals_section.values():
            localize(section, ("CodeUri", "ContentUri", "DefinitionUri"))
    return body


def _translate(body: dict[str, Any], file: Path, settings: StackSettings) -> dict[str, Any]:
    # The translator is imported when a SAM template is read: it is large and only SAM needs it.
    from samtranslator.model.exceptions import InvalidDocumentException, InvalidTemplateException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    translator = Translator(None, Parser(), boto_session=_Region(settings.region))
    parameters: dict[str, Any] = {
        **(settings.parameters or {}),
        "AWS::AccountId": settings.account_id,
        "AWS::StackName": settings.stack_name,
    }
    try:
        expanded: dict[str, Any] = translator.translate(
            body, parameters, get_managed_policy_map=dict
        )
    except InvalidDocumentException as error:
        raise InvalidDefinitionError(
            [_problem(file, cause) for cause in error.causes]
            or [Problem(str(file), "", str(error))]
        ) from None
    except InvalidTemplateException as error:
        raise InvalidDefinitionError([Problem(str(file), "", error.message)]) from None
    return expanded


class _Region:
    """All the translator asks of its boto3 session: the region. A real session would read the
    user's AWS configuration (and fail on a profile it lacks), which nothing here needs."""

    def __init__(self, region_name: str) -> None:
        self.region_name = region_name


def _problem(file: Path, cause: Any) -> Problem:
    """One of the translator's causes: a resource's (`logical_id`) or the template's."""
    logical_id = getattr(cause, "_logical_id", None)
    if isinstance(logical_id, list):
        logical_id = ", ".join(str(item) for item in logical_id)
    message = getattr(cause, "_message", None) or getattr(cause, "message", str(cause))
    return Problem(str(file), "", f"SAM: {message}", logical_id=logical_id)
