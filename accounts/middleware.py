from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

OTP_ALLOWED_PREFIXES = ("/accounts/otp/", "/accounts/logout/", "/static/", "/i18n/", "/jsi18n/", "/api/", "/healthz/",
                        "/accounts/preferences/")
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


def second_factor_required(user) -> bool:  # type: ignore[no-untyped-def]
    from django.conf import settings

    required = set(settings.OTP_REQUIRED_ROLES)
    return bool(required) and bool(required & set(user.role_slugs))


class SecondFactorMiddleware:
    """Account admins and security officers (``OTP_REQUIRED_ROLES``) confirm each browser sign-in with a TOTP code;
    until they have enrolled a device they only reach the enrolment page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OTP_ALLOWED_PREFIXES)
            and second_factor_required(user)
            and not user.is_verified()
        ):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            return redirect("accounts:otp_verify" if enrolled else "accounts:otp_setup")
        return self.get_response(request)
