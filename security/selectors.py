"""Every read of the security module; each starts from ``visible_to(user)`` (incidents: plus escalation grants)."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Coalesce, Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import LEVEL_DEPTH, PATH_STEP, Region, RegionLevel, User
from shequyun.charts import Chart, Series
from shequyun.workdays import deadline_words

from .models import (
    OPEN_STATUSES,
    Assessment,
    ConfidentialityAgreement,
    Drill,
    DrillStatus,
    EmergencyPlan,
    Grade,
    Incident,
    IncidentCategory,
    IncidentStatus,
    PlanStatus,
    PlanVersion,
    Training,
)
from .permissions import VIEW_INCIDENT, handle_queryset

INCIDENT_RELATED = ("region", "reported_region", "scenario", "category", "subcategory", "reported_by")


def _get(queryset: QuerySet, pk: Any) -> Any:
    found = queryset.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise Http404("No object matches the given query.")
    return found


# --- Incidents -------------------------------------------------------------------------------------------------

def incident_list(*, user: Any) -> QuerySet[Incident]:
    return Incident.objects.visible_to(user, granted=VIEW_INCIDENT).select_related(*INCIDENT_RELATED)


def incident_get_visible(*, user: Any, pk: Any) -> Incident:
    return _get(incident_list(user=user).select_related("unit", "lead_department", "activated_plan__plan", "drill",
                                                        "grade_confirmed_by"), pk)


def incident_queue(*, user: Any) -> QuerySet[Incident]:
    """Open incidents waiting on this security officer, the most urgent acknowledgement first."""
    return (handle_queryset(user).filter(status__in=OPEN_STATUSES).select_related(*INCIDENT_RELATED)
            .order_by("ack_due_at", "pk"))


def queue_counts(queryset: QuerySet) -> list[dict[str, Any]]:
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("id")))
    return [{"value": value, "label": label, "count": counts.get(value, 0)} for value, label in IncidentStatus.choices]


def incident_badge(incident: Incident, now: dt.datetime | None = None) -> dict[str, Any]:
    """Deadline badge in words: hours for a deadline within the day, working days otherwise."""
    now = now or timezone.now()
    if incident.status != IncidentStatus.REPORTED:
        return {}
    due = incident.ack_due_at
    if due < now:
        hours = int((now - due).total_seconds() // 3600)
        if hours < 24:
            return {"text": _("受理超期%(n)d小时") % {"n": max(hours, 0)}, "level": "danger"}
        return {**deadline_words(timezone.localdate(due), timezone.localdate(now)), "level": "danger"}
    if due - now < dt.timedelta(hours=24):
        minutes = int((due - now).total_seconds() // 60)
        return {"text": _("剩%(h)d小时%(m)d分受理") % {"h": minutes // 60, "m": minutes % 60}, "level": "warning"}
    return deadline_words(timezone.localdate(due), timezone.localdate(now))


def incident_timeline(incident: Incident) -> QuerySet:
    return incident.events.select_related("actor").order_by("created_at", "id")


def categories() -> QuerySet[IncidentCategory]:
    return IncidentCategory.objects.filter(parent__isnull=True).prefetch_related("subcategories").order_by("sort")


# --- Plans -----------------------------------------------------------------------------------------------------

def plan_list(*, user: Any) -> QuerySet[EmergencyPlan]:
    return EmergencyPlan.objects.visible_to(user).select_related("region")


def plan_get_visible(*, user: Any, pk: Any) -> EmergencyPlan:
    return _get(plan_list(user=user), pk)


def plan_versions(plan: EmergencyPlan) -> list[PlanVersion]:
    return list(plan.versions.select_related("created_by", "approved_by").prefetch_related("team__user", "events__actor")
                .order_by("-number"))


def current_version(versions: list[PlanVersion]) -> PlanVersion | None:
    return next((v for v in versions if v.status == PlanStatus.ACTIVE), versions[0] if versions else None)


DIFF_FIELDS = [("organisation", _("组织体系")), ("responsibilities", _("职责分工")), ("procedure_1", _("I级响应程序")),
               ("procedure_2", _("II级响应程序")), ("procedure_3", _("III级响应程序")),
               ("procedure_4", _("IV级响应程序")), ("team", _("应急队伍"))]


def _team_lines(version: PlanVersion) -> list[str]:
    return [f"{m.user.display_name}：{m.duty}" for m in version.team.all()]


def plan_diff(old: PlanVersion, new: PlanVersion) -> list[dict[str, Any]]:
    """Line diff per section between two versions (unchanged sections left out)."""
    sections = []
    for field, label in DIFF_FIELDS:
        a = _team_lines(old) if field == "team" else getattr(old, field).splitlines()
        b = _team_lines(new) if field == "team" else getattr(new, field).splitlines()
        if a == b:
            continue
        lines = []
        for line in difflib.ndiff(a, b):
            if line.startswith("? "):
                continue
            lines.append({"op": {"+ ": "add", "- ": "del"}.get(line[:2], "same"), "text": line[2:]})
        sections.append({"field": field, "label": str(label), "lines": lines})
    return sections


# --- Drills, training, assessments ------------------------------------------------------------------------------

def drill_list(*, user: Any) -> QuerySet[Drill]:
    return Drill.objects.visible_to(user).select_related("region", "plan_version__plan", "scenario")


def drill_get_visible(*, user: Any, pk: Any) -> Drill:
    return _get(drill_list(user=user), pk)


def training_list(*, user: Any) -> QuerySet[Training]:
    return Training.objects.visible_to(user).select_related("region").annotate(participant_count=Count("participants"))


def training_get_visible(*, user: Any, pk: Any) -> Training:
    return _get(Training.objects.visible_to(user).select_related("region", "created_by"), pk)


def training_coverage(*, user: Any, year: int | None = None) -> list[dict[str, Any]]:
    """Who in my subtree has had training this year: per child region (and my own level), active users and those
    who took part in at least one training in ``year``. Two aggregate queries whatever the size of the subtree."""
    year = year or timezone.localdate().year
    own = user.region
    if own is None:
        return []
    prefix = len(own.path) + PATH_STEP
    people = User.objects.visible_to(user).filter(is_active=True)
    trained = Q(security_trainings__held_on__year=year)
    rows = (people.annotate(bucket=Substr("region__path", 1, prefix)).values("bucket")
            .annotate(total=Count("id", distinct=True), trained=Count("id", filter=trained, distinct=True)).order_by())
    by_bucket = {row["bucket"]: row for row in rows}
    result = []
    own_row = by_bucket.get(own.path, {"total": 0, "trained": 0})
    result.append({"region": own, "label": _("%(name)s（本级）") % {"name": own.name}, **_rate(own_row)})
    for child in Region.objects.filter(parent=own).order_by("code"):
        row = by_bucket.get(child.path, {"total": 0, "trained": 0})
        if row["total"]:
            result.append({"region": child, "label": child.name, **_rate(row)})
    return result


def _rate(row: dict[str, Any]) -> dict[str, Any]:
    total, trained = row["total"], row["trained"]
    return {"total": total, "trained": trained, "rate": round(100 * trained / total, 1) if total else 0.0}


def untrained_people(*, user: Any, year: int | None = None) -> QuerySet:
    year = year or timezone.localdate().year
    return (User.objects.visible_to(user).filter(is_active=True)
            .exclude(security_trainings__held_on__year=year).select_related("region", "organisation").order_by(
                "region__code", "username"))


def assessment_list(*, user: Any) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(user).select_related("scenario__region")


def assessment_get_visible(*, user: Any, pk: Any) -> Assessment:
    return _get(assessment_list(user=user), pk)


def agreement_list(*, user: Any) -> QuerySet[ConfidentialityAgreement]:
    return ConfidentialityAgreement.objects.visible_to(user).select_related("scenario__region")


def agreement_get_visible(*, user: Any, pk: Any) -> ConfidentialityAgreement:
    return _get(agreement_list(user=user), pk)


# --- Dashboard -------------------------------------------------------------------------------------------------

def _statistics(user: Any) -> QuerySet[Incident]:
    """Incidents that count: real ones only (drill incidents are practice)."""
    return Incident.objects.visible_to(user, granted=VIEW_INCIDENT).filter(is_drill=False)


def dashboard(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    incidents = _statistics(user)
    open_by_grade = dict(incidents.filter(status__in=OPEN_STATUSES)
                         .annotate(g=Coalesce("grade", "suggested_grade")).values_list("g").annotate(n=Count("id"))
                         .order_by())
    grades = list(Grade)
    charts = [Chart(
        key="open-by-grade", title=_("未结安全事件（按级别）"), kind="bar",
        description=_("辖区内尚未解决的安全事件数量，按确认级别（未确认的按建议级别）统计，不含演练事件。"),
        categories=[str(g.label) for g in grades], series=[Series(_("事件数"), [open_by_grade.get(g.value, 0) for g in grades])],
    )]
    to_ack = ExpressionWrapper(F("acknowledged_at") - F("created_at"), output_field=DurationField())
    to_resolve = ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())
    means = {row["reported_region__level"]: row for row in incidents.values("reported_region__level")
             .annotate(ack=Avg(to_ack, filter=Q(acknowledged_at__isnull=False)),
                       res=Avg(to_resolve, filter=Q(resolved_at__isnull=False))).order_by()}
    levels = sorted(RegionLevel, key=lambda level: LEVEL_DEPTH[level])

    def hours(value: Any) -> float:
        return round(value.total_seconds() / 3600, 1) if value else 0

    charts.append(Chart(
        key="mean-times", title=_("平均受理与解决用时（按上报层级）"), kind="bar", unit=_("小时"),
        description=_("从上报到受理、从上报到解决的平均小时数，按上报单位所在层级统计，不含演练事件。"),
        categories=[str(level.label) for level in levels],
        series=[Series(_("平均受理用时（小时）"), [hours(means.get(level.value, {}).get("ack")) for level in levels]),
                Series(_("平均解决用时（小时）"), [hours(means.get(level.value, {}).get("res")) for level in levels])],
    ))
    overdue = {
        "drills": Drill.objects.visible_to(user).filter(status=DrillStatus.PLANNED, planned_on__lt=today).count(),
        "plan_reviews": PlanVersion.objects.visible_to(user).filter(status=PlanStatus.ACTIVE,
                                                                   review_due__lt=today).count(),
        "plan_revisions": PlanVersion.objects.visible_to(user).filter(
            status__in=[PlanStatus.DRAFT, PlanStatus.APPROVED], revision_due__lt=today).count(),
        "assessments": Assessment.objects.visible_to(user).filter(
            Q(next_due_on__lt=today) | Q(protection_level__gte=3, crypto_next_due_on__lt=today)).count(),
        "agreements": ConfidentialityAgreement.objects.visible_to(user).filter(expires_on__lt=today).count(),
    }
    labels = {"drills": _("超期未演练"), "plan_reviews": _("预案超期未复核"), "plan_revisions": _("预案超期未修订"),
              "assessments": _("测评超期"), "agreements": _("保密协议已到期")}
    charts.append(Chart(
        key="overdue", title=_("超期事项"), kind="bar",
        description=_("辖区内超过计划日期未演练、超过年度复核或修订期限的预案、超期的等保测评或密评、已到期的保密协议。"),
        categories=[str(labels[k]) for k in overdue], series=[Series(_("数量"), list(overdue.values()))],
    ))
    return {"charts": charts, "overdue": overdue, "open_total": sum(open_by_grade.values())}


def child_level_rows(user: Any) -> list[tuple[str, str]]:
    own = user.region
    return list(Region.objects.filter(parent=own).order_by("code").values_list("path", "name")) if own else []


# --- What waits on me (the home page; shequyun/home.py) -------------------------------------------------------

def home_queues(*, user: Any) -> list[Any]:
    from django.urls import reverse

    from shequyun.home import build_queue

    from .permissions import (
        may_approve_plan,
        may_edit_plan,
        may_handle_incident,
        plan_approve_queryset,
        plan_edit_queryset,
    )
    from .transitions import INCIDENT_TRANSITIONS

    handling = [t.source for t in INCIDENT_TRANSITIONS if t.source != IncidentStatus.REPORTED]

    def ack_check(u: Any, incident: Any) -> bool:
        return incident.status == IncidentStatus.REPORTED and may_handle_incident(u, incident)

    def handling_check(u: Any, incident: Any) -> bool:
        return incident.status in handling and may_handle_incident(u, incident)

    def approve_check(u: Any, version: Any) -> bool:
        return version.status == PlanStatus.DRAFT and may_approve_plan(u, version)

    def activate_check(u: Any, version: Any) -> bool:
        return version.status == PlanStatus.APPROVED and may_edit_plan(u, version.plan)

    incidents = handle_queryset(user).select_related("region")
    versions = PlanVersion.objects.select_related("plan")
    return [
        build_queue(key="security-acknowledge", label=_("待受理的安全事件"), url=reverse("security:incidents"),
                    queryset=incidents.filter(status=IncidentStatus.REPORTED), check=ack_check, due="ack_due_at",
                    title=lambda i: i.title, item_url=lambda i: reverse("security:incident", args=[i.pk])),
        build_queue(key="security-handling", label=_("处置中待跟进的安全事件"), url=reverse("security:incidents"),
                    queryset=incidents.filter(status__in=handling), check=handling_check, order=("updated_at", "pk"),
                    title=lambda i: f"{i.title}（{i.get_status_display()}）",
                    item_url=lambda i: reverse("security:incident", args=[i.pk])),
        build_queue(key="security-plan-approve", label=_("待批准的应急预案"), url=reverse("security:plans"),
                    queryset=plan_approve_queryset(user).filter(status=PlanStatus.DRAFT).select_related("plan"),
                    check=approve_check, order=("created_at", "pk"),
                    title=lambda v: f"{v.plan.title} 第{v.number}版",
                    item_url=lambda v: reverse("security:plan", args=[v.plan_id])),
        build_queue(key="security-plan-activate", label=_("已批准待发布生效的应急预案"), url=reverse("security:plans"),
                    queryset=versions.filter(status=PlanStatus.APPROVED, plan__in=plan_edit_queryset(user)),
                    check=activate_check, order=("approved_at", "pk"), title=lambda v: f"{v.plan.title} 第{v.number}版",
                    item_url=lambda v: reverse("security:plan", args=[v.plan_id])),
    ]
