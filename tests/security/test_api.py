"""REST: every endpoint and action, bad input (400 naming the field, nothing saved), 403/409, responses that match
the published OpenAPI schema, and list queries that do not grow with the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from accounts.roles import Role
from security import services
from security.models import Assessment, ConfidentialityAgreement, Drill, EmergencyPlan, Incident, Training
from tests.openapi import assert_conforms

from .factories import INCIDENT, PLAN, times

pytestmark = pytest.mark.django_db

def _client(api_client, user):  # type: ignore[no-untyped-def]
    api_client.force_authenticate(user)
    return api_client


def _report_body(**overrides: Any) -> dict[str, Any]:
    return {**INCIDENT, **{k: v.isoformat() for k, v in times().items()}, **overrides}


# --- Incidents -------------------------------------------------------------------------------------------------

def test_incident_lifecycle_over_the_api(api_client, sec, make_scenario, active_plan):
    scenario = make_scenario("online")
    plan = active_plan(sec["city_so"])
    c = _client(api_client, sec["street_staff"])
    created = c.post("/api/v1/security/incidents/", _report_body(scenario=scenario.pk), format="json")
    assert created.status_code == 201, created.json()
    assert_conforms(created, "post")
    body = created.json()
    assert (body["suggested_grade"], body["status"], body["category"]["code"]) == (3, "reported", "DS")
    pk = body["id"]
    url = f"/api/v1/security/incidents/{pk}/"
    listed = c.get("/api/v1/security/incidents/")
    assert_conforms(listed, "get")

    c = _client(api_client, sec["street_so"])
    steps = [
        ("acknowledge", {"grade": 3, "comment": "已受理"}),
        ("grade", {"grade": 2, "grade_reason": "涉及全街道居民"}),
        ("activate-plan", {"plan_version": plan.versions.get().pk}),
    ]
    for action, data in steps:
        response = c.post(f"{url}{action}/", data, format="json")
        assert response.status_code == 200, (action, response.json())
        assert_conforms(response, "post")
    c = _client(api_client, sec["city_ops"])
    response = c.post(f"{url}disconnect/", {"reason": "居民信息外泄", "scope": "scenario"}, format="json")
    assert response.status_code == 200, response.json()
    assert_conforms(response, "post")
    assert c.post(f"{url}reconnect/", {"comment": "x"}, format="json").status_code == 409  # not contained yet
    c = _client(api_client, sec["street_so"])
    for action, data in [("respond", {}), ("contain", {"comment": "已隔离"})]:
        assert c.post(f"{url}{action}/", data, format="json").status_code == 200
    c = _client(api_client, sec["city_ops"])
    response = c.post(f"{url}reconnect/", {"comment": "已修复"}, format="json")
    assert response.status_code == 200
    c = _client(api_client, sec["street_so"])
    assert c.post(f"{url}resolve/", {"resolution_note": ""}, format="json").json() == {
        "resolution_note": ["请填写处置结果说明。"]}
    assert c.post(f"{url}resolve/", {"resolution_note": "已加鉴权"}, format="json").status_code == 200
    review = {"causes": "接口未鉴权", "actions": [
        {"description": "排查接口", "owner": sec["street_staff"].pk, "deadline": timezone.localdate().isoformat()}]}
    response = c.post(f"{url}review/", review, format="json")
    assert response.status_code == 200, response.json()
    assert_conforms(response, "post")
    detail = c.get(url)
    assert_conforms(detail, "get")
    assert detail.json()["status"] == "reviewed"
    assert [a["description"] for a in detail.json()["review_actions"]] == ["排查接口"]


BAD_REPORTS = [
    ({"title": ""}, "title"),
    ({"category": "ZZ"}, "category"),
    ({"subcategory": "NADOS"}, "subcategory"),
    ({"importance": "very"}, "importance"),
    ({"started_at": "yesterday"}, "started_at"),
    ({"detected_at": "2020-01-01T00:00:00+08:00"}, "detected_at"),
    ({"scenario": 2_000_000_000}, "scenario"),
    ({"scenario": "abc"}, "scenario"),
    ({"unit": 2_000_000_000}, "unit"),
    ({"region": "310110012000"}, "region"),
    ({"lead_department": 2_000_000_000}, "lead_department"),
    ({"drill": 2_000_000_000}, "drill"),
    ({"kind": "rumour"}, "kind"),
]


@pytest.mark.parametrize(("change", "field"), BAD_REPORTS, ids=[b[1] for b in BAD_REPORTS])
def test_bad_reports_answer_400_naming_the_field(change, field, api_client, sec):
    c = _client(api_client, sec["street_staff"])
    response = c.post("/api/v1/security/incidents/", _report_body(**change), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Incident.objects.exists()


def test_incident_actions_bad_input_forbidden_and_conflict(api_client, sec, report):
    incident = report()
    url = f"/api/v1/security/incidents/{incident.pk}/"
    assert _client(api_client, sec["street_staff"]).post(f"{url}acknowledge/", {}, format="json").status_code == 403
    c = _client(api_client, sec["street_so"])
    assert c.post(f"{url}respond/", {}, format="json").status_code == 409
    assert "grade" in c.post(f"{url}acknowledge/", {"grade": 7}, format="json").json()
    assert "grade_reason" in c.post(f"{url}acknowledge/", {"grade": 1}, format="json").json()
    assert "plan_version" in c.post(f"{url}activate-plan/", {"plan_version": "x"}, format="json").json()
    assert "plan_version" in c.post(f"{url}activate-plan/", {"plan_version": 2_000_000_000}, format="json").json()
    assert "actions" in c.post(f"{url}review/", {"causes": "x", "actions": "no"}, format="json").json()
    assert c.post(f"{url}review/", {"causes": "x", "actions": []}, format="json").status_code == 409
    disconnect = _client(api_client, sec["city_ops"]).post(f"{url}disconnect/", {"reason": "x", "scope": "all"},
                                                            format="json")
    assert "scope" in disconnect.json()
    incident.refresh_from_db()
    assert incident.status == "reported"


# --- Plans, drills, training ------------------------------------------------------------------------------------

def test_plan_api(api_client, sec, make_user):
    c = _client(api_client, sec["street_so"])
    created = c.post("/api/v1/security/plans/", {"title": "东明路街道网络安全事件应急预案", **PLAN,
                                                  "team": [{"user": sec["street_so"].pk, "duty": "总指挥",
                                                            "contact": "13800001111"}]}, format="json")
    assert created.status_code == 201, created.json()
    assert_conforms(created, "post")
    assert created.json()["versions"][0]["team"][0]["contact"] == "138****1111"
    pk = created.json()["id"]
    url = f"/api/v1/security/plans/{pk}/"
    assert "team" in c.patch(url, {"team": [{"user": sec["outside_so"].pk, "duty": "x"}]}, format="json").json()
    assert c.patch(url, {"procedure_4": "IV级：街道处置"}, format="json").status_code == 200
    assert c.post(f"{url}approve/", {}, format="json").status_code == 403  # not one's own version
    reviewer = make_user("dongming", roles=[Role.REVIEWER])
    assert _client(api_client, reviewer).post(f"{url}approve/", {}, format="json").status_code == 200
    c = _client(api_client, sec["street_so"])
    assert c.patch(url, {"procedure_4": "x"}, format="json").status_code == 409  # approved: not a draft
    response = c.post(f"{url}activate/", {}, format="json")
    assert response.json()["versions"][0]["status"] == "active"
    assert c.post(f"{url}revise/", {"reason": ""}, format="json").json() == {"reason": ["请填写修订原因。"]}
    assert "working_days" in c.post(f"{url}revise/", {"reason": "x", "working_days": 0}, format="json").json()
    assert c.post(f"{url}revise/", {"reason": "年度复核", "working_days": 15}, format="json").status_code == 200
    c.patch(url, {"procedure_1": "I级：新程序"}, format="json")
    diff = c.get(f"{url}diff/")
    assert_conforms(diff, "get")
    assert [s["field"] for s in diff.json()["sections"]] == ["procedure_1"]
    assert "old" in c.get(f"{url}diff/", {"old": "9"}).json()
    assert "old" in c.get(f"{url}diff/", {"old": "x"}).json()
    assert "region" in c.post("/api/v1/security/plans/", {"title": "x", "region": "310110012000"},
                              format="json").json()
    assert c.post("/api/v1/security/plans/", {"title": ""}, format="json").status_code == 400
    assert EmergencyPlan.objects.count() == 1


def test_drill_and_training_api(api_client, sec, active_plan):
    plan = active_plan(sec["street_so"])
    c = _client(api_client, sec["street_so"])
    created = c.post("/api/v1/security/drills/", {"title": "数据泄露处置演练", "plan_version": plan.versions.get().pk,
                                                   "planned_on": timezone.localdate().isoformat(),
                                                   "participants": [sec["street_staff"].pk]}, format="json")
    assert created.status_code == 201, created.json()
    assert_conforms(created, "post")
    url = f"/api/v1/security/drills/{created.json()['id']}/"
    bad = c.post(f"{url}complete/", {"held_on": "2099-01-01", "findings": ""}, format="json")
    assert set(bad.json()) == {"held_on", "findings"}
    assert c.post(f"{url}cancel/", {"comment": ""}, format="json").json() == {"comment": ["请填写意见。"]}
    done = c.post(f"{url}complete/", {"held_on": timezone.localdate().isoformat(), "findings": "联系方式过期",
                                      "revision_required": True, "revision_working_days": 5}, format="json")
    assert done.status_code == 200
    assert_conforms(done, "post")
    assert plan.versions.filter(status="draft", revision_due__isnull=False).exists()
    for body, field in [({"title": "x", "plan_version": 2_000_000_000, "planned_on": "2026-12-01"}, "plan_version"),
                        ({"title": "x", "plan_version": plan.versions.first().pk, "planned_on": "soon"}, "planned_on"),
                        ({"title": "x", "plan_version": plan.versions.first().pk, "planned_on": "2026-12-01",
                          "participants": [2_000_000_000]}, "participants")]:
        assert field in c.post("/api/v1/security/drills/", body, format="json").json()
    assert Drill.objects.count() == 1

    training = c.post("/api/v1/security/trainings/", {"topic": "等保政策解读", "held_on": timezone.localdate().isoformat(),
                                                       "participants": [sec["street_staff"].pk], "materials": "课件"},
                      format="json")
    assert training.status_code == 201
    assert_conforms(training, "post")
    assert "participants" in c.post("/api/v1/security/trainings/", {
        "topic": "x", "held_on": "2026-11-01", "participants": []}, format="json").json()
    assert Training.objects.count() == 1
    coverage = c.get("/api/v1/security/trainings/coverage/")
    assert_conforms(coverage, "get")
    assert coverage.json()[0]["region"] == "310115015000"
    assert "year" in c.get("/api/v1/security/trainings/coverage/", {"year": "19"}).json()


def test_assessment_and_agreement_api(api_client, sec, make_scenario):
    scenario = make_scenario("online")
    c = _client(api_client, sec["street_so"])
    created = c.post("/api/v1/security/assessments/", {"scenario": scenario.pk, "protection_level": 3,
                                                        "tested_on": "2026-06-30"}, format="json")
    assert created.status_code == 201, created.json()
    assert_conforms(created, "post")
    assert (created.json()["next_due_on"], created.json()["crypto_required"]) == ("2027-06-30", True)
    assert "scenario" in c.post("/api/v1/security/assessments/", {"scenario": scenario.pk}, format="json").json()
    url = f"/api/v1/security/assessments/{created.json()['id']}/"
    assert "protection_level" in c.patch(url, {"protection_level": 5}, format="json").json()
    patched = c.patch(url, {"crypto_assessed_on": "2026-07-01"}, format="json")
    assert_conforms(patched, "patch")
    assert patched.json()["crypto_next_due_on"] == "2027-07-01"
    assert Assessment.objects.count() == 1
    listed = c.get("/api/v1/security/assessments/", {"due_within": 400})
    assert_conforms(listed, "get")
    assert "due_within" in c.get("/api/v1/security/assessments/", {"due_within": "x"}).json()

    agreement = c.post("/api/v1/security/agreements/", {"scenario": scenario.pk, "signatory": "李工",
                                                         "signed_on": "2026-01-01", "expires_on": "2027-01-01"},
                       format="json")
    assert agreement.status_code == 201, agreement.json()
    assert_conforms(agreement, "post")
    assert agreement.json()["vendor_name"] == scenario.developer_name
    url = f"/api/v1/security/agreements/{agreement.json()['id']}/"
    assert "vendor_credit_code" in c.patch(url, {"vendor_credit_code": "123"}, format="json").json()
    assert "expires_on" in c.patch(url, {"expires_on": "2025-01-01"}, format="json").json()
    assert set(c.post("/api/v1/security/agreements/", {"scenario": scenario.pk}, format="json").json()) == {
        "signatory", "signed_on", "expires_on"}
    assert ConfidentialityAgreement.objects.count() == 1
    assert ConfidentialityAgreement.objects.get().expires_on == dt.date(2027, 1, 1)


# --- Query counts ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "make"), [
    ("/api/v1/security/incidents/", "incidents"), ("/api/v1/security/trainings/", "trainings"),
    ("/api/v1/security/assessments/", "assessments"), ("/api/v1/security/agreements/", "agreements"),
])
def test_list_queries_do_not_grow_with_the_page(url, make, api_client, sec, report, make_scenario,
                                                django_assert_max_num_queries):
    def add(n: int) -> None:
        for i in range(n):
            if make == "incidents":
                report()
            elif make == "trainings":
                services.training_create(actor=sec["street_so"], region=sec["street_so"].region, topic=f"培训{i}",
                                         held_on=timezone.localdate(), participants=[sec["street_staff"].pk])
            else:
                scenario = make_scenario("online", name=f"场景{make}{i}{timezone.now().timestamp()}")
                if make == "assessments":
                    services.assessment_save(actor=sec["street_so"], scenario=scenario, protection_level=2)
                else:
                    services.agreement_save(actor=sec["street_so"], scenario=scenario, signatory="李工",
                                            signed_on=dt.date(2026, 1, 1), expires_on=dt.date(2027, 1, 1))

    c = _client(api_client, sec["city_so"])
    add(2)
    with django_assert_max_num_queries(12) as few:
        c.get(url, {"page_size": 200})
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url, {"page_size": 200}).status_code == 200
