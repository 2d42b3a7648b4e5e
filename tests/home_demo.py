"""A demo-like world for the home-page queues: the accounts of ``load_demo`` (same regions, organisations and roles)
and, for each of them, known work waiting — so each role's home can be checked item by item."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import AnomalyKind, OrganisationKind, Region
from accounts.roles import Role
from tests.factories import OrganisationFactory

#: What each demo role's home lists: queue key → count.
EXPECTED = {
    "city_admin": {"scenarios-approved": 1, "accounts-anomalies": 1, "notifications-unread": 1},
    "pudong_admin": {"scenarios-submitted": 1, "evaluations-due": 1, "accounts-anomalies": 1,
                     "notifications-unread": 1},
    "dongming_admin": {"accounts-anomalies": 5, "accounts-locked": 1, "content-review": 1, "notifications-unread": 5},
    "dongming_operator": {"scenarios-filed": 1, "scenarios-returned": 1, "scenarios-rectifying": 1},
    "sanlinyuan_staff": {"content-returned": 1, "notifications-unread": 1},
    "pudong_auditor": {},
}


def lock(user) -> None:  # type: ignore[no-untyped-def]
    from axes.models import AccessAttempt
    from django.conf import settings

    AccessAttempt.objects.create(username=user.username, ip_address="127.0.0.1", user_agent="test", http_accept="*/*",
                                 path_info="/accounts/login/", get_data="", post_data="",
                                 failures_since_start=settings.AXES_FAILURE_LIMIT)


@pytest.fixture
def demo(make_user, regions):  # type: ignore[no-untyped-def]
    """The demo accounts, with work waiting for each (see EXPECTED)."""
    from accounts.services.accounts import anomaly_flag
    from content import services as content
    from scenarios.services import scenario_rectify, scenario_transition
    from scenarios.services.evaluations import campaign_open
    from shequyun.notifications.services import notify
    from tests.content.factories import CHECKS, ITEM
    from tests.scenarios.factories import SCENARIO, pdf_upload

    def org(where: str, name: str, kind: str):  # type: ignore[no-untyped-def]
        return OrganisationFactory(region=regions[where], name=name, kind=kind)

    centre = org("city", "上海市社区服务中心", OrganisationKind.OPERATIONS_OFFICE)
    bureau = org("pudong", "浦东新区民政局", OrganisationKind.COMPETENT_DEPT)
    street = org("dongming", "东明路街道办事处", OrganisationKind.COMPETENT_DEPT)
    committee = org("sanlinyuan", "三林苑居委会", OrganisationKind.COMMITTEE)
    u = {
        "city_admin": make_user("city", username="city_admin", full_name="市级管理员", organisation=centre,
                                roles=[Role.ACCOUNT_ADMIN, Role.OPERATOR]),
        "pudong_admin": make_user("pudong", username="pudong_admin", full_name="浦东新区管理员", organisation=bureau,
                                  roles=[Role.ACCOUNT_ADMIN, Role.REVIEWER]),
        "dongming_admin": make_user("dongming", username="dongming_admin", full_name="东明路街道管理员",
                                    organisation=street, roles=[Role.ACCOUNT_ADMIN, Role.REVIEWER]),
        "sanlinyuan_staff": make_user("sanlinyuan", username="sanlinyuan_staff", full_name="三林苑居委会工作人员",
                                      organisation=committee, roles=[Role.STAFF]),
        "dongming_operator": make_user("dongming", username="dongming_operator", full_name="东明路街道运营人员",
                                       organisation=street, roles=[Role.OPERATOR]),
        "pudong_auditor": make_user("pudong", username="pudong_auditor", full_name="浦东新区审计员",
                                    organisation=bureau, roles=[Role.AUDITOR]),
    }
    applicant, reviewer, centre_user = u["dongming_operator"], u["pudong_admin"], u["city_admin"]

    def scenario(name: str, steps: list[tuple[str, object]]):  # type: ignore[no-untyped-def]
        from scenarios.services import application_update, scenario_create

        s = scenario_create(actor=applicant, region=applicant.region, **{**SCENARIO, "name": name})
        s = application_update(actor=applicant, scenario=s, risk_report=pdf_upload())
        for action, actor in steps:
            s = scenario_transition(actor=actor, scenario=s, action=action, comment="意见")
        return s

    submit, approve, file, online = ("submit", applicant), ("approve", reviewer), ("file", centre_user), (
        "go_online", applicant)
    scenario("社区助餐预约", [submit])
    scenario("智慧停车引导", [submit, approve])
    scenario("垃圾分类积分", [submit, approve, file])
    scenario("居民议事厅", [submit, ("return", reviewer)])
    scenario("老年人紧急呼叫", [submit, approve, file, online])  # evaluated by the district's campaign
    rectifying = scenario("社区健身预约", [submit, approve, file, online])
    scenario_rectify(actor=reviewer, scenario=rectifying, deadline=timezone.localdate() + dt.timedelta(days=10),
                     comment="整改")
    campaign_open(region=regions["pudong"], period="2026Q4", due_date=timezone.localdate() + dt.timedelta(days=5))
    # Account work: five anomalies for the street admin, one for the district's and one for the city's.
    for n in range(3):
        anomaly_flag(account=u["sanlinyuan_staff"], kind=AnomalyKind.ODD_HOURS, description="凌晨登录",
                     dedupe_key=f"odd:{n}")
    for n in range(2):
        anomaly_flag(account=u["dongming_operator"], kind=AnomalyKind.FAILED_BURST, description="多次失败",
                     dedupe_key=f"burst:{n}")
    anomaly_flag(account=u["dongming_admin"], kind=AnomalyKind.ODD_HOURS, description="凌晨登录", dedupe_key="x")
    anomaly_flag(account=u["pudong_admin"], kind=AnomalyKind.ODD_HOURS, description="凌晨登录", dedupe_key="x")
    lock(make_user("cuizhuyuan", username="cuizhuyuan_staff", full_name="翠竹园居委会工作人员", roles=[Role.STAFF]))
    # Content: one item waits on the street's reviewer, one was returned to the village.
    author = u["sanlinyuan_staff"]
    waiting = content.item_create(actor=author, **ITEM)
    content.item_submit(actor=author, item=waiting)
    returned = content.item_create(actor=author, **{**ITEM, "title": "三林苑社区活动通知"})
    returned = content.item_submit(actor=author, item=returned)
    content.item_review(actor=u["dongming_admin"], item=returned, action="return", comment="请补充时间", checks=CHECKS)
    notify(recipients=[author], title="请阅读：社区云操作指南", email=False)
    return u


def queue_counts(user) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from shequyun.home import home_queues

    return {q.key: q.count for q in home_queues(user)}


__all__ = ["EXPECTED", "Region", "demo", "lock", "queue_counts"]
