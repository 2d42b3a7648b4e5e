"""Messages say what happened and who acts next (issue 14 point 5); e-mail links are absolute; daily reminders are
one digest per person per day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationKind
from accounts.roles import Role
from scenarios.models import Status
from shequyun.notifications.models import Notification
from shequyun.workflow import outcome_message
from tests.content.factories import chain, make_item, people  # noqa: F401
from tests.factories import OrganisationFactory
from tests.scenarios.factories import SCENARIO, actors, make_scenario  # noqa: F401

pytestmark = pytest.mark.django_db


def _flash(client, url: str, data: dict | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.post(url, data or {})
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_approval_names_the_city_office_and_the_filing(client, actors, make_scenario):  # noqa: F811
    scenario = make_scenario(Status.SUBMITTED)
    client.force_login(actors["reviewer"])
    assert _flash(client, reverse("scenarios:act", args=[scenario.pk, "approve"])) == [
        "已核准，已通知上海市社区服务中心确认报备。"]


def test_submission_names_the_reviewer_and_a_return_the_applicant(client, actors, make_scenario):  # noqa: F811
    scenario = make_scenario(Status.DRAFT)
    client.force_login(actors["applicant"])
    assert _flash(client, reverse("scenarios:act", args=[scenario.pk, "submit"])) == [
        "已提交核准，已通知浦东新区民政局核准。"]
    client.force_login(actors["reviewer"])
    message = _flash(client, reverse("scenarios:act", args=[scenario.pk, "return"]), {"comment": "请补充材料"})[-1]
    assert message.startswith("已退回修改，已通知东明路街道办事处")
    assert message.endswith("提交核准。")


def test_the_last_step_says_only_what_happened_and_my_own_next_step_says_so(actors, make_scenario):  # noqa: F811
    from scenarios.services import WORKFLOW

    online = make_scenario(Status.ONLINE)
    assert outcome_message(WORKFLOW, online, "go_online", actor=actors["applicant"]) == "已上线。"
    filed = make_scenario(Status.FILED)
    # Only the applicant's own region may take it online: told as their own next step when nobody else may.
    solo = make_scenario(Status.FILED, applicant=actors["other_street"])
    assert outcome_message(WORKFLOW, solo, "file", actor=actors["other_street"]) == "已确认报备，下一步请您上线。"
    assert outcome_message(WORKFLOW, filed, "file", actor=actors["city_ops"]).startswith("已确认报备，已通知东明路街道办事处")


def test_content_review_names_the_next_reviewer(client, people, make_item):  # noqa: F811
    from content.models import Status as ContentStatus
    from tests.content.factories import CHECKS

    item = make_item(ContentStatus.REVIEW_1)
    client.force_login(people["first"])
    [message] = _flash(client, reverse("content:review", args=[item.pk]),
                       {"decision": "approve", "checks": CHECKS, "comment": "", "step": 1})
    assert message == "已审核通过，已通知浦东新区民政局审核通过。"


def test_email_links_are_absolute(make_user, settings, django_capture_on_commit_callbacks):
    from shequyun.notifications.services import absolute_url, notify

    settings.PORTAL_BASE_URL = "https://shequyun.sh.gov.cn"
    user = make_user("dongming", email="a@example.gov.cn")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], title="待审核", url="/scenarios/7/")
    assert mail.outbox[0].body.endswith("https://shequyun.sh.gov.cn/scenarios/7/")
    assert absolute_url("https://x.example/a") == "https://x.example/a"


def test_evaluation_reminders_are_one_digest_per_person_per_day(actors, make_user, regions,  # noqa: F811
                                                                  django_capture_on_commit_callbacks):
    from scenarios.models import Evaluation, EvaluationCampaign, Scenario
    from scenarios.services.evaluations import evaluation_reminders

    pudong = regions["pudong"]
    second = make_user("pudong", roles=[Role.REVIEWER], email="b@example.gov.cn", organisation=OrganisationFactory(
        region=pudong, name="浦东新区民政局", kind=OrganisationKind.COMPETENT_DEPT))
    applicant = actors["applicant"]
    fields = {k: v for k, v in SCENARIO.items() if k not in {"function_summary", "operating_mechanism",
                                                            "integration_needs", "developer_info", "name",
                                                            "protection_level"}}
    Scenario.objects.bulk_create([
        Scenario(**fields, name=f"场景{n:03d}", region=applicant.region, building_unit=applicant.organisation,
                 created_by=applicant, status=Status.ONLINE) for n in range(500)])
    today = timezone.localdate()
    late = EvaluationCampaign.objects.create(region=pudong, period="2026Q3", due_date=today - dt.timedelta(days=3))
    soon = EvaluationCampaign.objects.create(region=pudong, period="2026Q4", due_date=today + dt.timedelta(days=1))
    scenarios = list(Scenario.objects.filter(name__startswith="场景"))
    Evaluation.objects.bulk_create([Evaluation(campaign=late if i % 2 else soon, scenario=s)
                                    for i, s in enumerate(scenarios)])
    evaluators = {actors["reviewer"].pk, second.pk}
    with django_capture_on_commit_callbacks(execute=True):
        sent = evaluation_reminders(today=today)
    assert sent == 2
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == evaluators
    assert "500" in Notification.objects.first().title
    with django_capture_on_commit_callbacks(execute=True):
        assert evaluation_reminders(today=today) == 0
    assert Notification.objects.count() == 2
    assert all("http://127.0.0.1:8000/scenarios/evaluations/" in m.body for m in mail.outbox)
