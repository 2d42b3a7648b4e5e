from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

ALLOWED_PREFIXES = ("/accounts/password/", "/accounts/logout/", "/static/", "/i18n/", "/jsi18n/",
                    "/accounts/preferences/", "/api/", "/healthz/", "/accounts/otp/")


class ForcePasswordChangeMiddleware:
    """While a password must be changed (first sign-in, after a reset, after 30 days) the browser only reaches the
    password page. (The API has the same rule as a DRF permission: accounts/api/permissions.py.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (user.must_change_password or user.password_expired)
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            return redirect("accounts:password_change")
        return self.get_response(request)
