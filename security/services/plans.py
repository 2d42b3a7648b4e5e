"""Emergency plans (000 Art. 16, 003 Art. 45): one per city, district and street, versioned draft → approved →
active → superseded; revisions opened by drills; yearly review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region, RegionLevel, User
from shequyun.audit import acting_as
from shequyun.errors import Conflict
from shequyun.notifications.services import notify
from shequyun.workdays import calendar, log_moved_deadline
from shequyun.workflow import Transition, Workflow, transition

from ..models import EmergencyPlan, PlanEvent, PlanStatus, PlanTeamMember, PlanVersion
from ..permissions import is_security_officer, may_edit_plan, plan_approvers, plan_editors
from ..transitions import PLAN_SPECIAL, PLAN_TRANSITIONS

CONTENT_FIELDS = ["organisation", "responsibilities", "procedure_1", "procedure_2", "procedure_3", "procedure_4",
                  "change_note"]
REQUIRED_TO_APPROVE = ["organisation", "responsibilities", "procedure_1", "procedure_2", "procedure_3", "procedure_4"]
REVIEW_EVERY_DAYS = 365


def plan_url(plan: EmergencyPlan) -> str:
    return f"/security/plans/{plan.pk}/"


def _record(version: PlanVersion, step: Transition, actor: Any, comment: str, previous: str, **extra: Any) -> None:
    PlanEvent.objects.create(version=version, action=step.action, from_status=previous, to_status=step.target,
                             actor=actor, comment=comment or "", extra=extra)


def _after(version: PlanVersion, step: Transition, actor: Any, comment: str) -> None:
    if step.action == "supersede":
        return
    people = plan_approvers(version) if version.status == PlanStatus.DRAFT and step.action != "return" else (
        plan_editors(version.plan))
    notify(recipients=[u for u in people if u.pk != getattr(actor, "pk", None)],
           title=_("应急预案“%(plan)s”第%(n)d版：%(action)s") % {"plan": version.plan.title, "n": version.number,
                                                           "action": step.label},
           body=comment, url=plan_url(version.plan), target=version.plan)


WORKFLOW = Workflow(name="plan", transitions=PLAN_TRANSITIONS, record=_record, after=_after,
                    people=lambda v: plan_approvers(v) if v.status == PlanStatus.DRAFT else plan_editors(v.plan))


def _event(version: PlanVersion, action: str, actor: Any, comment: str = "", **extra: Any) -> None:
    with acting_as(actor):
        PlanEvent.objects.create(version=version, action=action, actor=actor, comment=comment or "", extra=extra)


def _team(version: PlanVersion, team: list[dict[str, Any]], actor: Any) -> None:
    """Replace the team of a draft: each row ``{"user": User|pk, "duty": str, "contact": str}``."""
    errors: list[str] = []
    visible = User.objects.visible_to(actor)
    seen: set[Any] = set()
    for index, row in enumerate(team, start=1):
        pk = getattr(row.get("user"), "pk", row.get("user"))
        if pk in (None, "") or not str(pk).isdigit() or not visible.filter(pk=pk, is_active=True).exists():
            errors.append(_("第%(n)d位成员不存在或不在您的管辖范围内。") % {"n": index})
        elif pk in seen:
            errors.append(_("第%(n)d位成员重复。") % {"n": index})
        seen.add(pk)
        if not (row.get("duty") or "").strip():
            errors.append(_("第%(n)d位成员：请填写职责。") % {"n": index})
        if len(row.get("duty") or "") > 200:
            errors.append(_("第%(n)d位成员：职责不超过200字。") % {"n": index})
        contact = (row.get("contact") or "").strip()
        if contact and (len(contact) > 30 or not all(c.isdigit() or c in "-+ " for c in contact)):
            errors.append(_("第%(n)d位成员：联系电话格式不正确。") % {"n": index})
    if errors:
        raise ValidationError({"team": errors})
    with acting_as(actor):
        version.team.all().delete()
        for row in team:
            member = PlanTeamMember(version=version, user_id=getattr(row["user"], "pk", row["user"]),
                                    duty=row["duty"].strip())
            member.contact = row.get("contact") or ""
            member.save()


def _clean_content(values: dict[str, Any]) -> dict[str, str]:
    return {name: (values.get(name) or "").strip() for name in CONTENT_FIELDS if name in values}


@transaction.atomic
def plan_create(*, actor: Any, region: Region, title: str, team: list[dict[str, Any]] | None = None,
                **content: Any) -> EmergencyPlan:
    """Open the plan of ``region`` (the security officer's own city, district or street) with a first draft."""
    if not is_security_officer(actor) or not (actor.is_superuser or actor.region_id == region.pk):
        raise PermissionDenied(_("应急预案由本级安全员制定。"))
    if region.level == RegionLevel.VILLAGE:
        raise ValidationError({"region": [_("应急预案由市、区、街道（乡镇）制定，居村不单独制定。")]})
    if EmergencyPlan.objects.filter(region=region).exists():
        raise ValidationError({"region": [_("本区域已有应急预案，请在原预案上修订。")]})
    if not (title or "").strip():
        raise ValidationError({"title": [_("请填写预案名称。")]})
    plan = EmergencyPlan(region=region, title=title.strip(), created_by=actor)
    plan.full_clean(exclude=["created_by"])
    with acting_as(actor):
        plan.save()
        version = PlanVersion(plan=plan, number=1, created_by=actor, **_clean_content(content))
        version.full_clean(exclude=["plan", "created_by"], validate_constraints=False)
        version.save()
    if team:
        _team(version, team, actor)
    _event(version, "create", actor)
    return plan


def _open_version(plan: EmergencyPlan) -> PlanVersion | None:
    return plan.versions.filter(status__in=[PlanStatus.DRAFT, PlanStatus.APPROVED]).first()


@transaction.atomic
def plan_version_update(*, actor: Any, version: PlanVersion, team: list[dict[str, Any]] | None = None,
                        title: str | None = None, **content: Any) -> PlanVersion:
    """Edit a draft (content, team, and the plan's title)."""
    locked = PlanVersion.objects.select_for_update(of=("self",)).select_related("plan__region").get(pk=version.pk)
    if not may_edit_plan(actor, locked.plan):
        raise PermissionDenied(_("只有本级安全员可以修改预案。"))
    if locked.status != PlanStatus.DRAFT:
        raise Conflict(_("只有草稿可以修改（当前状态：%(s)s）。") % {"s": locked.get_status_display()},
                       status=locked.status)
    values = _clean_content(content)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=["plan", "created_by"], validate_constraints=False)
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": [_("请填写预案名称。")]})
        locked.plan.title = title.strip()
        locked.plan.full_clean(exclude=["created_by"], validate_unique=False)
    with acting_as(actor):
        if values:
            locked.save(update_fields=list(values))
        if title is not None:
            locked.plan.save(update_fields=["title"])
    if team is not None:
        _team(locked, team, actor)
    return locked


def plan_transition(*, actor: Any, version: PlanVersion, action: str, comment: str = "") -> PlanVersion:
    """approve, return, activate. Activating supersedes the version that was active."""
    if action in PLAN_SPECIAL:
        raise Conflict(_("该操作不能直接执行。"), action=action)

    def check(locked: PlanVersion, step: Transition) -> None:
        if step.action == "approve":
            missing = {f: [_("批准前须填写此项。")] for f in REQUIRED_TO_APPROVE if not getattr(locked, f).strip()}
            if not locked.team.exists():
                missing["team"] = [_("批准前须确定应急队伍成员。")]
            if missing:
                raise ValidationError(missing)

    def stamp(locked: PlanVersion, step: Transition) -> list[str]:
        now = timezone.now()
        if step.action == "approve":
            locked.approved_by, locked.approved_at = actor, now
            return ["approved_by", "approved_at"]
        if step.action == "activate":
            current = locked.plan.versions.filter(status=PlanStatus.ACTIVE).exclude(pk=locked.pk).first()
            if current is not None:
                transition(WORKFLOW, obj=current, action="supersede", actor=actor,
                           comment=_("由第%(n)d版替代") % {"n": locked.number}, extra_update=_superseded)
            locked.activated_at = now
            locked.review_due = timezone.localdate(now) + dt.timedelta(days=REVIEW_EVERY_DAYS)
            locked.revision_due = None
            return ["activated_at", "review_due", "revision_due"]
        return []

    return transition(WORKFLOW, obj=version, action=action, actor=actor, comment=comment, validate=check,
                      extra_update=stamp)


def _superseded(locked: PlanVersion, step: Transition) -> list[str]:
    locked.superseded_at = timezone.now()
    return ["superseded_at"]


@transaction.atomic
def plan_revision_open(*, actor: Any, plan: EmergencyPlan, reason: str, working_days: int = 20,
                       drill: Any = None, start: dt.date | None = None) -> PlanVersion:
    """Open a revision (a new draft copied from the active version) with a deadline in working days; when a
    draft is already open it gets the deadline instead. Used by drills whose findings require a revision."""
    if not may_edit_plan(actor, plan) and not (drill is not None and is_security_officer(actor)):
        raise PermissionDenied(_("只有本级安全员可以修订预案。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写修订原因。")]})
    if not 1 <= int(working_days) <= 120:
        raise ValidationError({"revision_working_days": [_("修订期限应在1至120个工作日之间。")]})
    EmergencyPlan.objects.select_for_update().get(pk=plan.pk)
    start = start or timezone.localdate()
    due = calendar.add_working_days(start, int(working_days))
    version = _open_version(plan)
    with acting_as(actor):
        if version is None:
            base = plan.versions.filter(status=PlanStatus.ACTIVE).first() or plan.versions.order_by("-number").first()
            number = (plan.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
            version = PlanVersion(plan=plan, number=number, created_by=actor,
                                  **{f: getattr(base, f) for f in CONTENT_FIELDS if f != "change_note"})
            version.change_note = reason.strip()
            version.revision_due, version.revision_drill = due, drill
            version.save()
            for member in base.team.all():
                PlanTeamMember.objects.create(version=version, user_id=member.user_id, duty=member.duty,
                                              contact_encrypted=member.contact_encrypted)
        else:
            version.revision_due, version.revision_drill = due, drill
            version.save(update_fields=["revision_due", "revision_drill"])
    _event(version, "revision_opened", actor, reason.strip(), due=due.isoformat(), working_days=int(working_days),
           start=start.isoformat(),
           drill=getattr(drill, "pk", None), provisional=calendar.is_provisional(due))
    notify(recipients=[u for u in plan_editors(plan) if u.pk != getattr(actor, "pk", None)],
           title=_("应急预案“%(plan)s”须修订，期限%(due)s") % {"plan": plan.title, "due": due.isoformat()},
           body=reason, url=plan_url(plan), target=plan, dedupe_key=f"security:plan:{plan.pk}:revision:{version.pk}:{due}")
    return version


def revision_deadlines_recheck(*, changed_dates: list[dt.date]) -> int:
    """After the working-day calendar changed, log every open revision whose deadline (counted in working days
    from the day it was opened, or from the drill that required it) would now fall on another day. The stored
    deadline stands (DESIGN §10)."""
    if not changed_dates:
        return 0
    earliest, latest = min(changed_dates), max(changed_dates)
    versions = (PlanVersion.objects.filter(status__in=[PlanStatus.DRAFT, PlanStatus.APPROVED],
                                           revision_due__gte=earliest)
                .select_related("plan__region", "revision_drill").prefetch_related("events"))
    logged = 0
    for version in versions:
        opened = [e for e in version.events.all() if e.action == "revision_opened" and e.extra.get("working_days")
                  and e.extra.get("due") == version.revision_due.isoformat()]
        if not opened:
            continue
        event = max(opened, key=lambda e: (e.created_at, e.pk))
        if event.extra.get("start"):
            start = dt.date.fromisoformat(event.extra["start"])
        elif version.revision_drill is not None and version.revision_drill.held_on:
            start = version.revision_drill.held_on
        else:
            start = timezone.localdate(event.created_at)
        if start > latest:
            continue
        recomputed = calendar.add_working_days(start, int(event.extra["working_days"]))
        logged += log_moved_deadline(target=version, region_path=version.plan.region.path,
                                     stored=version.revision_due, recomputed=recomputed,
                                     changed_dates=changed_dates, deadline="revision_due")
    return logged
