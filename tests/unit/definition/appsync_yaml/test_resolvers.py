"""`resolvers[]` and `functions[]` of appsync.yaml (CreateResolver, CreateFunction's names)."""

from __future__ import annotations

from pathlib import Path

from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import CodeSpec, ResolverKind, Runtime
from tests.unit.definition.appsync_yaml.appsync_yaml_support import (
    HEAD,
    problems,
    write_definition,
)

SCHEMA = "type Query { getPost(id: ID!): Post }\ntype Post { id: ID! title: String }\n"
CODE = "def request(ctx):\n    return {}\n\ndef response(ctx):\n    return ctx.result\n"
JS_CODE = (
    "export function request(ctx) { return {}; }\nexport const response = (ctx) => ctx.result;\n"
)


def _write(folder: Path, text: str) -> Path:
    (folder / "getPost.py").write_text(CODE)
    (folder / "getPost.js").write_text(JS_CODE)
    (folder / "getPost.req.vtl").write_text("{}")
    (folder / "getPost.res.vtl").write_text("$util.toJson($ctx.result)")
    return write_definition(folder, SCHEMA, text)


def test_code_and_templates_are_resolved_from_the_definition_folder(tmp_path: Path) -> None:
    text = f"""{HEAD}
dataSources: [{{name: Local, type: NONE}}]
functions:
  - {{name: fetch, dataSourceName: Local, runtime: {{name: PYTHON}}, code: getPost.py}}
resolvers:
  - typeName: Query
    fieldName: getPost
    dataSourceName: Local
    requestMappingTemplate: getPost.req.vtl
    responseMappingTemplate: getPost.res.vtl
  - {{typeName: Post, fieldName: title, kind: PIPELINE, pipelineConfig: {{functions: [fetch]}}}}
"""
    definition = read_appsync_yaml(_write(tmp_path, text))
    [function] = definition.functions
    assert function.code == CodeSpec(
        Runtime.PYTHON, (tmp_path / "getPost.py").resolve(), None, None
    )
    assert function.key_path == "functions[0]"
    unit, pipeline = definition.resolvers
    # Templates without a runtime are VTL.
    assert unit.code == CodeSpec(
        Runtime.VTL,
        None,
        (tmp_path / "getPost.req.vtl").resolve(),
        (tmp_path / "getPost.res.vtl").resolve(),
    )
    assert (pipeline.kind, pipeline.functions, pipeline.code) == (
        ResolverKind.PIPELINE,
        ("fetch",),
        None,
    )
    assert pipeline.key_path == "resolvers[1]"


def test_unit_resolver_on_none_needs_code(tmp_path: Path) -> None:
    text = f"""{HEAD}
dataSources: [{{name: Local, type: NONE}}]
resolvers: [{{typeName: Query, fieldName: getPost, dataSourceName: Local}}]
"""
    assert problems(_write(tmp_path, text), all_in_file=True) == [
        "resolvers[0]: needs code (APPSYNC_JS, PYTHON) or mapping templates (VTL); only Lambda "
        "may omit them"
    ]


def test_runtimes_and_their_handlers_must_match(tmp_path: Path) -> None:
    text = f"""{HEAD}
dataSources: [{{name: Local, type: NONE}}]
functions:
  - {{name: f, dataSourceName: Local, runtime: PYTHON, requestMappingTemplate: getPost.req.vtl}}
  - {{name: g, dataSourceName: Local, runtime: VTL, code: getPost.py}}
  - {{name: h, dataSourceName: Local}}
"""
    assert problems(_write(tmp_path, text)) == [
        "functions[0].code: required for the PYTHON runtime; a .py file",
        "functions[0]: mapping templates need the VTL runtime, not PYTHON",
        "functions[1].code: the VTL runtime takes mapping templates, not code",
        "functions[2]: a function needs code (APPSYNC_JS, PYTHON) or mapping templates (VTL)",
    ]


def test_pipeline_of_more_than_ten_functions_is_refused(tmp_path: Path) -> None:
    functions = "\n".join(
        f"  - {{name: f{index}, dataSourceName: Local, code: getPost.py}}" for index in range(11)
    )
    names = ", ".join(f"f{index}" for index in range(11))
    text = f"""{HEAD}
dataSources: [{{name: Local, type: NONE}}]
functions:
{functions}
resolvers:
  - typeName: Query
    fieldName: getPost
    kind: PIPELINE
    pipelineConfig: {{functions: [{names}]}}
"""
    assert problems(_write(tmp_path, text), all_in_file=True) == [
        "resolvers[0].pipelineConfig.functions: a resolver can only be composed of 10 functions"
    ]


def test_a_pipeline_names_functions_and_no_data_source(tmp_path: Path) -> None:
    text = f"""{HEAD}
dataSources: [{{name: Local, type: NONE}}]
resolvers:
  - {{typeName: Query, fieldName: getPost, kind: PIPELINE, dataSourceName: Local}}
  - {{typeName: Post, fieldName: title, dataSourceName: Local, code: getPost.py,
     pipelineConfig: {{functions: []}}}}
"""
    assert problems(_write(tmp_path, text)) == [
        "resolvers[0].pipelineConfig.functions: required; expected a list of function names",
        "resolvers[0].dataSourceName: a PIPELINE resolver has no data source",
        "resolvers[1].pipelineConfig: only a PIPELINE resolver has one",
    ]


def test_appsync_js_is_read_as_appsync_spells_its_runtime(tmp_path: Path) -> None:
    """AppSyncRuntime (AWS AppSync API reference): `{name: APPSYNC_JS, runtimeVersion: 1.0.0}`
    beside `code`, on a function and on a pipeline resolver (its before and after steps)."""
    text = f"""{HEAD}
dataSources: [{{name: Local, type: NONE}}]
functions:
  - name: fetch
    dataSourceName: Local
    runtime: {{name: APPSYNC_JS, runtimeVersion: 1.0.0}}
    code: getPost.js
resolvers:
  - typeName: Query
    fieldName: getPost
    kind: PIPELINE
    runtime: {{name: APPSYNC_JS, runtimeVersion: "1.0.0"}}
    code: getPost.js
    pipelineConfig: {{functions: [fetch]}}
  - {{typeName: Post, fieldName: title, dataSourceName: Local, runtime: APPSYNC_JS,
     code: getPost.js}}
"""
    definition = read_appsync_yaml(_write(tmp_path, text))
    code = CodeSpec(Runtime.APPSYNC_JS, (tmp_path / "getPost.js").resolve(), None, None)
    assert definition.functions[0].code == code
    pipeline, unit = definition.resolvers
    assert (pipeline.kind, pipeline.code, pipeline.functions) == (
        ResolverKind.PIPELINE,
        code,
        ("fetch",),
    )
    assert unit.code == code


def test_code_without_a_runtime_runs_by_its_file_suffix(tmp_path: Path) -> None:
    """AppSync requires `runtime` beside `code`; locally a `.js` file is APPSYNC_JS and any other
    PYTHON, so a `.js` file is never read as Python."""
    text = f"""{HEAD}
dataSources: [{{name: Local, type: NONE}}]
functions:
  - {{name: js, dataSourceName: Local, code: getPost.js}}
  - {{name: py, dataSourceName: Local, code: getPost.py}}
"""
    js, python = read_appsync_yaml(_write(tmp_path, text)).functions
    assert (js.code.runtime, python.code.runtime) == (Runtime.APPSYNC_JS, Runtime.PYTHON)


def test_appsync_js_needs_code_and_its_one_version(tmp_path: Path) -> None:
    text = f"""{HEAD}
dataSources: [{{name: Local, type: NONE}}]
functions:
  - {{name: a, dataSourceName: Local, runtime: {{name: APPSYNC_JS, runtimeVersion: 2.0.0}},
     code: getPost.js}}
  - {{name: b, dataSourceName: Local, runtime: {{name: APPSYNC_JS}}, code: getPost.js}}
  - {{name: c, dataSourceName: Local, runtime: {{name: APPSYNC_JS, runtimeVersion: 1.0.0}},
     requestMappingTemplate: getPost.req.vtl}}
  - {{name: d, dataSourceName: Local, runtime: {{runtimeVersion: 1.0.0, handler: x}},
     code: getPost.js}}
  - {{name: e, dataSourceName: Local, runtime: {{name: NODEJS, runtimeVersion: 1.0.0}},
     code: getPost.js}}
"""
    assert problems(_write(tmp_path, text), all_in_file=True) == [
        "functions[0].runtime.runtimeVersion: APPSYNC_JS has only version 1.0.0, got '2.0.0'",
        "functions[1].runtime.runtimeVersion: required; AppSync has 1.0.0",
        "functions[2].code: required for the APPSYNC_JS runtime; a .js file",
        "functions[2]: mapping templates need the VTL runtime, not APPSYNC_JS",
        "functions[3].runtime.handler: unknown key; expected one of name, runtimeVersion",
        "functions[3].runtime.name: required; expected APPSYNC_JS",
        "functions[4].runtime: expected one of APPSYNC_JS | PYTHON | VTL, got 'NODEJS'",
    ]
