"""Browser pages of the scenarios module. Every write is one call into scenarios/services.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shequyun.errors import Conflict
from shequyun.exports import xlsx_response
from shequyun.http import errors_to_form, post_only
from shequyun.paging import paginate
from shequyun.workdays import calendar
from shequyun.workflow import outcome_message

from .. import selectors, services
from ..api.views import report_response
from ..filters import ScenarioFilter
from ..forms import CommentForm, ScenarioForm
from ..models import Status
from ..permissions import may_apply_for
from ..similarity import MAX_CHARS
from ..transitions import SPECIAL_ACTIONS

SORTS = {"name": "name", "-updated": "-updated_at", "status": "status", "category": "category", "-online": "-online_since"}




@login_required
def inventory(request: HttpRequest) -> HttpResponse:
    # "本辖区可用" also lists online scenarios of other regions promoted to the user's region (the public inventory);
    # their rows are not links unless the user may open them.
    available = request.GET.get("available_to_me") == "true"
    base = (selectors.scenarios_available_to(user=request.user) if available
            else selectors.scenario_list(user=request.user))
    filterset = ScenarioFilter(request.GET or None, queryset=base, request=request)
    queryset = filterset.qs.order_by(SORTS.get(request.GET.get("sort", ""), "-updated_at"), "-id")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            request=request, filename="应用场景清单.xlsx", title="应用场景清单",
            headers=["编号", "场景名称", "类别", "建设区域", "应用范围", "建设单位", "开发单位", "状态", "上线时间"],
            rows=([s.pk, s.name, s.get_category_display(), s.region.name, "、".join(r.name for r in s.application_scope),
                   s.building_unit.name, s.developer_name, s.get_status_display(),
                   timezone.localdate(s.online_since).isoformat() if s.online_since else ""]
                  for s in queryset[:50000].iterator(chunk_size=2000)),
        )
    paging = paginate(request, queryset)
    rows = list(paging["page"].object_list)
    paging["page"].object_list = rows
    openable = ({s.pk for s in rows} if not available else
                set(selectors.scenario_list(user=request.user).filter(pk__in=[s.pk for s in rows])
                    .values_list("pk", flat=True)))
    return render(request, "scenarios/inventory.html", {
        "form": filterset.form, **paging, "sort": request.GET.get("sort", ""), "available": available,
        "openable": openable,
        "can_register": request.user.region is not None and may_apply_for(request.user, request.user.region),
        "queue_count": selectors.review_queue(user=request.user).count(),
    })


@login_required
def scenario_new(request: HttpRequest) -> HttpResponse:
    if request.user.region is None or not may_apply_for(request.user, request.user.region):
        raise PermissionDenied
    form = ScenarioForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = services.scenario_create(actor=request.user, region=request.user.region, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存草稿。材料齐全后即可提交核准。"))
            return redirect("scenarios:detail", pk=scenario.pk)
    return render(request, "scenarios/form.html", {"form": form, "creating": True})


@login_required
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = selectors.scenario_get_visible(user=request.user, pk=pk)
    if not may_apply_for(request.user, scenario.region):
        raise PermissionDenied
    application = scenario.application
    initial = {f: getattr(scenario, f) for f in services.SCENARIO_FIELDS}
    initial |= {f: getattr(application, f) for f in services.APPLICATION_FIELDS}
    form = ScenarioForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(actor=request.user, scenario=scenario, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("scenarios:detail", pk=scenario.pk)
        else:
            messages.success(request, _("申请已保存。"))
            return redirect("scenarios:detail", pk=scenario.pk)
    return render(request, "scenarios/form.html", {"form": form, "scenario": scenario})


def _context(request: HttpRequest, scenario: Any) -> dict[str, Any]:
    actions = [t for t in services.WORKFLOW.available_actions(scenario, request.user) if t.action not in SPECIAL_ACTIONS]
    return {
        "scenario": scenario, "application": scenario.application, "actions": actions,
        "history": selectors.scenario_history(scenario), "comment_form": CommentForm(),
        "similar": selectors.similar_scenarios(user=request.user, name=scenario.name,
                                               summary=scenario.application.function_summary, exclude=scenario.pk),
        "missing": services.application_missing(scenario) if scenario.status == Status.DRAFT else {},
        "can_edit": scenario.status == Status.DRAFT and may_apply_for(request.user, scenario.region),
        "can_merge": any(t.action == "merge" for t in services.WORKFLOW.available_actions(scenario, request.user)),
    }


@login_required
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = selectors.scenario_get_visible(user=request.user, pk=pk)
    return render(request, "scenarios/detail.html", _context(request, scenario))


@post_only
def scenario_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    scenario = selectors.scenario_get_visible(user=request.user, pk=pk)
    action = action.replace("-", "_")
    form = CommentForm(request.POST)
    comment = form.cleaned_data.get("comment", "") if form.is_valid() else ""
    came_from_review = request.POST.get("from") == "review"
    try:
        if action == "merge":
            into = selectors.scenario_get_visible(user=request.user, pk=request.POST.get("into", ""))
            services.scenario_merge(actor=request.user, scenario=scenario, into=into, comment=comment)
        else:
            services.scenario_transition(actor=request.user, scenario=scenario, action=action, comment=comment)
    except Conflict as exc:
        messages.error(request, _("操作未执行：%(m)s 可能已有其他人处理了该事项，页面已刷新。") % {"m": exc.message})
        return redirect("scenarios:detail", pk=scenario.pk)
    except ValidationError as exc:
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
        return redirect("scenarios:review" if came_from_review else "scenarios:detail", pk=scenario.pk)
    except Http404:
        messages.error(request, _("请选择要合并到的场景。"))
        return redirect("scenarios:detail", pk=scenario.pk)
    scenario.refresh_from_db()
    messages.success(request, outcome_message(services.WORKFLOW, scenario, action, actor=request.user))
    if came_from_review:
        following = selectors.review_queue(user=request.user).first()
        if following is not None:
            return redirect("scenarios:review", pk=following.pk)
        return redirect("scenarios:queue")
    return redirect("scenarios:detail", pk=scenario.pk)


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = selectors.scenario_get_visible(user=request.user, pk=pk)
    return report_response(scenario.application)


@login_required
def report_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF report inline, for the review page's frame (framed by the portal only)."""
    scenario = selectors.scenario_get_visible(user=request.user, pk=pk)
    return report_response(scenario.application, preview=True)


def _age_badge(since: Any) -> dict[str, Any]:
    if since is None:
        return {"days": 0, "text": _("刚提交")}
    days = calendar.working_days_between(timezone.localdate(since), timezone.localdate())
    return {"days": days, "text": _("已等待 %(n)d 个工作日") % {"n": days} if days else _("今天提交")}


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Everything of the scenario table that waits on the user (``?status=`` narrows to one state, ``returned`` to
    drafts sent back); the 事项 column says what they do about each."""
    queryset = selectors.review_queue(user=request.user)
    wanted = request.GET.get("status", "")
    labels = selectors.queue_status_labels()
    if wanted == "returned":
        queryset = queryset.filter(selectors.returned_filter(), status=Status.DRAFT)
    elif wanted == Status.DRAFT:
        queryset = queryset.filter(status=Status.DRAFT).exclude(selectors.returned_filter())
    elif wanted in labels:
        queryset = queryset.filter(status=wanted)
    else:
        wanted = ""
    queryset = queryset.annotate(was_returned=selectors.returned_filter())
    paging = paginate(request, queryset, per_page=50)
    rows = [{"scenario": s, "task": _("修改后重新提交") if s.was_returned and s.status == Status.DRAFT
             else labels.get(s.status, s.get_status_display()),
             "url": "scenarios:review" if s.status == Status.SUBMITTED else "scenarios:detail",
             "age": _age_badge(s.application.submitted_at if s.status == Status.SUBMITTED else s.updated_at)}
            for s in paging["page"].object_list]
    return render(request, "scenarios/queue.html", {
        "rows": rows, "queue_count": paging["page"].paginator.count, **paging, "status": wanted,
        "status_choices": [("", _("全部")), ("returned", _("被退回待修改")),
                           *((value, label) for value, label in labels.items())],
        "can_register": request.user.region is not None and may_apply_for(request.user, request.user.region),
    })


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = selectors.scenario_get_visible(user=request.user, pk=pk)
    context = _context(request, scenario)
    context["age"] = _age_badge(scenario.application.submitted_at)
    return render(request, "scenarios/review.html", context)


@login_required
def similar(request: HttpRequest) -> HttpResponse:
    """htmx partial: existing scenarios with similar functions while drafting."""
    name = request.GET.get("name", "")[:200]
    summary = request.GET.get("function_summary", "")[:MAX_CHARS]
    exclude = request.GET.get("exclude")
    found = selectors.similar_scenarios(user=request.user, name=name, summary=summary,
                                        exclude=int(exclude) if exclude and exclude.isdigit() else None)
    return render(request, "scenarios/_similar.html", {"similar": found})
