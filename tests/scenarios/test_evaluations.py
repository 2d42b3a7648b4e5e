"""Evaluation campaigns, usage metrics, reports, outcomes and reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Region
from scenarios.models import Evaluation, EvaluationCampaign, EvaluationStatus, Status, UsageMetric
from scenarios.services.evaluations import (
    campaign_open,
    evaluation_reminders,
    evaluation_return,
    evaluation_save,
    evaluation_submit,
    metrics_push,
    open_quarterly_campaigns,
    participation,
    period_of,
)
from shequyun.errors import Conflict
from shequyun.notifications.models import Notification
from shequyun.workdays import calendar

FILLED = {f"{d}_score": 80 for d in ("mechanism", "effectiveness", "participation", "security")} | {
    f"{d}_finding": "良好" for d in ("mechanism", "effectiveness", "participation", "security")}


@pytest.mark.django_db
def test_quarterly_campaign_is_opened_once_per_scenario_and_period(make_scenario, django_assert_max_num_queries):
    online = [make_scenario(Status.ONLINE, name=f"场景{i}") for i in range(3)]
    make_scenario(Status.SUBMITTED, name="未上线")
    with django_assert_max_num_queries(17 * 12):  # a fixed number per region (17 regions), none per scenario
        open_quarterly_campaigns()
    open_quarterly_campaigns()  # twice: nothing new
    pudong = EvaluationCampaign.objects.get(region__code="310115000000", period=period_of(timezone.localdate()))
    assert sorted(pudong.evaluations.values_list("scenario_id", flat=True)) == sorted(s.pk for s in online)
    assert Evaluation.objects.count() == 3  # the city campaign covers only city/district scenarios


@pytest.mark.django_db
def test_a_half_done_campaign_is_completed_without_duplicates(make_scenario, regions):
    first, second = make_scenario(Status.ONLINE, name="甲"), make_scenario(Status.ONLINE, name="乙")
    campaign = EvaluationCampaign.objects.create(region=regions["pudong"], period="2026Q4", due_date=dt.date(2026, 12, 30))
    Evaluation.objects.create(campaign=campaign, scenario=first)  # the worker died after the first row
    campaign_open(region=regions["pudong"], period="2026Q4")
    assert sorted(campaign.evaluations.values_list("scenario_id", flat=True)) == sorted([first.pk, second.pk])


@pytest.mark.django_db
def test_metrics_upsert_one_row_per_day(make_scenario, actors, regions):
    scenario = make_scenario(Status.ONLINE)
    day = timezone.localdate() - dt.timedelta(days=1)
    metrics_push(actor=actors["applicant"], scenario=scenario, rows=[
        {"date": day, "active_users": 10, "visits": 50, "households_reached": 8}])
    metrics_push(actor=actors["applicant"], scenario=scenario, rows=[
        {"date": day, "active_users": 12, "visits": 60, "households_reached": 9}])
    assert UsageMetric.objects.get(scenario=scenario, date=day).active_users == 12
    with pytest.raises(PermissionDenied):
        metrics_push(actor=actors["other_street"], scenario=scenario, rows=[])


@pytest.mark.django_db
def test_participation_is_a_rate_against_registered_households(make_scenario, actors, regions):
    scenario = make_scenario(Status.ONLINE)
    Region.objects.filter(parent=regions["dongming"]).update(households=100, population=250)
    metrics_push(actor=actors["applicant"], scenario=scenario, rows=[
        {"date": timezone.localdate(), "active_users": 390, "visits": 500, "households_reached": 1950}])
    result = participation(scenario)
    assert result["region_households"] == 3900
    assert result["households_rate"] == pytest.approx(0.5)


def _due(make_scenario, regions):
    scenario = make_scenario(Status.ONLINE)
    campaign = campaign_open(region=regions["pudong"], period="2026Q4")
    return campaign.evaluations.get(scenario=scenario)


@pytest.mark.django_db
def test_rectify_outcome_sets_the_deadline_in_working_days(make_scenario, actors, regions):
    evaluation = _due(make_scenario, regions)
    with pytest.raises(ValidationError) as excinfo:
        evaluation_submit(actor=actors["reviewer"], evaluation=evaluation)
    assert {"mechanism_score", "outcome"} <= set(excinfo.value.message_dict)
    evaluation_save(actor=actors["reviewer"], evaluation=evaluation, outcome="rectify", rectify_working_days=10, **FILLED)
    evaluation_submit(actor=actors["reviewer"], evaluation=evaluation)
    scenario = evaluation.scenario
    scenario.refresh_from_db()
    assert scenario.status == Status.RECTIFYING
    assert scenario.rectify_deadline == calendar.add_working_days(timezone.localdate(), 10)
    with pytest.raises(Conflict):
        evaluation_submit(actor=actors["reviewer"], evaluation=evaluation)


@pytest.mark.django_db
def test_promote_and_offboard_outcomes(make_scenario, actors, regions):
    evaluation = _due(make_scenario, regions)
    evaluation_save(actor=actors["reviewer"], evaluation=evaluation, outcome="promote",
                    promote_regions=[regions["huamu"]], **FILLED)
    evaluation_submit(actor=actors["reviewer"], evaluation=evaluation)
    assert list(evaluation.scenario.scope_regions.values_list("code", flat=True)) == ["310115016000"]
    other = make_scenario(Status.ONLINE, name="另一个")
    campaign_open(region=regions["pudong"], period="2026Q4")
    second = Evaluation.objects.get(scenario=other)
    evaluation_save(actor=actors["reviewer"], evaluation=second, outcome="offboard", **FILLED)
    evaluation_submit(actor=actors["reviewer"], evaluation=second)
    other.refresh_from_db()
    assert other.status == Status.OFFLINE


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), [("mechanism_score", 101), ("rectify_working_days", 0)])
def test_bad_values_name_the_field(make_scenario, actors, regions, field, value):
    evaluation = _due(make_scenario, regions)
    with pytest.raises(ValidationError) as excinfo:
        evaluation_save(actor=actors["reviewer"], evaluation=evaluation, **{field: value})
    assert field in excinfo.value.message_dict


@pytest.mark.django_db
def test_only_the_city_returns_a_report(make_scenario, actors, regions):
    evaluation = _due(make_scenario, regions)
    evaluation_save(actor=actors["reviewer"], evaluation=evaluation, outcome="keep", **FILLED)
    evaluation_submit(actor=actors["reviewer"], evaluation=evaluation)
    with pytest.raises(PermissionDenied):
        evaluation_return(actor=actors["reviewer"], evaluation=evaluation, comment="x")
    returned = evaluation_return(actor=actors["city_reviewer"], evaluation=evaluation, comment="请补充佐证材料")
    assert returned.status == EvaluationStatus.RETURNED


@pytest.mark.django_db
def test_reminders_due_overdue_and_rectification_are_idempotent(make_scenario, actors, regions):
    evaluation = _due(make_scenario, regions)
    EvaluationCampaign.objects.filter(pk=evaluation.campaign_id).update(due_date=dt.date(2026, 11, 2))
    today = dt.date(2026, 11, 23)
    assert evaluation_reminders(today=today) == 1
    assert evaluation_reminders(today=today) == 0
    assert Notification.objects.filter(recipient=actors["reviewer"], title__contains="超期").exists()
    late = make_scenario(Status.RECTIFYING, name="整改中的场景")
    type(late).objects.filter(pk=late.pk).update(rectify_deadline=dt.date(2026, 11, 1))
    assert evaluation_reminders(today=today) == 1
    assert evaluation_reminders(today=today) == 0


@pytest.mark.django_db
def test_tasks_are_scheduled_and_run_twice(make_scenario):
    from scenarios.tasks import open_campaigns, remind_evaluations
    from shequyun.celery import app

    tasks = {e["task"] for e in app.conf.beat_schedule.values()}
    assert {"scenarios.tasks.open_quarterly_campaigns", "scenarios.tasks.evaluation_reminders"} <= tasks
    make_scenario(Status.ONLINE)
    assert open_campaigns.delay().get() == open_campaigns.delay().get() == 1
    remind_evaluations.delay().get()
    assert remind_evaluations.delay().get() == 0


@pytest.mark.django_db
def test_evaluation_page_exports_the_report(client, make_scenario, actors, regions):
    import io

    from openpyxl import load_workbook

    evaluation = _due(make_scenario, regions)
    evaluation_save(actor=actors["reviewer"], evaluation=evaluation, outcome="keep", **FILLED)
    client.force_login(actors["reviewer"])
    sheet = load_workbook(io.BytesIO(client.get(f"/scenarios/evaluations/{evaluation.pk}/?export=report").content)).active
    assert actors["reviewer"].username in sheet["A1"].value
    assert [c.value for c in sheet[4]] == ["运行机制", 80, "良好"]
    assert client.get(f"/scenarios/evaluations/{evaluation.pk}/").status_code == 200
    client.force_login(actors["other_street"])
    assert client.get(f"/scenarios/evaluations/{evaluation.pk}/").status_code == 404


@pytest.mark.django_db
def test_home_charts_for_a_district(client, make_scenario, actors, regions, django_assert_max_num_queries):
    evaluation = _due(make_scenario, regions)
    evaluation_save(actor=actors["reviewer"], evaluation=evaluation, outcome="keep", **FILLED)
    evaluation_submit(actor=actors["reviewer"], evaluation=evaluation)
    client.force_login(actors["reviewer"])
    with django_assert_max_num_queries(25):
        page = client.get("/").content.decode()
    assert "各街镇评估平均分" in page
    assert '<th scope="row">东明路街道</th><td class="num">80</td>' in page
    assert client.get("/?export=evaluation-scores")["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_an_override_that_moves_a_stored_deadline_is_logged(make_scenario, actors, regions,
                                                            django_capture_on_commit_callbacks):
    from shequyun.models import AuditEvent, AuditEventType, WorkdayOverride
    from shequyun.workdays import override_changed

    evaluation = _due(make_scenario, regions)
    evaluation_save(actor=actors["reviewer"], evaluation=evaluation, outcome="rectify", rectify_working_days=10, **FILLED)
    evaluation_submit(actor=actors["reviewer"], evaluation=evaluation)
    scenario = evaluation.scenario
    scenario.refresh_from_db()
    stored = scenario.rectify_deadline
    moved_day = calendar.add_working_days(timezone.localdate(), 3)  # a working day before the deadline becomes a holiday
    with django_capture_on_commit_callbacks(execute=True):
        WorkdayOverride.objects.create(date=moved_day, is_workday=False, note="临时调整")
        override_changed(day=moved_day, actor=actors["city_ops"])
    scenario.refresh_from_db()
    assert scenario.rectify_deadline == stored  # the stored deadline stands
    event = AuditEvent.objects.get(event_type=AuditEventType.DEADLINE_AFFECTED)
    assert event.extra["stored"] == stored.isoformat()
    assert event.extra["recomputed"] > stored.isoformat()
    assert AuditEvent.objects.filter(event_type=AuditEventType.CALENDAR_CHANGED).exists()


@pytest.mark.django_db
def test_district_opens_a_campaign_in_the_browser(client, make_scenario, actors):
    make_scenario(Status.ONLINE)
    client.force_login(actors["reviewer"])
    bad = client.post("/scenarios/evaluations/", {"period": "next quarter"})
    assert 'id="form-errors"' in bad.content.decode()
    response = client.post("/scenarios/evaluations/", {"period": "2026Q4", "due_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat()}, follow=True)
    assert "共 1 个场景" in response.content.decode()
    assert EvaluationCampaign.objects.filter(region__code="310115000000", period="2026Q4").exists()
    client.force_login(actors["applicant"])
    client.post("/scenarios/evaluations/", {"period": "2026Q3"})
    assert not EvaluationCampaign.objects.filter(period="2026Q3").exists()


@pytest.mark.django_db
def test_the_security_dimension_reads_the_scenarios_assessment(client, make_scenario, actors, regions):
    """Issue 12: the evaluation's security dimension reads the 等保 facts from the security module's assessment
    (level, last test date, and the 密评 duty from level 3)."""
    import re

    from security.models import Assessment

    evaluation = _due(make_scenario, regions)
    client.force_login(actors["reviewer"])

    def facts() -> str:
        page = client.get(f"/scenarios/evaluations/{evaluation.pk}/").content.decode()
        match = re.search(r'data-testid="security-facts">(.*?)</p>', page, re.S)
        assert match, "the security facts are on the evaluation page"
        return re.sub(r"\s+", " ", match.group(1))

    assert "未定级" in facts()
    Assessment.objects.create(scenario=evaluation.scenario, protection_level=3, tested_on=dt.date(2026, 5, 1))
    text = facts()
    assert "第3级" in text
    assert "2026-05-01" in text
    assert "须做商用密码应用安全性评估" in text
