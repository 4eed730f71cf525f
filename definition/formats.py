"""Which reader a definition file needs, told by its content, and the one entry point that
reads any of them.

`read_definition(path, options)` reads our own `appsync.yaml`, a CloudFormation template (YAML
or JSON), a SAM template (`Transform: AWS::Serverless-2016-10-31`), a CDK cloud assembly (a
`cdk.out` directory, or its `manifest.json`), a Serverless Framework service
(`serverless.yml`, or its folder) or an Amplify Gen 1 project's built API (the project, the
API's folder, its `build/` or `build/cloudformation-template.json`), each into the same
`ApiDefinition`. The format is recognised by content (`Resources` or `AWSTemplateFormatVersion`
make a template, the SAM transform a SAM template, `artifacts` a CDK manifest, `service` and
`provider` a service file) or, for Amplify, by the build folder's shape, unless
`options.format` forces one. The options that only these files have (`--parameter`, `--stack`,
`--region`) are a problem when given for `appsync.yaml`, which has its own settings for them;
`--stage` is a Serverless service's only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from definition.appsync_yaml.api import read_appsync_yaml
from definition.cloudformation.parameters import StackSettings, stack_name_for, valid_stack_name
from definition.cloudformation.template import parse_template_text
from definition.errors import InvalidDefinitionError
from definition.format_marks import MANIFEST, ROOT_TEMPLATE, SAM_TRANSFORM, is_service, service_file
from definition.model import DEFAULT_REGION, LOCAL_ENDPOINT_URL, ApiDefinition
from definition.problems import Problem

# Where a problem of the command line's options is, in a report.
COMMAND_LINE = "appsync-local"


class Format(StrEnum):
    APPSYNC = "appsync"
    CLOUDFORMATION = "cloudformation"
    SAM = "sam"
    CDK = "cdk"
    AMPLIFY = "amplify"
    SERVERLESS = "serverless"


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """The command line's choices: a `format` that overrides recognition, template
    `parameters` (`--parameter Key=Value`), the `stack` (a cdk.out stack to read, or a
    template's stack name) and the `region` of pseudo parameters and local ARNs; not an
    option of the command line, `endpoint_url` is `serve`'s own address, which a template's
    queue URLs name."""

    format: Format | None = None
    parameters: Mapping[str, str] = field(default_factory=dict)
    stack: str | None = None
    region: str | None = None
    stage: str | None = None
    endpoint_url: str = LOCAL_ENDPOINT_URL


def read_definition(path: Path, options: ReadOptions | None = None) -> ApiDefinition:
    """Read any supported definition; raises InvalidDefinitionError listing every problem."""
    options = options or ReadOptions()
    kind = options.format or recognise(path)
    if options.stage and kind is not Format.SERVERLESS:
        raise InvalidDefinitionError(
            [Problem(COMMAND_LINE, "--stage", "applies to Serverless Framework services only")]
        )
    if kind is Format.APPSYNC:
        _no_template_options(options)
        return read_appsync_yaml(path)
    # The other formats' readers are imported when their format is read (`format_marks`).
    if kind is Format.CDK:
        from definition.cdk import read_cdk

        return read_cdk(
            path,
            options.stack,
            options.region,
            options.parameters,
            endpoint_url=options.endpoint_url,
        )
    if kind is Format.AMPLIFY:
        from definition.amplify import read_amplify

        return read_amplify(
            path,
            options.stack,
            options.region,
            options.parameters,
            endpoint_url=options.endpoint_url,
        )
    if kind is Format.SERVERLESS:
        from definition.serverless.reader import read_serverless
        from definition.serverless.variables import Options

        variables = Options(
            stage=options.stage,
            region=options.region,
            parameters=options.parameters,
            environment=dict(os.environ),
        )
        return read_serverless(path, variables, options.stack, endpoint_url=options.endpoint_url)
    settings = stack_settings(path, options)
    if kind is Format.SAM:
        from definition.sam import read_sam

        return read_sam(path, settings)
    from definition.cloudformation.api import read_cloudformation

    return read_cloudformation(path, settings)


def stack_settings(path: Path, options: ReadOptions) -> StackSettings:
    """The stack a template file is deployed as locally: `--stack` names it (default: the
    file's stem)."""
    name = options.stack or stack_name_for(path.stem)
    if not valid_stack_name(name):
        raise InvalidDefinitionError(
            [
                Problem(
                    COMMAND_LINE,
                    "--stack",
                    f"{name!r} is not a stack name: a letter, then letters, digits and hyphens",
                )
            ]
        )
    return StackSettings(
        name,
        options.region or DEFAULT_REGION,
        parameters=options.parameters,
        endpoint_url=options.endpoint_url,
    )


def recognise(path: Path) -> Format:
    """The format of `path`, by its content; our own file when nothing else fits."""
    # Only a folder, or a built root stack, can be an Amplify project's build.
    if path.is_dir() or path.resolve().name == ROOT_TEMPLATE:
        from definition.amplify import is_amplify_build

        if is_amplify_build(path):
            return Format.AMPLIFY
    if path.is_dir() and service_file(path) is not None:
        return Format.SERVERLESS
    if path.is_dir() or path.name == MANIFEST:
        return Format.CDK
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return Format.APPSYNC  # its reader reports why it cannot be read
    try:
        body: Any = parse_template_text(text, path)
    except InvalidDefinitionError:
        # Malformed: a template's reader tells where, if it looks like one.
        looks_like_template = "AWSTemplateFormatVersion" in text or "Resources" in text
        return Format.CLOUDFORMATION if looks_like_template else Format.APPSYNC
    if not isinstance(body, dict):
        return Format.APPSYNC
    if "artifacts" in body and "version" in body:
        return Format.CDK
    if is_service(body):
        return Format.SERVERLESS
    transform = body.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    if SAM_TRANSFORM in transforms:
        return Format.SAM
    if "Resources" in body or "AWSTemplateFormatVersion" in body:
        return Format.CLOUDFORMATION
    return Format.APPSYNC


def parse_parameters(values: list[str]) -> dict[str, str]:
    """`--parameter Key=Value` arguments; a value may hold `=`."""
    parameters: dict[str, str] = {}
    problems = []
    for value in values:
        key, equals, rest = value.partition("=")
        if not equals or not key:
            problems.append(
                Problem(COMMAND_LINE, "--parameter", f"expected Key=Value, got {value!r}")
            )
            continue
        parameters[key] = rest
    if problems:
        raise InvalidDefinitionError(problems)
    return parameters


def _no_template_options(options: ReadOptions) -> None:
    given = [
        name
        for name, value in (
            ("--parameter", options.parameters),
            ("--stack", options.stack),
            ("--region", options.region),
        )
        if value
    ]
    if given:
        raise InvalidDefinitionError(
            [
                Problem(
                    COMMAND_LINE,
                    name,
                    "applies to CloudFormation, SAM, CDK, Serverless and Amplify definitions, "
                    "not to appsync.yaml",
                )
                for name in given
            ]
        )
