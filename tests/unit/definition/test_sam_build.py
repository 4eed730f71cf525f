"""`sam build`'s esbuild step, as aws-lambda-builders' `nodejs_npm_esbuild` workflow runs it
(`EsbuildCommandBuilder`: `--bundle --platform=node --outdir`, defaults `--target=es2020
--format=cjs --minify`, BuildProperties as flags, an entry point without a suffix given `.ts`
then `.js`) and the SAM developer guide describes it ("Building Node.js Lambda functions with
esbuild in AWS SAM"). The esbuild is the real one scripts/node-deps installs, linked into the
project's node_modules as `npm install esbuild` would put it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from definition.problems import Problem
from definition.sam_build import NO_ESBUILD, build_esbuild_functions

NODE_MODULES = Path(sys.prefix) / "esbuild" / "node_modules"


def _project(tmp_path: Path, *, esbuild: bool = True) -> Path:
    source = tmp_path / "hello"
    source.mkdir()
    (source / "greeting.ts").write_text(
        "export const greeting = (name: string): string => `Hello, ${name}!`;\n"
    )
    (source / "app.ts").write_text(
        'import { greeting } from "./greeting";\n'
        "export const lambdaHandler = async (event: { name: string }) => greeting(event.name);\n"
    )
    if esbuild:
        (tmp_path / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    return tmp_path / "template.yaml"


def _body(metadata: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {
        "Resources": {
            "Hello": {
                "Type": "AWS::Serverless::Function",
                "Metadata": metadata,
                "Properties": {
                    "CodeUri": "hello/",
                    "Handler": "app.lambdaHandler",
                    "Runtime": "nodejs20.x",
                    **properties,
                },
            },
            "Plain": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "plain/"}},
        }
    }


def _build(template: Path, body: dict[str, Any]) -> tuple[dict[Path, Path], list[str]]:
    problems: list[Problem] = []
    built = build_esbuild_functions(body, template, problems)
    return built, [str(problem).split(": ", 1)[1] for problem in problems]


def test_the_handlers_file_is_bundled_with_sams_defaults(tmp_path: Path) -> None:
    template = _project(tmp_path)
    body = _body({"BuildMethod": "esbuild"})
    built, problems = _build(template, body)
    assert problems == []
    [(bundle, source)] = built.items()
    assert source == tmp_path / "hello"
    assert body["Resources"]["Hello"]["Properties"]["CodeUri"] == str(bundle)
    # A function without the build method is left as it is.
    assert body["Resources"]["Plain"]["Properties"]["CodeUri"] == "plain/"
    assert sorted(path.name for path in bundle.iterdir()) == ["app.js"]
    code = (bundle / "app.js").read_text()
    # CommonJS (module.exports), minified (no line per statement), the import bundled in.
    assert "module.exports" in code
    assert "Hello, " in code
    assert "greeting.ts" not in code
    assert len(code.splitlines()) <= 3


def test_build_properties_become_esbuilds_flags(tmp_path: Path) -> None:
    template = _project(tmp_path)
    metadata = {
        "BuildMethod": "esbuild",
        "BuildProperties": {
            "Minify": False,
            "Format": "esm",
            "Target": "es2022",
            "Sourcemap": True,
            "EntryPoints": ["app.ts"],
            "OutExtension": [".js=.mjs"],
        },
    }
    built, problems = _build(template, _body(metadata))
    assert problems == []
    [bundle] = built
    assert sorted(path.name for path in bundle.iterdir()) == ["app.mjs", "app.mjs.map"]
    code = (bundle / "app.mjs").read_text()
    assert "export {" in code
    assert "module.exports" not in code
    assert "var greeting = (name) => `Hello, ${name}!`;" in code


def test_a_second_build_of_the_same_code_writes_nothing(tmp_path: Path) -> None:
    template = _project(tmp_path)
    [bundle] = _build(template, _body({"BuildMethod": "esbuild"}))[0]
    written = (bundle / "app.js").stat().st_mtime_ns
    (bundle / "stale.js").write_text("left from an earlier build")
    assert _build(template, _body({"BuildMethod": "esbuild"}))[0] == {bundle: tmp_path / "hello"}
    assert (bundle / "app.js").stat().st_mtime_ns == written
    assert not (bundle / "stale.js").exists()


@pytest.mark.parametrize(
    ("metadata", "problem"),
    [
        (
            {"BuildMethod": "esbuild", "BuildProperties": {"EntryPoints": ["missing"]}},
            "Hello.Metadata.BuildProperties.EntryPoints: entry point {source}/missing does not "
            "exist",
        ),
        (
            {"BuildMethod": "esbuild", "BuildProperties": {"External": "aws-sdk"}},
            "Hello.Metadata.BuildProperties.External: expected a list",
        ),
    ],
)
def test_what_sam_build_refuses(tmp_path: Path, metadata: dict[str, Any], problem: str) -> None:
    template = _project(tmp_path)
    built, problems = _build(template, _body(metadata))
    assert built == {}
    assert problems == [problem.format(source=tmp_path / "hello")]


def test_a_type_error_in_the_code_is_esbuilds_message(tmp_path: Path) -> None:
    template = _project(tmp_path)
    (tmp_path / "hello" / "app.ts").write_text("export const lambdaHandler = (: string) => 1;\n")
    _, [problem] = _build(template, _body({"BuildMethod": "esbuild"}))
    assert problem.startswith("Hello.Properties.CodeUri: esbuild failed: ")
    assert "app.ts:1:" in problem


def test_without_esbuild_it_says_what_the_sam_cli_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = _project(tmp_path, esbuild=False)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    assert _build(template, _body({"BuildMethod": "esbuild"})) == (
        {},
        [f"Hello.Properties.CodeUri: {NO_ESBUILD}"],
    )
