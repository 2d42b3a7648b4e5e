"""The shared export (watermark, audit, formula safety) and chart (table twin, aria) helpers."""

from __future__ import annotations

import io

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from openpyxl import load_workbook

from shequyun.charts import Chart, Series, chart_xlsx_response
from shequyun.exports import build_xlsx, xlsx_response
from shequyun.models import AuditEvent, AuditEventType


@pytest.mark.django_db
def test_xlsx_has_watermark_header_and_safe_cells(make_user):
    user = make_user("dongming", full_name="张三")
    content = build_xlsx(title="清单", headers=["名称", "数量"], rows=[["=HYPERLINK(1)", 3], ["正常", 4]], user=user)
    sheet = load_workbook(io.BytesIO(content)).active
    assert "导出人：张三" in sheet["A1"].value
    assert user.username in sheet["A1"].value
    assert sheet["A2"].value == "清单"
    assert [c.value for c in sheet[3]] == ["名称", "数量"]
    assert sheet["A4"].value == "'=HYPERLINK(1)"
    assert sheet["B5"].value == 4


@pytest.mark.django_db
def test_export_is_audited(make_user):
    user = make_user("dongming")
    request = RequestFactory().get("/x/")
    request.user = user
    response = xlsx_response(request=request, filename="清单.xlsx", title="清单", headers=["a"], rows=[[1], [2]])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    event = AuditEvent.objects.get(event_type=AuditEventType.EXPORT)
    assert event.actor == user
    assert event.extra["rows"] == 2


def _chart() -> Chart:
    return Chart(key="status", title="场景状态分布", description="各状态的场景数量", kind="bar",
                 categories=["在线", "整改中"], series=[Series(name="数量", data=[1200, 3])])


def test_chart_option_has_aria_and_the_data():
    option = _chart().as_option()
    assert option["aria"] == {"enabled": True, "description": "各状态的场景数量"}
    top, rest = option["series"][0]["data"]
    assert top["value"] == 1200  # the tallest bar carries its value
    assert top["label"]["show"] is True
    assert rest == 3
    pie = Chart(key="p", title="t", description="d", kind="pie", categories=["a"], series=[Series("n", [1])])
    assert pie.as_option()["series"][0]["data"] == [{"name": "a", "value": 1}]


def test_chart_renders_with_a_table_twin():
    html = Template("{% load portal %}{% chart c %}").render(Context({"c": _chart()}))
    assert 'role="img"' in html
    assert "以表格查看" in html
    assert '<th scope="row">在线</th><td class="num">1,200</td>' in html
    assert "?export=status" in html


def test_every_category_is_labelled_rotated_when_many_and_text_is_dark():
    districts = ["黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "闵行区", "宝山区", "嘉定区",
                 "浦东新区", "金山区", "松江区", "青浦区", "奉贤区", "崇明区"]
    option = Chart(key="d", title="各区", description="各区场景数", kind="bar", categories=districts,
                   series=[Series("数量", list(range(16)))]).as_option()
    assert option["xAxis"]["axisLabel"]["interval"] == 0
    assert option["xAxis"]["axisLabel"]["rotate"] == 45
    assert option["xAxis"]["axisLabel"]["color"] == "#1d2125"
    assert option["yAxis"]["axisLabel"]["color"] == "#1d2125"
    assert option["grid"]["containLabel"] is True
    assert _chart().as_option()["xAxis"]["axisLabel"]["rotate"] == 0


def test_an_empty_chart_says_so():
    empty = Chart(key="e", title="空", description="d", kind="bar", categories=["a", "b"], series=[Series("n", [0, None])])
    html = Template("{% load portal %}{% chart c %}").render(Context({"c": empty}))
    assert "暂无数据" in html
    assert "data-chart=" not in html
    assert "以表格查看" not in html


@pytest.mark.django_db
def test_chart_export(make_user):
    request = RequestFactory().get("/?export=status")
    request.user = make_user("pudong")
    sheet = load_workbook(io.BytesIO(chart_xlsx_response(request=request, chart=_chart()).content)).active
    assert [c.value for c in sheet[4]] == ["在线", 1200]


@pytest.mark.django_db
@pytest.mark.clock("2026-11-18T07:30:00+08:00")
def test_exports_write_shanghai_dates(client, actors, make_scenario):
    """07:30 in Shanghai is still the 17th in UTC: the export says the 18th."""
    from django.utils import timezone

    from scenarios.models import Status
    from shequyun.exports import _safe_cell

    make_scenario(Status.ONLINE)
    client.force_login(actors["applicant"])
    sheet = load_workbook(io.BytesIO(client.get("/scenarios/?export=xlsx").content)).active
    headers = [c.value for c in sheet[3]]
    assert [c.value for c in sheet[4]][headers.index("上线时间")] == "2026-11-18"
    assert _safe_cell(timezone.now()).hour == 7


@pytest.mark.parametrize(("fraction", "shown"), [(0.0022, "0.22%"), (0.153, "15.3%"), (1, "100%"), (0, "0%"),
                                                 (None, "—"), (0.00004, "0%")])
def test_participation_reads_as_a_percentage(fraction, shown):
    from shequyun.templatetags.portal import percent

    assert percent(fraction) == shown
