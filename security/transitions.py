"""The security workflows as explicit tables run by shequyun/workflow.py: incidents (reported → acknowledged →
responding → contained → resolved → reviewed), plan versions (draft → approved → active → superseded) and drills."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shequyun.workflow import Transition

from .models import DrillStatus as D
from .models import IncidentStatus as S
from .models import PlanStatus as P
from .permissions import may_approve_plan, may_edit_plan, may_handle_incident, may_manage_drills


def handler(user, incident) -> bool:
    return may_handle_incident(user, incident)


def plan_editor(user, version) -> bool:
    return may_edit_plan(user, version.plan)


def plan_approver(user, version) -> bool:
    return may_approve_plan(user, version)


def drill_organiser(user, drill) -> bool:
    return may_manage_drills(user, drill.region)


INCIDENT_TRANSITIONS = [
    Transition(S.REPORTED, "acknowledge", S.ACKNOWLEDGED, handler, _("受理")),
    Transition(S.ACKNOWLEDGED, "respond", S.RESPONDING, handler, _("开始处置")),
    Transition(S.RESPONDING, "contain", S.CONTAINED, handler, _("确认已控制")),
    Transition(S.CONTAINED, "resolve", S.RESOLVED, handler, _("处置完毕")),
    Transition(S.RESOLVED, "review", S.REVIEWED, handler, _("完成复盘")),
]
#: Incident actions that need more than a comment (their own form and service).
INCIDENT_SPECIAL = {"acknowledge", "resolve", "review"}

PLAN_TRANSITIONS = [
    Transition(P.DRAFT, "approve", P.APPROVED, plan_approver, _("批准")),
    Transition(P.APPROVED, "return", P.DRAFT, plan_approver, _("退回修改"), needs_comment=True,
               style="outline-danger"),
    Transition(P.APPROVED, "activate", P.ACTIVE, plan_editor, _("发布生效")),
    # Only ever applied by plan_activate to the version a new one replaces.
    Transition(P.ACTIVE, "supersede", P.SUPERSEDED, plan_editor, _("废止")),
]
PLAN_SPECIAL = {"supersede"}

DRILL_TRANSITIONS = [
    Transition(D.PLANNED, "complete", D.COMPLETED, drill_organiser, _("记录演练结果")),
    Transition(D.PLANNED, "cancel", D.CANCELLED, drill_organiser, _("取消演练"), needs_comment=True,
               style="outline-danger"),
]
DRILL_SPECIAL = {"complete"}
