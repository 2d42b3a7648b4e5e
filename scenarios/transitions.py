"""The scenario lifecycle of DESIGN §5 and the evaluation report's own small lifecycle, as explicit tables. The browser and the API both go through it.

Each row names its rule (scenarios/permissions.py): the engine asks it before acting, queues are built from its
queryset form, and notifications go to its holders. ``waits=False`` marks discretionary actions (rectify,
promote, offboard, merge, disconnect …): anyone entitled may take them at any time, so they are in nobody's queue.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shequyun.workflow import Transition

from .models import EvaluationStatus as E
from .models import Status as S
from .permissions import APPLICANT as applicant
from .permissions import CITY_OPERATIONS as city_operations
from .permissions import EVALUATION_FILLER as evaluation_filler
from .permissions import EVALUATION_RETURNER as evaluation_returner
from .permissions import EVALUATOR as evaluator
from .permissions import REVIEWER as reviewer

TRANSITIONS = [
    Transition(S.DRAFT, "submit", S.SUBMITTED, applicant, _("提交核准")),
    Transition(S.SUBMITTED, "approve", S.APPROVED, reviewer, _("核准")),
    Transition(S.SUBMITTED, "return", S.DRAFT, reviewer, _("退回修改"), needs_comment=True, style="outline-primary"),
    Transition(S.SUBMITTED, "reject", S.REJECTED, reviewer, _("不予核准"), needs_comment=True, style="outline-danger"),
    Transition(S.APPROVED, "file", S.FILED, city_operations, _("确认报备")),
    Transition(S.FILED, "go_online", S.ONLINE, applicant, _("上线")),
    Transition(S.ONLINE, "rectify", S.RECTIFYING, evaluator, _("要求整改"), needs_comment=True, style="outline-danger",
               waits=False),
    Transition(S.ONLINE, "promote", S.ONLINE, evaluator, _("推广"), style="outline-primary", waits=False),
    Transition(S.RECTIFYING, "report_rectified", S.ONLINE, applicant, _("报告整改完成"), needs_comment=True),
    Transition(S.ONLINE, "offboard", S.OFFLINE, evaluator, _("要求下线"), needs_comment=True, style="outline-danger",
               waits=False),
    Transition(S.RECTIFYING, "offboard", S.OFFLINE, evaluator, _("要求下线"), needs_comment=True,
               style="outline-danger", waits=False),
    Transition(S.ONLINE, "request_offboarding", S.OFFLINE, applicant, _("申请下线"), needs_comment=True,
               style="outline-danger", waits=False),
    Transition(S.RECTIFYING, "request_offboarding", S.OFFLINE, applicant, _("申请下线"), needs_comment=True,
               style="outline-danger", waits=False),
    Transition(S.ONLINE, "disconnect", S.DISCONNECTED, city_operations, _("紧急断开"), needs_comment=True,
               style="danger", waits=False),
    Transition(S.DISCONNECTED, "reconnect", S.ONLINE, city_operations, _("恢复连接"), needs_comment=True),
    # Merging similar apps (清单制): the merged one goes offline pointing at the survivor (see services.scenario_merge).
    Transition(S.ONLINE, "merge", S.OFFLINE, evaluator, _("合并"), needs_comment=True, style="outline-danger",
               waits=False),
    Transition(S.RECTIFYING, "merge", S.OFFLINE, evaluator, _("合并"), needs_comment=True, style="outline-danger",
               waits=False),
    Transition(S.FILED, "merge", S.OFFLINE, evaluator, _("合并"), needs_comment=True, style="outline-danger",
               waits=False),
]

#: Actions that need more than a comment and have their own service (they are not offered as plain buttons).
SPECIAL_ACTIONS = {"merge", "promote", "rectify"}


#: An evaluation report (000 Art. 13): the campaign's evaluators submit it (its outcome then acts on the scenario
#: through the table above); the city may send it back with a comment, any number of times — each return is a
#: history row (scenarios.EvaluationEvent), so no comment is ever overwritten. Returning is the city's choice, not
#: a step that waits on it.
EVALUATION_TRANSITIONS = [
    Transition(E.DUE, "submit", E.SUBMITTED, evaluation_filler, _("提交评估报告")),
    Transition(E.RETURNED, "submit", E.SUBMITTED, evaluation_filler, _("提交评估报告")),
    Transition(E.SUBMITTED, "return", E.RETURNED, evaluation_returner, _("退回区级修改"), needs_comment=True,
               style="outline-danger", waits=False),
]
