"""Drills (演练, 000 Art. 16, 003 Art. 45) and training records (000 Art. 15, 17; 003 Art. 46)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region, User
from scenarios.models import Scenario
from shequyun.audit import acting_as
from shequyun.notifications.services import notify
from shequyun.scoping import in_scope
from shequyun.workflow import Transition, Workflow, transition

from ..models import Drill, DrillEvent, PlanStatus, PlanVersion, Training
from ..permissions import may_manage_drills, may_record_training
from ..transitions import DRILL_SPECIAL, DRILL_TRANSITIONS
from .plans import plan_revision_open


def _record(drill: Drill, step: Transition, actor: Any, comment: str, previous: str, **extra: Any) -> None:
    DrillEvent.objects.create(drill=drill, action=step.action, from_status=previous, to_status=step.target,
                              actor=actor, comment=comment or "", extra=extra)


WORKFLOW = Workflow(name="drill", transitions=DRILL_TRANSITIONS, record=_record)


def _people(actor: Any, people: Any, field: str) -> list[User]:
    ids = [getattr(p, "pk", p) for p in (people or [])]
    if any(not str(pk).isdigit() for pk in ids):
        raise ValidationError({field: [_("人员编号无效。")]})
    found = list(User.objects.visible_to(actor).filter(pk__in=ids, is_active=True))
    if len(found) != len(set(ids)):
        raise ValidationError({field: [_("部分人员不存在或不在您的管辖范围内。")]})
    return found


@transaction.atomic
def drill_create(*, actor: Any, region: Region, plan_version: Any, title: str, planned_on: dt.date,
                 scenario: Any = None, participants: Any = None) -> Drill:
    """Plan a drill against a plan version of the region or above (the version the team rehearses)."""
    if not may_manage_drills(actor, region):
        raise PermissionDenied(_("只有安全员可以组织演练。"))
    errors: dict[str, list[str]] = {}
    pk = getattr(plan_version, "pk", plan_version)
    version = (PlanVersion.objects.visible_to(actor).filter(pk=pk).exclude(status=PlanStatus.SUPERSEDED)
               .select_related("plan__region").first() if str(pk).isdigit() else None)
    if version is None or not region.is_within(version.plan.region):
        errors["plan_version"] = [_("请选择本区域或上级区域的应急预案版本。")]
    found_scenario = None
    if scenario not in (None, ""):
        spk = getattr(scenario, "pk", scenario)
        found_scenario = Scenario.objects.visible_to(actor).filter(pk=spk).first() if str(spk).isdigit() else None
        if found_scenario is None:
            errors["scenario"] = [_("应用场景不存在或不在您的管辖范围内。")]
    if not (title or "").strip():
        errors["title"] = [_("请填写演练科目。")]
    if not isinstance(planned_on, dt.date):
        errors["planned_on"] = [_("请填写计划日期。")]
    try:
        people = _people(actor, participants, "participants")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        people = []
    if errors:
        raise ValidationError(errors)
    drill = Drill(region=region, plan_version=version, title=title.strip(), planned_on=planned_on,
                  scenario=found_scenario, created_by=actor)
    drill.full_clean(exclude=["created_by"])
    with acting_as(actor):
        drill.save()
        drill.participants.set(people)
    return drill


def drill_complete(*, actor: Any, drill: Drill, held_on: dt.date, findings: str, revision_required: bool = False,
                   revision_working_days: int = 20, participants: Any = None) -> Drill:
    """Record what happened. "Revision required" opens a revision of the plan with a deadline in working days."""
    today = timezone.localdate()

    def check(locked: Drill, step: Transition) -> None:
        errors: dict[str, list[str]] = {}
        if not isinstance(held_on, dt.date) or held_on > today:
            errors["held_on"] = [_("实施日期不能晚于今天。")]
        if not (findings or "").strip():
            errors["findings"] = [_("请填写演练发现。")]
        if revision_required and not 1 <= int(revision_working_days or 0) <= 120:
            errors["revision_working_days"] = [_("修订期限应在1至120个工作日之间。")]
        if participants is not None:
            try:
                state["people"] = _people(actor, participants, "participants")
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)

    state: dict[str, Any] = {}

    def stamp(locked: Drill, step: Transition) -> list[str]:
        locked.held_on, locked.findings, locked.revision_required = held_on, findings.strip(), bool(revision_required)
        if "people" in state:
            locked.participants.set(state["people"])
        return ["held_on", "findings", "revision_required"]

    with transaction.atomic():
        done = transition(WORKFLOW, obj=drill, action="complete", actor=actor, comment=findings or "",
                          validate=check, extra_update=stamp, revision_required=bool(revision_required))
        if revision_required:
            plan_revision_open(actor=actor, plan=done.plan_version.plan, drill=done, start=held_on,
                               working_days=int(revision_working_days),
                               reason=_("演练“%(t)s”发现须修订：%(f)s") % {"t": done.title, "f": findings.strip()})
    return done


def drill_transition(*, actor: Any, drill: Drill, action: str, comment: str = "") -> Drill:
    if action in DRILL_SPECIAL:
        from shequyun.errors import Conflict

        raise Conflict(_("该操作需要更多信息。"), action=action)
    return transition(WORKFLOW, obj=drill, action=action, actor=actor, comment=comment)


@transaction.atomic
def training_create(*, actor: Any, region: Region, topic: str, held_on: dt.date, participants: Any = None,
                    materials: str = "") -> Training:
    if not may_record_training(actor, region):
        raise PermissionDenied(_("只有安全员或运营人员可以登记培训。"))
    errors: dict[str, list[str]] = {}
    if not (topic or "").strip():
        errors["topic"] = [_("请填写培训主题。")]
    if not isinstance(held_on, dt.date) or held_on > timezone.localdate():
        errors["held_on"] = [_("培训日期不能晚于今天。")]
    try:
        people = _people(actor, participants, "participants")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        people = []
    if not people and "participants" not in errors:
        errors["participants"] = [_("请选择参训人员。")]
    if any(not in_scope(actor, p.region) for p in people if p.region is not None):
        errors["participants"] = [_("部分人员不存在或不在您的管辖范围内。")]
    if errors:
        raise ValidationError(errors)
    training = Training(region=region, topic=topic.strip(), held_on=held_on, materials=materials or "",
                        created_by=actor)
    training.full_clean(exclude=["created_by"])
    with acting_as(actor):
        training.save()
        training.participants.set(people)
    notify(recipients=[p for p in people if p.pk != actor.pk], title=_("已登记您参加的安全培训：%(t)s") % {"t": training.topic},
           url=f"/security/trainings/{training.pk}/", target=training, dedupe_key=f"security:training:{training.pk}",
           email=False)
    return training
