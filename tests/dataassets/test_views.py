"""Pages: every page renders for the people who use it, forms answer bad input on the field, queues carry deadline
badges in words sorted by deadline, and the catalogue page is constant in queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dataassets.models import Item, Objection, ObjectionStatus, Resource, ResourceStatus, SharingRequest
from shequyun.workdays import calendar

from .factories import RESOURCE, workbook

pytestmark = pytest.mark.django_db


def test_every_page_renders_for_each_role(client, da, make_resource, make_objection, make_sharing, make_issue):
    published = make_resource(ResourceStatus.PUBLISHED)
    draft = make_resource()
    objection = make_objection(ObjectionStatus.TRANSFERRED, resource=published)
    sharing = make_sharing(resource=published)
    issue = make_issue()
    pages = ["/dataassets/", "/dataassets/review/", "/dataassets/objections/", "/dataassets/sharing/",
             "/dataassets/quality/", "/dataassets/quality/?quarter=2026Q3", f"/dataassets/{published.pk}/",
             f"/dataassets/objections/{objection.pk}/", f"/dataassets/sharing/{sharing.pk}/",
             f"/dataassets/quality/{issue.pk}/", "/dataassets/?q=姓名&sharing_type=authorised"]
    for who in ("steward", "office", "city_office", "other", "staff"):
        client.force_login(da[who])
        for url in pages:
            response = client.get(url)
            assert response.status_code in (200, 404), (who, url, response.status_code)
            if who in ("office", "steward", "city_office"):
                assert response.status_code == 200, (who, url)
    client.force_login(da["steward"])
    for url in [f"/dataassets/{draft.pk}/edit/", f"/dataassets/{draft.pk}/items/", "/dataassets/new/"]:
        assert client.get(url).status_code == 200


def test_objection_queue_sorted_by_deadline_with_badges(client, da, make_resource, make_objection, clock):
    resource = make_resource(ResourceStatus.PUBLISHED)
    older = make_objection(resource=resource)
    clock.move_to(timezone.now() + dt.timedelta(days=1))
    newer = make_objection(resource=resource)
    client.force_login(da["office"])
    html = client.get("/dataassets/objections/").content.decode()
    queue = html[html.index('data-testid="objection-queue"'):]
    assert queue.index(f"/dataassets/objections/{older.pk}/") < queue.index(f"/dataassets/objections/{newer.pk}/")
    assert "今天到期" in queue  # the older one's 标注 clock runs out today
    assert f"剩{calendar.working_days_between(timezone.localdate(), newer.mark_due)}个工作日" in queue


def test_objection_page_shows_the_stored_clocks(client, da, make_objection):
    objection = make_objection(ObjectionStatus.TRANSFERRED)
    client.force_login(da["steward"])
    html = client.get(f"/dataassets/objections/{objection.pk}/").content.decode()
    due = objection.department_due
    assert f'datetime="{due.isoformat()}">{due.year}年{due.month}月{due.day}日' in html
    assert 'data-action="decide"' in html


def test_register_in_the_browser_then_items_then_submit(client, da):
    client.force_login(da["steward"])
    response = client.post("/dataassets/new/", {**RESOURCE, "catalogue": "district", "legal_basis": ""})
    assert "legal_basis" in response.context["form"].errors
    response = client.post("/dataassets/new/", {**RESOURCE, "catalogue": "district"})
    resource = Resource.objects.get()
    assert response["Location"] == f"/dataassets/{resource.pk}/items/"
    sheet = workbook([["resident", "name", "姓名", "字符型", 50, "否", "否", "是", "部分遮盖"],
                      ["resident", "bad name", "坏", "字符型", 5, "否", "否", "否", ""]])
    response = client.post(f"/dataassets/{resource.pk}/items/", {
        "form": "import", "commit": "on", "file": SimpleUploadedFile("items.xlsx", sheet)})
    assert response.status_code == 200
    assert 'data-testid="import-report"' in response.content.decode()
    assert not Item.objects.exists()  # one bad row: nothing imported
    sheet = workbook([["resident", "name", "姓名", "字符型", 50, "否", "否", "是", "部分遮盖"]])
    response = client.post(f"/dataassets/{resource.pk}/items/", {
        "form": "import", "commit": "on", "file": SimpleUploadedFile("items.xlsx", sheet)})
    assert response.status_code == 302
    assert Item.objects.count() == 1
    response = client.post(f"/dataassets/{resource.pk}/items/", {"form": "import", "file": SimpleUploadedFile(
        "x.xlsx", b"not a spreadsheet \x00")})
    assert "file" in response.context["import_form"].errors
    client.post(f"/dataassets/{resource.pk}/act/submit/", {})
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.SUBMITTED


def test_data_office_publishes_from_the_review_queue(client, da, make_resource):
    resource = make_resource(ResourceStatus.SUBMITTED)
    client.force_login(da["office"])
    html = client.get("/dataassets/review/").content.decode()
    assert f"/dataassets/{resource.pk}/" in html
    client.post(f"/dataassets/{resource.pk}/act/publish/", {"from": "review"})
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED
    response = client.post(f"/dataassets/{resource.pk}/act/publish/", {}, follow=True)
    assert "操作未执行" in response.content.decode()  # a stale action is a plain message, not an error page


def test_bad_input_on_objection_sharing_and_decision_forms(client, da, make_resource, make_objection, make_sharing):
    published = make_resource(ResourceStatus.PUBLISHED)
    client.force_login(da["other"])
    response = client.post(f"/dataassets/{published.pk}/objections/new/", {"kind": "nope", "description": ""})
    assert {"kind", "description"} <= set(response.context["form"].errors)
    assert not Objection.objects.exists()
    client.force_login(da["staff"])
    response = client.post(f"/dataassets/{published.pk}/sharing/new/", {"scenario": "", "purpose": ""})
    assert {"scenario", "purpose"} <= set(response.context["form"].errors)
    assert not SharingRequest.objects.exists()
    objection = make_objection(ObjectionStatus.MARKED, resource=published)
    client.force_login(da["office"])
    response = client.post(f"/dataassets/objections/{objection.pk}/act/decide/", {"decision": "correct"}, follow=True)
    assert "请填写处理结果" in response.content.decode()
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.MARKED
    sharing = make_sharing(resource=published)
    response = client.post(f"/dataassets/sharing/{sharing.pk}/act/approve/", {"expires_on": "2020-01-01"}, follow=True)
    assert "授权截止日期必须晚于今天" in response.content.decode()


def test_catalogue_page_constant_in_queries(client, da, make_resource):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dataassets import services

    client.force_login(da["office"])
    make_resource(ResourceStatus.PUBLISHED, name="资源甲")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/dataassets/?q=资源").status_code == 200
    for i in range(30):
        services.resource_create(actor=da["steward"], **{**RESOURCE, "code": f"P-{i}", "name": f"资源{i}"})
    with CaptureQueriesContext(connection) as many:
        assert client.get("/dataassets/?q=资源").status_code == 200
    assert len(many) == len(few)


def test_pages_in_english(client, da, make_resource):
    make_resource(ResourceStatus.PUBLISHED)
    client.force_login(da["office"])
    client.cookies["django_language"] = "en"
    html = client.get("/dataassets/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Data resource catalogue" in html
    assert "Authorised sharing" in html
