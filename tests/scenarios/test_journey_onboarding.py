"""Journey: street applicant submits → district reviewer returns → applicant fixes and resubmits → reviewer approves
→ city operations files → applicant takes it online → it is in the inventory page and GET /api/v1/scenarios/."""

from __future__ import annotations

import pytest

from tests.factories import TEST_PASSWORD
from tests.scenarios.factories import PDF, SCENARIO


def _switch(journey, user):
    journey.follow(lambda: journey.page.get_by_role("button", name="退出登录").click())
    journey.sign_in(user.username, TEST_PASSWORD)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_onboarding_journey(journey, actors, tmp_path, live_server):
    page = journey.page
    report = tmp_path / "风险评估报告.pdf"
    report.write_bytes(PDF)

    journey.sign_in(actors["applicant"].username, TEST_PASSWORD)
    journey.follow(lambda: page.get_by_role("navigation", name="主导航").get_by_role("link", name="应用场景").click())
    journey.follow(lambda: page.get_by_role("link", name="登记场景").click())
    for field in ("name", "responsible_person", "developer_name", "developer_credit_code", "developer_contact",
                  "developer_phone", "function_summary", "integration_needs", "developer_info"):
        page.locator(f"#id_{field}").fill(SCENARIO[field])
    page.locator("#id_category").select_option("public_service")
    page.locator("#id_risk_report").set_input_files(str(report))
    journey.follow(lambda: page.get_by_role("button", name="保存草稿").click())
    assert "请填写运行机制" in page.get_by_role("status").filter(has_text="提交前还需补充").inner_text()
    journey.follow(lambda: page.get_by_role("link", name="修改申请").click())
    page.locator("#id_operating_mechanism").fill("街道养老服务中心运营")
    journey.follow(lambda: page.get_by_role("button", name="保存草稿").click())
    journey.follow(lambda: page.get_by_role("button", name="提交核准").click())
    assert "待核准" in page.get_by_role("heading", level=1).inner_text()

    _switch(journey, actors["reviewer"])
    journey.follow(lambda: page.get_by_role("navigation", name="主导航").get_by_role("link", name="应用场景").click())
    journey.follow(lambda: page.get_by_role("link", name="待我处理").click())
    assert "已等待" in page.get_by_test_id("queue").inner_text() or "今天提交" in page.get_by_test_id("queue").inner_text()
    journey.follow(lambda: page.get_by_role("link", name=SCENARIO["name"]).click())
    assert page.locator("[data-pdf-preview]").count() == 1
    page.locator("#comment-return").fill("请补充技术对接的接口清单")
    journey.follow(lambda: page.locator("button[data-action=return]").click())

    _switch(journey, actors["applicant"])
    journey.goto("/scenarios/")
    journey.follow(lambda: page.get_by_role("link", name=SCENARIO["name"]).click())
    assert "请补充技术对接的接口清单" in page.get_by_test_id("history").inner_text()
    journey.follow(lambda: page.get_by_role("link", name="修改申请").click())
    page.locator("#id_integration_needs").fill("对接统一身份认证；接口清单见附件")
    journey.follow(lambda: page.get_by_role("button", name="保存草稿").click())
    journey.follow(lambda: page.get_by_role("button", name="提交核准").click())

    _switch(journey, actors["reviewer"])
    journey.goto("/scenarios/queue/")
    journey.follow(lambda: page.get_by_role("link", name=SCENARIO["name"]).click())
    journey.follow(lambda: page.locator("button[data-action=approve]").click())

    _switch(journey, actors["city_ops"])
    journey.goto("/scenarios/queue/")
    journey.follow(lambda: page.get_by_role("link", name=SCENARIO["name"]).click())
    journey.follow(lambda: page.locator("button[data-action=file]").click())

    _switch(journey, actors["applicant"])
    journey.goto("/scenarios/")
    journey.follow(lambda: page.get_by_role("link", name=SCENARIO["name"]).click())
    journey.follow(lambda: page.locator("button[data-action=go_online]").click())
    assert "运行中" in page.get_by_role("heading", level=1).inner_text()

    journey.goto("/scenarios/?status=online")
    assert SCENARIO["name"] in page.get_by_test_id("inventory").inner_text()
    api = page.request.get(f"{live_server.url}/api/v1/scenarios/?status=online")
    assert api.status == 200
    assert [r["name"] for r in api.json()["results"]] == [SCENARIO["name"]]
