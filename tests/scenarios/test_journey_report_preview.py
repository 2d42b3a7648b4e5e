"""The reviewer reads the risk report beside the application (issue 14 §1): PDF.js, vendored, draws the PDF in the
page — headless chromium has no PDF plugin — under the portal's Content-Security-Policy; Word files are a download."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from scenarios.models import Status
from scenarios.services import application_update
from tests.factories import TEST_PASSWORD
from tests.pdf import text_pdf
from tests.scenarios.factories import docx_bytes

REPORT = text_pdf([["Risk assessment 2026", "安全风险评估报告 第一页 结论：风险可控"], ["Second page", "第二页 附件清单"]])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_review_page_shows_the_pdf_text(journey, actors, make_scenario):
    scenario = make_scenario(Status.DRAFT)
    application_update(actor=actors["applicant"], scenario=scenario,
                       risk_report=SimpleUploadedFile("评估报告.pdf", REPORT, content_type="application/pdf"))
    from scenarios.services import scenario_transition

    scenario_transition(actor=actors["applicant"], scenario=scenario, action="submit", comment="")
    page = journey.page
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)

    journey.sign_in(actors["reviewer"].username, TEST_PASSWORD)
    journey.goto(f"/scenarios/{scenario.pk}/review/")
    viewer = page.locator("[data-pdf-preview]")
    page.locator("[data-pdf-preview][data-state=ready]").wait_for(timeout=20000)
    first = viewer.locator(".pdf-page").first
    assert first.get_attribute("aria-label") == "第 1 页，共 2 页"
    text = first.locator(".textLayer").inner_text()
    assert "Risk assessment 2026" in text
    assert "安全风险评估报告" in text.replace(" ", "")  # the Chinese line needs the vendored CMaps
    assert "第二页" in viewer.locator(".pdf-page").nth(1).locator(".textLayer").inner_text().replace(" ", "")
    assert "报告已显示，共 2 页" in page.get_by_role("status").filter(has_text="报告").inner_text()
    journey.check()  # axe on the drawn report, text layer included

    page.get_by_role("button", name="放大").click()
    expect(page.locator("[data-pdf-zoom-level]")).to_have_text("125%")
    page.locator("[data-pdf-preview][data-state=ready]").wait_for()
    journey.check()
    assert not blocked, blocked
    assert page.locator("iframe").count() == 0


@pytest.mark.django_db
def test_word_report_is_a_download_with_a_note(client, actors, make_scenario):
    scenario = make_scenario(Status.DRAFT)
    application_update(actor=actors["applicant"], scenario=scenario, risk_report=SimpleUploadedFile(
        "评估报告.docx", docx_bytes(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    client.force_login(actors["reviewer"])
    from scenarios.services import scenario_transition

    scenario_transition(actor=actors["applicant"], scenario=scenario, action="submit", comment="")
    html = client.get(f"/scenarios/{scenario.pk}/review/").content.decode()
    assert "浏览器不能直接显示" in html
    assert f'href="/scenarios/{scenario.pk}/report/" download' in html
    assert "data-pdf-preview" not in html
    assert "pdf-preview.js" not in html
