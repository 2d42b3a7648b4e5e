import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .logs import new_request_id, request_id_var

logger = logging.getLogger(__name__)
access_log = logging.getLogger("shequyun.access")


class PortalLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose otherwise with the language switch (DESIGN §1).

    Django's own middleware would follow the browser's Accept-Language header; government staff on an
    English-configured browser still get the Chinese portal until they switch.
    """

    def process_request(self, request: HttpRequest) -> None:
        supported = {code for code, _name in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RequestIdMiddleware:
    """Gives each request an id (the load balancer's ``X-Request-ID`` or a new one), puts it on every log line of
    the request and of the Celery tasks it sends (shequyun/logs.py), returns it in the response, and writes one
    access-log line per request (``shequyun.access``: method, path, status, duration, user)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = new_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            access_log.info(
                "%s %s %s", request.method, request.path, response.status_code,
                extra={"method": request.method, "path": request.path, "status": response.status_code,
                       "duration_ms": round((time.monotonic() - started) * 1000, 1),
                       "user_id": getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None},
            )
            return response
        finally:
            request_id_var.reset(token)


class DatabaseUnavailableMiddleware:
    """A database restart or fail-over must not show a 500 page (issue 9 point 10).

    ``shequyun.views.server_error`` answers a database connection error with 503 + ``Retry-After`` (marked
    ``database_unavailable``). Here, a read (GET/HEAD/OPTIONS — safe to repeat) that got such an answer is retried
    ``DATABASE_RETRY_READS`` times after closing the broken connections; writes are never repeated: their
    transaction was rolled back, and the client sees the 503 and may send them again.
    """

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        retries = settings.DATABASE_RETRY_READS if request.method in self.SAFE else 0
        while getattr(response, "database_unavailable", False) and retries > 0:
            retries -= 1
            for conn in connections.all(initialized_only=True):
                conn.close_if_unusable_or_obsolete()
            time.sleep(settings.DATABASE_RETRY_DELAY)
            logger.warning("database unavailable, retrying %s %s", request.method, request.path)
            response = self.get_response(request)
        return response


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before host validation and the HTTPS redirect: a load balancer probes each node
    by its address over plain HTTP. Placed after SecurityMiddleware and CSPMiddleware (whose headers it keeps;
    SECURE_REDIRECT_EXEMPT lists the two paths) and before CommonMiddleware (which would check the Host header)."""

    PATHS = {"/healthz": "healthz", "/healthz/": "healthz", "/readyz": "readyz", "/readyz/": "readyz"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        name = self.PATHS.get(request.path)
        if name is None:
            return self.get_response(request)
        from . import views

        response = getattr(views, name)(request)
        response["X-Frame-Options"] = "DENY"
        return response


RENEWED_AT = "_renewed_at"


def session_renewed_at_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Signing in saves the session with a fresh expiry: the first request after it need not write it again."""
    session = getattr(request, "session", None)
    if session is not None:
        session[RENEWED_AT] = int(time.time())


class SessionRenewalMiddleware:
    """The idle timeout (``SESSION_COOKIE_AGE``, DESIGN §3) renewed at most once every ``SESSION_RENEW_SECONDS``.

    Django's ``SESSION_SAVE_EVERY_REQUEST`` writes the session back on every request — 3 of the 8 queries of a
    session-authenticated API list. Here a signed-in session is written only when its last renewal is older than the
    interval (default 60 s), so an idle session still ends 30 minutes after the last activity, give or take that
    minute. Sessions with nothing in them (no sign-in) and token calls (no session cookie) are never written.
    Placed right after SessionMiddleware, so its response hook runs before the session is saved."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.interval = int(getattr(settings, "SESSION_RENEW_SECONDS", 60))

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None or session.modified or not list(session.keys()):
            return response
        now = int(time.time())
        if now - int(session.get(RENEWED_AT, 0)) >= self.interval:
            session[RENEWED_AT] = now  # modified: SessionMiddleware saves it with a fresh expiry
        return response
