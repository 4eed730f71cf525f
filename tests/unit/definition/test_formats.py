"""One entry point reads every format, told by the file's content; `--format` forces one, and
the options only templates have are refused for appsync.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from definition.errors import InvalidDefinitionError
from definition.formats import (
    Format,
    ReadOptions,
    parse_parameters,
    read_definition,
    recognise,
)

IAC = Path(__file__).parents[2] / "integration" / "apis" / "iac"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (IAC / "appsync.yaml", Format.APPSYNC),
        (IAC / "cloudformation.yaml", Format.CLOUDFORMATION),
        (IAC / "cloudformation.json", Format.CLOUDFORMATION),
        (IAC / "sam" / "template.yaml", Format.SAM),
        (IAC / "cdk.out", Format.CDK),
        (IAC / "cdk.out" / "manifest.json", Format.CDK),
        (IAC / "serverless" / "serverless.yml", Format.SERVERLESS),
        (IAC / "serverless", Format.SERVERLESS),
        (IAC / "amplify", Format.AMPLIFY),
        (IAC / "amplify/amplify/backend/api/posts", Format.AMPLIFY),
        (IAC / "amplify/amplify/backend/api/posts/build", Format.AMPLIFY),
        (
            IAC / "amplify/amplify/backend/api/posts/build/cloudformation-template.json",
            Format.AMPLIFY,
        ),
    ],
)
def test_each_format_is_recognised_by_its_content(path: Path, kind: Format) -> None:
    assert recognise(path) is kind


def test_what_is_not_a_template_is_read_as_our_own_file(tmp_path: Path) -> None:
    cases = {
        "list.yaml": b"- a\n",
        "broken.yaml": b"name: [\n",
        "plain.yaml": b"name: posts\nschema: schema.graphql\n",
        "binary.yaml": b"\xff\xfe",
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        assert recognise(path) is Format.APPSYNC, name
    broken = tmp_path / "template.yaml"
    broken.write_text("Resources:\n  A: [\n")
    assert recognise(broken) is Format.CLOUDFORMATION
    with pytest.raises(InvalidDefinitionError) as caught:
        read_definition(broken)
    assert caught.value.problems[0].message.startswith("not valid YAML")


def test_each_format_reads_into_the_same_api() -> None:
    names = {
        kind: read_definition(path, ReadOptions(region="eu-west-1") if kind else ReadOptions())
        for kind, path in (
            (None, IAC / "appsync.yaml"),
            ("cloudformation", IAC / "cloudformation.yaml"),
            ("json", IAC / "cloudformation.json"),
            ("sam", IAC / "sam" / "template.yaml"),
            ("cdk", IAC / "cdk.out"),
            ("serverless", IAC / "serverless"),
            ("amplify", IAC / "amplify"),
        )
    }
    fields = {
        kind: sorted(f"{r.type_name}.{r.field_name}" for r in definition.resolvers)
        for kind, definition in names.items()
    }
    assert all(found == fields[None] for found in fields.values()), fields


def test_options_reach_the_template(tmp_path: Path) -> None:
    options = ReadOptions(
        format=Format.CLOUDFORMATION,
        parameters={"Stage": "prod"},
        stack="my-posts",
        region="eu-north-1",
    )
    definition = read_definition(IAC / "cloudformation.yaml", options)
    assert definition.name == "posts-prod"
    assert definition.server.step_functions.region == "eu-north-1"
    assert definition.server.dynamodb.tables[0].table_name.startswith("my-posts-PostsTable-")


def test_options_that_do_not_apply_are_problems() -> None:
    with pytest.raises(InvalidDefinitionError) as caught:
        read_definition(IAC / "appsync.yaml", ReadOptions(parameters={"A": "1"}, region="x"))
    assert [f"{p.file}: {p.key_path}: {p.message}" for p in caught.value.problems] == [
        "appsync-local: --parameter: applies to CloudFormation, SAM, CDK, Serverless and "
        "Amplify definitions, not to appsync.yaml",
        "appsync-local: --region: applies to CloudFormation, SAM, CDK, Serverless and Amplify "
        "definitions, not to appsync.yaml",
    ]
    with pytest.raises(InvalidDefinitionError) as caught:
        read_definition(IAC / "cloudformation.yaml", ReadOptions(stage="prod"))
    assert [f"{p.key_path}: {p.message}" for p in caught.value.problems] == [
        "--stage: applies to Serverless Framework services only"
    ]
    with pytest.raises(InvalidDefinitionError) as caught:
        read_definition(IAC / "cloudformation.yaml", ReadOptions(stack="no_underscores"))
    assert [p.message for p in caught.value.problems] == [
        "'no_underscores' is not a stack name: a letter, then letters, digits and hyphens"
    ]


def test_a_serverless_service_takes_its_stage_region_and_options() -> None:
    options = ReadOptions(stage="prod", region="eu-west-1", stack="given")
    definition = read_definition(IAC / "serverless", options)
    assert definition.name == "posts-prod"
    [machine] = definition.server.step_functions.state_machines
    assert (machine.name, definition.server.step_functions.region) == ("quote-prod", "eu-west-1")
    [table] = definition.server.dynamodb.tables
    assert table.table_name == "posts-prod-posts"


def test_parameters_are_key_value_pairs() -> None:
    assert parse_parameters(["Stage=prod", "Url=https://x?a=b"]) == {
        "Stage": "prod",
        "Url": "https://x?a=b",
    }
    with pytest.raises(InvalidDefinitionError) as caught:
        parse_parameters(["Stage", "=x"])
    assert [p.message for p in caught.value.problems] == [
        "expected Key=Value, got 'Stage'",
        "expected Key=Value, got '=x'",
    ]
