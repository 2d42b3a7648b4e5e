"""No open redirects: every ``next`` goes through shequyun/redirects.py."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from shequyun.redirects import safe_next
from tests.factories import TEST_PASSWORD

EVIL = ["//evil.example/phish", "https://evil.example/", "http:evil.example", "\\\\evil.example", "/\\evil.example",
        "javascript:alert(1)", " //evil.example", "https:///evil.example", "//127.0.0.1@evil.example"]


@pytest.mark.parametrize("target", EVIL)
def test_outside_targets_fall_back_to_home(target):
    request = RequestFactory().get("/", {"next": target})
    assert safe_next(request) == "/"
    request = RequestFactory().post("/", {"next": target})
    assert safe_next(request, "notifications:inbox") == "/notifications/"


def test_local_targets_are_kept():
    assert safe_next(RequestFactory().get("/", {"next": "/scenarios/?status=online"})) == "/scenarios/?status=online"


@pytest.mark.django_db
@pytest.mark.parametrize("target", EVIL[:3])
def test_second_factor_verification_does_not_redirect_away(client, make_user, settings, target):
    settings.OTP_REQUIRED_ROLES = ["account_admin"]
    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    device = TOTPDevice.objects.create(user=admin, name="TOTP", confirmed=True)
    client.post("/accounts/login/", {"username": admin.username, "password": TEST_PASSWORD})
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = client.post(f"/accounts/otp/verify/?next={target}", {"token": code})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "data"), [("/accounts/preferences/font-scale/", {"font_scale": "125"}),
                                           ("/notifications/read/", {})])
def test_forms_with_next_stay_on_the_portal(client, make_user, url, data):
    client.force_login(make_user("dongming"))
    for target in EVIL:
        response = client.post(url, {**data, "next": target})
        assert response.status_code == 302
        assert not response["Location"].startswith(("//", "http", "\\", "javascript")), (url, target)
