"""The commands that print without serving, through `appsync-local`'s own command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from appsync.__main__ import main


def test_evaluate_prints_appsyncs_answer_for_a_handler_and_a_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "getPost.js").write_text(
        "export function request(ctx) {\n"
        "  console.log('fetching', ctx.args.id);\n"
        "  return { operation: 'GetItem', key: { id: { S: ctx.args.id } } };\n"
        "}\n"
        "export const response = (ctx) => ctx.result;\n",
        encoding="utf-8",
    )
    (tmp_path / "context.json").write_text('{"arguments": {"id": "p1"}}', encoding="utf-8")
    arguments = ["evaluate", "--code", str(tmp_path / "getPost.js")]
    assert main([*arguments, "--context", str(tmp_path / "context.json")]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "evaluationResult": '{"operation":"GetItem","key":{"id":{"S":"p1"}}}',
        "logs": ['INFO - getPost.js:2:3: "fetching" "p1"'],
        "stash": "{}",
        "outErrors": "[]",
    }
    (tmp_path / "echo.vtl").write_text('$util.error("no", "Nope")', encoding="utf-8")
    assert main(["evaluate", "--template", str(tmp_path / "echo.vtl")]) == 0
    assert json.loads(capsys.readouterr().out)["error"] == {"message": "no"}
    assert main(["evaluate", "--code", str(tmp_path / "missing.js")]) == 1
    assert "missing.js" in capsys.readouterr().err
