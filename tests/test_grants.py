"""Explicit object grants (shequyun/grants.py): recorded, idempotent, and visible through visible_to(granted=)."""

from __future__ import annotations

import pytest

from accounts.models import Organisation, Region
from shequyun.grants import grant, grant_holders, granted_ids, has_grant, revoke
from shequyun.models import AuditEvent, AuditEventType
from tests.scope import OUTSIDE

pytestmark = pytest.mark.django_db


def test_a_grant_widens_one_object_for_one_person_and_is_recorded(make_user):
    viewer = make_user("dongming")
    actor = make_user("city", is_superuser=True)
    outside = Organisation.objects.create(region=Region.objects.get(code=OUTSIDE), name="杨浦单位")
    other = Organisation.objects.create(region=Region.objects.get(code=OUTSIDE), name="另一单位")
    assert not Organisation.objects.visible_to(viewer).filter(pk=outside.pk).exists()

    assert grant(user=viewer, perm="accounts.view_organisation", obj=outside, actor=actor, reason="事件上报")
    assert not grant(user=viewer, perm="accounts.view_organisation", obj=outside, actor=actor)  # idempotent
    visible = Organisation.objects.visible_to(viewer, granted="accounts.view_organisation")
    assert visible.filter(pk=outside.pk).exists()
    assert not visible.filter(pk=other.pk).exists()
    assert not Organisation.objects.visible_to(viewer).filter(pk=outside.pk).exists()  # the rule itself is unchanged
    assert has_grant(viewer, "accounts.view_organisation", outside)
    assert list(grant_holders("accounts.view_organisation", outside)) == [viewer]
    assert granted_ids(viewer, "accounts.view_organisation", Organisation) == [outside.pk]

    assert revoke(user=viewer, perm="accounts.view_organisation", obj=outside, actor=actor, reason="结案")
    assert not revoke(user=viewer, perm="accounts.view_organisation", obj=outside, actor=actor)
    assert not Organisation.objects.visible_to(viewer, granted="accounts.view_organisation").filter(
        pk=outside.pk).exists()
    events = AuditEvent.objects.filter(event_type__in=[AuditEventType.GRANT_ADDED, AuditEventType.GRANT_REMOVED])
    assert [(e.event_type, e.extra["grantee"], e.extra["reason"]) for e in events.order_by("id")] == [
        (AuditEventType.GRANT_ADDED, viewer.username, "事件上报"),
        (AuditEventType.GRANT_REMOVED, viewer.username, "结案"),
    ]
    assert all(e.region_path == outside.region.path for e in events)  # auditors of the object's subtree see it


def test_a_disabled_grantee_sees_nothing(make_user):
    viewer = make_user("dongming")
    outside = Organisation.objects.create(region=Region.objects.get(code=OUTSIDE), name="杨浦单位")
    grant(user=viewer, perm="accounts.view_organisation", obj=outside)
    viewer.is_active = False
    assert not Organisation.objects.visible_to(viewer, granted="accounts.view_organisation").exists()


def test_bulk_changes_are_one_event_naming_every_row(make_user):
    from shequyun.audit import record_bulk_change

    actor = make_user("city")
    users = [make_user("dongming") for _ in range(3)]
    event = record_bulk_change(model=type(users[0]), ids=[u.pk for u in users], action="force_password_change",
                               actor=actor, reason="密码过期", changes={"must_change_password": True})
    assert event.event_type == AuditEventType.BULK_CHANGE
    assert event.extra["ids"] == [str(u.pk) for u in users]
    assert event.extra["changes"] == {"must_change_password": True}
    assert record_bulk_change(model=type(users[0]), ids=[], action="noop") is None
