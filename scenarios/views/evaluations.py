"""Browser pages for evaluation: the evaluator's queue and the report form (with the participation chart)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import Region, RegionLevel
from shequyun.charts import Chart, Series, chart_xlsx_response
from shequyun.errors import Conflict
from shequyun.files import file_response
from shequyun.http import post_only
from shequyun.paging import paginate
from shequyun.workdays import deadline_words

from ..forms import CampaignForm, EvaluationForm
from ..models import Evaluation, EvaluationStatus, Outcome
from ..permissions import may_open_campaign
from ..services import evaluations as svc


def _evaluation(request: HttpRequest, pk: int) -> Evaluation:
    evaluation = (Evaluation.objects.visible_to(request.user)
                  .select_related("campaign", "scenario__region", "scenario__building_unit",
                                  "scenario__assessment").filter(pk=pk).first())
    if evaluation is None:
        raise Http404
    return evaluation




@login_required
def evaluation_queue(request: HttpRequest) -> HttpResponse:
    queryset = (Evaluation.objects.visible_to(request.user).select_related("campaign__region", "scenario__region")
                .order_by("campaign__due_date", "pk"))
    waiting = paginate(request, queryset.filter(svc.EVALUATION_WORKFLOW.waiting_on(request.user)))
    rows = [{"evaluation": e, "deadline": deadline_words(e.campaign.due_date)} for e in waiting["page"]]
    done = paginate(request, queryset.filter(status=EvaluationStatus.SUBMITTED).order_by("-submitted_at", "-pk"),
                    param="done_page")
    region = request.user.region
    can_open = region is not None and region.level in (RegionLevel.CITY, RegionLevel.DISTRICT) and may_open_campaign(
        request.user, region)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and can_open and form.is_valid():
        try:
            campaign = svc.campaign_open(actor=request.user, region=region, period=form.cleaned_data["period"],
                                         due_date=form.cleaned_data["due_date"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已发起 %(p)s 评估，共 %(n)d 个场景。") % {
                "p": campaign.period, "n": campaign.evaluations.count()})
            return redirect("scenarios:evaluations")
    return render(request, "scenarios/evaluations.html", {"rows": rows, "waiting": waiting, "done": done,
                                                          "form": form, "can_open": can_open})


def participation_chart(scenario: Any, data: dict[str, Any]) -> Chart:
    return Chart(
        key="participation", title=_("居民参与度趋势（近 90 天）"),
        description=_("每日活跃用户数和访问量，来自场景运营方报送的使用数据。"), kind="line",
        categories=[d.isoformat() for d, _a, _v in data["trend"]],
        series=[Series(_("活跃用户"), [a for _d, a, _v in data["trend"]]),
                Series(_("访问量"), [v for _d, _a, v in data["trend"]])],
    )


@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    scenario = evaluation.scenario
    data = svc.participation(scenario)
    chart = participation_chart(scenario, data)
    if request.GET.get("export") == chart.key:
        return chart_xlsx_response(request=request, chart=chart)
    if request.GET.get("export") == "report":
        from shequyun.exports import xlsx_response

        rows = [[str(EvaluationForm.base_fields[f"{d}_score"].label).split(" · ")[0], getattr(evaluation, f"{d}_score"),
                 getattr(evaluation, f"{d}_finding")] for d in svc.SCORE_FIELDS]
        rows.append([_("评估结论"), evaluation.get_outcome_display(),
                     _("整改期限 %(n)s 个工作日") % {"n": evaluation.rectify_working_days}
                     if evaluation.outcome == Outcome.RECTIFY else ""])
        return xlsx_response(request=request, filename=f"评估报告-{scenario.name}.xlsx",
                             title=f"{scenario.name} · {evaluation.campaign.period} 评估报告",
                             headers=[_("维度"), _("得分"), _("评价")], rows=rows, evaluation=evaluation.pk)
    district = scenario.region if scenario.region.level == RegionLevel.DISTRICT else None
    if district is None:
        district = next((r for r in scenario.region.ancestors() if r.level == RegionLevel.DISTRICT), scenario.region)
    promote_choices = Region.objects.filter(parent=district).order_by("code")
    actions = {t.action: t for t in svc.EVALUATION_WORKFLOW.available_actions(evaluation, request.user)}
    editable = "submit" in actions  # a draft is saved by whoever may submit it, while it may be submitted
    initial = {f: getattr(evaluation, f) for f in EvaluationForm.base_fields if f not in {"promote_regions", "evidence"}}
    initial["promote_regions"] = list(evaluation.promote_regions.all())
    if initial.get("participation_score") is None and data["households_rate"] is not None:
        initial["participation_score"] = min(100, round(data["households_rate"] * 100))
    form = EvaluationForm(request.POST or None, request.FILES or None, initial=initial, promote_choices=promote_choices)
    if request.method == "POST" and editable and form.is_valid():
        values = dict(form.cleaned_data)
        regions = list(values.pop("promote_regions"))
        evidence = values.pop("evidence")
        try:
            svc.evaluation_save(actor=request.user, evaluation=evaluation, promote_regions=regions, evidence=evidence,
                                **{k: v for k, v in values.items() if v not in (None, "") or k.endswith("finding")})
            if "submit" in request.POST:
                svc.evaluation_submit(actor=request.user, evaluation=evaluation)
                messages.success(request, _("评估报告已提交，结论已生效。"))
                return redirect("scenarios:detail", pk=scenario.pk)
            messages.success(request, _("已保存草稿。"))
            return redirect("scenarios:evaluation", pk=evaluation.pk)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except Conflict as exc:
            messages.error(request, exc.message)
    return render(request, "scenarios/evaluation_form.html", {
        "evaluation": evaluation, "scenario": scenario, "form": form, "chart": chart, "data": data,
        "editable": editable, "deadline": deadline_words(evaluation.campaign.due_date),
        "submit_action": actions.get("submit"), "return_action": actions.get("return"),
        "history": svc.evaluation_history(evaluation),
    })


@post_only
def evaluation_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    try:
        svc.evaluation_return(actor=request.user, evaluation=evaluation, comment=request.POST.get("comment", ""))
        messages.success(request, _("已退回。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("scenarios:evaluation", pk=pk)


@login_required
def evaluation_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded evidence, for whoever may see the evaluation (as an attachment)."""
    evaluation = _evaluation(request, pk)
    return file_response(evaluation.evidence, filename=f"佐证材料-{evaluation.scenario.name}")
