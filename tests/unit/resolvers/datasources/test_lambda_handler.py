"""A local Python handler `module:function` as a Lambda function in the server's process: the
context it is given, its error as AppSync reports a Lambda function's (`Lambda:Unhandled` with
the message; the exception's class as `unhandledErrorType`, aws-appsync-community#386), and
the JSON boundary both ways."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from resolvers.datasources.lambda_handler import LambdaContext, PythonHandler
from resolvers.errors import DataSourceError, HandlerImportError
from tests.unit.resolvers.handler_modules import import_handlers

HANDLERS = """
import datetime

SEEN = []

def record(event, context):
    SEEN.append((event, context))
    return {"echo": event}

def refuse(event, context):
    raise PermissionError("no access to post 7")

def undated(event):
    return {"when": datetime.date(2024, 1, 2)}
"""


@pytest.fixture
def handlers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return import_handlers(tmp_path, monkeypatch, HANDLERS)


@pytest.mark.anyio
async def test_the_handler_gets_a_copy_of_the_event_and_lambdas_context(
    handlers: ModuleType,
) -> None:
    function = PythonHandler("Posts", f"{handlers.__name__}:record")
    event = {"id": "7"}
    assert await function.call(event) == {"echo": {"id": "7"}}
    [(seen, context)] = handlers.SEEN
    assert seen == event
    assert seen is not event
    assert isinstance(context, LambdaContext)
    assert (context.function_name, context.log_group_name) == ("Posts", "/aws/lambda/Posts")
    assert 0 < context.get_remaining_time_in_millis() <= 30_000
    assert function.handler == f"{handlers.__name__}:record"


@pytest.mark.anyio
async def test_an_asynchronous_call_runs_and_answers_null(handlers: ModuleType) -> None:
    function = PythonHandler("Posts", f"{handlers.__name__}:record")
    assert await function.call({"id": "8"}, asynchronous=True) is None
    assert [event for event, _ in handlers.SEEN] == [{"id": "8"}]


@pytest.mark.anyio
async def test_errors_are_lambda_unhandled_with_the_runtimes_error_type(
    handlers: ModuleType,
) -> None:
    with pytest.raises(DataSourceError) as raised:
        await PythonHandler("Posts", f"{handlers.__name__}:refuse").call({})
    assert (raised.value.error_type, raised.value.message) == (
        "Lambda:Unhandled",
        "no access to post 7",
    )
    assert raised.value.unhandled_error_type == "PermissionError"
    with pytest.raises(DataSourceError) as marshal:
        await PythonHandler("Posts", f"{handlers.__name__}:undated").call({})
    assert marshal.value.message.startswith("Unable to marshal response: ")
    assert marshal.value.unhandled_error_type == "Runtime.MarshalError"


def test_a_handler_that_cannot_be_imported_is_refused(handlers: ModuleType) -> None:
    with pytest.raises(HandlerImportError, match="no attribute missing"):
        PythonHandler("fn", f"{handlers.__name__}:missing")
    with pytest.raises(HandlerImportError, match="module:function"):
        PythonHandler("fn", "just_a_module")
