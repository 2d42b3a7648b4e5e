"""Security pages: bad input on every form (400 with the field's message, nothing saved), actions through the
browser forms, queues with deadline badges, filters shared with the API, constant queries on list pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.roles import Role
from security import services
from security.models import (
    Assessment,
    ConfidentialityAgreement,
    Drill,
    EmergencyPlan,
    Incident,
    IncidentCategory,
    ReviewAction,
    Training,
)

from .factories import INCIDENT, PLAN

pytestmark = pytest.mark.django_db

FORM_INCIDENT = {**INCIDENT, "kind": "incident", "personal_info_leak": "on", "started_at": "2026-11-18T08:00",
                 "detected_at": "2026-11-18T09:00"}


def _login(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


@pytest.mark.parametrize(("change", "field"), [
    ({"title": ""}, "title"), ({"category": "ZZ"}, "category"), ({"subcategory": "NADOS"}, "subcategory"),
    ({"detected_at": "2026-11-18T07:00"}, "detected_at"), ({"started_at": "not a time"}, "started_at"),
    ({"importance": "huge"}, "importance"), ({"scenario": "2000000000"}, "scenario"),
])
def test_report_form_bad_input(change, field, client, sec):
    response = _login(client, sec["street_staff"]).post("/security/incidents/new/", {**FORM_INCIDENT, **change})
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Incident.objects.exists()


def test_report_form_and_the_queue(client, sec, make_scenario):
    scenario = make_scenario("online")
    response = _login(client, sec["street_staff"]).post("/security/incidents/new/", {
        **FORM_INCIDENT, "scenario": str(scenario.pk)})
    incident = Incident.objects.get()
    assert response["Location"] == f"/security/incidents/{incident.pk}/"
    page = _login(client, sec["street_so"]).get("/security/incidents/")
    html = page.content.decode()
    assert incident.title in html
    assert "剩" in html  # deadline badge in words
    assert _login(client, sec["street_so"]).get("/security/incidents/", {"grade": "9"}).context["page"].paginator.count == 0
    assert "grade" in client.get("/security/incidents/", {"grade": "9"}).context["filter"].errors


def test_incident_actions_through_the_pages(client, sec, report, make_scenario, active_plan):
    scenario = make_scenario("online")
    plan = active_plan(sec["city_so"])
    incident = report(scenario=scenario.pk)
    c = _login(client, sec["street_so"])
    url = f"/security/incidents/{incident.pk}/act/"
    c.post(f"{url}acknowledge/", {"grade": "2", "grade_reason": ""})
    incident.refresh_from_db()
    assert incident.status == "reported"  # a changed grade needs a reason
    c.post(f"{url}acknowledge/", {"grade": "3", "grade_reason": "", "comment": "已受理"})
    c = _login(client, sec["city_so"])
    c.post(f"{url}activate-plan/", {"plan_version": str(plan.versions.get().pk)})
    c = _login(client, sec["city_ops"])
    c.post(f"{url}disconnect/", {"scope": "scenario", "reason": "居民信息外泄"})
    scenario.refresh_from_db()
    assert scenario.status == "disconnected"
    detail = c.get(f"/security/incidents/{incident.pk}/").content.decode()
    assert scenario.name in detail
    c = _login(client, sec["street_so"])
    c.post(f"{url}respond/", {"comment": ""})
    c.post(f"{url}contain/", {"comment": ""})
    response = c.post(f"{url}resolve/", {"resolution_note": ""}, follow=True)
    assert "请填写处置结果说明" in response.content.decode()
    c.post(f"{url}resolve/", {"resolution_note": "已加鉴权"})
    review_url = f"/security/incidents/{incident.pk}/review/"
    management = {"actions-TOTAL_FORMS": "3", "actions-INITIAL_FORMS": "0", "actions-MIN_NUM_FORMS": "0",
                  "actions-MAX_NUM_FORMS": "20"}
    bad = c.post(review_url, {**management, "causes": "接口未鉴权"})
    assert bad.status_code == 400
    assert "请至少填写一项整改措施" in bad.content.decode()
    bad = c.post(review_url, {**management, "causes": "x", "actions-0-description": "排查",
                              "actions-0-owner": str(sec["outside_so"].pk), "actions-0-deadline": "2026-12-01"})
    assert bad.status_code == 400
    assert not ReviewAction.objects.exists()
    deadline = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    ok = c.post(review_url, {**management, "causes": "接口未鉴权", "actions-0-description": "排查接口",
                             "actions-0-owner": str(sec["street_staff"].pk), "actions-0-deadline": deadline})
    assert ok.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "reviewed"
    stale = c.post(f"{url}respond/", {}, follow=True)
    assert "操作未执行" in stale.content.decode()


def test_plan_pages(client, sec, make_user):
    c = _login(client, sec["street_so"])
    team = {"team-TOTAL_FORMS": "2", "team-INITIAL_FORMS": "0", "team-MIN_NUM_FORMS": "0", "team-MAX_NUM_FORMS": "50"}
    bad = c.post("/security/plans/new/", {**team, "title": "", **PLAN})
    assert bad.status_code == 400
    bad = c.post("/security/plans/new/", {**team, "title": "预案", **PLAN, "team-0-user": str(sec["street_so"].pk),
                                          "team-0-duty": "", "team-0-contact": "abc"})
    assert bad.status_code == 400
    assert not EmergencyPlan.objects.exists()
    ok = c.post("/security/plans/new/", {**team, "title": "东明路街道应急预案", **PLAN,
                                         "team-0-user": str(sec["street_so"].pk), "team-0-duty": "总指挥",
                                         "team-0-contact": "13800001111"})
    plan = EmergencyPlan.objects.get()
    assert ok["Location"] == f"/security/plans/{plan.pk}/"
    assert "138****1111" in c.get(f"/security/plans/{plan.pk}/").content.decode()
    reviewer = make_user("dongming", roles=[Role.REVIEWER])
    _login(client, reviewer).post(f"/security/plans/{plan.pk}/act/approve/")
    c = _login(client, sec["street_so"])
    c.post(f"/security/plans/{plan.pk}/act/activate/")
    response = c.post(f"/security/plans/{plan.pk}/act/revise/", {"reason": "", "working_days": "10"}, follow=True)
    assert "请填写修订原因" in response.content.decode()
    c.post(f"/security/plans/{plan.pk}/act/revise/", {"reason": "年度复核", "working_days": "10"})
    edit = c.post(f"/security/plans/{plan.pk}/edit/", {**team, "title": "东明路街道应急预案", **PLAN,
                                                       "procedure_2": "II级：新的程序",
                                                       "team-0-user": str(sec["street_so"].pk), "team-0-duty": "总指挥"})
    assert edit.status_code == 302
    diff = c.get(f"/security/plans/{plan.pk}/diff/").content.decode()
    assert "II级：新的程序" in diff
    assert c.get(f"/security/plans/{plan.pk}/diff/", {"old": "x", "new": "99"}).status_code == 200


def test_drill_training_assessment_agreement_and_category_forms(client, sec, active_plan, make_scenario):
    plan = active_plan(sec["street_so"])
    scenario = make_scenario("online")
    c = _login(client, sec["street_so"])
    assert c.post("/security/drills/new/", {"title": "", "plan_version": "x", "planned_on": "x"}).status_code == 400
    assert not Drill.objects.exists()
    c.post("/security/drills/new/", {"title": "数据泄露处置演练", "plan_version": str(plan.versions.get().pk),
                                     "planned_on": "2026-11-20"})
    drill = Drill.objects.get()
    response = c.post(f"/security/drills/{drill.pk}/complete/", {"held_on": "2099-01-01", "findings": "",
                                                                 "revision_working_days": "20"}, follow=True)
    assert "实施日期不能晚于今天" in response.content.decode()
    c.post(f"/security/drills/{drill.pk}/complete/", {"held_on": timezone.localdate().isoformat(), "findings": "通讯录过期",
                                                      "revision_required": "on", "revision_working_days": "10"})
    assert plan.versions.filter(status="draft").exists()

    assert c.post("/security/trainings/new/", {"topic": "x", "held_on": "2026-11-01"}).status_code == 400
    c.post("/security/trainings/new/", {"topic": "等保政策解读", "held_on": "2026-11-01",
                                        "participants": [str(sec["street_staff"].pk)]})
    assert Training.objects.count() == 1
    coverage = c.get("/security/trainings/coverage/", {"year": "abc"})
    assert coverage.status_code == 200

    assert c.post("/security/assessments/new/", {"scenario": str(scenario.pk), "protection_level": "9"}).status_code == 400
    c.post("/security/assessments/new/", {"scenario": str(scenario.pk), "protection_level": "3",
                                          "tested_on": "2026-06-30"})
    assessment = Assessment.objects.get()
    assert assessment.next_due_on == dt.date(2027, 6, 30)
    bad = c.post(f"/security/assessments/{assessment.pk}/", {"protection_level": "2", "crypto_assessed_on": "2026-07-01"})
    assert bad.status_code == 400

    assert c.post("/security/agreements/new/", {"scenario": str(scenario.pk), "vendor_name": "x",
                                                "vendor_credit_code": "bad", "signatory": "x", "signed_on": "2026-01-01",
                                                "expires_on": "2025-01-01"}).status_code == 400
    assert not ConfidentialityAgreement.objects.exists()

    category = IncidentCategory.objects.get(code="DSDATALEAK")
    assert c.get(f"/security/categories/{category.pk}/").status_code == 403
    c = _login(client, sec["city_ops"])
    assert c.post(f"/security/categories/{category.pk}/", {"name": "", "is_active": "on"}).status_code == 400
    c.post(f"/security/categories/{category.pk}/", {"name": "数据泄露事件", "description": "更正", "is_active": "on"})
    category.refresh_from_db()
    assert category.description == "更正"


def test_scenario_page_shows_the_disconnection_linked_to_the_incident(client, sec, report, make_scenario):
    scenario = make_scenario("online")
    incident = report(scenario=scenario.pk)
    services.incident_disconnect(actor=sec["city_ops"], incident=incident, reason="居民信息外泄")
    html = _login(client, sec["city_ops"]).get(f"/scenarios/{scenario.pk}/").content.decode()
    assert "已断开" in html
    assert f"/security/incidents/{incident.pk}/" in html


def test_incident_list_page_queries_are_constant(client, sec, report, django_assert_max_num_queries):
    c = _login(client, sec["city_so"])
    report()
    with django_assert_max_num_queries(40) as few:
        c.get("/security/incidents/")
    for _ in range(6):
        report()
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get("/security/incidents/")
