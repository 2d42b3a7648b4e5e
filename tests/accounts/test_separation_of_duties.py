"""三员分立: account admin, security officer and auditor are mutually exclusive in every pair, on every channel."""

from __future__ import annotations

import csv
import io
from itertools import combinations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from accounts.roles import SEPARATED_DUTIES, Role, duty_conflict

PAIRS = [tuple(sorted((a.value, b.value))) for a, b in combinations(SEPARATED_DUTIES, 2)]


def where_for(pair: tuple[str, ...]) -> tuple[str, str]:
    """(actor's region, account's region) where the tiered rule lets the actor create an account with ``pair``:
    admins one level down, other roles at the actor's own level."""
    return ("pudong", "310115015000") if "account_admin" in pair else ("dongming", "310115015000")


def test_the_rule_covers_every_pair_and_nothing_else():
    assert len(PAIRS) == 3
    for pair in PAIRS:
        assert duty_conflict(set(pair)) is not None
    for role in Role.values:
        assert duty_conflict({role}) is None
    assert duty_conflict({"account_admin", "operator", "reviewer", "staff", "data_steward"}) is None
    assert duty_conflict({"security_officer", "operator", "staff"}) is None


@pytest.mark.django_db
@pytest.mark.parametrize("pair", PAIRS)
def test_browser_form_refuses_the_pair(client, make_user, pair):
    actor_at, region = where_for(pair)
    client.force_login(make_user(actor_at, roles=[Role.ACCOUNT_ADMIN]))
    response = client.post("/accounts/manage/new/", {
        "username": "sod_form", "full_name": "某人", "region": region, "roles": list(pair)})
    assert response.status_code == 200
    assert "三员分立" in response.content.decode()
    assert not User.objects.filter(username="sod_form").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("pair", PAIRS)
def test_api_refuses_the_pair_on_create_and_on_role_change(api_client, make_user, pair):
    actor_at, region = where_for(pair)
    api_client.force_authenticate(make_user(actor_at, roles=[Role.ACCOUNT_ADMIN]))
    response = api_client.post("/api/v1/accounts/users/", {
        "username": "sod_api", "full_name": "某人", "region": region, "roles": list(pair)}, format="json")
    assert response.status_code == 400
    assert "三员分立" in response.json()["roles"][0]
    assert not User.objects.filter(username="sod_api").exists()
    existing = make_user(region, roles=[Role.ACCOUNT_ADMIN if "account_admin" in pair else Role.STAFF])
    before = sorted(existing.role_slugs)
    response = api_client.post(f"/api/v1/accounts/users/{existing.pk}/roles/", {"roles": list(pair)}, format="json")
    assert response.status_code == 400
    existing.__dict__.pop("role_slugs", None)
    assert sorted(existing.role_slugs) == before


@pytest.mark.django_db
@pytest.mark.parametrize("pair", PAIRS)
def test_bulk_import_refuses_the_pair(client, make_user, pair):
    actor_at, region = where_for(pair)
    client.force_login(make_user(actor_at, roles=[Role.ACCOUNT_ADMIN]))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["用户名", "姓名", "区划代码", "角色"])
    writer.writerow(["sod_import", "某人", region, ",".join(pair)])
    upload = SimpleUploadedFile("a.csv", buffer.getvalue().encode())
    page = client.post("/accounts/manage/import/", {"file": upload}).content.decode()
    assert "三员分立" in page
    assert not User.objects.filter(username="sod_import").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("pair", PAIRS)
def test_django_admin_refuses_the_pair(client, make_user, pair):
    from django.contrib.auth.models import Group

    root = make_user("city", is_superuser=True, is_staff=True)
    client.force_login(root)
    target = make_user("pudong", roles=[Role.STAFF])
    groups = [Group.objects.get_or_create(name=name)[0].pk for name in pair]
    response = client.post(f"/admin/accounts/user/{target.pk}/change/", {
        "username": target.username, "full_name": target.full_name, "region": target.region_id,
        "organisation": target.organisation_id, "is_active": "on", "groups": groups, "font_scale": 100,
        "date_joined_0": "2026-11-18", "date_joined_1": "10:00:00", "email": "",
    })
    assert response.status_code == 200
    assert "三员分立" in response.content.decode()
    assert sorted(target.role_slugs) == ["staff"]
