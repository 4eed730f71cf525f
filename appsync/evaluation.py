"""AppSync's EvaluateCode and EvaluateMappingTemplate, answered locally.

Both are operations of AppSync's control plane (botocore's `appsync` 2017-07-25 service model,
rest-json): `POST /v1/dataplane-evaluatecode` runs one handler of APPSYNC_JS code, `POST
/v1/dataplane-evaluatetemplate` renders one VTL mapping template, each on a context given as
JSON text, without an API or a request. So boto3's `appsync` client (`evaluate_code`,
`evaluate_mapping_template`) and `aws appsync evaluate-code --endpoint-url ...` let users
unit-test resolver code offline. `evaluate_code(body)` and `evaluate_mapping_template(body)`
take the operation's JSON body and return (status, JSON body); the AWS endpoint serves them
(`appsync.aws.control_plane`), SigV4-verified as AppSync's control plane is, and `appsync-local
evaluate` calls them directly.

The answer is AppSync's shape: `evaluationResult` (the handler's value as JSON text, or the
template's output), `error` (`message`, and for code AppSync would refuse, `codeErrors` of
`{errorType, value, location {line, column, span}}`), `logs` (console output, as
"INFO - code.js:5:3: \\"current id\\" \\"record-id\\"", AppSync developer guide,
test-resolvers), `stash` and `outErrors` (the stash afterwards and the errors appended with
`util.appendError`, each as JSON text). A request AppSync would not take (no APPSYNC_JS
runtime, a context that is not a JSON object) is a 400 `BadRequestException`.

Each evaluation gets a JavaScript context of its own (a few hundred KiB, gone afterwards); the
endpoint runs it on a worker thread, so a handler that loops is stopped at the runtime's time
limit without holding the event loop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NotRequired, TypedDict

from resolvers.context import ContextError, RequestInfo, ResolverContext, ResolverInfo
from resolvers.errors import CodeRefusedError, ResolverError, TemplateError
from resolvers.runtimes.js.code import compile_js_code
from resolvers.runtimes.js.engine import JsRuntime, Outcome
from resolvers.runtimes.vtl import VtlTemplate
from resolvers.util import log as util_log
from resolvers.util.core import to_json
from resolvers.util.time import SYSTEM_CLOCK, Clock
from schema import json_text
from schema.errors import JsonTextError

EVALUATE_CODE_PATH = "/v1/dataplane-evaluatecode"
EVALUATE_TEMPLATE_PATH = "/v1/dataplane-evaluatetemplate"
# AppSyncRuntime: the only name and version AppSync has.
RUNTIME = {"name": "APPSYNC_JS", "runtimeVersion": "1.0.0"}
# The name AppSync gives the evaluated code in positions (its own example, test-resolvers).
CODE_FILE = "code.js"
TEMPLATE_FILE = "template"
# AWS differs (unconfirmed): the message beside `codeErrors` is the one AppSync's
# CreateResolver gives for such code ("The code contains one or more errors.", quoted in
# aws-amplify/amplify-backend#1893); EvaluateCode's own is not recorded.
CODE_ERRORS_MESSAGE = "The code contains one or more errors."
# Length constraints of the request members (EvaluateCodeRequest, EvaluateMappingTemplateRequest).
MAX_CONTEXT = 28000
MAX_CODE = 32768
MAX_TEMPLATE = 65536


class CodeErrorLocationJson(TypedDict):
    line: int
    column: int
    span: int


class CodeErrorJson(TypedDict):
    errorType: str
    value: str
    location: CodeErrorLocationJson


class ErrorDetailJson(TypedDict):
    message: str
    codeErrors: NotRequired[list[CodeErrorJson]]


class EvaluationJson(TypedDict, total=False):
    """EvaluateCodeResponse and EvaluateMappingTemplateResponse (every member optional)."""

    evaluationResult: str
    error: ErrorDetailJson
    logs: list[str]
    stash: str
    outErrors: str


class BadRequestJson(TypedDict):
    message: str


class EvaluationRequestError(Exception):
    """A request AppSync answers with 400 BadRequestException."""


Answer = tuple[int, EvaluationJson | BadRequestJson]


def _text(body: Mapping[str, Any], key: str, low: int, high: int) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise EvaluationRequestError(f"{key} is required and must be a string.")
    if not low <= len(value) <= high:
        raise EvaluationRequestError(
            f"{key} must be from {low} to {high} characters long, got {len(value)}."
        )
    return value


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def resolver_context(text: str) -> ResolverContext:
    """The ResolverContext a context document stands for, its keys those of the resolver
    context reference (arguments, source, identity, stash, prev.result, result, error, info,
    request, env); a key left out has its empty value."""
    try:
        # Bounded nesting: what follows recurses per level (schema/json_text.py).
        document = json_text.loads(text)
    except JsonTextError as error:
        raise EvaluationRequestError(f"The context is not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise EvaluationRequestError("The context must be a JSON object.")
    info = _mapping(document.get("info"))
    request = _mapping(document.get("request"))
    failure = document.get("error")
    return ResolverContext(
        arguments=_mapping(document.get("arguments", document.get("args"))),
        source=document.get("source"),
        identity=document.get("identity"),
        info=ResolverInfo(
            field_name=str(info.get("fieldName") or ""),
            parent_type_name=str(info.get("parentTypeName") or ""),
            variables=_mapping(info.get("variables")),
            selection_set_list=[str(item) for item in info.get("selectionSetList") or []],
            selection_set_graphql=str(info.get("selectionSetGraphQL") or ""),
        ),
        request=RequestInfo(
            headers={str(k): str(v) for k, v in _mapping(request.get("headers")).items()},
            domain_name=request.get("domainName"),
        ),
        stash=_mapping(document.get("stash")),
        prev_result=_mapping(document.get("prev")).get("result"),
        result=document.get("result"),
        error=(
            ContextError(str(failure.get("message")), failure.get("type"))
            if isinstance(failure, dict)
            else None
        ),
        # The environment variables the code reads as `ctx.env`, when the context gives them:
        # strings only, as AppSync's environment variables are.
        env={str(k): v for k, v in _mapping(document.get("env")).items() if isinstance(v, str)},
    )


def _answer(
    ctx: ResolverContext,
    logs: list[str],
    result: str | None = None,
    error: ErrorDetailJson | None = None,
) -> EvaluationJson:
    """The answer, its members in the service model's order."""
    answer: EvaluationJson = {}
    if result is not None:
        answer["evaluationResult"] = result
    if error is not None:
        answer["error"] = error
    answer["logs"] = logs
    answer["stash"] = to_json(ctx.stash)
    answer["outErrors"] = to_json(ctx.appended_errors)
    return answer


def _code_errors(error: CodeRefusedError) -> ErrorDetailJson:
    return {
        "message": CODE_ERRORS_MESSAGE,
        "codeErrors": [
            {
                "errorType": problem.kind,
                "value": problem.message,
                "location": {"line": problem.line, "column": problem.column, "span": problem.span},
            }
            for problem in error.problems
        ],
    }


def evaluate_code(
    body: Mapping[str, Any], clock: Clock = SYSTEM_CLOCK, file: str = CODE_FILE
) -> Answer:
    """EvaluateCode: one handler of the code run on the context; `file` names the code in
    positions (AppSync's `code.js`; the command line gives the file's own name)."""
    try:
        if body.get("runtime") != RUNTIME:
            raise EvaluationRequestError(
                "runtime must be {name: APPSYNC_JS, runtimeVersion: 1.0.0}, the one AppSync has."
            )
        code = _text(body, "code", 1, MAX_CODE)
        ctx = resolver_context(_text(body, "context", 2, MAX_CONTEXT))
        handler = body.get("function", "request")
        if handler not in ("request", "response"):
            raise EvaluationRequestError("function must be request or response.")
    except EvaluationRequestError as error:
        return 400, {"message": str(error)}
    runtime = JsRuntime(clock)
    try:
        loaded = compile_js_code(file, code, runtime, (handler,))
    except CodeRefusedError as refused:
        return 200, _answer(ctx, [], error=_code_errors(refused))
    except TemplateError as error:
        return 200, _answer(ctx, [], error={"message": error.message})
    logs: list[str] = []
    try:
        result = loaded.run(handler, ctx)
        if type(result) is Outcome:
            logs = loaded.log_lines(result)
            result = loaded.finish(result, ctx)
    except ResolverError as error:
        return 200, _answer(ctx, logs, error={"message": error.message})
    return 200, _answer(ctx, logs, result=to_json(result))


class _LogCapture(logging.Handler):
    """`$util.log` lines written on one thread, while one template renders there."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.thread = threading.get_ident()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.lines.append(f"{record.levelname} - {record.getMessage()}")


# `$util.log.info` writes only when the logger is enabled for INFO: while any evaluation
# captures, it is, and it gets its own level back after the last one.
_CAPTURING = threading.Lock()
_captures: list[int] = []  # the logger's own level, once per capture under way


@contextmanager
def _captured_logs() -> Iterator[list[str]]:
    capture = _LogCapture()
    logger = util_log.LOGGER
    with _CAPTURING:
        _captures.append(logger.level)
        logger.setLevel(min(logger.level or logging.INFO, logging.INFO))
        logger.addHandler(capture)
    try:
        yield capture.lines
    finally:
        with _CAPTURING:
            logger.removeHandler(capture)
            level = _captures.pop()
            if not _captures:
                logger.setLevel(level)


def evaluate_mapping_template(
    body: Mapping[str, Any], clock: Clock = SYSTEM_CLOCK, file: str = TEMPLATE_FILE
) -> Answer:
    """EvaluateMappingTemplate: the template rendered on the context; its output as it is."""
    try:
        text = _text(body, "template", 2, MAX_TEMPLATE)
        ctx = resolver_context(_text(body, "context", 2, MAX_CONTEXT))
    except EvaluationRequestError as error:
        return 400, {"message": str(error)}
    with _captured_logs() as logs:
        try:
            rendered = VtlTemplate(text, file).render(ctx, clock)
        except ResolverError as error:
            return 200, _answer(ctx, list(logs), error={"message": error.message})
    output = to_json(rendered.value) if rendered.returned else rendered.text
    return 200, _answer(ctx, list(logs), result=output)


Operation = Callable[[Mapping[str, Any], Clock], Answer]

# By the operation names the AWS endpoint gives them (`appsync.aws.requests.REST_OPERATIONS`).
OPERATIONS: dict[str, Operation] = {
    "EvaluateCode": evaluate_code,
    "EvaluateMappingTemplate": evaluate_mapping_template,
}
