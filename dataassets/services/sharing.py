"""Sharing requests (003 Art. 27-28): a unit asks for an authorised-sharing resource for a named online scenario
and a purpose; the data office of the catalogue's level approves with an expiry — an explicit object grant
(``shequyun/grants.py``) — or refuses; the expiry task ends grants that ran out and tells the requester."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scenarios.models import Scenario
from scenarios.models import Status as ScenarioStatus
from shequyun import grants
from shequyun.audit import acting_as
from shequyun.errors import Conflict
from shequyun.notifications.services import notify
from shequyun.workflow import Transition, Workflow, transition

from .. import permissions as perms
from ..models import Resource, SharingEvent, SharingRequest, SharingStatus, SharingType
from ..transitions import SHARING_TRANSITIONS
from .common import require_text, url

MAX_GRANT_DAYS = 366


def _record(request: SharingRequest, step: Transition, actor: Any, comment: str, previous: str, **extra: Any) -> None:
    SharingEvent.objects.create(request=request, action=step.action, from_status=previous, to_status=step.target,
                                actor=actor, comment=comment or "", extra=extra)


def _after(request: SharingRequest, step: Transition, actor: Any, comment: str) -> None:
    words = {"approve": _("已同意，授权至 %(d)s") % {"d": request.expires_on}, "reject": _("未同意"),
             "expire": _("授权已于 %(d)s 到期，访问权限已收回") % {"d": request.expires_on}}
    notify(recipients=[request.requester],
           title=_("共享申请“%(name)s”：%(result)s") % {"name": request.resource.name, "result": words[step.action]},
           body=comment, url=url("sharing", request.pk), target=request,
           dedupe_key=f"sharing-{request.pk}-{step.action}")


SHARING_WORKFLOW = Workflow(name="sharing", transitions=SHARING_TRANSITIONS, record=_record, after=_after,
                            people=lambda r: perms.sharing_review_recipients(r) if r.status == "submitted" else [])


@transaction.atomic
def sharing_request_create(*, actor: Any, resource: Resource, scenario_id: Any, purpose: str) -> SharingRequest:
    """``resource`` must already be one the actor can read (the caller resolves it through ``catalogue_for``)."""
    if not perms.may_request_sharing(actor, resource):
        if resource.sharing_type != SharingType.AUTHORISED:
            raise ValidationError({"resource": [_("只有授权共享类数据资源需要申请；无条件共享的可直接使用，不予共享的不能申请。")]})
        raise PermissionDenied(_("本单位提供的数据资源无需申请。"))
    purpose = require_text(purpose, "purpose", _("请说明数据用途。"))
    scenario = (Scenario.objects.visible_to(actor).filter(pk=scenario_id, status=ScenarioStatus.ONLINE).first()
                if str(scenario_id or "").isdigit() else None)
    if scenario is None:
        raise ValidationError({"scenario": [_("请选择本辖区内运行中的应用场景。")]})
    if SharingRequest.objects.filter(resource=resource, requester=actor, status=SharingStatus.SUBMITTED).exists():
        raise ValidationError({"resource": [_("您已有一份该资源的申请在审核中。")]})
    request = SharingRequest(resource=resource, requester=actor, requester_org=actor.organisation, scenario=scenario,
                             purpose=purpose)
    with acting_as(actor):
        request.save()
    grants.grant(user=actor, perm=perms.VIEW_SHARING, obj=request, actor=actor, reason="共享申请人")
    transaction.on_commit(lambda: notify(
        recipients=list(perms.sharing_review_recipients(request)),
        title=_("共享申请待审核：%(name)s") % {"name": resource.name}, body=purpose,
        url=url("sharing", request.pk), target=request))
    return request


def sharing_approve(*, actor: Any, request: SharingRequest, expires_on: dt.date | None, comment: str = "") -> SharingRequest:
    """Approve with an expiry: the requester gets the explicit object grant to use the resource until then."""

    def validate(locked: SharingRequest, step: Transition) -> None:
        today = timezone.localdate()
        if expires_on is None or expires_on <= today:
            raise ValidationError({"expires_on": [_("授权截止日期必须晚于今天。")]})
        if expires_on > today + dt.timedelta(days=MAX_GRANT_DAYS):
            raise ValidationError({"expires_on": [_("授权期限最长一年。")]})

    def stamp(locked: SharingRequest, step: Transition) -> list[str]:
        locked.expires_on, locked.decided_by, locked.decided_at = expires_on, actor, timezone.now()
        return ["expires_on", "decided_by", "decided_at"]

    with transaction.atomic():
        result = transition(SHARING_WORKFLOW, obj=request, action="approve", actor=actor, comment=comment,
                            validate=validate, extra_update=stamp, expires_on=str(expires_on))
        grants.grant(user=result.requester, perm=perms.ACCESS_PERM, obj=result.resource, actor=actor,
                     reason=f"共享申请 {result.pk}，有效期至 {expires_on}", sharing_request=result.pk)
    return result


def sharing_reject(*, actor: Any, request: SharingRequest, comment: str) -> SharingRequest:
    def stamp(locked: SharingRequest, step: Transition) -> list[str]:
        locked.decided_by, locked.decided_at = actor, timezone.now()
        return ["decided_by", "decided_at"]

    return transition(SHARING_WORKFLOW, obj=request, action="reject", actor=actor, comment=comment, extra_update=stamp)


def sharing_expire(*, request: SharingRequest, today: dt.date | None = None) -> SharingRequest:
    """End a grant whose expiry has passed (the system acts: no person may). The object grant is taken back unless
    another live grant of the same requester covers the same resource."""
    today = today or timezone.localdate()

    def validate(locked: SharingRequest, step: Transition) -> None:
        if locked.expires_on is None or locked.expires_on >= today:
            raise Conflict(_("授权尚未到期。"), status=locked.status)

    with transaction.atomic():
        result = transition(SHARING_WORKFLOW, obj=request, action="expire", actor=None, validate=validate)
        still = SharingRequest.objects.filter(resource_id=result.resource_id, requester_id=result.requester_id,
                                              status=SharingStatus.GRANTED, expires_on__gte=today).exists()
        if not still:
            grants.revoke(user=result.requester, perm=perms.ACCESS_PERM, obj=result.resource, actor=None,
                          reason=f"共享申请 {result.pk} 已于 {result.expires_on} 到期",
                          sharing_request=result.pk)
    return result


def sharing_expire_due(*, today: dt.date | None = None) -> int:
    """The periodic task's work: every grant past its expiry ends (idempotent: a second run finds none)."""
    today = today or timezone.localdate()
    ended = 0
    for request in SharingRequest.objects.filter(status=SharingStatus.GRANTED, expires_on__lt=today).select_related(
            "resource", "requester"):
        try:
            sharing_expire(request=request, today=today)
        except Conflict:
            continue  # someone else ended it meanwhile
        ended += 1
    return ended
