"""The typed, frozen model of a state machine definition.

`parse.parse_definition` builds it once per definition: every path, payload template, intrinsic
call, JSONata expression and choice rule is compiled there, so the interpreter only evaluates.
Field names follow the States Language (`input_path` for `InputPath`, `item_processor` for
`ItemProcessor`); a field that accepts a literal, a reference path or a JSONata expression is a
`Dynamic` value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from stepfunctions.language.choice import ChoiceRule
from stepfunctions.language.intrinsics import Intrinsic
from stepfunctions.language.jsonata import JsonataExpression, JsonataTemplate
from stepfunctions.language.paths import CompiledPath, QueryLanguage
from stepfunctions.language.payload import PayloadTemplate
from stepfunctions.language.retry import Retrier, error_matches
from stepfunctions.language.task_resource import TaskResource

__all__ = [
    "Assign",
    "Catcher",
    "ChoiceBranch",
    "ChoiceRuleExpr",
    "ChoiceState",
    "Dynamic",
    "FailState",
    "ItemBatcher",
    "ItemReader",
    "JsonataExpr",
    "JsonataTemplate",
    "MapState",
    "ParallelState",
    "PassState",
    "PathExpr",
    "PayloadExpr",
    "ProcessorMode",
    "Program",
    "QueryLanguage",
    "ReaderConfig",
    "State",
    "StateMachineDefinition",
    "StateType",
    "SucceedState",
    "TaskState",
    "ValueExpr",
    "WaitState",
]


class StateType(StrEnum):
    PASS = "Pass"
    TASK = "Task"
    CHOICE = "Choice"
    WAIT = "Wait"
    SUCCEED = "Succeed"
    FAIL = "Fail"
    PARALLEL = "Parallel"
    MAP = "Map"


class ProcessorMode(StrEnum):
    INLINE = "INLINE"
    DISTRIBUTED = "DISTRIBUTED"


# --- compiled expressions, as the expression modules build them -----------------------------

PathExpr = CompiledPath  # a JSONPath Path or Reference Path
ValueExpr = CompiledPath | Intrinsic  # ErrorPath / CausePath: a path or an intrinsic call
PayloadExpr = PayloadTemplate  # Parameters, ItemSelector, ResultSelector, JSONPath Assign
JsonataExpr = JsonataExpression  # one `{% ... %}`
ChoiceRuleExpr = ChoiceRule  # a data-test expression, And/Or/Not, or a JSONata Condition


@dataclass(frozen=True, slots=True)
class Dynamic:
    """A field given as a literal, a reference path (`...Path`) or a JSONata expression.

    Exactly one of `literal`, `path` and `jsonata` is set; `field` is the definition field name
    that the value came from, which AWS names in its error causes.
    """

    field: str
    literal: Any = None
    path: PathExpr | None = None
    jsonata: JsonataExpr | None = None


@dataclass(frozen=True, slots=True)
class Assign:
    """`Assign`: a payload template (JSONPath) or a JSONata template; keys are variable names."""

    payload: PayloadExpr | None = None
    jsonata: JsonataTemplate | None = None


@dataclass(frozen=True, slots=True)
class Catcher:
    """One entry of a state's `Catch` array.

    JSONPath: the error output `{"Error", "Cause"}` goes to `result_path` (default `$`).
    JSONata: `output` (default: the error output) and `assign` see `$states.errorOutput`.
    """

    error_equals: tuple[str, ...]
    next: str
    result_path: PathExpr | None = None
    result_path_null: bool = False
    output: JsonataTemplate | None = None
    assign: Assign | None = None

    def matches(self, error: str) -> bool:
        return error_matches(self.error_equals, error)


# --- states ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class State:
    """Fields every state has, and the JSONPath / JSONata data-flow fields."""

    name: str
    type: StateType
    query_language: QueryLanguage
    comment: str | None = None
    next: str | None = None
    end: bool = False
    # JSONPath: None means the default `$`; the *_null flags record an explicit `null`.
    input_path: PathExpr | None = None
    input_path_null: bool = False
    output_path: PathExpr | None = None
    output_path_null: bool = False
    # JSONata
    output: JsonataTemplate | None = None
    assign: Assign | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PassState(State):
    parameters: PayloadExpr | None = None
    result: Any = None
    has_result: bool = False
    result_path: PathExpr | None = None
    result_path_null: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RecoverableState(State):
    """Task, Parallel and Map: the states with ResultSelector, ResultPath, Retry and Catch."""

    result_selector: PayloadExpr | None = None
    result_path: PathExpr | None = None
    result_path_null: bool = False
    retriers: tuple[Retrier, ...] = ()
    catchers: tuple[Catcher, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskState(RecoverableState):
    resource: TaskResource
    parameters: PayloadExpr | None = None  # Parameters (JSONPath)
    arguments: JsonataTemplate | None = None  # Arguments (JSONata)
    timeout_seconds: Dynamic | None = None
    heartbeat_seconds: Dynamic | None = None
    credentials: Any = None


@dataclass(frozen=True, slots=True)
class ChoiceBranch:
    rule: ChoiceRuleExpr
    next: str
    assign: Assign | None = None
    output: JsonataTemplate | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChoiceState(State):
    choices: tuple[ChoiceBranch, ...]
    default: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WaitState(State):
    """One of Seconds / SecondsPath / Timestamp / TimestampPath (or their JSONata forms)."""

    seconds: Dynamic | None = None
    timestamp: Dynamic | None = None
    timestamp_literal: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SucceedState(State):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class FailState(State):
    """`error`/`cause` are a literal, an ErrorPath/CausePath (path or intrinsic) or JSONata."""

    error: Dynamic | None = None
    cause: Dynamic | None = None
    error_value: ValueExpr | None = None
    cause_value: ValueExpr | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ParallelState(RecoverableState):
    branches: tuple[Program, ...]
    parameters: PayloadExpr | None = None
    arguments: JsonataTemplate | None = None


@dataclass(frozen=True, slots=True)
class ItemBatcher:
    max_items_per_batch: Dynamic | None
    max_input_bytes_per_batch: Dynamic | None
    batch_input: PayloadExpr | None
    batch_input_jsonata: JsonataTemplate | None


@dataclass(frozen=True, slots=True)
class ReaderConfig:
    """An ItemReader's ReaderConfig: the InputType and, for CSV, the headers and delimiter."""

    input_type: str | None
    csv_header_location: str
    csv_headers: tuple[str, ...]
    csv_delimiter: str


@dataclass(frozen=True, slots=True)
class ItemReader:
    """A Distributed Map's ItemReader: an S3 `getObject` / `listObjectsV2` call and its format."""

    resource: str
    parameters: PayloadExpr | None
    arguments: JsonataTemplate | None
    config: ReaderConfig
    max_items: Dynamic | None


@dataclass(frozen=True, slots=True, kw_only=True)
class MapState(RecoverableState):
    item_processor: Program
    mode: ProcessorMode = ProcessorMode.INLINE
    execution_type: str = "STANDARD"
    items_path: PathExpr | None = None
    items: JsonataExpr | None = None  # Items: "{% ... %}"
    items_template: JsonataTemplate | None = None  # Items: an array, maybe holding "{% %}"
    item_selector: PayloadExpr | None = None  # ItemSelector or legacy Parameters
    item_selector_jsonata: JsonataTemplate | None = None
    item_reader: ItemReader | None = None
    item_batcher: ItemBatcher | None = None
    result_writer: Mapping[str, Any] | None = None
    max_concurrency: Dynamic | None = None
    tolerated_failure_count: Dynamic | None = None
    tolerated_failure_percentage: Dynamic | None = None
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Program:
    """`StartAt` + `States`: a whole machine, a Parallel branch or a Map's ItemProcessor."""

    start_at: str
    states: Mapping[str, State]
    query_language: QueryLanguage


@dataclass(frozen=True, slots=True)
class StateMachineDefinition:
    """A parsed definition; `raw` keeps the decoded JSON for DescribeStateMachine and TestState."""

    program: Program
    query_language: QueryLanguage
    timeout_seconds: int | None
    comment: str | None
    version: str | None
    raw: Mapping[str, Any]
