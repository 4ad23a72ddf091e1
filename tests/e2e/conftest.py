"""Browser harness: every page a browser test visits is checked by axe-core.

Use the `app` fixture, never `page.goto` or a bare click that navigates:

    def test_something(app, demo_users):
        app.login("analyst.ic", DEMO_PASSWORD)            # axe-checks the form and the landing page
        app.click_and_wait(app.page.get_by_role("link", name="Inbox"))   # axe-checks the inbox
        app.goto("/audit/?action=auth.")                  # axe-checks the result

Each of these waits for the navigation to settle (the `load` event) and runs axe-core (the
vendored static/vendor/axe-core/axe.min.js) with the WCAG 2.x A/AA rules; any violation fails the
test with the rule, impact, help text and the offending selectors. To stop a test from slipping a
page past the check, every main-frame navigation is recorded (`framenavigated`) and, at teardown,
each recorded URL must have been checked after it loaded. Call `app.check()` yourself after
anything else that changes the document (a same-page link, a script).

Every test in this folder is marked `e2e` and runs with the transactional database that
`live_server` needs. That database is flushed between tests, which removes the agencies and
roles the migration seeds: the `seeded` fixture puts them back, `demo_users` adds the demo
accounts (apc/demo.py) with `seed_demo`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import BrowserContext, Frame, Locator, Page, Response

from apc.demo import DEMO_PASSWORD  # noqa: F401 - re-exported for the tests

E2E_DIR = Path(__file__).resolve().parent
AXE_PATH = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# A navigation that settles later than this is a bug in the app (or a hung live server).
NAVIGATION_TIMEOUT_MS = 15_000

_AXE_RUN = """
async (tags) => {
  const results = await window.axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({ target: n.target.map(String), summary: n.failureSummary })),
  }));
}
"""


# --- Marking every test here e2e + transactional ---------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[Any]:
    """Remember the outcome of each phase, so teardown does not pile a second error on a test
    that already failed."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


_REPORTS = pytest.StashKey[dict]()


# --- Browser setup -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_source_path() -> Path:
    if not AXE_PATH.is_file():
        pytest.fail(
            f"axe-core is missing ({AXE_PATH.relative_to(settings.BASE_DIR)}): "
            "run scripts/vendor.sh to vendor the front-end packages.",
            pytrace=False,
        )
    return AXE_PATH


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # The app's Content-Security-Policy stays enforced: axe comes in as an init script (which
    # CSP does not govern), and any CSP violation on a page fails the test.
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 800},
        "locale": "en-US",
    }


# --- The ledger of navigations and checks -----------------------------------------------------


@dataclass
class AxeViolation:
    id: str
    impact: str | None
    help: str
    help_url: str
    targets: list[list[str]]
    summaries: list[str]

    def describe(self, max_nodes: int = 5) -> str:
        lines = [
            f"  [{self.impact or 'n/a'}] {self.id}: {self.help} ({len(self.targets)} element(s))"
        ]
        for target, summary in list(zip(self.targets, self.summaries, strict=True))[:max_nodes]:
            lines.append(f"      at {' >> '.join(target)}")
            first = (summary or "").strip().splitlines()
            if len(first) > 1:
                lines.append(f"         {first[1].strip()}")
        if len(self.targets) > max_nodes:
            lines.append(f"      ... and {len(self.targets) - max_nodes} more")
        lines.append(f"      see {self.help_url}")
        return "\n".join(lines)


class AccessibilityError(AssertionError):
    pass


@dataclass
class NavigationLedger:
    """Every main-frame navigation of every page of the test's context, and which were checked."""

    pending: list[tuple[Page, str]] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    _watched: set[int] = field(default_factory=set)

    def watch(self, page: Page) -> None:
        if id(page) in self._watched:
            return
        self._watched.add(id(page))

        def on_navigated(frame: Frame) -> None:
            if frame.parent_frame is None and frame.url != "about:blank":
                self.pending.append((page, frame.url))

        def on_console(message: Any) -> None:
            if "Content Security Policy" in message.text:
                self.csp_violations.append(f"{page.url}: {message.text}")

        page.on("framenavigated", on_navigated)
        page.on("console", on_console)

    def mark_checked(self, page: Page, url: str) -> None:
        """The document of `page` at `url` has just been checked: its navigations are settled;
        an earlier navigation of that page to another URL was never checked."""
        still_pending = []
        for pg, pending_url in self.pending:
            if pg is not page:
                still_pending.append((pg, pending_url))
            elif pending_url != url:
                self.unchecked.append(pending_url)
        self.pending = still_pending
        self.checked.append(url)

    def problems(self) -> list[str]:
        return self.unchecked + [url for _, url in self.pending]


@pytest.fixture
def axe_ledger() -> NavigationLedger:
    return NavigationLedger()


@pytest.fixture
def context(
    context: BrowserContext, axe_ledger: NavigationLedger, axe_source_path: Path
) -> BrowserContext:
    context.add_init_script(path=str(axe_source_path))
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    context.set_default_timeout(NAVIGATION_TIMEOUT_MS)
    context.on("page", axe_ledger.watch)  # pages opened later (popups, new_page) too
    return context


@pytest.fixture
def page(
    context: BrowserContext, axe_ledger: NavigationLedger, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """pytest-playwright's page, with every main-frame navigation recorded; at teardown each
    must have been axe-checked (through `app`)."""
    pg = context.new_page()
    axe_ledger.watch(pg)
    yield pg
    call = request.node.stash.get(_REPORTS, {}).get("call")
    if call is not None and call.failed:
        return
    if axe_ledger.csp_violations:
        pytest.fail(
            "The page broke its Content-Security-Policy:\n  "
            + "\n  ".join(axe_ledger.csp_violations),
            pytrace=False,
        )
    missed = axe_ledger.problems()
    if missed:
        pytest.fail(
            "These pages were visited but never checked by axe (navigate with the `app` "
            "fixture: app.goto / app.click_and_wait / app.submit / app.login, or call "
            "app.check() after the page settles):\n  " + "\n  ".join(missed),
            pytrace=False,
        )


# --- The app driver --------------------------------------------------------------------------


class App:
    """Drives the live server through one page; every navigation ends in an axe check."""

    def __init__(self, page: Page, base_url: str, ledger: NavigationLedger, axe_path: Path):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.ledger = ledger
        self.axe_path = axe_path
        self.last_response: Response | None = None

    # URLs

    def url(self, path: str) -> str:
        return path if re.match(r"^https?://", path) else f"{self.base_url}{path}"

    @property
    def path(self) -> str:
        """The current URL without the scheme and host (path, query and fragment)."""
        url = self.page.url
        return url[len(self.base_url) :] if url.startswith(self.base_url) else url

    # Navigation, each followed by the check

    def goto(self, path: str, *, status: int | None = 200) -> Response | None:
        """Open `path` (following redirects), wait for it to load, check it. `status` is the
        expected status of the final response (None: any)."""
        response = self.page.goto(self.url(path), wait_until="load")
        return self._settled(response, status, f"GET {path}")

    def click_and_wait(self, target: Locator | str, *, status: int | None = 200) -> Response | None:
        """Click something that navigates (a link, a submit button), wait for the new page to
        load, check it. `target` is a Locator or a selector."""
        locator = self.page.locator(target) if isinstance(target, str) else target
        with self.page.expect_navigation(wait_until="load") as nav:
            locator.click()
        return self._settled(nav.value, status, f"click {locator}")

    def submit(
        self, button: Locator | str = "Submit", *, status: int | None = 200
    ) -> Response | None:
        """Press a form's submit button (a Locator, or the button's accessible name)."""
        if isinstance(button, str):
            button = self.page.get_by_role("button", name=button, exact=True)
        return self.click_and_wait(button, status=status)

    def login(
        self, username: str, password: str, *, expect_success: bool = True
    ) -> Response | None:
        """Sign in through the login form (both the form and the page after it are checked)."""
        self.goto("/accounts/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        response = self.submit("Sign in")
        if expect_success:
            assert not self.path.startswith("/accounts/login/"), (
                f"signing in as {username!r} failed: still on {self.path}"
            )
        return response

    def logout(self) -> Response | None:
        return self.submit("Sign out")

    # The check

    def check(self) -> None:
        """Run axe-core on the current document; fail on any WCAG 2.x A/AA violation."""
        page = self.page
        page.wait_for_load_state("load")
        url = page.url
        assert page.evaluate("() => typeof window.axe === 'object'"), "axe-core did not load"
        raw = page.evaluate(_AXE_RUN, AXE_TAGS)
        self.ledger.mark_checked(page, url)
        if raw:
            violations = [
                AxeViolation(
                    id=v["id"],
                    impact=v["impact"],
                    help=v["help"],
                    help_url=v["helpUrl"],
                    targets=[n["target"] for n in v["nodes"]],
                    summaries=[n["summary"] for n in v["nodes"]],
                )
                for v in raw
            ]
            report = "\n".join(v.describe() for v in violations)
            raise AccessibilityError(
                f"axe-core found {len(violations)} WCAG 2.x A/AA violation(s) on {url}:\n{report}"
            )

    def _settled(self, response: Response | None, status: int | None, what: str) -> Response | None:
        self.last_response = response
        if status is not None:
            got = response.status if response is not None else None
            assert got == status, f"{what}: expected HTTP {status}, got {got} at {self.page.url}"
        self.check()
        return response


@pytest.fixture
def app(page: Page, live_server: Any, axe_ledger: NavigationLedger, axe_source_path: Path) -> App:
    return App(page, live_server.url, axe_ledger, axe_source_path)


# --- Data ------------------------------------------------------------------------------------


@pytest.fixture
def seeded(transactional_db: None) -> None:
    """The agencies, roles and countries the migrations load (the transactional flush removed
    them)."""
    from tests.factories import ensure_reference_data

    ensure_reference_data()


@pytest.fixture
def demo_users(seeded: None) -> Callable[[str], Any]:
    """The demo accounts of apc/demo.py (password DEMO_PASSWORD), via `seed_demo`; returns a
    lookup by username."""
    from apc.models import User

    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
    return lambda username: User.objects.get(username=username)
