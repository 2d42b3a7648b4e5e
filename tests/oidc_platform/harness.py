"""The ``platform`` fixture: a real OpenID Connect provider process (serve.py) on the test's clock, and the portal's
``OIDC_*`` settings pointed at it (tests/accounts/conftest.py makes it available there).

``platform.sign_in(client, username)`` walks the whole flow the way a browser would — the portal's
「统一身份认证登录」, the platform's own sign-in page (over HTTP, with ``requests``), back to the portal's callback —
and returns the portal's answer to the callback. ``tamper_authorize`` changes the authorisation request on its way
to the platform (a wrong nonce), nothing else is faked.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests
from django.utils import timezone

from tests.clock import CLOCK_ENV

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "shequyun-portal"
CLIENT_SECRET = "portal-client-secret-for-tests-only-0123456789"  # noqa: S105
PLATFORM_PASSWORD = "Platform#2026"  # noqa: S105
CALLBACK = "/accounts/oidc/callback/"
SIGNED_OUT = "/accounts/login/"

#: People known to the platform. ``sub`` is their platform identifier; ``amr``/``acr`` how they sign in there.
PEOPLE: dict[str, dict[str, Any]] = {
    "zhang.wei": {"sub": "SH-GOV-0001", "name": "张伟", "amr": ["pwd"]},
    "li.na": {"sub": "SH-GOV-0002", "name": "李娜", "amr": ["pwd", "otp", "mfa"]},
    "wang.fang": {"sub": "SH-GOV-0003", "name": "王芳", "amr": ["pwd"], "acr": "urn:shanghai:loa:3"},
    "zhao.lei": {"sub": "SH-GOV-0004", "name": "赵磊", "amr": ["pwd"]},
    "chen.jing": {"sub": "SH-GOV-0009", "name": "陈静", "amr": ["pwd"]},
}


@dataclass
class Platform:
    url: str
    process: subprocess.Popen
    log: Path
    people: dict[str, dict[str, Any]] = field(default_factory=lambda: PEOPLE)
    #: The person's browser at the platform (its cookies: the platform's own session).
    browser: requests.Session = field(default_factory=requests.Session)

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def identifier(self, username: str) -> str:
        return self.people[username]["sub"]

    def configure(self, settings: Any) -> None:
        """Point the portal at this platform (what the README's OIDC_* environment variables do)."""
        from accounts.oidc import discovery_cache_key

        settings.OIDC_OP_ISSUER = self.issuer
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_RP_SCOPES = "openid profile"
        settings.OIDC_MFA_AMR_VALUES = ["mfa"]
        settings.OIDC_MFA_ACR_VALUES = ["urn:shanghai:loa:3"]
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], self.url]
        settings.CONTENT_SECURITY_POLICY = policy
        from django.core.cache import cache

        cache.delete(discovery_cache_key())

    # --- acting as the person's browser at the platform --------------------------------------------------------

    def authorize(self, authorize_url: str, username: str, password: str = PLATFORM_PASSWORD) -> str:
        """Sign in at the platform's own page and follow its authorisation endpoint: the callback URL it sends the
        browser back to (with code and state)."""
        browser = self.browser
        answer = browser.get(authorize_url, allow_redirects=False, timeout=30)
        assert answer.status_code == 302, answer.text[:500]
        login_url = urljoin(authorize_url, answer.headers["Location"])
        if urlsplit(login_url).path != "/login/":
            return answer.headers["Location"]  # still signed in at the platform: straight back with a code
        page = browser.get(login_url, timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        next_url = dict(parse_qsl(urlsplit(login_url).query))["next"]
        answer = browser.post(login_url, data={"username": username, "password": password, "next": next_url,
                                               "csrfmiddlewaretoken": token}, allow_redirects=False, timeout=30)
        assert answer.status_code == 302, answer.text[:500]
        answer = browser.get(urljoin(login_url, answer.headers["Location"]), allow_redirects=False, timeout=30)
        assert answer.status_code == 302, answer.text[:500]
        return answer.headers["Location"]

    def sign_in(self, client: Any, username: str, *, next_url: str = "",
                tamper_authorize: Callable[[str], str] | None = None, before_callback: Callable[[], None] | None = None,
                follow: bool = False) -> Any:
        """The whole flow from the portal's 「统一身份认证登录」 to its answer to the platform's callback."""
        start = client.get("/accounts/oidc/authenticate/", {"next": next_url} if next_url else {})
        assert start.status_code == 302, start.content[:500]
        authorize_url = start["Location"]
        assert authorize_url.startswith(self.issuer)
        if tamper_authorize is not None:
            authorize_url = tamper_authorize(authorize_url)
        callback = urlsplit(self.authorize(authorize_url, username))
        assert callback.path == CALLBACK
        if before_callback is not None:
            before_callback()
        return client.get(f"{callback.path}?{callback.query}", follow=follow)


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def _platform_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def prepare_database(folder: Path) -> Path:
    """A migrated platform database, made once per test process and copied for each platform started."""
    database = folder / "platform-template.sqlite3"
    if not database.exists():
        subprocess.run([sys.executable, "-m", "tests.oidc_platform.serve", "--migrate"], cwd=ROOT,  # noqa: S603
                       env={**_platform_env(), "PLATFORM_DB": str(database)}, check=True, timeout=120)
    return database


def start_platform(tmp_path: Path, portal_urls: list[str], people: dict[str, dict[str, Any]] | None = None,
                   template: Path | None = None) -> Platform:
    people = people or PEOPLE
    log = tmp_path / "platform.log"
    database = tmp_path / "platform.sqlite3"
    if template is not None:
        shutil.copyfile(template, database)
    env = {
        **_platform_env(),
        "PLATFORM_DB": str(database),
        "PLATFORM_CLIENT": json.dumps({
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "redirect_uris": [f"{base}{CALLBACK}" for base in portal_urls],
            "post_logout_redirect_uris": [f"{base}{SIGNED_OUT}" for base in portal_urls],
        }),
        "PLATFORM_PEOPLE": json.dumps({name: {**p, "password": PLATFORM_PASSWORD} for name, p in people.items()}),
        CLOCK_ENV: timezone.now().isoformat(),  # the platform runs on the test's clock, not the wall clock
    }
    with open(log, "w") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "tests.run_on_clock", "tests.oidc_platform.serve"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"PLATFORM READY (\d+)", log.read_text())
        if found:
            return Platform(url=f"http://127.0.0.1:{found.group(1)}", process=process, log=log, people=people)
        assert process.poll() is None, log.read_text()
        time.sleep(0.1)
    process.kill()
    raise AssertionError(f"the test identity platform did not start:\n{log.read_text()}")


@pytest.fixture(scope="session")
def platform_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare_database(tmp_path_factory.mktemp("oidc-platform"))


@pytest.fixture
def platform(request: pytest.FixtureRequest, settings: Any, tmp_path: Path, platform_database: Path):  # type: ignore[no-untyped-def]
    """A running platform that the portal is configured for (the browser journey's live server is registered too)."""
    portal_urls = ["http://testserver"]
    if "live_server" in request.fixturenames:
        portal_urls.append(request.getfixturevalue("live_server").url)
    running = start_platform(tmp_path, portal_urls, template=platform_database)
    running.configure(settings)
    yield running
    running.process.terminate()
    try:
        running.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        running.process.kill()
