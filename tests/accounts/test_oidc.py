"""Sign-in through the unified identity platform (accounts/oidc.py) against a real OpenID Connect provider
(django-oauth-toolkit, its own process: tests/oidc_platform). Nothing of the protocol is mocked: the tampered token
is a real one altered on its way to the portal, the wrong nonce a real authorisation request altered on its way
to the platform, the expired token a real one that the portal reads too late."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.gate import PLATFORM_SESSION_KEY
from accounts.oidc import PlatformBackend
from accounts.roles import Role
from shequyun.models import AuditEvent, AuditEventType
from tests.factories import TEST_PASSWORD
from tests.oidc_platform.harness import with_query

pytestmark = pytest.mark.django_db


def signed_in_as(client):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user

    class _Request:
        session = client.session

    user = get_user(_Request())
    return user if user.is_authenticated else None


def events(kind: AuditEventType):  # type: ignore[no-untyped-def]
    return list(AuditEvent.objects.filter(event_type=kind).order_by("id"))


def refusal(response) -> str:  # type: ignore[no-untyped-def]
    return response.context["reason"]


# --- no platform configured: nothing changes --------------------------------------------------------------------

def test_without_a_platform_the_sign_in_page_has_only_the_password_form(client):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert "统一身份认证登录" not in page.content.decode()
    assert client.get("/accounts/oidc/authenticate/").status_code == 404
    assert client.get("/accounts/oidc/callback/", {"code": "x", "state": "y"}).status_code == 404


def test_without_a_platform_password_sign_in_works_as_before(client, make_user):
    user = make_user("dongming")
    assert client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})["Location"] == "/"
    assert signed_in_as(client) == user


def test_with_a_platform_the_sign_in_page_offers_it_beside_the_password_form(client, settings):
    settings.OIDC_OP_ISSUER = "http://127.0.0.1:9/o"
    settings.OIDC_RP_CLIENT_ID = "portal"
    page = client.get("/accounts/login/", {"next": "/scenarios/"}).content.decode()
    assert 'id="id_password"' in page
    assert "统一身份认证登录" in page
    assert 'href="/accounts/oidc/authenticate/?next=/scenarios/"' in page


# --- the happy path ----------------------------------------------------------------------------------------------

def test_a_linked_person_signs_in_through_the_platform(client, platform, make_user):
    user = make_user("dongming", platform_id=platform.identifier("zhang.wei"))
    start = client.get("/accounts/oidc/authenticate/")
    authorize = dict(parse_qsl(urlsplit(start["Location"]).query))
    # Authorisation-code flow with PKCE (S256), state and nonce; the client secret never travels through the browser.
    assert authorize["response_type"] == "code"
    assert authorize["code_challenge_method"] == "S256"
    assert len(authorize["code_challenge"]) == 43
    assert len(authorize["state"]) >= 32
    assert len(authorize["nonce"]) >= 32
    assert "client_secret" not in start["Location"]

    response = platform.sign_in(client, "zhang.wei", next_url="/scenarios/")
    assert response.status_code == 302
    assert response["Location"] == "/scenarios/"
    assert signed_in_as(client) == user
    assert client.session[PLATFORM_SESSION_KEY] == {"user": user.pk, "mfa": False}
    [event] = events(AuditEventType.PLATFORM_SIGN_IN)
    assert event.actor == user
    assert event.extra == {"identifier": "SH-GOV-0001", "mfa": False, "amr": ["pwd"], "acr": ""}
    assert AuditEvent.objects.filter(event_type=AuditEventType.SIGN_IN, actor=user).exists()
    assert client.get("/").status_code == 200


def test_the_platform_never_creates_an_account_nor_changes_one(client, platform, make_user):
    user = make_user("dongming", platform_id=platform.identifier("zhang.wei"), full_name="本地姓名")
    before = {u.pk for u in type(user).objects.all()}
    platform.sign_in(client, "zhang.wei")
    user.refresh_from_db()
    assert user.full_name == "本地姓名"  # the platform's name claim (张伟) does not overwrite the account
    assert {u.pk for u in type(user).objects.all()} == before
    assert user.role_slugs == []


def test_a_callback_cannot_be_replayed(client, platform, make_user):
    make_user("dongming", platform_id=platform.identifier("zhang.wei"))
    start = client.get("/accounts/oidc/authenticate/")
    callback = urlsplit(platform.authorize(start["Location"], "zhang.wei"))
    assert client.get(f"{callback.path}?{callback.query}").status_code == 302
    client.logout()
    replay = client.get(f"{callback.path}?{callback.query}")
    assert replay.status_code == 400
    assert refusal(replay) == "state"
    assert signed_in_as(client) is None
    assert events(AuditEventType.PLATFORM_SIGN_IN_FAILED)[-1].extra["reason"] == "state"


# --- the ID token is verified ------------------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _impersonate(token: str) -> str:
    header, body, signature = token.split(".")
    claims = json.loads(_unb64(body))
    claims["sub"] = "SH-GOV-0002"  # another linked person
    return ".".join([header, _b64(json.dumps(claims).encode()), signature])


def _bad_signature(token: str) -> str:
    header, body, signature = token.split(".")
    raw = bytearray(_unb64(signature))
    raw[0] ^= 0xFF
    return ".".join([header, body, _b64(bytes(raw))])


def _unsigned(token: str) -> str:
    _header, body, _signature = token.split(".")
    return ".".join([_b64(json.dumps({"alg": "none", "typ": "JWT"}).encode()), body, ""])


@pytest.mark.parametrize("tamper", [_impersonate, _bad_signature, _unsigned], ids=["claims", "signature", "alg-none"])
def test_a_tampered_id_token_is_refused(client, platform, make_user, monkeypatch, tamper):
    make_user("dongming", platform_id=platform.identifier("zhang.wei"))
    victim = make_user("dongming", platform_id=platform.identifier("li.na"))
    real_get_token = PlatformBackend.get_token

    def altered_in_transit(self, payload):  # type: ignore[no-untyped-def]
        answer = real_get_token(self, payload)  # the platform's real answer …
        return {**answer, "id_token": tamper(answer["id_token"])}  # … altered before the portal reads it

    monkeypatch.setattr(PlatformBackend, "get_token", altered_in_transit)
    response = platform.sign_in(client, "zhang.wei")
    assert response.status_code == 400
    assert refusal(response) == "invalid_token"
    assert "未通过校验" in response.content.decode()
    assert signed_in_as(client) is None
    assert not AuditEvent.objects.filter(event_type=AuditEventType.PLATFORM_SIGN_IN).exists()
    [failure] = events(AuditEventType.PLATFORM_SIGN_IN_FAILED)
    assert failure.extra["reason"] == "invalid_token"
    assert not AuditEvent.objects.filter(actor=victim).exists()


def test_an_id_token_for_another_client_is_refused(client, platform, make_user, settings, monkeypatch):
    """The audience is checked: a real token whose ``aud`` is not this portal's client id does not open it."""
    make_user("dongming", platform_id=platform.identifier("zhang.wei"))
    real_get_token = PlatformBackend.get_token

    def exchanged_for_another_client(self, payload):  # type: ignore[no-untyped-def]
        answer = real_get_token(self, payload)  # issued to shequyun-portal …
        settings.OIDC_RP_CLIENT_ID = "another-portal"  # … and read by a portal registered as another client
        return answer

    monkeypatch.setattr(PlatformBackend, "get_token", exchanged_for_another_client)
    response = platform.sign_in(client, "zhang.wei")
    assert response.status_code == 400
    assert refusal(response) == "invalid_token"
    assert "InvalidAudienceError" in events(AuditEventType.PLATFORM_SIGN_IN_FAILED)[-1].extra["detail"]
    assert signed_in_as(client) is None


def test_an_id_token_from_another_issuer_is_refused(client, platform, make_user, monkeypatch):
    make_user("dongming", platform_id=platform.identifier("zhang.wei"))
    monkeypatch.setattr("accounts.oidc.issuer", lambda: "https://elsewhere.example/o")
    response = platform.sign_in(client, "zhang.wei")
    assert response.status_code == 400
    assert refusal(response) == "invalid_token"
    assert "InvalidIssuerError" in events(AuditEventType.PLATFORM_SIGN_IN_FAILED)[-1].extra["detail"]
    assert signed_in_as(client) is None


def test_a_wrong_nonce_is_refused(client, platform, make_user):
    make_user("dongming", platform_id=platform.identifier("zhang.wei"))
    # The authorisation request is altered on its way to the platform: the ID token carries another nonce than
    # the one this session asked for (token injection / replay).
    response = platform.sign_in(client, "zhang.wei", tamper_authorize=lambda url: with_query(url, nonce="F" * 32))
    assert response.status_code == 400
    assert refusal(response) == "nonce"
    assert signed_in_as(client) is None
    assert events(AuditEventType.PLATFORM_SIGN_IN_FAILED)[-1].extra["reason"] == "nonce"


def test_an_expired_id_token_is_refused(client, platform, make_user, clock):
    make_user("dongming", platform_id=platform.identifier("zhang.wei"))
    # The platform's ID tokens live 300 s (tests/oidc_platform/settings.py), the portal allows 60 s of skew: the
    # token is read ten minutes after the platform issued it.
    response = platform.sign_in(client, "zhang.wei",
                                before_callback=lambda: clock.move_to(timezone.now() + timedelta(minutes=10)))
    assert response.status_code == 400
    assert refusal(response) == "expired"
    assert "已过期" in response.content.decode()
    assert signed_in_as(client) is None
    assert events(AuditEventType.PLATFORM_SIGN_IN_FAILED)[-1].extra["reason"] == "expired"


def test_the_platform_answering_with_an_error_is_shown_and_audited(client, platform):
    client.get("/accounts/oidc/authenticate/")
    response = client.get("/accounts/oidc/callback/", {"error": "access_denied", "error_description": "用户取消"})
    assert response.status_code == 400
    assert refusal(response) == "provider_error"
    assert events(AuditEventType.PLATFORM_SIGN_IN_FAILED)[-1].extra["detail"].startswith("access_denied")


def test_an_unreachable_platform_is_a_clear_page_not_a_500(client, settings):
    settings.OIDC_OP_ISSUER = "http://127.0.0.1:9/o"  # discard port: nothing listens
    settings.OIDC_RP_CLIENT_ID = "portal"
    settings.OIDC_TIMEOUT = 2
    response = client.get("/accounts/oidc/authenticate/")
    assert response.status_code == 503
    assert refusal(response) == "unavailable"
    assert "使用账号密码登录" in response.content.decode()


# --- the tiered rule: the platform proves who, the portal decides whether ------------------------------------

def test_an_unlinked_person_is_told_whom_to_ask_and_the_attempt_is_recorded(client, platform, make_user):
    make_user("dongming", platform_id=platform.identifier("zhang.wei"))
    response = platform.sign_in(client, "chen.jing")
    assert response.status_code == 403
    text = response.content.decode()
    assert "尚未关联门户账号" in text
    assert "本单位同级的账号管理员" in text
    assert "所属街镇的账号管理员" in text
    assert "SH-GOV-0009" in text
    assert signed_in_as(client) is None
    [event] = events(AuditEventType.PLATFORM_ID_UNKNOWN)
    assert event.extra == {"identifier": "SH-GOV-0009"}
    assert event.region_path == ""  # nobody's region: the city's auditors read it


def test_a_disabled_account_cannot_sign_in_through_the_platform(client, platform, make_user):
    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN], full_name="东明管理员")
    user = make_user("dongming", platform_id=platform.identifier("zhang.wei"), is_active=False)
    response = platform.sign_in(client, "zhang.wei")
    assert response.status_code == 403
    assert refusal(response) == "disabled"
    assert "已停用" in response.content.decode()
    assert "东明管理员" in response.content.decode()  # whom to ask: the account's own admin (tiered rule)
    assert signed_in_as(client) is None
    [event] = events(AuditEventType.PLATFORM_SIGN_IN_FAILED)
    assert (event.extra["reason"], event.target_id, event.region_path) == ("disabled", str(user.pk), user.region.path)
    assert admin in response.context["managers"]


def test_a_locked_account_cannot_sign_in_through_the_platform(client, platform, make_user, settings):
    user = make_user("dongming", platform_id=platform.identifier("zhang.wei"))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong-password"})
    response = platform.sign_in(client, "zhang.wei")
    assert response.status_code == 403
    assert refusal(response) == "locked"
    assert "锁定" in response.content.decode()
    assert signed_in_as(client) is None
    assert events(AuditEventType.PLATFORM_SIGN_IN_FAILED)[-1].extra["reason"] == "locked"


def test_disabling_an_account_ends_its_platform_session(client, platform, make_user):
    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    user = make_user("dongming", platform_id=platform.identifier("zhang.wei"))
    platform.sign_in(client, "zhang.wei")
    assert client.get("/").status_code == 200
    from accounts.services.accounts import user_disable

    user_disable(actor=admin, user=user)
    assert client.get("/")["Location"].startswith("/accounts/login/")


# --- the gate: password rules only for local passwords; the platform's factors count --------------------------

def test_password_expiry_does_not_apply_to_a_platform_session(client, platform, make_user):
    user = make_user("dongming", platform_id=platform.identifier("zhang.wei"), must_change_password=True,
                     password_changed_at=timezone.now() - timedelta(days=90))
    platform.sign_in(client, "zhang.wei")
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/regions/").status_code == 200
    # The same account signing in with its local password must still change it.
    client.logout()
    client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
    assert client.get("/")["Location"] == "/accounts/password/"


@pytest.fixture
def otp_on(settings):  # type: ignore[no-untyped-def]
    settings.OTP_REQUIRED_ROLES = ["account_admin", "security_officer"]


@pytest.mark.parametrize("person", ["li.na", "wang.fang"], ids=["amr-mfa", "acr-level"])
def test_a_platform_multi_factor_sign_in_satisfies_the_second_factor(client, platform, make_user, otp_on, person):
    make_user("dongming", roles=[Role.ACCOUNT_ADMIN], platform_id=platform.identifier(person))
    platform.sign_in(client, person)
    assert client.session[PLATFORM_SESSION_KEY]["mfa"] is True
    assert client.get("/accounts/manage/").status_code == 200
    assert client.get("/api/v1/accounts/users/").status_code == 200
    assert events(AuditEventType.PLATFORM_SIGN_IN)[-1].extra["mfa"] is True


def test_a_single_factor_platform_sign_in_still_asks_for_the_totp_code(client, platform, make_user, otp_on):
    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN], platform_id=platform.identifier("zhang.wei"))
    platform.sign_in(client, "zhang.wei")
    assert client.session[PLATFORM_SESSION_KEY]["mfa"] is False
    assert client.get("/accounts/manage/")["Location"].startswith("/accounts/otp/setup/")
    device = TOTPDevice.objects.create(user=admin, name="TOTP", confirmed=True)
    assert client.get("/accounts/manage/")["Location"].startswith("/accounts/otp/verify/")
    api = client.get("/api/v1/accounts/users/")
    assert api.status_code == 403
    assert api.json()["step"] == "verify"
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert client.post("/accounts/otp/verify/", {"token": code}).status_code == 302
    assert client.get("/accounts/manage/").status_code == 200


def test_which_amr_values_count_is_configurable(client, platform, make_user, otp_on, settings):
    settings.OIDC_MFA_AMR_VALUES = ["hwk"]
    make_user("dongming", roles=[Role.ACCOUNT_ADMIN], platform_id=platform.identifier("li.na"))
    platform.sign_in(client, "li.na")  # amr pwd, otp, mfa: none of them counts under this configuration
    assert client.get("/accounts/manage/")["Location"].startswith("/accounts/otp/setup/")


def test_staff_without_a_second_factor_role_need_no_code(client, platform, make_user, otp_on):
    make_user("dongming", roles=[Role.STAFF], platform_id=platform.identifier("zhang.wei"))
    platform.sign_in(client, "zhang.wei")
    assert client.get("/").status_code == 200


# --- sign-out ----------------------------------------------------------------------------------------------------

def test_sign_out_ends_the_portal_session_and_the_platform_session(client, platform, make_user):
    user = make_user("dongming", platform_id=platform.identifier("zhang.wei"))
    platform.sign_in(client, "zhang.wei")
    response = client.post("/accounts/logout/")
    assert signed_in_as(client) is None
    end_session = urlsplit(response["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == f"{platform.issuer}/logout/"
    params = dict(parse_qsl(end_session.query))
    assert params["post_logout_redirect_uri"] == "http://testserver/accounts/login/"
    assert params["client_id"] == "shequyun-portal"
    assert params["id_token_hint"].count(".") == 2
    assert [e.actor for e in events(AuditEventType.PLATFORM_SIGN_OUT)] == [user]
    assert AuditEvent.objects.filter(event_type=AuditEventType.SIGN_OUT, actor=user).exists()

    # The browser follows to the platform, which ends its own session and sends it back to the sign-in page …
    back = platform.browser.get(response["Location"], allow_redirects=False, timeout=30)
    assert back.status_code == 302
    assert back.headers["Location"] == "http://testserver/accounts/login/"
    # … so the next platform sign-in asks for the platform password again.
    start = client.get("/accounts/oidc/authenticate/")
    again = platform.browser.get(start["Location"], allow_redirects=False, timeout=30)
    assert urlsplit(again.headers["Location"]).path == "/login/"


def test_a_password_session_signs_out_of_the_portal_only(client, platform, make_user):
    user = make_user("dongming", platform_id=platform.identifier("zhang.wei"))
    client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"
    assert not events(AuditEventType.PLATFORM_SIGN_OUT)


def test_rp_initiated_logout_can_be_turned_off(client, platform, make_user, settings):
    settings.OIDC_RP_INITIATED_LOGOUT = False
    make_user("dongming", platform_id=platform.identifier("zhang.wei"))
    platform.sign_in(client, "zhang.wei")
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"
    assert signed_in_as(client) is None
