"""Every role's home lists what waits on it (issue 14 point 2): the right items and counts for each demo role,
every item passes the predicate that permits its action, and each module's panel costs a constant number of
queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.module_loading import import_string

from shequyun.home import PROVIDERS, home_queues

from .home_demo import EXPECTED, demo, queue_counts  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_what_waits_on_it(demo, role):  # noqa: F811
    assert queue_counts(demo[role]) == EXPECTED[role]


def test_the_street_admin_sees_five_anomalies_and_the_operator_sees_go_online_and_returned(demo):  # noqa: F811
    by_key = {q.key: q for q in home_queues(demo["dongming_admin"])}
    assert by_key["accounts-anomalies"].count == 5
    assert by_key["accounts-locked"].items[0].title == "翠竹园居委会工作人员"
    by_key = {q.key: q for q in home_queues(demo["dongming_operator"])}
    assert [i.title for i in by_key["scenarios-filed"].items] == ["垃圾分类积分（东明路街道）"]
    assert [i.title for i in by_key["scenarios-returned"].items] == ["居民议事厅（东明路街道）"]


@pytest.mark.parametrize("role", list(EXPECTED))
def test_every_queue_item_passes_the_rule_that_permits_its_action(demo, role):  # noqa: F811
    """predicate = queryset: whatever a queue holds, its reader may act on."""
    user = demo[role]
    for provider in PROVIDERS:
        for queue in import_string(provider)(user=user):
            assert queue.queryset is not None
            assert queue.check is not None
            for obj in queue.queryset:
                assert queue.check(user, obj), (role, queue.key, obj)


def test_nothing_the_user_may_act_on_is_missing_from_the_queue(demo):  # noqa: F811
    """The other direction: every object of the queue's model that is not in the queue fails its predicate."""
    for role in EXPECTED:
        user = demo[role]
        for provider in PROVIDERS:
            for queue in import_string(provider)(user=user):
                model = queue.queryset.model
                for obj in model._base_manager.exclude(pk__in=queue.queryset.values("pk")):
                    assert not queue.check(user, obj), (role, queue.key, obj)


def test_the_deadline_badges_are_in_working_days_and_sorted(demo):  # noqa: F811
    queues = home_queues(demo["pudong_admin"])
    keys = [q.key for q in queues]
    assert keys[0] == "evaluations-due"  # the only one with a deadline comes first
    due = queues[0]
    assert due.badge is not None
    assert "个工作日" in due.badge["text"]
    rect = {q.key: q for q in home_queues(demo["dongming_operator"])}["scenarios-rectifying"]
    assert rect.items[0].badge["text"].startswith("剩")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_each_panel_costs_a_constant_number_of_queries(demo, provider, make_user, django_assert_max_num_queries):  # noqa: F811
    from accounts.models import AnomalyKind
    from accounts.services.accounts import anomaly_flag
    from shequyun.notifications.services import notify

    panel = import_string(provider)
    counts = {}
    for role, user in demo.items():
        user.refresh_from_db()
        _ = user.role_slugs, user.region, user.organisation
        with CaptureQueriesContext(connection) as ctx:
            panel(user=user)
        counts[role] = len(ctx.captured_queries)
    # More of everything: the same number of queries.
    for n in range(20):
        anomaly_flag(account=demo["sanlinyuan_staff"], kind=AnomalyKind.ODD_HOURS, description="凌晨登录",
                     dedupe_key=f"more:{n}")
        notify(recipients=[demo["sanlinyuan_staff"]], title=f"消息{n}", email=False)
    for role, user in demo.items():
        with django_assert_max_num_queries(counts[role]):
            panel(user=user)
        assert counts[role] <= 16, (role, counts[role])


@pytest.mark.parametrize("role", list(EXPECTED))
def test_the_home_page_lists_the_queues(client, demo, role):  # noqa: F811
    from django.urls import reverse

    client.force_login(demo[role])
    page = client.get(reverse("home")).content.decode()
    if EXPECTED[role]:
        assert 'data-testid="home-queue"' in page
        for queue in home_queues(demo[role]):
            assert queue.label in page
            assert f'<span data-testid="queue-count">{queue.count}</span>' in page
    else:
        assert "目前没有等待您处理的事项" in page


def test_the_scenario_queue_shows_filed_and_returned_for_the_operator(client, demo):  # noqa: F811
    from django.urls import reverse

    client.force_login(demo["dongming_operator"])
    page = client.get(reverse("scenarios:queue")).content.decode()
    assert "垃圾分类积分" in page
    assert "居民议事厅" in page
    assert "社区健身预约" in page
    assert "没有等待您处理的场景" not in page
    assert "上线" in page
    assert "修改后重新提交" in page
    returned = client.get(reverse("scenarios:queue") + "?status=returned").content.decode()
    assert "居民议事厅" in returned
    assert "垃圾分类积分" not in returned
