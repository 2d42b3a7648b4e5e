"""Incident, plan, drill, training, assessment and reminder services: rules, deadlines, notifications, audit."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from scenarios.models import ScenarioEvent, Status
from security import services
from security.categories import load_categories, read_fixture
from security.models import (
    Grade,
    Importance,
    IncidentCategory,
    IncidentStatus,
    Loss,
    PlanStatus,
    ReviewAction,
    SocialImpact,
)
from security.selectors import dashboard, training_coverage
from security.services.incidents import ack_deadline
from shequyun.errors import Conflict
from shequyun.models import AuditEvent, AuditEventType
from shequyun.notifications.models import Notification
from shequyun.workdays import calendar

from .factories import INCIDENT, PLAN, times

pytestmark = pytest.mark.django_db


# --- Classification and grading ------------------------------------------------------------------------------

def test_the_gbt_20986_2023_classification_is_loaded_as_data():
    top = IncidentCategory.objects.filter(parent__isnull=True)
    assert sorted(top.values_list("code", flat=True)) == sorted(
        ["MP", "NA", "DS", "IC", "DE", "RO", "SHE", "AB", "FOC", "OTH"])
    assert IncidentCategory.objects.filter(parent__isnull=False).count() == 75
    assert IncidentCategory.objects.get(code="DSDATALEAK").parent.code == "DS"
    assert sum(len(c["subcategories"]) for c in read_fixture()) == 75


def test_reloading_keeps_corrections_made_by_city_operations(sec):
    category = IncidentCategory.objects.get(code="DSDATALEAK")
    services.category_update(actor=sec["city_ops"], category=category, name="数据泄露事件（含个人信息）",
                             description="更正说明", is_active=True)
    assert load_categories(IncidentCategory) == 0
    assert IncidentCategory.objects.get(code="DSDATALEAK").name == "数据泄露事件（含个人信息）"
    assert AuditEvent.objects.filter(event_type=AuditEventType.INCIDENT_CATEGORY_CORRECTED).count() == 1
    with pytest.raises(PermissionDenied):
        services.category_update(actor=sec["street_so"], category=category, name="x")
    with pytest.raises(ValidationError) as exc:
        services.category_update(actor=sec["city_ops"], category=category, name=" ")
    assert "name" in exc.value.message_dict


def _reference_grade(importance: str, loss: str, social: str) -> int:
    """GB/T 20986-2023 §6 written out as its table (not as the arithmetic of the service)."""
    table = {
        (Importance.SPECIAL, Loss.PARTICULARLY_SERIOUS): 1,
        (Importance.SPECIAL, Loss.SERIOUS): 2, (Importance.IMPORTANT, Loss.PARTICULARLY_SERIOUS): 2,
        (Importance.SPECIAL, Loss.LARGER): 3, (Importance.IMPORTANT, Loss.SERIOUS): 3,
        (Importance.GENERAL, Loss.PARTICULARLY_SERIOUS): 3,
    }
    by_system = table.get((importance, loss), 4)
    by_society = {SocialImpact.PARTICULARLY_MAJOR: 1, SocialImpact.MAJOR: 2, SocialImpact.LARGER: 3,
                  SocialImpact.GENERAL: 4}[social]
    return min(by_system, by_society)


@pytest.mark.parametrize(("importance", "loss", "social"),
                         list(itertools.product(Importance.values, Loss.values, SocialImpact.values)))
def test_suggested_grade_follows_the_standard(importance, loss, social):
    assert services.suggest_grade(importance, loss, social) == _reference_grade(importance, loss, social)


# --- Deadlines ---------------------------------------------------------------------------------------------------

def test_acknowledgement_deadlines_are_hours_for_grades_one_and_two():
    now = timezone.now()
    assert ack_deadline(Grade.I, now) == (now + dt.timedelta(hours=1), False)
    assert ack_deadline(Grade.II, now) == (now + dt.timedelta(hours=2), False)


@pytest.mark.clock("2026-09-30T16:00:00+08:00")
def test_working_day_deadlines_skip_the_national_day_holiday():
    due, provisional = ack_deadline(Grade.IV, timezone.now())
    assert timezone.localdate(due) == calendar.add_working_days(dt.date(2026, 9, 30), 2) == dt.date(2026, 10, 9)
    assert not provisional


@pytest.mark.clock("2026-12-31T23:30:00+08:00")
def test_a_deadline_in_2027_is_marked_provisional(report):
    incident = report(importance="general", loss="minor", social_impact="general")  # grade IV
    assert timezone.localdate(incident.ack_due_at) == calendar.add_working_days(dt.date(2026, 12, 31), 2)
    assert timezone.localdate(incident.ack_due_at).year == 2027
    assert incident.ack_due_provisional


def test_changing_the_grade_before_acknowledgement_moves_the_deadline(sec, report):
    incident = report(importance="general", loss="minor", social_impact="general")
    assert incident.suggested_grade == Grade.IV
    done = services.incident_confirm_grade(actor=sec["street_so"], incident=incident, grade=2, reason="涉及大量居民")
    assert done.ack_due_at == done.created_at + dt.timedelta(hours=2)


# --- Report, grade, escalation -----------------------------------------------------------------------------------

def test_a_grade_three_leak_notifies_district_and_city_officers_at_once(sec, report, make_scenario,
                                                                       django_capture_on_commit_callbacks):
    for key in ("street_so", "district_so", "city_so"):
        User.objects.filter(pk=sec[key].pk).update(email=f"{key}@example.gov.cn")
    scenario = make_scenario("online")
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(scenario=scenario.pk)
    assert incident.suggested_grade == Grade.III
    assert incident.personal_info_leak
    for key in ("street_so", "district_so", "city_so"):
        assert Notification.objects.filter(recipient=sec[key], target_id=str(incident.pk)).exists(), key
    assert {m.to[0] for m in mail.outbox} >= {"district_so@example.gov.cn", "city_so@example.gov.cn"}
    assert not Notification.objects.filter(recipient=sec["huamu_so"]).exists()
    levels = [e.extra["level"] for e in incident.events.filter(action="escalate").order_by("id")]
    assert levels == ["310115015000", "310115000000", "310000000000"]
    assert incident.__class__.objects.get(pk=incident.pk).reached_depth == 0
    assert AuditEvent.objects.filter(event_type=AuditEventType.INCIDENT_REPORTED, target_id=str(incident.pk)).exists()


def test_the_lead_department_is_reached_first(sec, report, make_user):
    from tests.factories import OrganisationFactory

    office = OrganisationFactory(region=sec["street_so"].region, name="东明路街道服务办")
    member = make_user("dongming", organisation=office, roles=[Role.STAFF])
    incident = report(lead_department=office.pk, importance="general", loss="minor", social_impact="general")
    first = incident.events.filter(action="escalate").order_by("id").first()
    assert first.extra["reason"] == "lead"
    assert Notification.objects.filter(recipient=member, target_id=str(incident.pk)).exists()


def test_report_rejects_bad_input_naming_each_field(sec, report):
    from security.models import Incident

    before = Incident.objects.count()
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        report(category="XX", subcategory="", importance="huge", loss="minor", social_impact="general",
               started_at=now, detected_at=now - dt.timedelta(hours=1), title=" ", scenario=2_000_000_000,
               lead_department=2_000_000_000)
    assert set(exc.value.message_dict) >= {"category", "importance", "detected_at", "title", "scenario",
                                           "lead_department"}
    with pytest.raises(ValidationError) as exc:
        report(category="DS", subcategory="NADOS")
    assert set(exc.value.message_dict) == {"subcategory"}
    with pytest.raises(ValidationError) as exc:
        report(category="DS", subcategory=None)
    assert set(exc.value.message_dict) == {"subcategory"}
    with pytest.raises(ValidationError) as exc:
        report(detected_at=now + dt.timedelta(hours=2), started_at=now)
    assert set(exc.value.message_dict) == {"detected_at"}
    assert Incident.objects.count() == before
    assert report(category="OTH", subcategory=None).subcategory is None  # 其他事件 has no subcategories


def test_changing_the_grade_needs_a_reason(sec, report):
    incident = report()
    with pytest.raises(ValidationError) as exc:
        services.incident_acknowledge(actor=sec["street_so"], incident=incident, grade=2)
    assert "grade_reason" in exc.value.message_dict
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.REPORTED
    done = services.incident_acknowledge(actor=sec["street_so"], incident=incident, grade=3)  # confirms, no reason
    assert (done.grade, done.grade_confirmed_by) == (3, sec["street_so"])
    with pytest.raises(ValidationError):
        services.incident_confirm_grade(actor=sec["street_so"], incident=done, grade=9)


# --- Plan activation -------------------------------------------------------------------------------------------

def test_activating_a_plan_notifies_each_team_member_with_their_duty(sec, report, active_plan, make_user):
    deputy = make_user("city", roles=[Role.STAFF])
    plan = active_plan(sec["city_so"], team=[{"user": sec["city_so"], "duty": "总指挥", "contact": "13800001111"},
                                             {"user": deputy, "duty": "舆情应对", "contact": ""}])
    incident = report()
    services.incident_activate_plan(actor=sec["city_so"], incident=incident, version=plan.versions.get().pk)
    body = Notification.objects.get(recipient=deputy, target_id=str(incident.pk)).body
    assert "舆情应对" in body
    assert PLAN["procedure_3"] in body
    event = incident.events.get(action="activate_plan")
    assert "舆情应对" in "".join(event.extra["team"])
    with pytest.raises(ValidationError) as exc:
        services.incident_activate_plan(actor=sec["city_so"], incident=incident, version=2_000_000_000)
    assert "plan_version" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.incident_activate_plan(actor=sec["street_staff"], incident=incident, version=plan.versions.get().pk)


# --- Disconnection ---------------------------------------------------------------------------------------------

def test_disconnection_goes_through_the_scenario_workflow_linked_to_the_incident(sec, report, make_scenario):
    scenario = make_scenario("online")
    incident = report(scenario=scenario.pk)
    with pytest.raises(PermissionDenied):
        services.incident_disconnect(actor=sec["city_so"], incident=incident, reason="x")  # not city operations
    with pytest.raises(ValidationError) as exc:
        services.incident_disconnect(actor=sec["city_ops"], incident=incident, reason=" ")
    assert "reason" in exc.value.message_dict
    services.incident_disconnect(actor=sec["city_ops"], incident=incident, reason="居民信息外泄")
    scenario.refresh_from_db()
    assert scenario.status == Status.DISCONNECTED
    event = ScenarioEvent.objects.get(scenario=scenario, action="disconnect")
    assert event.extra == {"incident": incident.pk}
    assert "居民信息外泄" in event.comment
    with pytest.raises(Conflict):  # not contained yet
        services.incident_reconnect(actor=sec["city_ops"], incident=incident, comment="已修复")
    incident = _contained(sec, incident)
    with pytest.raises(ValidationError):
        services.incident_reconnect(actor=sec["city_ops"], incident=incident, comment="")
    services.incident_reconnect(actor=sec["city_ops"], incident=incident, comment="接口已修复")
    scenario.refresh_from_db()
    assert scenario.status == Status.ONLINE
    assert list(incident.events.filter(action__in=["disconnect", "reconnect"]).values_list("action", flat=True)) == [
        "disconnect", "reconnect"]


def test_the_scenarios_own_reconnect_waits_for_the_incident_to_be_contained(sec, report, make_scenario, client):
    """The scenario workflow's plain 恢复连接 (page and API) is refused while the incident that disconnected the
    scenario is uncontained — the containment rule holds on every path, not only the incident's own button."""
    from scenarios.services import scenario_transition

    scenario = make_scenario("online")
    incident = report(scenario=scenario.pk)
    services.incident_disconnect(actor=sec["city_ops"], incident=incident, reason="居民信息外泄")
    with pytest.raises(Conflict, match="尚未控制"):
        scenario_transition(actor=sec["city_ops"], scenario=scenario, action="reconnect", comment="先恢复")
    client.force_login(sec["city_ops"])
    response = client.post(f"/api/v1/scenarios/{scenario.pk}/reconnect/", {"comment": "先恢复"},
                           content_type="application/json")
    assert response.status_code == 409, response.content
    scenario.refresh_from_db()
    assert scenario.status == Status.DISCONNECTED
    _contained(sec, incident)
    scenario_transition(actor=sec["city_ops"], scenario=scenario, action="reconnect", comment="接口已修复")
    scenario.refresh_from_db()
    assert scenario.status == Status.ONLINE


def test_a_plain_disconnection_is_reconnected_without_an_incident(sec, make_scenario):
    from scenarios.services import scenario_transition

    scenario = make_scenario("online")
    scenario_transition(actor=sec["city_ops"], scenario=scenario, action="disconnect", comment="例行维护")
    scenario_transition(actor=sec["city_ops"], scenario=scenario, action="reconnect", comment="维护完成")
    scenario.refresh_from_db()
    assert scenario.status == Status.ONLINE


def test_disconnecting_a_unit_takes_every_online_scenario_of_it(sec, report, make_scenario):
    first, second, draft = make_scenario("online"), make_scenario("online", name="社区议事厅"), make_scenario("draft")
    incident = report(unit=first.building_unit_id, scenario=None)
    done = services.incident_disconnect(actor=sec["city_ops"], incident=incident, reason="单位系统被入侵", scope="unit")
    assert {s.pk for s in done} == {first.pk, second.pk}
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_practice_incident_never_disconnects(sec, report, make_scenario, drill):
    scenario = make_scenario("online")
    incident = report(scenario=scenario.pk, drill=drill.pk)
    assert incident.is_drill
    with pytest.raises(PermissionDenied):
        services.incident_disconnect(actor=sec["city_ops"], incident=incident, reason="演练")


# --- Resolve and review ----------------------------------------------------------------------------------------

def _contained(sec, incident):  # type: ignore[no-untyped-def]
    incident = services.incident_acknowledge(actor=sec["street_so"], incident=incident)
    incident = services.incident_transition(actor=sec["street_so"], incident=incident, action="respond")
    return services.incident_transition(actor=sec["street_so"], incident=incident, action="contain")


def test_resolving_needs_a_note_and_review_needs_owned_actions(sec, report):
    incident = _contained(sec, report())
    with pytest.raises(ValidationError) as exc:
        services.incident_resolve(actor=sec["street_so"], incident=incident, resolution_note="  ")
    assert "resolution_note" in exc.value.message_dict
    incident = services.incident_resolve(actor=sec["street_so"], incident=incident, resolution_note="已加鉴权")
    assert incident.resolved_at is not None
    bad = [
        ("", [{"description": "a", "owner": sec["street_so"], "deadline": timezone.localdate()}], "causes"),
        ("原因", [], "actions"),
        ("原因", [{"description": "a", "owner": sec["outside_so"], "deadline": timezone.localdate()}], "actions"),
        ("原因", [{"description": "a", "owner": sec["street_so"], "deadline": timezone.localdate() - dt.timedelta(1)}],
         "actions"),
        ("原因", [{"description": " ", "owner": sec["street_so"], "deadline": timezone.localdate()}], "actions"),
    ]
    for causes, actions, field in bad:
        with pytest.raises(ValidationError) as exc:
            services.incident_review(actor=sec["street_so"], incident=incident, causes=causes, actions=actions)
        assert field in exc.value.message_dict
    assert not ReviewAction.objects.exists()  # nothing half-saved
    done = services.incident_review(actor=sec["street_so"], incident=incident, causes="接口未鉴权", actions=[
        {"description": "排查全部导出接口", "owner": sec["street_staff"], "deadline": timezone.localdate()}])
    assert done.status == IncidentStatus.REVIEWED
    assert Notification.objects.filter(recipient=sec["street_staff"], title__contains="排查全部导出接口").exists()


# --- Plans and drills --------------------------------------------------------------------------------------------

@pytest.fixture
def drill(sec, active_plan):
    plan = active_plan(sec["street_so"])
    return services.drill_create(actor=sec["street_so"], region=sec["street_so"].region,
                                 plan_version=plan.versions.get(), title="数据泄露处置演练",
                                 planned_on=timezone.localdate(), participants=[sec["street_staff"].pk])


def test_a_drill_finding_opens_a_plan_revision_with_a_deadline(sec, drill):
    done = services.drill_complete(actor=sec["street_so"], drill=drill, held_on=timezone.localdate(),
                                   findings="通讯录过期，联系不上技术公司", revision_required=True,
                                   revision_working_days=10)
    assert done.status == "completed"
    revision = drill.plan_version.plan.versions.get(status=PlanStatus.DRAFT)
    assert revision.number == 2
    assert revision.revision_due == calendar.add_working_days(timezone.localdate(), 10)
    assert revision.revision_drill == drill
    assert "通讯录过期" in revision.change_note
    assert revision.team.count() == 1  # copied from the active version
    assert revision.events.filter(action="revision_opened").exists()


def test_drill_completion_rejects_bad_input(sec, drill):
    with pytest.raises(ValidationError) as exc:
        services.drill_complete(actor=sec["street_so"], drill=drill, held_on=timezone.localdate() + dt.timedelta(1),
                                findings="", revision_required=True, revision_working_days=0)
    assert set(exc.value.message_dict) == {"held_on", "findings", "revision_working_days"}
    drill.refresh_from_db()
    assert drill.status == "planned"


def test_plan_rules(sec, make_user):
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=sec["street_staff"], region=sec["street_staff"].region, title="x")
    village_so = make_user("sanlinyuan", roles=[Role.SECURITY_OFFICER])
    with pytest.raises(ValidationError) as exc:
        services.plan_create(actor=village_so, region=village_so.region, title="x")
    assert "region" in exc.value.message_dict
    plan = services.plan_create(actor=sec["street_so"], region=sec["street_so"].region, title="预案")
    with pytest.raises(ValidationError):
        services.plan_create(actor=sec["street_so"], region=sec["street_so"].region, title="第二个")
    approver = make_user("dongming", roles=[Role.REVIEWER])
    with pytest.raises(ValidationError) as exc:  # empty draft cannot be approved
        services.plan_transition(actor=approver, version=plan.versions.get(), action="approve")
    assert {"organisation", "team"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        services.plan_version_update(actor=sec["street_so"], version=plan.versions.get(),
                                     team=[{"user": sec["outside_so"].pk, "duty": ""}])
    assert "team" in exc.value.message_dict


def test_plan_diff_shows_what_changed(sec, active_plan):
    from security.selectors import plan_diff

    plan = active_plan(sec["street_so"])
    revision = services.plan_revision_open(actor=sec["street_so"], plan=plan, reason="年度复核")
    services.plan_version_update(actor=sec["street_so"], version=revision, procedure_3="立即上报区、市安全员。\n新增：通知技术公司",
                                 team=[{"user": sec["street_so"], "duty": "总指挥"}])
    revision.refresh_from_db()
    sections = {s["field"]: s for s in plan_diff(plan.versions.get(number=1), revision)}
    assert set(sections) == {"procedure_3", "team"}
    assert {"op": "add", "text": "新增：通知技术公司"} in sections["procedure_3"]["lines"]


# --- Training, assessments, statistics, reminders --------------------------------------------------------------------

def test_training_coverage_per_level(sec, make_user):
    services.training_create(actor=sec["street_so"], region=sec["street_so"].region, topic="安全意识",
                             held_on=timezone.localdate(), participants=[sec["street_staff"].pk, sec["village_staff"].pk])
    rows = {r["region"].code: r for r in training_coverage(user=sec["street_so"])}
    own = rows["310115015000"]
    assert own["trained"] == 1
    assert own["total"] >= 2
    assert rows["310115015001"]["trained"] == 1
    with pytest.raises(ValidationError) as exc:
        services.training_create(actor=sec["street_so"], region=sec["street_so"].region, topic="x",
                                 held_on=timezone.localdate(), participants=[sec["outside_so"].pk])
    assert "participants" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.training_create(actor=sec["street_staff"], region=sec["street_staff"].region, topic="x",
                                 held_on=timezone.localdate(), participants=[sec["street_staff"].pk])


def test_assessment_dates_and_crypto(sec, make_scenario):
    scenario = make_scenario("online")
    a = services.assessment_save(actor=sec["street_so"], scenario=scenario, protection_level=3,
                                 tested_on=dt.date(2026, 3, 31), crypto_assessed_on=dt.date(2026, 5, 1))
    assert (a.next_due_on, a.crypto_next_due_on) == (dt.date(2027, 3, 31), dt.date(2027, 5, 1))
    scenario.refresh_from_db()
    assert (scenario.protection_level, scenario.protection_tested_on) == (3, dt.date(2026, 3, 31))
    with pytest.raises(ValidationError) as exc:
        services.assessment_save(actor=sec["street_so"], scenario=scenario, protection_level=2,
                                 crypto_assessed_on=dt.date(2026, 5, 1))
    assert "crypto_assessed_on" in exc.value.message_dict
    a = services.assessment_save(actor=sec["street_so"], scenario=scenario, protection_level=2)
    assert (a.crypto_assessed_on, a.crypto_next_due_on) == (None, None)
    with pytest.raises(ValidationError) as exc:
        services.assessment_save(actor=sec["street_so"], scenario=scenario, tested_on=dt.date(2026, 1, 1),
                                 next_due_on=dt.date(2025, 1, 1))
    assert "next_due_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.agreement_save(actor=sec["street_so"], scenario=scenario, signatory="李工",
                                signed_on=dt.date(2026, 1, 1), expires_on=dt.date(2025, 1, 1))
    assert "expires_on" in exc.value.message_dict


def test_practice_incidents_stay_out_of_statistics(sec, report, drill):
    report(drill=drill.pk)
    real = report()
    data = dashboard(user=sec["city_so"])
    assert data["open_total"] == 1
    opened = data["charts"][0]
    assert sum(opened.series[0].data) == 1
    services.incident_acknowledge(actor=sec["street_so"], incident=real)
    mean = dashboard(user=sec["city_so"])["charts"][1]
    assert mean.series[0].data[2] >= 0  # street level: acknowledged within the test


def test_reminders_are_sent_once_per_stage(sec, make_scenario, active_plan, clock):
    scenario = make_scenario("online")
    services.assessment_save(actor=sec["street_so"], scenario=scenario, protection_level=3,
                             tested_on=timezone.localdate() - dt.timedelta(days=360))
    services.agreement_save(actor=sec["street_so"], scenario=scenario, signatory="李工",
                            signed_on=dt.date(2025, 1, 1), expires_on=timezone.localdate() + dt.timedelta(days=6))
    assert services.send_reminders() == 1  # one digest for the street's officer, both items in it
    assert services.send_reminders() == 0
    clock.move_to(timezone.now() + dt.timedelta(days=8))
    assert services.send_reminders() == 1  # now overdue: a new stage, a new digest


def test_tasks_run_twice_without_doing_anything_twice(sec, report, clock):
    from security.tasks import escalate_overdue_incidents, security_reminders

    incident = report(importance="general", loss="minor", social_impact="general")
    clock.move_to(incident.ack_due_at + dt.timedelta(minutes=5))
    assert escalate_overdue_incidents.delay().get() == 1
    assert escalate_overdue_incidents.delay().get() == 0
    security_reminders.delay().get()
    assert security_reminders.delay().get() == 0
    assert incident.events.filter(action="escalate", extra__reason="overdue").count() == 1


@pytest.mark.parametrize("grade_elements", [
    {"importance": "general", "loss": "minor", "social_impact": "general"}, INCIDENT])
def test_a_report_can_name_only_published_or_own_scenarios(sec, report, grade_elements, actors):
    from scenarios.services import scenario_create

    other = scenario_create(actor=actors["other_street"], region=actors["other_street"].region, name="花木的草稿",
                            category="public_service", responsible_person="王", developer_name="某公司",
                            developer_credit_code="91310115MA1H7ABC0Q", developer_contact="王",
                            developer_phone="021-55556666")
    with pytest.raises(ValidationError) as exc:
        report(scenario=other.pk, **{**grade_elements, **times()})
    assert exc.value.message_dict["scenario"] == ["应用场景不存在或不在您的管辖范围内。"]
