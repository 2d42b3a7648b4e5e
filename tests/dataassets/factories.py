"""Data-assets fixtures on the real tree: a data steward at 东明路街道 (provider), the district data office at
浦东新区, the city data office, another unit's steward at 花木街道 (objector / requester), staff, outsiders."""

from __future__ import annotations

import io

import pytest

from accounts.models import OrganisationKind, Region
from accounts.roles import Role
from dataassets import services
from dataassets.models import Resource, ResourceStatus
from tests.factories import OrganisationFactory

RESOURCE = {
    "name": "东明路街道居民基础信息",
    "code": "DM-JM-001",
    "description": "街道辖区内常住居民的基础信息，用于社区服务和网格管理",
    "data_format": "database",
    "collection_method": "db_sync",
    "collection_frequency": "daily",
    "update_frequency": "daily",
    "sharing_type": "authorised",
    "sharing_reason": "含居民个人信息，按最小够用原则授权使用",
    "legal_basis": "《上海市公共数据和一网通办管理办法》第二十七条",
    "sharing_method": "api",
    "open_type": "non_open",
    "grade": "important",
    "contains_personal_info": True,
}
ITEMS = [
    {"table_name": "resident", "field_name": "name", "label": "姓名", "data_type": "string", "length": 50,
     "personal_info": True, "masking_rule": "partial"},
    {"table_name": "resident", "field_name": "id_no", "label": "身份证号", "data_type": "string", "length": 18,
     "is_primary_key": True, "personal_info": True, "masking_rule": "hash"},
    {"table_name": "resident", "field_name": "updated", "label": "更新时间", "data_type": "datetime",
     "is_timestamp": True},
]


def workbook(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header or ["表名", "字段名", "中文名称", "数据类型", "数据长度", "主键", "时间戳", "个人信息", "脱敏规则"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def da(make_user):
    """The data-assets cast along the real chain."""
    dongming = Region.objects.get(code="310115015000")
    pudong = Region.objects.get(code="310115000000")
    city = Region.objects.get(code="310000000000")
    huamu = Region.objects.get(code="310115016000")
    provider = OrganisationFactory(region=dongming, name="东明路街道城运中心", kind=OrganisationKind.FUNCTIONAL_DEPT)
    office_org = OrganisationFactory(region=pudong, name="浦东新区大数据中心", kind=OrganisationKind.OPERATIONS_OFFICE)
    city_org = OrganisationFactory(region=city, name="上海市大数据中心", kind=OrganisationKind.OPERATIONS_OFFICE)
    return {
        "steward": make_user("dongming", roles=[Role.DATA_STEWARD], organisation=provider),
        "steward2": make_user("dongming", roles=[Role.DATA_STEWARD], organisation=provider),
        "office": make_user("pudong", roles=[Role.DATA_STEWARD, Role.REVIEWER], organisation=office_org),
        "office2": make_user("pudong", roles=[Role.DATA_STEWARD, Role.REVIEWER], organisation=office_org),
        "city_office": make_user("city", roles=[Role.DATA_STEWARD, Role.REVIEWER], organisation=city_org),
        "other": make_user("huamu", roles=[Role.DATA_STEWARD],
                           organisation=OrganisationFactory(region=huamu, name="花木街道城运中心",
                                                            kind=OrganisationKind.FUNCTIONAL_DEPT)),
        "staff": make_user("dongming", roles=[Role.STAFF]),
        "district_reviewer": make_user("pudong", roles=[Role.REVIEWER]),  # a reviewer, not a data steward
        "provider": provider,
        "office_org": office_org,
    }


@pytest.fixture
def make_resource(da):
    """``make_resource("published", **overrides)``: a real resource walked through the services."""
    counter = {"n": 0}

    def build(status: str = ResourceStatus.DRAFT, *, items=None, steward=None, reviewer=None, **overrides) -> Resource:
        counter["n"] += 1
        steward = steward or da["steward"]
        reviewer = reviewer or da["office"]
        values = {**RESOURCE, "code": f"DM-{counter['n']:03d}", **overrides}
        resource = services.resource_create(actor=steward, **values)
        for item in ITEMS if items is None else items:
            services.item_add(actor=steward, resource=resource, **item)
        if status in (ResourceStatus.SUBMITTED, ResourceStatus.PUBLISHED):
            resource = services.resource_transition(actor=steward, resource=resource, action="submit")
        if status == ResourceStatus.PUBLISHED:
            resource = services.resource_transition(actor=reviewer, resource=resource, action="publish")
        if status == ResourceStatus.MERGED:
            resource = build(ResourceStatus.PUBLISHED, items=items, steward=steward, reviewer=reviewer, **overrides)
            revision = services.resource_revise(actor=steward, resource=resource)
            revision = services.resource_transition(actor=steward, resource=revision, action="submit")
            resource = services.resource_transition(actor=reviewer, resource=revision, action="publish")
        resource.refresh_from_db()
        return resource

    return build


@pytest.fixture
def make_sharing(da, make_resource, make_scenario, clock):
    """``make_sharing("granted")``: a sharing request by 东明路 staff (another unit) for an online scenario."""
    import datetime as dt

    from django.utils import timezone

    from dataassets.models import SharingStatus
    from scenarios.models import Status

    def build(status: str = SharingStatus.SUBMITTED, *, resource=None, requester=None):  # type: ignore[no-untyped-def]
        resource = resource or make_resource(ResourceStatus.PUBLISHED)
        requester = requester or da["staff"]
        scenario = make_scenario(Status.ONLINE)
        request = services.sharing_request_create(actor=requester, resource=resource, scenario_id=scenario.pk,
                                                  purpose="上门服务核验身份")
        if status in (SharingStatus.GRANTED, SharingStatus.EXPIRED):
            request = services.sharing_approve(actor=da["office"], request=request,
                                               expires_on=timezone.localdate() + dt.timedelta(days=30))
        if status == SharingStatus.REJECTED:
            request = services.sharing_reject(actor=da["office"], request=request, comment="用途不明确")
        if status == SharingStatus.EXPIRED:
            request = services.sharing_expire(request=request, today=timezone.localdate() + dt.timedelta(days=31))
        request.refresh_from_db()
        return request

    return build


@pytest.fixture
def make_objection(da, make_resource):
    """``make_objection("transferred")``: an objection by 花木街道 on a published 东明路 resource."""
    from dataassets.models import ObjectionStatus

    def build(status: str = ObjectionStatus.RECEIVED, *, resource=None, **kwargs):  # type: ignore[no-untyped-def]
        resource = resource or make_resource(ResourceStatus.PUBLISHED)
        objection = services.objection_file(actor=da["other"], resource=resource, kind="error",
                                            description="地址已变更", **kwargs)
        if status != ObjectionStatus.RECEIVED:
            objection = services.objection_mark(actor=da["office"], objection=objection)
        if status in (ObjectionStatus.TRANSFERRED, "decided_by_department"):
            objection = services.objection_transfer(actor=da["office"], objection=objection,
                                                    responsible_org=da["provider"])
        if status == "decided_by_department":
            objection = services.objection_decide(actor=da["steward"], objection=objection, decision="correct",
                                                  result="已更正")
        elif status == ObjectionStatus.DECIDED:
            objection = services.objection_decide(actor=da["office"], objection=objection, decision="no_correction",
                                                  result="经核实数据无误")
        objection.refresh_from_db()
        return objection

    return build


@pytest.fixture
def make_issue(da, make_resource):
    """``make_issue("open")``: a completeness issue found by the quality check on a published resource."""
    from dataassets.models import QualityIssue, QualityStatus

    def build(status: str = QualityStatus.OPEN):  # type: ignore[no-untyped-def]
        resource = make_resource(ResourceStatus.PUBLISHED)
        from dataassets.models import Item

        Item.objects.filter(resource=resource, personal_info=True).update(masking_rule="")  # an unmasked personal item
        services.quality_check()
        issue = QualityIssue.objects.get(resource=resource, kind="incomplete")
        if status == QualityStatus.RESOLVED:
            issue = services.quality_resolve(actor=da["steward"], issue=issue, comment="已补充脱敏规则")
        issue.refresh_from_db()
        return issue

    return build


LABELS = ["姓名", "身份证号", "联系电话", "居住地址", "出生日期", "性别", "民族", "户籍地", "工作单位", "婚姻状况",
          "车牌号", "停车位", "房屋编号", "楼栋", "单元", "门牌", "面积", "产权人", "物业公司", "投诉内容",
          "服务日期", "服务类型", "评价", "积分", "更新时间"]


def build_catalogue(*, steward, resources: int = 2000, items_per: int = 25) -> list[int]:
    """A catalogue of ``resources`` published entries with ``items_per`` items each, bulk-inserted (for the scale
    test and the benchmark; the per-entry services are tested elsewhere)."""
    from django.utils import timezone

    from dataassets.models import Item, Resource

    now = timezone.now()
    rows = [Resource(region=steward.region, provider=steward.organisation, created_by=steward, catalogue="district",
                     name=f"{LABELS[i % len(LABELS)]}数据资源{i:04d}", code=f"BIG-{i:05d}", description=f"第{i}号资源的摘要",
                     data_format="database", collection_method="db_sync", collection_frequency="daily",
                     update_frequency="monthly", sharing_type="unconditional", sharing_method="api",
                     open_type="conditional", status="published", version=1, published_at=now)
            for i in range(resources)]
    Resource.objects.bulk_create(rows, batch_size=1000)
    ids = list(Resource.objects.filter(code__startswith="BIG-").order_by("pk").values_list("pk", flat=True))
    from dataassets.models import normalise_label

    items = [Item(resource_id=pk, table_name="t", field_name=f"f{j}", label=LABELS[j % len(LABELS)] + ("" if j < 25 else str(j)),
                  label_key=normalise_label(LABELS[j % len(LABELS)]), data_type="string", length=50, position=j)
             for pk in ids for j in range(items_per)]
    Item.objects.bulk_create(items, batch_size=5000)
    return ids
