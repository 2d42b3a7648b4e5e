"""The audit trail is scoped by the changed object's region, not the actor's (one rule for events and changes)."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from accounts.models import User
from accounts.roles import Role
from accounts.services.accounts import user_disable
from shequyun.audit import audit_region_path, change_entries_visible_to, events_visible_to
from shequyun.models import AuditEventType


@pytest.fixture
def city_disables_pudong_admin(make_user):
    city_admin = make_user("city", roles=[Role.ACCOUNT_ADMIN])
    pudong_admin = make_user("pudong", roles=[Role.ACCOUNT_ADMIN])
    user_disable(actor=city_admin, user=pudong_admin, reason="调离")
    return pudong_admin


@pytest.mark.django_db
@pytest.mark.parametrize(("auditor_at", "sees"), [("city", True), ("pudong", True), ("dongming", False),
                                                  ("huangpu", False)])
def test_auditors_see_changes_to_objects_in_their_subtree(make_user, city_disables_pudong_admin, auditor_at, sees):
    auditor = make_user(auditor_at, roles=[Role.AUDITOR])
    target = city_disables_pudong_admin
    events = events_visible_to(auditor).filter(event_type=AuditEventType.ACCOUNT_DISABLED, target_id=str(target.pk))
    changes = change_entries_visible_to(auditor).filter(object_pk=str(target.pk),
                                                        content_type__model="user", action=LogEntry.Action.UPDATE)
    assert events.exists() is sees
    assert changes.exists() is sees


@pytest.mark.django_db
def test_the_audit_page_shows_the_city_acting_on_the_district(client, make_user, city_disables_pudong_admin):
    client.force_login(make_user("pudong", roles=[Role.AUDITOR]))
    page = client.get("/accounts/audit/").content.decode()
    assert city_disables_pudong_admin.username in page or city_disables_pudong_admin.full_name in page


@pytest.mark.django_db
def test_an_auditor_without_a_region_sees_nothing_and_gets_no_error(client, make_user):
    auditor = make_user("pudong", roles=[Role.AUDITOR])
    User.objects.filter(pk=auditor.pk).update(region=None, organisation=None)
    auditor.refresh_from_db()
    client.force_login(auditor)
    response = client.get("/accounts/audit/")
    assert response.status_code in (200, 403)
    assert not events_visible_to(auditor).exists()
    assert not change_entries_visible_to(auditor).exists()


@pytest.mark.django_db
def test_region_paths_follow_the_owning_object(make_user, make_scenario, regions):
    user = make_user("dongming")
    scenario = make_scenario()
    assert audit_region_path(regions["pudong"]) == regions["pudong"].path
    assert audit_region_path(user) == regions["dongming"].path
    assert audit_region_path(scenario.application) == scenario.region.path  # through scenario.region
    entry = LogEntry.objects.get_for_object(scenario.application).latest("timestamp")
    assert entry.additional_data["region_path"] == scenario.region.path


@pytest.mark.django_db
def test_system_changes_belong_to_the_city(make_user):
    from shequyun.models import WorkdayOverride

    override = WorkdayOverride.objects.create(date="2027-01-01", is_workday=False)
    entry = LogEntry.objects.get_for_object(override).latest("timestamp")
    assert entry.additional_data["region_path"] == ""
    assert change_entries_visible_to(make_user("city", roles=[Role.AUDITOR])).filter(pk=entry.pk).exists()
    assert not change_entries_visible_to(make_user("pudong", roles=[Role.AUDITOR])).filter(pk=entry.pk).exists()
