"""The production path, as the image runs it (issue 16): static files built by scripts/build-static (the
Dockerfile's step) with the production settings, gunicorn on loopback with the production settings, then the pages an
operator checks first — sign-in, API docs, a 404, a static file, /healthz and /readyz — each with the security
headers and a Content-Security-Policy that allows no inline script."""

from __future__ import annotations

import json
import re

import pytest

from tests.ops.production import HOST, ROOT, Gunicorn, production_env, run

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("production")
    env = production_env(folder)
    run([str(ROOT / "scripts" / "build-static")], env)
    assert (folder / "static" / "staticfiles.json").exists()
    run([env["PYTHON"], "manage.py", "migrate", "--noinput", "-v0"], env)
    run([env["PYTHON"], "manage.py", "createsuperuser", "--noinput"],
        {**env, "DJANGO_SUPERUSER_USERNAME": "smoke", "DJANGO_SUPERUSER_PASSWORD": "Smoke#Pass2026"})
    server = Gunicorn(folder, env)
    yield server
    server.stop()


def assert_secure_headers(answer, *, hsts: bool = True) -> None:  # type: ignore[no-untyped-def]
    for name, value in SECURITY_HEADERS.items():
        assert answer.header(name) == value, (name, dict(answer.headers))
    if hsts:
        assert "max-age=31536000" in answer.header("Strict-Transport-Security")
    csp = answer.header("Content-Security-Policy")
    assert csp, dict(answer.headers)
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"], csp
    assert directives["default-src"] == ["'self'"], csp
    assert directives["object-src"] == ["'none'"], csp
    assert directives["frame-ancestors"] == ["'none'"], csp
    assert answer.header("X-Request-ID")


def test_sign_in_page_is_served_with_hashed_static_files_and_secure_headers(stack):
    answer = stack.get("/accounts/login/")
    assert answer.status == 200, answer.body[:2000]
    assert_secure_headers(answer)
    assert answer.header("X-Frame-Options") == "DENY"
    html = answer.body.decode()
    assert re.search(r'/static/css/portal\.[0-9a-f]{12}\.css', html), "static files are not the hashed names"
    assert re.search(r'/static/img/favicon\.[0-9a-f]{12}\.svg', html)
    # No inline script: every <script> has a src, and no element carries an on* handler.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+=", html)
    csrf = answer.cookies["csrftoken"]
    assert "Secure" in csrf
    assert "HttpOnly" in csrf


def test_plain_http_is_redirected_to_https(stack):
    answer = stack.get("/accounts/login/", secure=False)
    assert answer.status == 301
    assert answer.header("Location") == f"https://{HOST}/accounts/login/"


def test_api_docs_and_their_script_for_a_signed_in_client(stack):
    token = stack.request("POST", "/api/v1/auth/token/", body=json.dumps(
        {"username": "smoke", "password": "Smoke#Pass2026"}).encode(), headers={"Content-Type": "application/json"})
    assert token.status == 200, token.body
    auth = {"Authorization": f"Token {token.json()['token']}"}
    assert stack.get("/api/v1/docs/").status in (401, 403)
    docs = stack.get("/api/v1/docs/", headers=auth)
    assert docs.status == 200, docs.body[:2000]
    assert_secure_headers(docs)
    html = docs.body.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "Swagger UI must load its script from a URL (CSP)"
    script = re.search(r'<script src="([^"]*\?script=[^"]*)"', html)
    assert script, html
    assert stack.get(script.group(1).replace("&amp;", "&"), headers=auth).status == 200
    css = re.search(r'href="(/static/drf_spectacular_sidecar/[^"]+\.css)"', html)
    assert css
    assert stack.get(css.group(1)).status == 200
    schema = stack.get("/api/v1/schema/", headers=auth)
    assert schema.status == 200
    assert b"openapi" in schema.body


def test_a_missing_page_is_a_404_page_not_a_500(stack):
    answer = stack.get("/no-such-page/")
    assert answer.status == 404
    assert_secure_headers(answer)
    assert "text/html" in answer.header("Content-Type")
    assert stack.get("/api/v1/no-such-thing/").status == 404


def test_a_static_file_is_served_compressed_and_cached_forever(stack):
    login = stack.get("/accounts/login/").body.decode()
    path = re.search(r'(/static/css/portal\.[0-9a-f]{12}\.css)', login).group(1)
    answer = stack.get(path, headers={"Accept-Encoding": "gzip"})
    assert answer.status == 200
    assert answer.header("Content-Encoding") == "gzip"
    assert "immutable" in answer.header("Cache-Control")
    assert_secure_headers(answer)
    bootstrap = stack.get("/static/vendor/bootstrap/bootstrap.bundle.min.js")
    assert bootstrap.status == 200


def test_health_endpoints_answer_the_load_balancer_over_plain_http_by_address(stack):
    # A load balancer probes each node by its address, over HTTP: no Host check, no redirect.
    live = stack.get("/healthz", host="10.1.2.3", secure=False)
    assert live.status == 200
    assert live.json() == {"status": "ok"}
    assert_secure_headers(live, hsts=False)
    ready = stack.get("/readyz", host="10.1.2.3", secure=False)
    assert ready.status == 200, ready.body
    body = ready.json()
    for check in ("database", "broker", "storage"):
        assert body["checks"][check]["ok"] is True, body
    assert set(body["checks"]) >= {"database", "broker", "storage", "beat", "calendar"}
    assert body["status"] in ("ready", "degraded")  # no beat runs beside this gunicorn: degraded, still serving
    assert_secure_headers(ready, hsts=False)
    assert stack.get("/readyz/", secure=True).status == 200


def test_logs_are_json_lines_carrying_the_request_id(stack):
    stack.get("/accounts/login/", headers={"X-Request-ID": "smoke-request-42"})
    lines = [json.loads(line) for line in stack.log.read_text().splitlines() if line.startswith("{")]
    access = [entry for entry in lines if entry.get("request_id") == "smoke-request-42"]
    assert access, stack.log.read_text()[-3000:]
    assert access[-1]["logger"] == "shequyun.access"
    assert access[-1]["status"] == 200
    assert access[-1]["path"] == "/accounts/login/"
