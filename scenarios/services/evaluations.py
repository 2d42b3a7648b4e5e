"""Evaluation of online scenarios (000 Art. 13): campaigns, usage metrics, reports, outcomes and reminders."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region, RegionLevel, User
from shequyun.audit import acting_as, record_bulk_change
from shequyun.errors import Conflict
from shequyun.notifications.services import notify
from shequyun.validators import check_due_date, period_validator
from shequyun.workdays import calendar
from shequyun.workflow import Transition, Workflow, transition

from ..models import (
    Evaluation,
    EvaluationCampaign,
    EvaluationEvent,
    EvaluationStatus,
    Outcome,
    Scenario,
    Status,
    UsageMetric,
)
from ..permissions import (
    evaluators_at,
    may_apply_for,
    may_evaluate,
    may_fill_evaluation,
    may_open_campaign,
)
from ..transitions import EVALUATION_TRANSITIONS
from . import scenarios as services

DEFAULT_DUE_WORKING_DAYS = 20
SCORE_FIELDS = ["mechanism", "effectiveness", "participation", "security"]


def period_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _campaign_scenarios(region: Region):
    """Online scenarios a campaign covers: a district's whole subtree; for the city, city- and district-level ones
    (street and village scenarios are evaluated by their district)."""
    online = Scenario.objects.under(region.path).filter(status=Status.ONLINE)
    if region.level == RegionLevel.CITY:
        online = online.filter(region__level__in=[RegionLevel.CITY, RegionLevel.DISTRICT])
    return online


@transaction.atomic
def campaign_open(*, region: Region, period: str, due_date: dt.date | None = None, actor: Any = None) -> EvaluationCampaign:
    """Open (or complete) the campaign of ``region`` for ``period``: one evaluation per online scenario in scope,
    exactly once however often it runs — a run that died half-way is completed by the next without duplicates."""
    if region.level not in (RegionLevel.CITY, RegionLevel.DISTRICT):
        raise ValidationError({"region": [_("评估由市、区两级组织。")]})
    if actor is not None and not may_open_campaign(actor, region):
        raise PermissionDenied(_("您无权为该区域组织评估。"))
    errors: dict[str, list[str]] = {}
    try:
        period_validator(period)
    except ValidationError as exc:
        errors["period"] = exc.messages
    if due_date is not None:
        try:
            check_due_date(due_date)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    provisional = False
    if due_date is None:
        today = timezone.localdate()
        due_date = calendar.add_working_days(today, DEFAULT_DUE_WORKING_DAYS)
        provisional = calendar.is_provisional(due_date)
    campaign, _created = EvaluationCampaign.objects.get_or_create(
        region=region, period=period, defaults={"due_date": due_date, "due_provisional": provisional, "created_by": actor}
    )
    existing = set(campaign.evaluations.values_list("scenario_id", flat=True))
    missing = [pk for pk in _campaign_scenarios(region).values_list("pk", flat=True) if pk not in existing]
    Evaluation.objects.bulk_create([Evaluation(campaign=campaign, scenario_id=pk) for pk in missing], batch_size=1000,
                                   ignore_conflicts=True)
    if missing:  # bulk_create bypasses django-auditlog: one row naming every evaluation opened
        created = campaign.evaluations.filter(scenario_id__in=missing).values_list("pk", flat=True)
        record_bulk_change(model=Evaluation, ids=list(created), action="create", actor=actor,
                           reason="campaign_open", changes={"campaign": campaign.pk, "period": period},
                           region_path=region.path)
    return campaign


def open_quarterly_campaigns(*, today: dt.date | None = None) -> int:
    """The beat task's work: the city and every district open this quarter's campaign. Bounded queries per region."""
    today = today or timezone.localdate()
    period = period_of(today)
    count = 0
    for region in Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.DISTRICT]).order_by("code"):
        campaign = campaign_open(region=region, period=period)
        count += campaign.evaluations.count()
    return count


def metrics_push(*, actor: Any, scenario: Scenario, rows: list[dict[str, Any]]) -> int:
    """Upsert daily usage: one row per scenario and day; posting a day again replaces it."""
    if not (may_apply_for(actor, scenario.region) or may_evaluate(actor, scenario.region)):
        raise PermissionDenied(_("只有场景的运营方可以报送使用数据。"))
    objects = [UsageMetric(scenario=scenario, **row) for row in rows]
    errors: dict[str, list[str]] = {}
    for metric in objects:  # the model's rules (a real day, not in the future), whatever channel pushed it
        try:
            metric.full_clean(exclude=["scenario"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(m for m in messages if m not in errors.get(name, []))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        UsageMetric.objects.bulk_create(
            objects, update_conflicts=True, unique_fields=["scenario", "date"],
            update_fields=["active_users", "visits", "households_reached", "updated_at"],
        )
        written = UsageMetric.objects.filter(scenario=scenario, date__in=[m.date for m in objects])
        record_bulk_change(model=UsageMetric, ids=list(written.values_list("pk", flat=True)), action="upsert",
                           actor=actor, reason="metrics_push", region_path=scenario.region.path,
                           changes={"scenario": scenario.pk, "rows": [
                               {"date": m.date.isoformat(), "active_users": m.active_users, "visits": m.visits,
                                "households_reached": m.households_reached} for m in objects]})
    return len(objects)


def participation(scenario: Scenario, *, days: int = 90) -> dict[str, Any]:
    """Resident participation from the pushed metrics against the registered households and population of the
    scenario's whole 应用范围 (its own region's subtree plus every region it was promoted to; each region row
    counted once however the scope regions nest)."""
    since = timezone.localdate() - dt.timedelta(days=days)
    metrics = UsageMetric.objects.filter(scenario=scenario, date__gte=since, date__lte=timezone.localdate())
    stats = metrics.aggregate(avg_active=Avg("active_users"), visits=Sum("visits"), households=Max("households_reached"))
    scope = scenario.application_scope
    within = Q(pk__in=[])
    for region in scope:
        within |= Q(path__startswith=region.path)
    base = Region.objects.filter(within).aggregate(households=Sum("households"), population=Sum("population"))
    households_rate = (stats["households"] or 0) / base["households"] if base["households"] else None
    active_rate = (stats["avg_active"] or 0) / base["population"] if base["population"] else None
    trend = list(metrics.order_by("date").values_list("date", "active_users", "visits"))
    return {"avg_active": round(stats["avg_active"] or 0, 1), "visits": stats["visits"] or 0,
            "households": stats["households"] or 0, "region_households": base["households"],
            "region_population": base["population"], "households_rate": households_rate, "active_rate": active_rate,
            "trend": trend, "scope": scope}


def _require_evaluator(actor: Any, evaluation: Evaluation) -> None:
    if not may_fill_evaluation(actor, evaluation):
        raise PermissionDenied(_("该评估属于%(owner)s的评估活动，由其评估人员填写。") % {
            "owner": evaluation.campaign.region.name})


@transaction.atomic
def evaluation_save(*, actor: Any, evaluation: Evaluation, promote_regions: list[Region] | None = None,
                    evidence: Any = None, **values: Any) -> Evaluation:
    evaluation = Evaluation.objects.select_for_update(of=("self",)).select_related("scenario__region").get(pk=evaluation.pk)
    _require_evaluator(actor, evaluation)
    if evaluation.status == EvaluationStatus.SUBMITTED:
        raise Conflict(_("评估报告已提交，不能修改。"), status=evaluation.status)
    errors: dict[str, list[str]] = {}
    for name in SCORE_FIELDS:
        score = values.get(f"{name}_score")
        if score is not None and not 0 <= int(score) <= 100:
            errors[f"{name}_score"] = [_("得分应在 0 到 100 之间。")]
    if values.get("rectify_working_days") is not None and not 1 <= int(values["rectify_working_days"]) <= 120:
        errors["rectify_working_days"] = [_("整改期限应为 1 到 120 个工作日。")]
    if promote_regions and any(not may_evaluate(actor, r) for r in promote_regions):
        errors["promote_regions"] = [_("推广区域须在您的管辖范围内。")]
    if errors:
        raise ValidationError(errors)
    fields = []
    for key, value in values.items():
        if hasattr(evaluation, key) and key not in {"status", "campaign", "scenario"}:
            setattr(evaluation, key, value)
            fields.append(key)
    if evidence is not None:
        from shequyun.files import delete_on_commit
        from shequyun.uploads import sniff_upload, stored_file

        extension = sniff_upload(evidence, field="evidence", allowed={"pdf", "docx", "doc", "png", "jpg", "xlsx"},
                                 max_bytes=20 * 1024 * 1024)
        delete_on_commit(evaluation.evidence)
        evaluation.evidence.save(stored_file(evidence, extension=extension).name, evidence, save=False)
        fields.append("evidence")
    with acting_as(actor):
        if fields:
            evaluation.save(update_fields=fields)
        if promote_regions is not None:
            evaluation.promote_regions.set(promote_regions)
    return evaluation


def _record(evaluation: Evaluation, step: Transition, actor: Any, comment: str, previous: str, **extra: Any) -> None:
    EvaluationEvent.objects.create(evaluation=evaluation, action=step.action, from_status=previous,
                                   to_status=step.target, actor=actor, comment=comment or "", extra=extra)


def _after(evaluation: Evaluation, step: Transition, actor: Any, comment: str) -> None:
    """A returned report goes back to whoever must fill it again (the campaign's evaluators) and its submitter."""
    if step.action != "return":
        return
    people = {u.pk: u for u in EVALUATION_WORKFLOW.next_actors(evaluation)}
    if evaluation.submitted_by is not None:
        people.setdefault(evaluation.submitted_by_id, evaluation.submitted_by)
    notify(recipients=[u for pk, u in people.items() if pk != getattr(actor, "pk", None)],
           title=_("评估报告被退回：%(s)s") % {"s": evaluation.scenario.name}, body=comment,
           url=f"/scenarios/evaluations/{evaluation.pk}/", target=evaluation)


EVALUATION_WORKFLOW = Workflow(name="evaluation", transitions=EVALUATION_TRANSITIONS, record=_record, after=_after)


def _complete(evaluation: Evaluation, step: Transition) -> None:
    errors: dict[str, list[str]] = {}
    for name in SCORE_FIELDS:
        if getattr(evaluation, f"{name}_score") is None:
            errors[f"{name}_score"] = [_("请打分。")]
        if not getattr(evaluation, f"{name}_finding").strip():
            errors[f"{name}_finding"] = [_("请填写评价。")]
    if not evaluation.outcome:
        errors["outcome"] = [_("请选择评估结论。")]
    if evaluation.outcome == Outcome.RECTIFY and not evaluation.rectify_working_days:
        errors["rectify_working_days"] = [_("限期整改须填写整改期限。")]
    if evaluation.outcome == Outcome.PROMOTE and not evaluation.promote_regions.exists():
        errors["promote_regions"] = [_("推广须选择推广区域。")]
    if errors:
        raise ValidationError(errors)


def evaluation_submit(*, actor: Any, evaluation: Evaluation) -> Evaluation:
    """Submit the report through the evaluation table and let its outcome act on the scenario through the scenario
    workflow, in one transaction (a refused scenario step undoes the submission)."""

    def stamp(locked: Evaluation, step: Transition) -> list[str]:
        locked.submitted_by = actor
        locked.submitted_at = timezone.now()
        return ["submitted_by", "submitted_at"]

    with transaction.atomic():
        evaluation = transition(EVALUATION_WORKFLOW, obj=evaluation, action="submit", actor=actor,
                                validate=_complete, extra_update=stamp)
        evaluation = Evaluation.objects.select_related("campaign", "scenario__region").get(pk=evaluation.pk)
        scenario = evaluation.scenario
        comment = _("%(period)s 评估结论：%(outcome)s") % {"period": evaluation.campaign.period,
                                                         "outcome": evaluation.get_outcome_display()}
        if evaluation.outcome == Outcome.RECTIFY:
            today = timezone.localdate()
            deadline = calendar.add_working_days(today, evaluation.rectify_working_days)
            services.scenario_rectify(actor=actor, scenario=scenario, deadline=deadline, comment=comment,
                                      working_days_from=(today, evaluation.rectify_working_days))
        elif evaluation.outcome == Outcome.PROMOTE:
            services.scenario_promote(actor=actor, scenario=scenario, regions=list(evaluation.promote_regions.all()),
                                      comment=comment)
        elif evaluation.outcome == Outcome.OFFBOARD:
            services.scenario_transition(actor=actor, scenario=scenario, action="offboard", comment=comment)
    return evaluation


def evaluation_return(*, actor: Any, evaluation: Evaluation, comment: str) -> Evaluation:
    """The city sends a report back for revision (the outcome already applied stays in force). Every return is a
    history row; ``return_comment`` only mirrors the latest for the list and the API."""

    def keep_latest(locked: Evaluation, step: Transition) -> list[str]:
        locked.return_comment = comment.strip()
        return ["return_comment"]

    return transition(EVALUATION_WORKFLOW, obj=evaluation, action="return", actor=actor, comment=(comment or "").strip(),
                      extra_update=keep_latest)


def evaluation_history(evaluation: Evaluation):  # type: ignore[no-untyped-def]
    return evaluation.events.select_related("actor").order_by("created_at", "id")


def evaluation_reminders(*, today: dt.date | None = None, listed: int = 30) -> int:
    """One digest per evaluator per day: the evaluations they fill that are due within 3 working days or overdue,
    and the scenarios past their rectification deadline in their campaign's area. Idempotent (the digest's key is
    the day and its content: a second run the same day sends nothing; an item that appears later that day sends a
    new digest). A fixed number of queries plus one ``notify`` per group of people with the same digest (people of
    one campaign region), whatever the number of evaluations."""
    today = today or timezone.localdate()
    horizon = calendar.add_working_days(today, 4)  # due before the 4th working day = at most 3 working days left
    lines_of: dict[int, list[tuple[int, str]]] = {}  # campaign region id → (order, line)
    due = (Evaluation.objects.filter(status__in=[EvaluationStatus.DUE, EvaluationStatus.RETURNED],
                                     campaign__due_date__lt=horizon)
           .order_by("campaign__due_date", "pk").values_list("campaign__region_id", "campaign__due_date", "scenario__name"))
    for region_id, due_date, name in due.iterator(chunk_size=2000):
        left = calendar.working_days_between(today, due_date)
        line = (_("已超期 %(n)d 个工作日：%(s)s") % {"n": -left, "s": name} if left < 0 else
                _("%(d)s 到期：%(s)s") % {"d": due_date.isoformat(), "s": name})
        lines_of.setdefault(region_id, []).append((left, line))
    # Rectifications past their deadline go to the evaluators of the campaign that covers the scenario: the
    # district for street and village scenarios, the city for city and district ones (campaign_region_for).
    late = (Scenario.objects.filter(status=Status.RECTIFYING, rectify_deadline__lt=today)
            .order_by("rectify_deadline", "pk").values_list("region__path", "region__depth", "name", "rectify_deadline"))
    codes: dict[str, list[tuple[int, str]]] = {}
    for path, depth, name, deadline in late.iterator(chunk_size=2000):
        code = path.split("/")[1 if depth >= 2 else 0]
        codes.setdefault(code, []).append((-10**6, _("超过整改期限（%(d)s）未完成整改：%(s)s") % {
            "d": deadline.isoformat(), "s": name}))
    for region_id, code in Region.objects.filter(code__in=list(codes)).values_list("pk", "code"):
        lines_of.setdefault(region_id, []).extend(codes[code])
    if not lines_of:
        return 0
    digests: dict[tuple[tuple[int, str], ...], list[User]] = {}  # the same lines → one notify call
    people: dict[int, tuple[User, list[tuple[int, str]]]] = {}
    for user in evaluators_at(list(lines_of)):
        lines = people.setdefault(user.pk, (user, []))[1]
        lines.extend(lines_of[user.region_id])
    for user, lines in people.values():
        digests.setdefault(tuple(sorted(lines)), []).append(user)
    sent = 0
    for rows, recipients in digests.items():
        lines = [line for _order, line in rows]
        overdue = sum(1 for order, _line in rows if order < 0)
        title = _("评估待办 %(n)d 项，其中已超期 %(late)d 项") % {"n": len(lines), "late": overdue}
        body = "\n".join(lines[:listed]) + ("\n" + _("……另有 %(n)d 项") % {"n": len(lines) - listed}
                                              if len(lines) > listed else "")
        key = f"evaluation-digest:{today.isoformat()}:{hashlib.sha256(body.encode()).hexdigest()[:16]}"
        sent += len(notify(recipients=recipients, title=title, body=body, url="/scenarios/evaluations/",
                           dedupe_key=key))
    return sent
