"""The browser harness itself: axe reports violations, and an unchecked navigation is noticed."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import AccessibilityError


def test_axe_reports_a_violation_readably(app, seeded):
    app.goto("/accounts/login/")
    # Break the page on purpose: an image with no text alternative, an unlabeled input.
    app.page.evaluate(
        """() => {
          const main = document.getElementById("main-content");
          main.insertAdjacentHTML("beforeend",
            '<img src="/static/vendor/uswds/img/usa-icons/close.svg" id="broken-img">' +
            '<input type="text" id="broken-input">');
        }"""
    )
    with pytest.raises(AccessibilityError) as excinfo:
        app.check()
    message = str(excinfo.value)
    assert "/accounts/login/" in message
    assert "image-alt" in message and "#broken-img" in message
    assert "label" in message and "#broken-input" in message
    assert "[critical]" in message


def test_a_navigation_outside_the_app_fixture_is_noticed(app, axe_ledger, live_server, seeded):
    app.goto("/accounts/login/")
    assert axe_ledger.problems() == []

    app.page.goto(f"{live_server.url}/healthz")  # not through app: not checked
    app.page.goto(f"{live_server.url}/accounts/login/")
    assert axe_ledger.problems() == [
        f"{live_server.url}/healthz",
        f"{live_server.url}/accounts/login/",
    ]

    app.check()  # checks the login page; /healthz stays unchecked for good
    assert axe_ledger.problems() == [f"{live_server.url}/healthz"]
    axe_ledger.unchecked.clear()  # or this test would (rightly) fail at teardown


def test_the_content_security_policy_is_enforced_and_a_breach_is_noticed(app, axe_ledger, seeded):
    app.goto("/accounts/login/")
    ran = app.page.evaluate(
        """() => {
          window.__inline_ran = false;
          const s = document.createElement("script");
          s.textContent = "window.__inline_ran = true";
          document.body.append(s);
          return window.__inline_ran;
        }"""
    )
    assert ran is False  # script-src 'self' refused the inline script
    app.page.wait_for_timeout(200)
    assert any("Content Security Policy" in v for v in axe_ledger.csp_violations)
    axe_ledger.csp_violations.clear()  # or this test would (rightly) fail at teardown
