"""Accessibility basics of the console, checked in the browser: every control has a name a
screen reader announces, the main actions work from the keyboard with a visible focus, and the
views fit 1280x800 without scrolling sideways."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import open_explorer, origin
from tests.browser.harness import open_harness, render, run_case
from tests.integration.conftest import Server, serve, write_whoami_api

# The accessible name of each visible control, per the HTML-AAM rules that matter here:
# aria-label, aria-labelledby, an associated <label>, or a button's or link's own text.
UNNAMED_CONTROLS = """
() => {
  const named = (el) => {
    if (el.getAttribute('aria-label')?.trim()) return true;
    const by = el.getAttribute('aria-labelledby');
    const labelledBy = (id) => document.getElementById(id)?.textContent.trim();
    if (by && by.split(/\\s+/).some(labelledBy)) return true;
    if (el.labels && [...el.labels].some((label) => label.textContent.trim())) return true;
    if (['BUTTON', 'A', 'OPTION'].includes(el.tagName) || el.getAttribute('role') === 'tab') {
      if (el.textContent.trim()) return true;
    }
    return Boolean(el.getAttribute('title')?.trim());
  };
  const controls = document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button, a[href], [role=button], [role=tab]'
  );
  return [...controls]
    .filter((el) => el.getClientRects().length > 0 && !named(el))
    .map((el) => el.outerHTML.slice(0, 160));
}
"""
FITS_WIDTH = "() => document.documentElement.scrollWidth <= window.innerWidth"
FOCUS_VISIBLE = """
() => {
  const style = getComputedStyle(document.activeElement);
  return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
}
"""


@pytest.fixture(scope="module")
def every_mode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("modes")
    (folder / "jwks.json").write_text(json.dumps({"keys": []}))
    (folder / "authorizer.py").write_text(
        "def handler(event, context):\n    return {'isAuthorized': False}\n"
    )
    auth = {
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": "da2-consoleallmodeskey00000"}],
        "additionalAuthenticationProviders": [
            {"authenticationType": "AWS_IAM"},
            {
                "authenticationType": "AMAZON_COGNITO_USER_POOLS",
                "userPoolConfig": {
                    "userPoolId": "us-east-1_Modes0001",
                    "awsRegion": "us-east-1",
                    "jwksFile": str(folder / "jwks.json"),
                },
            },
            {
                "authenticationType": "OPENID_CONNECT",
                "openIDConnectConfig": {
                    "issuer": "https://issuer.example.com",
                    "jwksFile": str(folder / "jwks.json"),
                },
            },
            {
                "authenticationType": "AWS_LAMBDA",
                "lambdaAuthorizerConfig": {"handler": "authorizer:handler"},
            },
        ],
    }
    path: Path = write_whoami_api(folder, "every-mode", auth)
    with serve(path) as server:
        yield server


def test_every_control_of_every_auth_mode_has_a_name(page: Page, every_mode: Server) -> None:
    open_explorer(page, every_mode, "{ whoami { authType } }")
    mode = page.get_by_label("Authorization mode")
    modes = mode.locator("option").evaluate_all("(options) => options.map((o) => o.value)")
    assert modes == [
        "API_KEY",
        "AWS_IAM",
        "AMAZON_COGNITO_USER_POOLS",
        "OPENID_CONNECT",
        "AWS_LAMBDA",
    ]
    for value in modes:
        mode.select_option(value)
        assert page.evaluate(UNNAMED_CONTROLS) == [], value
    assert page.evaluate(FITS_WIDTH)


def test_sections_are_reached_and_opened_from_the_keyboard(page: Page, blog: Server) -> None:
    page.goto(f"{origin(blog)}/console/")
    page.get_by_role("link", name="GraphQL explorer").wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert page.evaluate(FOCUS_VISIBLE)
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Step Functions":
            break
    assert page.evaluate(FOCUS_VISIBLE)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="State machines").wait_for()
    assert page.evaluate("location.hash") == "#/stepfunctions"
    for section in ("DynamoDB", "Resolver log", "Step Functions"):
        page.get_by_role("link", name=section).click()
        page.get_by_role("link", name=section).and_(page.locator("[aria-current=page]")).wait_for()
        assert page.evaluate(UNNAMED_CONTROLS) == [], section
        assert page.evaluate(FITS_WIDTH), section


def test_execution_views_work_from_the_keyboard(page: Page, blog: Server) -> None:
    case = "scenarios/test_base_scenarios::TestBaseScenarios::test_parallel_state_catch"
    execution = run_case(blog, case, "keyboard")
    open_harness(page, blog)
    render(
        page,
        {
            "view": "execution",
            "execution": execution.execution,
            "definition": execution.definition,
            "events": execution.events,
        },
    )
    graph_tab = page.get_by_role("tab", name="Graph view")
    graph_tab.focus()
    # Tabs follow the WAI-ARIA pattern: arrows move between them.
    page.keyboard.press("ArrowRight")
    assert page.get_by_role("tab", name="Event history").get_attribute("aria-selected") == "true"
    page.keyboard.press("ArrowLeft")
    assert graph_tab.get_attribute("aria-selected") == "true"
    # States are reached with Tab and chosen with Enter.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.state") == "FinalCaught":
            break
    assert page.evaluate("document.activeElement.getAttribute('role')") == "button"
    page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="FinalCaught").is_visible()
    assert page.evaluate(UNNAMED_CONTROLS) == []
    assert page.evaluate(FITS_WIDTH)
