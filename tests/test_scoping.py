"""The one scoping rule (DESIGN §2) at every level: own subtree visible; siblings and parents answer 404."""

from __future__ import annotations

import pytest

from accounts.models import Organisation, Region
from shequyun.models import AuditEvent

LEVELS = ["city", "pudong", "dongming", "sanlinyuan"]

# For each user position: regions that must be visible, and regions that must be invisible (404).
VISIBLE = {
    "city": ["city", "pudong", "huangpu", "dongming", "huamu", "nanjingdonglu", "sanlinyuan", "cuizhuyuan"],
    "pudong": ["pudong", "dongming", "huamu", "sanlinyuan", "cuizhuyuan"],
    "dongming": ["dongming", "sanlinyuan", "cuizhuyuan"],
    "sanlinyuan": ["sanlinyuan"],
}
ALL = VISIBLE["city"]


@pytest.mark.django_db
@pytest.mark.parametrize("where", LEVELS)
def test_queryset_visible_to_is_the_subtree(make_user, regions, where):
    user = make_user(where)
    visible = Region.objects.visible_to(user)
    assert visible.count() == 1 + sum(Region.objects.descendant_counts(regions[where]).values())
    for name in ALL:
        assert visible.filter(pk=regions[name].pk).exists() == (name in VISIBLE[where]), name


@pytest.mark.django_db
@pytest.mark.parametrize("where", LEVELS)
@pytest.mark.parametrize("target", ALL)
def test_region_page_and_api_answer_404_outside_scope(client, api_client, make_user, regions, where, target):
    user = make_user(where)
    client.force_login(user)
    api_client.force_authenticate(user)
    expected = 200 if target in VISIBLE[where] else 404
    code = regions[target].code
    assert client.get(f"/accounts/regions/{code}/").status_code == expected
    assert api_client.get(f"/api/v1/regions/{code}/").status_code == expected


@pytest.mark.django_db
def test_unknown_and_out_of_scope_regions_look_the_same(api_client, make_user):
    api_client.force_authenticate(make_user("dongming"))
    outside = api_client.get("/api/v1/regions/310101000000/")
    missing = api_client.get("/api/v1/regions/319999999999/")
    assert outside.status_code == missing.status_code == 404
    assert outside.json().keys() == missing.json().keys()


@pytest.mark.django_db
def test_disabled_or_regionless_users_see_nothing(make_user):
    user = make_user("pudong")
    user.is_active = False
    assert not Region.objects.visible_to(user).exists()
    user.is_active = True
    user.region = None
    assert not Region.objects.visible_to(user).exists()


@pytest.mark.django_db
def test_superuser_sees_everything(make_user):
    root = make_user("city", is_superuser=True)
    assert Region.objects.visible_to(root).count() == 6760


@pytest.mark.django_db
def test_other_models_use_the_same_rule(make_user, regions):
    own = make_user("dongming")
    sibling = make_user("huamu")
    assert Organisation.objects.visible_to(own).filter(pk=own.organisation.pk).exists()
    assert not Organisation.objects.visible_to(own).filter(pk=sibling.organisation.pk).exists()
    assert not Organisation.objects.visible_to(sibling).filter(pk=own.organisation.pk).exists()
    # The audit trail follows the rule too: the district sees the street's events, the street not the district's.
    district = make_user("pudong")
    from shequyun.audit import AuditEventType, record_event

    record_event(AuditEventType.EXPORT, actor=own)
    record_event(AuditEventType.EXPORT, actor=district)
    assert AuditEvent.objects.visible_to(district).count() == 2
    assert AuditEvent.objects.visible_to(own).count() == 1


@pytest.mark.django_db
def test_breadcrumbs_never_go_above_the_users_region(client, make_user, regions):
    client.force_login(make_user("pudong"))
    page = client.get(f"/accounts/regions/{regions['sanlinyuan'].code}/").content.decode()
    assert "浦东新区" in page
    assert "东明路街道" in page
    assert f'href="/accounts/regions/{regions["city"].code}/"' not in page
