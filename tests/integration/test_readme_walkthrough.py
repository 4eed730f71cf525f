"""The README's walkthrough, run as a new user runs it (issue 13: "a test that starts from a fresh
clone and runs the README's commands and snippets as written").

A fresh clone of this repository (`git clone` of the committed tree, nothing of the working copy)
serves its examples with `appsync-local serve`, as `./scripts/run` serves them, each on a data
directory of its own (a first start: the declared tables created and seeded). Every `curl`
command of the walkthrough sections then runs through `sh` exactly as written, the port aside,
and its output must be the JSON the README shows under it. Values the server generates (ids,
timestamps, DynamoDB request ids) are compared by their form.

What installing takes (`./scripts/run`'s bootstrap, `pipx install .`) is tested apart: the wheel
in tests/test_package.py, the scripts by CI running `./scripts/test` on a fresh machine. The
Python snippets run in test_readme_clients.py and test_readme_tokens.py, the banners in
test_cli.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.integration.conftest import announcement, stopped_cleanly

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
README_PORT = "20002"


@dataclass(frozen=True, slots=True)
class Walkthrough:
    heading: str  # the README section, up to its next heading
    config: str  # the example it talks to, relative to the clone
    # Shell variables the section defines in its prose ("With K=... and U=...").
    variables: tuple[tuple[str, str], ...] = ()


TASKS_KEY = "x-api-key: da2-localtasksexamplekey00000"
WALKTHROUGHS = (
    Walkthrough("## The example API, step by step", "examples/blog/appsync.yaml"),
    Walkthrough("### With curl", "examples/blog/appsync.yaml"),
    Walkthrough("## The DynamoDB data source", "examples/todo/appsync.yaml"),
    Walkthrough(
        "### The tasks example",
        "examples/tasks/appsync.yaml",
        (("K", TASKS_KEY), ("U", f"http://127.0.0.1:{README_PORT}/graphql")),
    ),
)

_GENERATED = (
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"), "<time>"),
    (re.compile(r"Request ID: [0-9A-Z]+"), "Request ID: <id>"),
)


def section(heading: str) -> str:
    start = README.index(f"\n{heading}\n") + len(heading) + 2
    rest = README[start:]
    end = re.search(r"^#{2,4} ", rest, re.M)
    return rest[: end.start()] if end else rest


def curl_examples(heading: str) -> list[tuple[str, str]]:
    """The section's `sh` blocks that run curl, each with the `json` block shown under it."""
    pairs = re.findall(
        r"^```sh\n(curl .*?)^```\n```json\n(.*?)^```$", section(heading), re.M | re.S
    )
    return [(command, shown) for command, shown in pairs]


def by_form(text: str) -> Any:
    """JSON with the values the server generates replaced by their form."""
    for pattern, form in _GENERATED:
        text = pattern.sub(form, text)
    return json.loads(text)


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh clone of the repository's committed tree."""
    target = tmp_path_factory.mktemp("fresh") / "appsync-local"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(REPO_ROOT), str(target)],
        check=True,
        timeout=120,
    )
    return target


@pytest.fixture(scope="module")
def servers(clone: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Each example the walkthroughs use, served from the clone: its config -> its port."""
    # The clone's packages, not the ones this test process imported: -P leaves the working
    # directory off sys.path, PYTHONPATH puts the clone first.
    env = {**os.environ, "PYTHONPATH": str(clone)}
    ports: dict[str, str] = {}
    with ExitStack() as stack:
        for config in dict.fromkeys(walk.config for walk in WALKTHROUGHS):
            data = tmp_path_factory.mktemp("data")
            command = [sys.executable, "-P", "-m", "appsync", "serve", "--config"]
            command += [str(clone / config), "--port", "0", "--data-dir", str(data)]
            process = stack.enter_context(stopped_cleanly(command, env))
            printed = announcement(process)
            assert f"from {clone / config}\n" in printed, printed
            port = re.search(r"GraphQL:  http://127\.0\.0\.1:(\d+)/graphql", printed)
            assert port is not None, printed
            ports[config] = port[1]
        yield ports


def test_each_walkthrough_has_curl_examples_to_run() -> None:
    # A README edit that breaks the block layout would otherwise leave nothing to check.
    assert {walk.heading: len(curl_examples(walk.heading)) > 0 for walk in WALKTHROUGHS} == {
        walk.heading: True for walk in WALKTHROUGHS
    }


def test_the_tasks_walkthrough_serves_the_example_its_run_command_names() -> None:
    assert "./scripts/run --config examples/tasks/appsync.yaml" in section("### The tasks example")


@pytest.mark.parametrize("walk", WALKTHROUGHS, ids=lambda walk: walk.heading.strip("# "))
def test_the_curl_examples_answer_what_the_readme_shows(
    walk: Walkthrough, servers: dict[str, str]
) -> None:
    port = servers[walk.config]
    env = {
        **os.environ,
        **{name: value.replace(README_PORT, port) for name, value in walk.variables},
    }
    for command, shown in curl_examples(walk.heading):
        ran = subprocess.run(
            ["sh", "-c", command.replace(f":{README_PORT}", f":{port}")],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert ran.returncode == 0, (command, ran.stderr)
        assert by_form(ran.stdout) == by_form(shown), command
