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
    assert option["series"][0]["data"] == [1200, 3]
    pie = Chart(key="p", title="t", description="d", kind="pie", categories=["a"], series=[Series("n", [1])])
    assert pie.as_option()["series"][0]["data"] == [{"name": "a", "value": 1}]


def test_chart_renders_with_a_table_twin():
    html = Template("{% load portal %}{% chart c %}").render(Context({"c": _chart()}))
    assert 'role="img"' in html
    assert "以表格查看" in html
    assert '<th scope="row">在线</th><td class="num">1,200</td>' in html
    assert "?export=status" in html


@pytest.mark.django_db
def test_chart_export(make_user):
    request = RequestFactory().get("/?export=status")
    request.user = make_user("pudong")
    sheet = load_workbook(io.BytesIO(chart_xlsx_response(request=request, chart=_chart()).content)).active
    assert [c.value for c in sheet[4]] == ["在线", 1200]
