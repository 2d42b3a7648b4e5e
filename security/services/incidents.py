"""Every write on incidents: report, grade, the lifecycle, escalation, plan activation, disconnection, review.

Order in each service: permission (403) → validation (400 naming the field) → write → timeline + audit → notify on
commit. State changes go through shequyun.workflow.transition (409 on an illegal or stale action)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, Region, User
from scenarios.models import Scenario, ScenarioEvent
from scenarios.models import Status as ScenarioStatus
from shequyun.audit import AuditEventType, acting_as, record_bulk_change, record_event
from shequyun.errors import Conflict
from shequyun.grants import grant
from shequyun.notifications.services import notify
from shequyun.scoping import in_scope
from shequyun.workdays import calendar, log_moved_deadline
from shequyun.workflow import Transition, Workflow, transition

from ..models import (
    Grade,
    Importance,
    Incident,
    IncidentCategory,
    IncidentEvent,
    IncidentStatus,
    Loss,
    PlanStatus,
    PlanVersion,
    ReviewAction,
    SocialImpact,
)
from ..permissions import (
    VIEW_INCIDENT,
    handling_region,
    level_officers,
    may_disconnect,
    may_handle_incident,
    may_report,
    may_view_incident,
)
from ..transitions import INCIDENT_SPECIAL, INCIDENT_TRANSITIONS

#: Acknowledgement deadlines: hours for grades I–II, working days for III–IV (through shequyun/workdays.py).
ACK_HOURS = {Grade.I: 1, Grade.II: 2}
ACK_WORKING_DAYS = {Grade.III: 1, Grade.IV: 2}
#: How far the detection may lie in the future of the server clock (clock skew of the reporter's device).
CLOCK_TOLERANCE = dt.timedelta(minutes=5)

IMPORTANCE_ORDER = [Importance.SPECIAL, Importance.IMPORTANT, Importance.GENERAL]
LOSS_ORDER = [Loss.PARTICULARLY_SERIOUS, Loss.SERIOUS, Loss.LARGER, Loss.MINOR]
SOCIAL_ORDER = [SocialImpact.PARTICULARLY_MAJOR, SocialImpact.MAJOR, SocialImpact.LARGER, SocialImpact.GENERAL]


def suggest_grade(importance: str, loss: str, social_impact: str) -> int:
    """GB/T 20986-2023 §6.2: the more severe of (importance of the affected object × business loss) and social harm.

    特别重要 + 特别严重 → I; 特别重要 + 严重 or 重要 + 特别严重 → II; 特别重要 + 较大, 重要 + 严重 or 一般 + 特别严重
    → III; everything milder → IV. Social harm 特别重大 / 重大 / 较大 / 一般 gives I / II / III / IV on its own."""
    by_system = min(4, IMPORTANCE_ORDER.index(Importance(importance)) + LOSS_ORDER.index(Loss(loss)) + 1)
    by_society = SOCIAL_ORDER.index(SocialImpact(social_impact)) + 1
    return min(by_system, by_society)


def ack_deadline(grade: int, since: dt.datetime) -> tuple[dt.datetime, bool]:
    """When the incident must be acknowledged, and whether a provisional calendar year was used."""
    if grade in ACK_HOURS:
        return since + dt.timedelta(hours=ACK_HOURS[Grade(grade)]), False
    local = timezone.localtime(since)
    day = calendar.add_working_days(local.date(), ACK_WORKING_DAYS[Grade(grade)])
    end = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)), timezone.get_current_timezone())
    return end, calendar.is_provisional(day)


def ack_deadlines_recheck(*, changed_dates: list[dt.date]) -> int:
    """After the working-day calendar changed, log every unacknowledged incident whose acknowledgement deadline was
    counted in working days (grades III–IV; hour-based ones do not move) and would now fall on another day. The
    stored deadline stands (DESIGN §10)."""
    if not changed_dates:
        return 0
    earliest, latest = min(changed_dates), max(changed_dates)
    counted_in_days = [int(g) for g in ACK_WORKING_DAYS]
    start_of_earliest = timezone.make_aware(dt.datetime.combine(earliest, dt.time.min),
                                            timezone.get_current_timezone())
    items = (Incident.objects.filter(status=IncidentStatus.REPORTED, ack_due_at__gte=start_of_earliest)
             .filter(Q(grade__in=counted_in_days) | Q(grade__isnull=True, suggested_grade__in=counted_in_days))
             .select_related("region"))
    logged = 0
    for incident in items.iterator(chunk_size=500):
        if timezone.localdate(incident.created_at) > latest:
            continue
        recomputed, _provisional = ack_deadline(incident.effective_grade, incident.created_at)
        logged += log_moved_deadline(target=incident, region_path=incident.region.path,
                                     stored=timezone.localdate(incident.ack_due_at),
                                     recomputed=timezone.localdate(recomputed), changed_dates=changed_dates,
                                     deadline="ack_due_at")
    return logged


# --- The workflow ----------------------------------------------------------------------------------------------

def _record(incident: Incident, step: Transition, actor: Any, comment: str, previous: str, **extra: Any) -> None:
    IncidentEvent.objects.create(incident=incident, action=step.action, from_status=previous, to_status=step.target,
                                 actor=actor, comment=comment or "", extra=extra)


def _after(incident: Incident, step: Transition, actor: Any, comment: str) -> None:
    notify(recipients=[u for u in _reached(incident) | {incident.reported_by} if u.pk != getattr(actor, "pk", None)],
           title=_title(incident, _("%(action)s：%(title)s") % {"action": step.label, "title": incident.title}),
           body=comment, url=incident_url(incident), target=incident)


WORKFLOW = Workflow(name="incident", transitions=INCIDENT_TRANSITIONS, record=_record, after=_after,
                    people=lambda incident: _reached(incident))


def incident_url(incident: Incident) -> str:
    return f"/security/incidents/{incident.pk}/"


def _title(incident: Incident, text: str) -> str:
    prefix = _("【演练】") if incident.is_drill else ""
    grade = Grade(incident.effective_grade)
    return f"{prefix}【{grade.label}】{text}"


def _event(incident: Incident, action: str, actor: Any, comment: str = "", **extra: Any) -> IncidentEvent:
    with acting_as(actor):
        return IncidentEvent.objects.create(incident=incident, action=action, actor=actor, comment=comment or "",
                                            extra=extra)


def _lock(incident: Incident) -> Incident:
    return Incident.objects.select_for_update(of=("self",)).select_related("region", "reported_region").get(
        pk=incident.pk)


# --- Escalation (001 §3(六)3) ----------------------------------------------------------------------------------

def _reached(incident: Incident) -> set[User]:
    """Everyone the incident has reached so far: the lead department and the security officers of every level
    from where it is handled up to ``reached_depth``."""
    people: set[User] = set()
    if incident.lead_department_id:
        people |= set(User.objects.filter(organisation_id=incident.lead_department_id, is_active=True))
    for region in handling_region(incident.reported_region).ancestors():
        if region.depth >= incident.reached_depth:
            people |= set(level_officers(region))
    return people


def _reach(incident: Incident, people: list[User], *, actor: Any, level: Region | None, reason: str,
           label: str) -> int:
    """Make the incident visible to ``people`` (a recorded grant for those outside the responsible region's
    subtree), notify them in-app and by e-mail, and put the step on the timeline. Idempotent: a second call
    grants and notifies nobody twice (``dedupe_key``) and adds no second timeline entry for the same level."""
    people = [p for p in people if p.is_active]
    for person in people:
        if not in_scope(person, incident.region):
            grant(user=person, perm=VIEW_INCIDENT, obj=incident, actor=actor, reason=label, incident=incident.pk)
    key = f"security:incident:{incident.pk}:{reason}:{level.code if level else 'lead'}"
    notify(recipients=[p for p in people if p.pk != getattr(actor, "pk", None)],
           title=_title(incident, _("安全事件%(label)s：%(title)s") % {"label": label, "title": incident.title}),
           body=incident.description[:500], url=incident_url(incident), target=incident, dedupe_key=key)
    if not incident.events.filter(action="escalate", extra__key=key).exists():
        _event(incident, "escalate", actor, label, key=key, reason=reason, level=level.code if level else "",
               level_name=level.name if level else "", recipients=sorted(p.username for p in people))
        record_event(AuditEventType.INCIDENT_ESCALATED, actor=actor, target=incident, region_path=incident.region.path,
                     level=level.code if level else "", reason=reason, recipients=len(people))
    return len(people)


def _escalate_initial(incident: Incident, actor: Any) -> None:
    """The report goes to the lead department, then to the city-operations centre of the level; grade III or worse
    reaches the district and city security officers at once."""
    if incident.lead_department_id:
        lead = list(User.objects.filter(organisation_id=incident.lead_department_id, is_active=True))
        _reach(incident, lead, actor=actor, level=None, reason="lead", label=_("送达牵头部门"))
    level = handling_region(incident.reported_region)
    _reach(incident, list(level_officers(level)), actor=actor, level=level, reason="report", label=_("上报城运中心"))
    _escalate_by_grade(incident, actor)


def _escalate_by_grade(incident: Incident, actor: Any) -> None:
    if incident.effective_grade > Grade.III:
        return
    level = handling_region(incident.reported_region)
    for region in reversed(level.ancestors(include_self=False)):  # the district first, then the city
        _reach(incident, list(level_officers(region)), actor=actor, level=region, reason="grade",
               label=_("较大及以上事件即时上报"))
    _set_reached(incident, 0, actor)


def _set_reached(incident: Incident, depth: int, actor: Any = None) -> None:
    if depth < incident.reached_depth:
        Incident.objects.filter(pk=incident.pk).update(reached_depth=depth)
        record_bulk_change(model=Incident, ids=[incident.pk], action="update", actor=actor, reason="escalated",
                           changes={"reached_depth": depth}, region_path=incident.region.path)
        incident.reached_depth = depth


# --- Report and grade ------------------------------------------------------------------------------------------

def _visible_scenario(actor: Any, scenario_id: Any) -> Scenario | None:
    """A scenario the reporter may name: one in their subtree, or any scenario of the published inventory."""
    if scenario_id in (None, ""):
        return None
    pk = getattr(scenario_id, "pk", scenario_id)
    found = (Scenario.objects.visible_to(actor) | Scenario.objects.published()).filter(pk=pk).select_related(
        "region", "building_unit").first() if str(pk).isdigit() else None
    if found is None:
        raise ValidationError({"scenario": [_("应用场景不存在或不在您的管辖范围内。")]})
    return found


def _category(value: Any, *, field: str, parent: IncidentCategory | None = None) -> IncidentCategory | None:
    if value in (None, ""):
        return None
    code = getattr(value, "code", value)
    found = IncidentCategory.objects.filter(code=str(code), is_active=True).select_related("parent").first()
    if found is None or (parent is None and found.parent_id is not None) or (
            parent is not None and found.parent_id != parent.pk):
        message = _("请选择有效的事件类别。") if parent is None else _("子类不属于所选类别。")
        raise ValidationError({field: [message]})
    return found


@transaction.atomic
def incident_report(
    *, actor: Any, title: str, category: Any, importance: str, loss: str, social_impact: str,
    started_at: dt.datetime, detected_at: dt.datetime, kind: str = "incident", description: str = "",
    subcategory: Any = None, scenario: Any = None, unit: Any = None, region: Region | None = None,
    lead_department: Any = None, personal_info_leak: bool = False, public_opinion: bool = False, drill: Any = None,
) -> Incident:
    """Report an incident or a fault. The responsible region is the affected scenario's (谁建设谁监管), else the
    affected unit's, else the region named (within the reporter's subtree), else the reporter's own."""
    if not may_report(actor):
        raise PermissionDenied(_("您无权上报安全事件。"))
    errors: dict[str, list[str]] = {}
    try:
        found_scenario = _visible_scenario(actor, scenario)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        found_scenario = None
    found_unit = None
    if unit not in (None, ""):
        pk = getattr(unit, "pk", unit)
        allowed = Organisation.objects.visible_to(actor)
        if found_scenario is not None:
            allowed = allowed | Organisation.objects.filter(pk=found_scenario.building_unit_id)
        found_unit = allowed.filter(pk=pk).first() if str(pk).isdigit() else None
        if found_unit is None:
            errors["unit"] = [_("单位不存在或不在您的管辖范围内。")]
    if region is not None and not in_scope(actor, region):
        errors["region"] = [_("区划代码不存在或不在您的管辖范围内。")]
    owner = (found_scenario.region if found_scenario else found_unit.region if found_unit else region
             or actor.region)
    reported_region = actor.region or owner
    found_lead = None
    if lead_department not in (None, ""):
        pk = getattr(lead_department, "pk", lead_department)
        found_lead = (Organisation.objects.visible_to(actor).filter(pk=pk, region__in=[reported_region, owner,
                                                                                        handling_region(reported_region)])
                      .first() if str(pk).isdigit() else None)
        if found_lead is None:
            errors["lead_department"] = [_("牵头部门须为本级或责任区域的部门。")]
    try:
        found_category = _category(category, field="category")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        found_category = None
    found_sub = None
    if found_category is not None:
        try:
            found_sub = _category(subcategory, field="subcategory", parent=found_category)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if found_sub is None and "subcategory" not in errors and found_category.subcategories.filter(
                is_active=True).exists():
            errors["subcategory"] = [_("请选择事件子类。")]
    elif category in (None, ""):
        errors["category"] = [_("请选择事件类别。")]
    for name, value, choices in (("importance", importance, Importance), ("loss", loss, Loss),
                                 ("social_impact", social_impact, SocialImpact)):
        if value not in choices.values:
            errors[name] = [_("请选择有效的选项。")]
    now = timezone.now()
    if started_at is None:
        errors["started_at"] = [_("请填写发生时间。")]
    if detected_at is None:
        errors["detected_at"] = [_("请填写发现时间。")]
    elif detected_at > now + CLOCK_TOLERANCE:
        errors["detected_at"] = [_("发现时间不能晚于现在。")]
    if started_at is not None and detected_at is not None and detected_at < started_at:
        errors["detected_at"] = [_("发现时间不能早于发生时间。")]
    if not (title or "").strip():
        errors["title"] = [_("请填写事件概述。")]
    found_drill = None
    if drill not in (None, ""):
        from ..models import Drill

        pk = getattr(drill, "pk", drill)
        found_drill = Drill.objects.visible_to(actor).filter(pk=pk).first() if str(pk).isdigit() else None
        if found_drill is None:
            errors["drill"] = [_("演练不存在或不在您的管辖范围内。")]
    if errors:
        raise ValidationError(errors)
    suggested = suggest_grade(importance, loss, social_impact)
    due, provisional = ack_deadline(suggested, now)
    incident = Incident(
        kind=kind, title=title.strip(), description=description or "", region=owner, reported_region=reported_region,
        scenario=found_scenario, unit=found_unit, lead_department=found_lead, category=found_category,
        subcategory=found_sub, started_at=started_at, detected_at=detected_at,
        personal_info_leak=bool(personal_info_leak), public_opinion=bool(public_opinion), importance=importance,
        loss=loss, social_impact=social_impact, suggested_grade=suggested, is_drill=found_drill is not None,
        drill=found_drill, ack_due_at=due, ack_due_provisional=provisional, reported_by=actor,
        reached_depth=handling_region(reported_region).depth,
    )
    incident.full_clean(exclude=["reported_by", "ack_due_at"], validate_unique=False, validate_constraints=False)
    with acting_as(actor):
        incident.save()
    _event(incident, "report", actor, "", to_status=IncidentStatus.REPORTED, suggested_grade=suggested)
    record_event(AuditEventType.INCIDENT_REPORTED, actor=actor, target=incident, region_path=owner.path,
                 grade=suggested, drill=incident.is_drill, personal_info_leak=incident.personal_info_leak)
    if not in_scope(actor, owner):
        grant(user=actor, perm=VIEW_INCIDENT, obj=incident, actor=actor, reason=_("报告人跟踪本人上报的事件"),
              incident=incident.pk)
    _escalate_initial(incident, actor)
    return incident


def _validate_grade(incident: Incident, grade: Any, reason: str) -> int:
    try:
        value = Grade(int(grade))
    except (TypeError, ValueError):
        raise ValidationError({"grade": [_("请选择 I 至 IV 级。")]}) from None
    if value != incident.effective_grade and not (reason or "").strip():
        raise ValidationError({"grade_reason": [_("调整级别须说明理由。")]})
    return int(value)


def _apply_grade(locked: Incident, grade: int, reason: str, actor: Any) -> list[str]:
    previous = locked.effective_grade
    locked.grade = grade
    locked.grade_reason = (reason or "").strip()
    locked.grade_confirmed_by = actor
    locked.grade_confirmed_at = timezone.now()
    fields = ["grade", "grade_reason", "grade_confirmed_by", "grade_confirmed_at", "updated_at"]
    if locked.status == IncidentStatus.REPORTED and grade != previous:
        locked.ack_due_at, locked.ack_due_provisional = ack_deadline(grade, locked.created_at)
        fields += ["ack_due_at", "ack_due_provisional"]
    return fields


def _graded(incident: Incident, actor: Any, previous: int, reason: str) -> None:
    _event(incident, "grade", actor, reason, previous=previous, grade=incident.grade,
           suggested=incident.suggested_grade)
    record_event(AuditEventType.INCIDENT_GRADED, actor=actor, target=incident, region_path=incident.region.path,
                 previous=previous, grade=incident.grade, reason=reason)
    _escalate_by_grade(incident, actor)


@transaction.atomic
def incident_confirm_grade(*, actor: Any, incident: Incident, grade: Any, reason: str = "") -> Incident:
    """The security officer confirms the suggested grade or changes it with a reason (before it is resolved)."""
    locked = _lock(incident)
    if not may_handle_incident(actor, locked):
        raise PermissionDenied(_("只有安全员可以确认事件级别。"))
    if locked.status in (IncidentStatus.RESOLVED, IncidentStatus.REVIEWED):
        raise Conflict(_("事件已解决，不能再调整级别。"), status=locked.status)
    value = _validate_grade(locked, grade, reason)
    previous = locked.effective_grade
    fields = _apply_grade(locked, value, reason, actor)
    with acting_as(actor):
        locked.save(update_fields=fields)
    _graded(locked, actor, previous, reason)
    return locked


def incident_acknowledge(*, actor: Any, incident: Incident, grade: Any = None, reason: str = "",
                         comment: str = "") -> Incident:
    """Acknowledge (受理) — optionally confirming or changing the grade in the same step."""
    state: dict[str, Any] = {}

    def check(locked: Incident, step: Transition) -> None:
        if grade not in (None, ""):
            state["grade"] = _validate_grade(locked, grade, reason)
            state["previous"] = locked.effective_grade

    def stamp(locked: Incident, step: Transition) -> list[str]:
        locked.acknowledged_at = timezone.now()
        fields = ["acknowledged_at", "updated_at"]
        if "grade" in state:
            fields += _apply_grade(locked, state["grade"], reason, actor)
        return list(dict.fromkeys(fields))

    with transaction.atomic():
        done = transition(WORKFLOW, obj=incident, action="acknowledge", actor=actor, comment=comment,
                          validate=check, extra_update=stamp)
        if "grade" in state:
            _graded(done, actor, state["previous"], reason)
    return done


def incident_transition(*, actor: Any, incident: Incident, action: str, comment: str = "") -> Incident:
    """Plain steps: respond, contain."""
    if action in INCIDENT_SPECIAL:
        raise Conflict(_("该操作需要更多信息。"), action=action)
    stamps = {"contain": "contained_at"}

    def stamp(locked: Incident, step: Transition) -> list[str]:
        if step.action in stamps:
            setattr(locked, stamps[step.action], timezone.now())
            return [stamps[step.action], "updated_at"]
        return ["updated_at"]

    return transition(WORKFLOW, obj=incident, action=action, actor=actor, comment=comment, extra_update=stamp)


def incident_resolve(*, actor: Any, incident: Incident, resolution_note: str) -> Incident:
    """Resolving needs a resolution note (what was done, what remains)."""

    def check(locked: Incident, step: Transition) -> None:
        if not (resolution_note or "").strip():
            raise ValidationError({"resolution_note": [_("请填写处置结果说明。")]})

    def stamp(locked: Incident, step: Transition) -> list[str]:
        locked.resolved_at = timezone.now()
        locked.resolution_note = resolution_note.strip()
        return ["resolved_at", "resolution_note", "updated_at"]

    return transition(WORKFLOW, obj=incident, action="resolve", actor=actor, comment=resolution_note or "",
                      validate=check, extra_update=stamp)


def incident_review(*, actor: Any, incident: Incident, causes: str, actions: list[dict[str, Any]]) -> Incident:
    """Post-incident review: the causes and at least one improvement action, each with an owner and a deadline."""
    today = timezone.localdate()

    def check(locked: Incident, step: Transition) -> None:
        errors: dict[str, list[str]] = {}
        if not (causes or "").strip():
            errors["causes"] = [_("请填写原因分析。")]
        if not actions:
            errors["actions"] = [_("请至少填写一项整改措施。")]
        visible_people = User.objects.visible_to(actor)
        for index, row in enumerate(actions or [], start=1):
            owner = row.get("owner")
            if not (row.get("description") or "").strip():
                errors.setdefault("actions", []).append(_("第%(n)d项：请填写整改措施。") % {"n": index})
            if owner is None or not visible_people.filter(pk=getattr(owner, "pk", owner)).exists():
                errors.setdefault("actions", []).append(_("第%(n)d项：责任人不存在或不在您的管辖范围内。") % {"n": index})
            deadline = row.get("deadline")
            if not isinstance(deadline, dt.date) or deadline < today:
                errors.setdefault("actions", []).append(_("第%(n)d项：完成期限不能早于今天。") % {"n": index})
        if errors:
            raise ValidationError(errors)

    def stamp(locked: Incident, step: Transition) -> list[str]:
        locked.reviewed_at = timezone.now()
        locked.review_causes = causes.strip()
        with acting_as(actor):
            for row in actions:
                owner = row["owner"]
                ReviewAction.objects.create(incident=locked, description=row["description"].strip(),
                                            owner_id=getattr(owner, "pk", owner), deadline=row["deadline"])
        return ["reviewed_at", "review_causes", "updated_at"]

    with transaction.atomic():
        done = transition(WORKFLOW, obj=incident, action="review", actor=actor, comment=causes or "",
                          validate=check, extra_update=stamp)
        for row in done.review_actions.select_related("owner"):
            notify(recipients=[row.owner], title=_title(done, _("复盘整改措施：%(d)s") % {"d": row.description}),
                   body=_("完成期限：%(date)s") % {"date": row.deadline.isoformat()}, url=incident_url(done),
                   target=done, dedupe_key=f"security:review-action:{row.pk}")
    return done


# --- Plan activation and disconnection ------------------------------------------------------------------------

def plans_for(incident: Incident) -> list[PlanVersion]:
    """Active plans that an incident can activate: those of the regions on its chains (where it is handled and
    where it is owned), nearest first."""
    regions = {r.pk: r for r in handling_region(incident.reported_region).ancestors()}
    regions |= {r.pk: r for r in incident.region.ancestors()}
    return list(PlanVersion.objects.filter(status=PlanStatus.ACTIVE, plan__region_id__in=regions)
                .select_related("plan__region").order_by("-plan__region__depth"))


@transaction.atomic
def incident_activate_plan(*, actor: Any, incident: Incident, version: Any) -> Incident:
    """Activate an emergency plan from an incident (000 Art. 16, 003 Art. 45): every member of the plan's team is
    notified with their own duty and the procedure of the incident's grade; the timeline shows it."""
    locked = _lock(incident)
    if not may_handle_incident(actor, locked):
        raise PermissionDenied(_("只有安全员可以启动应急预案。"))
    if locked.status in (IncidentStatus.RESOLVED, IncidentStatus.REVIEWED):
        raise Conflict(_("事件已解决，不能再启动预案。"), status=locked.status)
    pk = getattr(version, "pk", version)
    chosen = next((v for v in plans_for(locked) if str(v.pk) == str(pk)), None)
    if chosen is None:
        raise ValidationError({"plan_version": [_("请选择事件所在区域生效中的应急预案。")]})
    locked.activated_plan = chosen
    with acting_as(actor):
        locked.save(update_fields=["activated_plan", "updated_at"])
    procedure = chosen.procedure_for(locked.effective_grade)
    team = list(chosen.team.select_related("user"))
    for member in team:
        notify(recipients=[member.user],
               title=_title(locked, _("启动应急预案“%(plan)s”：%(title)s") % {"plan": chosen.plan.title,
                                                                          "title": locked.title}),
               body=_("您的职责：%(duty)s\n%(grade)s响应程序：%(procedure)s") % {
                   "duty": member.duty, "grade": Grade(locked.effective_grade).label, "procedure": procedure},
               url=incident_url(locked), target=locked,
               dedupe_key=f"security:incident:{locked.pk}:plan:{chosen.pk}:{member.user_id}")
        if not may_view_incident(member.user, locked):
            grant(user=member.user, perm=VIEW_INCIDENT, obj=locked, actor=actor, reason=_("应急队伍成员"),
                  incident=locked.pk)
    _event(locked, "activate_plan", actor, "", plan=chosen.plan.title, version=chosen.number,
           plan_version=chosen.pk, team=[f"{m.user.display_name}：{m.duty}" for m in team])
    record_event(AuditEventType.INCIDENT_PLAN_ACTIVATED, actor=actor, target=locked, region_path=locked.region.path,
                 plan_version=chosen.pk, team=len(team))
    return locked


def _affected_scenarios(incident: Incident, scope: str) -> list[Scenario]:
    if scope == "unit":
        if incident.unit_id is None:
            raise ValidationError({"scope": [_("事件未填写受影响单位。")]})
        return list(Scenario.objects.filter(building_unit_id=incident.unit_id, status=ScenarioStatus.ONLINE)
                    .order_by("pk"))
    if incident.scenario_id is None:
        raise ValidationError({"scope": [_("事件未填写受影响场景。")]})
    return [incident.scenario]


@transaction.atomic
def incident_disconnect(*, actor: Any, incident: Incident, reason: str, scope: str = "scenario") -> list[Scenario]:
    """000 Art. 16: the city operations office disconnects the affected scenario — or every online scenario of the
    affected unit — through the scenario workflow, with the reason linked to this incident."""
    locked = _lock(incident)
    if not may_disconnect(actor, locked):
        raise PermissionDenied(_("只有市级运营管理部门可以断开接入；演练事件不能断开。"))
    if locked.status in (IncidentStatus.RESOLVED, IncidentStatus.REVIEWED):
        raise Conflict(_("事件已解决，不能再断开接入。"), status=locked.status)
    if scope not in ("scenario", "unit"):
        raise ValidationError({"scope": [_("请选择断开范围。")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写断开理由。")]})
    scenarios = _affected_scenarios(locked, scope)
    if not scenarios:
        raise ValidationError({"scope": [_("该单位没有运行中的场景。")]})
    comment = _("因安全事件#%(pk)s“%(title)s”断开：%(reason)s") % {"pk": locked.pk, "title": locked.title,
                                                              "reason": reason.strip()}
    from scenarios.services import scenario_transition

    done = [scenario_transition(actor=actor, scenario=s, action="disconnect", comment=comment, incident=locked.pk)
            for s in scenarios]
    _event(locked, "disconnect", actor, reason.strip(), scope=scope, scenarios=[s.pk for s in done],
           names=[s.name for s in done])
    record_event(AuditEventType.INCIDENT_DISCONNECTION, actor=actor, target=locked, region_path=locked.region.path,
                 action="disconnect", scenarios=[s.pk for s in done])
    return done


def disconnected_for(incident: Incident) -> list[Scenario]:
    """Scenarios that this incident disconnected and that are still disconnected."""
    ids = ScenarioEvent.objects.filter(action="disconnect", extra__incident=incident.pk).values("scenario_id")
    return list(Scenario.objects.filter(pk__in=ids, status=ScenarioStatus.DISCONNECTED).order_by("pk"))


UNCONTAINED = (IncidentStatus.REPORTED, IncidentStatus.ACKNOWLEDGED, IncidentStatus.RESPONDING)


def refuse_reconnect_while_uncontained(scenario: Scenario, cause: Any) -> None:
    """A scenario that an incident disconnected is reconnected — by any path, the scenario's own 恢复连接 included —
    only once that incident is contained (registered in ``scenarios.services.scenarios.RECONNECT_GUARDS``)."""
    incident_id = (cause.extra or {}).get("incident") if cause is not None else None
    if not incident_id:
        return
    status = Incident.objects.filter(pk=incident_id).values_list("status", flat=True).first()
    if status in UNCONTAINED:
        raise Conflict(_("场景因安全事件#%(pk)s断开，事件尚未控制，不能恢复连接。") % {"pk": incident_id},
                       status=scenario.status)


@transaction.atomic
def incident_reconnect(*, actor: Any, incident: Incident, comment: str) -> list[Scenario]:
    """Reconnect what this incident disconnected — only once the incident is contained (or later)."""
    locked = _lock(incident)
    if not may_disconnect(actor, locked):
        raise PermissionDenied(_("只有市级运营管理部门可以恢复接入。"))
    if locked.status in UNCONTAINED:
        raise Conflict(_("事件尚未控制，不能恢复接入。"), status=locked.status)
    if not (comment or "").strip():
        raise ValidationError({"comment": [_("请填写恢复理由。")]})
    scenarios = disconnected_for(locked)
    if not scenarios:
        raise Conflict(_("没有因本事件断开的场景。"), status=locked.status)
    from scenarios.services import scenario_transition

    text = _("安全事件#%(pk)s已控制，恢复接入：%(c)s") % {"pk": locked.pk, "c": comment.strip()}
    done = [scenario_transition(actor=actor, scenario=s, action="reconnect", comment=text, incident=locked.pk)
            for s in scenarios]
    _event(locked, "reconnect", actor, comment.strip(), scenarios=[s.pk for s in done], names=[s.name for s in done])
    record_event(AuditEventType.INCIDENT_DISCONNECTION, actor=actor, target=locked, region_path=locked.region.path,
                 action="reconnect", scenarios=[s.pk for s in done])
    return done


# --- Overdue acknowledgement (task) -----------------------------------------------------------------------------

def escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Incidents not acknowledged by their deadline go one level up (street → district → city) and the
    acknowledgement clock of the new level is the same deadline. Idempotent: an incident escalates once per
    overdue deadline (``overdue_escalated_at``), so a second run the same minute changes nothing."""
    now = now or timezone.now()
    count = 0
    overdue = (Incident.objects.filter(status=IncidentStatus.REPORTED, ack_due_at__lt=now)
               .filter(overdue_escalated_at__isnull=True).select_related("region", "reported_region"))
    for incident in overdue:
        with transaction.atomic():
            locked = _lock(incident)
            if locked.status != IncidentStatus.REPORTED or locked.overdue_escalated_at is not None:
                continue
            base = handling_region(locked.reported_region)
            target_depth = max(0, min(locked.reached_depth, base.depth) - 1)
            target = next((r for r in base.ancestors() if r.depth == target_depth), None)
            Incident.objects.filter(pk=locked.pk).update(overdue_escalated_at=now)
            record_bulk_change(model=Incident, ids=[locked.pk], action="update", reason="overdue_escalation",
                               changes={"overdue_escalated_at": now}, region_path=locked.region.path)
            locked.overdue_escalated_at = now
            if target is not None and target.depth < base.depth:
                _reach(locked, list(level_officers(target)), actor=None, level=target, reason="overdue",
                       label=_("超期未受理升级上报"))
                _set_reached(locked, target.depth)
            count += 1
    return count
