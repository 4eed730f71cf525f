"""One synthesis of a Gen 2 backend (`appsync.sandbox_synth`): a real subprocess (a small Python
program in place of the CDK toolkit) given the CDK toolkit's variables, its output kept bounded,
a failure or a timeout said with the tool's own output, and the new assembly published beside
the served one without removing what that one uses."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from appsync.sandbox_synth import (
    BackendIdentifier,
    OutputTail,
    cdk_synth_command,
    publish,
    synthesize,
)

IDENTIFIER = BackendIdentifier("gen2todos", "local")
SYNTH_SH = Path(__file__).parents[2] / "integration/apis/iac/amplify-gen2/project/synth.sh"


def _program(tmp_path: Path, source: str) -> list[str]:
    program = tmp_path / "program.py"
    program.write_text(source, encoding="utf-8")
    return [sys.executable, str(program)]


def test_the_default_command_is_synth_sh_s_the_cdk_toolkit_with_the_sandbox_context() -> None:
    command = cdk_synth_command(IDENTIFIER, Path("/p/out"))
    assert command == [
        "npx",
        "cdk",
        "synth",
        "--app",
        "npx tsx amplify/backend.ts",
        "--context",
        "amplify-backend-namespace=gen2todos",
        "--context",
        "amplify-backend-name=local",
        "--context",
        "amplify-backend-type=sandbox",
        "--output",
        "/p/out",
        "--quiet",
        "--no-notices",
    ]
    # The fixture's assembly was written by the same command (synth.sh).
    script = SYNTH_SH.read_text(encoding="utf-8")
    for word in command[:5]:
        assert word.strip('"') in script
    for context in ("amplify-backend-namespace=", "amplify-backend-type=sandbox"):
        assert context in script


@pytest.mark.anyio
async def test_the_command_gets_the_cdk_toolkit_s_variables_and_writes_the_assembly(
    tmp_path: Path,
) -> None:
    command = _program(
        tmp_path,
        "import json, os, pathlib\n"
        "out = pathlib.Path(os.environ['CDK_OUTDIR'])\n"
        "(out / 'manifest.json').write_text(json.dumps({'cwd': os.getcwd(), "
        "'context': json.loads(os.environ['CDK_CONTEXT_JSON'])}))\n"
        "print('Successfully synthesized')\n",
    )
    project = tmp_path / "project"
    project.mkdir()
    staging = tmp_path / "staging"
    (staging / "stale").mkdir(parents=True)
    result = await synthesize(command, project, IDENTIFIER, staging, 30)
    assert result.succeeded
    assert result.reason == ""
    assert result.output == "Successfully synthesized\n"
    written = json.loads((staging / "manifest.json").read_text(encoding="utf-8"))
    assert written["cwd"] == str(project)
    assert written["context"] == {
        "amplify-backend-namespace": "gen2todos",
        "amplify-backend-name": "local",
        "amplify-backend-type": "sandbox",
    }
    assert not (staging / "stale").exists()  # emptied first


@pytest.mark.anyio
async def test_a_failing_command_is_reported_with_its_output_and_status(tmp_path: Path) -> None:
    command = _program(
        tmp_path,
        "import sys\nprint('compiling')\n"
        "sys.stderr.write('amplify/data/resource.ts:4:0: ERROR: Expected \"}\"\\n')\n"
        "sys.exit(3)\n",
    )
    result = await synthesize(command, tmp_path, IDENTIFIER, tmp_path / "out", 30)
    assert not result.succeeded
    assert result.reason == "exit status 3"
    assert "compiling" in result.output
    assert 'ERROR: Expected "}"' in result.output


@pytest.mark.anyio
async def test_a_command_that_writes_no_assembly_fails(tmp_path: Path) -> None:
    command = _program(tmp_path, "print('nothing to synthesize')\n")
    result = await synthesize(command, tmp_path, IDENTIFIER, tmp_path / "out", 30)
    assert result.reason == "it wrote no cloud assembly (manifest.json)"


@pytest.mark.anyio
async def test_a_command_that_does_not_exist_fails_with_why(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-toolkit")
    result = await synthesize([missing], tmp_path, IDENTIFIER, tmp_path / "out", 30)
    assert result.reason == f"{missing}: No such file or directory"


@pytest.mark.anyio
async def test_a_synthesis_past_its_limit_is_stopped_with_its_children(tmp_path: Path) -> None:
    # The program starts a child, as npx starts node, and both outlive the limit.
    command = _program(
        tmp_path,
        "import pathlib, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        "pathlib.Path('child.pid').write_text(str(child.pid))\n"
        "print('bundling', flush=True)\n"
        "time.sleep(120)\n",
    )
    result = await synthesize(command, tmp_path, IDENTIFIER, tmp_path / "out", 1.5)
    assert result.reason == "no assembly after 1.5 s"
    assert "bundling" in result.output
    child = int((tmp_path / "child.pid").read_text(encoding="utf-8"))
    assert _ends(child), "the command's child outlived the synthesis"


def _ends(pid: int) -> bool:
    """Whether `pid` is gone or a zombie (killed, not yet reaped by init) within 10 s."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
        except FileNotFoundError:
            return True
        if state[0] in ("Z", "X"):
            return True
        time.sleep(0.02)
    return False


def test_the_output_kept_is_its_end_and_says_what_was_left_out() -> None:
    tail = OutputTail(10)
    tail.add(b"0123456789")
    assert tail.text() == "0123456789"
    tail.add(b"abcdef")
    assert tail.dropped == 6
    assert tail.text() == "[6 bytes of output before this left out]\n6789abcdef"
    cut = OutputTail(3)
    cut.add("éab".encode())  # cut inside a character: replaced, not an error
    assert cut.text() == "[1 bytes of output before this left out]\n\ufffdab"


def test_publishing_keeps_the_assets_in_use_and_replaces_the_rest(tmp_path: Path) -> None:
    served = tmp_path / "cdk.out"
    (served / "asset.aaa").mkdir(parents=True)
    (served / "asset.aaa" / "index.js").write_text("served", encoding="utf-8")
    (served / "asset.old").mkdir()
    (served / "stack.template.json").write_text("old", encoding="utf-8")
    (served / "manifest.json").write_text("old", encoding="utf-8")
    kept = (served / "asset.aaa").stat().st_ino
    staging = tmp_path / "staging"
    (staging / "asset.aaa").mkdir(parents=True)
    (staging / "asset.aaa" / "index.js").write_text("same content", encoding="utf-8")
    (staging / "asset.bbb").mkdir()
    (staging / "stack.template.json").write_text("new", encoding="utf-8")
    (staging / "manifest.json").write_text("new", encoding="utf-8")
    publish(staging, served)
    # Content-addressed: the served one stays (a running function's code is not moved).
    assert (served / "asset.aaa").stat().st_ino == kept
    assert (served / "asset.bbb").is_dir()
    assert (served / "stack.template.json").read_text(encoding="utf-8") == "new"
    assert (served / "manifest.json").read_text(encoding="utf-8") == "new"
    # The replaced API may still run code from an asset the new one no longer names.
    assert (served / "asset.old").is_dir()
    assert not staging.exists()


def test_publishing_at_the_start_prunes_what_the_new_assembly_lacks(tmp_path: Path) -> None:
    served = tmp_path / "cdk.out"
    (served / "asset.old").mkdir(parents=True)
    (served / "old.template.json").write_text("{}", encoding="utf-8")
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / "manifest.json").write_text("{}", encoding="utf-8")
    publish(staging, served, prune=True)
    assert sorted(os.listdir(served)) == ["manifest.json"]
