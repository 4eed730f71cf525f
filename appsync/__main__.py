"""`appsync-local`: serve an API definition, or check one.

    appsync-local serve    [--config ./appsync.yaml] [--host 127.0.0.1] [--port 20002]
                           [--tls | --cert FILE --key FILE]
                           (prints the embedded DynamoDB endpoint when the API has one)
    appsync-local validate [--config ./appsync.yaml]
    appsync-local evaluate (--code FILE [--function request|response] | --template FILE)
                           [--context ctx.json]
    appsync-local stepfunctions [--host 127.0.0.1] [--port 8083] [--database FILE] [--retention N]

The default port, 20002, is the one `amplify mock` serves AppSync on, so existing client
configurations for the simulator work unchanged.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import uvicorn

from appsync.app import build_app, load_api, schema_problems
from appsync.errors import ConfigError, TlsError
from appsync.evaluation import RUNTIME, evaluate_code, evaluate_mapping_template
from appsync.realtime.endpoint import UVICORN_OPTIONS
from appsync.stepfunctions_api import serve_stepfunctions
from appsync.tls import TlsFiles, self_signed_certificate
from definition.appsync_yaml.api import read_appsync_yaml
from definition.errors import InvalidDefinitionError
from definition.model import ApiDefinition
from definition.problems import Problem
from stepfunctions.store.memory import DEFAULT_RETENTION

DEFAULT_CONFIG = Path("appsync.yaml")
# Where a problem of the command line's own flags is, in a report.
_COMMAND_LINE = "appsync-local serve"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 20002
# Step Functions Local's port, so existing `--endpoint-url http://localhost:8083` setups work.
DEFAULT_STEPFUNCTIONS_PORT = 8083


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="appsync-local", description="Run an AWS AppSync GraphQL API locally."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the API on /graphql")
    serve.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="API definition file")
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"default {DEFAULT_HOST}")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
    # aws-amplify v6 always dials wss:// (reference/appsync.md 6.1).
    serve.add_argument(
        "--tls",
        action="store_true",
        help="https:// and wss:// with a self-signed certificate for localhost, 127.0.0.1 and "
        "::1 (generated once into ~/.cache/appsync-local/tls)",
    )
    serve.add_argument("--cert", type=Path, help="https:// and wss:// with this PEM certificate")
    serve.add_argument("--key", type=Path, help="the PEM private key of --cert")
    validate = commands.add_parser("validate", help="check the definition, its SDL and code")
    validate.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="API definition")
    evaluate = commands.add_parser(
        "evaluate",
        help="run one APPSYNC_JS handler or one VTL template on a context, as AppSync's "
        "EvaluateCode and EvaluateMappingTemplate do, and print AppSync's answer",
    )
    source = evaluate.add_mutually_exclusive_group(required=True)
    source.add_argument("--code", type=Path, help="an APPSYNC_JS file")
    source.add_argument("--template", type=Path, help="a VTL mapping template")
    evaluate.add_argument("--function", choices=["request", "response"], default="request")
    evaluate.add_argument("--context", type=Path, help="the context as a JSON file (default {})")
    states = commands.add_parser(
        "stepfunctions", help="serve only the Step Functions API (AWS JSON 1.0) on its own port"
    )
    states.add_argument("--host", default=DEFAULT_HOST, help=f"default {DEFAULT_HOST}")
    states.add_argument("--port", type=int, default=DEFAULT_STEPFUNCTIONS_PORT, help="default 8083")
    states.add_argument(
        "--database",
        help="SQLite file for Standard executions and their history, resumed after a restart "
        "(default: in memory)",
    )
    states.add_argument(
        "--retention",
        type=int,
        default=DEFAULT_RETENTION,
        help=f"finished executions kept (default {DEFAULT_RETENTION})",
    )
    return parser


def _load(path: Path) -> ApiDefinition | None:
    try:
        return read_appsync_yaml(path)
    except InvalidDefinitionError as error:
        _report([*error.problems, *schema_problems(error, path)])
        return None


def _report(problems: Sequence[Problem]) -> None:
    print(f"appsync-local: {len(problems)} problem(s):", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)


def validate(path: Path) -> int:
    definition = _load(path)
    if definition is None:
        return 1
    try:
        load_api(definition)
    except ConfigError as error:
        _report(error.problems)
        return 1
    print(
        f"{path}: OK ({definition.name}: {len(definition.resolvers)} resolvers, "
        f"{len(definition.functions)} functions, {len(definition.data_sources)} data sources)"
    )
    return 0


async def _serve(
    definition: ApiDefinition, host: str, port: int, log_level: str, tls: TlsFiles | None
) -> int:
    try:
        app = build_app(definition)
    except ConfigError as error:
        _report(error.problems)
        return 1
    try:
        # Bound here, before the tables and the engine start, so a taken port is reported as a
        # problem at once rather than logged by uvicorn after the start.
        listener = _listen(host, port)
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        _report([Problem(_COMMAND_LINE, "--port", f"cannot listen on {host}:{port}: {reason}")])
        return 1
    # The websocket settings that keep an idle subscribed socket small (see UVICORN_OPTIONS).
    options = {**UVICORN_OPTIONS, **(tls.uvicorn_options() if tls is not None else {})}
    server = _Server(uvicorn.Config(app, host=host, port=port, log_level=log_level, **options))
    if app.self_routes is not None and port:
        # Known before the sockets bind: workflows resumed at start may reach an HTTP Task
        # aimed at this API before any request has shown the server its own address.
        scheme = "https" if tls is not None else "http"
        app.self_routes.learn({"server": (host, port), "scheme": scheme})
    async with asyncio.TaskGroup() as group:
        serving = group.create_task(server.serve(sockets=[listener]))
        listening = group.create_task(server.listening.wait())
        await asyncio.wait([serving, listening], return_when=asyncio.FIRST_COMPLETED)
        if server.started:
            bound_host, bound_port = server.servers[0].sockets[0].getsockname()[:2]
            dynamodb = app.state.api.dynamodb
            _announce(
                definition,
                bound_host,
                bound_port,
                dynamodb.url if dynamodb else None,
                tls.cert_file if tls is not None else None,
            )
        else:
            listening.cancel()
    listener.close()
    if app.start_problems:
        _report(app.start_problems)
    return 0 if server.started else 1


def _listen(host: str, port: int) -> socket.socket:
    """The server's listening socket, bound as uvicorn binds it (port 0 picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family)


class _Server(uvicorn.Server):
    """uvicorn's server, telling when its sockets listen (the port is known only then)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        except SystemExit:
            # uvicorn exits when it cannot serve (it has logged why); `serve` then returns 1.
            # A start that fails in the lifespan is reported by `_serve` instead.
            self.should_exit = True
            return
        if self.started:
            self.listening.set()


def _announce(
    definition: ApiDefinition,
    host: str,
    port: int,
    dynamodb_url: str | None,
    certificate: Path | None = None,
) -> None:
    http, ws = ("https", "wss") if certificate is not None else ("http", "ws")
    print(f"appsync-local: serving {definition.name!r} from {definition.file}")
    print(f"  GraphQL:  {http}://{host}:{port}/graphql")
    print(f"  Realtime: {ws}://{host}:{port}/graphql/realtime")
    print(f"  Console:  {http}://{host}:{port}/console/")
    print(f"  Step Functions API: {http}://{host}:{port}/ (X-Amz-Target: AWSStepFunctions.*)")
    if certificate is not None:
        # What clients must trust (NODE_EXTRA_CA_CERTS, ssl.create_default_context(cafile=...)).
        print(f"  TLS certificate: {certificate}")
    if dynamodb_url is not None:
        # The embedded DynamoDB's own data, for `aws dynamodb ... --endpoint-url` and boto3.
        print(f"  DynamoDB endpoint: {dynamodb_url}")
    for key in definition.api_keys:
        print(f"  API key:  {key.id}" + (f"  ({key.description})" if key.description else ""))
    print("Press Ctrl+C to stop.", flush=True)


def _exit_quietly(signum: int, frame: FrameType | None) -> None:
    """uvicorn re-raises the signal that stopped it once it has shut down; that is a clean end."""


def serve(path: Path, host: str, port: int, log_level: str, tls: _TlsChoice | None = None) -> int:
    definition = _load(path)
    if definition is None:
        return 1
    try:
        files = _tls_files(definition, tls)
    except (TlsError, OSError) as error:
        command_line = tls is not None and (tls.self_signed or tls.cert_file is not None)
        where = (_COMMAND_LINE, "--tls" if tls and tls.self_signed else "--cert")
        if not command_line:
            where = (str(definition.file), "server.tls")
        _report([Problem(*where, str(error))])
        return 1
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _exit_quietly)
    return asyncio.run(_serve(definition, host, port, log_level, files))


@dataclass(frozen=True, slots=True)
class _TlsChoice:
    """The command line's TLS flags; they replace the definition's `server.tls`."""

    self_signed: bool
    cert_file: Path | None
    key_file: Path | None


def _tls_files(definition: ApiDefinition, choice: _TlsChoice | None) -> TlsFiles | None:
    if choice is not None and choice.cert_file is not None and choice.key_file is not None:
        files = TlsFiles(choice.cert_file, choice.key_file)
    elif choice is not None and choice.self_signed:
        files = self_signed_certificate()
    elif definition.server.tls is None:
        return None
    elif definition.server.tls.self_signed:
        files = self_signed_certificate()
    else:
        assert definition.server.tls.cert_file is not None  # the reader guarantees both
        assert definition.server.tls.key_file is not None
        files = TlsFiles(definition.server.tls.cert_file, definition.server.tls.key_file)
    files.check()
    return files


def serve_states(host: str, port: int, database: str | None, retention: int) -> int:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _exit_quietly)
    print(f"appsync-local: Step Functions API on http://{host}:{port}/", flush=True)
    if database:
        print(f"  Standard executions stored in {database}", flush=True)
    asyncio.run(serve_stepfunctions(host, port, database=database, retention=retention))
    return 0


def evaluate(code: Path | None, template: Path | None, function: str, context: Path | None) -> int:
    """Print what EvaluateCode (or EvaluateMappingTemplate) answers for the file: 0 when AppSync
    would answer 200 (even with an `error` in it, as `aws appsync evaluate-code` exits), 1
    otherwise."""
    try:
        context_text = context.read_text(encoding="utf-8") if context is not None else "{}"
        source = code if code is not None else template
        assert source is not None  # argparse requires one of them
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"appsync-local: {error}", file=sys.stderr)
        return 1
    if code is not None:
        body = {"runtime": RUNTIME, "code": text, "context": context_text, "function": function}
        status, answer = evaluate_code(body, file=code.name)
    else:
        body = {"template": text, "context": context_text}
        status, answer = evaluate_mapping_template(body, file=source.name)
    print(json.dumps(answer, indent=4, ensure_ascii=False))
    return 0 if status == 200 else 1


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    # `evaluate` prints AppSync's answer alone, the handler's console output inside it.
    quiet = "warning" if arguments.command == "evaluate" else "info"
    logging.basicConfig(
        level=getattr(arguments, "log_level", quiet).upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if arguments.command == "validate":
        return validate(arguments.config)
    if arguments.command == "evaluate":
        return evaluate(arguments.code, arguments.template, arguments.function, arguments.context)
    if arguments.command == "stepfunctions":
        return serve_states(arguments.host, arguments.port, arguments.database, arguments.retention)
    if (arguments.cert is None) != (arguments.key is None):
        print("appsync-local: --cert and --key go together", file=sys.stderr)
        return 2
    tls = _TlsChoice(arguments.tls, arguments.cert, arguments.key)
    return serve(arguments.config, arguments.host, arguments.port, arguments.log_level, tls)


if __name__ == "__main__":
    sys.exit(main())
