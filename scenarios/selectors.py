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


def returned_filter() -> Any:
    """Drafts that were sent back (a ``return`` in their history)."""
    from django.db.models import Exists, OuterRef

    return Exists(ScenarioEvent.objects.filter(scenario=OuterRef("pk"), action="return"))


def queue_status_labels() -> dict[str, Any]:
    """What the user does about a scenario waiting in each state (the queue's 事项 column and the home rows)."""
    from django.utils.translation import gettext_lazy as _

    return {
        Status.DRAFT: _("提交核准"), Status.SUBMITTED: _("核准"), Status.APPROVED: _("确认报备"),
        Status.FILED: _("上线"), Status.RECTIFYING: _("报告整改完成"), Status.DISCONNECTED: _("恢复连接"),
    }


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


def home_queues(*, user: Any) -> list[Any]:
    """The home page's scenario queues: one per waiting state of the workflow table (returned drafts apart from
    fresh ones), each the state's rules as a queryset (``Workflow.state_waiting_on``) with the same rules as its
    predicate; and the evaluations the user fills (``EVALUATION_FILLER``)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from shequyun.home import build_queue

    from .models import Evaluation, EvaluationStatus
    from .permissions import EVALUATION_FILLER
    from .services import WORKFLOW

    if user.region is None and not user.is_superuser:
        return []
    base = Scenario.objects.visible_to(user).select_related("region")
    queue_url = reverse("scenarios:queue")
    labels: dict[str, Any] = {
        Status.SUBMITTED: _("应用场景接入待核准"), Status.APPROVED: _("应用场景待确认报备"),
        Status.FILED: _("已报备待上线的应用场景"), Status.RECTIFYING: _("应用场景待报告整改完成"),
        Status.DISCONNECTED: _("已断开待恢复连接的应用场景"),
    }
    queues = []
    for state in WORKFLOW.waiting_steps():
        def check(u: Any, s: Any, state: str = state) -> bool:
            return WORKFLOW.may_act_in_state(state, u, s)

        mine = base.filter(WORKFLOW.state_waiting_on(state, user))
        common: dict[str, Any] = {"check": check, "title": lambda s: f"{s.name}（{s.region.name}）",
                  "item_url": lambda s: reverse("scenarios:review" if s.status == Status.SUBMITTED
                                                else "scenarios:detail", args=[s.pk])}
        if state == Status.DRAFT:
            returned = returned_filter()

            def returned_check(u: Any, s: Any, check: Any = check) -> bool:
                return check(u, s) and s.events.filter(action="return").exists()

            queues.append(build_queue(key="scenarios-returned", label=_("被退回待修改的应用场景"),
                                      url=f"{queue_url}?status=returned", queryset=mine.filter(returned),
                                      **{**common, "check": returned_check}, order=("updated_at", "pk")))
            def fresh_check(u: Any, s: Any, check: Any = check) -> bool:
                return check(u, s) and not s.events.filter(action="return").exists()

            queues.append(build_queue(key="scenarios-draft", label=_("待提交核准的应用场景草稿"),
                                      url=f"{queue_url}?status=draft", queryset=mine.exclude(returned),
                                      **{**common, "check": fresh_check}, order=("updated_at", "pk")))
            continue
        due = "rectify_deadline" if state == Status.RECTIFYING else None
        queues.append(build_queue(key=f"scenarios-{state}", label=labels.get(state, str(Status(state).label)),
                                  url=f"{queue_url}?status={state}", queryset=mine, due=due, **common,
                                  order=("application__submitted_at", "pk")))
    evaluations = (Evaluation.objects.visible_to(user)
                   .filter(status__in=[EvaluationStatus.DUE, EvaluationStatus.RETURNED])
                   .filter(EVALUATION_FILLER.filter(user)).select_related("scenario"))

    def may_fill(u: Any, e: Any) -> bool:
        return e.status in (EvaluationStatus.DUE, EvaluationStatus.RETURNED) and EVALUATION_FILLER(u, e)

    queues.append(build_queue(key="evaluations-due", label=_("应用场景待评估"), url=reverse("scenarios:evaluations"),
                              queryset=evaluations, check=may_fill, due="campaign__due_date",
                              title=lambda e: e.scenario.name,
                              item_url=lambda e: reverse("scenarios:evaluation", args=[e.pk])))
    return queues


def home_panel(*, user: Any) -> dict[str, Any]:
    """The subtree's charts for city and district home pages (what waits on the user: :func:`home_queues`)."""
    import datetime as dt

    from django.db.models import Count, Sum
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from shequyun.charts import Chart, Series

    from .models import UsageMetric

    if user.region is None:
        return {}
    today = timezone.localdate()
    panel: dict[str, Any] = {"charts": []}
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


def home_block(*, user: Any) -> Any:
    """The subtree's charts as a home-page panel (registered in ``shequyun.home.PANELS``)."""
    from shequyun.home import Panel

    panel = home_panel(user=user)
    return Panel(key="scenarios", template="scenarios/_home_panel.html", context=panel) if panel.get("charts") else None


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
