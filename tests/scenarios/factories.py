"""Scenario fixtures on the real tree: an applicant at 东明路街道, its reviewer at 浦东新区, city operations."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import OrganisationKind
from accounts.roles import Role
from scenarios.models import Scenario, Status
from scenarios.services import application_update, scenario_create, scenario_transition
from tests.factories import OrganisationFactory

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def pdf_upload(name: str = "安全风险评估报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def docx_bytes() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types><Override PartName="/word/document.xml"/></Types>')
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


SCENARIO = {
    "name": "社区养老服务预约",
    "category": "public_service",
    "responsible_person": "张主任",
    "developer_name": "上海某某信息技术有限公司",
    "developer_credit_code": "91310115MA1H7ABC0Q",
    "developer_contact": "李工",
    "developer_phone": "021-55556666",
    "function_summary": "为社区老人提供助餐、助浴、上门护理等养老服务的在线预约和评价",
    "operating_mechanism": "街道养老服务中心运营，居委会协助推广",
    "integration_needs": "对接社区云统一身份认证和居民基础数据",
    "developer_info": "具有软件开发资质，承担过多个街道项目",
    "protection_level": 2,
}


@pytest.fixture
def actors(make_user):
    """applicant (东明路街道), reviewer (浦东新区 competent dept), city operations office, city reviewer."""
    from accounts.models import Region

    dongming = Region.objects.get(code="310115015000")
    pudong = Region.objects.get(code="310115000000")
    city = Region.objects.get(code="310000000000")
    huamu = Region.objects.get(code="310115016000")
    return {
        "applicant": make_user("dongming", roles=[Role.OPERATOR],
                               organisation=OrganisationFactory(region=dongming, name="东明路街道办事处")),
        "reviewer": make_user("pudong", roles=[Role.REVIEWER],
                              organisation=OrganisationFactory(region=pudong, name="浦东新区民政局",
                                                               kind=OrganisationKind.COMPETENT_DEPT)),
        "city_ops": make_user("city", roles=[Role.OPERATOR],
                              organisation=OrganisationFactory(region=city, name="上海市社区服务中心",
                                                               kind=OrganisationKind.OPERATIONS_OFFICE)),
        "city_reviewer": make_user("city", roles=[Role.REVIEWER],
                                   organisation=OrganisationFactory(region=city, name="上海市民政局",
                                                                    kind=OrganisationKind.COMPETENT_DEPT)),
        "other_street": make_user("huamu", roles=[Role.OPERATOR],
                                  organisation=OrganisationFactory(region=huamu, name="花木街道办事处")),
        "staff": make_user("dongming", roles=[Role.STAFF]),
    }


@pytest.fixture
def make_scenario(actors):
    """``make_scenario(status="online")`` walks a real scenario through the table to the wanted state."""

    def build(status: str = Status.DRAFT, **overrides) -> Scenario:
        applicant = overrides.pop("applicant", actors["applicant"])
        values = {**SCENARIO, **overrides}
        scenario = scenario_create(actor=applicant, region=applicant.region, **values)
        scenario = application_update(actor=applicant, scenario=scenario, risk_report=pdf_upload())
        path = {
            Status.DRAFT: [],
            Status.SUBMITTED: [("submit", applicant)],
            Status.APPROVED: [("submit", applicant), ("approve", actors["reviewer"])],
            Status.REJECTED: [("submit", applicant), ("reject", actors["reviewer"])],
            Status.FILED: [("submit", applicant), ("approve", actors["reviewer"]), ("file", actors["city_ops"])],
            Status.ONLINE: [("submit", applicant), ("approve", actors["reviewer"]), ("file", actors["city_ops"]),
                            ("go_online", applicant)],
            Status.RECTIFYING: [("submit", applicant), ("approve", actors["reviewer"]), ("file", actors["city_ops"]),
                                ("go_online", applicant)],
            Status.OFFLINE: [("submit", applicant), ("approve", actors["reviewer"]), ("file", actors["city_ops"]),
                             ("go_online", applicant), ("offboard", actors["reviewer"])],
            Status.DISCONNECTED: [("submit", applicant), ("approve", actors["reviewer"]), ("file", actors["city_ops"]),
                                  ("go_online", applicant), ("disconnect", actors["city_ops"])],
        }[status]
        for action, actor in path:
            scenario = scenario_transition(actor=actor, scenario=scenario, action=action, comment="测试意见")
        if status == Status.RECTIFYING:
            from datetime import timedelta

            from django.utils import timezone

            from scenarios.services import scenario_rectify

            scenario = scenario_rectify(actor=actors["reviewer"], scenario=scenario,
                                        deadline=timezone.localdate() + timedelta(days=14), comment="整改")
        scenario.refresh_from_db()
        return scenario

    return build
