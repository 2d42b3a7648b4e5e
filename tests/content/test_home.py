"""The work bench (``/``) shows the feedback channel's counts by status per handling level over the user's subtree
(``content.selectors.home_block``, registered in ``shequyun.home.PANELS``), in a constant number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content import services
from content.models import Feedback

pytestmark = pytest.mark.django_db

LEVELS = ["市", "区", "街道/乡镇", "居/村"]


def _table(html: str) -> dict[str, list[int]]:
    """level label → [open, answered, closed, overdue, total], read from the rendered panel."""
    section = re.search(r'data-testid="home-feedback".*?</section>', html, re.S)
    assert section is not None, "no feedback panel on the home page"
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', section.group(0), re.S)
    return {label: [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', cells)] for label, cells in rows}


def _raise(who, title: str) -> Feedback:  # type: ignore[no-untyped-def]
    return services.feedback_raise(actor=who, kind="question", title=title, body="请答复")


@pytest.fixture
def feedback(people):  # type: ignore[no-untyped-def]
    """Village staff raise two (to the street: one answered, one open and overdue); the street's staff raise one
    (to the district, open); one forwarded from the district to the city; another district's one (outside)."""
    answered = _raise(people["author"], "视频上传失败")
    services.feedback_act(actor=people["street_ops"], feedback=answered, action="answer", comment="请转码")
    late = _raise(people["coauthor"], "图片显示不全")
    Feedback.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    _raise(people["street_staff"], "培训时间")
    forwarded = _raise(people["street_staff"], "统一口径")
    services.feedback_act(actor=people["district_ops"], feedback=forwarded, action="forward", comment="请市级答复")
    _raise(people["outsider"], "别的区")
    return {"late": late}


def test_street_staff_see_their_subtree_per_level(client, people, feedback):  # type: ignore[no-untyped-def]
    client.force_login(people["street_staff"])
    table = _table(client.get("/").content.decode())
    assert list(table) == LEVELS
    assert table["市"] == [1, 0, 0, 0, 1]
    assert table["区"] == [1, 0, 0, 0, 1]
    assert table["街道/乡镇"] == [1, 1, 0, 1, 2]
    assert table["居/村"] == [0, 0, 0, 0, 0]


def test_a_district_user_sees_the_district_subtree(client, people, feedback):  # type: ignore[no-untyped-def]
    client.force_login(people["district_ops"])
    table = _table(client.get("/").content.decode())
    assert table["市"] == [1, 0, 0, 0, 1]
    assert table["区"] == [1, 0, 0, 0, 1]
    assert table["街道/乡镇"] == [1, 1, 0, 1, 2]  # the other district's item is not counted


def test_a_village_raiser_sees_only_their_village(client, people, feedback):  # type: ignore[no-untyped-def]
    client.force_login(people["author"])
    assert _table(client.get("/").content.decode())["街道/乡镇"] == [1, 1, 0, 1, 2]


@pytest.mark.parametrize("who", ["street_staff", "district_ops"])
def test_the_panel_costs_the_same_queries_whatever_the_numbers(client, people, feedback, who):  # type: ignore[no-untyped-def]
    client.force_login(people[who])
    client.get("/")  # warm the session and caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    for n in range(6):
        _raise(people["author"] if n % 2 else people["street_staff"], f"问题 {n}")
    assert queries() == before
