"""The four workflows of the data-assets module as explicit tables, run by shequyun/workflow.py."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shequyun.workflow import Transition

from . import permissions as p
from .models import ObjectionStatus as O
from .models import QualityStatus as Q
from .models import ResourceStatus as R
from .models import SharingStatus as S


def editor(user, resource) -> bool:
    return p.may_edit_resource(user, resource)


def original_reviewer(user, resource) -> bool:
    return not resource.is_revision and p.may_review_resource(user, resource)


def revision_reviewer(user, resource) -> bool:
    return resource.is_revision and p.may_review_resource(user, resource)


def reviewer(user, resource) -> bool:
    return p.may_review_resource(user, resource)


RESOURCE_TRANSITIONS = [
    Transition(R.DRAFT, "submit", R.SUBMITTED, editor, _("提交审核")),
    Transition(R.SUBMITTED, "publish", R.PUBLISHED, original_reviewer, _("审核通过并发布")),
    # A revision's changes are published into its resource; the revision itself is then "merged".
    Transition(R.SUBMITTED, "publish_revision", R.MERGED, revision_reviewer, _("审核通过并发布变更")),
    Transition(R.SUBMITTED, "return", R.DRAFT, reviewer, _("退回修改"), needs_comment=True, style="outline-danger"),
]

SHARING_TRANSITIONS = [
    Transition(S.SUBMITTED, "approve", S.GRANTED, p.may_review_sharing, _("同意共享")),
    Transition(S.SUBMITTED, "reject", S.REJECTED, p.may_review_sharing, _("不同意"), needs_comment=True,
               style="outline-danger"),
    Transition(S.GRANTED, "expire", S.EXPIRED, p.system_only, _("授权到期")),
]

OBJECTION_TRANSITIONS = [
    Transition(O.RECEIVED, "mark", O.MARKED, p.may_handle_objection, _("异议标注")),
    Transition(O.MARKED, "decide", O.DECIDED, p.may_handle_objection, _("作出决定")),
    Transition(O.MARKED, "transfer", O.TRANSFERRED, p.may_handle_objection, _("转交责任部门"),
               style="outline-primary"),
    Transition(O.TRANSFERRED, "decide", O.DECIDED, p.may_department_decide, _("作出决定")),
]

QUALITY_TRANSITIONS = [
    Transition(Q.OPEN, "resolve", Q.RESOLVED, p.may_resolve_quality, _("整改完成"), needs_comment=True),
]

#: Actions that need more than a comment (a form of their own), not offered as plain buttons.
SPECIAL_ACTIONS = {"approve", "decide", "transfer", "expire"}
