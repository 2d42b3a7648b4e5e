"""The sign-in gate, written once for every channel (DESIGN §3).

A signed-in person may still have something to do before they may use the portal:

1. **enrol** a TOTP device, when one of their roles needs a second factor (``OTP_REQUIRED_ROLES``) and they have none;
2. **verify** this sign-in with a TOTP code;
3. **change their password** (first sign-in, after a reset, after ``PASSWORD_MAX_AGE_DAYS``) — only when they
   signed in with that password: a sign-in through the unified identity platform (accounts/oidc.py) used no local
   password, and a platform that reports several factors (``amr``/``acr``) counts as the verify step.

:func:`pending_step` says which, for any user and channel. It is enforced in three places that all call it:

* :class:`GateMiddleware` for everything that arrives with a session — pages (redirect to the step's page) and
  session-authenticated API calls (403 with a message saying what to do);
* :class:`accounts.api.permissions.PortalGate`, a DRF permission, for token-authenticated API calls;
* token issuance (``POST /api/v1/auth/token/``), which asks for the ``otp`` field when the second factor applies,
  so a token is verified from birth.

:data:`EXEMPT` is the one list of URL names a pending step does not block (the steps' own pages, sign-out,
language and font size, health). ``tests/accounts/test_gate.py`` walks every URL pattern and checks that each is
either gated or on this list.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy


class Step(StrEnum):
    ENROL = "enrol"
    VERIFY = "verify"
    CHANGE_PASSWORD = "change_password"  # noqa: S105 (a step name, not a password)


#: URL names that stay reachable whatever step is pending, with the reason.
EXEMPT: dict[str, str] = {
    "accounts:login": "signing in",
    "accounts:oidc_authenticate": "signing in through the unified identity platform",
    "accounts:oidc_callback": "signing in through the unified identity platform (the platform's answer)",
    "accounts:logout": "signing out is always possible",
    "accounts:otp_setup": "the enrol step itself",
    "accounts:otp_verify": "the verify step itself",
    "accounts:font_scale": "large-type preference on the step pages",
    "set_language": "language switch on the step pages",
    "javascript-catalog": "translations used by the step pages",
    "healthz": "load-balancer probe, no personal data",
    "readyz": "load-balancer readiness probe, no personal data",
    "api-token": "token issuance checks the second factor itself (the otp field)",
}
#: Session key of a sign-in through the unified identity platform, written by accounts/oidc.py after login():
#: ``{"user": <pk>, "mfa": <the platform reported several factors>}``.
PLATFORM_SESSION_KEY = "platform_sign_in"
#: URL names reachable while only the password change is pending (after the second factor).
PASSWORD_STEP_PAGES = {"accounts:password_change", "api-password"}

MESSAGES = {
    Step.ENROL: gettext_lazy("须先在门户中绑定身份验证器（动态验证码），才能使用本功能。"),
    Step.VERIFY: gettext_lazy("须先输入身份验证器中的动态验证码，才能使用本功能。"),
    Step.CHANGE_PASSWORD: gettext_lazy("必须先修改密码：请调用 POST /api/v1/auth/password/（old_password, new_password）。"),
}
PAGES = {Step.ENROL: "accounts:otp_setup", Step.VERIFY: "accounts:otp_verify",
         Step.CHANGE_PASSWORD: "accounts:password_change"}


def second_factor_required(user: Any) -> bool:
    required = set(settings.OTP_REQUIRED_ROLES)
    return bool(required) and bool(required & set(user.role_slugs))


def has_confirmed_device(user: Any) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_step(user: Any, *, verified: bool, local_password: bool = True) -> Step | None:
    """What ``user`` must do first, or None. ``verified``: this sign-in confirmed a TOTP code (a session that passed
    the verify step, or a token issued with a code) or came from a platform that used several factors.
    ``local_password``: this sign-in used the portal's own password (False for the unified identity platform,
    where the password rules do not apply)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if second_factor_required(user) and not verified:
        return Step.VERIFY if has_confirmed_device(user) else Step.ENROL
    if local_password and (user.must_change_password or user.password_expired):
        return Step.CHANGE_PASSWORD
    return None


def session_channel(request: HttpRequest, user: Any) -> tuple[bool, bool]:
    """``(verified, local_password)`` of a session-authenticated request, for :func:`pending_step`."""
    verified = bool(getattr(user, "is_verified", lambda: False)())
    session = getattr(request, "session", None)
    platform = session.get(PLATFORM_SESSION_KEY) if session is not None else None
    if not isinstance(platform, dict) or platform.get("user") != user.pk:
        return verified, True
    return verified or bool(platform.get("mfa")), False


def blocks(step: Step, url_name: str) -> bool:
    if url_name in EXEMPT:
        return False
    return not (step == Step.CHANGE_PASSWORD and url_name in PASSWORD_STEP_PAGES)


def gate_message(step: Step) -> str:
    return str(MESSAGES[step])


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class GateMiddleware:
    """Session channel: pages redirect to the pending step's page; session API calls answer 403 saying what to do.
    Token-authenticated API calls are not signed in at this point; DRF's PortalGate checks them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        verified, local_password = session_channel(request, user)
        step = pending_step(user, verified=verified, local_password=local_password)
        if step is None:
            return None
        match = request.resolver_match
        url_name = match.view_name if match is not None else ""
        if not blocks(step, url_name):
            return None
        if _is_api(request):
            return JsonResponse({"detail": gate_message(step), "step": step.value}, status=403)
        target = redirect(PAGES[step])
        if step != Step.CHANGE_PASSWORD and request.method == "GET":
            from urllib.parse import urlencode

            target["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return target
