"""The README's Python client examples run as written against the example API: the gql query
over HTTP prints what the README says it prints, and the subscription, started as written,
prints the comment that the README's curl mutation adds. Only the port differs (the README's
20002 is replaced by the test server's)."""

from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from tests.conftest import REPO_ROOT
from tests.integration.conftest import BLOG_CONFIG, announcement, stopped_cleanly

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(heading: str, language: str) -> list[str]:
    """The fenced blocks of `language` in the README section that starts at `heading`."""
    section = README[README.index(f"\n{heading}\n") + len(heading) + 2 :]
    end = re.search(r"^#{2,4} ", section, re.M)
    section = section[: end.start()] if end else section
    return re.findall(rf"^```{language}\n(.*?)^```$", section, re.M | re.S)


@pytest.fixture(scope="module")
def port() -> Iterator[str]:
    command = [sys.executable, "-m", "appsync", "serve", "--config", str(BLOG_CONFIG)]
    with stopped_cleanly([*command, "--port", "0", "--ephemeral"]) as process:
        match = re.search(r"GraphQL:  http://127\.0\.0\.1:(\d+)/graphql", announcement(process))
        assert match is not None
        yield match[1]


def test_the_http_example_prints_what_the_readme_shows(port: str) -> None:
    [example] = _blocks("### With gql (Python)", "python")
    shown = re.search(r"^# (\{.*\})$", example, re.M)
    assert shown is not None, "the example shows its output as a comment"
    ran = subprocess.run(
        [sys.executable, "-c", example.replace("20002", port)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == shown[1] + "\n"


def test_the_subscription_example_prints_the_comment_the_curl_mutation_adds(port: str) -> None:
    [example] = _blocks("### Subscriptions", "python")
    [mutation] = _blocks("### Subscriptions", "sh")
    [shown] = [block for block in _blocks("### Subscriptions", "") if block.startswith("{")]
    lines: queue.Queue[str] = queue.Queue()
    with subprocess.Popen(
        [sys.executable, "-u", "-c", example.replace("20002", port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as subscriber:
        try:
            assert subscriber.stdout is not None
            threading.Thread(target=_read, args=(subscriber.stdout, lines), daemon=True).start()
            printed = _printed_once_mutated(lines, mutation.replace("20002", port))
        finally:
            subscriber.kill()
    assert printed == shown


def test_the_console_api_example_prints_what_the_readme_shows(tmp_path: Path) -> None:
    [example] = _blocks("## The web console", "python")
    shown = re.search(r"^# (\{.*\})$", example, re.M)
    assert shown is not None, "the example shows its output as a comment"
    command = [sys.executable, "-m", "appsync", "serve", "--config", str(BLOG_CONFIG)]
    with stopped_cleanly([*command, "--port", "0", "--data-dir", str(tmp_path)]) as process:
        match = re.search(r"GraphQL:  http://127\.0\.0\.1:(\d+)/graphql", announcement(process))
        assert match is not None
        # The example reads the token where `serve` keeps it beside examples/blog/appsync.yaml.
        script = example.replace("20002", match[1]).replace(
            "examples/blog/.appsync-local/console-token", str(tmp_path / "console-token")
        )
        ran = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
        )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == shown[1] + "\n"


def _read(stream: IO[str], lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


def _printed_once_mutated(lines: queue.Queue[str], mutation: str) -> str:
    """What the subscriber prints first, running the README's curl until it does: a mutation
    sent before the subscription is registered reaches nobody (bounded, 30 s)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        added = subprocess.run(["sh", "-c", mutation], capture_output=True, text=True, timeout=30)
        assert '"addComment":{"postId":"p2"' in added.stdout, added.stdout
        try:
            return lines.get(timeout=0.5)
        except queue.Empty:
            continue
    raise AssertionError("the subscription example printed nothing")
