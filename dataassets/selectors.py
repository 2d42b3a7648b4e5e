"""Reads of the data-assets module. Everything starts from ``visible_to(user)`` (or ``catalogue_for(user)``, which
adds the published catalogue and explicit grants to it)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from .models import (
    Item,
    Objection,
    ObjectionEvent,
    QualityIssue,
    Resource,
    ResourceEvent,
    ResourceStatus,
    ResourceVersion,
    SharingRequest,
)
from .permissions import VIEW_OBJECTION, VIEW_SHARING

LIST_RELATED = ("region", "provider", "revision_of")


def item_count_subquery() -> Any:
    """Items per resource as a correlated subquery: evaluated for the rows of the page only (a join and GROUP BY
    would aggregate all 50,000 items of a district catalogue before the page is cut)."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    counts = (Item.objects.filter(resource=OuterRef("pk")).order_by().values("resource")
              .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def resource_list(*, user: Any) -> QuerySet[Resource]:
    """The catalogue as this user may read it, with item counts (one query per page whatever its size)."""
    return (Resource.objects.catalogue_for(user).select_related(*LIST_RELATED)
            .annotate(item_count=item_count_subquery()).order_by("-updated_at", "-id"))


def resource_search(queryset: QuerySet[Resource], q: str) -> QuerySet[Resource]:
    """Name, code, summary, provider — or the label or field name of any of its information items."""
    q = q.strip()
    if not q:
        return queryset
    items = Item.objects.filter(Q(label__icontains=q) | Q(field_name__iexact=q)).values("resource_id")
    return queryset.filter(Q(name__icontains=q) | Q(code__iexact=q) | Q(description__icontains=q)
                           | Q(provider__name__icontains=q) | Q(pk__in=items))


def resource_get(*, user: Any, pk: Any) -> Resource:
    resource = (Resource.objects.catalogue_for(user).select_related(*LIST_RELATED, "created_by", "submitted_by")
                .filter(pk=pk).first() if str(pk).isdigit() else None)
    if resource is None:
        raise Http404("No resource matches the given query.")
    return resource


def resource_history(resource: Resource) -> QuerySet[ResourceEvent]:
    return resource.events.select_related("actor").order_by("created_at", "id")


def resource_versions(resource: Resource) -> QuerySet[ResourceVersion]:
    return resource.versions.select_related("published_by").order_by("-number")


def duplicate_sources(*, resource: Resource, user: Any = None) -> list[dict[str, Any]]:
    """One datum, one source (一数一源, 003 Art. 18): items of this resource whose normalised label and data type
    another provider already registers in a submitted or published entry. With a ``user``, only entries that user
    may read are named (the published catalogue or their own subtree)."""
    keys = list(Item.objects.filter(resource=resource).values_list("label_key", "data_type", "label"))
    if not keys:
        return []
    wanted = {(k, t): label for k, t, label in keys}
    others = Resource.objects.filter(status__in=[ResourceStatus.SUBMITTED, ResourceStatus.PUBLISHED]).exclude(
        provider_id=resource.provider_id).exclude(pk=resource.lineage_id).exclude(revision_of_id=resource.lineage_id)
    if user is not None:
        others = others.filter(pk__in=Resource.objects.catalogue_for(user).values("pk"))
    rows = (Item.objects.filter(label_key__in={k for k, _t in wanted}, resource__in=others)
            .values_list("label_key", "data_type", "resource_id", "resource__name", "resource__provider__name",
                         "resource__revision_of_id")
            .order_by("label_key", "resource_id"))
    found = []
    seen = set()
    for key, data_type, resource_id, name, provider, revision_of in rows:
        if (key, data_type) not in wanted or (key, data_type, provider) in seen:
            continue
        seen.add((key, data_type, provider))
        found.append({"label": wanted[(key, data_type)], "data_type": data_type,
                      "resource_id": revision_of or resource_id, "resource": name, "provider": provider})
    return found


def objection_list(*, user: Any) -> QuerySet[Objection]:
    return (Objection.objects.visible_to(user, granted=VIEW_OBJECTION)
            .select_related("resource__region", "resource__provider", "responsible_org", "objector_org")
            .order_by("-created_at", "-id"))


def objection_get(*, user: Any, pk: Any) -> Objection:
    objection = objection_list(user=user).filter(pk=pk).first() if str(pk).isdigit() else None
    if objection is None:
        raise Http404("No objection matches the given query.")
    return objection


def objection_events_prefetch() -> Prefetch:
    return Prefetch("events", queryset=ObjectionEvent.objects.select_related("actor").order_by("created_at", "id"))


def sharing_list(*, user: Any) -> QuerySet[SharingRequest]:
    return (SharingRequest.objects.visible_to(user, granted=VIEW_SHARING)
            .select_related("resource__region", "resource__provider", "requester", "requester_org", "scenario")
            .order_by("-created_at", "-id"))


def sharing_get(*, user: Any, pk: Any) -> SharingRequest:
    request = sharing_list(user=user).filter(pk=pk).first() if str(pk).isdigit() else None
    if request is None:
        raise Http404("No sharing request matches the given query.")
    return request


def quality_list(*, user: Any) -> QuerySet[QualityIssue]:
    return (QualityIssue.objects.visible_to(user).select_related("resource__region", "provider")
            .order_by("-detected_on", "-id"))


def quality_get(*, user: Any, pk: Any) -> QualityIssue:
    issue = quality_list(user=user).filter(pk=pk).first() if str(pk).isdigit() else None
    if issue is None:
        raise Http404("No quality issue matches the given query.")
    return issue


def open_objection_marks(resource_ids: list[int]) -> set[int]:
    """Resources that carry a 标注 (a marked objection not yet decided), in one query."""
    from .models import ObjectionStatus

    return set(Objection.objects.filter(resource_id__in=resource_ids, status__in=[
        ObjectionStatus.MARKED, ObjectionStatus.TRANSFERRED]).values_list("resource_id", flat=True))


# --- quality scores -----------------------------------------------------------------------------------------------

STALE_PENALTY = 10
INCOMPLETE_PENALTY = 5


def current_quarter(today: Any = None) -> str:
    from django.utils import timezone

    today = today or timezone.localdate()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def quarter_range(quarter: str) -> tuple[Any, Any]:
    """``"2026Q4"`` → (2026-10-01, 2026-12-31); ValueError for anything else."""
    import datetime as dt

    year, number = quarter.upper().split("Q")
    y, q = int(year), int(number)
    if not (2000 <= y <= 2100 and 1 <= q <= 4):
        raise ValueError(quarter)
    start = dt.date(y, 3 * q - 2, 1)
    end = dt.date(y + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)
    return start, end


def provider_scores(*, user: Any, quarter: str) -> list[dict[str, Any]]:
    """A quality score per provider for one quarter: 100, minus 10 per staleness issue and 5 per completeness issue
    detected in the quarter (never below 0). Two aggregate queries whatever the number of providers."""
    from .models import QualityKind

    start, end = quarter_range(quarter)
    resources = (Resource.objects.visible_to(user).filter(status=ResourceStatus.PUBLISHED, revision_of__isnull=True)
                 .values("provider_id", "provider__name").annotate(n=Count("id")).order_by())
    issues = (QualityIssue.objects.visible_to(user).filter(detected_on__range=(start, end))
              .values("provider_id").annotate(stale=Count("id", filter=Q(kind=QualityKind.STALE)),
                                              incomplete=Count("id", filter=Q(kind=QualityKind.INCOMPLETE)))
              .order_by())
    by_provider = {row["provider_id"]: row for row in issues}
    rows = []
    for row in resources:
        found = by_provider.get(row["provider_id"], {})
        stale, incomplete = found.get("stale", 0), found.get("incomplete", 0)
        rows.append({"provider": {"id": row["provider_id"], "name": row["provider__name"]}, "quarter": quarter,
                     "resources": row["n"], "stale": stale, "incomplete": incomplete,
                     "score": max(0, 100 - STALE_PENALTY * stale - INCOMPLETE_PENALTY * incomplete)})
    rows.sort(key=lambda r: (r["score"], r["provider"]["name"]))
    return rows


def score_chart(rows: list[dict[str, Any]], quarter: str) -> Any:
    from django.utils.translation import gettext as _

    from shequyun.charts import Chart, Series

    shown = rows[:30]
    return Chart(key="quality-scores", title=_("%(q)s 提供单位数据质量得分") % {"q": quarter}, kind="bar",
                 description=_("每个提供单位本季度的数据质量得分：满分100，每个更新不及时问题扣10分，每个编目不完整问题扣5分。"),
                 categories=[r["provider"]["name"] for r in shown],
                 series=[Series(_("得分"), [r["score"] for r in shown]),
                         Series(_("更新不及时"), [r["stale"] for r in shown]),
                         Series(_("编目不完整"), [r["incomplete"] for r in shown])])


# --- objection dashboard ------------------------------------------------------------------------------------------

def objection_dashboard(*, user: Any) -> dict[str, Any]:
    """Open objections by stage and lateness, and decided ones: one aggregate query."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from shequyun.charts import Chart, Series

    from .models import ObjectionStatus

    today = timezone.localdate()
    late = {ObjectionStatus.RECEIVED: Q(mark_due__lt=today), ObjectionStatus.MARKED: Q(decide_due__lt=today),
            ObjectionStatus.TRANSFERRED: Q(department_due__lt=today)}
    base = Objection.objects.visible_to(user, granted=VIEW_OBJECTION)
    aggregates: dict[str, Any] = {}
    for status in ObjectionStatus:
        aggregates[f"{status.value}_total"] = Count("id", filter=Q(status=status))
        if status in late:
            aggregates[f"{status.value}_late"] = Count("id", filter=Q(status=status) & late[status])
    counts = base.aggregate(**aggregates)
    stages = []
    for status in ObjectionStatus:
        total = counts[f"{status.value}_total"]
        overdue = counts.get(f"{status.value}_late", 0)
        stages.append({"status": status.value, "label": status.label, "total": total, "overdue": overdue,
                       "on_time": total - overdue})
    chart = Chart(key="objection-stages", title=_("数据异议办理阶段与超期情况"), kind="bar",
                  description=_("各办理阶段的异议数量，按期内和已超期分列；已办结的不计超期。"),
                  categories=[str(s["label"]) for s in stages],
                  series=[Series(_("期内"), [s["on_time"] for s in stages]),
                          Series(_("已超期"), [s["overdue"] for s in stages])])
    return {"stages": stages, "chart": chart, "overdue": sum(s["overdue"] for s in stages)}


# --- What waits on me (the home page; shequyun/home.py) -------------------------------------------------------

def objection_due() -> Any:
    """The deadline of the stage an objection is in: marking, deciding (or transferring), the department's decision."""
    from django.db.models import Case, F, When

    from .models import ObjectionStatus

    return Case(When(status=ObjectionStatus.RECEIVED, then=F("mark_due")),
                When(status=ObjectionStatus.MARKED, then=F("decide_due")),
                When(status=ObjectionStatus.TRANSFERRED, then=F("department_due")))


def home_queues(*, user: Any) -> list[Any]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from shequyun.home import build_queue

    from . import permissions as p
    from .models import ObjectionStatus, QualityStatus, SharingStatus

    def review_check(u: Any, resource: Any) -> bool:
        return resource.status == ResourceStatus.SUBMITTED and p.may_review_resource(u, resource)

    def sharing_check(u: Any, request: Any) -> bool:
        return request.status == SharingStatus.SUBMITTED and p.may_review_sharing(u, request)

    def objection_check(u: Any, objection: Any) -> bool:
        if objection.status == ObjectionStatus.TRANSFERRED:
            return p.may_department_decide(u, objection)
        return objection.status in (ObjectionStatus.RECEIVED, ObjectionStatus.MARKED) and p.may_handle_objection(
            u, objection)

    def quality_check(u: Any, issue: Any) -> bool:
        return issue.status == QualityStatus.OPEN and p.may_resolve_quality(u, issue)

    return [
        build_queue(key="dataassets-review", label=_("待审核的数据资源"), url=reverse("dataassets:review"),
                    queryset=p.resource_review_queryset(user).select_related("region"), check=review_check,
                    order=("submitted_at", "pk"), title=lambda r: r.name,
                    item_url=lambda r: reverse("dataassets:detail", args=[r.pk])),
        build_queue(key="dataassets-sharing", label=_("待审核的共享申请"),
                    url=reverse("dataassets:sharing_list") + "?status=submitted",
                    queryset=p.sharing_review_queryset(user).select_related("resource"), check=sharing_check,
                    order=("created_at", "pk"), title=lambda s: s.resource.name,
                    item_url=lambda s: reverse("dataassets:sharing", args=[s.pk])),
        build_queue(key="dataassets-objections", label=_("待处理的数据异议"), url=reverse("dataassets:objections"),
                    queryset=p.objection_queue_queryset(user).select_related("resource"), check=objection_check,
                    due=objection_due(), title=lambda o: f"{o.resource.name} · {o.get_kind_display()}",
                    item_url=lambda o: reverse("dataassets:objection", args=[o.pk])),
        build_queue(key="dataassets-quality", label=_("待整改的数据质量问题"), url=reverse("dataassets:quality"),
                    queryset=p.quality_queue_queryset(user).select_related("resource"), check=quality_check,
                    order=("detected_on", "pk"), title=lambda q: f"{q.resource.name} · {q.get_kind_display()}",
                    item_url=lambda q: reverse("dataassets:quality_issue", args=[q.pk])),
    ]
