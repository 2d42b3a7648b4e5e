"""Reads of the scenarios app. Everything starts from ``visible_to(user)``."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import Region, RegionLevel
from accounts.permissions import superior_competent_region

from .models import Scenario, ScenarioEvent, Status
from .similarity import Match, rank, tokenize

LIST_RELATED = ("region", "building_unit", "merged_into", "assessment")


def scenario_list(*, user: Any) -> QuerySet[Scenario]:
    """The inventory the user may see (filters: scenarios/filters.py, the same for the API and the page)."""
    return Scenario.objects.visible_to(user).select_related(*LIST_RELATED).prefetch_related("scope_regions")


def scenarios_available_to(*, user: Any) -> QuerySet[Scenario]:
    """The inventory's "available in my region" view: what the user may see or the public inventory, reduced by
    the filter (``available_to_me``) to the online scenarios that serve the user's region — including ones built
    elsewhere and promoted to it."""
    return Scenario.objects.visible_or_published(user).select_related(*LIST_RELATED).prefetch_related("scope_regions")


def scenario_get_visible(*, user: Any, pk: Any) -> Scenario:
    scenario = (Scenario.objects.visible_to(user).select_related(*LIST_RELATED, "application", "created_by")
                .prefetch_related("scope_regions").filter(pk=pk).first() if str(pk).isdigit() else None)
    if scenario is None:
        raise Http404("No scenario matches the given query.")
    return scenario


def scenario_history(scenario: Scenario) -> QuerySet[ScenarioEvent]:
    return scenario.events.select_related("actor").order_by("created_at", "id")


def review_queue(*, user: Any) -> QuerySet[Scenario]:
    """What waits on this user, oldest first: the scenario table's waiting steps whose rule holds for them
    (drafts to submit, applications to review, filings to acknowledge, scenarios to take online, rectifications
    to report, disconnections to lift) — built from the same rules that allow the actions."""
    from .services import WORKFLOW

    return (Scenario.objects.visible_to(user).filter(WORKFLOW.waiting_on(user))
            .select_related(*LIST_RELATED, "application").order_by("application__submitted_at", "pk"))


def similar_scenarios(*, user: Any, name: str, summary: str, exclude: int | None = None,
                      limit: int = 5) -> list[tuple[Scenario, float, bool]]:
    """Existing scenarios with similar functions among what the user may see: their subtree plus the public
    inventory. Each as (scenario, score, whether its page is open to the user)."""
    corpus = (Scenario.objects.visible_or_published(user).exclude(status__in=[Status.REJECTED, Status.DRAFT])
              .exclude(merged_into__isnull=False))
    matches: list[Match] = rank(tokenize(name, summary), corpus.values_list("pk", "search_tokens").iterator(),
                                exclude=exclude, limit=limit)
    ids = [m.scenario_id for m in matches]
    by_pk = Scenario.objects.select_related("region").in_bulk(ids)
    openable = set(Scenario.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    return [(by_pk[m.scenario_id], m.score, m.scenario_id in openable) for m in matches if m.scenario_id in by_pk]


def reviewer_region_for(scenario: Scenario) -> Region:
    return superior_competent_region(scenario.region)


def events_prefetch() -> Prefetch:
    return Prefetch("events", queryset=ScenarioEvent.objects.select_related("actor").order_by("created_at", "id"))


def home_panel(*, user: Any) -> dict[str, Any]:
    """What the home page shows about scenarios: the user's queues, and for city/district charts of the subtree."""
    import datetime as dt

    from django.db.models import Count, Sum
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from shequyun.charts import Chart, Series

    from .models import Evaluation, EvaluationStatus, UsageMetric
    from .permissions import EVALUATION_FILLER

    if user.region is None:
        return {}
    today = timezone.localdate()
    due = (Evaluation.objects.visible_to(user).filter(status__in=[EvaluationStatus.DUE, EvaluationStatus.RETURNED])
           .filter(EVALUATION_FILLER.filter(user)))
    panel: dict[str, Any] = {
        "review_count": review_queue(user=user).count(),
        "evaluations_due": due.count(),
        "evaluations_overdue": due.filter(campaign__due_date__lt=today).count(),
        "charts": [],
    }
    if user.region.level in (RegionLevel.CITY, RegionLevel.DISTRICT) or user.is_superuser:
        counts = dict(Scenario.objects.visible_to(user).values_list("status").annotate(n=Count("id")).order_by())
        panel["charts"].append(Chart(
            key="scenario-status", title=_("辖区应用场景状态"), kind="bar",
            description=_("辖区内各状态的应用场景数量。"),
            categories=[str(label) for value, label in Status.choices],
            series=[Series(_("场景数"), [counts.get(value, 0) for value, _label in Status.choices])],
        ))
        since = today - dt.timedelta(days=30)
        trend = dict(UsageMetric.objects.filter(scenario__in=Scenario.objects.visible_to(user), date__gte=since)
                     .values_list("date").annotate(n=Sum("active_users")).order_by())
        days = [since + dt.timedelta(days=i) for i in range(31)]
        panel["charts"].extend(_evaluation_charts(user, today))
        panel["charts"].append(Chart(
            key="participation-trend", title=_("近 30 天活跃用户"), kind="line",
            description=_("辖区内全部场景每日活跃用户合计，来自场景报送的使用数据。"),
            categories=[d.isoformat() for d in days], series=[Series(_("活跃用户"), [trend.get(d, 0) for d in days])],
        ))
    return panel


def _evaluation_charts(user: Any, today: Any) -> list[Any]:
    """Average evaluation scores and overdue evaluations per district (for the city) or per street (for a
    district): two aggregate queries grouped by the child region's path prefix, whatever the number of rows."""
    from django.db.models import Avg, Count, F
    from django.db.models.functions import Substr
    from django.utils.translation import gettext as _

    from accounts.models import PATH_STEP
    from shequyun.charts import Chart, Series

    from .models import Evaluation, EvaluationStatus

    own = user.region
    children = list(Region.objects.filter(parent=own).order_by("code").values_list("path", "name"))
    prefix = len(own.path) + PATH_STEP
    rows = (Evaluation.objects.visible_to(user).filter(scenario__region__depth__gt=own.depth)
            .annotate(child=Substr("scenario__region__path", 1, prefix)).values("child")
            .annotate(score=Avg((F("mechanism_score") + F("effectiveness_score") + F("participation_score")
                                 + F("security_score")) / 4.0, filter=Q(status=EvaluationStatus.SUBMITTED)),
                      overdue=Count("id", filter=Q(status__in=[EvaluationStatus.DUE, EvaluationStatus.RETURNED],
                                                   campaign__due_date__lt=today)))
            .order_by())
    by_child = {row["child"]: row for row in rows}
    names = [name for _path, name in children]
    level = _("各区") if own.level == RegionLevel.CITY else _("各街镇")
    return [
        Chart(key="evaluation-scores", title=_("%(level)s评估平均分") % {"level": level}, kind="bar",
              description=_("已提交评估报告四个维度的平均得分（百分制）。"), categories=names,
              series=[Series(_("平均分"), [round(by_child.get(p, {}).get("score") or 0, 1) for p, _n in children])]),
        Chart(key="evaluations-overdue", title=_("%(level)s超期未评估") % {"level": level}, kind="bar",
              description=_("已过截止日期仍未提交的评估报告数量。"), categories=names,
              series=[Series(_("超期数"), [by_child.get(p, {}).get("overdue", 0) for p, _n in children])]),
    ]
