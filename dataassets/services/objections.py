"""Objections (异议, 003 Art. 48). Filed by a unit (or a resident through its staff) on a published resource; the data
office marks it (标注) within 1 working day, decides or transfers it within 2; the responsible department decides
within 5 working days of the transfer; the objector is told the result. The clocks are computed once
(``dataassets/clocks.py``) and stored; overdue stages escalate one level up the hierarchy, once per stage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, Region, User
from accounts.permissions import is_city_operations_office
from accounts.roles import Role
from shequyun import grants
from shequyun.audit import AuditEventType, acting_as, record_event
from shequyun.notifications.services import notify
from shequyun.scoping import in_scope
from shequyun.workdays import log_moved_deadline
from shequyun.workflow import Transition, Workflow, transition

from .. import clocks
from .. import permissions as perms
from ..models import (
    Decision,
    Objection,
    ObjectionEscalation,
    ObjectionEvent,
    ObjectionKind,
    ObjectionStatus,
    Resource,
)
from ..transitions import OBJECTION_TRANSITIONS
from .common import require_text, url

OPEN = [ObjectionStatus.RECEIVED, ObjectionStatus.MARKED, ObjectionStatus.TRANSFERRED]


def _record(objection: Objection, step: Transition, actor: Any, comment: str, previous: str, **extra: Any) -> None:
    ObjectionEvent.objects.create(objection=objection, action=step.action, from_status=previous, to_status=step.target,
                                  actor=actor, comment=comment or "", extra=extra)


def _after(objection: Objection, step: Transition, actor: Any, comment: str) -> None:
    if objection.status == ObjectionStatus.DECIDED:
        notify(recipients=[objection.filed_by],
               title=_("您提出的数据异议已办结：%(d)s") % {"d": objection.get_decision_display()},
               body=objection.result, url=url("objection", objection.pk), target=objection,
               dedupe_key=f"objection-{objection.pk}-decided")
        return
    notify(recipients=[u for u in perms.objection_recipients(objection) if u.pk != getattr(actor, "pk", None)],
           title=_("数据异议“%(name)s”：%(action)s") % {"name": objection.resource.name, "action": step.label},
           body=comment, url=url("objection", objection.pk), target=objection)


OBJECTION_WORKFLOW = Workflow(name="objection", transitions=OBJECTION_TRANSITIONS, record=_record, after=_after,
                              people=perms.objection_recipients)


@transaction.atomic
def objection_file(*, actor: Any, resource: Resource, kind: str, description: str, objector_name: str = "",
                   received_on: dt.date | None = None) -> Objection:
    """File an objection on a resource the actor can read. ``received_on`` defaults to today: the day the
    material is received starts the clocks."""
    if not perms.may_file_objection(actor, resource):
        raise PermissionDenied(_("只能对已发布的数据资源提出异议。"))
    if kind not in ObjectionKind.values:
        raise ValidationError({"kind": [_("请选择异议类型。")]})
    description = require_text(description, "description", _("请填写异议内容。"))
    received_on = received_on or timezone.localdate()
    objection = Objection(resource=resource, kind=kind, description=description,
                          objector_name=(objector_name or "").strip() or actor.organisation.name,
                          objector_org=actor.organisation, filed_by=actor, received_on=received_on,
                          **clocks.receipt_clocks(received_on))
    objection.full_clean(validate_unique=False, validate_constraints=False)
    with acting_as(actor):
        objection.save()
    # The objector may sit outside the resource's subtree: they follow their objection through an explicit grant.
    grants.grant(user=actor, perm=perms.VIEW_OBJECTION, obj=objection, actor=actor, reason="异议提出人")
    transaction.on_commit(lambda: notify(
        recipients=list(perms.objection_recipients(objection)),
        title=_("收到数据异议：%(name)s（%(due)s前标注）") % {"name": resource.name, "due": objection.mark_due},
        body=description, url=url("objection", objection.pk), target=objection))
    return objection


def objection_mark(*, actor: Any, objection: Objection, comment: str = "") -> Objection:
    def stamp(locked: Objection, step: Transition) -> list[str]:
        locked.marked_at = timezone.now()
        return ["marked_at"]

    return transition(OBJECTION_WORKFLOW, obj=objection, action="mark", actor=actor, comment=comment,
                      extra_update=stamp)


def transfer_targets(objection: Objection, actor: Any) -> list[Organisation]:
    """Departments the data office may transfer to: units of the resource's region or the regions above it, within
    the office's subtree (so the department sees the objection by the one scoping rule)."""
    region = objection.resource.region
    codes = region.ancestor_codes
    return [o for o in Organisation.objects.filter(region__code__in=codes, is_active=True).select_related("region")
            .order_by("-region__depth", "name") if in_scope(actor, o.region)]


def objection_transfer(*, actor: Any, objection: Objection, responsible_org: Any, comment: str = "") -> Objection:
    today = timezone.localdate()

    def validate(locked: Objection, step: Transition) -> None:
        allowed = {o.pk for o in transfer_targets(locked, actor)}
        if getattr(responsible_org, "pk", responsible_org) not in allowed:
            raise ValidationError({"responsible_org": [_("请选择数据资源所在区域或其上级区域的责任部门。")]})

    def stamp(locked: Objection, step: Transition) -> list[str]:
        clock = clocks.transfer_clock(today)
        locked.responsible_org_id = getattr(responsible_org, "pk", responsible_org)
        locked.transferred_on = today
        locked.department_due = clock["department_due"]
        locked.provisional_clocks = locked.provisional_clocks or bool(clock["provisional"])
        return ["responsible_org", "transferred_on", "department_due", "provisional_clocks"]

    return transition(OBJECTION_WORKFLOW, obj=objection, action="transfer", actor=actor, comment=comment,
                      validate=validate, extra_update=stamp)


def objection_decide(*, actor: Any, objection: Objection, decision: str, result: str) -> Objection:
    """The data office (after marking) or the responsible department (after a transfer) decides; the objector is
    told the result."""

    def validate(locked: Objection, step: Transition) -> None:
        errors = {}
        if decision not in Decision.values:
            errors["decision"] = [_("请选择是否更正。")]
        if not (result or "").strip():
            errors["result"] = [_("请填写处理结果，将告知异议提出人。")]
        if errors:
            raise ValidationError(errors)

    def stamp(locked: Objection, step: Transition) -> list[str]:
        locked.decision, locked.result, locked.decided_at = decision, result.strip(), timezone.now()
        return ["decision", "result", "decided_at"]

    return transition(OBJECTION_WORKFLOW, obj=objection, action="decide", actor=actor, comment=result or "",
                      validate=validate, extra_update=stamp, decision=decision)


def stage_owner_region(objection: Objection) -> Region:
    if objection.status == ObjectionStatus.TRANSFERRED and objection.responsible_org_id:
        return objection.responsible_org.region
    return perms.reviewing_region(objection.resource)


def escalation_recipients(region: Region) -> list[User]:
    """Who hears about an overdue objection at ``region``: its data office; at the city also the operations office."""
    people = list(perms.data_office_members(region))
    if region.depth == 0:
        people += [u for u in User.objects.filter(region=region, is_active=True, groups__name=Role.OPERATOR.value)
                   if is_city_operations_office(u)]
    return people


def objection_escalate_overdue(*, today: dt.date | None = None) -> int:
    """Escalate every open objection whose current stage is past its stored clock, one level up from the stage's
    owner (the city escalates to its own data office and operations office). Once per objection and stage: a
    second run escalates nothing."""
    today = today or timezone.localdate()
    escalated = 0
    late = (Q(status=ObjectionStatus.RECEIVED, mark_due__lt=today) | Q(status=ObjectionStatus.MARKED, decide_due__lt=today)
            | Q(status=ObjectionStatus.TRANSFERRED, department_due__lt=today))
    candidates = (Objection.objects.filter(late).select_related("resource__region", "responsible_org__region")
                  .prefetch_related("escalations"))
    for objection in candidates:
        due = objection.current_due
        if any(e.stage == objection.status for e in objection.escalations.all()):
            continue
        owner = stage_owner_region(objection)
        target = owner.parent if owner.parent_id else owner
        try:
            with transaction.atomic():
                ObjectionEscalation.objects.create(objection=objection, stage=objection.status, due=due, to_region=target)
                record_event(AuditEventType.OBJECTION_ESCALATED, target=objection, region_path=objection.resource.region.path,
                             stage=objection.status, due=due.isoformat(), to_region=target.code)
                notify(recipients=escalation_recipients(target),
                       title=_("数据异议超期：%(name)s（%(stage)s，期限 %(due)s）") % {
                           "name": objection.resource.name, "stage": objection.get_status_display(), "due": due},
                       url=url("objection", objection.pk), target=objection,
                       dedupe_key=f"objection-{objection.pk}-{objection.status}-escalated")
        except IntegrityError:
            continue  # escalated by a concurrent run
        escalated += 1
    return escalated


def clocks_recheck(*, changed_dates: list[dt.date]) -> int:
    """After the working-day calendar changed, log every stored clock of an open objection that the new calendar
    would place on another day. The stored clock stands; the audit trail says what moved."""
    if not changed_dates:
        return 0
    earliest = min(changed_dates)
    logged = 0
    for objection in Objection.objects.filter(status__in=OPEN).select_related("resource__region"):
        stored = [d for d in (objection.mark_due, objection.decide_due, objection.department_due) if d]
        if not stored or max(stored) < earliest:
            continue
        for field_name, (old, new) in clocks.recomputed(objection).items():
            logged += log_moved_deadline(target=objection, region_path=objection.resource.region.path, stored=old,
                                         recomputed=new, changed_dates=changed_dates, clock=field_name)
    return logged
