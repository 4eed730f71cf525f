"""The resolver log view rendered through the component harness from entries in the contract's
shape (console/src/api/operations.graphql, `ResolverLogRequest`: AppSync's CloudWatch log
entries grouped by request). The stream itself, live: test_console_pages.py for a query, and
here for a subscription started in the explorer over the realtime protocol."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, WebSocketRoute

from appsync.console.routes import CONSOLE_API_PATH
from tests.browser.conftest import (
    VIEWPORT,
    WAIT_MS,
    open_explorer,
    origin,
    run_operation,
    wait_for_result,
)
from tests.browser.harness import open_harness, render
from tests.integration.conftest import Server

SAMPLE: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "resolver_log_sample.json").read_text(encoding="utf-8")
)


def test_requests_and_their_resolver_entries(page: Page, blog: Server) -> None:
    open_harness(page, blog)
    render(page, {"view": "resolverLog", "requests": SAMPLE})
    requests = page.get_by_role("listbox", name="Requests").get_by_role("option")
    assert requests.count() == len(SAMPLE)
    # The first request is shown: its errors, and each entry in order, the failing one marked.
    assert requests.first.get_attribute("aria-selected") == "true"
    assert "1 error" in requests.first.inner_text()
    entries = page.locator(".log-entries > li")
    assert entries.count() == len(SAMPLE[0]["entries"])
    heads = page.locator(".log-entry-head .badge").all_inner_texts()
    assert heads == [entry["logType"] for entry in SAMPLE[0]["entries"]]
    assert page.locator(".log-entry.in-error").count() == 2
    # Choosing the other request from the keyboard shows its evaluated request template.
    requests.nth(1).focus()
    page.keyboard.press("Enter")
    assert requests.nth(1).get_attribute("aria-selected") == "true"
    template = page.locator(".log-entry pre.json").first.inner_text()
    assert json.loads(template) == json.loads(SAMPLE[1]["entries"][0]["transformedTemplate"])


def test_a_subscription_started_in_the_explorer_is_logged(
    browser: Browser, page: Page, blog: Server
) -> None:
    """A `start` is a request of the resolver log (appsync/realtime/start_log.py): the blog's
        onAddComment has no resolver, so the request has its query and status, and no entries. The
    explorer's `start` names no operation (as Amplify's does not)."""
    page.goto(f"{origin(blog)}/console/#/logs")
    page.get_by_text("· live").wait_for()
    other = browser.new_context(viewport=VIEWPORT)
    other.set_default_timeout(WAIT_MS)
    try:
        explorer = other.new_page()
        open_explorer(explorer, blog, 'subscription Watch { onAddComment(postId: "p1") { id } }')
        run_operation(explorer)
        wait_for_result(explorer, "start_ack")
        # The explorer's start, as Amplify's, names no operation; the newest request is it.
        request = page.get_by_role("option").filter(has_text="(anonymous)").first
        request.wait_for()
        request.click()
        page.locator(".log-detail pre.json").filter(has_text="subscription Watch").wait_for()
        assert "HTTP 200" in page.locator(".log-detail").inner_text()
        assert page.locator(".log-entries > li").count() == 0
    finally:
        other.close()


def test_live_shows_once_the_server_acknowledges_the_socket(page: Page, blog: Server) -> None:
    """ "· live" says that the log is followed: it shows when the console API's socket is
    acknowledged (graphql-transport-ws `connection_ack`), not while the connection is opening.
    The browser's websocket is routed through Playwright, which holds the ack back."""
    held: list[tuple[WebSocketRoute, str]] = []

    def handler(socket: WebSocketRoute) -> None:
        server = socket.connect_to_server()

        def from_server(message: str | bytes) -> None:
            if isinstance(message, str) and '"connection_ack"' in message:
                held.append((socket, message))
            else:
                socket.send(message)

        server.on_message(from_server)

    page.route_web_socket(re.compile(re.escape(CONSOLE_API_PATH) + "$"), handler)
    page.goto(f"{origin(blog)}/console/#/logs")
    count = page.locator(".log-list > p.muted")
    count.wait_for()
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(25)
    assert held, "the console API's socket was never acknowledged"
    assert "live" not in count.inner_text()
    socket, ack = held[0]
    socket.send(ack)
    page.get_by_text("· live").wait_for()
