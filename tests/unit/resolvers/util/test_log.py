"""`$util.log`: log lines with their placeholders filled."""

from __future__ import annotations

import logging

import pytest

from resolvers.util.namespace import Util


def test_log_fills_placeholders(util: Util, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="resolvers.util.log"):
        util.log.info("user {} asked for {}", "alice", {"id": 1})
        util.log.error({"boom": True})
    assert [r.getMessage() for r in caplog.records] == [
        'user alice asked for {"id":1}',
        '{"boom":true}',
    ]
    assert [r.levelno for r in caplog.records] == [logging.INFO, logging.ERROR]
