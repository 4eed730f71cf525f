"""An Amplify Gen 2 project as the sandbox runs it (`appsync.sandbox_project`): ampx's names and
checks (aws-amplify/amplify-backend: sandbox_id_resolver.ts, local_namespace_resolver.ts,
sandbox_command.ts), what the default synthesis needs, one sandbox per project, and
amplify_outputs written from the fixture assembly (apis/iac/amplify-gen2, `ampx sandbox`'s own
synthesis) with the local URL."""

from __future__ import annotations

import getpass
import json
import os
import shutil
from pathlib import Path

import pytest

from appsync.errors import SandboxError
from appsync.sandbox_project import (
    ASSEMBLY,
    OutputsFormat,
    SandboxProject,
    hold,
    sandbox_project,
    write_outputs,
)
from appsync.sandbox_synth import BackendIdentifier

GEN2_OUT = Path(__file__).parents[2] / "integration" / "apis" / "iac" / "amplify-gen2" / "cdk.out"
URL = "http://127.0.0.1:20002"


def _project(root: Path, name: str | None = "gen2-notes") -> Path:
    (root / "amplify" / "data").mkdir(parents=True)
    (root / "amplify" / "backend.ts").write_text("defineBackend({});\n", encoding="utf-8")
    (root / "package.json").write_text(json.dumps({"name": name}), encoding="utf-8")
    return root


def _toolchain(root: Path, tools: tuple[str, ...] = ("cdk", "tsx")) -> None:
    (root / "node_modules" / ".bin").mkdir(parents=True)
    for tool in tools:
        (root / "node_modules" / ".bin" / tool).write_text("", encoding="utf-8")


def _custom(root: Path, **options: str) -> SandboxProject:
    return sandbox_project(root, synth_command="python synth.py", timeout=60, **options)


def test_the_backend_is_named_as_ampx_names_a_sandbox(tmp_path: Path) -> None:
    project = _custom(_project(tmp_path))
    assert project.identifier == BackendIdentifier("gen2-notes", getpass.getuser(), "sandbox")
    assert project.watch == tmp_path / "amplify"
    assert project.outputs == tmp_path / "amplify_outputs.json"
    assert project.assembly == tmp_path / ".amplify" / "artifacts" / "cdk.out"
    assert project.command == ("python", "synth.py")
    named = _custom(tmp_path, identifier="alice-2")
    assert named.identifier.name == "alice-2"


def test_the_default_synthesis_is_the_project_s_cdk_toolkit(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _toolchain(root)
    if shutil.which("npx") is None:
        with pytest.raises(SandboxError, match="npx is not on the PATH"):
            sandbox_project(root, timeout=60)
        return
    project = sandbox_project(root, timeout=60)
    assert project.command[:5] == ("npx", "cdk", "synth", "--app", "npx tsx amplify/backend.ts")
    assert project.command[-3:] == (str(project.staging), "--quiet", "--no-notices")


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no-folder", "is not a folder"),
        ("no-backend", "has no amplify/backend.ts: give the Amplify Gen 2 project's root"),
        ("no-name", "Cannot load name from the package.json"),
        ("bad-json", "Cannot load name from the package.json"),
    ],
)
def test_a_folder_that_is_not_a_gen2_project_is_refused_with_why(
    tmp_path: Path, setup: str, message: str
) -> None:
    root = tmp_path / "project"
    if setup != "no-folder":
        _project(root, None if setup == "no-name" else "app")
    if setup == "no-backend":
        (root / "amplify" / "backend.ts").unlink()
    if setup == "bad-json":
        (root / "package.json").write_text("{", encoding="utf-8")
    with pytest.raises(SandboxError, match=message):
        _custom(root)


def test_options_are_checked_as_ampx_checks_them(tmp_path: Path) -> None:
    root = _project(tmp_path)
    with pytest.raises(SandboxError, match=r"Invalid --identifier provided: me\.local"):
        _custom(root, identifier="me.local")
    with pytest.raises(SandboxError, match="Invalid --identifier provided: a-much-too-long-name"):
        _custom(root, identifier="a-much-too-long-name")
    with pytest.raises(SandboxError, match="--dir-to-watch backend does not exist"):
        _custom(root, dir_to_watch="backend")
    with pytest.raises(SandboxError, match="--synth-command is empty"):
        sandbox_project(root, synth_command="  ", timeout=60)


def test_the_default_synthesis_needs_node_modules_and_its_tools(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path / "project")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npx = bin_dir / "npx"
    npx.write_text("#!/bin/sh\n", encoding="utf-8")
    npx.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(SandboxError, match="has no node_modules: run npm install there first"):
        sandbox_project(root, timeout=60)
    _toolchain(root, ("tsx",))
    with pytest.raises(
        SandboxError, match=r"node_modules has no cdk.*npm install --save-dev aws-cdk"
    ):
        sandbox_project(root, timeout=60)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(SandboxError, match="npx is not on the PATH"):
        sandbox_project(root, timeout=60)


def test_one_sandbox_runs_on_a_project_at_a_time(tmp_path: Path) -> None:
    project = _custom(_project(tmp_path))
    held = hold(project)
    try:
        with pytest.raises(
            SandboxError, match=r"another appsync-local sandbox runs on .* \(process"
        ):
            hold(project)
    finally:
        os.close(held)
    os.close(hold(project))  # released with its descriptor


def _served(tmp_path: Path, **options: str) -> SandboxProject:
    project = _custom(_project(tmp_path), **options)
    shutil.copytree(GEN2_OUT, tmp_path / ASSEMBLY)
    return project


def test_the_outputs_name_the_local_server(tmp_path: Path) -> None:
    project = _served(tmp_path)
    write_outputs(project, URL)
    outputs = json.loads(project.outputs.read_text(encoding="utf-8"))
    assert outputs["version"] == "1.4"
    assert outputs["data"]["url"] == f"{URL}/graphql"
    assert outputs["data"]["default_authorization_type"] == "AMAZON_COGNITO_USER_POOLS"
    assert outputs["auth"]["user_pool_id"].startswith("us-east-1_")
    assert "model_introspection" in outputs["data"]
    assert not list(tmp_path.glob(".amplify_outputs*"))  # written whole, no staged copy left


def test_the_outputs_go_to_the_out_dir_in_the_format_asked(tmp_path: Path) -> None:
    project = _served(tmp_path, outputs_out_dir="src/config", outputs_format="dart")
    assert project.outputs_format is OutputsFormat.DART
    write_outputs(project, URL)
    written = tmp_path / "src" / "config" / "amplify_outputs.dart"
    text = written.read_text(encoding="utf-8")
    # ClientConfigFormatterDefault: a Dart raw string, so that `$` is not interpolated.
    assert text.startswith("const amplifyConfig = r'''{\n")
    assert text.endswith("}''';")
    assert json.loads(text.removeprefix("const amplifyConfig = r'''").removesuffix("''';"))


def test_an_assembly_that_is_not_a_gen2_backend_gives_no_outputs(tmp_path: Path) -> None:
    project = _served(tmp_path)
    manifest = tmp_path / ASSEMBLY / "manifest.json"
    manifest.write_text("{}", encoding="utf-8")
    with pytest.raises(SandboxError, match=r"no amplify_outputs\.json: "):
        write_outputs(project, URL)
    assert not project.outputs.exists()
