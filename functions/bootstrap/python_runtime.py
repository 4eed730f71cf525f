"""Lambda's Python runtime for one function, in a worker process of the local Lambda runtime.

`functions.runtimes` runs this file as a script; it imports only the standard library (the
worker may run without `site`, or on another interpreter). It follows AWS's runtime interface
client (aws-lambda-python-runtime-interface-client, `awslambdaric/bootstrap.py`,
`lambda_context.py`, `lambda_runtime_marshaller.py`): the handler string `path/module.function`
and its `Runtime.*` load errors, the context object, the JSON marshalling with its
`Runtime.MarshalError`, the error object `{"errorMessage", "errorType", "requestId",
"stackTrace"}` (AWS Lambda developer guide, "Lambda function errors in Python"), the root
logger's `[LEVEL]\\t<time>\\t<request id>\\t<message>` lines and the `[ERROR]` line of a failed
invocation. It speaks `functions.protocol` on the file descriptor the server passes.
"""

import decimal
import importlib
import importlib.abc
import importlib.machinery
import json
import logging
import os
import resource
import socket
import struct
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, BinaryIO

# Run as a script, Python puts this file's folder first on sys.path (only the standard library
# is imported above, none of it from there); the function must not import from it.
if sys.path and os.path.realpath(sys.path[0]) == os.path.dirname(os.path.realpath(__file__)):
    del sys.path[0]

# The same values as functions.protocol and functions.runtimes (tests check they agree).
_PREFIX = struct.Struct(">II")
_END_OF_OUTPUT = b"\x00appsync-local:end-of-invocation:"
_WORKER_FD_VARIABLE = "_APPSYNC_LOCAL_WORKER_FD"
_PYTHON_PATHS_VARIABLE = "_APPSYNC_LOCAL_PYTHON_PATHS"
_RUNTIME_PACKAGES_VARIABLE = "_APPSYNC_LOCAL_RUNTIME_PACKAGES"
# awslambdaric writes non-ASCII characters as themselves from python3.12 on.
_UNESCAPED_RUNTIMES = {f"AWS_Lambda_python3.{minor}" for minor in range(12, 20)}

_current_request_id = ""


class FaultError(Exception):
    """A failure the runtime names itself (awslambdaric's FaultException)."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


class RuntimePackages(importlib.abc.MetaPathFinder):
    """boto3 and its dependencies from the server's environment, found only when the function's
    own path has none: Lambda's runtime puts its boto3 after the function's code and layers."""

    def __init__(self, locations: dict[str, str]) -> None:
        self._locations = locations

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        location = self._locations.get(fullname)
        if path is not None or location is None:
            return None
        return importlib.machinery.PathFinder.find_spec(fullname, [location])


class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self, identity: dict[str, Any] | None) -> None:
        identity = identity or {}
        self.cognito_identity_id = identity.get("cognitoIdentityId")
        self.cognito_identity_pool_id = identity.get("cognitoIdentityPoolId")


class Client:
    __slots__ = (
        "app_package_name",
        "app_title",
        "app_version_code",
        "app_version_name",
        "installation_id",
    )

    def __init__(self, client: dict[str, Any]) -> None:
        for name in self.__slots__:
            setattr(self, name, client.get(name))


class ClientContext:
    __slots__ = ("client", "custom", "env")

    def __init__(self, context: dict[str, Any]) -> None:
        client = context.get("client")
        self.client = Client(client) if isinstance(client, dict) else None
        self.custom = context.get("custom")
        self.env = context.get("env")


class LambdaContext:
    """The handler's `context`, with the attributes awslambdaric's LambdaContext has."""

    def __init__(self, header: dict[str, Any]) -> None:
        environ = os.environ
        self.aws_request_id: str = header["requestId"]
        self.log_group_name = environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn: str = header["invokedFunctionArn"]
        client_context = _parse_json_header(header.get("clientContext"), "Client Context")
        self.client_context = (
            ClientContext(client_context) if isinstance(client_context, dict) else None
        )
        identity = _parse_json_header(header.get("cognitoIdentity"), "Cognito Identity")
        self.identity = CognitoIdentity(identity if isinstance(identity, dict) else None)
        self._deadline_ms: int = header["deadlineMs"]

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(time.time() * 1000))

    def log(self, message: object) -> None:
        sys.stdout.write(str(message))


def _parse_json_header(text: str | None, name: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise FaultError(
            "Runtime.LambdaContextUnmarshalError", f"Unable to parse {name} JSON: {exc}"
        ) from exc


def load_handler(handler: str) -> Callable[..., Any]:
    """The function `handler` names, or the FaultError Lambda reports for it."""
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as exc:
        raise FaultError("Runtime.MalformedHandlerName", f"Bad handler '{handler}': {exc}") from exc
    try:
        if module_name.split(".")[0] in sys.builtin_module_names:
            raise FaultError(
                "Runtime.BuiltInModuleConflict",
                f"Cannot use built-in module {module_name} as a handler module",
            )
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as exc:
        raise FaultError(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}"
        ) from exc
    except SyntaxError as exc:
        trace = [f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}']
        raise FaultError(
            "Runtime.UserCodeSyntaxError",
            f"Syntax error in module '{module_name}': {exc}",
            trace,
        ) from exc
    try:
        return getattr(module, function_name)  # type: ignore[no-any-return]
    except AttributeError:
        raise FaultError(
            "Runtime.HandlerNotFound",
            f"Handler '{function_name}' missing on module '{module_name}'",
        ) from None


def make_error(
    message: str, error_type: str, stack_trace: list[str] | None, request_id: str
) -> dict[str, Any]:
    return {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": stack_trace or [],
    }


def error_of(exc: BaseException, request_id: str) -> dict[str, Any]:
    """The error object of an exception, with the runtime's own frames left out."""
    if isinstance(exc, FaultError):
        return make_error(exc.message, exc.error_type, exc.trace, request_id)
    frames = traceback.extract_tb(exc.__traceback__)
    while frames and frames[0].filename == __file__:
        del frames[0]
    return make_error(str(exc), type(exc).__name__, traceback.format_list(frames), request_id)


def log_error(error: dict[str, Any]) -> None:
    """The `[ERROR] Type: message` line, its traceback joined with carriage returns."""
    lines = [f"[ERROR] {error['errorType']}: {error['errorMessage']}"]
    if error["stackTrace"]:
        lines.append("Traceback (most recent call last):")
        for element in error["stackTrace"]:
            for line in element.splitlines():
                stripped = line.lstrip(" ")
                lines.append("\u00a0" * (len(line) - len(stripped)) + stripped)
    sys.stdout.write("\r".join(lines) + "\n")


class _Encoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, decimal.Decimal):
            if o.is_nan():
                return float("nan")
            # AWS differs: awslambdaric writes a Decimal's own digits; a fractional one goes
            # through float here (exact up to 15 significant digits).
            return int(o) if o == o.to_integral_value() else float(o)
        return super().default(o)


def marshal(response: Any) -> bytes:
    if isinstance(response, bytes):
        return response
    ensure_ascii = os.environ.get("AWS_EXECUTION_ENV") not in _UNESCAPED_RUNTIMES
    try:
        return _Encoder(ensure_ascii=ensure_ascii, allow_nan=True).encode(response).encode()
    except Exception as exc:  # the user's value is an edge: any failure is Lambda's MarshalError
        raise FaultError("Runtime.MarshalError", f"Unable to marshal response: {exc}") from exc


def invoke(handler: Callable[..., Any], header: dict[str, Any], body: bytes) -> tuple[str, bytes]:
    """One invocation: ("result", payload) or ("error", error object)."""
    global _current_request_id
    request_id = header["requestId"]
    _current_request_id = request_id
    try:
        context = LambdaContext(header)
        try:
            event = json.loads(body)
        except ValueError as exc:
            raise FaultError("Runtime.UnmarshalError", f"Unable to unmarshal input: {exc}") from exc
        return "result", marshal(handler(event, context))
    except Exception as exc:  # the handler is user code: any failure is a function error
        error = error_of(exc, request_id)
        log_error(error)
        return "error", json.dumps(error).encode()


class _LambdaFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = _current_request_id
        return True


class _StdoutHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        sys.stdout.write(self.format(record))


def setup_logging() -> None:
    """The root logger's handler as Lambda installs it (text format)."""
    logging.Formatter.converter = time.gmtime
    handler = _StdoutHandler()
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
            "%Y-%m-%dT%H:%M:%S",
        )
    )
    handler.addFilter(_LambdaFilter())
    logging.getLogger().addHandler(handler)


def send(channel: socket.socket, header: dict[str, Any], body: bytes = b"") -> None:
    encoded = json.dumps(header).encode()
    channel.sendall(_PREFIX.pack(len(encoded), len(body)) + encoded + body)


def receive(stream: BinaryIO) -> tuple[dict[str, Any], bytes] | None:
    prefix = stream.read(_PREFIX.size)
    if len(prefix) < _PREFIX.size:
        return None
    header_length, body_length = _PREFIX.unpack(prefix)
    header = json.loads(stream.read(header_length))
    return header, stream.read(body_length)


class WatchedStream:
    """sys.stdout or sys.stderr, noting whether anything was written since the last marker
    (awslambdaric wraps both streams too, to make them unbuffered)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.written = False

    def write(self, text: str) -> int:
        self.written = True
        return self._stream.write(text)  # type: ignore[no-any-return]

    def writelines(self, lines: Any) -> None:
        self.written = True
        self._stream.writelines(lines)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


_watched: list[WatchedStream] = []


def end_output(request_id: str, *, always: bool = False) -> list[bool]:
    """Flush what the invocation printed and mark its end on each stream it wrote to.

    Writes that bypass sys.stdout and sys.stderr (C code, child processes) are not noticed:
    their lines may be logged after the invocation's END line.
    """
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    marker = _END_OF_OUTPUT + request_id.encode() + b"\n"
    marked = []
    for descriptor, watched in enumerate(_watched, start=1):
        mark = always or watched.written
        if mark:
            os.write(descriptor, marker)
        watched.written = False
        marked.append(mark)
    return marked


def max_memory_kib() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def prepare_process() -> socket.socket:
    """Take the channel and the worker's variables out of the environment; set up sys.path."""
    channel = socket.socket(fileno=int(os.environ.pop(_WORKER_FD_VARIABLE)))
    sys.path[:0] = json.loads(os.environ.pop(_PYTHON_PATHS_VARIABLE, "[]"))
    sys.meta_path.append(
        RuntimePackages(json.loads(os.environ.pop(_RUNTIME_PACKAGES_VARIABLE, "{}")))
    )
    if sys.flags.no_site:
        import site

        # Without site, exit() and quit() are missing; Lambda's interpreter has them.
        site.setquit()
    sys.stdin = open(os.devnull)  # noqa: SIM115 (the process's stdin for its whole life)
    _watched[:] = [WatchedStream(sys.stdout), WatchedStream(sys.stderr)]
    sys.stdout, sys.stderr = _watched
    return channel


def main() -> None:
    channel = prepare_process()
    setup_logging()
    try:
        handler = load_handler(os.environ["_HANDLER"])
    except Exception as exc:  # importing user code is an edge: report why, as Lambda does
        error = error_of(exc, "")
        logging.warning("Lambda function initialization failed")
        log_error(error)
        send(channel, {"type": "initError"}, json.dumps(error).encode())
        sys.exit(1)
    end_output("", always=True)
    send(channel, {"type": "ready"})
    stream = channel.makefile("rb")
    while (request := receive(stream)) is not None:
        header, body = request
        kind, payload = invoke(handler, header, body)
        marked = end_output(header["requestId"])
        answer = {"type": kind, "requestId": header["requestId"], "maxRssKiB": max_memory_kib()}
        send(channel, answer | {"marked": marked}, payload)


if __name__ == "__main__":
    main()
