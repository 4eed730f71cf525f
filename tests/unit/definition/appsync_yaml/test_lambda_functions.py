"""`server.lambda` of appsync.yaml: Lambda functions declared with AWS::Lambda::Function's
property names and defaults (Timeout 3 s, MemorySize 128 MB; `CodeUri` is SAM's), CreateFunction's
ranges (Timeout 1-900, MemorySize 128-10240), and the local additions `concurrencyLimit`,
`pythonExecutable`, `requirementsFile` and `nodeSdkDirectory`. Each function's ARN is in the AWS
endpoint's region."""

from __future__ import annotations

from pathlib import Path

from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import InlineSource
from tests.unit.definition.appsync_yaml.appsync_yaml_support import (
    HEAD,
    problems,
    write_definition,
)

SCHEMA = "type Query { a: String }\n"


def test_functions_keep_cloudformations_properties(tmp_path: Path) -> None:
    for folder in ("fns/notes", "layers/common", "venv"):
        (tmp_path / folder).mkdir(parents=True)
    text = f"""{HEAD}
server:
  aws: {{region: eu-west-1}}
  lambda:
    nodeSdkDirectory: sdk
    functions:
      - FunctionName: notes
        Runtime: nodejs20.x
        Handler: index.handler
        CodeUri: fns/notes
        Timeout: 10
        MemorySize: 256
        Environment: {{Variables: {{TABLE: Notes, DEBUG: true, RETRIES: 3}}}}
        Layers: [layers/common]
        ReservedConcurrentExecutions: 2
        concurrencyLimit: 1
      - FunctionName: inline
        Runtime: python3.12
        Handler: index.handler
        Code: {{ZipFile: "def handler(event, context): return 1"}}
        pythonExecutable: venv
        requirementsFile: deps/requirements.txt
      - {{FunctionName: plain, Runtime: python3.12, Handler: app.handler, Code: fns/notes}}
"""
    (tmp_path / "deps").mkdir()
    (tmp_path / "deps" / "requirements.txt").write_text("greeting==1.0\n")
    server = read_appsync_yaml(write_definition(tmp_path, SCHEMA, text)).server
    notes, inline, plain = server.lambda_functions
    assert notes.arn == "arn:aws:lambda:eu-west-1:123456789012:function:notes"
    assert (notes.runtime, notes.handler, notes.code) == (
        "nodejs20.x",
        "index.handler",
        tmp_path / "fns" / "notes",
    )
    assert (notes.timeout, notes.memory_size) == (10, 256)
    assert notes.environment == {"TABLE": "Notes", "DEBUG": "true", "RETRIES": "3"}
    assert notes.layers == (tmp_path / "layers" / "common",)
    assert (notes.reserved_concurrent_executions, notes.concurrency_limit) == (2, 1)
    assert isinstance(inline.code, InlineSource)
    assert inline.code.text == "def handler(event, context): return 1"
    assert inline.python_executable == tmp_path / "venv"
    assert (inline.requirements, plain.requirements) == (
        tmp_path / "deps" / "requirements.txt",
        None,
    )
    # CloudFormation's defaults.
    assert (plain.timeout, plain.memory_size, plain.environment) == (3, 128, {})
    assert (plain.reserved_concurrent_executions, plain.concurrency_limit) == (None, None)
    assert server.node_sdk_directory == tmp_path / "sdk"


def test_bad_functions_are_problems(tmp_path: Path) -> None:
    (tmp_path / "code").mkdir()
    text = f"""{HEAD}
server:
  lambda:
    functions:
      - {{FunctionName: a, Runtime: python3.12, Handler: app.h, CodeUri: code, Timeout: 901}}
      - {{FunctionName: a, Runtime: python3.12, Handler: app.h, CodeUri: code}}
      - {{FunctionName: b, Runtime: python3.12, Handler: app.h}}
      - {{FunctionName: c, Handler: app.h, CodeUri: nowhere, MemorySize: 64, Role: r}}
      - FunctionName: d
        Runtime: python3.12
        Handler: app.h
        CodeUri: code
        Environment: {{Variables: {{A: [1]}}}}
        requirementsFile: missing.txt
"""
    nowhere = tmp_path / "nowhere"
    assert problems(write_definition(tmp_path, SCHEMA, text)) == [
        "server.lambda.functions[0].Timeout: expected an integer from 1 to 900",
        "server.lambda.functions[1].FunctionName: function 'a' is declared twice",
        "server.lambda.functions[2]: expected CodeUri (the code's directory) or Code, one of them",
        "server.lambda.functions[3].Role: unknown key; expected one of FunctionName, Runtime, "
        "Handler, CodeUri, Code, Timeout, MemorySize, Environment, Layers, "
        "ReservedConcurrentExecutions, Description, concurrencyLimit, pythonExecutable, "
        "requirementsFile",
        "server.lambda.functions[3].Runtime: required; expected a non-empty string",
        f"server.lambda.functions[3].CodeUri: directory not found: {nowhere}",
        "server.lambda.functions[3].MemorySize: expected an integer from 128 to 10240",
        "server.lambda.functions[4].Environment.Variables.A: expected a string, got list",
        f"server.lambda.functions[4].requirementsFile: file not found: {tmp_path / 'missing.txt'}",
    ]
