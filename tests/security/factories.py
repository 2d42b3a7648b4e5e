"""Security fixtures on the real tree: security officers at each level, staff who report, city operations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import OrganisationKind, Region
from accounts.roles import Role
from tests.factories import OrganisationFactory
from tests.scope import OUTSIDE

INCIDENT = {
    "title": "居民信息疑似泄露",
    "description": "为老服务预约系统导出接口未鉴权，居民姓名和电话可被批量下载。",
    "category": "DS",
    "subcategory": "DSDATALEAK",
    "importance": "important",
    "loss": "serious",
    "social_impact": "general",
    "personal_info_leak": True,
}


@pytest.fixture
def sec(make_user):  # type: ignore[no-untyped-def]
    """People of the security module along 上海市 → 浦东新区 → 东明路街道 → 三林苑居委会 (+ 杨浦 outside).
    The GB/T 20986-2023 categories come from a data migration; a transactional test elsewhere may have flushed them."""
    from security.categories import load_categories
    from security.models import IncidentCategory

    load_categories(IncidentCategory)
    city = Region.objects.get(code="310000000000")
    outside = Region.objects.get(code=OUTSIDE)
    return {
        "city_so": make_user("city", roles=[Role.SECURITY_OFFICER]),
        "district_so": make_user("pudong", roles=[Role.SECURITY_OFFICER]),
        "street_so": make_user("dongming", roles=[Role.SECURITY_OFFICER]),
        "huamu_so": make_user("huamu", roles=[Role.SECURITY_OFFICER]),
        "street_staff": make_user("dongming", roles=[Role.STAFF]),
        "village_staff": make_user("sanlinyuan", roles=[Role.STAFF]),
        "city_ops": make_user("city", roles=[Role.OPERATOR], organisation=OrganisationFactory(
            region=city, name="上海市社区服务中心", kind=OrganisationKind.OPERATIONS_OFFICE)),
        "district_reviewer": make_user("pudong", roles=[Role.REVIEWER]),
        "auditor": make_user("dongming", roles=[Role.AUDITOR]),
        "outside_so": make_user(OUTSIDE, roles=[Role.SECURITY_OFFICER],
                                organisation=OrganisationFactory(region=outside)),
    }


def times(minutes_ago: int = 60) -> dict[str, Any]:
    now = timezone.now()
    return {"started_at": now - dt.timedelta(minutes=minutes_ago), "detected_at": now - dt.timedelta(minutes=5)}


@pytest.fixture
def report(sec):  # type: ignore[no-untyped-def]
    """``report(actor=…, **overrides)`` → an incident reported through the service."""
    from security.services import incident_report

    def build(actor: Any = None, **overrides: Any):  # type: ignore[no-untyped-def]
        values = {**INCIDENT, **times(), **overrides}
        return incident_report(actor=actor or sec["street_staff"], **values)

    return build


PLAN = {
    "organisation": "街道网络安全应急领导小组，组长为分管副主任，城运中心负责日常工作。",
    "responsibilities": "城运中心统筹；模块牵头部门负责处置；技术公司提供支撑。",
    "procedure_1": "立即上报区、市，启动全部应急力量。",
    "procedure_2": "1小时内上报区、市，领导小组组长到场指挥。",
    "procedure_3": "立即上报区、市安全员，城运中心组织处置。",
    "procedure_4": "街道城运中心组织处置，24小时内报告。",
}


@pytest.fixture
def active_plan(sec, make_user):  # type: ignore[no-untyped-def]
    """``active_plan(officer)``: the officer's region gets a plan whose version 1 is approved (by a reviewer of the
    same region) and active."""
    from security.services import plan_create, plan_transition

    def build(officer: Any, team: list[Any] | None = None):  # type: ignore[no-untyped-def]
        members = team or [{"user": officer, "duty": "现场指挥", "contact": "13800001111"}]
        plan = plan_create(actor=officer, region=officer.region, title=f"{officer.region.name}网络安全事件应急预案",
                           team=members, **PLAN)
        version = plan.versions.get()
        approver = make_user(officer.region.code, roles=[Role.REVIEWER])
        plan_transition(actor=approver, version=version, action="approve")
        plan_transition(actor=officer, version=version, action="activate")
        plan.refresh_from_db()
        return plan

    return build
