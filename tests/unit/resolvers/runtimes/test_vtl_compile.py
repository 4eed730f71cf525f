"""Loading templates: parsed once at load, and a template that does not parse names its file,
line and column (issue 4: "Bad templates fail with the template file, line and column")."""

from __future__ import annotations

from pathlib import Path

import pytest

from resolvers.errors import TemplateError
from resolvers.runtimes.vtl import load_vtl_code
from tests.unit.resolvers.runtimes.vtl_templates import make_ctx


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_unclosed_if_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "Query.getPost.req.vtl", '{\n  "a": #if($ctx.args.x) 1\n}\n')
    with pytest.raises(TemplateError) as raised:
        load_vtl_code(path, None)
    error = raised.value
    assert error.file == str(path)
    assert (error.line, error.column) == (4, 1)
    assert "#end" in error.detail
    assert error.message.startswith(f"{path}:4:1: ")
    assert error.error_type == "MappingTemplate"


def test_bad_set_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "res.vtl", "## fine\n#set($x = )\n$util.toJson($x)\n")
    with pytest.raises(TemplateError) as raised:
        load_vtl_code(None, path)
    assert raised.value.line == 2
    assert raised.value.column > 1


def test_unclosed_method_call_names_its_position(tmp_path: Path) -> None:
    path = write(tmp_path, "req.vtl", '{"a": $util.toJson($ctx.args}')
    with pytest.raises(TemplateError) as raised:
        load_vtl_code(path, None)
    assert (raised.value.line, raised.value.column) == (1, 29)


def test_missing_template_file_is_a_template_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as raised:
        load_vtl_code(tmp_path / "absent.vtl", None)
    assert raised.value.file == str(tmp_path / "absent.vtl")


def test_templates_are_parsed_once_at_load(tmp_path: Path) -> None:
    path = write(tmp_path, "req.vtl", '{"id": $util.toJson($ctx.args.id)}')
    code = load_vtl_code(path, None)
    path.write_text("this is no longer a template {", encoding="utf-8")
    assert code.request(make_ctx({"id": "a"})) == {"id": "a"}
    assert code.request(make_ctx({"id": "b"})) == {"id": "b"}


def test_include_is_rejected_at_load(tmp_path: Path) -> None:
    path = write(tmp_path, "req.vtl", '#include("other.vtl")')
    with pytest.raises(TemplateError, match="not supported"):
        load_vtl_code(path, None)


def test_syntax_error_inside_a_string_names_the_template_position(tmp_path: Path) -> None:
    path = write(tmp_path, "req.vtl", '{\n  "a": "$util.toJson($ctx.args"\n}')
    with pytest.raises(TemplateError) as raised:
        load_vtl_code(path, None)
    assert (raised.value.line, raised.value.column) == (2, 31)


def test_template_that_is_not_utf8_is_a_template_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.vtl"
    path.write_bytes(b'{"a": "caf\xe9"}')
    with pytest.raises(TemplateError, match="cannot read the template"):
        load_vtl_code(path, None)
