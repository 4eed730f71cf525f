"""`appsync-local`'s commands and options, as argparse reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from appsync.command_line import DEFAULT_PORT, DEFAULT_STEPFUNCTIONS_PORT, parser, read_options
from definition.formats import Format, ReadOptions


def test_serve_defaults_to_the_amplify_simulators_port_on_loopback() -> None:
    arguments = parser().parse_args(["serve"])
    # `amplify mock`'s port, so client configurations written for the simulator work.
    assert (arguments.host, arguments.port, DEFAULT_PORT) == ("127.0.0.1", 20002, 20002)
    assert arguments.config is None  # `main` looks for ./appsync.yaml, and says so if absent
    assert arguments.reload


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
