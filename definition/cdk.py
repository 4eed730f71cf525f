"""A CDK cloud assembly (`cdk.out` after `cdk synth`) read as the CloudFormation stacks it holds.

The assembly's `manifest.json` lists its artifacts: `aws:cloudformation:stack` (a stack: its
`templateFile`, its `environment` `aws://<account>/<region>`, its `stackName`),
`cdk:asset-manifest` (a `*.assets.json`: each file asset's `source.path` in the assembly and
its `destinations`' `bucketName` and `objectKey`) and `cdk:cloud-assembly` (a nested assembly,
a stage, in its own directory). A template names its assets by S3 location (schemas, resolver
code, Lambda code as `s3://cdk-<qualifier>-assets-${AWS::AccountId}-${AWS::Region}/<hash>.<ext>`
or `{S3Bucket, S3Key}`); with the stack's account and region put in, each location is read as
the asset's local file or directory in the assembly.

The stack read is `--stack NAME` (its artifact id, stack name or display path), else the one
stack that declares an AppSync API, itself or in a nested stack (Amplify Gen 2 declares it in
its `data` stack); several such stacks are a problem naming them. Its region
is `--region`, else the stack's environment's when it names one. The stacks it depends on (the
manifest's `dependencies`: a construct of one stack used in another makes the consumer depend
on the producer, through an export and `Fn::ImportValue`) are read with it: their resources
are created too, and their exports are what its imports read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from definition.cloudformation.api import graphql_apis, read_stack
from definition.cloudformation.assets import LocalAssets
from definition.cloudformation.parameters import StackSettings, partition, stack_name_for
from definition.cloudformation.stack import Stack
from definition.cloudformation.template import load_template
from definition.errors import InvalidDefinitionError
from definition.format_marks import MANIFEST
from definition.model import DEFAULT_REGION, LOCAL_ACCOUNT_ID, LOCAL_ENDPOINT_URL, ApiDefinition
from definition.problems import Problem

_STACK = "aws:cloudformation:stack"
_ASSETS = "cdk:asset-manifest"
_NESTED = "cdk:cloud-assembly"


@dataclass(frozen=True, slots=True)
class CdkStack:
    """One stack artifact: its ids, template and environment, and its asset manifests."""

    artifact_id: str
    stack_name: str
    display_name: str
    template: Path
    region: str | None
    asset_manifests: tuple[Path, ...]
    # The artifact ids of the stacks it depends on (a cross-stack reference makes one).
    depends_on: tuple[str, ...] = ()


def read_cdk(
    path: Path,
    stack: str | None = None,
    region: str | None = None,
    parameters: Mapping[str, str] | None = None,
    *,
    endpoint_url: str = LOCAL_ENDPOINT_URL,
) -> ApiDefinition:
    """Read the API of one stack of an assembly; raises InvalidDefinitionError listing every
    problem. `endpoint_url`: the server's own address (`StackSettings`)."""
    return read_stack(cdk_stack(path, stack, region, parameters, endpoint_url=endpoint_url))


def cdk_stack(
    path: Path,
    stack: str | None = None,
    region: str | None = None,
    parameters: Mapping[str, str] | None = None,
    *,
    endpoint_url: str = LOCAL_ENDPOINT_URL,
) -> Stack:
    """The stack `read_cdk` reads (its nested stacks and assets located), unread."""
    manifest = path / MANIFEST if path.is_dir() else path
    stacks = list(_stacks(manifest))
    chosen = _choose(manifest, stacks, stack)
    settings = StackSettings(
        chosen.stack_name,
        region or chosen.region or DEFAULT_REGION,
        parameters=parameters,
        endpoint_url=endpoint_url,
    )
    read = _stack_of(chosen, settings)
    dependencies = [
        _stack_of(
            each,
            StackSettings(
                each.stack_name, region or each.region or DEFAULT_REGION, endpoint_url=endpoint_url
            ),
            reports_to=read,
        )
        for each in _dependencies(chosen, stacks)
    ]
    if dependencies:
        read.deployed_with(dependencies)
    return read


def _dependencies(chosen: CdkStack, stacks: list[CdkStack]) -> list[CdkStack]:
    """The stacks `chosen` depends on, directly or through another, each once: a CDK app
    deploys them first, and `chosen` imports their exports."""
    by_id = {stack.artifact_id: stack for stack in stacks}
    found: list[CdkStack] = []
    waiting = list(chosen.depends_on)
    while waiting:
        artifact_id = waiting.pop(0)
        stack = by_id.get(artifact_id)
        if stack is None or stack is chosen or stack in found:
            continue
        found.append(stack)
        waiting.extend(stack.depends_on)
    return found


def _stack_of(
    chosen: CdkStack, settings: StackSettings, *, reports_to: Stack | None = None
) -> Stack:
    """The stack of an artifact, its assets (nested stacks' templates among them) located."""
    template = load_template(chosen.template)
    objects: dict[tuple[str, str], Path] = {}
    for assets in chosen.asset_manifests:
        objects.update(_asset_objects(assets, settings))
    return Stack(template, settings, LocalAssets(template.base_dir, objects), reports_to=reports_to)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidDefinitionError(
            [Problem(str(path), "", "file not found: a cdk.out directory has a manifest.json")]
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidDefinitionError([Problem(str(path), "", f"cannot read: {error}")]) from None
    except json.JSONDecodeError as error:
        raise InvalidDefinitionError(
            [Problem(str(path), "", f"not valid JSON: {error.msg}", error.lineno, error.colno)]
        ) from None
    if not isinstance(value, dict):
        raise InvalidDefinitionError([Problem(str(path), "", "expected a JSON object")])
    return value


def _stacks(manifest: Path, prefix: str = "") -> Iterator[CdkStack]:
    """The stacks of an assembly and of its nested assemblies, in manifest order."""
    artifacts = _read_json(manifest).get("artifacts")
    if not isinstance(artifacts, dict):
        raise InvalidDefinitionError(
            [Problem(str(manifest), "artifacts", "required; not a CDK cloud assembly manifest")]
        )
    folder = manifest.parent
    for artifact_id, artifact in artifacts.items():
        if not isinstance(artifact, dict):
            continue
        properties = artifact.get("properties") or {}
        if artifact.get("type") == _NESTED:
            directory = folder / str(properties.get("directoryName", ""))
            display = str(properties.get("displayName") or artifact_id)
            yield from _stacks(directory / MANIFEST, f"{prefix}{display}/")
        if artifact.get("type") != _STACK:
            continue
        dependencies = artifact.get("dependencies") or []
        asset_manifests = tuple(
            folder / str(artifacts[name]["properties"]["file"])
            for name in dependencies
            if isinstance(artifacts.get(name), dict) and artifacts[name].get("type") == _ASSETS
        )
        environment = str(artifact.get("environment") or "")
        region = environment.rsplit("/", 1)[-1] if environment.startswith("aws://") else ""
        yield CdkStack(
            artifact_id=artifact_id,
            stack_name=str(properties.get("stackName") or stack_name_for(artifact_id)),
            # A stage's stacks are displayed with the stage's path already ("Prod/Posts").
            display_name=str(artifact.get("displayName") or prefix + artifact_id),
            template=folder / str(properties.get("templateFile", f"{artifact_id}.template.json")),
            region=None if region in ("", "unknown-region") else region,
            asset_manifests=asset_manifests,
            depends_on=tuple(
                name
                for name in dependencies
                if isinstance(artifacts.get(name), dict) and artifacts[name].get("type") == _STACK
            ),
        )


def _choose(manifest: Path, stacks: list[CdkStack], wanted: str | None) -> CdkStack:
    names = ", ".join(stack.display_name for stack in stacks) or "none"
    if wanted is not None:
        for stack in stacks:
            if wanted in (stack.artifact_id, stack.stack_name, stack.display_name):
                return stack
        raise InvalidDefinitionError(
            [Problem(str(manifest), "", f"--stack {wanted}: no such stack (stacks: {names})")]
        )
    with_api = [stack for stack in stacks if _declares_api(stack)]
    if len(with_api) == 1:
        return with_api[0]
    if not with_api:
        message = f"no stack declares an AWS::AppSync::GraphQLApi (stacks: {names})"
    else:
        holding = ", ".join(stack.display_name for stack in with_api)
        message = (
            f"{len(with_api)} stacks declare an AppSync API ({holding}): choose one with --stack"
        )
    raise InvalidDefinitionError([Problem(str(manifest), "", message)])


def _declares_api(stack: CdkStack) -> bool:
    """Whether the stack or one of its nested stacks declares an AppSync API (Amplify Gen 2's
    is in its `data` nested stack)."""
    try:
        settings = StackSettings(stack.stack_name, stack.region or DEFAULT_REGION)
        return any(graphql_apis(each.template) for each in _stack_of(stack, settings).tree())
    except InvalidDefinitionError:
        return False


def _asset_objects(path: Path, settings: StackSettings) -> dict[tuple[str, str], Path]:
    """Each file asset's S3 objects (bucket and key, the stack's account and region put in)
    -> its local file or directory."""
    files = _read_json(path).get("files") or {}
    replacements = {
        "${AWS::AccountId}": settings.account_id or LOCAL_ACCOUNT_ID,
        "${AWS::Region}": settings.region,
        "${AWS::Partition}": partition(settings.region),
    }
    objects = {}
    for asset in files.values():
        if not isinstance(asset, dict):
            continue
        source = asset.get("source") or {}
        local = (path.parent / str(source.get("path", ""))).resolve()
        for destination in (asset.get("destinations") or {}).values():
            bucket = str(destination.get("bucketName", ""))
            for placeholder, value in replacements.items():
                bucket = bucket.replace(placeholder, value)
            objects[(bucket, str(destination.get("objectKey", "")))] = local
    return objects
