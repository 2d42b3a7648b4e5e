"""Keyboard-only journeys (issue 14 §11, DESIGN §11): review, onboarding, evaluation and account, with Tab, Enter,
Space, arrow keys and typing only — every focus stop visible — and axe after every page, htmx swap and toggle.
The one exception is choosing a file (the operating system's dialog): ``set_input_files``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from accounts.roles import Role
from scenarios.models import Scenario, Status
from scenarios.services import application_update, scenario_transition
from scenarios.services.evaluations import campaign_open, metrics_push
from shequyun.workdays import calendar
from tests.factories import TEST_PASSWORD
from tests.keyboard import activate, focus_is_visible, tab_to, type_into
from tests.pdf import text_pdf
from tests.scenarios.factories import SCENARIO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _settled(page):  # type: ignore[no-untyped-def]
    """axe rates colours as they are: no half-way button transitions after a key press (the portal's buttons
    have no transition for people who ask for reduced motion either)."""
    page.emulate_media(reduced_motion="reduce")


def _choose(page, select, value: str) -> None:
    """A <select> by keyboard: focus it, then arrow keys until it shows ``value``."""
    tab_to(page, select)
    for key in ("Home", *["ArrowDown"] * 60):
        if select.input_value() == value:
            return
        page.keyboard.press(key)
    assert select.input_value() == value


def test_review_by_keyboard(journey, actors, make_scenario):
    scenario = make_scenario(Status.DRAFT)
    application_update(actor=actors["applicant"], scenario=scenario, risk_report=SimpleUploadedFile(
        "评估报告.pdf", text_pdf([["Risk assessment", "安全风险评估报告 结论：风险可控"]]), content_type="application/pdf"))
    scenario_transition(actor=actors["applicant"], scenario=scenario, action="submit", comment="")
    page = journey.page

    journey.sign_in(actors["reviewer"].username, TEST_PASSWORD, keyboard=True)
    activate(journey, page.get_by_role("navigation", name="主导航").get_by_role("link", name="应用场景"))
    activate(journey, page.get_by_role("link", name="待我处理"))
    activate(journey, page.get_by_role("link", name=SCENARIO["name"]))
    page.locator("[data-pdf-preview][data-state=ready]").wait_for(timeout=20000)
    journey.check()
    activate(journey, page.get_by_role("button", name="放大"), navigates=False)
    expect(page.locator("[data-pdf-zoom-level]")).to_have_text("125%")
    page.locator("[data-pdf-preview][data-state=ready]").wait_for()
    journey.check()
    tab_to(page, page.get_by_role("region", name="报告页面（可用方向键滚动）"))
    page.keyboard.press("PageDown")
    activate(journey, page.locator("button[data-action=approve]"))
    scenario.refresh_from_db()
    assert scenario.status == Status.APPROVED


def test_onboarding_by_keyboard(journey, actors):
    page = journey.page
    journey.sign_in(actors["applicant"].username, TEST_PASSWORD, keyboard=True)
    activate(journey, page.get_by_role("navigation", name="主导航").get_by_role("link", name="应用场景"))
    activate(journey, page.get_by_role("link", name="登记场景"))
    for field in ("name", "responsible_person", "developer_name", "developer_credit_code", "developer_contact",
                  "developer_phone", "function_summary", "operating_mechanism", "integration_needs",
                  "developer_info"):
        type_into(page, page.locator(f"#id_{field}"), SCENARIO.get(field) or "街道养老服务中心运营")
    page.wait_for_load_state("networkidle")
    journey.check()  # after the similar-scenarios htmx swap while typing
    _choose(page, page.locator("#id_category"), "public_service")
    page.locator("#id_risk_report").set_input_files(files=[{
        "name": "评估报告.pdf", "mimeType": "application/pdf", "buffer": text_pdf([["Report"]])}])
    activate(journey, page.get_by_role("button", name="保存草稿"))
    activate(journey, page.get_by_role("button", name="提交核准"))
    assert "待核准" in page.get_by_role("heading", level=1).inner_text()
    assert Scenario.objects.get(name=SCENARIO["name"]).status == Status.SUBMITTED


def test_evaluation_by_keyboard(journey, actors, make_scenario, regions):
    scenario = make_scenario(Status.ONLINE)
    today = timezone.localdate()
    metrics_push(actor=actors["applicant"], scenario=scenario, rows=[
        {"date": today - dt.timedelta(days=d), "active_users": 100 + d, "visits": 300 + d, "households_reached": 80}
        for d in range(1, 15)])
    campaign_open(region=regions["pudong"], period="2026Q4", due_date=calendar.add_working_days(today, 2))
    page = journey.page

    journey.sign_in(actors["reviewer"].username, TEST_PASSWORD, keyboard=True)
    activate(journey, page.get_by_test_id("home-queue").get_by_role("link", name="应用场景待评估"))
    activate(journey, page.get_by_role("link", name=scenario.name))
    fills = page.locator(".chart-canvas svg text").evaluate_all(
        "texts => [...new Set(texts.map(t => getComputedStyle(t).fill))]")
    assert fills == ["rgb(29, 33, 37)"], fills  # ECharts' axis text in the portal's text colour (15:1 on white)
    toggle = page.get_by_role("button", name="以表格查看")
    activate(journey, toggle, navigates=False)
    expect(toggle).to_have_attribute("aria-expanded", "true")
    journey.check()  # the table twin, open
    for dimension in ("mechanism", "effectiveness", "participation", "security"):
        type_into(page, page.locator(f"#id_{dimension}_score"), "75")
        type_into(page, page.locator(f"#id_{dimension}_finding"), "基本达到要求")
    keep = page.get_by_label("保持")
    tab_to(page, page.locator("input[name=outcome]:focus, input[name=outcome]").first)
    page.keyboard.press("Space")
    for _ in range(6):
        if page.get_by_label("限期整改").is_checked():
            break
        page.keyboard.press("ArrowDown")
    assert page.get_by_label("限期整改").is_checked()
    assert not keep.is_checked()
    type_into(page, page.locator("#id_rectify_working_days"), "10")
    activate(journey, page.get_by_role("button", name="提交评估报告"))
    assert "整改中" in page.get_by_role("heading", level=1).inner_text()


def test_account_by_keyboard(journey, make_user):
    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    page = journey.page
    journey.sign_in(admin.username, TEST_PASSWORD, keyboard=True)
    activate(journey, page.get_by_role("navigation", name="主导航").get_by_role("link", name="账号管理"))
    activate(journey, page.get_by_role("link", name="开通账号").first)
    type_into(page, page.get_by_label("用户名"), "kb_new")
    type_into(page, page.get_by_label("姓名"), "键盘用户")
    _choose(page, page.get_by_label("所属区域"), "310115015001")
    type_into(page, page.get_by_label("手机号"), "12")
    type_into(page, page.get_by_label("电子邮箱"), "not-an-address")
    activate(journey, page.get_by_role("button", name="开通"))
    errors = page.locator("#form-errors")
    assert "请修正以下 2 处问题" in errors.inner_text()
    # the summary's links lead to the fields
    activate(journey, errors.get_by_role("link").first, navigates=False)
    focus_is_visible(page)
    type_into(page, page.get_by_label("手机号"), "13812345678")
    type_into(page, page.get_by_label("电子邮箱"), "kb@example.gov.cn")
    activate(journey, page.get_by_role("button", name="开通"))
    assert page.get_by_test_id("new-username").inner_text() == "kb_new"
    assert User.objects.get(username="kb_new").region.code == "310115015001"
