"""The console in headless Chromium, against the real server on a loopback port.

Chromium is Debian's (`/usr/bin/chromium`, installed by `scripts/system-deps`), driven by
Playwright for Python with a fixed set of switches; Playwright's own browser download is never
used. Pages load the shipped build (`appsync/console/static`), so no Node.js is needed. Helpers
here open the explorer on an operation (`#/explorer?query=...`), run it, and read the result
pane as GraphiQL shows it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, sync_playwright

from tests.integration.conftest import BLOG_CONFIG, Server, serve

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
# Each browser test waits at most this long for a page to show what it expects.
WAIT_MS = 15_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(item.path).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.timeout(120))


# Module-scoped, not session-scoped: Playwright's sync API runs an event loop on this thread
# while it is started, which the suite's asyncio tests (run after tests/browser) cannot share.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(WAIT_MS)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="module")
def blog() -> Iterator[Server]:
    with serve(BLOG_CONFIG) as server:
        yield server


def origin(server: Server) -> str:
    return f"http://{server.host}:{server.port}"


def open_explorer(page: Page, server: Server, query: str, variables: Any = None) -> None:
    """The console's explorer with `query` in a tab of its own, schema loaded."""
    link = f"{origin(server)}/console/#/explorer?query={quote(query)}"
    if variables is not None:
        link += f"&variables={quote(json.dumps(variables))}"
    page.goto(link)
    page.get_by_role("button", name=re.compile("Execute query")).wait_for()
    # Running is possible once the editor holds the operation (Monaco loads after the page).
    page.wait_for_function(
        "(query) => (document.querySelector('.graphiql-query-editor')?.innerText ?? '')"
        ".replace(/\\s/g, '').includes(query)",
        arg=re.sub(r"\s", "", query)[:40],
        timeout=WAIT_MS,
    )


def run_operation(page: Page) -> None:
    page.get_by_role("button", name=re.compile("Execute query")).click()


def result_text(page: Page) -> str:
    """The result pane's text (Monaco draws spaces as no-break spaces)."""
    return page.locator(".result-window").inner_text().replace("\u00a0", " ")


def wait_for_result(page: Page, expected: str) -> str:
    """Waits until the result pane shows `expected`; returns the pane's text."""
    page.wait_for_function(
        "(expected) => (document.querySelector('.result-window')?.innerText ?? '')"
        ".replaceAll('\\u00a0', ' ').includes(expected)",
        arg=expected,
        timeout=WAIT_MS,
    )
    return result_text(page)
