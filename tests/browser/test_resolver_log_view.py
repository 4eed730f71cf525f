"""The resolver log view rendered through the component harness from entries in the contract's
shape (console/src/api/operations.graphql, `ResolverLogRequest`: AppSync's CloudWatch log
entries grouped by request). The stream itself, live: test_console_pages.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

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
