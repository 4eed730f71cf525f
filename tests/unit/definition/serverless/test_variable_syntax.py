"""Serverless variables parse as the framework's parser reads them (Serverless Framework v3,
"Variables", and `lib/configuration/variables/parse.js`): sources, fallbacks, literals, nesting,
and the `${...}` that are not variables (CloudFormation's) left as written."""

from __future__ import annotations

import pytest

from definition.serverless.variable_syntax import (
    Source,
    Variable,
    VariableSyntaxError,
    parse,
)


def test_a_source_with_an_address_and_fallbacks() -> None:
    [variable] = parse("${opt:stage, self:provider.stage, 'dev'}")
    assert isinstance(variable, Variable)
    assert variable.text == "${opt:stage, self:provider.stage, 'dev'}"
    assert variable.sources == (
        Source("opt", (), ["stage"]),
        Source("self", (), ["provider.stage"]),
        Source(None, literal="dev"),
    )


@pytest.mark.parametrize(
    ("fallback", "literal"),
    [("1024", 1024), ("2.5", 2.5), ("true", True), ("false", False), ("null", None)],
)
def test_literal_fallbacks_have_their_types(fallback: str, literal: object) -> None:
    [variable] = parse(f"${{opt:memory, {fallback}}}")
    assert isinstance(variable, Variable)
    assert variable.sources[1] == Source(None, literal=literal)


def test_parameters_and_nested_variables() -> None:
    # "Recursively reference properties": ${file(./config.${opt:stage, 'dev'}.json):CREDS}.
    [variable] = parse("${file(./config.${opt:stage, 'dev'}.json):CREDS}")
    assert isinstance(variable, Variable)
    [source] = variable.sources
    assert source.type == "file"
    [param] = source.params
    inner = param[1]
    assert param[0] == "./config."
    assert param[2] == ".json"
    assert isinstance(inner, Variable)
    assert inner.text == "${opt:stage, 'dev'}"
    assert source.address == ["CREDS"]
    # An address may nest a variable too: ${env:${opt:stage}_arn}.
    [outer] = parse("${env:${opt:stage}_arn}")
    assert isinstance(outer, Variable)
    address = outer.sources[0].address
    assert address is not None
    assert isinstance(address[0], Variable)
    assert address[1] == "_arn"


def test_text_around_variables_is_kept() -> None:
    pieces = parse("${self:service}-${sls:stage}-posts")
    assert [piece if isinstance(piece, str) else piece.text for piece in pieces] == [
        "${self:service}",
        "-",
        "${sls:stage}",
        "-posts",
    ]


@pytest.mark.parametrize(
    "text",
    [
        # CloudFormation's Fn::Sub variables: the type must start with a lowercase letter and
        # have a ':' or '(' after it, not '::'.
        "arn:aws:s3:::${AssetsBucket}/*",
        "${AWS::Region}",
        "${stage}",
        "${aws::region}",
        "${!Literal}",
    ],
)
def test_what_is_not_a_variable_is_left_as_written(text: str) -> None:
    assert parse(text) == [text]


def test_an_escaped_variable_is_text() -> None:
    assert parse("\\${self:service}") == ["${self:service}"]


@pytest.mark.parametrize(
    "text", ["${self:service", "${opt:stage, 'dev}", "${opt:stage, 'dev' x}", "${file(a}"]
)
def test_malformed_variables_are_refused(text: str) -> None:
    with pytest.raises(VariableSyntaxError):
        parse(text)
