"""The signed review record (审核表) exported as xlsx: one row per step of the latest round with who, when, the four
checks, the decision and the comment; the shared watermark; the export audited; outside scope 404."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from content import services
from content.models import Check
from shequyun.models import AuditEvent, AuditEventType

from .factories import CHECKS

pytestmark = pytest.mark.django_db

HEADERS = ["环节", "审核单位", "审核人", "时间", *[str(c.label) for c in Check], "结论", "意见", "审核版本"]


@pytest.fixture
def reviewed(people, make_item):  # type: ignore[no-untyped-def]
    """初审 approves with all four checks; 终审 returns with two of them and a comment."""
    item = services.item_submit(actor=people["author"], item=make_item())
    item = services.item_review(actor=people["first"], item=item, action="approve", checks=CHECKS, comment="内容属实")
    return services.item_review(actor=people["final"], item=item, action="return", checks=CHECKS[:2],
                                comment="时效性不足，请补充日期")


@pytest.mark.clock("2026-11-18T10:00:00+08:00")  # the record shows the decision time
def test_a_reviewer_downloads_the_record(client, people, reviewed):  # type: ignore[no-untyped-def]
    client.force_login(people["first"])
    response = client.get(f"/content/items/{reviewed.pk}/record/", {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert f"{reviewed.pk}.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    watermark, title, headers, *steps = rows
    assert "导出人：" in watermark[0]
    assert people["first"].username in watermark[0]
    assert "请勿外传" in watermark[0]
    assert title[0].startswith("审核表 · 三林苑小区加装电梯意见征询通知 · 第1版")
    assert headers == HEADERS
    assert len(steps) == 2
    first, final = steps
    assert first[:3] == ["初审", "东明路街道", people["first"].display_name]
    assert first[3] == "2026-11-18 10:00"  # the pinned clock, Shanghai time
    assert first[4:8] == ["✓", "✓", "✓", "✓"]
    assert first[8:] == ["通过", "内容属实", 1]
    assert final[:3] == ["终审", "浦东新区", people["final"].display_name]
    assert [bool(v) for v in final[4:8]] == [True, True, False, False]
    assert final[8:] == ["退回", "时效性不足，请补充日期", 1]
    event = AuditEvent.objects.get(event_type=AuditEventType.EXPORT)
    assert event.actor == people["first"]
    assert event.extra["item"] == reviewed.pk
    assert event.extra["rows"] == 2


def test_a_step_not_yet_decided_reads_pending(client, people, make_item):  # type: ignore[no-untyped-def]
    item = services.item_submit(actor=people["author"], item=make_item())
    client.force_login(people["author"])
    sheet = load_workbook(io.BytesIO(client.get(f"/content/items/{item.pk}/record/?export=xlsx").content)).active
    steps = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [s[0] for s in steps] == ["初审", "终审"]
    assert [s[8] for s in steps] == ["待审", "待审"]
    assert all(s[2] in (None, "") for s in steps)


def test_outside_scope_is_404_and_nothing_is_exported(client, people, reviewed):  # type: ignore[no-untyped-def]
    client.force_login(people["outsider"])
    assert client.get(f"/content/items/{reviewed.pk}/record/", {"export": "xlsx"}).status_code == 404
    assert client.get(f"/content/items/{reviewed.pk}/record/").status_code == 404
    assert not AuditEvent.objects.filter(event_type=AuditEventType.EXPORT).exists()
