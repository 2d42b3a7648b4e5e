"""The scenario lifecycle of DESIGN §5 as one explicit table. The browser and the API both go through it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.permissions import may_act_as_city_operations, may_apply_for, may_evaluate, may_review_application
from shequyun.workflow import Transition

from .models import Status as S


def applicant(user, scenario) -> bool:  # type: ignore[no-untyped-def]
    return may_apply_for(user, scenario.region)


def reviewer(user, scenario) -> bool:  # type: ignore[no-untyped-def]
    return may_review_application(user, scenario.region)


def city_operations(user, scenario) -> bool:  # type: ignore[no-untyped-def]
    return may_act_as_city_operations(user)


def evaluator(user, scenario) -> bool:  # type: ignore[no-untyped-def]
    return may_evaluate(user, scenario.region)


TRANSITIONS = [
    Transition(S.DRAFT, "submit", S.SUBMITTED, applicant, _("提交核准")),
    Transition(S.SUBMITTED, "approve", S.APPROVED, reviewer, _("核准")),
    Transition(S.SUBMITTED, "return", S.DRAFT, reviewer, _("退回修改"), needs_comment=True, style="outline-primary"),
    Transition(S.SUBMITTED, "reject", S.REJECTED, reviewer, _("不予核准"), needs_comment=True, style="outline-danger"),
    Transition(S.APPROVED, "file", S.FILED, city_operations, _("确认报备")),
    Transition(S.FILED, "go_online", S.ONLINE, applicant, _("上线")),
    Transition(S.ONLINE, "rectify", S.RECTIFYING, evaluator, _("要求整改"), needs_comment=True, style="outline-danger"),
    Transition(S.ONLINE, "promote", S.ONLINE, evaluator, _("推广"), style="outline-primary"),
    Transition(S.RECTIFYING, "report_rectified", S.ONLINE, applicant, _("报告整改完成"), needs_comment=True),
    Transition(S.ONLINE, "offboard", S.OFFLINE, evaluator, _("要求下线"), needs_comment=True, style="outline-danger"),
    Transition(S.RECTIFYING, "offboard", S.OFFLINE, evaluator, _("要求下线"), needs_comment=True, style="outline-danger"),
    Transition(S.ONLINE, "request_offboarding", S.OFFLINE, applicant, _("申请下线"), needs_comment=True,
               style="outline-danger"),
    Transition(S.RECTIFYING, "request_offboarding", S.OFFLINE, applicant, _("申请下线"), needs_comment=True,
               style="outline-danger"),
    Transition(S.ONLINE, "disconnect", S.DISCONNECTED, city_operations, _("紧急断开"), needs_comment=True,
               style="danger"),
    Transition(S.DISCONNECTED, "reconnect", S.ONLINE, city_operations, _("恢复连接"), needs_comment=True),
    # Merging similar apps (清单制): the merged one goes offline pointing at the survivor (see services.scenario_merge).
    Transition(S.ONLINE, "merge", S.OFFLINE, evaluator, _("合并"), needs_comment=True, style="outline-danger"),
    Transition(S.RECTIFYING, "merge", S.OFFLINE, evaluator, _("合并"), needs_comment=True, style="outline-danger"),
    Transition(S.FILED, "merge", S.OFFLINE, evaluator, _("合并"), needs_comment=True, style="outline-danger"),
]

#: Actions that need more than a comment and have their own service (they are not offered as plain buttons).
SPECIAL_ACTIONS = {"merge", "promote", "rectify"}
