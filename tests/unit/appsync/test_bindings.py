"""The definition's data sources, code and resolvers as live objects: each kind of data source
made as its spec says, code that does not load reported at its key path, resolvers bound to
their code and data source, and resolvers on fields the schema lacks named. (`load_api` as a
whole: test_app.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from appsync.bindings import CodeLoader, Problems, bind_resolver, check_target, data_source
from appsync.functions_embedded import build_functions
from appsync.stepfunctions_embedded import build_step_functions
from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import (
    TEST_ACCESS_KEY,
    CodeSpec,
    DataSourceSpec,
    DataSourceType,
    ResolverKind,
    ResolverSpec,
    Runtime,
    StepFunctionsSettings,
)
from resolvers.datasources.dynamodb_tables import operations_for
from resolvers.datasources.lambda_ import LambdaDataSource
from resolvers.datasources.none import NoneDataSource
from resolvers.datasources.unserved import UnservedDataSource
from resolvers.unit import UnitResolver
from resolvers.util.time import SYSTEM_CLOCK
from schema.loader import load_schema
from tests.unit.appsync.api_support import write_api


def _problems(folder: Path) -> Problems:
    return Problems(read_appsync_yaml(write_api(folder)))


def _sources(folder: Path, specs: list[DataSourceSpec]) -> list[object]:
    problems = _problems(folder)
    engine = build_step_functions(StepFunctionsSettings(), str(folder / "appsync.yaml"))
    functions = build_functions(
        problems.definition, "us-east-1", TEST_ACCESS_KEY, engine.routes, problems.add
    )
    return [
        data_source(
            spec,
            f"dataSources[{index}]",
            SYSTEM_CLOCK,
            (engine, functions, operations_for),
            problems,
        )
        for index, spec in enumerate(specs)
    ]


def test_each_kind_of_data_source_is_made_as_its_spec_says(tmp_path: Path) -> None:
    none, unserved = _sources(
        tmp_path,
        [
            DataSourceSpec("Local", DataSourceType.NONE, None, None),
            DataSourceSpec("Search", DataSourceType.AMAZON_OPENSEARCH_SERVICE, None, None),
        ],
    )
    assert isinstance(none, NoneDataSource)
    assert isinstance(unserved, UnservedDataSource)


def test_code_that_does_not_load_is_a_problem_at_its_key(tmp_path: Path) -> None:
    problems = _problems(tmp_path)
    (tmp_path / "broken.py").write_text("def request(ctx):\n    return {\n")
    spec = CodeSpec(Runtime.PYTHON, tmp_path / "broken.py", None, None)
    assert CodeLoader(SYSTEM_CLOCK, problems).load(spec, "resolvers[7]") is None
    [problem] = problems.items
    assert problem.key_path == "resolvers[7].code"
    assert problem.message.startswith(f"{tmp_path / 'broken.py'}:2:12: ")


def test_a_resolver_without_code_on_lambda_is_a_direct_lambda_resolver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    problems = _problems(tmp_path)
    (tmp_path / "bindings_probe.py").write_text("def handle(event):\n    return event\n")
    monkeypatch.syspath_prepend(str(tmp_path))  # as load_api puts the definition's folder
    source = LambdaDataSource("Fn", "bindings_probe:handle")
    spec = ResolverSpec("Query", "a", ResolverKind.UNIT, "Fn", None, (), 0, "resolvers[0]")
    engine = build_step_functions(StepFunctionsSettings(), str(tmp_path / "appsync.yaml"))
    functions = build_functions(
        problems.definition, "us-east-1", TEST_ACCESS_KEY, engine.routes, problems.add
    )
    loader = CodeLoader(SYSTEM_CLOCK, problems)
    binding = bind_resolver(spec, {"Fn": source}, {}, loader, functions)
    assert binding is not None
    assert isinstance(binding.resolver, UnitResolver)
    assert binding.awaits_io
    assert problems.items == []


def test_a_resolver_on_a_field_the_schema_lacks_is_named(tmp_path: Path) -> None:
    problems = _problems(tmp_path)
    schema = load_schema(problems.definition.schema)
    for type_name, field in (("Query", "nope"), ("Nope", "a"), ("Query", "a")):
        spec = ResolverSpec(type_name, field, ResolverKind.UNIT, "Local", None, (), 0, "r")
        check_target(schema, spec, problems)
    assert [(p.key_path, p.message) for p in problems.items] == [
        ("r.fieldName", "type Query has no field 'nope'"),
        ("r.typeName", "the schema has no object type 'Nope'"),
    ]
