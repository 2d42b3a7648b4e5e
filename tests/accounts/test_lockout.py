"""Lockout per account, never per office: one person's failures do not lock colleagues behind the same NAT
address; a locked account's tokens stop working; an address spraying many accounts is refused."""

from __future__ import annotations

import pytest

from accounts.models import AccountAnomaly, AnomalyKind
from accounts.roles import Role
from tests.clock import OFFICE_HOURS
from tests.factories import TEST_PASSWORD

OFFICE_IP = "10.20.30.40"


def attempt(client, user, password, ip=OFFICE_IP):
    return client.post("/accounts/login/", {"username": user.username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
@pytest.mark.clock(OFFICE_HOURS)
def test_five_failures_lock_that_account_only(client, make_user, settings):
    settings.AXES_FAILURE_LIMIT = 5
    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    careless, colleague = make_user("dongming"), make_user("dongming", roles=[Role.REVIEWER])
    for _ in range(5):
        attempt(client, careless, "wrong-password")
    assert attempt(client, careless, TEST_PASSWORD).status_code == 200  # locked: the sign-in page again
    assert attempt(client, colleague, TEST_PASSWORD).status_code == 302  # same address, signs in
    assert AccountAnomaly.objects.filter(account=careless, kind=AnomalyKind.LOCKED_OUT).exists()
    assert not AccountAnomaly.objects.filter(account=colleague, kind=AnomalyKind.LOCKED_OUT).exists()
    assert admin.pk  # the admin exists and is told about the careless account only (see anomalies)


@pytest.mark.django_db
@pytest.mark.clock(OFFICE_HOURS)
def test_a_locked_accounts_tokens_are_refused_while_locked(client, api_client, make_user, settings, clock):
    from datetime import timedelta

    settings.AXES_FAILURE_LIMIT = 5
    user = make_user("dongming")
    token = api_client.post("/api/v1/auth/token/", {"username": user.username, "password": TEST_PASSWORD}).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/regions/").status_code == 200
    for _ in range(5):
        attempt(client, user, "wrong-password", ip="203.0.113.9")
    refused = api_client.get("/api/v1/regions/")
    assert refused.status_code == 401
    assert "锁定" in refused.json()["detail"]
    clock.shift(settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
    assert api_client.get("/api/v1/regions/").status_code == 200  # the lock has passed


@pytest.mark.django_db
@pytest.mark.clock(OFFICE_HOURS)
def test_an_address_spraying_many_accounts_is_refused(client, make_user, settings):
    settings.SPRAY_DISTINCT_USERNAMES = 6
    victims = [make_user("dongming") for _ in range(6)]
    for victim in victims:
        attempt(client, victim, "Spring#2026", ip="198.51.100.7")
    fresh = make_user("dongming")
    assert attempt(client, fresh, TEST_PASSWORD, ip="198.51.100.7").status_code == 200  # refused like a bad password
    assert attempt(client, fresh, TEST_PASSWORD, ip=OFFICE_IP).status_code == 302  # other addresses unaffected


@pytest.mark.django_db
def test_forwarded_addresses_are_read_from_the_trusted_proxy_side(rf, settings):
    from shequyun.audit import client_ip

    settings.AXES_IPWARE_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.8", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "10.0.0.8"  # the left-most entry is the caller's claim; the proxy wrote the last
    settings.AXES_IPWARE_PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"
