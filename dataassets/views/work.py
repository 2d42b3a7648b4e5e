"""Objections, sharing requests and quality issues: queues with deadline badges, one page per item, actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, DateField, F, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from scenarios.models import Scenario
from scenarios.models import Status as ScenarioStatus
from shequyun.charts import chart_xlsx_response
from shequyun.errors import Conflict
from shequyun.paging import paginate
from shequyun.workflow import outcome_message

from .. import permissions, selectors, services
from ..filters import ObjectionFilter, QualityFilter, SharingFilter
from ..forms import (
    ApproveForm,
    CommentForm,
    DecideForm,
    ObjectionForm,
    QuarterForm,
    SharingForm,
    TransferForm,
)
from ..models import ObjectionStatus
from ..services.objections import transfer_targets
from .common import errors_to_form, flash_failure, post_only, querystring
from .resources import nav_counts

# --- objections ---------------------------------------------------------------------------------------------------


def by_deadline(queryset: Any) -> Any:
    """The clock of the current stage (``Objection.current_due``) in SQL, earliest first, so that queues page."""
    due = Case(When(status=ObjectionStatus.RECEIVED, then=F("mark_due")),
               When(status=ObjectionStatus.MARKED, then=F("decide_due")),
               When(status=ObjectionStatus.TRANSFERRED, then=F("department_due")), output_field=DateField())
    return queryset.annotate(stage_due=due).order_by(F("stage_due").asc(nulls_last=True), "received_on", "pk")


@login_required
def objection_list(request: HttpRequest) -> HttpResponse:
    dashboard = selectors.objection_dashboard(user=request.user)
    if request.GET.get("export") == dashboard["chart"].key:
        return chart_xlsx_response(request=request, chart=dashboard["chart"])
    queue_paging = paginate(request, by_deadline(permissions.objection_queue_queryset(request.user).select_related(
        "resource", "responsible_org")), per_page=25, param="queue_page")
    queue = queue_paging["page"].object_list
    filterset = ObjectionFilter(request.GET, queryset=selectors.objection_list(user=request.user))
    objections = filterset.qs if filterset.is_valid() else selectors.objection_list(user=request.user).none()
    page = paginate(request, objections, per_page=25)["page"]
    return render(request, "dataassets/objections.html", {
        "dashboard": dashboard, "queue": queue, "queue_paging": queue_paging, "filter": filterset, "page": page,
        "querystring": querystring(request), "counts": nav_counts(request.user),
    })


@login_required
def objection_new(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource_get(user=request.user, pk=pk)
    if not permissions.may_file_objection(request.user, resource):
        raise PermissionDenied
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.objection_file(actor=request.user, resource=resource, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("异议已登记。数据主管部门将于 %(d)s 前完成异议标注。") % {"d": objection.mark_due})
            return redirect("dataassets:objection", pk=objection.pk)
    return render(request, "dataassets/objection_form.html", {"form": form, "resource": resource})


@login_required
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objection = selectors.objection_get(user=request.user, pk=pk)
    actions = {t.action: t for t in services.OBJECTION_WORKFLOW.available_actions(objection, request.user)}
    return render(request, "dataassets/objection.html", {
        "objection": objection, "actions": actions,
        "history": objection.events.select_related("actor").order_by("created_at", "id"),
        "escalations": objection.escalations.select_related("to_region"),
        "comment_form": CommentForm(), "decide_form": DecideForm(),
        "transfer_form": TransferForm(targets=transfer_targets(objection, request.user)) if "transfer" in actions else None,
    })


@post_only
def objection_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    objection = selectors.objection_get(user=request.user, pk=pk)
    try:
        if action == "mark":
            form = CommentForm(request.POST)
            form.is_valid()
            services.objection_mark(actor=request.user, objection=objection,
                                    comment=form.cleaned_data.get("comment", ""))
        elif action == "transfer":
            form = TransferForm(request.POST, targets=transfer_targets(objection, request.user))
            if not form.is_valid():
                raise ValidationError({"responsible_org": [_("请选择责任部门。")]})
            services.objection_transfer(actor=request.user, objection=objection, **form.cleaned_data)
        elif action == "decide":
            # the service names what is missing ("请选择是否更正", "请填写处理结果")
            services.objection_decide(actor=request.user, objection=objection,
                                      decision=request.POST.get("decision", ""),
                                      result=request.POST.get("result", "")[:4000])
        else:
            raise Conflict(_("未知操作：%(action)s") % {"action": action})
    except (Conflict, ValidationError) as exc:
        flash_failure(request, exc)
        return redirect("dataassets:objection", pk=objection.pk)
    objection.refresh_from_db()
    messages.success(request, outcome_message(services.OBJECTION_WORKFLOW, objection, action, actor=request.user))
    following = permissions.objection_queue_queryset(request.user).exclude(pk=objection.pk).order_by("pk").first()
    if following is not None and request.POST.get("from") == "queue":
        return redirect("dataassets:objection", pk=following.pk)
    return redirect("dataassets:objection", pk=objection.pk)


# --- sharing requests ---------------------------------------------------------------------------------------------

@login_required
def sharing_list(request: HttpRequest) -> HttpResponse:
    filterset = SharingFilter(request.GET, queryset=selectors.sharing_list(user=request.user))
    requests = filterset.qs if filterset.is_valid() else selectors.sharing_list(user=request.user).none()
    page = paginate(request, requests, per_page=25)["page"]
    return render(request, "dataassets/sharing_list.html", {
        "filter": filterset, "page": page, "querystring": querystring(request), "counts": nav_counts(request.user)})


def _online_scenarios(user: Any) -> list[Any]:
    return list(Scenario.objects.visible_to(user).filter(status=ScenarioStatus.ONLINE).order_by("name"))


@login_required
def sharing_new(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource_get(user=request.user, pk=pk)
    if not permissions.may_request_sharing(request.user, resource):
        raise PermissionDenied
    form = SharingForm(request.POST or None, scenarios=_online_scenarios(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            created = services.sharing_request_create(actor=request.user, resource=resource,
                                                      scenario_id=form.cleaned_data["scenario"],
                                                      purpose=form.cleaned_data["purpose"])
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("共享申请已提交，等待数据主管部门审核。"))
            return redirect("dataassets:sharing", pk=created.pk)
    return render(request, "dataassets/sharing_form.html", {"form": form, "resource": resource})


@login_required
def sharing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = selectors.sharing_get(user=request.user, pk=pk)
    actions = {t.action: t for t in services.SHARING_WORKFLOW.available_actions(obj, request.user)}
    return render(request, "dataassets/sharing.html", {
        "obj": obj, "actions": actions, "approve_form": ApproveForm(), "comment_form": CommentForm(),
        "history": obj.events.select_related("actor").order_by("created_at", "id")})


@post_only
def sharing_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    obj = selectors.sharing_get(user=request.user, pk=pk)
    try:
        if action == "approve":
            form = ApproveForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"expires_on": [_("请填写授权截止日期。")]})
            services.sharing_approve(actor=request.user, request=obj, **form.cleaned_data)
        elif action == "reject":
            form = CommentForm(request.POST)
            form.is_valid()
            services.sharing_reject(actor=request.user, request=obj, comment=form.cleaned_data.get("comment", ""))
        else:
            raise Conflict(_("未知操作：%(action)s") % {"action": action})
    except (Conflict, ValidationError) as exc:
        flash_failure(request, exc)
        return redirect("dataassets:sharing", pk=obj.pk)
    obj.refresh_from_db()
    messages.success(request, outcome_message(services.SHARING_WORKFLOW, obj, action, actor=request.user))
    return redirect("dataassets:sharing", pk=obj.pk)


# --- quality ------------------------------------------------------------------------------------------------------

@login_required
def quality_list(request: HttpRequest) -> HttpResponse:
    quarter_form = QuarterForm(request.GET or None)
    quarter = (quarter_form.cleaned_data.get("quarter") if quarter_form.is_valid() else "") or selectors.current_quarter()
    scores = selectors.provider_scores(user=request.user, quarter=quarter)
    chart = selectors.score_chart(scores, quarter)
    if request.GET.get("export") == chart.key:
        return chart_xlsx_response(request=request, chart=chart)
    filterset = QualityFilter(request.GET, queryset=selectors.quality_list(user=request.user))
    issues = filterset.qs if filterset.is_valid() else selectors.quality_list(user=request.user).none()
    page = paginate(request, issues, per_page=25)["page"]
    return render(request, "dataassets/quality.html", {
        "quarter": quarter, "quarter_form": quarter_form, "scores": scores, "chart": chart, "filter": filterset,
        "page": page, "querystring": querystring(request), "counts": nav_counts(request.user)})


@login_required
def quality_detail(request: HttpRequest, pk: int) -> HttpResponse:
    issue = selectors.quality_get(user=request.user, pk=pk)
    actions = services.QUALITY_WORKFLOW.available_actions(issue, request.user)
    return render(request, "dataassets/quality_issue.html", {
        "issue": issue, "actions": actions, "comment_form": CommentForm(),
        "history": issue.events.select_related("actor").order_by("created_at", "id")})


@post_only
def quality_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    issue = selectors.quality_get(user=request.user, pk=pk)
    form = CommentForm(request.POST)
    form.is_valid()
    try:
        if action != "resolve":
            raise Conflict(_("未知操作：%(action)s") % {"action": action})
        services.quality_resolve(actor=request.user, issue=issue, comment=form.cleaned_data.get("comment", ""))
    except (Conflict, ValidationError) as exc:
        flash_failure(request, exc)
    else:
        messages.success(request, _("已报告整改完成。"))
    return redirect("dataassets:quality_issue", pk=issue.pk)


