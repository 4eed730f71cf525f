"""A CloudFormation template read from YAML or JSON, the YAML short forms in their long form.

CloudFormation's YAML has a tag per intrinsic function ("Intrinsic function reference" in the
CloudFormation User Guide): `!Ref Name` is `{"Ref": "Name"}`, `!GetAtt Res.Attr` is
`{"Fn::GetAtt": ["Res", "Attr"]}` (split at the first dot), `!Condition Name` is
`{"Condition": "Name"}`, and every other `!Fn` is `{"Fn::Fn": value}`. Loading turns each tag
into that long form, so the rest of the reader sees one shape whatever the file's format. An
unknown tag is an error at its line and column, as is malformed YAML or JSON.

YAML's timestamps stay strings (`AWSTemplateFormatVersion: 2010-09-09` is a string to
CloudFormation, a date to a YAML 1.1 loader). `AWS::Include` transforms (`Fn::Transform` with
`Name: AWS::Include`) whose `Location` is a local file are replaced by that file's content, as
CloudFormation replaces them with the S3 object's; any other location or macro is an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from definition.errors import InvalidDefinitionError, TemplateValueError
from definition.problems import Problem

# The short forms of "Intrinsic function reference" (and Fn::Transform's), besides !Ref,
# !GetAtt and !Condition.
_FUNCTIONS = (
    *["Base64", "Cidr", "FindInMap", "GetAZs", "ImportValue", "Join", "Select", "Split", "Sub"],
    *["Transform", "If", "Equals", "Not", "And", "Or", "Length", "ToJsonString"],
)
_INCLUDE = "AWS::Include"


@dataclass(frozen=True, slots=True)
class Template:
    """A template's `body` as loaded (a mapping), and the `file` it came from."""

    file: Path
    body: dict[str, Any]

    @property
    def base_dir(self) -> Path:
        return self.file.parent

    def section(self, name: str) -> dict[str, Any]:
        """A top-level section (`Resources`, `Parameters`, ...), empty when absent."""
        value = self.body.get(name)
        return value if isinstance(value, dict) else {}


# libyaml's parser when PyYAML has it (its wheels do): a tenth of the pure-Python parser's time,
# which reading the definition at every start paid twice (recognising its format, then reading).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SAFE_LOADER):  # type: ignore[valid-type,misc]
    """PyYAML's safe loader with CloudFormation's tags and without timestamps."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    assert isinstance(node, yaml.MappingNode)
    return loader.construct_mapping(node, deep=True)


def _function(name: str) -> Callable[[yaml.SafeLoader, yaml.Node], Any]:
    return lambda loader, node: {f"Fn::{name}": _construct(loader, node)}


def _get_att(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    value = _construct(loader, node)
    if isinstance(value, str):
        logical_id, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [logical_id, attribute]}
    return {"Fn::GetAtt": value}


def _unknown(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    raise yaml.constructor.ConstructorError(
        None,
        None,
        f"unknown tag !{suffix}: not a CloudFormation intrinsic function",
        node.start_mark,
    )


def _ref(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return {"Ref": _construct(loader, node)}


def _condition(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return {"Condition": _construct(loader, node)}


_Loader.add_constructor("!Ref", _ref)
_Loader.add_constructor("!Condition", _condition)
_Loader.add_constructor("!GetAtt", _get_att)
for _name in _FUNCTIONS:
    _Loader.add_constructor(f"!{_name}", _function(_name))
_Loader.add_multi_constructor("!", _unknown)


def parse_template_text(text: str, file: Path) -> Any:
    """The document in `text` (JSON when it starts with `{`, YAML otherwise); raises
    InvalidDefinitionError naming the line and column of a syntax error."""
    name = str(file)
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            message = f"not valid JSON: {error.msg}"
            raise InvalidDefinitionError(
                [Problem(name, "", message, line=error.lineno, column=error.colno)]
            ) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = f"not valid YAML: {error.problem or error.context}"
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        raise InvalidDefinitionError(
            [Problem(name, "", message, line=line, column=column)]
        ) from None
    except yaml.YAMLError as error:
        raise InvalidDefinitionError([Problem(name, "", f"not valid YAML: {error}")]) from None


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise InvalidDefinitionError([Problem(str(path), "", f"cannot read: {reason}")]) from None


def load_template(path: Path) -> Template:
    """Read a template file; raises InvalidDefinitionError when it is not a template."""
    file = path.resolve()
    body = parse_template_text(read_text(path), file)
    if not isinstance(body, dict):
        raise InvalidDefinitionError(
            [Problem(str(file), "", "not a CloudFormation template: expected a mapping")]
        )
    try:
        body = _include(body, file.parent, "")
    except TemplateValueError as error:
        raise InvalidDefinitionError([Problem(str(file), error.path, error.message)]) from None
    return Template(file, body)


def _include(value: Any, base: Path, path: str) -> Any:
    """`value` with each local `AWS::Include` replaced by its file's content."""
    if isinstance(value, list):
        return [_include(item, base, f"{path}[{index}]") for index, item in enumerate(value)]
    if not isinstance(value, dict):
        return value
    if "Fn::Transform" in value:
        where = _join(path, "Fn::Transform")
        included = _included(value["Fn::Transform"], base, where)
        rest = {key: item for key, item in value.items() if key != "Fn::Transform"}
        if not rest:
            return included
        if not isinstance(included, dict):
            raise TemplateValueError(where, "the included file must hold a mapping here")
        # The snippet's keys join the mapping's own, as CloudFormation merges them.
        value = {**rest, **included}
    return {key: _include(item, base, _join(path, str(key))) for key, item in value.items()}


def _included(transform: Any, base: Path, path: str) -> Any:
    if not isinstance(transform, dict) or transform.get("Name") != _INCLUDE:
        name = transform.get("Name") if isinstance(transform, dict) else transform
        raise TemplateValueError(
            path, f"the macro {name!r} runs in AWS CloudFormation; it is not available locally"
        )
    parameters = transform.get("Parameters")
    location = parameters.get("Location") if isinstance(parameters, dict) else None
    if not isinstance(location, str) or not location:
        raise TemplateValueError(f"{path}.Parameters.Location", "required; expected a file")
    if re.match(r"^[a-z0-9]+://", location):
        raise TemplateValueError(
            f"{path}.Parameters.Location",
            f"{location} is not a local file: write the path of the file beside the template",
        )
    file = (base / location).resolve()
    if not file.is_file():
        raise TemplateValueError(f"{path}.Parameters.Location", f"file not found: {file}")
    try:
        snippet = parse_template_text(read_text(file), file)
    except InvalidDefinitionError as error:
        raise TemplateValueError(f"{path}.Parameters.Location", str(error)) from None
    return _include(snippet, file.parent, path)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
