"""The catalogue: review, revisions kept as versions with a diff, one datum one source, the items import, quality
checks and scores, exports (watermarked xlsx, DCAT JSON-LD)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dataassets import services
from dataassets.models import Item, QualityIssue, Resource, ResourceStatus, ResourceVersion
from shequyun import spreadsheets
from shequyun.errors import Conflict
from shequyun.models import AuditEvent, AuditEventType

from .factories import ITEMS, RESOURCE, workbook

pytestmark = pytest.mark.django_db


def test_submit_needs_a_summary_and_items(make_resource, da):
    resource = make_resource(items=[], description="")
    with pytest.raises(ValidationError) as excinfo:
        services.resource_transition(actor=da["steward"], resource=resource, action="submit")
    assert set(excinfo.value.message_dict) == {"description", "items"}


def test_personal_items_need_the_resource_flag(make_resource, da):
    resource = make_resource(contains_personal_info=False, open_type="non_open")
    with pytest.raises(ValidationError) as excinfo:
        services.resource_transition(actor=da["steward"], resource=resource, action="submit")
    assert "contains_personal_info" in excinfo.value.message_dict


def test_a_change_to_a_published_entry_is_reviewed_again_and_kept_as_a_version(make_resource, da):
    resource = make_resource(ResourceStatus.PUBLISHED)
    assert resource.version == 1
    revision = services.resource_revise(actor=da["steward"], resource=resource)
    assert services.resource_revise(actor=da["steward"], resource=resource) == revision  # one open revision
    assert revision.items.count() == len(ITEMS)
    services.resource_update(actor=da["steward"], resource=revision, name="东明路街道居民基础信息（2027版）",
                             update_frequency="weekly")
    services.item_add(actor=da["steward"], resource=revision, table_name="resident", field_name="phone",
                      label="联系电话", data_type="string", length=20, personal_info=True, masking_rule="partial")
    changed = revision.items.get(field_name="name")
    services.item_update(actor=da["steward"], item=changed, length=100)
    services.item_delete(actor=da["steward"], item=revision.items.get(field_name="updated"))
    # the catalogue still shows the published content while the change waits for review
    resource.refresh_from_db()
    assert resource.name == RESOURCE["name"]
    assert resource.status == ResourceStatus.PUBLISHED
    services.resource_transition(actor=da["steward"], resource=revision, action="submit")
    merged = services.resource_transition(actor=da["office"], resource=revision, action="publish", comment="同意变更")
    assert merged.status == ResourceStatus.MERGED
    resource.refresh_from_db()
    assert resource.version == 2
    assert resource.name.endswith("（2027版）")
    assert resource.update_frequency == "weekly"
    assert sorted(resource.items.values_list("field_name", flat=True)) == ["id_no", "name", "phone"]
    version = ResourceVersion.objects.get(resource=resource, number=2)
    assert version.diff["fields"]["name"] == [RESOURCE["name"], resource.name]
    assert version.diff["fields"]["update_frequency"] == ["daily", "weekly"]
    assert version.diff["items"]["added"] == ["resident.phone"]
    assert version.diff["items"]["removed"] == ["resident.updated"]
    assert version.diff["items"]["changed"] == {"resident.name": {"length": [50, 100]}}
    assert ResourceVersion.objects.get(resource=resource, number=1).snapshot["fields"]["name"] == RESOURCE["name"]
    assert AuditEvent.objects.filter(event_type=AuditEventType.DATA_VERSION_PUBLISHED).count() == 2
    # a new change starts from the new version
    assert services.resource_revise(actor=da["steward"], resource=resource).pk != revision.pk


def test_a_published_entry_is_not_edited_in_place(make_resource, da):
    resource = make_resource(ResourceStatus.PUBLISHED)
    with pytest.raises(Conflict):
        services.resource_update(actor=da["steward"], resource=resource, name="直接修改")
    with pytest.raises(Conflict):
        services.item_add(actor=da["steward"], resource=resource, **{**ITEMS[2], "field_name": "x"})


def test_codes_are_unique_within_a_region(make_resource, da):
    make_resource(code="DM-X")
    with pytest.raises(ValidationError) as excinfo:
        services.resource_create(actor=da["steward"], **{**RESOURCE, "code": "DM-X"})
    assert "code" in excinfo.value.message_dict


def test_one_datum_one_source_names_the_other_provider(make_resource, da, make_user):
    from accounts.models import OrganisationKind
    from accounts.roles import Role
    from tests.factories import OrganisationFactory

    make_resource(ResourceStatus.PUBLISHED)  # 东明路街道城运中心 registers 姓名 / 身份证号
    other_org = OrganisationFactory(region=da["other"].region, name="花木街道社区服务中心", kind=OrganisationKind.FUNCTIONAL_DEPT)
    other = make_user("huamu", roles=[Role.DATA_STEWARD], organisation=other_org)
    mine = services.resource_create(actor=other, **{**RESOURCE, "code": "HM-1", "name": "花木居民信息"})
    services.item_add(actor=other, resource=mine, table_name="people", field_name="xm", label=" 身份证 号 ",
                      data_type="string", length=18, personal_info=True, masking_rule="hash")
    services.item_add(actor=other, resource=mine, table_name="people", field_name="birthday", label="姓名",
                      data_type="date")  # same label, another type: not the same datum
    services.resource_transition(actor=other, resource=mine, action="submit")
    from dataassets.selectors import duplicate_sources

    found = duplicate_sources(resource=mine, user=da["office"])
    assert [(d["label"], d["provider"]) for d in found] == [(" 身份证 号 ", "东明路街道城运中心")]
    event = mine.events.get(action="submit")
    assert event.extra["duplicates"] == [" 身份证 号  ← 东明路街道城运中心"]


def test_items_import_reports_row_by_row_and_commits_all_or_nothing(make_resource, da):
    resource = make_resource(items=[])
    content = workbook([
        ["resident", "name", "姓名", "字符型", 50, "否", "否", "是", "部分遮盖"],
        ["resident", "1bad", "坏字段", "字符型", 10, "否", "否", "否", ""],
        ["resident", "phone", "电话", "字符型", "", "否", "否", "是", ""],
        ["resident", "name", "重复", "字符型", 10, "否", "否", "否", ""],
        ["resident", "age", "年龄", "没有的类型", "", "也许", "否", "否", ""],
    ])
    report = services.items_import(actor=da["steward"], resource=resource, content=content)
    errors = {(e.row, e.field) for e in report.errors}
    assert (3, "字段名") in errors
    assert (4, "数据长度") in errors
    assert (4, "脱敏规则") in errors
    assert (5, "字段名") in errors
    assert (6, "数据类型") in errors
    assert (6, "主键") in errors
    with pytest.raises(ValidationError):
        services.items_import(actor=da["steward"], resource=resource, content=content, commit=True)
    assert not resource.items.exists()
    good = workbook([["resident", "name", "姓名", "字符型", 50, "否", "否", "是", "部分遮盖"],
                     ["resident", "born", "出生日期", "date", "", "", "", "", ""]])
    report = services.items_import(actor=da["steward"], resource=resource, content=good, commit=True)
    assert report.ok
    assert resource.items.count() == 2
    assert AuditEvent.objects.filter(event_type=AuditEventType.BULK_CHANGE, extra__model="dataassets.item").exists()
    assert AuditEvent.objects.filter(event_type=AuditEventType.DATA_ITEMS_IMPORTED, extra__count=2).exists()


def test_items_import_uses_the_shared_bounded_reader(make_resource, da, monkeypatch):
    from dataassets.services import items as item_services

    resource = make_resource(items=[])
    monkeypatch.setattr(item_services, "MAX_ROWS", 3)
    rows = [["t", f"f{i}", f"字段{i}", "date", "", "", "", "", ""] for i in range(10)]
    with pytest.raises(ValidationError) as excinfo:
        services.items_import(actor=da["steward"], resource=resource, content=workbook(rows))
    assert "file" in excinfo.value.message_dict
    assert spreadsheets.rows_read <= 4
    with pytest.raises(ValidationError) as excinfo:
        services.items_import(actor=da["steward"], resource=resource, content=b"%PDF-1.4 not a sheet\x00")
    assert "file" in excinfo.value.message_dict
    from accounts.services import imports

    assert (item_services.MAX_BYTES, imports.MAX_ROWS) == (imports.MAX_BYTES, 10_000)


def test_quality_check_is_idempotent_and_goes_back_to_the_provider(make_resource, da, clock,
                                                                   django_capture_on_commit_callbacks):
    from dataassets.tasks import check_catalogue_quality
    from shequyun.notifications.models import Notification

    fresh = make_resource(ResourceStatus.PUBLISHED)
    weekly = make_resource(ResourceStatus.PUBLISHED, update_frequency="weekly")
    irregular = make_resource(ResourceStatus.PUBLISHED, update_frequency="irregular")
    assert check_catalogue_quality.delay().get() == 0
    clock.move_to(timezone.now() + dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert check_catalogue_quality.delay().get() == 1  # the daily one is stale; weekly and irregular are not
        assert check_catalogue_quality.delay().get() == 0
    stale = set(QualityIssue.objects.filter(kind="stale").values_list("resource_id", flat=True))
    assert weekly.pk not in stale
    assert irregular.pk not in stale
    assert fresh.pk in stale
    assert Notification.objects.filter(recipient=da["steward"], dedupe_key__startswith="quality-").count() == 1
    services.resource_report_update(actor=da["steward"], resource=fresh)
    issue = QualityIssue.objects.get(resource=fresh)
    services.quality_resolve(actor=da["steward"], issue=issue, comment="已更新")
    assert services.quality_check() == []


def test_quarterly_provider_score(make_resource, make_issue, da):
    from dataassets.selectors import current_quarter, provider_scores, quarter_range

    make_issue()
    rows = provider_scores(user=da["office"], quarter=current_quarter())
    assert rows == [{"provider": {"id": da["provider"].pk, "name": "东明路街道城运中心"}, "quarter": "2026Q4",
                     "resources": 1, "stale": 0, "incomplete": 1, "score": 95}]
    assert provider_scores(user=da["office"], quarter="2026Q3")[0]["score"] == 100
    assert quarter_range("2027Q1") == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    with pytest.raises(ValueError, match="2026Q5"):
        quarter_range("2026Q5")


def test_xlsx_export_is_watermarked_and_audited(client, make_resource, da):
    from openpyxl import load_workbook

    make_resource(ResourceStatus.PUBLISHED)
    client.force_login(da["office"])
    response = client.get("/dataassets/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert da["office"].username in sheet["A1"].value
    assert sheet["A3"].value == "资源代码"
    assert sheet["B4"].value == RESOURCE["name"]
    assert AuditEvent.objects.filter(event_type=AuditEventType.EXPORT, extra__export="dataassets-catalogue").exists()


def test_dcat_json_ld(client, api_client, make_resource, da):
    published = make_resource(ResourceStatus.PUBLISHED)
    make_resource()  # a draft is not in the catalogue
    api_client.force_authenticate(da["other"])
    response = api_client.get("/api/v1/dataassets/resources/dcat/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    body = json.loads(response.content)
    assert body["@type"] == "dcat:Catalog"
    assert body["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    [dataset] = body["dcat:dataset"]
    assert dataset["@type"] == "dcat:Dataset"
    assert dataset["dct:identifier"] == published.code
    assert dataset["dct:accrualPeriodicity"] == {"@id": "http://purl.org/cld/freq/daily"}
    assert dataset["dct:accessRights"] == {"@id": "http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC"}
    client.force_login(da["office"])
    page = client.get("/dataassets/?export=jsonld")
    assert json.loads(page.content)["dcat:dataset"][0]["dct:title"] == RESOURCE["name"]


def test_a_city_level_provider_is_always_in_the_city_catalogue(make_user, da):
    from accounts.roles import Role

    city_steward = make_user("city", roles=[Role.DATA_STEWARD])
    resource = services.resource_create(actor=city_steward, **{**RESOURCE, "catalogue": "district"})
    assert resource.catalogue == "city"
    assert Resource.objects.catalogue_for(da["other"]).filter(pk=resource.pk).count() == 0  # a draft: not yet
    assert Item.objects.count() == 0


@pytest.mark.parametrize("count", [2, 12])
def test_quality_check_sends_one_digest_per_provider_in_constant_queries(count, make_resource, da, clock,
                                                                          django_assert_max_num_queries,
                                                                          django_capture_on_commit_callbacks):
    """Shanghai scale found 3,296 queries and 821 messages for one run: the check reads, inserts and notifies in a
    fixed number of queries, and each provider's stewards get one message listing that provider's issues."""
    from shequyun.notifications.models import Notification

    for _ in range(count):
        make_resource(ResourceStatus.PUBLISHED)
    clock.move_to(timezone.now() + dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=False), django_assert_max_num_queries(20):
        created = services.quality_check()
    assert len(created) == count  # each daily resource is stale
    digests = Notification.objects.filter(recipient=da["steward"], dedupe_key__startswith="quality-digest:")
    assert [n.title for n in digests] == [f"{count} 项数据质量问题待整改"]
    assert digests[0].body.count("\n") == count - 1
    with django_capture_on_commit_callbacks(execute=False):
        assert services.quality_check() == []
    assert digests.count() == 1
