"""Browser journeys: Playwright in Debian's chromium, axe-core on every page visited, nothing leaves localhost.

Every journey test takes the ``journey`` fixture and calls ``journey.check()`` after each navigation; a page
that loaded but was never checked fails the test at teardown, and so does any request to a host other than
localhost. When no chromium is installed, browser tests are skipped with the reason — except under CI
(``CI=true`` or ``REQUIRE_BROWSER=1``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlparse

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def browser_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_BROWSER") == "1"


def browser_available() -> bool:
    return os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    if browser_available() or browser_required():
        return
    skip = pytest.mark.skip(reason=f"browser test: Debian's chromium not found at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # type: ignore[no-untyped-def]
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):  # type: ignore[no-untyped-def]
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


class Journey:
    """Wraps a Playwright page: records loads and outside requests; ``check()`` runs axe on the current page."""

    def __init__(self, page, base_url: str) -> None:  # type: ignore[no-untyped-def]
        from axe_playwright_python.sync_playwright import Axe

        self.page = page
        self.base_url = base_url.rstrip("/")
        self.axe = Axe()
        self.unchecked: list[str] = []
        self.checked: list[str] = []
        self.outside_requests: list[str] = []
        page.context.route("**/*", self._route)
        page.on("load", lambda p: self.unchecked.append(p.url))

    def _route(self, route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        parsed = urlparse(url)
        if parsed.scheme in {"http", "https", "ws", "wss"} and parsed.hostname not in LOCAL_HOSTS:
            self.outside_requests.append(url)
            route.abort()
        else:
            route.continue_()

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def goto(self, path: str) -> None:
        self.page.goto(self.url(path))
        self.check()

    def follow(self, action) -> None:  # type: ignore[no-untyped-def]
        """Run an action that navigates (a click, a key press), wait for the new page, then check it."""
        with self.page.expect_navigation():
            action()
        self.check()

    def check(self) -> None:
        """axe-core, WCAG 2.1 A/AA: no violations, and no contrast check left 'incomplete'."""
        self.page.wait_for_load_state("load")
        # Let CSS transitions finish (a button just pressed fades between its colours; axe would rate the blend).
        for _ in range(20):
            if not self.page.evaluate("document.getAnimations().filter(a => a.playState === 'running').length"):
                break
            self.page.wait_for_timeout(50)
        results = self.axe.run(
            self.page,
            # A rendered chart is one image (role="img" with its description); its data is checked in the table twin.
            # A drawn PDF page (the review desk's report viewer) is the applicant's document, not portal UI: its
            # words are a transparent, selectable text layer over the canvas, which axe cannot rate for contrast.
            context={"exclude": [[".chart-canvas"], [".pdf-page"]]},
            options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations", "incomplete"]},
        )
        response = results.response
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]} "
            f"{[n.get('failureSummary', '') for n in v['nodes']][:2]}"
            for v in response["violations"]
        ]
        problems += [
            f"incomplete {v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:5]} "
            f"{[n.get('any', [{}])[0].get('message', '') for n in v['nodes']][:2]}"
            for v in response["incomplete"]
            if v["id"] == "color-contrast"
        ]
        assert not problems, f"accessibility problems on {self.page.url}:\n" + "\n".join(problems)
        current = self.page.url
        self.unchecked = [u for u in self.unchecked if u != current]
        self.checked.append(current)

    def sign_in(self, username: str, password: str, *, keyboard: bool = False) -> None:
        self.goto("/accounts/login/")
        if keyboard:
            self.page.keyboard.press("Tab")  # the skip link comes first, and is visible when focused
            assert self.page.evaluate("document.activeElement.className") == "skip-link"
            assert self.page.locator(".skip-link").bounding_box()["y"] >= 0
            self.page.keyboard.press("Enter")  # jump over the header to the main content
            self.page.keyboard.press("Tab")
            assert self.page.evaluate("document.activeElement.id") == "id_username"
            self.page.keyboard.type(username)
            self.page.keyboard.press("Tab")
            self.page.keyboard.type(password)
            self.follow(lambda: self.page.keyboard.press("Enter"))
        else:
            self.page.fill("#id_username", username)
            self.page.fill("#id_password", password)
            self.follow(lambda: self.page.click("main button[type=submit]"))

    def finish(self) -> None:
        assert not self.outside_requests, f"requests left localhost: {self.outside_requests}"
        assert not self.unchecked, f"pages loaded but never checked with axe: {self.unchecked}"


@pytest.fixture
def journey(page, live_server):  # type: ignore[no-untyped-def]
    from .fixtures import ensure_reference_data

    ensure_reference_data()
    j = Journey(page, live_server.url)
    yield j
    j.finish()
