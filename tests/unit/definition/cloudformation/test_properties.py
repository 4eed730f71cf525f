"""A resource's properties are read with problems and notices that name its logical id and
the property path, and with CloudFormation's leniency for numbers and booleans in strings."""

from __future__ import annotations

from pathlib import Path

from definition.cloudformation.properties import (
    PropertyReader,
    boolean,
    checked_properties,
    integer,
)
from definition.model import InlineSource
from tests.unit.definition.cloudformation.cloudformation_support import API, stack_of


def _reader(tmp_path: Path) -> PropertyReader:
    return PropertyReader(stack_of(tmp_path, f"Resources:{API}"), "Thing")


def test_problems_and_notices_name_the_resource(tmp_path: Path) -> None:
    reader = _reader(tmp_path)
    reader.allowed({"Name": "x", "Nope": 1}, "Properties", ("Name",))
    reader.accepted({"Tags": [{"Key": "a"}], "Role": None}, "Properties", {"Tags": "not listed"})
    [problem] = reader.stack.problems
    assert (problem.logical_id, problem.key_path, problem.message) == (
        "Thing",
        "Properties.Nope",
        "unknown property; expected one of Name",
    )
    [notice] = reader.stack.notices
    assert str(notice).endswith(
        ": Thing.Properties.Tags: accepted; no local effect yet (not listed)"
    )
    reader.problem("Properties.Nope", "unknown property; expected one of Name")
    assert len(reader.stack.problems) == 1  # the same problem once


def test_text_is_inline_or_a_local_file(tmp_path: Path) -> None:
    reader = _reader(tmp_path)
    inline, where = reader.source({"Code": "export {}"}, "Code", "CodeS3Location", "Properties")
    assert where == "Properties.Code"
    assert inline == InlineSource("export {}", "Thing.Properties.Code", reader.origin(where))
    (tmp_path / "code.js").write_text("export {}")
    file, where = reader.source(
        {"CodeS3Location": "code.js"}, "Code", "CodeS3Location", "Properties"
    )
    assert (file, where) == (tmp_path / "code.js", "Properties.CodeS3Location")
    assert reader.source({}, "Code", "CodeS3Location", "Properties") == (None, None)
    assert reader.stack.problems == []
    reader.source({"Code": 1, "CodeS3Location": "x"}, "Code", "CodeS3Location", "Properties")
    assert [f"{p.key_path}: {p.message}" for p in reader.stack.problems] == [
        "Properties.CodeS3Location: give Code or CodeS3Location, not both",
        "Properties.Code: expected a string",
    ]


def test_numbers_and_booleans_may_be_strings(tmp_path: Path) -> None:
    reader = _reader(tmp_path)
    block = {"A": "30", "B": 7, "C": "x", "D": "True", "E": False, "F": "maybe"}
    assert [integer(reader, block, key, "Properties") for key in ("A", "B", "C", "Z")] == [
        30,
        7,
        None,
        None,
    ]
    assert [boolean(reader, block, key, "Properties") for key in ("D", "E", "F", "Z")] == [
        True,
        False,
        False,
        False,
    ]
    assert [p.message for p in reader.stack.problems] == [
        "expected an integer, got 'x'",
        "expected true or false, got 'maybe'",
    ]


def test_checked_properties_name_unknown_keys_and_those_without_effect(tmp_path: Path) -> None:
    text = f"Resources:{API}\n  Thing:\n    Type: AWS::SQS::Queue\n"
    text += "    Properties: {QueueName: q, Tags: [{Key: a, Value: b}], Colour: red}\n"
    stack = stack_of(tmp_path, text)
    found = checked_properties(stack, "Thing", ("QueueName", "Tags"), {"Tags": "not listed"})
    assert found is not None
    reader, properties = found
    assert (reader.logical_id, properties["QueueName"]) == ("Thing", "q")
    assert [(p.key_path, p.message) for p in stack.problems] == [
        ("Properties.Colour", "unknown property; expected one of QueueName, Tags")
    ]
    assert [n.key_path for n in stack.notices] == ["Thing.Properties.Tags"]
