"""`appsync-local`'s commands and options, as argparse reads them."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from appsync.command_line import (
    DEFAULT_PORT,
    DEFAULT_STEPFUNCTIONS_PORT,
    DEFAULT_SYNTH_TIMEOUT,
    parser,
    read_flags,
    read_options,
    worker_count,
)
from definition.formats import Format, ReadOptions


def test_serve_defaults_to_the_amplify_simulators_port_on_loopback() -> None:
    arguments = parser().parse_args(["serve"])
    # `amplify mock`'s port, so client configurations written for the simulator work.
    assert (arguments.host, arguments.port, DEFAULT_PORT) == ("127.0.0.1", 20002, 20002)
    assert arguments.config is None  # `main` looks for ./appsync.yaml, and says so if absent
    assert arguments.reload


def test_sandbox_takes_ampx_s_options_and_serves_as_serve_does_in_one_process() -> None:
    arguments = parser().parse_args(["sandbox"])
    assert arguments.project_dir == "."
    assert (arguments.host, arguments.port) == ("127.0.0.1", DEFAULT_PORT)
    assert (arguments.outputs_format, arguments.once, arguments.exclude) == ("json", False, [])
    assert arguments.synth_timeout == DEFAULT_SYNTH_TIMEOUT
    # What `serve` reads and the sandbox fixes: its own assembly, reloads, one process.
    assert (arguments.config, arguments.reload, arguments.workers) == (None, True, 1)
    assert read_options(arguments) == ReadOptions()
    flags = ["--identifier", "alice", "--exclude", "a", "--exclude", "*.bak", "--tls"]
    flags += ["--outputs-out-dir", "src", "--outputs-format", "dart", "--ephemeral"]
    given = parser().parse_args(["sandbox", "app", *flags])
    assert (given.project_dir, given.identifier, given.exclude) == ("app", "alice", ["a", "*.bak"])
    assert (given.outputs_out_dir, given.outputs_format) == ("src", "dart")
    assert given.tls
    assert given.ephemeral
    with pytest.raises(SystemExit):
        parser().parse_args(["sandbox", "--workers", "2"])


def test_stepfunctions_serves_on_step_functions_locals_port() -> None:
    arguments = parser().parse_args(["stepfunctions"])
    assert arguments.port == DEFAULT_STEPFUNCTIONS_PORT == 8083


def test_the_definition_options_become_read_options() -> None:
    arguments = parser().parse_args(
        [
            "validate",
            "--config",
            "template.yaml",
            "--format",
            "serverless",
            "--parameter",
            "Stage=dev",
            "--parameter",
            "Table=Posts",
            "--stack",
            "api",
            "--region",
            "eu-west-1",
            "--stage",
            "prod",
        ]
    )
    assert arguments.config == Path("template.yaml")
    assert read_options(arguments) == ReadOptions(
        Format.SERVERLESS, {"Stage": "dev", "Table": "Posts"}, "api", "eu-west-1", "prod"
    )


def test_an_unknown_format_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parser().parse_args(["serve", "--format", "terraform"])
    assert exited.value.code == 2
    assert "invalid choice: 'terraform'" in capsys.readouterr().err


def test_the_worker_count_is_a_positive_number() -> None:
    assert worker_count("3") == 3
    for text in ("0", "-1", "two"):
        with pytest.raises(argparse.ArgumentTypeError):
            worker_count(text)


def test_serve_runs_one_process_unless_told_otherwise(capsys: pytest.CaptureFixture[str]) -> None:
    assert parser().parse_args(["serve"]).workers == 1
    assert parser().parse_args(["serve", "--workers", "2"]).workers == 2
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", "--workers", "0"])
    assert "not a number of processes: '0'" in capsys.readouterr().err


def test_read_flags_are_read_back_as_the_same_options() -> None:
    # A server started for a test (appsync.testing) is told the template's options as flags.
    options = ReadOptions(Format.CDK, {"Stage": "prod", "Name": "a=b"}, "api", "eu-west-1", "v2")
    arguments = parser().parse_args(["serve", *read_flags(options)])
    assert read_options(arguments) == options
    assert read_flags(ReadOptions()) == []
