"""`appsync-local sandbox`'s start and watch (`appsync.sandbox`): what is watched as ampx watches
it (file_watching_sandbox.ts: not `.amplify`, the .gitignore's patterns, the outputs file,
`--exclude`), and a project that cannot be served refused with why and exit status 1, never a
traceback. The loop itself, with a server, is tests/integration/test_sandbox.py."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from watchfiles import Change

from appsync.__main__ import main
from appsync.sandbox import Watched
from appsync.sandbox_project import hold, sandbox_project

FAKE_SYNTH = Path(__file__).parents[2] / "integration" / "apis" / "sandbox" / "fake_synth.py"
SYNTH = f"{sys.executable} {FAKE_SYNTH}"


def _project(root: Path, resource: str = "// original\n") -> Path:
    (root / "amplify" / "data").mkdir(parents=True)
    (root / "amplify" / "backend.ts").write_text("defineBackend({});\n", encoding="utf-8")
    (root / "amplify" / "data" / "resource.ts").write_text(resource, encoding="utf-8")
    (root / "package.json").write_text(json.dumps({"name": "notes"}), encoding="utf-8")
    return root


def _watched(root: Path, *exclude: str) -> Watched:
    project = sandbox_project(root, synth_command=SYNTH, exclude=exclude, timeout=60)
    return Watched(project)


def test_what_ampx_watches_is_watched(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / ".gitignore").write_text(
        "# comment\n/dist\nbuild/\n*.log\n!keep.log\namplify/generated/*.ts\n", encoding="utf-8"
    )
    watched = _watched(root, "amplify/scratch", "*.bak")
    seen = {
        relative: watched(Change.modified, str(root / relative))
        for relative in (
            "amplify/data/resource.ts",
            "amplify/auth/resource.ts",
            "amplify/.amplify/generated/env/say-hello.ts",
            ".amplify/artifacts/cdk.out/manifest.json",
            "amplify_outputs.json",
            "amplify/dist/handler.js",
            "amplify/functions/build/index.js",
            "amplify/functions/debug.log",
            "amplify/generated/models.ts",
            "amplify/scratch/notes.ts",
            "amplify/data/schema.bak",
            "amplify/node_modules/x/index.js",
            "amplify/data/.resource.ts.swp",
        )
    }
    assert seen == {
        "amplify/data/resource.ts": True,
        "amplify/auth/resource.ts": True,
        # ampx's own output folder, and the outputs file it writes.
        "amplify/.amplify/generated/env/say-hello.ts": False,
        ".amplify/artifacts/cdk.out/manifest.json": False,
        "amplify_outputs.json": False,
        # The .gitignore's patterns (a name matches at any depth, as git matches it).
        "amplify/dist/handler.js": False,
        "amplify/functions/build/index.js": False,
        "amplify/functions/debug.log": False,
        "amplify/generated/models.ts": False,
        # --exclude: a path in the project, a glob.
        "amplify/scratch/notes.ts": False,
        "amplify/data/schema.bak": False,
        # watchfiles' own: dependencies, editors' swap files.
        "amplify/node_modules/x/index.js": False,
        "amplify/data/.resource.ts.swp": False,
    }


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["{missing}"], "is not a folder"),
        (["{empty}"], "has no amplify/backend.ts"),
        (["{project}", "--identifier", "not valid"], "Invalid --identifier provided"),
        (["{project}", "--once", "--exclude", "x"], "--once watches nothing"),
    ],
)
def test_a_project_that_cannot_be_served_exits_1_with_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    (tmp_path / "empty").mkdir()
    places = {
        "missing": tmp_path / "missing",
        "empty": tmp_path / "empty",
        "project": _project(tmp_path / "project"),
    }
    argv = [argument.format(**places) for argument in arguments]
    assert main(["sandbox", *argv, "--synth-command", SYNTH, "--ephemeral"]) == 1
    error = capsys.readouterr().err
    assert message in error
    assert "Traceback" not in error


def test_a_first_synthesis_that_fails_prints_the_tool_s_error_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, "// break\n")
    assert main(["sandbox", str(root), "--synth-command", SYNTH, "--ephemeral"]) == 1
    error = capsys.readouterr().err
    assert 'ERROR: Expected "}" but found end of file' in error
    assert "the synthesis failed (exit status 1, after " in error
    assert not (root / ".amplify" / "artifacts" / "cdk.out").exists()
    # Its lock released: the next run is not refused as a second sandbox.
    os.close(hold(sandbox_project(root, synth_command=SYNTH, timeout=60)))


def test_a_second_sandbox_on_the_same_project_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    held = hold(sandbox_project(root, synth_command=SYNTH, timeout=60))
    try:
        assert main(["sandbox", str(root), "--synth-command", SYNTH, "--ephemeral"]) == 1
    finally:
        os.close(held)
    assert f"another appsync-local sandbox runs on {root} (process {os.getpid()})" in (
        capsys.readouterr().err
    )
    # Refused before it synthesized: the running one's folders are untouched.
    assert not (root / "synths.log").exists()
