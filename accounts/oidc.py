"""Sign-in through the city's unified identity platform (统一身份认证, OpenID Connect) — DESIGN §3.

The platform proves who someone is; the portal decides what they may do. mozilla-django-oidc runs the
authorisation-code flow (PKCE, ``state`` and ``nonce`` checked) and PyJWT verifies the ID token — signature against
the platform's published keys, issuer, audience, expiry (:meth:`PlatformBackend._verify_jws`). On top of that this
module keeps the portal's rules:

* an account is found only by the identifier an account admin linked to it (``User.platform_id``, written by
  accounts/identity.py); the platform never creates an account nor gives one a role (``OIDC_CREATE_USER`` is off);
* a disabled or locked account is refused, as on the password form;
* the session remembers that it came from the platform (:data:`accounts.gate.PLATFORM_SESSION_KEY`): the gate then
  asks for no local-password change, and treats the second factor as done when the ID token's ``amr``/``acr`` say
  the platform used several factors (``OIDC_MFA_AMR_VALUES`` / ``OIDC_MFA_ACR_VALUES``);
* sign-out also ends the platform session where the platform offers an end-session endpoint (RP-initiated logout);
* every platform sign-in, refusal and failure is an audit event (the 15x block of AuditEventType).

Nothing here does anything unless an issuer (or discovery URL) and a client id are configured (:func:`enabled`).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from shequyun.audit import AuditEventType, record_event

from .gate import PLATFORM_SESSION_KEY
from .views.portal import SignOutView

logger = logging.getLogger(__name__)

#: mozilla-django-oidc settings the portal fixes: the flow is always PKCE + nonce, unsigned tokens are never
#: accepted, and the platform never creates accounts (the tiered rule provisions them).
FIXED: dict[str, Any] = {
    "OIDC_USE_PKCE": True,
    "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
    "OIDC_USE_NONCE": True,
    "OIDC_ALLOW_UNSECURED_JWT": False,
    "OIDC_CREATE_USER": False,
    "OIDC_VERIFY_KID": True,
    "OIDC_RP_IDP_SIGN_KEY": None,  # keys always come from the platform's JWKS
    "OIDC_STORE_ID_TOKEN": True,  # kept in the server-side session for the id_token_hint of RP-initiated logout
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_callback",
    "OIDC_REDIRECT_FIELD_NAME": "next",
}
#: Endpoint settings and the discovery document's key each one falls back to.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}
REQUIRED_ENDPOINTS = ("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT")
#: mozilla-django-oidc's session key for the ID token (OIDC_STORE_ID_TOKEN).
ID_TOKEN_SESSION_KEY = "oidc_id_token"  # noqa: S105 (a session key, not a secret)


class PlatformUnavailable(Exception):
    """The platform's discovery document could not be read or does not describe the configured issuer."""


class PlatformRefusal(Exception):
    """A platform sign-in that ends without a portal session, with the reason shown to the person and audited."""

    def __init__(self, reason: str, *, user: Any = None, identifier: str = "", detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.user = user
        self.identifier = identifier
        self.detail = detail


#: What the person reads for each reason. Refusals about the account name whom to ask (the tiered rule).
MESSAGES = {
    "unlinked": _("您已通过统一身份认证平台验证身份，但该身份尚未关联门户账号。门户账号由账号管理员逐级开通和关联："
                  "市、区、街镇工作人员请联系本单位同级的账号管理员，居村工作人员请联系所属街镇的账号管理员，"
                  "并告知下面的统一身份标识。"),
    "disabled": _("您的门户账号已停用，不能登录。如需恢复，请联系您的账号管理员。"),
    "locked": _("您的门户账号因连续登录失败已被暂时锁定，请稍后再试，或请您的账号管理员解除锁定。"),
    "invalid_token": _("统一身份认证平台返回的身份凭证未通过校验，本次登录未完成。请重新登录；如反复出现，请联系门户运维。"),
    "expired": _("统一身份认证平台返回的身份凭证已过期，本次登录未完成。请重新登录。"),
    "nonce": _("身份凭证与本次登录请求不符，本次登录未完成。请重新登录。"),
    "state": _("登录请求已失效或不属于本次会话（可能打开了旧页面或重复提交），请重新登录。"),
    "provider_error": _("统一身份认证平台未完成登录（已取消或出错），请重新登录。"),
    "unavailable": _("暂时无法连接统一身份认证平台，请稍后再试，或使用账号密码登录。"),
    "no_identifier": _("统一身份认证平台未提供身份标识，无法确定您的门户账号。请联系门户运维。"),
    "failed": _("统一身份认证登录未完成，请重新登录。"),
}
#: Refusals about the account (the platform did prove who the person is): 403; protocol failures: 400.
ACCOUNT_REASONS = {"unlinked", "disabled", "locked"}


# --- configuration -----------------------------------------------------------------------------------------------

def enabled() -> bool:
    """A platform is configured: an issuer or a discovery URL, and this portal's client id."""
    return bool((settings.OIDC_OP_ISSUER or settings.OIDC_OP_DISCOVERY_URL) and settings.OIDC_RP_CLIENT_ID)


def discovery_url() -> str:
    return settings.OIDC_OP_DISCOVERY_URL or f"{settings.OIDC_OP_ISSUER}/.well-known/openid-configuration"


def discovery_cache_key() -> str:
    return "oidc-discovery:" + hashlib.sha256(discovery_url().encode()).hexdigest()


def discovery() -> dict[str, Any]:
    """The platform's OpenID Provider metadata (cached ``OIDC_DISCOVERY_CACHE_SECONDS``). Its ``issuer`` must be
    the configured one (OpenID Connect Discovery §4.3)."""
    url = discovery_url()
    key = discovery_cache_key()
    document = cache.get(key)
    if document is not None:
        return document
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise PlatformUnavailable(f"discovery document {url}: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("issuer"), str):
        raise PlatformUnavailable(f"discovery document {url} has no issuer")
    if settings.OIDC_OP_ISSUER and document["issuer"].rstrip("/") != settings.OIDC_OP_ISSUER:
        raise PlatformUnavailable(f"discovery document {url} describes issuer {document['issuer']!r}")
    cache.set(key, document, settings.OIDC_DISCOVERY_CACHE_SECONDS)
    return document


def issuer() -> str:
    return settings.OIDC_OP_ISSUER or discovery()["issuer"].rstrip("/")


def setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings, as the portal resolves them: fixed values, then endpoints from the settings
    or else from the discovery document, then Django settings."""
    if attr in FIXED:
        return FIXED[attr]
    if attr in DISCOVERED:
        value = getattr(settings, attr, "") or discovery().get(DISCOVERED[attr], "")
        if not value and attr in REQUIRED_ENDPOINTS:
            raise PlatformUnavailable(f"the platform publishes no {DISCOVERED[attr]}")
        return value or ""
    return import_from_settings(attr, *default)


def multi_factor(claims: dict[str, Any]) -> bool:
    """The ID token says the platform used several factors: an ``amr`` value in ``OIDC_MFA_AMR_VALUES`` or the
    ``acr`` in ``OIDC_MFA_ACR_VALUES``."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = amr.split()
    acr = claims.get("acr")
    return bool({str(value) for value in amr} & set(settings.OIDC_MFA_AMR_VALUES)) or (
        bool(acr) and str(acr) in settings.OIDC_MFA_ACR_VALUES)


# --- the authentication backend ------------------------------------------------------------------------------

class PlatformBackend(OIDCAuthenticationBackend):
    """Answers only the platform's callback (the other backends answer the password form). Finds the account
    linked to the verified identifier; never creates one."""

    get_settings = staticmethod(setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Instantiated for every password sign-in and on every request of a platform session: read no
        # configuration (and ask the platform nothing) here.
        self.UserModel = get_user_model()
        self._id_token = False

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: setting("OIDC_OP_JWKS_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = None

    def get_user(self, user_id: Any) -> Any:
        # ModelBackend's rule, not mozilla-django-oidc's: a disabled account's platform session ends at once too.
        return ModelBackend.get_user(self, user_id)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if request is None or "nonce" not in kwargs or not enabled():
            return None  # a password sign-in (the callback always passes nonce and code_verifier)
        return super().authenticate(request, **kwargs)

    def verify_token(self, token: Any, **kwargs: Any) -> dict[str, Any]:
        self._id_token = "nonce" in kwargs  # the ID token (the userinfo response may be a JWT too)
        try:
            return super().verify_token(token, **kwargs)
        except SuspiciousOperation as exc:  # mozilla-django-oidc: nonce mismatch, or no key matching the token
            raise PlatformRefusal("nonce" if "Nonce" in str(exc) else "invalid_token", detail=str(exc)) from exc

    def retrieve_matching_jwk(self, token: Any) -> Any:
        """The platform's published key that signed ``token``: only for the configured algorithm and a token that
        names its key (``kid``); anything else (``alg: none``, another algorithm) is refused before any key is used."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise PlatformRefusal("invalid_token", detail=f"{type(exc).__name__}: {exc}") from exc
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO or not header.get("kid"):
            raise PlatformRefusal("invalid_token", detail=f"header {header!r}: expected {self.OIDC_RP_SIGN_ALGO} with a kid")
        return super().retrieve_matching_jwk(token)

    def _verify_jws(self, payload: Any, key: Any) -> dict[str, Any]:
        """PyJWT verifies the signature, and for the ID token also the issuer, the audience (this client) and the
        expiry, all of which must be present (mozilla-django-oidc alone checks neither issuer nor audience)."""
        try:
            algorithm = jwt.get_unverified_header(payload).get("alg")
        except jwt.PyJWTError as exc:
            raise PlatformRefusal("invalid_token", detail=f"{type(exc).__name__}: {exc}") from exc
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise PlatformRefusal("invalid_token", detail=f"algorithm {algorithm!r}, expected {self.OIDC_RP_SIGN_ALGO!r}")
        try:
            if self._id_token:
                expected = issuer()
                return jwt.decode(payload, key, algorithms=[algorithm], audience=self.OIDC_RP_CLIENT_ID,
                                  issuer=[expected, f"{expected}/"], leeway=settings.OIDC_LEEWAY_SECONDS,
                                  options={"require": ["iss", "aud", "exp", "iat", "sub"]})
            return jwt.decode(payload, key, algorithms=[algorithm], leeway=settings.OIDC_LEEWAY_SECONDS,
                              options={"verify_aud": False})
        except jwt.ExpiredSignatureError as exc:
            raise PlatformRefusal("expired", detail=str(exc)) from exc
        except jwt.PyJWTError as exc:
            raise PlatformRefusal("invalid_token", detail=f"{type(exc).__name__}: {exc}") from exc

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims, completed by the userinfo endpoint when the platform has one; the ID token's
        (signed) claims win, and both must name the same subject (OpenID Connect Core §5.3.2)."""
        if not self.OIDC_OP_USER_ENDPOINT:
            return dict(payload)
        info = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
            raise PlatformRefusal("invalid_token", detail="the userinfo subject differs from the ID token's")
        return {**info, **payload}

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        from .services.accounts import user_is_locked

        claims = self.get_userinfo(access_token, id_token, payload)
        value = claims.get(settings.OIDC_IDENTIFIER_CLAIM)
        identifier = str(value).strip() if value not in (None, "") else ""
        if not identifier:
            raise PlatformRefusal("no_identifier", detail=f"claim {settings.OIDC_IDENTIFIER_CLAIM!r} missing")
        user = self.UserModel._default_manager.filter(platform_id=identifier).first()
        if user is None:
            raise PlatformRefusal("unlinked", identifier=identifier)
        if not user.is_active:
            raise PlatformRefusal("disabled", user=user, identifier=identifier)
        if user_is_locked(user):
            raise PlatformRefusal("locked", user=user, identifier=identifier)
        amr = payload.get("amr")
        user.platform_sign_in = {
            "identifier": identifier, "mfa": multi_factor(payload),
            "amr": amr if isinstance(amr, list) else ([amr] if amr else []), "acr": str(payload.get("acr") or ""),
        }
        return user


# --- views ------------------------------------------------------------------------------------------------------

def refused(request: HttpRequest, refusal: PlatformRefusal) -> HttpResponse:
    """Audit the refusal and tell the person why, and whom to ask."""
    from .services.accounts import account_managers

    if hasattr(request, "session"):
        request.session.pop(ID_TOKEN_SESSION_KEY, None)
    reason = refusal.reason if refusal.reason in MESSAGES else "failed"
    user = refusal.user
    if reason == "unlinked":
        record_event(AuditEventType.PLATFORM_ID_UNKNOWN, request=request, region_path="", identifier=refusal.identifier)
    else:
        record_event(AuditEventType.PLATFORM_SIGN_IN_FAILED, username=getattr(user, "username", ""), target=user,
                     request=request, reason=reason, detail=refusal.detail[:500], identifier=refusal.identifier)
    if reason not in ACCOUNT_REASONS:
        logger.warning("unified identity sign-in failed: %s", refusal)
    status = 403 if reason in ACCOUNT_REASONS else 503 if reason == "unavailable" else 400
    return render(request, "accounts/oidc_refused.html", {
        "reason": reason, "message": MESSAGES[reason], "identifier": refusal.identifier,
        "managers": account_managers(user) if user is not None else [],
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }, status=status)


class PlatformSignInView(OIDCAuthenticationRequestView):
    """「统一身份认证登录」: redirect to the platform's authorisation endpoint (state, nonce and the PKCE verifier
    are kept in the session)."""

    get_settings = staticmethod(setting)

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the endpoint is resolved per request: the platform may be unreachable

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except PlatformUnavailable as exc:
            return refused(request, PlatformRefusal("unavailable", detail=str(exc)))
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class PlatformCallbackView(OIDCAuthenticationCallbackView):
    """The platform sends the person back here with a code: exchange it, verify the ID token, sign in the linked
    account — or say why not."""

    get_settings = staticmethod(setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        try:
            return super().get(request)
        except PlatformRefusal as refusal:
            return refused(request, refusal)
        except SuspiciousOperation as exc:  # a state that this session did not start (replayed or forged)
            return refused(request, PlatformRefusal("state", detail=str(exc)))
        except PlatformUnavailable as exc:
            return refused(request, PlatformRefusal("unavailable", detail=str(exc)))
        except (requests.RequestException, jwt.PyJWTError, ValueError, KeyError, TypeError) as exc:
            # The platform's answers are outside input: an error page and an audit entry, never a 500.
            return refused(request, PlatformRefusal("provider_error", detail=f"{type(exc).__name__}: {exc}"))

    def login_failure(self) -> HttpResponse:
        query = self.request.GET
        if query.get("error"):
            detail = f"{query.get('error')}: {query.get('error_description', '')}"[:500]
            return refused(self.request, PlatformRefusal("provider_error", detail=detail))
        if "code" in query and "state" in query and "oidc_states" not in self.request.session:
            return refused(self.request, PlatformRefusal("state", detail="no sign-in was started in this session"))
        return refused(self.request, PlatformRefusal("failed"))

    def login_success(self) -> HttpResponse:
        facts = getattr(self.user, "platform_sign_in", {})
        response = super().login_success()  # auth.login(): the generic SIGN_IN event and the anomaly checks
        self.request.session[PLATFORM_SESSION_KEY] = {"user": self.user.pk, "mfa": bool(facts.get("mfa"))}
        record_event(AuditEventType.PLATFORM_SIGN_IN, actor=self.user, request=self.request,
                     identifier=facts.get("identifier", ""), mfa=bool(facts.get("mfa")), amr=facts.get("amr", []),
                     acr=facts.get("acr", ""))
        return response


def end_session_url(request: HttpRequest) -> str:
    """Where to send the browser to end the platform session too (RP-initiated logout), or "" when this session
    did not come from the platform or the platform has no end-session endpoint."""
    if not (enabled() and settings.OIDC_RP_INITIATED_LOGOUT):
        return ""
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    if not id_token or not request.session.get(PLATFORM_SESSION_KEY):
        return ""
    try:
        endpoint = setting("OIDC_OP_LOGOUT_ENDPOINT")
    except PlatformUnavailable:
        logger.warning("unified identity: platform unreachable, its session is not ended", exc_info=True)
        return ""
    if not endpoint:
        return ""
    params = urlencode({
        "id_token_hint": id_token, "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL)),
    })
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{params}"


class PlatformAwareSignOutView(SignOutView):
    """Sign-out (POST): ends the portal session and, for a platform session, continues to the platform's
    end-session endpoint, which comes back to the sign-in page."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        end_session = end_session_url(request)
        if end_session and request.user.is_authenticated:
            record_event(AuditEventType.PLATFORM_SIGN_OUT, actor=request.user, request=request)
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(end_session) if end_session else response
