"""`appsync-local`'s command line: the commands, their options and their defaults
(`appsync.__main__` runs what they name)."""

from __future__ import annotations

import argparse
from pathlib import Path

from appsync.clock_options import add_control_options
from appsync.console.routes import server_version
from appsync.log_sinks import LogFormat
from definition.formats import Format, ReadOptions, parse_parameters
from definition.model import LOCAL_ENDPOINT_URL
from stepfunctions.store.retention import DEFAULT_RETENTION

DEFAULT_CONFIG = Path("appsync.yaml")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 20002
# Step Functions Local's port, so existing `--endpoint-url http://localhost:8083` setups work.
DEFAULT_STEPFUNCTIONS_PORT = 8083
# `sandbox --synth-timeout`: a cold synthesis of a large Gen 2 backend (esbuild bundling each
# function) takes a minute or two on a laptop.
DEFAULT_SYNTH_TIMEOUT = 600.0


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="appsync-local", description="Run an AWS AppSync GraphQL API locally."
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the API on /graphql")
    serve.add_argument(
        "--config",
        type=Path,
        help="appsync.yaml, a CloudFormation or SAM template, a cdk.out directory, a "
        f"serverless.yml or an Amplify Gen 1 project (default ./{DEFAULT_CONFIG})",
    )
    definition_options(serve)
    serve.add_argument(
        "--no-reload",
        dest="reload",
        action="store_false",
        help="do not watch the definition, SDL, templates and code (by default a change is "
        "checked and, when sound, served at once)",
    )
    server_options(serve)
    sandbox_command(commands)
    reset = commands.add_parser(
        "reset",
        help="empty the data directory (DynamoDB tables, Step Functions executions); this "
        "installation's Cognito signing key is kept",
    )
    reset.add_argument(
        "--config",
        type=Path,
        default=DEFAULT_CONFIG,
        help="API definition (its folder holds the default data directory, .appsync-local/)",
    )
    reset.add_argument("--data-dir", type=Path, help="the data directory `serve` was given")
    validate = commands.add_parser("validate", help="check the definition, its SDL and code")
    validate.add_argument(
        "--config",
        type=Path,
        help="appsync.yaml, a CloudFormation or SAM template, a cdk.out directory, a "
        f"serverless.yml or an Amplify Gen 1 project (default ./{DEFAULT_CONFIG})",
    )
    definition_options(validate)
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
    outputs = commands.add_parser(
        "amplify-outputs",
        help="write an Amplify Gen 2 backend's amplify_outputs.json for the local server, from "
        "its synthesized cdk.out",
    )
    outputs.add_argument("--config", type=Path, required=True, help="the backend's cdk.out")
    outputs.add_argument(
        "--endpoint",
        default=LOCAL_ENDPOINT_URL,
        help=f"the server's URL (default {LOCAL_ENDPOINT_URL}; https:// with serve --tls, "
        "which Amplify's subscriptions need)",
    )
    outputs.add_argument(
        "--out",
        default="amplify_outputs.json",
        help="the file (default ./amplify_outputs.json; - for standard output)",
    )
    outputs.add_argument("--stack", help="the cdk.out stack (default: the one with an AppSync API)")
    outputs.add_argument("--region", help="its region (default: the stack's, else us-east-1)")
    secret = commands.add_parser(
        "secret",
        help="set, get, list or remove an Amplify Gen 2 backend's secret on the running server, "
        "as npx ampx sandbox secret does in the cloud",
    )
    secret.add_argument("action", choices=["set", "get", "list", "remove"])
    secret.add_argument("name", nargs="?", help="the secret's name (all but list)")
    secret.add_argument("--config", type=Path, required=True, help="the backend's cdk.out")
    secret.add_argument(
        "--endpoint",
        default=LOCAL_ENDPOINT_URL,
        help=f"the running server's URL (default {LOCAL_ENDPOINT_URL})",
    )
    secret.add_argument("--stack", help="the cdk.out stack (default: the one with an AppSync API)")
    secret.add_argument("--region", help="its region (default: the stack's, else us-east-1)")
    states = commands.add_parser(
        "stepfunctions", help="serve only the Step Functions API (AWS JSON 1.0) on its own port"
    )
    states.add_argument("--host", default=DEFAULT_HOST, help=f"default {DEFAULT_HOST}")
    states.add_argument("--port", type=int, default=DEFAULT_STEPFUNCTIONS_PORT, help="default 8083")
    states.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
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
    allowed_host_option(states)
    return parser


def sandbox_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`sandbox`: `npx ampx sandbox`'s options (its names), then how `serve` serves."""
    sandbox = commands.add_parser(
        "sandbox",
        help="Amplify Gen 2's `ampx sandbox` served locally: synthesize amplify/backend.ts, serve "
        "it, write amplify_outputs.json, and synthesize and reload on each change under amplify/",
    )
    sandbox.add_argument(
        "project_dir",
        nargs="?",
        default=".",
        metavar="PROJECT_DIR",
        help="the Gen 2 project: the folder of amplify/ and package.json (default .)",
    )
    sandbox.add_argument(
        "--identifier",
        help="the sandbox's name, the backend's `amplify-backend-name` (default: your login name)",
    )
    sandbox.add_argument(
        "--dir-to-watch",
        help="the folder watched for changes, in PROJECT_DIR (default amplify), with its "
        "subfolders",
    )
    sandbox.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="PATH_OR_GLOB",
        help="a path (in PROJECT_DIR) or glob pattern not to watch (repeat for several); "
        ".amplify, the .gitignore's patterns and the outputs file are never watched",
    )
    sandbox.add_argument(
        "--outputs-out-dir",
        help="where amplify_outputs is written, in PROJECT_DIR (default PROJECT_DIR)",
    )
    sandbox.add_argument("--outputs-format", default="json", choices=["json", "dart"])
    sandbox.add_argument(
        "--once", action="store_true", help="synthesize once and serve, without watching"
    )
    sandbox.add_argument(
        "--synth-command",
        metavar="COMMAND",
        help='what synthesizes instead of `npx cdk synth --app "npx tsx amplify/backend.ts"` '
        "(run in PROJECT_DIR; it writes the cloud assembly to $CDK_OUTDIR, the backend's "
        "context in $CDK_CONTEXT_JSON, as the CDK toolkit gives an app)",
    )
    sandbox.add_argument(
        "--synth-timeout",
        type=float,
        default=DEFAULT_SYNTH_TIMEOUT,
        metavar="SECONDS",
        help="a synthesis still running after this long is stopped and fails "
        f"(default {DEFAULT_SYNTH_TIMEOUT:g})",
    )
    server_options(sandbox, workers=False)
    # What `serve` reads from its command line and the sandbox fixes: one process, the
    # assembly's own stack and region, reloads (by the sandbox's trigger).
    sandbox.set_defaults(
        config=None,
        workers=1,
        reload=True,
        format=None,
        parameter=[],
        stack=None,
        region=None,
        stage=None,
    )


def server_options(command: argparse.ArgumentParser, *, workers: bool = True) -> None:
    """How `serve` (and `sandbox`) serve: address, TLS, data directory, logs, clock."""
    command.add_argument("--host", default=DEFAULT_HOST, help=f"default {DEFAULT_HOST}")
    command.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    command.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
    if workers:
        command.add_argument(
            "--workers",
            type=worker_count,
            default=1,
            help="processes answering on the port, to use N cores (default 1); more than one needs "
            "server.realtime.redisUrl: see the README's All cores",
        )
    command.add_argument(
        "--access-log",
        action="store_true",
        help="log a line per HTTP request and websocket (off by default: it costs time per "
        "request; credentials in URLs are redacted)",
    )
    # aws-amplify v6 always dials wss:// (reference/appsync.md 6.1).
    command.add_argument(
        "--tls",
        action="store_true",
        help="https:// and wss:// with a self-signed certificate for localhost, 127.0.0.1 and "
        "::1 (generated once into ~/.cache/appsync-local/tls)",
    )
    command.add_argument("--cert", type=Path, help="https:// and wss:// with this PEM certificate")
    command.add_argument("--key", type=Path, help="the PEM private key of --cert")
    data = command.add_mutually_exclusive_group()
    data.add_argument(
        "--data-dir",
        type=Path,
        help="where this installation keeps its state: the embedded DynamoDB's tables, the "
        "Step Functions engine's executions, the embedded Cognito's signing key (default: "
        ".appsync-local/ beside the definition, created on first use)",
    )
    data.add_argument(
        "--ephemeral", action="store_true", help="keep everything in memory, write nothing"
    )
    command.add_argument(
        "--fsync",
        action="store_true",
        help="each write to the data directory waits for the disk (fsync), so that a power loss "
        "loses no acknowledged write either; by default a killed server loses none, and writes "
        "cost far less",
    )
    command.add_argument(
        "--api-log",
        default="-",
        metavar="FILE",
        help="where the events of the API's logConfig and of state machines with a "
        "loggingConfiguration go, as AWS sends them to CloudWatch Logs (default -: standard "
        "output)",
    )
    command.add_argument(
        "--api-log-format",
        default=LogFormat.AUTO.value,
        choices=[choice.value for choice in LogFormat],
        help="json: a {timestamp, message} object per line, as CloudWatch Logs holds them; "
        "text: one readable line per event; auto (default): text on a terminal, else json",
    )
    allowed_host_option(command)
    add_control_options(command)


def allowed_host_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a Host name to answer besides localhost, *.localhost, 127.0.0.1 and [::1] while "
        "serving on loopback (DNS rebinding protection); *.example.test allows subdomains",
    )


def definition_options(command: argparse.ArgumentParser) -> None:
    """The flags that say how to read a definition that is not our own file."""
    command.add_argument(
        "--format",
        choices=[kind.value for kind in Format],
        help="read --config as this format instead of recognising it by its content",
    )
    command.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a template parameter's value, or a Serverless service's ${param:KEY} and "
        "${opt:KEY} (repeat for several)",
    )
    command.add_argument(
        "--stack",
        help="the cdk.out stack to serve (default: the one with an AppSync API), or the "
        "Amplify project's API; for a template, its stack name (default: the file's name; "
        "a Serverless service's: <service>-<stage>)",
    )
    command.add_argument(
        "--region", help="AWS::Region of a template and its local ARNs (default us-east-1)"
    )
    command.add_argument(
        "--stage", help="a Serverless service's stage, ${opt:stage} (default: provider.stage, dev)"
    )


def read_options(arguments: argparse.Namespace) -> ReadOptions:
    return ReadOptions(
        format=Format(arguments.format) if arguments.format else None,
        parameters=parse_parameters(arguments.parameter),
        stack=arguments.stack,
        region=arguments.region,
        stage=arguments.stage,
    )


def worker_count(text: str) -> int:
    """`--workers`' value: a number of processes."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a number of processes: {text!r}")
    return int(text)


def read_flags(read: ReadOptions) -> list[str]:
    """The flags that `read_options` reads back as `read` (a server started for a test)."""
    flags = [] if read.format is None else ["--format", read.format.value]
    for key, value in read.parameters.items():
        flags += ["--parameter", f"{key}={value}"]
    named = {"--stack": read.stack, "--region": read.region, "--stage": read.stage}
    for flag, named_value in named.items():
        if named_value is not None:
            flags += [flag, named_value]
    return flags


class _Version(argparse.Action):
    """argparse's `version` action, the version looked up only when asked for (it costs every
    start tens of milliseconds otherwise: `server_version`)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        # On standard output, as argparse's own action prints it.
        print(f"{parser.prog} {server_version()}")
        parser.exit()
