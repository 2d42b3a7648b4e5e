"""TOTP second factor for account admins and security officers (configurable per deployment)."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from tests.factories import TEST_PASSWORD


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def otp_on(settings):
    settings.OTP_REQUIRED_ROLES = ["account_admin", "security_officer"]


def _sign_in(client, user):
    return client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})


@pytest.mark.django_db
def test_admin_enrols_with_a_qr_code_then_verifies_each_sign_in(client, make_user, otp_on):
    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    _sign_in(client, admin)
    assert client.get("/")["Location"] == "/accounts/otp/setup/?next=%2F"
    page = client.get("/accounts/otp/setup/").content.decode()
    assert "<svg" in page
    assert "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")
    device = TOTPDevice.objects.get(user=admin)
    bad = client.post("/accounts/otp/setup/", {"token": "000000" if _code(device) != "000000" else "111111"})
    assert "验证码不正确" in bad.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a failure; the test does not wait it out
    assert client.post("/accounts/otp/setup/", {"token": _code(device)})["Location"] == "/"
    assert client.get("/").status_code == 200

    client.post("/accounts/logout/")
    _sign_in(client, admin)
    assert client.get("/accounts/manage/")["Location"] == "/accounts/otp/verify/?next=%2Faccounts%2Fmanage%2F"
    device.refresh_from_db()
    device.last_t = -1  # allow the same time step again in the test
    device.save()
    verified = client.post("/accounts/otp/verify/?next=%2Faccounts%2Fmanage%2F", {"token": _code(device)})
    assert verified["Location"] == "/accounts/manage/"
    assert client.get("/accounts/manage/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "12", "abcdef"])
def test_bad_codes_are_refused_with_a_message(client, make_user, otp_on, token):
    admin = make_user("dongming", roles=[Role.SECURITY_OFFICER])
    _sign_in(client, admin)
    response = client.post("/accounts/otp/setup/", {"token": token})
    assert response.status_code == 200
    assert 'id="form-errors"' in response.content.decode()


@pytest.mark.django_db
def test_staff_are_not_asked(client, make_user, otp_on):
    _sign_in(client, make_user("dongming", roles=[Role.STAFF]))
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_deployment_can_turn_it_off(client, make_user, settings):
    settings.OTP_REQUIRED_ROLES = []
    _sign_in(client, make_user("dongming", roles=[Role.ACCOUNT_ADMIN]))
    assert client.get("/").status_code == 200
