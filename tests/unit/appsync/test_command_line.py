"""The command line's own parsing (`appsync.command_line`); what the commands do is in
test_main.py."""

from __future__ import annotations

import argparse

import pytest

from appsync.command_line import parser, worker_count


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
